package checks

import (
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/anishathalye/porcupine"

	"github.com/evsim/evsim/model/history"
)

// Tiny account histories: session s opens acct-1 and deposits 5; a
// client r reads it back.

func acctCmd(at int64, id, typ string, amount int64) history.Entry {
	return history.Entry{At: at * ms, Kind: history.Command, Node: "s", Command: id, Key: "acct-1", Type: typ, Amount: amount,
		Attempt: 1, Mode: history.ModeWriteModel}
}

func acctRet(at int64, id, typ string, amount int64, outcome history.Outcome, value int64) history.Entry {
	return history.Entry{At: at * ms, Kind: history.CommandReturn, Node: "s", Command: id, Key: "acct-1", Type: typ, Amount: amount,
		Attempt: 1, Mode: history.ModeWriteModel, Outcome: outcome, Value: value, Version: 1}
}

func acctRead(at int64, id string, mode history.Mode, outcome history.Outcome, value, version int64) []history.Entry {
	group := "balances"
	if mode == history.ModeStrong {
		group = ""
	}
	return []history.Entry{
		{At: at * ms, Kind: history.Query, Node: "r", Command: id, Key: "acct-1", Group: group, Mode: mode, Token: 2},
		{At: (at + 1) * ms, Kind: history.QueryReturn, Node: "r", Command: id, Key: "acct-1", Group: group, Mode: mode, Token: 2,
			Outcome: outcome, Value: value, Version: version},
	}
}

func openAndDeposit() []history.Entry {
	return []history.Entry{
		acctCmd(1, "s-1", "Open", 0), acctRet(2, "s-1", "Open", 0, history.OutcomeOK, 0),
		acctCmd(3, "s-2", "Deposit", 5), acctRet(4, "s-2", "Deposit", 5, history.OutcomeOK, 5),
	}
}

// TestLinearizableReadsTimedOutQuery: a read-your-writes query that gave
// up waiting read nothing; linearizable-reads does not judge it as a read
// that returned no row, and says it left it out. The same answer, had it
// returned, is a stale read.
func TestLinearizableReadsTimedOutQuery(t *testing.T) {
	timedOut := hist(append(openAndDeposit(), acctRead(10, "r-1", history.ModeReadYourWrites, history.OutcomeTimeout, 0, 0)...)...)
	r := LinearizableReads(timedOut)
	expect(t, r, "linearizable-reads", Holds, nil, "2 operation(s) on 1 aggregate(s)", "1 query(ies) that read nothing (timed out or lost) are not judged")

	stale := hist(append(openAndDeposit(), acctRead(10, "r-1", history.ModeReadYourWrites, history.OutcomeOK, 0, 0)...)...)
	if r := LinearizableReads(stale); r.Verdict != Violated {
		t.Errorf("a stale read that returned: %s: %s", r.Verdict, r.Explanation)
	}
	// A timed-out strong read, as hand-written histories may hold, is not
	// judged by linearizable either.
	strong := hist(append(openAndDeposit(), acctRead(10, "r-1", history.ModeStrong, history.OutcomeTimeout, 0, 0)...)...)
	expect(t, Linearizable(strong), "linearizable", Holds, nil, "1 query(ies) that read nothing")
}

// TestLinearizableNotApplicable: nothing to judge is unknown with the
// reason, never a vacuous holds.
func TestLinearizableNotApplicable(t *testing.T) {
	expect(t, Linearizable(&history.History{}), "linearizable", Unknown, nil, "Not applicable", "no commands or strong reads of an aggregate")
	// Only eventual reads: linearizable has nothing, linearizable-reads
	// judges them.
	h := hist(acctRead(1, "r-1", history.ModeEventual, history.OutcomeOK, 0, 0)...)
	expect(t, Linearizable(h), "linearizable", Unknown, nil, "Not applicable")
	expect(t, LinearizableReads(h), "linearizable-reads", Holds, nil, "1 operation(s)")
	// Commands of the cart are judged by the cart's rules: adding no
	// item answers 0 items.
	cart := hist(history.Entry{At: ms, Kind: history.Command, Node: "s", Command: "c-1", Key: "cart-1", Type: "AddItem", Attempt: 1},
		history.Entry{At: 2 * ms, Kind: history.CommandReturn, Node: "s", Command: "c-1", Key: "cart-1", Type: "AddItem", Outcome: history.OutcomeOK})
	expect(t, Linearizable(cart), "linearizable", Holds, nil, "1 operation(s)")
	// An aggregate the history names but nobody registered: unknown,
	// with the reason.
	named := hist(append([]history.Entry{{Kind: history.StoreAggregate, Node: "store", Type: "no-such-aggregate"}}, cart.Entries()...)...)
	expect(t, Linearizable(named), "linearizable", Unknown, nil, `"no-such-aggregate" is not registered`, "cart-1")
	// Commands of types no registered aggregate knows, in a history that
	// names none: unknown, with the reason.
	odd := hist(history.Entry{At: ms, Kind: history.Command, Node: "s", Command: "c-1", Key: "k", Type: "Frobnicate", Attempt: 1},
		history.Entry{At: 2 * ms, Kind: history.CommandReturn, Node: "s", Command: "c-1", Key: "k", Type: "Frobnicate", Outcome: history.OutcomeOK})
	expect(t, Linearizable(odd), "linearizable", Unknown, nil, "fit no registered aggregate")
}

// TestLinearizableChecksShareOneGathering: the operations of both
// linearizability checks are gathered once, the reads of the read models
// marked. linearizable's view leaves them out (and an account only they
// read, and their unread queries); linearizable-reads' keeps them; each
// check gives the same through one judgement, in either order, as alone,
// whether a stale read or a wrong answer of the write side breaks
// linearizable-reads.
func TestLinearizableChecksShareOneGathering(t *testing.T) {
	recs := openAndDeposit()
	recs = append(recs, acctRead(10, "r-1", history.ModeEventual, history.OutcomeOK, 0, 0)...)      // stale
	recs = append(recs, acctRead(20, "r-2", history.ModeStrong, history.OutcomeTimeout, 0, 0)...)   // unread, strong
	recs = append(recs, acctRead(30, "r-3", history.ModeEventual, history.OutcomeTimeout, 0, 0)...) // unread, eventual
	recs = append(recs, acctRead(40, "r-4", history.ModeStrong, history.OutcomeOK, 5, 2)...)        // up to date
	other := acctRead(50, "r-5", history.ModeEventual, history.OutcomeOK, 0, 0)                     // the only op on acct-2
	other[0].Key, other[1].Key = "acct-2", "acct-2"
	h := hist(append(recs, other...)...)

	g := gatherAccountOps(h, domainsOf(h), readOpPairs(h))
	strong, all := g.view(false), g.view(true)
	if fmt.Sprint(strong.keys, strong.unreadQueries, all.keys, all.unreadQueries) != "[acct-1] 1 [acct-1 acct-2] 2" {
		t.Errorf("views: linearizable %v (%d unread), linearizable-reads %v (%d unread)", strong.keys, strong.unreadQueries, all.keys, all.unreadQueries)
	}
	var kept []linOp
	for _, op := range all.opsOf("acct-1") {
		if !op.ReadModel {
			kept = append(kept, op)
		}
	}
	if got := strong.opsOf("acct-1"); fmt.Sprint(got) != fmt.Sprint(kept) || len(got) != 3 {
		t.Errorf("linearizable's operations\n got %v\nwant those of linearizable-reads but the reads of the read models: %v", got, kept)
	}

	lin, reads := Linearizable(h), LinearizableReads(h)
	expect(t, lin, "linearizable", Holds, nil, "3 operation(s) on 1 aggregate(s)", "1 query(ies) that read nothing")
	if reads.Verdict != Violated || !strings.Contains(reads.Explanation, "a read returned a state the aggregate had already left") {
		t.Errorf("linearizable-reads: %s: %s", reads.Verdict, reads.Explanation)
	}
	sameThroughJudgements(t, h, lin, reads)

	// A wrong answer of the write side: both violated, and
	// linearizable-reads blames the write side, whose search
	// linearizable made first in a judgement.
	recs[3].Value = 7
	h = hist(append(recs, other...)...)
	lin, reads = Linearizable(h), LinearizableReads(h)
	expect(t, lin, "linearizable", Violated, lin.Witness, "acct-1")
	if reads.Verdict != Violated || !strings.Contains(reads.Explanation, "the write side answered") {
		t.Errorf("linearizable-reads: %s: %s", reads.Verdict, reads.Explanation)
	}
	sameThroughJudgements(t, h, lin, reads)
}

// sameThroughJudgements requires linearizable and linearizable-reads run
// through one judgement of h, in either order, to give lin and reads,
// their results alone.
func sameThroughJudgements(t *testing.T, h *history.History, lin, reads Result) {
	t.Helper()
	for _, order := range [][]string{{"linearizable", "linearizable-reads"}, {"linearizable-reads", "linearizable"}} {
		j := NewJudgement(h)
		for _, n := range order {
			c, _ := Lookup(n)
			want := lin
			if n == "linearizable-reads" {
				want = reads
			}
			if got := j.Run(c); !reflect.DeepEqual(got, want) {
				t.Errorf("%s after %v through one judgement: %s: %s; alone: %s: %s", n, order, got.Verdict, got.Explanation, want.Verdict, want.Explanation)
			}
		}
	}
}

// TestLinearizableApplyLogicChanged: an account whose snapshots and loads
// carry two apply logics reports balances in two units; it is named and
// not judged, and the verdict is unknown, even though its answers look
// like a violation under one logic.
func TestLinearizableApplyLogicChanged(t *testing.T) {
	recs := openAndDeposit()
	recs = append(recs,
		history.Entry{At: 5 * ms, Kind: history.Snapshot, Node: "s", Key: "acct-1", Version: 2, State: "open=true balance=5", Logic: 1},
		history.Entry{At: 6 * ms, Kind: history.Load, Node: "r", Key: "acct-1", Version: 2, State: "open=true balance=500c", Logic: 2})
	recs = append(recs, acctRead(7, "r-1", history.ModeStrong, history.OutcomeOK, 500, 2)...)
	expect(t, Linearizable(hist(recs...)), "linearizable", Unknown, nil, "acct-1", "apply logics 1 and 2", "not judged")
	// The same answers with one logic: a violation.
	recs[5].Logic = 1
	if r := Linearizable(hist(recs...)); r.Verdict != Violated {
		t.Errorf("one apply logic: %s: %s", r.Verdict, r.Explanation)
	}
}

// TestLinearizabilityHTMLLongPrefix: when the smallest non-linearizable
// prefix is long and every lost answer in it is settled by the store,
// porcupine draws only its tail, from the state every order of the
// operations before leaves, and still finds it illegal; the page stays
// small.
func TestLinearizabilityHTMLLongPrefix(t *testing.T) {
	// The first seed whose planted wrong answer makes the account not
	// linearizable (a wrong balance can happen to fit).
	var h *history.History
	var ops []linOp
	for seed := uint64(1); ; seed++ {
		h = genBank(randChooser{rand.New(rand.NewPCG(seed, 100))}, bankSpec{clients: 8, accounts: 1, ops: 2000,
			unknownPct: 10, settledPct: 100, anomalyPct: 100, reads: 20})
		ah := accountOps(h, false)
		ops = ah.opsOf("acct-0")
		if searchAccount(ops, LinearizableSteps).verdict == searchIllegal {
			break
		}
	}
	prefix := witness(new(linSearch), ops, LinearizableSteps)
	from, start := drawFrom(ops[:prefix])
	if prefix < 100 || from == 0 {
		t.Fatalf("prefix of %d operations drawn from %d: want a long prefix drawn from its tail", prefix, from)
	}
	model := AggregateModel
	model.Init = func() any { return start }
	if res := porcupine.CheckOperations(model, porcupineOps(ops[from:prefix])); res {
		t.Fatalf("the tail from %d (state %s) is linearizable", from, start)
	}
	path := filepath.Join(t.TempDir(), "long.html")
	wrote, _, err := WriteLinearizabilityHTML(h, false, path)
	if err != nil || !wrote {
		t.Fatalf("wrote %v, err %v", wrote, err)
	}
	if fi, err := os.Stat(path); err != nil || fi.Size() > 1<<20 {
		t.Fatalf("page: %v, %v", fi, err)
	}
}
