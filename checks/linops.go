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
	// m is the sequential specification of the aggregate (the same for
	// every operation of a key), which also names the key ([linOp.key]).
	m *linModel
	// Call and Return bound the operation in the order of the history:
	// the indexes of the records that invoked it and that answered it (or,
	// for an outApplied command, of the store's append). Return is
	// math.MaxInt64 for an outMaybe command. The records are in the order
	// things happened, so an operation whose answer's record comes before
	// another's invocation record returned before that one was invoked,
	// even at the same simulated time.
	Call, Return  int64
	Amount, Value int64
	Client        int
	// Recs are the indexes of the records that invoked, ended and (a lost
	// answer) settled it; -1 for none.
	Recs [3]int32
	// Type and Payload are a command's, Node the client's name: symbols
	// of the history ([linOp.str]).
	Type, Payload, Node history.Sym
	// Read marks a read; a command has its Type, Amount and Payload.
	Read bool
	Out  byte
	// Found: the read found a row.
	Found bool
	// ReadModel marks a read served by a read model.
	ReadModel bool
}

// key returns the aggregate o is on.
func (o *linOp) key() string {
	if o.m == nil {
		return ""
	}
	return o.m.key
}

// mode returns how a read read: the mode of its invocation's record.
func (o *linOp) mode() history.Mode {
	if o.m == nil || o.m.h == nil || o.Recs[0] < 0 {
		return ""
	}
	return o.m.h.Record(int(o.Recs[0])).Mode()
}

// callAt returns the simulated time o was invoked at.
func (o *linOp) callAt() int64 { return o.m.h.Record(int(o.Call)).At }

// returnAt returns the simulated time o returned at: its answer's, or
// for an outApplied command its store append's (not before its call),
// or math.MaxInt64 for an outMaybe command.
func (o *linOp) returnAt() int64 {
	switch {
	case o.Return == math.MaxInt64:
		return math.MaxInt64
	case !o.Read && o.Out == outApplied:
		return max(o.m.h.Record(int(o.Recs[2])).At, o.callAt())
	}
	return o.m.h.Record(int(o.Recs[1])).At
}

// str returns the string of symbol y of o's history.
func (o *linOp) str(y history.Sym) string {
	if o.m == nil || o.m.h == nil {
		return ""
	}
	return o.m.h.Str(y)
}

// command returns the command o invoked.
func (o *linOp) command() domain.Command {
	return domain.Command{Key: o.key(), Type: o.str(o.Type), Amount: o.Amount, Payload: o.str(o.Payload)}
}

// describe renders an operation and its answer in one line.
func (o *linOp) describe() string {
	var what string
	node, typ, payload, key := o.str(o.Node), o.str(o.Type), o.str(o.Payload), o.key()
	switch {
	case o.Read:
		what = fmt.Sprintf("%s read %s (%s)", node, key, o.mode())
	case o.Amount != 0:
		what = fmt.Sprintf("%s %s %s %d", node, strings.ToLower(typ), key, o.Amount)
	default:
		what = fmt.Sprintf("%s %s %s", node, strings.ToLower(typ), key)
	}
	if payload != "" {
		what += " " + payload
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

// accountHistory is what one linearizability check judges: the
// operations of each account, in the order of their invocations, and the
// accounts left out with the reason. It is a view of the history's
// [accountGathering], with the reads of the read models (readModel) or
// without.
type accountHistory struct {
	*accountGathering
	keys     []string          // accounts with operations, sorted
	excluded map[string]string // account -> why it is not judged
	// unreadQueries counts the queries left out because they read
	// nothing (timed out, or lost with a crash).
	unreadQueries int
	readModel     bool
}

// accountGathering is the operations of each account that either
// linearizability check judges, gathered once for both: the view of
// linearizable-reads, whose operations are those of linearizable and the
// reads of the read models ([accountGathering.view]).
type accountGathering struct {
	keys []string // accounts with operations, sorted
	// refs are the operations of each account, by the records that bound
	// them, in the order of their invocations: [accountHistory.opsOf]
	// builds them one account at a time. strong counts those that are
	// not reads of a read model.
	refs   map[string][]accountRef
	strong map[string]int
	// why says why an account is not judged (its aggregate is unknown,
	// or its apply logic changed mid-run).
	why map[string]string
	// clients names the clients (sessions) by linOp.Client, and clientOf
	// numbers them by their symbol (indexed by symbol).
	clients  []string
	clientOf []int32
	// unreadStrong and unreadAll count the queries left out because they
	// read nothing (timed out, or lost with a crash): the strong ones,
	// and those of the read models too.
	unreadStrong, unreadAll int
	// lost counts the commands whose answer was lost, by what the store
	// recorded: appended, undone (left out), nothing.
	lostApplied, lostUndone, lostMaybe int

	h      *history.History
	fates  *storeFates
	models map[string]*linModel
	// rec holds the record an operation is built from: one copy for all
	// of them (a copy on the stack would move to the heap, once per
	// operation, as the history's side-row accessors keep its address).
	rec *history.Record
}

// accountRef is an operation of an account by its records, and whether
// it is a read of a read model.
type accountRef struct {
	opRef
	readModel bool
}

// view returns the operations the linearizable check judges (readModel
// false) or the linearizable-reads check (true).
func (g *accountGathering) view(readModel bool) accountHistory {
	ah := accountHistory{accountGathering: g, excluded: map[string]string{}, readModel: readModel,
		unreadQueries: g.unreadStrong}
	if readModel {
		ah.unreadQueries = g.unreadAll
	}
	for _, k := range g.keys {
		if !readModel && g.strong[k] == 0 {
			continue
		}
		ah.keys = append(ah.keys, k)
		if why, ok := g.why[k]; ok {
			ah.excluded[k] = why
		}
	}
	return ah
}

// opRef is an operation by its records: the index of its invocation and
// of its return (-1: it never returned).
type opRef struct {
	inv, ret int32
}

// storeFates are the fates of the commands the store recorded, by
// command symbol.
type storeFates struct {
	of    []int32 // of[cmd]: 1 + the index of cmd's fate in all; 0: none
	fates []storeFate
}

// at returns the fate of command cmd, nil when the store recorded none.
func (f *storeFates) at(cmd history.Sym) *storeFate {
	if f.of[cmd] == 0 {
		return nil
	}
	return &f.fates[f.of[cmd]-1]
}

// add returns the fate of command cmd, making it.
func (f *storeFates) add(cmd history.Sym) *storeFate {
	if f.of[cmd] == 0 {
		f.fates = append(f.fates, storeFate{})
		f.of[cmd] = int32(len(f.fates))
	}
	return &f.fates[f.of[cmd]-1]
}

// opsOf returns the operations of account k in the order of their
// invocations, in a new slice.
func (ah *accountHistory) opsOf(k string) []linOp { return ah.opsInto(nil, k) }

// opsInto is opsOf in buf's memory.
func (ah *accountHistory) opsInto(buf []linOp, k string) []linOp {
	h := ah.h
	refs := ah.refs[k]
	n := len(refs)
	if !ah.readModel {
		n = ah.strong[k]
	}
	ops := grow(buf, n)
	m := ah.models[k]
	inv := ah.rec
	for _, ref := range refs {
		if ref.readModel && !ah.readModel {
			continue
		}
		e := lostEnd
		if ref.ret >= 0 {
			*inv = h.Record(int(ref.ret))
			e = opEnd{at: inv.At, value: inv.Value, version: inv.Version, outcome: inv.Outcome()}
		}
		*inv = h.Record(int(ref.inv))
		op, _ := accountOp(h, inv, e, int(ref.inv), int(ref.ret), ah.readModel, ah.fates.at(h.CommandOf(inv)))
		op.Client, op.m = int(ah.clientOf[inv.Node]), m
		ops = append(ops, op)
	}
	return ops // in the order of the refs: of the invocations, the ops' Call
}

// count tallies a command whose answer was lost.
func (ah *accountGathering) count(invKind history.Kind, out history.Outcome, f *storeFate) {
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
	appendedIdx int32
	appended    bool
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
	return gatherAccountOps(h, domainsOf(h), readOpPairs(h)).view(readModel)
}

// opPairs is what the linearizability checks read of a history whatever
// the operations they judge: the fates of the commands the store
// recorded, the apply logics of each stream's snapshots and loads, and
// the invocations paired with their returns.
type opPairs struct {
	fates     *storeFates
	logics    map[history.Sym]map[int]bool // by stream key
	allLogics map[int]bool
	// pairs are each command's and query's first invocation with its
	// return, in the order of the returns, then the commands that never
	// returned (ret -1), in the order of their invocations.
	pairs []opRef
	// perKey counts the pairs of each key (by symbol), most is the
	// largest count: bounds on the operations of an account, whichever
	// of them are judged.
	perKey []int32
	most   int
}

// readOpPairs reads the [opPairs] of h. It pairs records by their
// command's symbol in tables indexed by symbol, reading the compact
// records in place.
func readOpPairs(h *history.History) *opPairs {
	nsym := h.Symbols()
	fates := &storeFates{of: make([]int32, nsym),
		fates: make([]storeFate, 0, h.Count(history.StoreAppend, history.StoreRollback, history.LostAnswer))}
	fate := fates.add
	logics := map[history.Sym]map[int]bool{}
	allLogics := map[int]bool{}
	for i, r := range h.Compact(history.StoreAppend, history.StoreRollback, history.LostAnswer) {
		switch r.KindCode() {
		case codeStoreAppend:
			if f := fate(h.CommandOf(r)); !f.appended {
				f.appended, f.appendedIdx = true, int32(i)
			}
		case codeStoreRollback:
			fate(h.CommandOf(r)).undone = true
		case codeLostAnswer:
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
	p := &opPairs{fates: fates, logics: logics, allLogics: allLogics,
		pairs: make([]opRef, 0, h.Count(history.CommandReturn, history.QueryReturn))}
	// open[cmd] is 1 + the index of the invocation of each command in
	// flight; returned has bit cmd set once command cmd returned. A
	// command that is in neither was not invoked yet.
	open := make([]int32, nsym)
	inFlight := 0
	returned := make([]uint64, (nsym+63)/64)
	perKey := make([]int32, nsym) // pairs of each key
	p.perKey = perKey
	for i, r := range h.Compact(history.Command, history.Query, history.CommandReturn, history.QueryReturn) {
		cmd := h.CommandOf(r)
		switch r.KindCode() {
		case codeCommand, codeQuery:
			if open[cmd] == 0 && returned[cmd/64]&(1<<(cmd%64)) == 0 {
				open[cmd] = int32(i + 1)
				inFlight++
			}
		case codeCommandReturn, codeQueryReturn:
			if open[cmd] == 0 {
				continue
			}
			p.pairs = append(p.pairs, opRef{inv: open[cmd] - 1, ret: int32(i)})
			perKey[r.Key]++
			p.most = max(p.most, int(perKey[r.Key]))
			open[cmd] = 0
			inFlight--
			returned[cmd/64] |= 1 << (cmd % 64)
		}
	}
	// Commands still open at the end have an unknown outcome, in the
	// order of their invocations.
	pending := make([]int, 0, inFlight)
	for _, o := range open {
		if o != 0 {
			pending = append(pending, int(o-1))
		}
	}
	sort.Ints(pending)
	for _, idx := range pending {
		if r := h.Record(idx); r.KindCode() == codeCommand {
			p.pairs = append(p.pairs, opRef{inv: int32(idx), ret: -1})
			perKey[r.Key]++
			p.most = max(p.most, int(perKey[r.Key]))
		}
	}
	return p
}

// gatherAccountOps is the [accountGathering] of h given the
// [domainsOf] h and its [opPairs]: the operations of [accountOps] with
// the reads of the read models, each marked.
func gatherAccountOps(h *history.History, doms *domains, p *opPairs) *accountGathering {
	nsym := h.Symbols()
	fates, logics, allLogics := p.fates, p.logics, p.allLogics
	fateAt := fates.at
	// Tables indexed by symbol: made[key] is set once key's model is
	// made (nil for a key left out), clientOf[client] is 1 + the
	// client's number, 0 before its first operation.
	made := make([]bool, nsym)
	clientOf := make([]int32, nsym)
	states := &stateIDs{} // shared: one search at a time
	g := &accountGathering{why: map[string]string{}, strong: map[string]int{},
		h: h, fates: fates, models: map[string]*linModel{}, rec: new(history.Record)}

	// The operations of each key, in lists numbered by listOf[key] (1 +
	// its number; 0: none yet), each sized by its key's pairs.
	listOf := make([]int32, nsym)
	var lists [][]accountRef
	var strong []int
	var listKeys []string
	var clients []history.Sym
	add := func(op linOp, key, client history.Sym) {
		k := h.Str(key)
		if clientOf[client] == 0 {
			clients = append(clients, client)
			clientOf[client] = int32(len(clients))
		}
		if !made[key] {
			var m *linModel
			if f, _, why := doms.aggregateOf(k); f != nil {
				m = newLinModel(f(1), h, k, states)
			} else {
				g.why[k] = why
			}
			made[key] = true
			g.models[k] = m
		}
		li := listOf[key]
		if li == 0 {
			lists = append(lists, make([]accountRef, 0, max(p.perKey[key], 1)))
			strong = append(strong, 0)
			listKeys = append(listKeys, k)
			li = int32(len(lists))
			listOf[key] = li
		}
		lists[li-1] = append(lists[li-1], accountRef{opRef{inv: int32(op.Call), ret: op.Recs[1]}, op.ReadModel})
		if !op.ReadModel {
			strong[li-1]++
		}
	}
	end := func(r *history.Record) opEnd {
		return opEnd{at: r.At, value: r.Value, version: r.Version, outcome: r.Outcome()}
	}
	judge := func(inv *history.Record, invIdx, retIdx int, e opEnd) {
		cmd := h.CommandOf(inv)
		f := fateAt(cmd)
		op, keep := accountOp(h, inv, e, invIdx, retIdx, true, f)
		g.count(inv.Kind(), e.outcome, f)
		if inv.KindCode() == codeQuery && !keep {
			if m := inv.Mode(); m != history.ModeAsOf {
				g.unreadAll++
				if m == history.ModeStrong {
					g.unreadStrong++
				}
			}
		}
		if keep {
			add(op, inv.Key, inv.Node)
		}
	}
	inv := g.rec
	for _, pr := range p.pairs {
		e := lostEnd
		if pr.ret >= 0 {
			*inv = h.Record(int(pr.ret))
			e = end(inv)
		}
		*inv = h.Record(int(pr.inv))
		judge(inv, int(pr.inv), int(pr.ret), e)
	}
	g.refs = make(map[string][]accountRef, len(lists))
	g.clientOf = clientOf
	for i := range clientOf {
		clientOf[i]-- // the client's number, -1 for a symbol of no client
	}

	for i, refs := range lists {
		// in the order of their invocations, which opsInto keeps
		sortByInvocation(refs)
		g.refs[listKeys[i]] = refs
		g.strong[listKeys[i]] = strong[i]
		g.keys = append(g.keys, listKeys[i])
	}
	sort.Strings(g.keys)
	if len(allLogics) > 1 {
		// The balances an account reports are in the units of the apply
		// logic in force, and the history does not date the change: no
		// account spanning it can be judged.
		names := sortedLogics(allLogics)
		for _, k := range g.keys {
			ks, _ := h.Lookup(k)
			if len(logics[ks]) > 1 {
				g.why[k] = fmt.Sprintf("their snapshots and loads are stamped with apply logics %s: the logic changed mid-run and balances changed units", sortedLogics(logics[ks]))
			} else {
				g.why[k] = fmt.Sprintf("the history's snapshots and loads are stamped with apply logics %s: the logic changed mid-run, at a time the history does not record, and balances changed units", names)
			}
		}
	}
	g.clients = make([]string, len(clients))
	for id, n := range clients {
		g.clients[id] = h.Str(n)
	}
	return g
}

// sortByInvocation sorts refs, an account's operations in the order of
// their returns, by their invocations (each operation's own record). It
// sorts by insertion, as an operation is out of place only by the ones
// that overlap it, invoked after it and returned before it; a list far
// out of order (commands that never returned, invoked long before the
// last returns) is sorted by comparison instead.
func sortByInvocation(refs []accountRef) {
	moves := 0
	for i := 1; i < len(refs); i++ {
		r := refs[i]
		j := i
		for ; j > 0 && refs[j-1].inv > r.inv; j-- {
			refs[j] = refs[j-1]
		}
		refs[j] = r
		if moves += i - j; moves > 8*len(refs) {
			slices.SortFunc(refs, func(a, b accountRef) int { return cmp.Compare(a.inv, b.inv) })
			return
		}
	}
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
	op := linOp{Node: inv.Node, Call: int64(invIdx), Return: int64(retIdx),
		Amount: inv.Amount, Value: ret.value, Recs: [3]int32{int32(invIdx), int32(retIdx), -1}}
	if inv.KindCode() == codeQuery {
		answered := ret.outcome == history.OutcomeOK || ret.outcome == ""
		// An as-of query reads a past state, not the current one: it is
		// no read of the linearizable order (as-of-equals-fold judges it).
		mode := inv.Mode()
		if !answered || mode == history.ModeAsOf || mode != history.ModeStrong && !readModel {
			return op, false
		}
		op.Read = true
		op.Found = ret.version > 0
		op.ReadModel = mode != history.ModeStrong
		return op, true
	}
	op.Type, op.Payload = inv.Type, h.PayloadOf(inv)
	switch ret.outcome {
	case history.OutcomeOK:
		op.Out = outOK
	case history.OutcomeRejected:
		op.Out = outRejected
	case history.OutcomeUnknown:
		switch {
		case f != nil && f.appended:
			op.Out, op.Return = outApplied, int64(max(int(f.appendedIdx), invIdx))
			op.Recs[2] = f.appendedIdx
		case f != nil && f.undone:
			return op, false // the store undid it: no effect
		default:
			op.Out, op.Return = outMaybe, math.MaxInt64
		}
	default:
		return op, false // ended without effect
	}
	return op, true
}
