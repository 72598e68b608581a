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

// lagState is the part of a history replayed so far that lag depends on.
type lagState struct {
	ends       map[topicPartition]int64   // 1 + highest appended offset
	partitions map[string]map[int]bool    // appended partitions per topic
	committed  map[groupPartition]int64   // latest committed next offset
	topics     map[string]map[string]bool // subscribed topics per group
}

// lag returns how many events group g is behind the log end: the sum over
// the appended partitions of its subscribed topics of log end minus
// committed offset.
func (s *lagState) lag(g string) int64 {
	var total int64
	for topic := range s.topics[g] {
		for p := range s.partitions[topic] {
			tp := topicPartition{topic, p}
			total += s.ends[tp] - s.committed[groupPartition{g, tp}]
		}
	}
	return total
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
		ends:       map[topicPartition]int64{},
		partitions: map[string]map[int]bool{},
		committed:  map[groupPartition]int64{},
		topics:     map[string]map[string]bool{},
	}
	series := map[string]*Series{}
	var subscribers map[string][]string // groups per topic, rebuilt lazily
	for _, r := range h.All() {
		var affected []string
		switch r.Kind {
		case history.Subscribe:
			if s.topics[r.Group] == nil {
				s.topics[r.Group] = map[string]bool{}
				series[r.Group] = &Series{Name: r.Group}
			}
			s.topics[r.Group][r.Topic] = true
			subscribers = nil
			affected = []string{r.Group}
		case history.Append:
			tp := topicPartition{r.Topic, r.Partition}
			if s.partitions[r.Topic] == nil {
				s.partitions[r.Topic] = map[int]bool{}
			}
			s.partitions[r.Topic][r.Partition] = true
			s.ends[tp] = max(s.ends[tp], r.Offset+1)
			if subscribers == nil {
				subscribers = groupsByTopic(s.topics)
			}
			affected = subscribers[r.Topic]
		case history.OffsetCommit, history.Checkpoint:
			if r.Topic == "" {
				continue // a checkpoint of the event store's log
			}
			s.committed[groupPartition{r.Group, topicPartition{r.Topic, r.Partition}}] = r.Offset
			if s.topics[r.Group][r.Topic] {
				affected = []string{r.Group}
			}
		}
		for _, g := range affected {
			series[g].sample(r.At, float64(s.lag(g)))
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

// groupsByTopic inverts the subscriptions: the groups consuming each topic.
func groupsByTopic(topics map[string]map[string]bool) map[string][]string {
	out := map[string][]string{}
	for g, ts := range topics {
		for t := range ts {
			out[t] = append(out[t], g)
		}
	}
	return out
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
