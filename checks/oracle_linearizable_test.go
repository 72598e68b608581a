package checks

import (
	"math"
	"testing"

	"pgregory.net/rapid"

	"github.com/evsim/evsim/model/history"
)

// The oracle of linearizable, written from its definition in
// scenarios/FORMAT.md, by brute force: every way to settle the lost
// answers the store left open, every order of the operations that
// respects real time, replayed against the bank account's rules. Real
// time is the order of the records: an operation returned before another
// was invoked when its answer's record (or, for a lost answer, the
// store's append) comes before the other's invocation record.

type oracleOp struct {
	key, typ string
	amount   int64
	call     int64
	ret      int64 // math.MaxInt64: never answered
	known    bool  // answered ok or rejected
	ok       bool
	value    int64
	found    bool
	read     bool
	maybe    bool // lost answer the store did not settle
}

// oracleLinearizable judges h (strong reads only) by brute force.
func oracleLinearizable(h *history.History) Verdict {
	calls := map[string]history.Entry{}
	callAt := map[string]int64{}
	rets := map[string]history.Entry{}
	retAt := map[string]int64{}
	appended := map[string]int64{}
	undone := map[string]bool{}
	var ids []string
	for i, r := range h.All() {
		switch r.Kind {
		case history.Command, history.Query:
			if _, ok := calls[r.Command]; !ok {
				calls[r.Command], callAt[r.Command] = r, int64(i)
				ids = append(ids, r.Command)
			}
		case history.CommandReturn, history.QueryReturn:
			rets[r.Command], retAt[r.Command] = r, int64(i)
		case history.StoreAppend:
			if _, ok := appended[r.Command]; !ok {
				appended[r.Command] = int64(i)
			}
		case history.StoreRollback:
			undone[r.Command] = true
		case history.LostAnswer:
			if r.Outcome == history.OutcomeRolledBack || r.Outcome == history.OutcomeConflict {
				undone[r.Command] = true
			}
		}
	}
	var ops []oracleOp
	for _, id := range ids {
		c := calls[id]
		r, answered := rets[id]
		o := oracleOp{key: c.Key, typ: c.Type, amount: c.Amount, call: callAt[id], ret: math.MaxInt64}
		if c.Kind == history.Query {
			if !answered || c.Mode != history.ModeStrong || r.Outcome != history.OutcomeOK {
				continue
			}
			o.read, o.ret, o.value, o.found = true, retAt[id], r.Value, r.Version > 0
			ops = append(ops, o)
			continue
		}
		switch {
		case answered && (r.Outcome == history.OutcomeOK || r.Outcome == history.OutcomeRejected):
			o.known, o.ok, o.ret, o.value = true, r.Outcome == history.OutcomeOK, retAt[id], r.Value
		case answered && r.Outcome != history.OutcomeUnknown:
			continue // ended without effect
		default: // lost
			if at, ok := appended[id]; ok {
				o.ret = at // took effect, by the store's append
			} else if undone[id] {
				continue
			} else {
				o.maybe = true
			}
		}
		ops = append(ops, o)
	}
	if len(ops) == 0 {
		return Unknown
	}
	var maybes []int
	for i, o := range ops {
		if o.maybe {
			maybes = append(maybes, i)
		}
	}
	for mask := 0; mask < 1<<len(maybes); mask++ {
		var in []int
		skip := map[int]bool{}
		for b, i := range maybes {
			if mask&(1<<b) == 0 {
				skip[i] = true
			}
		}
		for i := range ops {
			if !skip[i] {
				in = append(in, i)
			}
		}
		if anyOrder(ops, in, nil, make([]bool, len(ops))) {
			return Holds
		}
	}
	return Violated
}

// anyOrder reports whether some completion of order by the operations in
// `in` not yet placed respects real time and replays legally.
func anyOrder(ops []oracleOp, in, order []int, placed []bool) bool {
	if len(order) == len(in) {
		return replay(ops, order)
	}
	for _, i := range in {
		if placed[i] {
			continue
		}
		// i may come next only if no unplaced operation returned before
		// i was invoked.
		ready := true
		for _, j := range in {
			if !placed[j] && j != i && ops[j].ret < ops[i].call {
				ready = false
			}
		}
		if !ready {
			continue
		}
		placed[i] = true
		if anyOrder(ops, in, append(order, i), placed) {
			return true
		}
		placed[i] = false
	}
	return false
}

// replay applies the operations in order to fresh accounts and reports
// whether every answer fits.
func replay(ops []oracleOp, order []int) bool {
	type account struct {
		open    bool
		balance int64
	}
	accts := map[string]account{}
	for _, i := range order {
		o := ops[i]
		a := accts[o.key]
		if o.read {
			if o.found != a.open || o.found && o.value != a.balance {
				return false
			}
			continue
		}
		var allowed bool
		after := a
		switch o.typ {
		case "Open":
			allowed = !a.open
			after.open = true
		case "Deposit":
			allowed = a.open
			after.balance += o.amount
		case "Withdraw":
			allowed = a.open && a.balance >= o.amount
			after.balance -= o.amount
		}
		switch {
		case !o.known: // lost, and taking effect here
			if !allowed {
				return false
			}
			accts[o.key] = after
		case o.ok: // took effect, reporting the balance after it
			if !allowed || o.value != after.balance {
				return false
			}
			accts[o.key] = after
		default: // rejected: refused, reporting the balance it saw
			if allowed || o.value != a.balance {
				return false
			}
		}
	}
	return true
}

// TestLinearizableOracle draws tiny bank histories (up to 6 operations,
// lost answers settled by the store or not, planted wrong answers) and
// requires linearizable to agree with the brute-force oracle.
func TestLinearizableOracle(t *testing.T) {
	counts := map[Verdict]int{}
	rapid.Check(t, func(t *rapid.T) {
		spec := bankSpec{
			clients:    rapid.IntRange(1, 3).Draw(t, "clients"),
			accounts:   rapid.IntRange(1, 2).Draw(t, "accounts"),
			ops:        rapid.IntRange(1, 6).Draw(t, "ops"),
			unknownPct: rapid.SampledFrom([]int{0, 30, 60}).Draw(t, "unknown"),
			settledPct: rapid.IntRange(0, 100).Draw(t, "settled"),
			anomalyPct: 50,
			reads:      30,
		}
		h := genBank(rapidChooser{t}, spec)
		want := oracleLinearizable(h)
		got := Linearizable(h)
		counts[want]++
		if got.Verdict != want {
			for _, r := range h.All() {
				t.Logf("%+v", r)
			}
			t.Fatalf("linearizable %s, oracle %s: %s", got.Verdict, want, got.Explanation)
		}
	})
	if counts[Holds] == 0 || counts[Violated] == 0 {
		t.Errorf("verdicts met: %v, want holds and violated", counts)
	}
	t.Logf("verdicts: %v", counts)
}
