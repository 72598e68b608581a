package checks

import (
	"slices"
	"sort"
	"time"

	"github.com/evsim/evsim/model/history"
)

// StalenessSample is how far a read model was behind the log at one
// instant: the committed events it had not applied yet, and how long ago
// the oldest of them committed.
type StalenessSample struct {
	At           int64
	Group        string
	Node         string // the querying session, for query samples
	Key          string
	EventsBehind int64
	TimeBehind   time.Duration
	// Oldest is the oldest committed event the read model had not applied
	// (none when it was caught up).
	Oldest string
}

// StalenessSeries is one read model's staleness over simulated time,
// sampled at every commit, apply and reset. Between two samples the
// events behind stay the same, and the time behind grows with the clock
// while the read model is behind (the same oldest event keeps waiting):
// see [StalenessSeries.TimeBehindAt].
type StalenessSeries struct {
	Group  string
	Points []StalenessSample
}

// StalenessFinal is a read model's staleness at the end of the run, with
// the records that explain it when it is behind.
type StalenessFinal struct {
	Group        string
	EventsBehind int64
	TimeBehind   time.Duration
	Witness      []history.Entry
}

// StalenessReport is the staleness of every query and every read model.
type StalenessReport struct {
	// Queries has one sample per answered query (strong reads are never
	// behind).
	Queries []StalenessSample
	Series  []StalenessSeries
	Final   []StalenessFinal
	// MaxEvents and MaxTime are the worst staleness a query saw.
	MaxEvents int64
	MaxTime   time.Duration
	// sampled counts the answered queries, kept in Queries or not.
	sampled int
}

// readModelKinds are the kinds [readModelSym] finds a read model in.
var readModelKinds = []history.Kind{history.ProjectionApply, history.Checkpoint, history.ProjectionSkip,
	history.ProjectionUnhandled, history.ProjectionReset, history.StalenessSLO, history.Query, history.QueryReturn, history.Subscribe}

// readModelSym returns the symbol of the read model record i of h (r, read
// in place) names, if it names one: the Group of a projector's records
// (history.ProjectionApply, history.Checkpoint, history.ProjectionSkip,
// history.ProjectionUnhandled, history.ProjectionReset,
// history.StalenessSLO), of a query of a read model (history.Query,
// history.QueryReturn; Group "" is the write side) and of a
// history.Subscribe record of style history.StyleProjection (the only
// record it unpacks, for its style). A read model is known from any of
// them, so one stuck before its first event (no apply, no checkpoint) is
// still known.
func readModelSym(h *history.History, i int, r *history.Record) (history.Sym, bool) {
	switch r.KindCode() {
	case codeProjectionApply, codeCheckpoint, codeProjectionSkip, codeProjectionUnhandled,
		codeProjectionReset, codeStalenessSLO, codeQuery, codeQueryReturn:
		return r.Group, r.Group != 0
	case codeSubscribe:
		return r.Group, r.Group != 0 && h.At(i).Style == history.StyleProjection
	}
	return 0, false
}

// Staleness measures, from the history alone, how far each read model was
// behind the event store over time and at every query. The read models
// are those the history names anywhere ([readModelSym]), each behind from
// the start of the run; the log is the history.StoreAppend records in
// commit order, or, for a read model fed by a topic, the topic's
// history.Append records in append order (each offset one entry). A
// rebuild that truncates a read model in place (history.ProjectionReset)
// puts it back to the start. Only queries that returned are sampled: one
// that timed out or never got an answer read nothing.
func Staleness(h *history.History) StalenessReport {
	return staleness(h, stalenessSeries|stalenessQueries)
}

// QueryStaleness is [Staleness] without the series over time (Series is
// nil): the staleness of each query, the worst a query saw and each read
// model's at the end, for a caller that draws no chart.
func QueryStaleness(h *history.History) StalenessReport { return staleness(h, stalenessQueries) }

// What [staleness] keeps besides the worst a query saw and each read
// model's staleness at the end.
const (
	stalenessSeries  = 1 << iota // the series over time
	stalenessQueries             // a sample per query
)

// logID names an entry of a read model's log: an event of the event
// store by its id, or a record of a topic by its place.
type logID struct {
	event, topic history.Sym
	partition    int32
	offset       int64
}

// logSet is a set of the entries of one log: the event store's, named by
// their event's symbol, in a bitset indexed by symbol; a topic's in a map.
type logSet struct {
	nsym   int
	store  bool     // the event store's log
	events []uint64 // store: bit y is the event of symbol y
	other  map[logID]bool
}

// newLogSet returns an empty set of entries of source src's log ("": the
// event store's) in a history of nsym symbols.
func newLogSet(src string, nsym int) *logSet { return &logSet{nsym: nsym, store: src == ""} }

// has reports whether id is in s; a nil set is empty.
func (s *logSet) has(id logID) bool {
	if s == nil {
		return false
	}
	if s.store {
		y := int(id.event)
		return y/64 < len(s.events) && s.events[y/64]&(1<<(y%64)) != 0
	}
	return s.other[id]
}

// add puts id in s.
func (s *logSet) add(id logID) {
	if s.store {
		if s.events == nil {
			s.events = make([]uint64, (s.nsym+63)/64)
		}
		y := int(id.event)
		s.events[y/64] |= 1 << (y % 64)
		return
	}
	if s.other == nil {
		s.other = map[logID]bool{}
	}
	s.other[id] = true
}

// reset empties the set, keeping its memory.
func (s *logSet) reset() {
	clear(s.events)
	clear(s.other)
}

// staleness is [Staleness], keeping the series over time and the sample
// of each query only if keep says so: a sample of the series only
// records the position the read model had reached, which a query finds
// all the same. It reads the compact records in place, keyed by symbol.
func staleness(h *history.History, keep int) StalenessReport {
	return stalenessOf(h, projectionTopics(h), transactions(h), keep)
}

// storeSource is the event store's log, the only source of a store
// append.
var storeSource = []string{""}

// stalenessOf is [staleness] given the [projectionTopics] and the
// [transactions] of h.
func stalenessOf(h *history.History, sources map[string]string, txns *txnLog, keep int) StalenessReport {
	series := keep&stalenessSeries != 0
	// commit is an entry of a log: its record's index and time, and its
	// event; a topic's entry is named by its record's place.
	type commit struct {
		at    int64
		idx   int32
		event history.Sym
	}
	type group struct {
		name    string
		applied *logSet
		count   int64
		ptr     int
		series  *StalenessSeries
		lastCP  int
		src     string // the topics it reads (see projectionTopics); "" for the event store
	}
	var rep StalenessReport
	fed := map[string][]string{} // by topic: the sources that hold it
	for _, src := range sources {
		for _, t := range sourceTopics(src) {
			if !slices.Contains(fed[t], src) {
				fed[t] = append(fed[t], src)
			}
		}
	}
	for _, srcs := range fed {
		slices.Sort(srcs)
	}
	// The event store's log, sized: a large slice grown by appending
	// allocates several times its size.
	appends := h.Count(history.StoreAppend)
	logs := map[string][]commit{"": make([]commit, 0, appends)} // by source: "" for the event store
	// idOf names entry c of source src's log.
	idOf := func(src string, c commit) logID {
		if src == "" {
			return logID{event: c.event}
		}
		r := h.Record(int(c.idx))
		return logID{topic: r.Topic, partition: r.Partition, offset: r.Offset}
	}
	// committed: the ids in each source's log. A read model's count is of
	// the committed entries it applied: an apply of anything else (an id
	// the log does not hold) must not hide an entry still missing.
	nsym := h.Symbols()
	committed := map[string]*logSet{"": newLogSet("", nsym)}
	groups := map[string]*group{}
	bySym := map[history.Sym]*group{}
	var order []*group
	get := func(name string) *group {
		g := groups[name]
		if g == nil {
			g = &group{name: name, series: &StalenessSeries{Group: name}, lastCP: -1, src: sources[name]}
			g.applied = newLogSet(g.src, nsym)
			groups[name] = g
			order = append(order, g)
		}
		return g
	}
	getSym := func(y history.Sym) *group {
		g := bySym[y]
		if g == nil {
			g = get(h.Str(y))
			bySym[y] = g
		}
		return g
	}
	measure := func(g *group, at int64) (int64, time.Duration, history.Sym) {
		log := logs[g.src]
		for g.ptr < len(log) && g.applied.has(idOf(g.src, log[g.ptr])) {
			g.ptr++
		}
		behind := int64(len(log)) - g.count
		var d time.Duration
		var oldest history.Sym
		if g.ptr < len(log) {
			d, oldest = time.Duration(at-log[g.ptr].at), log[g.ptr].event
		}
		return behind, d, oldest
	}
	sample := func(g *group, at int64) {
		if !series {
			return
		}
		n, d, oldest := measure(g, at)
		pts := g.series.Points
		if k := len(pts); k > 0 && pts[k-1].At == at {
			pts = pts[:k-1]
		}
		g.series.Points = append(pts, StalenessSample{At: at, Group: g.name, EventsBehind: n, TimeBehind: d, Oldest: h.Str(oldest)})
	}
	for i, r := range h.Compact(readModelKinds...) {
		if y, ok := readModelSym(h, i, r); ok {
			getSym(y)
		}
	}
	if n := h.Count(history.QueryReturn); n > 0 && keep&stalenessQueries != 0 {
		rep.Queries = make([]StalenessSample, 0, n)
	}
	for i, r := range h.Compact(history.StoreAppend, history.Append, history.ProjectionApply, history.Checkpoint,
		history.ProjectionReset, history.QueryReturn) {
		switch r.KindCode() {
		case codeStoreAppend, codeAppend:
			srcs := storeSource
			id := logID{event: r.Event}
			if r.KindCode() == codeAppend {
				topic := h.Str(r.Topic)
				if srcs = fed[topic]; len(srcs) == 0 || txns.fate[tpo{tp{topic, int(r.Partition)}, r.Offset}] == fateAborted {
					continue
				}
				id = logID{topic: r.Topic, partition: r.Partition, offset: r.Offset}
			}
			for _, src := range srcs {
				logs[src] = append(logs[src], commit{at: r.At, idx: int32(i), event: r.Event})
				if committed[src] == nil {
					committed[src] = newLogSet(src, nsym)
				}
				committed[src].add(id)
				for _, g := range order {
					if g.src == src {
						if g.applied.has(id) {
							g.count++ // applied before its commit was recorded
						}
						sample(g, r.At)
					}
				}
			}
		case codeProjectionApply:
			g := getSym(r.Group)
			id := logID{event: r.Event}
			if g.src != "" {
				id = logID{topic: r.Topic, partition: r.Partition, offset: r.Offset}
			}
			if !g.applied.has(id) {
				g.applied.add(id)
				if committed[g.src].has(id) {
					g.count++
				}
			}
			sample(g, r.At)
		case codeCheckpoint:
			getSym(r.Group).lastCP = i
		case codeProjectionReset:
			if h.At(i).Rebuild == history.RebuildBlueGreen {
				continue
			}
			g := getSym(r.Group)
			g.applied.reset()
			g.count, g.ptr = 0, 0
			sample(g, r.At)
		case codeQueryReturn:
			if o := r.Outcome(); o != history.OutcomeOK && o != history.OutcomeNone {
				continue
			}
			var n int64
			var d time.Duration
			var oldest history.Sym
			if r.Group != 0 {
				n, d, oldest = measure(getSym(r.Group), r.At)
			}
			rep.sampled++
			if keep&stalenessQueries != 0 {
				rep.Queries = append(rep.Queries, StalenessSample{At: r.At, Group: h.Str(r.Group), Node: h.Str(r.Node), Key: h.Str(r.Key),
					EventsBehind: n, TimeBehind: d, Oldest: h.Str(oldest)})
			}
			rep.MaxEvents = max(rep.MaxEvents, n)
			rep.MaxTime = max(rep.MaxTime, d)
		}
	}
	sort.Slice(order, func(a, b int) bool { return order[a].name < order[b].name })
	end := lastAt(h)
	for _, g := range order {
		if series {
			rep.Series = append(rep.Series, *g.series)
		}
		n, d, _ := measure(g, end)
		f := StalenessFinal{Group: g.name, EventsBehind: n, TimeBehind: d}
		if log := logs[g.src]; n > 0 && g.ptr < len(log) {
			oldest := h.At(int(log[g.ptr].idx))
			if g.lastCP >= 0 {
				cp := h.At(g.lastCP)
				f.Witness = append(f.Witness, cp)
				if g.src == "" {
					for j, r := range h.Compact(history.StoreRollback) {
						if r.Position == cp.Position+1 {
							f.Witness = append(f.Witness, h.At(j))
						}
					}
				}
			}
			f.Witness = append(f.Witness, oldest)
			sort.SliceStable(f.Witness, func(a, b int) bool { return f.Witness[a].At < f.Witness[b].At })
		}
		rep.Final = append(rep.Final, f)
	}
	return rep
}

// lastAt returns the time of the latest record of h (0 for none).
func lastAt(h *history.History) int64 { return h.MaxAt() }

// TimeBehindAt returns how far behind the read model was at simulated
// time t (nanoseconds) by the series: 0 before its first sample, else the
// time behind of the last sample at or before t plus the time since, if
// events were behind then.
func (s StalenessSeries) TimeBehindAt(t int64) time.Duration {
	i := sort.Search(len(s.Points), func(i int) bool { return s.Points[i].At > t }) - 1
	if i < 0 {
		return 0
	}
	p := s.Points[i]
	if p.EventsBehind == 0 {
		return 0
	}
	return p.TimeBehind + time.Duration(t-p.At)
}
