package reports

import (
	"reflect"
	"runtime"
	"testing"

	"pgregory.net/rapid"

	"github.com/evsim/evsim/model/history"
	"github.com/evsim/evsim/scenarios"
)

// lagOracle is LagSeries from its definition, by brute force: after each
// record, a group's lag is summed afresh over every appended partition of
// every topic it subscribes to.
func lagOracle(h *history.History) []Series {
	ends := map[topicPartition]int64{}
	committed := map[groupPartition]int64{}
	topics := map[string]map[string]bool{}
	series := map[string]*Series{}
	lag := func(g string) int64 {
		var total int64
		for tp, end := range ends {
			if topics[g][tp.topic] {
				total += end - committed[groupPartition{g, tp}]
			}
		}
		return total
	}
	for _, r := range h.All() {
		var affected []string
		switch r.Kind {
		case history.Subscribe:
			if topics[r.Group] == nil {
				topics[r.Group] = map[string]bool{}
				series[r.Group] = &Series{Name: r.Group}
			}
			topics[r.Group][r.Topic] = true
			affected = []string{r.Group}
		case history.Append:
			tp := topicPartition{r.Topic, r.Partition}
			ends[tp] = max(ends[tp], r.Offset+1)
			for g, ts := range topics {
				if ts[r.Topic] {
					affected = append(affected, g)
				}
			}
		case history.OffsetCommit, history.Checkpoint:
			if r.Topic == "" {
				continue
			}
			committed[groupPartition{r.Group, topicPartition{r.Topic, r.Partition}}] = r.Offset
			if topics[r.Group][r.Topic] {
				affected = []string{r.Group}
			}
		}
		for _, g := range affected {
			series[g].sample(r.At, float64(lag(g)))
		}
	}
	return sortedSeries(series)
}

// TestLagSeriesAgreesWithOracle draws small histories of two groups, two
// topics and two partitions, with subscriptions, appends (offsets out of
// order too), commits (backwards too) and checkpoints (of the event
// store's log too), and requires LagSeries, which keeps each group's lag
// as records arrive, to equal the brute-force sum.
func TestLagSeriesAgreesWithOracle(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		h := drawLagHistory(t)
		if got, want := LagSeries(h), lagOracle(h); !reflect.DeepEqual(got, want) {
			t.Fatalf("LagSeries = %v\noracle    = %v", got, want)
		}
	})
}

// TestLagSeriesAgreesWithOracleOnScenarios compares LagSeries with the
// oracle on the histories of built-in scenarios with several groups,
// partitions, rebalances and a topic-fed read model.
func TestLagSeriesAgreesWithOracleOnScenarios(t *testing.T) {
	for _, name := range []string{"fan-out", "rebalance-storm", "retention-outruns-consumer", "topic-projection-same-tx"} {
		o := runBuiltin(t, name)
		got, want := LagSeries(o.History), lagOracle(o.History)
		if len(got) == 0 || !reflect.DeepEqual(got, want) {
			t.Errorf("%s: LagSeries differs from the oracle (%d and %d series)", name, len(got), len(want))
		}
	}
}

// drawLagHistory draws a small history of two groups, two topics and two
// partitions, with subscriptions, appends (offsets out of order too),
// commits (backwards too) and checkpoints (of the event store's log too),
// often several at one instant.
func drawLagHistory(t *rapid.T) *history.History {
	h := &history.History{}
	at := int64(0)
	groups, topics := []string{"a", "b"}, []string{"x", "y", ""}
	for range rapid.IntRange(0, 40).Draw(t, "n") {
		at += rapid.Int64Range(0, 2).Draw(t, "dt")
		g := rapid.SampledFrom(groups).Draw(t, "group")
		tp := rapid.SampledFrom(topics).Draw(t, "topic")
		p := rapid.IntRange(0, 1).Draw(t, "partition")
		off := rapid.Int64Range(0, 6).Draw(t, "offset")
		switch rapid.IntRange(0, 3).Draw(t, "kind") {
		case 0:
			if tp != "" {
				h.Add(subscribe(at, g, tp))
			}
		case 1:
			if tp != "" {
				h.Add(appended(at, tp, p, off))
			}
		case 2:
			h.Add(commit(at, g, tp, p, off))
		case 3:
			h.Add(history.Entry{At: at, Kind: history.Checkpoint, Group: g, Topic: tp, Partition: p, Offset: off})
		}
	}
	return h
}

// oracleMaxLag is the largest point of the oracle's series (0 if none is
// larger), and whether there is a series: what WorstOf reports.
func oracleMaxLag(h *history.History) (float64, bool) {
	lag, ok := 0.0, false
	for _, s := range lagOracle(h) {
		for _, p := range s.Points {
			lag, ok = max(lag, p.Value), true
		}
	}
	return lag, ok
}

// TestMaxLagAgreesWithOracle requires MaxLag to equal the largest point
// of the brute-force series on drawn histories, in which a lag often
// changes several times within one instant, and counts that histories
// with and without a series both occur.
func TestMaxLagAgreesWithOracle(t *testing.T) {
	var with, none int
	rapid.Check(t, func(t *rapid.T) {
		h := drawLagHistory(t)
		got, gotOK := MaxLag(h)
		want, wantOK := oracleMaxLag(h)
		if got != want || gotOK != wantOK {
			t.Fatalf("MaxLag = %v, %t; oracle %v, %t", got, gotOK, want, wantOK)
		}
		if wantOK {
			with++
		} else {
			none++
		}
	})
	if with == 0 || none == 0 {
		t.Errorf("drawn histories: %d with a series, %d without; want both", with, none)
	}
}

// TestMaxLagIgnoresPeakWithinInstant checks that a lag that rises and
// falls back within one instant is no maximum: a series keeps the value
// after the instant's last record.
func TestMaxLagIgnoresPeakWithinInstant(t *testing.T) {
	h := &history.History{}
	h.Add(subscribe(1, "a", "x"))
	h.Add(appended(2, "x", 0, 9))     // lag 10 ...
	h.Add(commit(2, "a", "x", 0, 10)) // ... and 0 at the same instant
	h.Add(appended(3, "x", 0, 11))    // lag 2
	if got, ok := MaxLag(h); got != 2 || !ok {
		t.Errorf("MaxLag = %v, %t; want 2, true", got, ok)
	}
	if want, _ := oracleMaxLag(h); want != 2 {
		t.Errorf("oracle max = %v, want 2", want)
	}
}

// TestMaxLagAgreesWithOracleOnScenarios compares MaxLag with the largest
// point of the oracle's series on built-in scenarios' histories.
func TestMaxLagAgreesWithOracleOnScenarios(t *testing.T) {
	for _, name := range []string{"fan-out", "rebalance-storm", "retention-outruns-consumer", "topic-projection-same-tx", "double-credit", "gap-skipped"} {
		o := runBuiltin(t, name)
		got, gotOK := MaxLag(o.History)
		want, wantOK := oracleMaxLag(o.History)
		if got != want || gotOK != wantOK {
			t.Errorf("%s: MaxLag = %v, %t; oracle %v, %t", name, got, gotOK, want, wantOK)
		}
	}
}

// TestMaxLagNegativePartition checks MaxLag against the oracle on a
// history naming partition -1, which its tables by partition index
// cannot hold: it judges by symbol then.
func TestMaxLagNegativePartition(t *testing.T) {
	h := &history.History{}
	h.Add(subscribe(1, "a", "x"))
	h.Add(appended(2, "x", -1, 4))
	h.Add(appended(2, "x", 0, 2))
	h.Add(commit(3, "a", "x", -1, 1))
	h.Add(appended(4, "x", 0, 7))
	h.Add(commit(4, "a", "x", 0, 8))
	got, gotOK := MaxLag(h)
	want, wantOK := oracleMaxLag(h)
	if got != want || gotOK != wantOK || want == 0 {
		t.Errorf("MaxLag = %v, %t; oracle %v, %t (want a lag)", got, gotOK, want, wantOK)
	}
}

// TestMaxLagFarPartition checks MaxLag against the oracle on a history
// naming one partition with a high number (a user's history read from
// JSONL may number its partitions as it likes): the tables by partition
// index would grow to that number, so MaxLag judges by symbol then, in
// memory of the size of the history.
func TestMaxLagFarPartition(t *testing.T) {
	h := &history.History{}
	h.Add(subscribe(1, "a", "x"))
	h.Add(appended(2, "x", 1<<20, 4))
	h.Add(commit(3, "a", "x", 1<<20, 1))
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	got, gotOK := MaxLag(h)
	runtime.ReadMemStats(&after)
	want, wantOK := oracleMaxLag(h)
	if got != want || gotOK != wantOK || want != 5 {
		t.Errorf("MaxLag = %v, %t; oracle %v, %t (want 5)", got, gotOK, want, wantOK)
	}
	if n := after.TotalAlloc - before.TotalAlloc; n > 1<<20 {
		t.Errorf("MaxLag of 3 records allocated %d bytes: its tables grew to the partition number", n)
	}
}

// runBuiltin runs the built-in scenario name at its own seed.
func runBuiltin(t *testing.T, name string) *scenarios.Outcome {
	t.Helper()
	s, err := scenarios.Builtin(name)
	if err != nil {
		t.Fatal(err)
	}
	o, err := s.Run(s.Seed)
	if err != nil {
		t.Fatal(err)
	}
	return o
}
