package reports_test

import (
	"image/png"
	"os"
	"path/filepath"
	"testing"

	"github.com/evsim/evsim/model/history"
	"github.com/evsim/evsim/reports"
	"github.com/evsim/evsim/scenarios"
)

const msNS = int64(1e6)

// A hand-made history: two events commit at 10ms and 20ms, the projector
// applies the first at 50ms and the second at 70ms.
func TestStalenessSeries(t *testing.T) {
	h := history.FromEntries([]history.Entry{
		{At: 0, Kind: history.Query, Group: "balances", Key: "a"},
		{At: 10 * msNS, Kind: history.StoreAppend, Event: "e1", Key: "a", Version: 1, Position: 1},
		{At: 20 * msNS, Kind: history.StoreAppend, Event: "e2", Key: "a", Version: 2, Position: 2},
		{At: 50 * msNS, Kind: history.ProjectionApply, Group: "balances", Event: "e1", Key: "a", Version: 1, Position: 1},
		{At: 60 * msNS, Kind: history.QueryReturn, Group: "balances", Key: "a", Version: 1},
		{At: 70 * msNS, Kind: history.ProjectionApply, Group: "balances", Event: "e2", Key: "a", Version: 2, Position: 2},
	})
	events, behind := reports.StalenessSeries(h)
	if len(events) != 1 || events[0].Name != "balances" {
		t.Fatalf("series = %+v", events)
	}
	wantEvents := []reports.Point{{At: 10 * msNS, Value: 1}, {At: 20 * msNS, Value: 2}, {At: 50 * msNS, Value: 1}, {At: 70 * msNS, Value: 0}}
	wantMS := []float64{0, 10, 30, 0}
	for i, p := range events[0].Points {
		if p != wantEvents[i] || behind[0].Points[i].Value != wantMS[i] {
			t.Errorf("point %d: events %+v time %+v, want %+v and %vms", i, p, behind[0].Points[i], wantEvents[i], wantMS[i])
		}
	}
}

// TestStalenessChartC4 draws the staleness chart of the stale-read
// scenario (C4). Set STALENESS_OUT to keep the PNG.
func TestStalenessChartC4(t *testing.T) {
	s, err := scenarios.Builtin("stale-read")
	if err != nil {
		t.Fatal(err)
	}
	o, err := s.Run(s.Seed)
	if err != nil {
		t.Fatal(err)
	}
	dir := os.Getenv("STALENESS_OUT")
	if dir == "" {
		dir = t.TempDir()
	}
	path := filepath.Join(dir, "stale-read-staleness.png")
	if err := reports.StalenessChart(o.History, path); err != nil {
		t.Fatal(err)
	}
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	img, err := png.Decode(f)
	if err != nil {
		t.Fatal(err)
	}
	if b := img.Bounds(); b.Dx() != 864 || b.Dy() != 576 {
		t.Errorf("chart is %dx%d, want 864x576", b.Dx(), b.Dy())
	}
}
