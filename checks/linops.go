package checks

import (
	"fmt"
	"math"
	"sort"
	"strings"

	"github.com/evsim/evsim/model/domain"
	"github.com/evsim/evsim/model/history"
)

// How an operation ended, as far as the history tells.
const (
	// outOK: the command took effect and answered (Value: the
	// aggregate's value after it), or the read answered (Found, Value).
	outOK byte = iota
	// outRejected: the aggregate refused the command (Value: the value
	// of the state it decided on).
	outRejected
	// outApplied: the answer was lost, but the store recorded the
	// command's append: it took effect, by the time of that append
	// (Return).
	outApplied
	// outMaybe: the answer was lost and the store recorded nothing that
	// settles it: the command took effect or not (Return is +inf).
	outMaybe
)

// linOp is one operation on one aggregate: a command from its first
// invocation to its answer, or a read from its query to its answer.
type linOp struct {
	Key    string
	Client int
	// Read marks a read; a command has its Type, Amount and Payload.
	Read    bool
	Type    string
	Amount  int64
	Payload string
	// m is the sequential specification of the aggregate (the same for
	// every operation of a key).
	m     *linModel
	Out   byte
	Value int64
	Found bool
	// ReadModel marks a read served by a read model.
	ReadModel bool
	// Call and Return bound the operation in the order of the history:
	// the indexes of the records that invoked it and that answered it (or,
	// for an outApplied command, of the store's append). Return is
	// math.MaxInt64 for an outMaybe command. The records are in the order
	// things happened, so an operation whose answer's record comes before
	// another's invocation record returned before that one was invoked,
	// even at the same simulated time.
	Call, Return int64
	// CallAt and ReturnAt are the same bounds in simulated time.
	CallAt, ReturnAt int64
	// Recs are the indexes of the records that invoked, ended and (a lost
	// answer) settled it; -1 for none.
	Recs [3]int
	// Node is the client; Mode how a read read.
	Node string
	Mode history.Mode
}

// command returns the command o invoked.
func (o *linOp) command() domain.Command {
	return domain.Command{Key: o.Key, Type: o.Type, Amount: o.Amount, Payload: o.Payload}
}

// describe renders an operation and its answer in one line.
func (o *linOp) describe() string {
	var what string
	switch {
	case o.Read:
		what = fmt.Sprintf("%s read %s (%s)", o.Node, o.Key, o.Mode)
	case o.Amount != 0:
		what = fmt.Sprintf("%s %s %s %d", o.Node, strings.ToLower(o.Type), o.Key, o.Amount)
	default:
		what = fmt.Sprintf("%s %s %s", o.Node, strings.ToLower(o.Type), o.Key)
	}
	if o.Payload != "" {
		what += " " + o.Payload
	}
	switch {
	case o.Read && !o.Found:
		return what + " -> no row"
	case o.Read:
		return fmt.Sprintf("%s -> %d", what, o.Value)
	case o.Out == outMaybe:
		return what + " -> ? (answer lost; applied or not)"
	case o.Out == outApplied:
		return what + " -> ? (answer lost; the store appended it)"
	case o.Out == outRejected:
		return fmt.Sprintf("%s -> rejected (value %d)", what, o.Value)
	}
	return fmt.Sprintf("%s -> ok, value %d", what, o.Value)
}

// accountHistory is what the linearizability checks judge: the
// operations of each account, in the order of their invocations, and the
// accounts left out with the reason.
type accountHistory struct {
	keys     []string // accounts with operations, sorted
	ops      map[string][]linOp
	excluded map[string]string // account -> why it is not judged
	// clients names the clients (sessions) by linOp.Client.
	clients []string
	// unreadQueries counts the queries left out because they read
	// nothing (timed out, or lost with a crash).
	unreadQueries int
	// lost counts the commands whose answer was lost, by what the store
	// recorded: appended, undone (left out), nothing.
	lostApplied, lostUndone, lostMaybe int
}

// count tallies a command whose answer was lost.
func (ah *accountHistory) count(inv, ret history.Entry, f *storeFate) {
	if inv.Kind != history.Command || ret.Outcome != history.OutcomeUnknown {
		return
	}
	switch {
	case f != nil && f.appended:
		ah.lostApplied++
	case f != nil && f.undone:
		ah.lostUndone++
	default:
		ah.lostMaybe++
	}
}

// storeFate is what the store recorded about a command's appends.
type storeFate struct {
	appended    bool
	appendedAt  int64
	appendedIdx int
	undone      bool // rolled back, or a lost answer that was a rollback or conflict
}

// accountOps turns a history into operations on accounts: commands
// (Open, Deposit, Withdraw) from their first history.Command to their
// history.CommandReturn, and queries from history.Query to
// history.QueryReturn. Strong queries read the write side; with readModel,
// the queries of the read models are included too. Queries that read
// nothing (timed out, unknown) are left out, and so are commands that
// ended without effect (conflict, rolled back). A command whose outcome is
// unknown is bounded by the store's records: appended (outApplied, by the
// time of its first store-append), rolled back (left out), or neither
// (outMaybe).
func accountOps(h *history.History, readModel bool) accountHistory {
	fates := map[string]*storeFate{}
	fate := func(cmd string) *storeFate {
		f, ok := fates[cmd]
		if !ok {
			f = &storeFate{}
			fates[cmd] = f
		}
		return f
	}
	logics := map[string]map[int]bool{}
	allLogics := map[int]bool{}
	for i, r := range h.OfKind(history.StoreAppend, history.StoreRollback, history.LostAnswer, history.Snapshot, history.Load) {
		switch r.Kind {
		case history.StoreAppend:
			if f := fate(r.Command); !f.appended {
				f.appended, f.appendedAt, f.appendedIdx = true, r.At, i
			}
		case history.StoreRollback:
			fate(r.Command).undone = true
		case history.LostAnswer:
			if r.Outcome == history.OutcomeRolledBack || r.Outcome == history.OutcomeConflict {
				fate(r.Command).undone = true
			}
		case history.Snapshot, history.Load:
			if r.Logic == 0 {
				continue
			}
			if logics[r.Key] == nil {
				logics[r.Key] = map[int]bool{}
			}
			logics[r.Key][r.Logic] = true
			allLogics[r.Logic] = true
		}
	}
	doms := domainsOf(h)
	models := map[string]*linModel{}
	ah := accountHistory{ops: map[string][]linOp{}, excluded: map[string]string{}}

	type open struct {
		idx    int
		client string
	}
	invoked := map[string]open{}
	done := map[string]bool{}
	clients := map[string]int{}
	clientID := func(name string) int {
		id, ok := clients[name]
		if !ok {
			id = len(clients)
			clients[name] = id
		}
		return id
	}
	add := func(op linOp, client string) {
		op.Client = clientID(client)
		m, ok := models[op.Key]
		if !ok {
			if f, _, why := doms.aggregateOf(op.Key); f != nil {
				m = newLinModel(f(1))
			} else {
				ah.excluded[op.Key] = why
			}
			models[op.Key] = m
		}
		op.m = m
		ah.ops[op.Key] = append(ah.ops[op.Key], op)
	}
	for i, r := range h.OfKind(history.Command, history.Query, history.CommandReturn, history.QueryReturn) {
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
			inv := h.At(o.idx)
			op, keep := accountOp(inv, r, o.idx, i, readModel, fates[inv.Command])
			ah.count(inv, r, fates[inv.Command])
			if inv.Kind == history.Query && !keep && inv.Mode != history.ModeAsOf && (inv.Mode == history.ModeStrong || readModel) {
				ah.unreadQueries++
			}
			if !keep {
				continue
			}
			add(op, o.client)
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
		inv := h.At(o.idx)
		if inv.Kind != history.Command {
			continue
		}
		ret := history.Entry{Kind: history.CommandReturn, At: math.MaxInt64, Outcome: history.OutcomeUnknown}
		op, keep := accountOp(inv, ret, o.idx, -1, readModel, fates[inv.Command])
		ah.count(inv, ret, fates[inv.Command])
		if !keep {
			continue
		}
		add(op, o.client)
	}

	for k, ops := range ah.ops {
		sort.SliceStable(ops, func(a, b int) bool { return ops[a].Call < ops[b].Call })
		ah.keys = append(ah.keys, k)
	}
	sort.Strings(ah.keys)
	if len(allLogics) > 1 {
		// The balances an account reports are in the units of the apply
		// logic in force, and the history does not date the change: no
		// account spanning it can be judged.
		names := sortedLogics(allLogics)
		for _, k := range ah.keys {
			if len(logics[k]) > 1 {
				ah.excluded[k] = fmt.Sprintf("their snapshots and loads are stamped with apply logics %s: the logic changed mid-run and balances changed units", sortedLogics(logics[k]))
			} else {
				ah.excluded[k] = fmt.Sprintf("the history's snapshots and loads are stamped with apply logics %s: the logic changed mid-run, at a time the history does not record, and balances changed units", names)
			}
		}
	}
	ah.clients = make([]string, len(clients))
	for n, id := range clients {
		ah.clients[id] = n
	}
	return ah
}

func sortedLogics(set map[int]bool) string {
	var ls []int
	for l := range set {
		ls = append(ls, l)
	}
	sort.Ints(ls)
	s := make([]string, len(ls))
	for i, l := range ls {
		s[i] = itoa(l)
	}
	return strings.Join(s, " and ")
}

// accountOp builds one operation from an invocation, its return (at
// indexes invIdx and retIdx of the history; retIdx -1 when the command
// never returned) and what the store recorded about the command (nil:
// nothing).
func accountOp(inv, ret history.Entry, invIdx, retIdx int, readModel bool, f *storeFate) (linOp, bool) {
	op := linOp{Key: inv.Key, Node: inv.Node, Call: int64(invIdx), Return: int64(retIdx), CallAt: inv.At, ReturnAt: ret.At,
		Amount: inv.Amount, Value: ret.Value, Recs: [3]int{invIdx, retIdx, -1}}
	if inv.Kind == history.Query {
		answered := ret.Outcome == history.OutcomeOK || ret.Outcome == ""
		// An as-of query reads a past state, not the current one: it is
		// no read of the linearizable order (as-of-equals-fold judges it).
		if !answered || inv.Mode == history.ModeAsOf || inv.Mode != history.ModeStrong && !readModel {
			return op, false
		}
		op.Read = true
		op.Mode = inv.Mode
		op.Found = ret.Version > 0
		op.ReadModel = inv.Mode != history.ModeStrong
		return op, true
	}
	op.Type, op.Payload = inv.Type, inv.Payload
	switch ret.Outcome {
	case history.OutcomeOK:
		op.Out = outOK
	case history.OutcomeRejected:
		op.Out = outRejected
	case history.OutcomeUnknown:
		switch {
		case f != nil && f.appended:
			op.Out, op.Return, op.ReturnAt = outApplied, int64(max(f.appendedIdx, invIdx)), max(f.appendedAt, inv.At)
			op.Recs[2] = f.appendedIdx
		case f != nil && f.undone:
			return op, false // the store undid it: no effect
		default:
			op.Out, op.Return, op.ReturnAt = outMaybe, math.MaxInt64, math.MaxInt64
		}
	default:
		return op, false // ended without effect
	}
	return op, true
}
