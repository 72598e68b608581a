package checks

import (
	"fmt"
	"math/rand/v2"
	"sort"

	"pgregory.net/rapid"

	"github.com/evsim/evsim/model/history"
)

// A tiny abstract bank for the linearizability tests: clients run one
// operation at a time on a few accounts; each operation takes effect at a
// point inside its interval, in the order of those points, so the
// answers are linearizable unless an anomaly is planted.

// chooser draws numbers: from rapid in properties, from a seeded source
// in benchmarks.
type chooser interface {
	intn(n int, label string) int
}

type rapidChooser struct{ t *rapid.T }

func (c rapidChooser) intn(n int, label string) int { return rapid.IntRange(0, n-1).Draw(c.t, label) }

type randChooser struct{ r *rand.Rand }

func (c randChooser) intn(n int, _ string) int { return c.r.IntN(n) }

// bankSpec shapes a generated history.
type bankSpec struct {
	clients, accounts, ops int
	// unknownPct is the share (percent) of commands whose answer is lost;
	// settledPct the share of those the store settles (an append or a
	// rollback on record).
	unknownPct, settledPct int
	// anomalyPct is the chance (percent) that one answer is planted wrong.
	anomalyPct int
	// reads is the share (percent) of operations that are strong reads.
	reads int
	// maxAmount bounds the amounts (default 9); small amounts make many
	// commands alike.
	maxAmount int
	// overdrawnRead plants a read of balance -1 (no order explains it:
	// withdrawals never overdraw) halfway through.
	overdrawnRead bool
}

type genOp struct {
	client          int
	key             string
	typ             string // Open, Deposit, Withdraw, Read
	amount          int64
	call, lin, ret  int64
	outcome         history.Outcome
	value           int64
	found           bool
	effect          bool
	settled, silent bool
}

// genBank draws a history from spec.
func genBank(c chooser, spec bankSpec) *history.History {
	const us = int64(1000)
	clock := make([]int64, spec.clients)
	amounts := spec.maxAmount
	if amounts == 0 {
		amounts = 9
	}
	var ops []*genOp
	for i := range spec.ops {
		cl := c.intn(spec.clients, "client")
		o := &genOp{client: cl, key: fmt.Sprintf("acct-%d", c.intn(spec.accounts, "account"))}
		switch k := c.intn(100, "kind"); {
		case k < spec.reads:
			o.typ = "Read"
		case k < spec.reads+(100-spec.reads)/8:
			o.typ = "Open"
		case k < spec.reads+(100-spec.reads)*5/8:
			o.typ, o.amount = "Deposit", int64(1+c.intn(amounts, "amount"))
		default:
			o.typ, o.amount = "Withdraw", int64(1+c.intn(amounts, "amount"))
		}
		o.call = clock[cl] + us*int64(1+c.intn(4, "think"))
		o.lin = o.call + us*int64(1+c.intn(6, "lin"))
		o.ret = o.lin + us*int64(1+c.intn(6, "ret"))
		clock[cl] = o.ret
		_ = i
		ops = append(ops, o)
	}
	order := append([]*genOp(nil), ops...)
	sort.SliceStable(order, func(a, b int) bool { return order[a].lin < order[b].lin })
	type acctState struct {
		Open    bool
		Balance int64
	}
	state := map[string]acctState{}
	for _, o := range order {
		s := state[o.key]
		switch o.typ {
		case "Read":
			o.outcome, o.found, o.value = history.OutcomeOK, s.Open, s.Balance
			continue
		case "Open":
			o.effect = !s.Open
			s.Open = true
		case "Deposit":
			o.effect = s.Open
			if o.effect {
				s.Balance += o.amount
			}
		case "Withdraw":
			o.effect = s.Open && s.Balance >= o.amount
			if o.effect {
				s.Balance -= o.amount
			}
		}
		state[o.key] = s
		o.value = s.Balance
		o.outcome = history.OutcomeOK
		if !o.effect {
			o.outcome = history.OutcomeRejected
		}
	}
	for _, o := range ops {
		if o.typ == "Read" || c.intn(100, "lost") >= spec.unknownPct {
			continue
		}
		o.outcome = history.OutcomeUnknown
		o.settled = c.intn(100, "settled") < spec.settledPct
		o.silent = c.intn(3, "silent") == 0
	}
	var answered []*genOp
	for _, o := range ops {
		if o.outcome != history.OutcomeUnknown {
			answered = append(answered, o)
		}
	}
	if spec.anomalyPct > 0 && c.intn(100, "anomaly") < spec.anomalyPct && len(answered) > 0 {
		// One answer planted wrong: a balance off, a row seen or missed,
		// an acknowledgement turned into a rejection or back.
		o := answered[c.intn(len(answered), "which")]
		switch how := c.intn(3, "how"); {
		case how == 0:
			o.value += int64(1 + c.intn(9, "delta"))
		case how == 1 && o.typ == "Read":
			o.found = !o.found
		case how == 2 && o.outcome == history.OutcomeOK && o.typ != "Read":
			o.outcome = history.OutcomeRejected
		case how == 2 && o.outcome == history.OutcomeRejected:
			o.outcome = history.OutcomeOK
		default:
			o.value -= int64(1 + c.intn(9, "delta"))
		}
	}

	if spec.overdrawnRead {
		for _, o := range ops[len(ops)/2:] {
			if o.typ == "Read" {
				o.found, o.value = true, -1
				break
			}
		}
	}

	var recs []history.Entry
	for i, o := range ops {
		node := fmt.Sprintf("c%d", o.client)
		id := fmt.Sprintf("%s-%d", node, i)
		if o.typ == "Read" {
			version := int64(0)
			if o.found {
				version = 1
			}
			recs = append(recs,
				history.Entry{At: o.call, Kind: history.Query, Node: node, Command: id, Key: o.key, Mode: history.ModeStrong},
				history.Entry{At: o.ret, Kind: history.QueryReturn, Node: node, Command: id, Key: o.key, Mode: history.ModeStrong,
					Value: o.value, Version: version, Outcome: history.OutcomeOK})
			continue
		}
		recs = append(recs, history.Entry{At: o.call, Kind: history.Command, Node: node, Command: id, Key: o.key,
			Type: o.typ, Amount: o.amount, Attempt: 1, Mode: history.ModeWriteModel})
		ret := history.Entry{At: o.ret, Kind: history.CommandReturn, Node: node, Command: id, Key: o.key,
			Type: o.typ, Amount: o.amount, Attempt: 1, Outcome: o.outcome, Mode: history.ModeWriteModel}
		if o.outcome != history.OutcomeUnknown {
			ret.Value = o.value
		}
		if o.outcome != history.OutcomeUnknown || !o.silent {
			recs = append(recs, ret) // a silent one is still in flight when the history ends
		}
		if o.outcome == history.OutcomeUnknown && o.settled {
			if o.effect {
				recs = append(recs, history.Entry{At: o.lin, Kind: history.StoreAppend, Node: "store", Key: o.key, Command: id})
			} else {
				recs = append(recs, history.Entry{At: o.lin, Kind: history.LostAnswer, Node: "store", Key: o.key, Command: id,
					Outcome: history.OutcomeRolledBack})
			}
		} else if o.effect && o.outcome == history.OutcomeOK {
			recs = append(recs, history.Entry{At: o.lin, Kind: history.StoreAppend, Node: "store", Key: o.key, Command: id})
		}
	}
	sort.SliceStable(recs, func(a, b int) bool { return recs[a].At < recs[b].At })
	return history.FromEntries(recs)
}
