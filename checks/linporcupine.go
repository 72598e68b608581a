package checks

import (
	"fmt"
	"math"
	"sort"
	"time"

	"github.com/anishathalye/porcupine"

	"github.com/evsim/evsim/model/history"
)

// visualizationTimeout bounds porcupine's search when it draws a witness
// that the step-bounded search already found. It affects the drawing
// only, never a verdict.
const visualizationTimeout = 10 * time.Second

// AccountModel is the porcupine model of the built-in bank account, one
// account per partition, with the sequential specification the
// linearizable checks use. An operation's input is the operation itself
// (its answer included); the output is unused. A command whose answer was
// lost and that the store did not settle has Return = math.MaxInt64 and
// takes effect where it can, or not at all.
var AccountModel = porcupine.Model{
	Partition: func(ops []porcupine.Operation) [][]porcupine.Operation {
		byKey := map[string][]porcupine.Operation{}
		for _, op := range ops {
			k := op.Input.(linOp).Key
			byKey[k] = append(byKey[k], op)
		}
		keys := make([]string, 0, len(byKey))
		for k := range byKey {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		out := make([][]porcupine.Operation, len(keys))
		for i, k := range keys {
			out[i] = byKey[k]
		}
		return out
	},
	Init: func() any { return acctState{} },
	Step: func(state, input, _ any) (bool, any) {
		s, o := state.(acctState), input.(linOp)
		if o.Out == outMaybe {
			// porcupine places every operation: one that cannot take
			// effect here is placed as a no-op (not applied).
			_, next := takesEffect(s, &o)
			return true, next
		}
		return stepAccount(s, &o)
	},
	Hash: func(state any) uint64 {
		s := state.(acctState)
		h := uint64(s.Balance) * 0x9e3779b97f4a7c15
		if s.Open {
			h ^= 1
		}
		return h
	},
	DescribeOperation: func(input, _ any) string {
		o := input.(linOp)
		return o.describe()
	},
	DescribeState: func(state any) string { return state.(acctState).String() },
}

// porcupineOps turns operations into porcupine's form.
func porcupineOps(ops []linOp) []porcupine.Operation {
	out := make([]porcupine.Operation, len(ops))
	for i, o := range ops {
		out[i] = porcupine.Operation{ClientId: o.Client, Input: o, Call: o.Call, Return: o.Return}
	}
	return out
}

// WriteLinearizabilityHTML writes porcupine's interactive visualization
// of the smallest non-linearizable prefix of the first account whose
// history is not linearizable to path (one self-contained HTML file), and
// reports whether there was one to write and the names of the clients
// (sessions) of its rows, in row order (porcupine numbers its rows 0, 1...;
// see reports.DressPorcupine for labelling them). readModel selects the
// operations as the linearizable-reads check does (true) or the
// linearizable check (false). The step-bounded search finds the account
// and the prefix; porcupine only draws it. The prefix is kept small on
// purpose: porcupine's pages grow with the search.
func WriteLinearizabilityHTML(h *history.History, readModel bool, path string) (wrote bool, clients []string, err error) {
	ah := accountOps(h, readModel)
	for _, k := range ah.keys {
		if _, ok := ah.excluded[k]; ok {
			continue
		}
		ops := ah.ops[k]
		if searchAccount(ops, LinearizableSteps).verdict != searchIllegal {
			continue
		}
		wit := witness(ops, LinearizableSteps)
		from, start := drawFrom(ops[:len(wit)])
		part := append([]linOp(nil), ops[from:len(wit)]...)
		// Dense client rows for the drawing.
		rows := map[int]int{}
		for i := range part {
			r, ok := rows[part[i].Client]
			if !ok {
				r = len(rows)
				rows[part[i].Client] = r
				clients = append(clients, ah.clients[part[i].Client])
			}
			part[i].Client = r
		}
		model := AccountModel
		model.Init = func() any { return start }
		_, info := porcupine.CheckOperationsVerbose(model, porcupineOps(part), visualizationTimeout)
		if from > 0 {
			info.AddAnnotations([]porcupine.Annotation{{Tag: k, Start: part[0].Call,
				Description: fmt.Sprintf("starts from %s", start),
				Details:     fmt.Sprintf("the %d operations before are linearizable, none of them lost without a trace, and every order of them leaves %s", from, start)}})
		}
		info.AddAnnotations(contextAnnotations(h, k, ops[from:len(wit)]))
		if err := porcupine.VisualizePath(model, info, path); err != nil {
			return true, clients, fmt.Errorf("linearizability visualization %s: %w", path, err)
		}
		return true, clients, nil
	}
	return false, nil, nil
}

// drawFrom returns where to start drawing prefix, a non-linearizable
// prefix of an account's operations, and the account's state there:
// the last closed cut that leaves at least witnessMaxOps operations to
// draw and has no outMaybe command before it. Every operation before
// such a cut is ordered before every operation after it, and the effects
// before it are certain, so in any order they leave the same state (the
// bank's state is the set of effects, whatever their order) and the rest
// is not linearizable from that state.
func drawFrom(prefix []linOp) (int, acctState) {
	best, bestState := 0, acctState{}
	state := acctState{}
	maxRet := int64(-1)
	for c := 1; c <= len(prefix)-witnessMaxOps; c++ {
		o := &prefix[c-1]
		if o.Out == outMaybe {
			break
		}
		if o.Op != opRead && (o.Out == outOK || o.Out == outApplied) {
			switch o.Op {
			case opOpen:
				state.Open = true
			case opDeposit:
				state.Balance += o.Amount
			case opWithdraw:
				state.Balance -= o.Amount
			}
		}
		maxRet = max(maxRet, o.Return)
		if prefix[c].Call > maxRet {
			best, bestState = c, state
		}
	}
	return best, bestState
}

// contextAnnotations marks, beside the drawn operations of account key,
// what happened meanwhile that they do not show: crashes and restarts of
// any node, and each read model's applies of the account's events and its
// checkpoints, each on a row of its own. Porcupine's time here is the
// index of a record in the history, as for the operations.
func contextAnnotations(h *history.History, key string, ops []linOp) []porcupine.Annotation {
	if len(ops) == 0 {
		return nil
	}
	lo, hi := ops[0].Call, ops[0].Call
	for _, o := range ops {
		hi = max(hi, o.Call)
		if o.Return != math.MaxInt64 {
			hi = max(hi, o.Return)
		}
	}
	var out []porcupine.Annotation
	at := func(i int64) string {
		return fmt.Sprintf("at %v (history line %d)", time.Duration(h.At(int(i)).At), i+2)
	}
	for i := lo; i <= hi && i < int64(h.Len()); i++ {
		r := h.At(int(i))
		switch r.Kind {
		case history.Crash:
			out = append(out, porcupine.Annotation{Tag: "crashes", Start: i, Description: "✕ " + r.Node + " crashed",
				Details: fmt.Sprintf("%s crashed at point %s, %s", r.Node, r.CrashPoint, at(i)), BackgroundColor: "#f6c6c6"})
		case history.Restart:
			out = append(out, porcupine.Annotation{Tag: "crashes", Start: i, Description: "△ " + r.Node + " restarted",
				Details: fmt.Sprintf("%s restarted, %s", r.Node, at(i))})
		case history.ProjectionApply:
			if r.Key == key {
				out = append(out, porcupine.Annotation{Tag: r.Group + " (read model)", Start: i,
					Description: fmt.Sprintf("applied %s %d: %s = %d", r.Type, r.Amount, key, r.Value),
					Details:     fmt.Sprintf("%s applied %s (%s %d, version %d, position %d), %s", r.Node, r.Event, r.Type, r.Amount, r.Version, r.Position, at(i))})
			}
		case history.Checkpoint:
			out = append(out, porcupine.Annotation{Tag: r.Group + " (read model)", Start: i,
				Description: fmt.Sprintf("checkpoint %d", r.Position),
				Details:     fmt.Sprintf("%s checkpointed position %d, %s", r.Node, r.Position, at(i))})
		}
	}
	return out
}
