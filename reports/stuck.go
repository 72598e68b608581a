package reports

import (
	"fmt"
	"sort"

	"github.com/evsim/evsim/model/history"
)

// StuckPartitions returns the lag over simulated time of each partition
// that a group's total lag hides: a partition of a group consuming two or
// more partitions that ends the run behind. Each is a step series named
// "GROUP TOPIC/PARTITION", in name order; the lag of a partition is its
// log end minus the group's committed offset, as in [LagSeries].
func StuckPartitions(h *history.History) []Series {
	ends := map[topicPartition]int64{}
	committed := map[groupPartition]int64{}
	topics := map[string]map[string]bool{}
	parts := map[string]map[int]bool{}
	series := map[groupPartition]*Series{}
	for _, r := range h.All() {
		switch r.Kind {
		case history.Subscribe:
			if topics[r.Group] == nil {
				topics[r.Group] = map[string]bool{}
			}
			topics[r.Group][r.Topic] = true
		case history.Append:
			tp := topicPartition{r.Topic, r.Partition}
			ends[tp] = max(ends[tp], r.Offset+1)
			if parts[r.Topic] == nil {
				parts[r.Topic] = map[int]bool{}
			}
			parts[r.Topic][r.Partition] = true
			for g, ts := range topics {
				if ts[r.Topic] {
					gp := groupPartition{g, tp}
					seriesOf(series, gp).sample(r.At, float64(ends[tp]-committed[gp]))
				}
			}
		case history.OffsetCommit, history.Checkpoint:
			if r.Topic == "" || !topics[r.Group][r.Topic] {
				continue
			}
			tp := topicPartition{r.Topic, r.Partition}
			gp := groupPartition{r.Group, tp}
			committed[gp] = r.Offset
			seriesOf(series, gp).sample(r.At, float64(ends[tp]-committed[gp]))
		}
	}
	var out []Series
	for gp, s := range series {
		n := 0
		for t := range topics[gp.group] {
			n += len(parts[t])
		}
		if n < 2 || len(s.Points) == 0 || s.Points[len(s.Points)-1].Value <= 0 {
			continue
		}
		out = append(out, *s)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out
}

func seriesOf(m map[groupPartition]*Series, gp groupPartition) *Series {
	if s, ok := m[gp]; ok {
		return s
	}
	s := &Series{Name: fmt.Sprintf("%s %s/%d", gp.group, gp.topic, gp.partition)}
	m[gp] = s
	return s
}
