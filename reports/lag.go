package reports

import (
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
// partition a group reads.
type lagState struct {
	ends        map[topicPartition]int64   // 1 + highest appended offset
	partitions  map[string][]int           // appended partitions per topic, in order of first append
	committed   map[groupPartition]int64   // latest committed next offset
	topics      map[string]map[string]bool // subscribed topics per group
	subscribers map[string][]string        // groups per topic, in order of subscription
	lag         map[string]int64           // per group: the sum over the appended partitions of its topics of end - committed
}

// subscribe adds topic t to group g's topics, and its appended
// partitions to g's lag.
func (s *lagState) subscribe(g, t string) {
	if s.topics[g][t] {
		return
	}
	s.topics[g][t] = true
	s.subscribers[t] = append(s.subscribers[t], g)
	for _, p := range s.partitions[t] {
		tp := topicPartition{t, p}
		s.lag[g] += s.ends[tp] - s.committed[groupPartition{g, tp}]
	}
}

// appendAt moves the end of partition tp to at least end, and the lag of
// every group reading its topic with it.
func (s *lagState) appendAt(tp topicPartition, end int64) {
	old, seen := s.ends[tp]
	end = max(old, end)
	s.ends[tp] = end
	if !seen {
		s.partitions[tp.topic] = append(s.partitions[tp.topic], tp.partition)
		for _, g := range s.subscribers[tp.topic] {
			s.lag[g] += end - s.committed[groupPartition{g, tp}]
		}
		return
	}
	for _, g := range s.subscribers[tp.topic] {
		s.lag[g] += end - old
	}
}

// commit sets group g's committed offset on tp, and its lag with it if
// g reads tp's topic and tp has an append.
func (s *lagState) commit(g string, tp topicPartition, offset int64) {
	gp := groupPartition{g, tp}
	old := s.committed[gp]
	s.committed[gp] = offset
	if _, seen := s.ends[tp]; seen && s.topics[g][tp.topic] {
		s.lag[g] += old - offset
	}
}

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
	s := lagState{
		ends:        map[topicPartition]int64{},
		partitions:  map[string][]int{},
		committed:   map[groupPartition]int64{},
		topics:      map[string]map[string]bool{},
		subscribers: map[string][]string{},
		lag:         map[string]int64{},
	}
	series := map[string]*Series{}
	var one [1]string
	for _, r := range h.OfKind(history.Subscribe, history.Append, history.OffsetCommit, history.Checkpoint) {
		var affected []string
		switch r.Kind {
		case history.Subscribe:
			if s.topics[r.Group] == nil {
				s.topics[r.Group] = map[string]bool{}
				series[r.Group] = &Series{Name: r.Group}
			}
			s.subscribe(r.Group, r.Topic)
			one[0] = r.Group
			affected = one[:]
		case history.Append:
			tp := topicPartition{r.Topic, r.Partition}
			s.appendAt(tp, r.Offset+1)
			affected = s.subscribers[r.Topic]
		case history.OffsetCommit, history.Checkpoint:
			if r.Topic == "" {
				continue // a checkpoint of the event store's log
			}
			s.commit(r.Group, topicPartition{r.Topic, r.Partition}, r.Offset)
			if s.topics[r.Group][r.Topic] {
				one[0] = r.Group
				affected = one[:]
			}
		}
		for _, g := range affected {
			series[g].sample(r.At, float64(s.lag[g]))
		}
	}
	return sortedSeries(series)
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
