package reports

import (
	"math"
	"sort"

	"github.com/evsim/evsim/model/history"
)

// Point is one sample of a series: Value holds from simulated time At
// (nanoseconds since the start of the run) until the next sample.
type Point struct {
	At    int64
	Value float64
}

// Series is a named step series of samples in increasing At order.
type Series struct {
	Name   string
	Points []Point
}

// topicPartition names one partition of one topic.
type topicPartition struct {
	topic     string
	partition int
}

// groupPartition names one consumer group's position on one partition.
type groupPartition struct {
	group string
	topicPartition
}

// lagState is the part of a history replayed so far that lag depends on,
// with each group's lag kept up to date as records arrive, so that a
// record costs a few map operations rather than a sum over every
// partition a group reads. Its names are strings (K string) or a
// history's symbols for them (K history.Sym): the arithmetic is the same.
type lagState[K comparable] struct {
	ends        map[lagTP[K]]int64 // 1 + highest appended offset
	partitions  map[K][]int        // appended partitions per topic, in order of first append
	committed   map[lagGTP[K]]int64
	topics      map[K]map[K]bool // subscribed topics per group
	subscribers map[K][]K        // groups per topic, in order of subscription
	lag         map[K]int64      // per group: the sum over the appended partitions of its topics of end - committed
}

// lagTP names one partition of one topic.
type lagTP[K comparable] struct {
	topic     K
	partition int
}

// lagGTP names one consumer group's position on one partition.
type lagGTP[K comparable] struct {
	group K
	lagTP[K]
}

func newLagState[K comparable]() *lagState[K] {
	return &lagState[K]{
		ends:        map[lagTP[K]]int64{},
		partitions:  map[K][]int{},
		committed:   map[lagGTP[K]]int64{},
		topics:      map[K]map[K]bool{},
		subscribers: map[K][]K{},
		lag:         map[K]int64{},
	}
}

// subscribe adds topic t to group g's topics, and its appended
// partitions to g's lag.
func (s *lagState[K]) subscribe(g, t K) {
	if s.topics[g][t] {
		return
	}
	s.topics[g][t] = true
	s.subscribers[t] = append(s.subscribers[t], g)
	for _, p := range s.partitions[t] {
		tp := lagTP[K]{t, p}
		s.lag[g] += s.ends[tp] - s.committed[lagGTP[K]{g, tp}]
	}
}

// appendAt moves the end of partition tp to at least end, and the lag of
// every group reading its topic with it.
func (s *lagState[K]) appendAt(tp lagTP[K], end int64) {
	old, seen := s.ends[tp]
	end = max(old, end)
	s.ends[tp] = end
	if !seen {
		s.partitions[tp.topic] = append(s.partitions[tp.topic], tp.partition)
		for _, g := range s.subscribers[tp.topic] {
			s.lag[g] += end - s.committed[lagGTP[K]{g, tp}]
		}
		return
	}
	for _, g := range s.subscribers[tp.topic] {
		s.lag[g] += end - old
	}
}

// commit sets group g's committed offset on tp, and its lag with it if
// g reads tp's topic and tp has an append.
func (s *lagState[K]) commit(g K, tp lagTP[K], offset int64) {
	gp := lagGTP[K]{g, tp}
	old := s.committed[gp]
	s.committed[gp] = offset
	if _, seen := s.ends[tp]; seen && s.topics[g][tp.topic] {
		s.lag[g] += old - offset
	}
}

// step replays one record of a kind in lagKinds, whose fields are given,
// and returns the groups whose lag it may change (in one's memory when
// one group); none for a checkpoint of the event store's log (no topic).
func (s *lagState[K]) step(one *[1]K, kind history.Kind, group, topic K, partition int, offset int64) []K {
	var none K
	switch kind {
	case history.Subscribe:
		if s.topics[group] == nil {
			s.topics[group] = map[K]bool{}
		}
		s.subscribe(group, topic)
		one[0] = group
		return one[:]
	case history.Append:
		s.appendAt(lagTP[K]{topic, partition}, offset+1)
		return s.subscribers[topic]
	case history.OffsetCommit, history.Checkpoint:
		if topic == none {
			return nil // a checkpoint of the event store's log
		}
		s.commit(group, lagTP[K]{topic, partition}, offset)
		if s.topics[group][topic] {
			one[0] = group
			return one[:]
		}
	}
	return nil
}

// lagKinds are the kinds of the records lag depends on.
var lagKinds = []history.Kind{history.Subscribe, history.Append, history.OffsetCommit, history.Checkpoint}

// LagSeries returns the consumer lag over simulated time of every group
// that has a history.Subscribe record, one series per group named after
// it, sorted by name.
//
// The lag of a group is the sum, over the partitions of its subscribed
// topics, of the log end (1 + the highest offset of the partition's
// history.Append records) minus the group's committed offset (the Offset of
// its latest history.OffsetCommit record for the partition, 0 if none).
// Partitions count once they have an append. A read model fed by a topic
// (a Subscribe record of Style history.StyleProjection) has a series too:
// its committed offsets are its projector's history.Checkpoint records.
// Each series starts with a
// sample at the group's first Subscribe record and has another wherever a
// record changes the group's lag; records sharing an instant yield one
// sample, the lag after all of them.
func LagSeries(h *history.History) []Series {
	s := newLagState[string]()
	series := map[string]*Series{}
	var one [1]string
	for _, r := range h.OfKind(lagKinds...) {
		if r.Kind == history.Subscribe && series[r.Group] == nil {
			series[r.Group] = &Series{Name: r.Group}
		}
		for _, g := range s.step(&one, r.Kind, r.Group, r.Topic, r.Partition, r.Offset) {
			series[g].sample(r.At, float64(s.lag[g]))
		}
	}
	return sortedSeries(series)
}

// MaxLag returns the largest value of any point of [LagSeries](h) (0 if
// none is larger) and whether it has a series, without building them: it
// reads the compact records, its tables indexed by the groups and topics
// in the order they come and by partition. A series keeps one point per
// run of records at one instant, the lag after the last, and drops a
// point equal to the one before, which changes no maximum; so the maximum
// is that of each group's lag after each such run.
func MaxLag(h *history.History) (lag float64, ok bool) {
	var d denseLag
	if lag, ok, fit := d.max(h); fit {
		return lag, ok
	}
	// A record of a negative partition, or one beyond denseLagPartitions:
	// the tables keyed by symbol.
	s := newLagState[history.Sym]()
	runs := map[history.Sym]*lagRun{}
	var one [1]history.Sym
	for _, r := range h.Compact(lagKinds...) {
		k := r.Kind()
		if k == history.Subscribe && runs[r.Group] == nil {
			runs[r.Group] = &lagRun{at: r.At, v: math.Inf(-1)}
		}
		for _, g := range s.step(&one, k, r.Group, r.Topic, int(r.Partition), r.Offset) {
			lag = runs[g].sample(lag, r.At, float64(s.lag[g]))
		}
	}
	for _, l := range runs {
		lag = max(lag, l.v)
	}
	return lag, len(runs) > 0
}

// lagRun is a group's run of samples at one instant: its time and the
// value of its last.
type lagRun struct {
	at int64
	v  float64
}

// sample adds the value v at time at to the run, and returns lag raised
// to the run's value when v starts a new one.
func (l *lagRun) sample(lag float64, at int64, v float64) float64 {
	if l.at != at {
		lag = max(lag, l.v)
	}
	l.at, l.v = at, v
	return lag
}

// denseLag is [lagState] for [MaxLag], its groups and topics numbered in
// the order they come and its partitions the index of slices.
type denseLag struct {
	group, topic map[history.Sym]int32 // 1 + number
	ends         [][]int64             // per topic and partition: 1 + highest appended offset
	seen         [][]bool              // per topic and partition: has an append
	partitions   [][]int               // per topic: appended partitions, in order of first append
	subscribers  [][]int32             // per topic: groups, in order of subscription
	reads        [][]bool              // per group and topic: subscribed
	committed    [][][]int64           // per group, topic and partition
	lag          []int64               // per group
	runs         []lagRun              // per group
	series       []bool                // per group: has a series (a subscription)
}

// denseLagPartitions bounds the partitions [denseLag] indexes its tables
// by: a history may number its partitions as it likes, and tables as long
// as a partition number far beyond the records would only waste memory.
const denseLagPartitions = 1 << 12

// max is MaxLag; fit is false when a record names a negative partition
// or one of denseLagPartitions or more.
func (d *denseLag) max(h *history.History) (lag float64, ok, fit bool) {
	d.group, d.topic = map[history.Sym]int32{}, map[history.Sym]int32{}
	var one [1]int32
	for _, r := range h.Compact(lagKinds...) {
		if r.Partition < 0 || r.Partition >= denseLagPartitions {
			return 0, false, false
		}
		var affected []int32
		p := int(r.Partition)
		switch r.Kind() {
		case history.Subscribe:
			g := d.groupOf(r.Group)
			if !d.series[g] {
				d.series[g], d.runs[g], ok = true, lagRun{at: r.At, v: math.Inf(-1)}, true
			}
			d.subscribe(g, d.topicOf(r.Topic))
			one[0] = g
			affected = one[:]
		case history.Append:
			t := d.topicOf(r.Topic)
			d.appendAt(t, p, r.Offset+1)
			affected = d.subscribers[t]
		case history.OffsetCommit, history.Checkpoint:
			if r.Topic == 0 {
				continue // a checkpoint of the event store's log
			}
			g := d.groupOf(r.Group)
			if d.commit(g, d.topicOf(r.Topic), p, r.Offset) {
				one[0] = g
				affected = one[:]
			}
		}
		for _, g := range affected {
			lag = d.runs[g].sample(lag, r.At, float64(d.lag[g]))
		}
	}
	for _, l := range d.runs {
		lag = max(lag, l.v) // -Inf for a group with no series
	}
	return lag, ok, true
}

// groupOf returns the number of group y, numbering it the first time.
func (d *denseLag) groupOf(y history.Sym) int32 {
	if g, ok := d.group[y]; ok {
		return g - 1
	}
	g := int32(len(d.lag))
	d.group[y] = g + 1
	d.lag = append(d.lag, 0)
	d.runs = append(d.runs, lagRun{v: math.Inf(-1)})
	d.series = append(d.series, false)
	d.reads = append(d.reads, nil)
	d.committed = append(d.committed, nil)
	return g
}

// topicOf returns the number of topic y, numbering it the first time.
func (d *denseLag) topicOf(y history.Sym) int32 {
	if t, ok := d.topic[y]; ok {
		return t - 1
	}
	t := int32(len(d.ends))
	d.topic[y] = t + 1
	d.ends = append(d.ends, nil)
	d.seen = append(d.seen, nil)
	d.partitions = append(d.partitions, nil)
	d.subscribers = append(d.subscribers, nil)
	return t
}

// committedAt returns group g's committed offset on partition p of topic
// t (0 if none).
func (d *denseLag) committedAt(g, t int32, p int) int64 {
	if c := d.committed[g]; int(t) < len(c) && p < len(c[t]) {
		return c[t][p]
	}
	return 0
}

// subscribe adds topic t to group g's topics, and its appended
// partitions to g's lag.
func (d *denseLag) subscribe(g, t int32) {
	if int(t) < len(d.reads[g]) && d.reads[g][t] {
		return
	}
	d.reads[g] = grown(d.reads[g], int(t))
	d.reads[g][t] = true
	d.subscribers[t] = append(d.subscribers[t], g)
	for _, p := range d.partitions[t] {
		d.lag[g] += d.ends[t][p] - d.committedAt(g, t, p)
	}
}

// appendAt moves the end of partition p of topic t to at least end, and
// the lag of every group reading t with it.
func (d *denseLag) appendAt(t int32, p int, end int64) {
	d.ends[t], d.seen[t] = grown(d.ends[t], p), grown(d.seen[t], p)
	old, seen := d.ends[t][p], d.seen[t][p]
	end = max(old, end)
	d.ends[t][p], d.seen[t][p] = end, true
	if !seen {
		d.partitions[t] = append(d.partitions[t], p)
		for _, g := range d.subscribers[t] {
			d.lag[g] += end - d.committedAt(g, t, p)
		}
		return
	}
	for _, g := range d.subscribers[t] {
		d.lag[g] += end - old
	}
}

// commit sets group g's committed offset on partition p of topic t, and
// its lag with it if g reads t and p has an append; it reports whether g
// reads t.
func (d *denseLag) commit(g, t int32, p int, offset int64) bool {
	c := grown(d.committed[g], int(t))
	c[t] = grown(c[t], p)
	d.committed[g] = c
	old := c[t][p]
	c[t][p] = offset
	reads := int(t) < len(d.reads[g]) && d.reads[g][t]
	if reads && p < len(d.seen[t]) && d.seen[t][p] {
		d.lag[g] += old - offset
	}
	return reads
}

// grown returns s long enough to hold index i, zero past its old length.
func grown[T any](s []T, i int) []T {
	if i < len(s) {
		return s
	}
	return append(s, make([]T, i+1-len(s))...)
}

// sample records that the series has value v from time at on, keeping one
// sample per instant and dropping samples that change nothing.
func (s *Series) sample(at int64, v float64) {
	n := len(s.Points)
	if n > 0 && s.Points[n-1].At == at {
		s.Points = s.Points[:n-1]
		n--
	}
	if n > 0 && s.Points[n-1].Value == v {
		return
	}
	s.Points = append(s.Points, Point{At: at, Value: v})
}

// sortedSeries returns the series in name order.
func sortedSeries(m map[string]*Series) []Series {
	names := make([]string, 0, len(m))
	for name := range m {
		names = append(names, name)
	}
	sort.Strings(names)
	out := make([]Series, 0, len(names))
	for _, name := range names {
		out = append(out, *m[name])
	}
	return out
}
