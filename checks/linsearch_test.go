package checks

import (
	"fmt"
	"math/rand/v2"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/anishathalye/porcupine"
	"pgregory.net/rapid"

	"github.com/evsim/evsim/model/history"
)

// TestLinearizableSearchAgainstPorcupine draws histories of the tiny bank
// (lost answers settled by the store or not, planted wrong answers) and
// requires the step-bounded search and porcupine, given the same
// operations and the same sequential specification, to agree on every
// account porcupine decides.
func TestLinearizableSearchAgainstPorcupine(t *testing.T) {
	counts := map[searchVerdict]int{}
	rapid.Check(t, func(t *rapid.T) {
		spec := bankSpec{
			clients:    rapid.IntRange(1, 4).Draw(t, "clients"),
			accounts:   rapid.IntRange(1, 2).Draw(t, "accounts"),
			ops:        rapid.IntRange(5, 40).Draw(t, "ops"),
			unknownPct: rapid.SampledFrom([]int{0, 10, 30, 60}).Draw(t, "unknown"),
			settledPct: rapid.IntRange(0, 100).Draw(t, "settled"),
			anomalyPct: 60,
			reads:      30,
			maxAmount:  rapid.SampledFrom([]int{2, 9}).Draw(t, "max amount"),
		}
		h := genBank(rapidChooser{t}, spec)
		ah := accountOps(h, false)
		for _, k := range ah.keys {
			ops := ah.opsOf(k)
			mine := searchAccount(ops, LinearizableSteps)
			theirs := porcupine.CheckOperationsTimeout(AggregateModel, porcupineOps(ops), 10*time.Second)
			if theirs == porcupine.Unknown || mine.verdict == searchOutOfSteps {
				continue
			}
			counts[mine.verdict]++
			if (mine.verdict == searchOK) != (theirs == porcupine.Ok) {
				var lines []string
				for _, o := range ops {
					lines = append(lines, o.describe())
				}
				t.Fatalf("account %s: search %d, porcupine %s on:\n%s", k, mine.verdict, theirs, strings.Join(lines, "\n"))
			}
		}
	})
	if counts[searchOK] == 0 || counts[searchIllegal] == 0 {
		t.Errorf("the properties never met both verdicts: %v", counts)
	}
	t.Logf("linearizable accounts %d, not linearizable %d", counts[searchOK], counts[searchIllegal])
}

// TestLinearizableDeterministic judges the same history twice, with the
// full budget and with a budget too small to decide: the results are
// equal, and the small budget gives unknown, saying so, both times.
func TestLinearizableDeterministic(t *testing.T) {
	h := genBank(randChooser{rand.New(rand.NewPCG(7, 7))}, bankSpec{clients: 8, accounts: 1, ops: 400,
		unknownPct: 10, settledPct: 50, reads: 20})
	a, b := Linearizable(h), Linearizable(h)
	if !reflect.DeepEqual(a, b) || a.Verdict == Unknown {
		t.Fatalf("two runs: %+v\n%+v", a, b)
	}
	c, d := linearizable(h, false, "linearizable", 50), linearizable(h, false, "linearizable", 50)
	if !reflect.DeepEqual(c, d) || c.Verdict != Unknown || !strings.Contains(c.Explanation, "budget of 50 steps") {
		t.Fatalf("tiny budget: %+v\n%+v", c, d)
	}
}

// TestLinearizableSearchStoreBounds: a deposit whose answer was lost
// explains a later read only if it may have taken effect; the store's
// append makes it certain (and bounds it by the append's time), its
// rollback rules it out.
func TestLinearizableSearchStoreBounds(t *testing.T) {
	open := func(at int64) []history.Entry {
		return []history.Entry{
			{At: at * ms, Kind: history.Command, Node: "a", Command: "a-1", Key: "acct-1", Type: "Open", Attempt: 1},
			{At: (at + 1) * ms, Kind: history.CommandReturn, Node: "a", Command: "a-1", Key: "acct-1", Type: "Open", Outcome: history.OutcomeOK},
		}
	}
	deposit := []history.Entry{
		{At: 3 * ms, Kind: history.Command, Node: "b", Command: "b-1", Key: "acct-1", Type: "Deposit", Amount: 5, Attempt: 1},
		{At: 9 * ms, Kind: history.CommandReturn, Node: "b", Command: "b-1", Key: "acct-1", Type: "Deposit", Amount: 5, Outcome: history.OutcomeUnknown},
	}
	read := func(at, value int64) []history.Entry {
		return []history.Entry{
			{At: at * ms, Kind: history.Query, Node: "c", Command: "c-" + itoa(int(at)), Key: "acct-1", Mode: history.ModeStrong},
			{At: (at + 1) * ms, Kind: history.QueryReturn, Node: "c", Command: "c-" + itoa(int(at)), Key: "acct-1", Mode: history.ModeStrong,
				Value: value, Version: 1, Outcome: history.OutcomeOK},
		}
	}
	appended := history.Entry{At: 4 * ms, Kind: history.StoreAppend, Node: "store", Command: "b-1", Key: "acct-1"}
	rolledBack := history.Entry{At: 4 * ms, Kind: history.StoreRollback, Node: "store", Command: "b-1", Key: "acct-1"}
	build := func(parts ...[]history.Entry) *history.History {
		var all []history.Entry
		for _, p := range parts {
			all = append(all, p...)
		}
		sortRecords(all)
		h := *history.FromEntries(all)
		return &h
	}
	for _, c := range []struct {
		name string
		h    *history.History
		want Verdict
	}{
		{"maybe, read 5", build(open(1), deposit, read(20, 5)), Holds},
		{"maybe, read 0", build(open(1), deposit, read(20, 0)), Holds},
		{"maybe, read 5 then 0", build(open(1), deposit, read(20, 5), read(30, 0)), Violated},
		{"appended, read 0", build(open(1), deposit, []history.Entry{appended}, read(20, 0)), Violated},
		{"appended, read 5 at +5ms", build(open(1), deposit, []history.Entry{appended}, read(5, 5)), Holds},
		{"appended, read 0 at +5ms", build(open(1), deposit, []history.Entry{appended}, read(5, 0)), Violated},
		{"rolled back, read 5", build(open(1), deposit, []history.Entry{rolledBack}, read(20, 5)), Violated},
		{"rolled back, read 0", build(open(1), deposit, []history.Entry{rolledBack}, read(20, 0)), Holds},
	} {
		if r := Linearizable(c.h); r.Verdict != c.want {
			t.Errorf("%s: %s, want %s: %s", c.name, r.Verdict, c.want, r.Explanation)
		}
	}
}

func sortRecords(rs []history.Entry) {
	for i := 1; i < len(rs); i++ {
		for j := i; j > 0 && rs[j].At < rs[j-1].At; j-- {
			rs[j], rs[j-1] = rs[j-1], rs[j]
		}
	}
}

// BenchmarkLinearizableUnsettled decides generated histories of 8 clients
// on one account, 2,000 operations, a tenth of the commands with a lost
// answer, with a given share of those settled by the store's records
// (the rest may or may not have taken effect), linearizable or with a
// read of an overdrawn balance planted halfway (violated: the search must
// rule out every order up to it):
//
//	go test ./checks -run '^$' -bench LinearizableUnsettled -benchtime 3x
func BenchmarkLinearizableUnsettled(b *testing.B) {
	for _, c := range []struct {
		settled   int
		overdrawn bool
	}{{100, false}, {90, false}, {50, false}, {0, false}, {100, true}, {90, true}, {50, true}, {0, true}} {
		b.Run("settled="+itoa(c.settled)+"%/overdrawn-read="+fmt.Sprint(c.overdrawn), func(b *testing.B) {
			h := genBank(randChooser{rand.New(rand.NewPCG(1, uint64(c.settled)))}, bankSpec{clients: 8, accounts: 1, ops: 2000,
				unknownPct: 10, settledPct: c.settled, overdrawnRead: c.overdrawn, reads: 20})
			var r Result
			for range b.N {
				r = Linearizable(h)
			}
			b.Logf("%s: %.300s", r.Verdict, r.Explanation)
		})
	}
}

// hardAccount is an account opened, then n concurrent deposits of 1, 2,
// 4, ... whose answers were lost and that the store did not settle, then
// a read of a balance no subset of them sums to: deciding it means
// trying every subset.
func hardAccount(n int) *history.History {
	var h history.History
	h.Add(history.Entry{At: 1, Kind: history.Command, Node: "o", Command: "o-1", Key: "acct-1", Type: "Open", Attempt: 1})
	h.Add(history.Entry{At: 2, Kind: history.CommandReturn, Node: "o", Command: "o-1", Key: "acct-1", Type: "Open", Outcome: history.OutcomeOK})
	for i := range n {
		id := "d-" + itoa(i)
		h.Add(history.Entry{At: 3, Kind: history.Command, Node: "d" + itoa(i), Command: id, Key: "acct-1", Type: "Deposit",
			Amount: 1 << i, Attempt: 1})
	}
	h.Add(history.Entry{At: 4, Kind: history.Query, Node: "r", Command: "r-1", Key: "acct-1", Mode: history.ModeStrong})
	h.Add(history.Entry{At: 5, Kind: history.QueryReturn, Node: "r", Command: "r-1", Key: "acct-1", Mode: history.ModeStrong,
		Outcome: history.OutcomeOK, Value: -1, Version: 1})
	return &h
}

// TestLinearizableOutOfSteps: an account that takes more steps than
// LinearizableSteps to decide is unknown, naming the account and the
// budget; a smaller one of the same shape is decided.
func TestLinearizableOutOfSteps(t *testing.T) {
	if r := Linearizable(hardAccount(10)); r.Verdict != Violated {
		t.Errorf("10 deposits: %s: %s", r.Verdict, r.Explanation)
	}
	expect(t, Linearizable(hardAccount(24)), "linearizable", Unknown, nil, "budget of "+itoa(LinearizableSteps)+" steps", "acct-1")
}

// TestLinearizableUnsettledDecided: 8 clients on one account, 2,000
// operations, a tenth of the commands with a lost answer. With none of
// them settled by the store (each may or may not have taken effect) the
// search still decides a linearizable history; with half of them settled
// it decides histories with a wrong answer planted. (With none settled,
// a planted wrong answer can exhaust the budget: deciding it means
// trying the subsets of the unsettled commands; see
// BenchmarkLinearizableUnsettled.)
func TestLinearizableUnsettledDecided(t *testing.T) {
	h := genBank(randChooser{rand.New(rand.NewPCG(1, 0))}, bankSpec{clients: 8, accounts: 1, ops: 2000,
		unknownPct: 10, settledPct: 0, reads: 20})
	if r := Linearizable(h); r.Verdict != Holds || !strings.Contains(r.Explanation, "0 were appended by the store") {
		t.Errorf("none settled: %s: %s", r.Verdict, r.Explanation)
	}
	violated := 0
	for seed := range uint64(5) {
		h := genBank(randChooser{rand.New(rand.NewPCG(seed, 50))}, bankSpec{clients: 8, accounts: 1, ops: 2000,
			unknownPct: 10, settledPct: 50, anomalyPct: 100, reads: 20})
		r := Linearizable(h)
		if r.Verdict == Unknown {
			t.Errorf("seed %d, half settled, an answer planted wrong: %s", seed, r.Explanation)
		}
		if r.Verdict == Violated {
			violated++
		}
	}
	if violated == 0 {
		t.Error("no planted wrong answer was caught")
	}
}

// TestEntryKeyOrder: entry keys sort as the search's entries must be
// ordered: by position (signed), a call before a return at one
// position, then by operation.
func TestEntryKeyOrder(t *testing.T) {
	type e struct {
		pos int64
		ret bool
		op  int
	}
	less := func(a, b e) bool {
		if a.pos != b.pos {
			return a.pos < b.pos
		}
		if a.ret != b.ret {
			return !a.ret
		}
		return a.op < b.op
	}
	es := []e{{-5, false, 3}, {0, false, 0}, {0, true, 0}, {0, false, 7}, {7, true, 1}, {7, false, 2}, {1 << 30, false, 1<<31 - 1}, {-1, true, 0}}
	for _, a := range es {
		for _, b := range es {
			if got := entryKey(a.pos, a.ret, a.op) < entryKey(b.pos, b.ret, b.op); got != less(a, b) {
				t.Errorf("entryKey(%v) < entryKey(%v) = %v, want %v", a, b, got, less(a, b))
			}
		}
	}
}
