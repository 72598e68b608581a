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
// reads the compact records and keys its tables by symbol. A series keeps
// one point per run of records at one instant, the lag after the last,
// and drops a point equal to the one before, which changes no maximum; so
// the maximum is that of each group's lag after each such run.
func MaxLag(h *history.History) (lag float64, ok bool) {
	s := newLagState[history.Sym]()
	type last struct {
		at int64
		v  float64
	}
	runs := map[history.Sym]*last{} // per group with a series: its run at one instant
	var one [1]history.Sym
	for _, r := range h.Compact(lagKinds...) {
		k := r.Kind()
		if k == history.Subscribe && runs[r.Group] == nil {
			runs[r.Group] = &last{at: r.At, v: math.Inf(-1)}
		}
		for _, g := range s.step(&one, k, r.Group, r.Topic, int(r.Partition), r.Offset) {
			l := runs[g]
			if l.at != r.At {
				lag = max(lag, l.v)
			}
			l.at, l.v = r.At, float64(s.lag[g])
		}
	}
	for _, l := range runs {
		lag = max(lag, l.v)
	}
	return lag, len(runs) > 0
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
