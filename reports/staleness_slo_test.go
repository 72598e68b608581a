package reports_test

import (
	"bytes"
	"image"
	"image/png"
	"os"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/evsim/evsim/model/history"
	"github.com/evsim/evsim/reports"
	"github.com/evsim/evsim/scenarios"
)

// sloHistory: a read model promising 100ms; its projector crashes at
// 120ms and is down until 400ms while two events wait.
func sloHistory() *history.History {
	h := &history.History{}
	h.Add(history.Entry{At: 0, Kind: history.StalenessSLO, Node: "balances", Group: "balances", SLO: int64(100 * time.Millisecond)})
	pos := int64(0)
	for at := int64(10); at < 800; at += 40 {
		pos++
		ev := "e" + string(rune('a'+pos))
		h.Add(history.Entry{At: at * msNS, Kind: history.StoreAppend, Event: ev, Key: "a", Version: pos, Position: pos})
		applied := at + 15
		if at > 100 && at < 400 {
			applied = 410
		}
		h.Add(history.Entry{At: applied * msNS, Kind: history.ProjectionApply, Group: "balances", Event: ev, Key: "a", Version: pos, Position: pos})
		h.Add(history.Entry{At: (at + 20) * msNS, Kind: history.QueryReturn, Group: "balances", Key: "a", Version: pos})
	}
	h.Add(history.Entry{At: 120 * msNS, Kind: history.Crash, Node: "balances", Group: "balances", CrashPoint: "before-apply"})
	h.Add(history.Entry{At: 400 * msNS, Kind: history.Restart, Node: "balances", Group: "balances"})
	slices.SortStableFunc(h.Entries(), func(a, b history.Entry) int { return int(a.At - b.At) })
	return h
}

func render(t *testing.T, h *history.History) ([]byte, image.Image) {
	t.Helper()
	path := filepath.Join(t.TempDir(), "staleness.png")
	if err := reports.StalenessChart(h, path); err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	img, err := png.Decode(bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	if r := img.Bounds(); r.Dx() != 864 || r.Dy() != 576 {
		t.Fatalf("chart is %dx%d, want 864x576", r.Dx(), r.Dy())
	}
	return b, img
}

func without(h *history.History, kinds ...history.Kind) *history.History {
	out := &history.History{}
	for _, r := range h.All() {
		if !slices.Contains(kinds, r.Kind) {
			out.Add(r)
		}
	}
	return out
}

// widestRow returns the largest share of a row's pixels that differ
// between a and b, over the rows of the lower half.
func widestRow(a, b image.Image) float64 {
	r := a.Bounds()
	best := 0.0
	for y := r.Dy() / 2; y < r.Dy(); y++ {
		n := 0
		for x := 0; x < r.Dx(); x++ {
			if a.At(x, y) != b.At(x, y) {
				n++
			}
		}
		best = max(best, float64(n)/float64(r.Dx()))
	}
	return best
}

func differing(a, b image.Image) int {
	r := a.Bounds()
	n := 0
	for y := 0; y < r.Dy(); y++ {
		for x := 0; x < r.Dx(); x++ {
			if a.At(x, y) != b.At(x, y) {
				n++
			}
		}
	}
	return n
}

// TestStalenessChartSLOAndDownWindows: the chart is a PNG that depends
// only on the history; the SLO is a line across the lower panel; the
// window in which the projector was down is shaded.
func TestStalenessChartSLOAndDownWindows(t *testing.T) {
	h := sloHistory()
	b1, img := render(t, h)
	b2, _ := render(t, h)
	if !bytes.Equal(b1, b2) {
		t.Fatal("the same history gave two different charts")
	}
	_, noSLO := render(t, without(h, history.StalenessSLO))
	if w := widestRow(img, noSLO); w < 0.4 {
		t.Errorf("the SLO changes at most %.0f%% of a row of the lower panel, want a line across it", 100*w)
	}
	_, noCrash := render(t, without(h, history.Crash, history.Restart))
	// The window spans 280ms of about 800ms on both panels.
	if n := differing(img, noCrash); n < 864*576/20 {
		t.Errorf("the down window changes only %d pixels", n)
	}
}

// TestStalenessChartOfSLOScenario draws staleness-slo-breached twice from
// two runs of one seed: the same bytes. Set STALENESS_OUT to keep it.
func TestStalenessChartOfSLOScenario(t *testing.T) {
	s, err := scenarios.Builtin("staleness-slo-breached")
	if err != nil {
		t.Fatal(err)
	}
	var charts [][]byte
	for range 2 {
		o, err := s.Run(s.Seed)
		if err != nil {
			t.Fatal(err)
		}
		b, _ := render(t, o.History)
		charts = append(charts, b)
	}
	if !bytes.Equal(charts[0], charts[1]) {
		t.Fatal("two runs of one seed gave different charts")
	}
	if dir := os.Getenv("STALENESS_OUT"); dir != "" {
		if err := os.WriteFile(filepath.Join(dir, "staleness-slo-breached.png"), charts[0], 0o644); err != nil {
			t.Fatal(err)
		}
	}
}
