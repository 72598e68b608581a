package checks

import (
	"fmt"
	"math"
	"sort"
	"strings"
	"time"

	"github.com/anishathalye/porcupine"

	"github.com/evsim/evsim/model/history"
)

// LinearizableTimeout bounds the porcupine search of one check; when it
// runs out the verdict is unknown.
var LinearizableTimeout = 30 * time.Second

// witnessMaxOps bounds the operations shown in a witness.
const witnessMaxOps = 8

// account operations
const (
	opOpen byte = iota
	opDeposit
	opWithdraw
	opRead
)

// outcomes of account operations
const (
	outOK byte = iota
	outRejected
	outUnknown
)

// acctIn is the input of an account operation.
type acctIn struct {
	Key    string
	Op     byte
	Amount int64
	Desc   string
}

// acctOut is the output of an account operation: a command's outcome and
// the balance it reported, or a read's row.
type acctOut struct {
	Outcome byte
	Value   int64
	Found   bool
}

// acctState is the state of one account; it is comparable.
type acctState struct {
	Open    bool
	Balance int64
}

// AccountModel is the porcupine model of the built-in bank account, one
// account per partition. Commands report their outcome and the balance
// after them (or, rejected, the balance they decided on); reads report the
// row they saw. An operation whose outcome is unknown (a lost answer, a
// crashed client) has Return = math.MaxInt64 and may take effect or not.
var AccountModel = porcupine.Model{
	Partition: func(ops []porcupine.Operation) [][]porcupine.Operation {
		byKey := map[string][]porcupine.Operation{}
		for _, op := range ops {
			k := op.Input.(acctIn).Key
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
	Step: func(state, input, output any) (bool, any) {
		s, in, out := state.(acctState), input.(acctIn), output.(acctOut)
		switch in.Op {
		case opOpen:
			switch out.Outcome {
			case outOK:
				return !s.Open, acctState{Open: true}
			case outRejected:
				return s.Open, s
			}
			if !s.Open {
				return true, acctState{Open: true}
			}
			return true, s
		case opDeposit:
			next := acctState{Open: true, Balance: s.Balance + in.Amount}
			switch out.Outcome {
			case outOK:
				return s.Open && out.Value == next.Balance, next
			case outRejected:
				return !s.Open, s
			}
			if s.Open {
				return true, next
			}
			return true, s
		case opWithdraw:
			next := acctState{Open: true, Balance: s.Balance - in.Amount}
			switch out.Outcome {
			case outOK:
				return s.Open && s.Balance >= in.Amount && out.Value == next.Balance, next
			case outRejected:
				return !s.Open || s.Balance < in.Amount && out.Value == s.Balance, s
			}
			if s.Open && s.Balance >= in.Amount {
				return true, next
			}
			return true, s
		case opRead:
			return out.Found == s.Open && (!out.Found || out.Value == s.Balance), s
		}
		return false, s
	},
	Hash: func(state any) uint64 {
		s := state.(acctState)
		h := uint64(s.Balance) * 0x9e3779b97f4a7c15
		if s.Open {
			h ^= 1
		}
		return h
	},
	DescribeOperation: func(input, output any) string {
		in, out := input.(acctIn), output.(acctOut)
		switch {
		case in.Op == opRead && !out.Found:
			return in.Desc + " -> no row"
		case in.Op == opRead:
			return fmt.Sprintf("%s -> %d", in.Desc, out.Value)
		case out.Outcome == outUnknown:
			return in.Desc + " -> ?"
		case out.Outcome == outRejected:
			return fmt.Sprintf("%s -> rejected (balance %d)", in.Desc, out.Value)
		}
		return fmt.Sprintf("%s -> ok, balance %d", in.Desc, out.Value)
	},
	DescribeState: func(state any) string {
		s := state.(acctState)
		if !s.Open {
			return "not open"
		}
		return fmt.Sprintf("balance %d", s.Balance)
	},
}

// accountOps turns a history into porcupine operations on accounts:
// commands (Open, Deposit, Withdraw) from their first history.Command to
// their history.CommandReturn, and queries from history.Query to
// history.QueryReturn. Strong queries read the write side; with
// readModel, eventual and read-your-writes queries of the read models are
// included too. Commands that ended without effect (conflict, rolled back)
// are left out; commands without a known outcome are unknown. It also
// returns, per operation, the indexes of its records.
func accountOps(h *history.History, readModel bool) ([]porcupine.Operation, [][2]int) {
	type open struct {
		idx    int
		client string
	}
	invoked := map[string]open{}
	clients := map[string]int{}
	clientID := func(name string) int {
		id, ok := clients[name]
		if !ok {
			id = len(clients)
			clients[name] = id
		}
		return id
	}
	var ops []porcupine.Operation
	var recs [][2]int
	done := map[string]bool{}
	for i, r := range h.Records {
		switch r.Kind {
		case history.Command, history.Query:
			if _, ok := invoked[r.Command]; !ok && !done[r.Command] {
				invoked[r.Command] = open{idx: i, client: r.Node}
			}
		case history.CommandReturn, history.QueryReturn:
			o, ok := invoked[r.Command]
			if !ok {
				continue
			}
			delete(invoked, r.Command)
			done[r.Command] = true
			inv := h.Records[o.idx]
			op, keep := accountOp(inv, r, readModel)
			if !keep {
				continue
			}
			op.ClientId = clientID(o.client)
			ops = append(ops, op)
			recs = append(recs, [2]int{o.idx, i})
		}
	}
	// Commands still open at the end have an unknown outcome.
	var pending []string
	for id := range invoked {
		pending = append(pending, id)
	}
	sort.Slice(pending, func(a, b int) bool { return invoked[pending[a]].idx < invoked[pending[b]].idx })
	for _, id := range pending {
		o := invoked[id]
		inv := h.Records[o.idx]
		if inv.Kind != history.Command {
			continue
		}
		op, keep := accountOp(inv, history.Record{Kind: history.CommandReturn, Outcome: history.OutcomeUnknown}, readModel)
		if !keep {
			continue
		}
		op.ClientId = clientID(o.client)
		ops = append(ops, op)
		recs = append(recs, [2]int{o.idx, o.idx})
	}
	return ops, recs
}

// accountOp builds one operation from an invocation and its return.
func accountOp(inv, ret history.Record, readModel bool) (porcupine.Operation, bool) {
	op := porcupine.Operation{Call: inv.At, Return: ret.At}
	in := acctIn{Key: inv.Key, Amount: inv.Amount}
	out := acctOut{Value: ret.Value}
	if inv.Kind == history.Query {
		if ret.Outcome == history.OutcomeUnknown || inv.Mode != history.ModeStrong && !readModel {
			return op, false
		}
		in.Op = opRead
		in.Desc = fmt.Sprintf("%s read %s (%s)", inv.Node, inv.Key, inv.Mode)
		out.Found = ret.Version > 0
		op.Input, op.Output = in, out
		return op, true
	}
	switch inv.Type {
	case "Open":
		in.Op = opOpen
	case "Deposit":
		in.Op = opDeposit
	case "Withdraw":
		in.Op = opWithdraw
	default:
		return op, false
	}
	in.Desc = fmt.Sprintf("%s %s %s %d", inv.Node, strings.ToLower(inv.Type), inv.Key, inv.Amount)
	if inv.Type == "Open" {
		in.Desc = fmt.Sprintf("%s open %s", inv.Node, inv.Key)
	}
	switch ret.Outcome {
	case history.OutcomeOK:
		out.Outcome = outOK
	case history.OutcomeRejected:
		out.Outcome = outRejected
	case history.OutcomeUnknown:
		out.Outcome = outUnknown
		op.Return = math.MaxInt64
	default:
		return op, false // ended without effect
	}
	op.Input, op.Output = in, out
	return op, true
}

// Linearizable checks with porcupine that the accounts' write side is
// linearizable: every command's answer and every strong read (a read of
// the stream) is explained by one order of the operations that respects
// real time, partitioned per account.
func Linearizable(h *history.History) Result {
	return linearizable(h, false, "linearizable")
}

// LinearizableReads is [Linearizable] with the reads served by the read
// models included: a stale read makes it fail, which is what "eventually
// consistent" means.
func LinearizableReads(h *history.History) Result {
	return linearizable(h, true, "linearizable-reads")
}

func linearizable(h *history.History, readModel bool, name string) Result {
	res := Result{Check: name}
	ops, recs := accountOps(h, readModel)
	verdict := porcupine.CheckOperationsTimeout(AccountModel, ops, LinearizableTimeout)
	accounts := len(AccountModel.Partition(ops))
	switch verdict {
	case porcupine.Ok:
		res.Verdict = Holds
		res.Explanation = fmt.Sprintf("The %d operations on %d accounts are linearizable: one order of them, respecting real time, explains every answer.", len(ops), accounts)
		return res
	case porcupine.Unknown:
		res.Verdict = Unknown
		res.Explanation = fmt.Sprintf("The linearizability search of %d operations on %d accounts ran out of its %v.", len(ops), accounts, LinearizableTimeout)
		return res
	}
	res.Verdict = Violated
	wit, _ := witness(ops)
	prefix := len(wit)
	if len(wit) > witnessMaxOps {
		wit = wit[len(wit)-witnessMaxOps:]
	}
	var lines []string
	var idx []int
	for _, i := range wit {
		op := ops[i]
		lines = append(lines, fmt.Sprintf("%s [%s..%s]", AccountModel.DescribeOperation(op.Input, op.Output), at(op.Call), retAt(op.Return)))
		idx = append(idx, recs[i][0], recs[i][1])
	}
	sort.Ints(idx)
	for j, i := range idx {
		if j > 0 && idx[j-1] == i {
			continue
		}
		res.Witness = append(res.Witness, h.Records[i])
	}
	key := ""
	if len(wit) > 0 {
		key = ops[wit[0]].Input.(acctIn).Key
	}
	what := "the write side answered as if it had seen a state that no order of the commands produces"
	if readModel {
		what = "a read served by a read model returned a state the account had already left (or had not reached), which no order of the operations explains"
	}
	res.Explanation = fmt.Sprintf("No order of the operations on %s respecting real time explains their answers: %s. "+
		"The smallest prefix of %s's history that porcupine still rejects has %d operation(s)%s: %s.",
		key, what, key, prefix, tail(prefix, len(wit)), strings.Join(lines, "; "))
	return res
}

func tail(all, shown int) string {
	if all == shown {
		return ""
	}
	return fmt.Sprintf(", the last %d of them", shown)
}

func retAt(ns int64) string {
	if ns == math.MaxInt64 {
		return "never"
	}
	return at(ns)
}

// witness returns the operations (indexes into ops) of the smallest
// closed prefix of the first illegal account that porcupine still finds
// illegal. A prefix is closed when every operation after it was invoked
// after every answered operation in it returned, so its illegality
// implies the whole history's. At most witnessMaxOps are returned (the
// last ones of the prefix).
func witness(ops []porcupine.Operation) ([]int, bool) {
	byKey := map[string][]int{}
	var keys []string
	for i, op := range ops {
		k := op.Input.(acctIn).Key
		if _, ok := byKey[k]; !ok {
			keys = append(keys, k)
		}
		byKey[k] = append(byKey[k], i)
	}
	sort.Strings(keys)
	for _, k := range keys {
		idx := byKey[k]
		sort.SliceStable(idx, func(a, b int) bool { return ops[idx[a]].Call < ops[idx[b]].Call })
		part := func(n int) []porcupine.Operation {
			out := make([]porcupine.Operation, n)
			for j := range n {
				out[j] = ops[idx[j]]
			}
			return out
		}
		if porcupine.CheckOperationsTimeout(AccountModel, part(len(idx)), LinearizableTimeout) != porcupine.Illegal {
			continue
		}
		// closed cut points: n such that ops[n:] were all invoked after
		// every finite return among ops[:n].
		var cuts []int
		maxRet := int64(math.MinInt64)
		for n := 1; n <= len(idx); n++ {
			if r := ops[idx[n-1]].Return; r != math.MaxInt64 {
				maxRet = max(maxRet, r)
			}
			if n == len(idx) || ops[idx[n]].Call > maxRet {
				cuts = append(cuts, n)
			}
		}
		lo, hi := 0, len(cuts)-1
		for lo < hi {
			mid := (lo + hi) / 2
			if porcupine.CheckOperationsTimeout(AccountModel, part(cuts[mid]), LinearizableTimeout) == porcupine.Illegal {
				hi = mid
			} else {
				lo = mid + 1
			}
		}
		return idx[:cuts[lo]], true
	}
	return nil, false
}

// WriteLinearizabilityHTML writes porcupine's interactive visualization
// of the smallest rejected prefix of the first account whose history is
// not linearizable to path (one self-contained HTML file), and reports
// whether there was one to write. readModel selects the operations as the
// linearizable-reads check does (true) or the linearizable check (false).
// The prefix is kept small on purpose: porcupine's pages grow with the
// search.
func WriteLinearizabilityHTML(h *history.History, readModel bool, path string) (bool, error) {
	ops, _ := accountOps(h, readModel)
	wit, ok := witness(ops)
	if !ok {
		return false, nil
	}
	part := make([]porcupine.Operation, len(wit))
	for i, j := range wit {
		part[i] = ops[j]
	}
	_, info := porcupine.CheckOperationsVerbose(AccountModel, part, LinearizableTimeout)
	if err := porcupine.VisualizePath(AccountModel, info, path); err != nil {
		return true, fmt.Errorf("linearizability visualization %s: %w", path, err)
	}
	return true, nil
}
