package checks

import (
	"cmp"
	"fmt"
	"math"
	"slices"
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
func (ah *accountHistory) count(invKind history.Kind, out history.Outcome, f *storeFate) {
	if invKind != history.Command || out != history.OutcomeUnknown {
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

// opEnd is how an operation ended: its return record's time, value,
// version and outcome.
type opEnd struct {
	at, value, version int64
	outcome            history.Outcome
}

// lostEnd is the end of a command still open when the history ends: its
// answer is unknown and it never returned.
var lostEnd = opEnd{at: math.MaxInt64, outcome: history.OutcomeUnknown}

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
//
// It pairs records by their command's symbol in tables indexed by symbol,
// reading the compact records in place.
func accountOps(h *history.History, readModel bool) accountHistory {
	nsym := h.Symbols()
	// fateOf[cmd] is 1 + the index in fates of the command's fate; 0: none.
	fateOf := make([]int32, nsym)
	fates := make([]storeFate, 0, h.Count(history.StoreAppend, history.StoreRollback, history.LostAnswer))
	fate := func(cmd history.Sym) *storeFate {
		if fateOf[cmd] == 0 {
			fates = append(fates, storeFate{})
			fateOf[cmd] = int32(len(fates))
		}
		return &fates[fateOf[cmd]-1]
	}
	fateAt := func(cmd history.Sym) *storeFate {
		if fateOf[cmd] == 0 {
			return nil
		}
		return &fates[fateOf[cmd]-1]
	}
	logics := map[history.Sym]map[int]bool{}
	allLogics := map[int]bool{}
	for i, r := range h.Compact(history.StoreAppend, history.StoreRollback, history.LostAnswer) {
		switch r.Kind() {
		case history.StoreAppend:
			if f := fate(h.CommandOf(r)); !f.appended {
				f.appended, f.appendedAt, f.appendedIdx = true, r.At, i
			}
		case history.StoreRollback:
			fate(h.CommandOf(r)).undone = true
		case history.LostAnswer:
			if o := r.Outcome(); o == history.OutcomeRolledBack || o == history.OutcomeConflict {
				fate(h.CommandOf(r)).undone = true
			}
		}
	}
	for _, r := range h.OfKind(history.Snapshot, history.Load) {
		if r.Logic == 0 {
			continue
		}
		k := symOf(h, r.Key)
		if logics[k] == nil {
			logics[k] = map[int]bool{}
		}
		logics[k][r.Logic] = true
		allLogics[r.Logic] = true
	}
	doms := domainsOf(h)
	models := map[history.Sym]*linModel{}
	ah := accountHistory{ops: map[string][]linOp{}, excluded: map[string]string{}}

	// Size hints: the returns of each key bound its answered operations.
	hint := map[history.Sym]int{}
	for _, r := range h.Compact(history.CommandReturn, history.QueryReturn) {
		if m := r.Mode(); r.Kind() == history.CommandReturn || m == history.ModeStrong || readModel && m != history.ModeAsOf {
			hint[r.Key]++
		}
	}
	// open[cmd] is 1 + the index of the command's invocation while it is
	// open, -1 once it returned, 0 before it was invoked.
	open := make([]int32, nsym)
	var clients []history.Sym
	clientOf := map[history.Sym]int{}
	add := func(op linOp, key, client history.Sym) {
		id, ok := clientOf[client]
		if !ok {
			id = len(clients)
			clientOf[client] = id
			clients = append(clients, client)
		}
		op.Client = id
		m, ok := models[key]
		if !ok {
			if f, _, why := doms.aggregateOf(op.Key); f != nil {
				m = newLinModel(f(1))
			} else {
				ah.excluded[op.Key] = why
			}
			models[key] = m
		}
		op.m = m
		ops := ah.ops[op.Key]
		if ops == nil {
			ops = make([]linOp, 0, max(hint[key], 1))
		}
		ah.ops[op.Key] = append(ops, op)
	}
	end := func(r *history.Record) opEnd {
		return opEnd{at: r.At, value: r.Value, version: r.Version, outcome: r.Outcome()}
	}
	judge := func(inv *history.Record, invIdx, retIdx int, e opEnd) {
		cmd := h.CommandOf(inv)
		f := fateAt(cmd)
		op, keep := accountOp(h, inv, e, invIdx, retIdx, readModel, f)
		ah.count(inv.Kind(), e.outcome, f)
		if inv.Kind() == history.Query && !keep {
			if m := inv.Mode(); m != history.ModeAsOf && (m == history.ModeStrong || readModel) {
				ah.unreadQueries++
			}
		}
		if keep {
			add(op, inv.Key, inv.Node)
		}
	}
	for i, r := range h.Compact(history.Command, history.Query, history.CommandReturn, history.QueryReturn) {
		cmd := h.CommandOf(r)
		switch r.Kind() {
		case history.Command, history.Query:
			if open[cmd] == 0 {
				open[cmd] = int32(i + 1)
			}
		case history.CommandReturn, history.QueryReturn:
			o := open[cmd]
			if o <= 0 {
				continue
			}
			open[cmd] = -1
			inv := h.Record(int(o - 1))
			judge(&inv, int(o-1), i, end(r))
		}
	}
	// Commands still open at the end have an unknown outcome, in the
	// order of their invocations.
	var pending []int
	for _, o := range open {
		if o > 0 {
			pending = append(pending, int(o-1))
		}
	}
	sort.Ints(pending)
	for _, idx := range pending {
		if inv := h.Record(idx); inv.Kind() == history.Command {
			judge(&inv, idx, -1, lostEnd)
		}
	}

	for k, ops := range ah.ops {
		slices.SortFunc(ops, func(a, b linOp) int { return cmp.Compare(a.Call, b.Call) })
		ah.keys = append(ah.keys, k)
	}
	sort.Strings(ah.keys)
	if len(allLogics) > 1 {
		// The balances an account reports are in the units of the apply
		// logic in force, and the history does not date the change: no
		// account spanning it can be judged.
		names := sortedLogics(allLogics)
		for _, k := range ah.keys {
			ks, _ := h.Lookup(k)
			if len(logics[ks]) > 1 {
				ah.excluded[k] = fmt.Sprintf("their snapshots and loads are stamped with apply logics %s: the logic changed mid-run and balances changed units", sortedLogics(logics[ks]))
			} else {
				ah.excluded[k] = fmt.Sprintf("the history's snapshots and loads are stamped with apply logics %s: the logic changed mid-run, at a time the history does not record, and balances changed units", names)
			}
		}
	}
	ah.clients = make([]string, len(clients))
	for id, n := range clients {
		ah.clients[id] = h.Str(n)
	}
	return ah
}

// symOf returns the symbol of s in h, 0 when no record uses it.
func symOf(h *history.History, s string) history.Sym {
	y, _ := h.Lookup(s)
	return y
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

// accountOp builds one operation from an invocation, how it ended (at
// indexes invIdx and retIdx of the history; retIdx -1 when the command
// never returned) and what the store recorded about the command (nil:
// nothing).
func accountOp(h *history.History, inv *history.Record, ret opEnd, invIdx, retIdx int, readModel bool, f *storeFate) (linOp, bool) {
	op := linOp{Key: h.Str(inv.Key), Node: h.Str(inv.Node), Call: int64(invIdx), Return: int64(retIdx), CallAt: inv.At, ReturnAt: ret.at,
		Amount: inv.Amount, Value: ret.value, Recs: [3]int{invIdx, retIdx, -1}}
	if inv.Kind() == history.Query {
		answered := ret.outcome == history.OutcomeOK || ret.outcome == ""
		// An as-of query reads a past state, not the current one: it is
		// no read of the linearizable order (as-of-equals-fold judges it).
		mode := inv.Mode()
		if !answered || mode == history.ModeAsOf || mode != history.ModeStrong && !readModel {
			return op, false
		}
		op.Read = true
		op.Mode = mode
		op.Found = ret.version > 0
		op.ReadModel = mode != history.ModeStrong
		return op, true
	}
	op.Type, op.Payload = h.Str(inv.Type), h.Str(h.PayloadOf(inv))
	switch ret.outcome {
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
