package reports

import (
	"bytes"
	"image/png"
	"os"
	"path/filepath"
	"reflect"
	"testing"

	"github.com/evsim/evsim/model/history"
)

// ms is one simulated millisecond in nanoseconds.
const ms = int64(1e6)

func subscribe(at int64, group, topic string) history.Entry {
	return history.Entry{At: at, Kind: history.Subscribe, Group: group, Topic: topic}
}

func appended(at int64, topic string, partition int, offset int64) history.Entry {
	return history.Entry{At: at, Kind: history.Append, Topic: topic, Partition: partition, Offset: offset}
}

func commit(at int64, group, topic string, partition int, offset int64) history.Entry {
	return history.Entry{At: at, Kind: history.OffsetCommit, Group: group, Topic: topic, Partition: partition, Offset: offset}
}

func crash(at int64, node string) history.Entry {
	return history.Entry{At: at, Kind: history.Crash, Node: node, CrashPoint: "after-effect"}
}

func TestLagSeriesAppendsThenCommit(t *testing.T) {
	h := history.FromEntries([]history.Entry{
		subscribe(0, "billing", "orders"),
		appended(1*ms, "orders", 0, 0),
		appended(2*ms, "orders", 0, 1),
		appended(3*ms, "orders", 0, 2),
		commit(4*ms, "billing", "orders", 0, 2),
	})
	want := []Series{{Name: "billing", Points: []Point{
		{0, 0}, {1 * ms, 1}, {2 * ms, 2}, {3 * ms, 3}, {4 * ms, 1},
	}}}
	if got := LagSeries(h); !reflect.DeepEqual(got, want) {
		t.Fatalf("LagSeries = %v, want %v", got, want)
	}
}

func TestLagSeriesGroupsPartitionsAndTopics(t *testing.T) {
	h := history.FromEntries([]history.Entry{
		subscribe(0, "shipping", "orders"),
		subscribe(0, "billing", "orders"),
		subscribe(0, "billing", "refunds"),
		appended(1*ms, "orders", 0, 0),
		appended(1*ms, "orders", 1, 0), // same instant: one sample
		appended(2*ms, "refunds", 0, 0),
		appended(3*ms, "audit", 0, 0), // nobody consumes audit
		commit(4*ms, "billing", "orders", 1, 1),
		commit(5*ms, "billing", "audit", 0, 1), // not subscribed: no change
		commit(6*ms, "shipping", "orders", 0, 1),
		commit(6*ms, "shipping", "orders", 1, 1),
		commit(7*ms, "shipping", "orders", 1, 1), // no change, no sample
	})
	want := []Series{
		{Name: "billing", Points: []Point{{0, 0}, {1 * ms, 2}, {2 * ms, 3}, {4 * ms, 2}}},
		{Name: "shipping", Points: []Point{{0, 0}, {1 * ms, 2}, {6 * ms, 0}}},
	}
	if got := LagSeries(h); !reflect.DeepEqual(got, want) {
		t.Fatalf("LagSeries = %v, want %v", got, want)
	}
}

func TestLagSeriesLatestCommitAndHighestOffset(t *testing.T) {
	h := history.FromEntries([]history.Entry{
		subscribe(0, "g", "t"),
		appended(1*ms, "t", 0, 0),
		appended(1*ms, "t", 0, 1),
		commit(2*ms, "g", "t", 0, 2),
		commit(3*ms, "g", "t", 0, 1), // latest commit wins, even if lower
		appended(4*ms, "t", 0, 5),    // log end is 1 + highest offset
	})
	want := []Series{{Name: "g", Points: []Point{{0, 0}, {1 * ms, 2}, {2 * ms, 0}, {3 * ms, 1}, {4 * ms, 5}}}}
	if got := LagSeries(h); !reflect.DeepEqual(got, want) {
		t.Fatalf("LagSeries = %v, want %v", got, want)
	}
}

func TestLagSeriesEmpty(t *testing.T) {
	if got := LagSeries(&history.History{}); len(got) != 0 {
		t.Fatalf("LagSeries(empty) = %v, want none", got)
	}
}

// chartHistory is a small run with two groups and a crash.
func chartHistory() *history.History {
	h := &history.History{}
	h.Add(subscribe(0, "billing", "orders"))
	h.Add(subscribe(0, "shipping", "orders"))
	for i := range int64(50) {
		h.Add(appended(i*10*ms, "orders", int(i%3), i/3))
		if i%5 == 4 {
			h.Add(commit(i*10*ms+5*ms, "billing", "orders", int(i%3), i/3+1))
		}
	}
	h.Add(crash(250*ms, "shipping-1"))
	h.Add(history.Entry{At: 600 * ms, Kind: history.End})
	return h
}

// decodePNG checks that path holds a non-empty valid PNG of 8x4 inches.
func decodePNG(t *testing.T, path string) []byte {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	img, err := png.Decode(bytes.NewReader(b))
	if err != nil {
		t.Fatalf("decode %s: %v", path, err)
	}
	if w, h := img.Bounds().Dx(), img.Bounds().Dy(); w == 0 || 4*w != 9*h {
		t.Fatalf("image is %dx%d, want 9:4", w, h)
	}
	return b
}

func TestLagChartWritesPNG(t *testing.T) {
	path := filepath.Join(t.TempDir(), "lag.png")
	if err := LagChart(chartHistory(), path); err != nil {
		t.Fatal(err)
	}
	decodePNG(t, path)
}

func TestLagChartEmptyHistory(t *testing.T) {
	path := filepath.Join(t.TempDir(), "empty.png")
	if err := LagChart(&history.History{}, path); err != nil {
		t.Fatal(err)
	}
	decodePNG(t, path)
}

func TestLagChartDeterministic(t *testing.T) {
	dir := t.TempDir()
	a, b := filepath.Join(dir, "a.png"), filepath.Join(dir, "b.png")
	h := chartHistory()
	if err := LagChart(h, a); err != nil {
		t.Fatal(err)
	}
	if err := LagChart(h, b); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(decodePNG(t, a), decodePNG(t, b)) {
		t.Fatal("two charts of the same history differ")
	}
}

func TestLagChartBadPath(t *testing.T) {
	path := filepath.Join(t.TempDir(), "missing", "lag.png")
	if err := LagChart(chartHistory(), path); err == nil {
		t.Fatal("LagChart into a missing directory succeeded")
	}
}

// A read model fed by a topic lags like a group: its projector's
// checkpoints are its commits; checkpoints of the event store's log are
// not.
func TestLagSeriesTopicProjection(t *testing.T) {
	sub := subscribe(0, "balances", "orders")
	sub.Style = history.StyleProjection
	h := history.FromEntries([]history.Entry{
		sub,
		appended(1*ms, "orders", 0, 0),
		appended(2*ms, "orders", 1, 0),
		{At: 3 * ms, Kind: history.Checkpoint, Group: "balances", Topic: "orders", Partition: 0, Offset: 1},
		{At: 4 * ms, Kind: history.Checkpoint, Group: "balances", Position: 7},
		{At: 5 * ms, Kind: history.Checkpoint, Group: "balances", Topic: "orders", Partition: 1, Offset: 1},
	})
	want := []Series{{Name: "balances", Points: []Point{{0, 0}, {1 * ms, 1}, {2 * ms, 2}, {3 * ms, 1}, {5 * ms, 0}}}}
	if got := LagSeries(h); !reflect.DeepEqual(got, want) {
		t.Fatalf("LagSeries = %v, want %v", got, want)
	}
}
