package checks

import (
	"fmt"

	"github.com/evsim/evsim/model/history"
)

// StreamIntegrity checks the event store's streams, from its
// history.StoreAppend records in history order: in each stream the k-th
// event is at version k (versions unique and contiguous); no event id
// appears twice in a stream; the events of one command in a stream are
// one batch, at consecutive versions, of one decision, with no other
// attempt of the command between its events ([batcher]: a retry that
// appends again, with new ids or the same ones, breaks this); and
// each batch was appended at the version after the one its command
// decided on (Basis), so that two commands that decided on the same
// version cannot both win: the lost update that an expected version
// prevents. A batch whose basis is [history.BasisUnknown] is not judged
// for a lost update. With no store append it is not applicable (Unknown).
func StreamIntegrity(h *history.History) Result {
	res := Result{Check: "stream-integrity"}
	n := h.Count(history.StoreAppend)
	// keyed by symbol: a stream's key, an event id; a pair of symbols by
	// [symPair]
	versions := map[history.Sym]int64{}
	ids := make(map[uint64]int32, n)
	batches := newBatcher(h, n)
	var problems int
	var witness []history.Entry
	var explain string
	flag := func(why string, recs ...history.Entry) {
		problems++
		if witness == nil {
			witness, explain = recs, why
		}
	}
	appends, streams, unknown := 0, 0, 0 // unknown: batches with no basis
	for i, y := range h.Compact(batchKinds...) {
		if !batches.see(i, y) {
			continue // a record of a command's attempt
		}
		appends++
		if _, ok := versions[y.Key]; !ok {
			streams++
		}
		want := versions[y.Key] + 1
		if y.Version != want {
			r := h.At(i)
			flag(fmt.Sprintf("Stream %s got event %s at version %d at %s, but its next version was %d: versions must be unique and contiguous.",
				r.Key, r.Event, r.Version, at(r.At), want), r)
		}
		versions[y.Key] = max(versions[y.Key], y.Version)
		if j, dup := ids[symPair(y.Key, y.Event)]; dup {
			r := h.At(i)
			flag(fmt.Sprintf("Event id %s was appended twice to stream %s (versions %d and %d): an append must be idempotent by event id.",
				r.Event, r.Key, h.At(int(j)).Version, r.Version), h.At(int(j)), r)
		}
		ids[symPair(y.Key, y.Event)] = int32(i)
		b := batches.last
		switch {
		case b.command == 0:
			continue
		case b.next:
			continue // the next event of the same batch
		case b.first != int32(i):
			f, r := h.At(int(b.first)), h.At(i)
			how := "the retry decided again with new event ids"
			if f.Basis == r.Basis && f.Basis != history.BasisUnknown {
				how = "the retry appended new event ids on the version it had first decided on, without reloading the stream"
			}
			flag(fmt.Sprintf("Command %s appended twice to stream %s: event %s at version %d (%s) and event %s at version %d (%s). "+
				"Its first answer was lost and %s, so the store could not recognise it; "+
				"retry with the same event ids and the store's idempotent append keeps one.",
				r.Command, r.Key, f.Event, f.Version, at(f.At), r.Event, r.Version, at(r.At), how), f, r)
		}
		basis := h.BasisOf(y)
		if basis == history.BasisUnknown {
			unknown++
			continue
		}
		if y.Version != basis+1 {
			r := h.At(i)
			w := -1
			for j := i - 1; j >= 0; j-- {
				q := h.Record(j)
				if q.KindCode() == codeStoreAppend && q.Key == y.Key && q.Version == basis+1 {
					w = j
					break
				}
			}
			if w < 0 {
				flag(fmt.Sprintf("Command %s decided on version %d of stream %s but its event %s landed at version %d (expected version %q): "+
					"a command's events must land right after the version it decided on.",
					r.Command, r.Basis, r.Key, r.Event, r.Version, r.Expected), r)
				continue
			}
			winner := h.At(w)
			flag(fmt.Sprintf("Command %s decided on version %d of stream %s but its event %s landed at version %d (expected version %q): "+
				"command %s had already appended version %d at %s. Both commands won on the same version, a lost update; "+
				"append with the exact expected version and the second gets a conflict, reloads and decides again.",
				r.Command, r.Basis, r.Key, r.Event, r.Version, r.Expected, winner.Command, winner.Version, at(winner.At)), winner, r)
		}
	}
	if appends == 0 {
		res.Verdict = Unknown
		res.Explanation = "Not applicable: no event was committed to an event store (no store-append record)."
		return res
	}
	if problems == 0 {
		res.Verdict = Holds
		res.Explanation = fmt.Sprintf("%d events in %d streams: versions contiguous, event ids unique, one batch per command, every batch at the version its command decided on.", appends, streams)
		if unknown > 0 {
			res.Explanation = fmt.Sprintf("%d events in %d streams: versions contiguous, event ids unique, one batch per command. "+
				"%d command batch(es) record no basis (the version their command decided on) and were not judged for a lost update; the others landed at the version after their basis.", appends, streams, unknown)
		}
		return res
	}
	res.Verdict = Violated
	res.Witness = witness
	res.Explanation = fmt.Sprintf("%s %d problem(s) in all.", explain, problems)
	return res
}

// NoOverdraft checks the invariant of the built-in account and cart, and
// of any aggregate whose value (a balance, an item count, a stock) must
// not go negative: after each event committed to a stream (a
// history.StoreAppend record, in history order), the value of the
// stream's aggregate is not below zero. The value is the one the store
// recorded with the append (its State and Value: the state the event
// left); a record without one (a history written before stores recorded
// it) is folded with the Apply of the history's aggregate ([domains]).
// Its witness is the stream's event before the one that went below zero
// (if any) and that event. Its explanation gives a cause only as far as
// the history shows one: the version the command decided on (its basis)
// against the stream's version before the command's batch. It is not applicable (Unknown) when no
// committed event changed a value, or none could be known.
func NoOverdraft(h *history.History) Result { return noOverdraft(NewJudgement(h)) }

func noOverdraft(j *Judgement) Result {
	h := j.h
	res := Result{Check: "no-overdraft"}
	doms := j.domains()
	// The appends are read in place, their streams by symbol; the
	// witness's records are unpacked.
	value := map[history.Sym]int64{}
	states := map[history.Sym]any{}
	last := map[history.Sym]int{}
	batches := newBatcher(h, h.Count(history.StoreAppend))
	var below, judged, unknown int
	var whyNot string
	for i, r := range h.Compact(batchKinds...) {
		if !batches.see(i, r) {
			continue
		}
		before := value[r.Key]
		start := batches.last.start // the first version of the stream's latest batch
		v, ok := r.Value, h.StateOf(r) != 0
		if !ok {
			f, _, why := doms.aggregateOf(h.Str(r.Key))
			if f == nil {
				unknown++
				if whyNot == "" {
					whyNot = why
				}
				continue
			}
			a := f(1)
			s, seen := states[r.Key]
			if !seen {
				s = a.Initial()
			}
			s = a.Apply(s, storedEventOf(h, r))
			states[r.Key], v = s, a.Value(s)
		}
		value[r.Key] = v
		if v != before {
			judged++
		}
		if v < 0 {
			below++
			if res.Witness == nil {
				if j, ok := last[r.Key]; ok {
					res.Witness = append(res.Witness, h.At(j))
				}
				e := h.At(i)
				res.Witness = append(res.Witness, e)
				res.Explanation = fmt.Sprintf("Stream %s went to %d at %s: %s (command %s) was appended although the value was only %d. %s",
					e.Key, v, at(e.At), eventWhat(e.Type, e.Amount), e.Command, before, overdraftCause(e, h.BasisOf(r), start-1))
			}
		}
		last[r.Key] = i
	}
	if below > 0 {
		res.Verdict = Violated
		res.Explanation += fmt.Sprintf(" %d event(s) in all left a value below zero.", below)
		return res
	}
	if judged == 0 {
		res.Verdict = Unknown
		res.Explanation = "Not applicable: no committed event changed a stream's value (a balance, an item count)."
		if unknown > 0 {
			res.Explanation = fmt.Sprintf("Not applicable: %d committed event(s) carry no state and their aggregate cannot be looked up: %s.", unknown, whyNot)
		}
		return res
	}
	res.Verdict = Holds
	res.Explanation = fmt.Sprintf("No value of the %d stream(s) went below zero.", len(value))
	if unknown > 0 {
		res.Explanation += fmt.Sprintf(" %d committed event(s) carry no state and were not judged: %s.", unknown, whyNot)
	}
	return res
}

// batchKinds are the records a [batcher] reads: the store's appends and
// the records of a command's attempts.
var batchKinds = []history.Kind{history.StoreAppend, history.Command, history.CommandReturn,
	history.LostAnswer, history.StoreDuplicate, history.StoreRollback}

// batcher tells, reading the records of [batchKinds] in history order,
// which store appends of a command to a stream are one batch. Two
// appends of a command to a stream, the second at the version after the
// first, are one batch when both decided on the same basis and no
// record of another attempt of the command lies between them (the
// command's command record, which a retry writes, its command-return,
// or a lost-answer, store-duplicate or store-rollback of it); and, when
// the history records none of the command's attempts (no command record
// of it), when no other append lies between them or both are at one
// instant. A store may stamp each event of a batch separately: the
// instant alone does not tell a batch from a retry.
type batcher struct {
	h        *history.History
	ends     map[uint64]batchEnd // by stream and command ([symPair])
	tries    map[history.Sym]int // the attempt records of each command so far
	recorded map[history.Sym]bool
	appends  int
	last     batchStep // of the last append seen
}

// batchEnd is the last append of a command to a stream.
type batchEnd struct {
	first          int32 // record index of the command's first append to the stream
	version, basis int64
	at             int64
	start          int64 // the first version of its batch
	tries, ordinal int   // the command's attempt records and the appends before it, then
}

// batchStep says where an append stands: its command (0: none), the
// index of the command's first append to the stream, whether it is the
// next event of the command's batch, and the first version of its batch.
type batchStep struct {
	command history.Sym
	first   int32
	next    bool
	start   int64
}

func newBatcher(h *history.History, n int) *batcher {
	return &batcher{h: h, ends: make(map[uint64]batchEnd, n), tries: map[history.Sym]int{}, recorded: map[history.Sym]bool{}}
}

// see reads record i, r, and reports whether it is a store append; if so,
// last says where it stands.
func (b *batcher) see(i int, r *history.Record) bool {
	c := b.h.CommandOf(r)
	switch r.KindCode() {
	case codeStoreAppend:
	case codeCommand:
		b.tries[c]++
		b.recorded[c] = true
		return false
	default:
		b.tries[c]++
		return false
	}
	b.appends++
	if c == 0 {
		b.last = batchStep{start: r.Version}
		return true
	}
	k := symPair(r.Key, c)
	basis := b.h.BasisOf(r)
	e, seen := b.ends[k]
	next := seen && e.version+1 == r.Version && e.basis == basis && e.tries == b.tries[c] &&
		(b.recorded[c] || e.ordinal+1 == b.appends || e.at == r.At)
	if !seen {
		e.first = int32(i)
	}
	if !next {
		e.start = r.Version
	}
	e.version, e.basis, e.at, e.tries, e.ordinal = r.Version, basis, r.At, b.tries[c], b.appends
	b.ends[k] = e
	b.last = batchStep{command: c, first: e.first, next: next, start: e.start}
	return true
}

// overdraftCause says what the history shows of why append e, of a
// command that decided on version basis, left a value below zero when
// its stream was at version current before the command's batch.
func overdraftCause(e history.Entry, basis, current int64) string {
	switch {
	case basis == history.BasisUnknown:
		return fmt.Sprintf("The history does not say which version command %s decided on, so the cause is not known from it.", e.Command)
	case basis < current:
		return fmt.Sprintf("Command %s decided on version %d of the stream, but the stream was at version %d when its events landed: "+
			"it decided on a state that was no longer current.", e.Command, basis, current)
	case basis == current:
		return fmt.Sprintf("Command %s decided on version %d, the stream's version when its events landed: the state it decided on was current, "+
			"so the decision itself (the aggregate's rule) let the value go below zero.", e.Command, basis)
	}
	return fmt.Sprintf("Command %s decided on version %d, past the stream's version %d when its events landed, so the cause is not known from the history.",
		e.Command, basis, current)
}
