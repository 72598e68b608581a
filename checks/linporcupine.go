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

// AggregateModel is the porcupine model of the aggregates of a history,
// one per partition, with the sequential specification the linearizable
// checks use: each operation carries its aggregate's (the account, the
// cart, a user's registered one). An operation's input is the operation
// itself (its answer included); the output is unused. A command whose
// answer was lost and that the store did not settle has Return =
// math.MaxInt64 and takes effect where it can, or not at all.
var AggregateModel = porcupine.Model{
	Partition: func(ops []porcupine.Operation) [][]porcupine.Operation {
		byKey := map[string][]porcupine.Operation{}
		for _, op := range ops {
			o := op.Input.(linOp)
			k := o.key()
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
	Init: func() any { return linState{} },
	Step: func(state, input, _ any) (bool, any) {
		s, o := state.(linState), input.(linOp)
		if o.Out == outMaybe {
			// porcupine places every operation: one that cannot take
			// effect here is placed as a no-op (not applied).
			_, next := o.m.takesEffect(s, &o)
			return true, next
		}
		return o.m.step(s, &o)
	},
	Hash: func(state any) uint64 {
		s := state.(linState)
		return s.id*0x9e3779b97f4a7c15 ^ uint64(s.version)
	},
	Equal: func(a, b any) bool {
		x, y := a.(linState), b.(linState)
		return x.id == y.id && x.version == y.version
	},
	DescribeOperation: func(input, _ any) string {
		o := input.(linOp)
		return o.describe()
	},
	DescribeState: func(state any) string { return state.(linState).String() },
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
		ops := ah.opsOf(k)
		if searchAccount(ops, LinearizableSteps).verdict != searchIllegal {
			continue
		}
		prefix := witness(new(linSearch), ops, LinearizableSteps)
		from, start := drawFrom(ops[:prefix])
		part := append([]linOp(nil), ops[from:prefix]...)
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
		model := AggregateModel
		model.Init = func() any { return start }
		describe := linState.String
		if m := part[0].m; m != nil {
			describe = m.describe
			model.DescribeState = func(state any) string { return m.describe(state.(linState)) }
		}
		_, info := porcupine.CheckOperationsVerbose(model, porcupineOps(part), visualizationTimeout)
		if from > 0 {
			info.AddAnnotations([]porcupine.Annotation{{Tag: k, Start: part[0].Call,
				Description: fmt.Sprintf("starts from %s", describe(start)),
				Details:     fmt.Sprintf("the %d operations before are linearizable, none of them lost without a trace, and every order of them leaves %s", from, describe(start))}})
		}
		info.AddAnnotations(contextAnnotations(h, k, ops[from:prefix]))
		if err := porcupine.VisualizePath(model, info, path); err != nil {
			return true, clients, fmt.Errorf("linearizability visualization %s: %w", path, err)
		}
		return true, clients, nil
	}
	return false, nil, nil
}

// drawFrom returns where to start drawing prefix, a non-linearizable
// prefix of an aggregate's operations, and the aggregate's state there:
// the last closed cut that leaves at least witnessMaxOps operations to
// draw and has no outMaybe command before it, with the effects of the
// commands before it applied in the order they were invoked. Every
// operation before such a cut is ordered before every operation after
// it and its effect is certain; for the account and the cart, whose
// state is the set of effects whatever their order, every order leaves
// that state, and the rest is not linearizable from it. For an aggregate
// whose effects do not commute it is the state of the invocation order,
// which another legal order may not reach. Only the drawing starts
// there; the verdict never does.
func drawFrom(prefix []linOp) (int, linState) {
	best, bestState := 0, linState{}
	state := linState{}
	maxRet := int64(-1)
	for c := 1; c <= len(prefix)-witnessMaxOps; c++ {
		o := &prefix[c-1]
		if o.Out == outMaybe {
			break
		}
		if !o.Read && (o.Out == outOK || o.Out == outApplied) {
			_, state = o.m.takesEffect(state, o)
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
