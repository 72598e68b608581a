package reports

import (
	"image"
	"image/png"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"gonum.org/v1/plot/vg"

	"github.com/evsim/evsim/model/history"
)

func TestCrashLabelsStack(t *testing.T) {
	w := vg.Points(40)
	// Two crashes 4 ms apart (2 points on the chart) and one far later.
	rows := stackLabels([]vg.Length{100, 102, 300}, []vg.Length{w, w, w}, maxLabelRows)
	if rows[0] != 0 || rows[1] != 1 || rows[2] != 0 {
		t.Errorf("rows %v, want [0 1 0]: close labels stack, distant ones share the top row", rows)
	}
	many := make([]vg.Length, maxLabelRows+2)
	ws := make([]vg.Length, len(many))
	for i := range many {
		many[i], ws[i] = vg.Length(100+i), w
	}
	rows = stackLabels(many, ws, maxLabelRows)
	if rows[maxLabelRows-1] != maxLabelRows-1 || rows[maxLabelRows] != -1 {
		t.Errorf("rows %v: want at most %d rows", rows, maxLabelRows)
	}
}

func TestIntTicks(t *testing.T) {
	for _, r := range [][2]float64{{0, 3}, {0, 500}, {0, 37.5}, {0, 1.25}} {
		for _, tk := range (intTicks{}).Ticks(r[0], r[1]) {
			if tk.Label != "" && (strings.Contains(tk.Label, ".") || tk.Value != float64(int64(tk.Value))) {
				t.Errorf("range %v: tick %v %q is not a whole number", r, tk.Value, tk.Label)
			}
		}
	}
	if n := len((intTicks{}).Ticks(0, 3)); n != 4 {
		t.Errorf("0..3: %d ticks, want 0, 1, 2, 3", n)
	}
	for _, tk := range (cleanTicks{}).Ticks(0, 5) {
		if strings.HasSuffix(tk.Label, "0") && strings.Contains(tk.Label, ".") {
			t.Errorf("label %q has trailing zeros", tk.Label)
		}
	}
}

// stuckHistory: group g reads t's three partitions; partition 1 stops
// being committed after its first record.
func stuckHistory(crash bool) *history.History {
	h := &history.History{}
	h.Add(history.Entry{At: 0, Kind: history.Subscribe, Group: "g", Topic: "t"})
	for i := int64(0); i < 30; i++ {
		at := (i + 1) * 10_000_000
		p := int(i % 3)
		h.Add(history.Entry{At: at, Kind: history.Append, Topic: "t", Partition: p, Offset: i / 3, Event: "e"})
		if p != 1 || i == 1 {
			h.Add(history.Entry{At: at + 1000, Kind: history.OffsetCommit, Node: "g-0", Group: "g", Topic: "t", Partition: p, Offset: i/3 + 1})
		}
		if crash && i == 10 {
			h.Add(history.Entry{At: at, Kind: history.Crash, Node: "g-0"})
			h.Add(history.Entry{At: at + 4_000_000, Kind: history.Crash, Node: "g-1"})
			h.Add(history.Entry{At: at + 100_000_000, Kind: history.Restart, Node: "g-0"})
			h.Add(history.Entry{At: at + 120_000_000, Kind: history.Rebalance, Group: "g", Generation: 2})
			h.Add(history.Entry{At: at + 110_000_000, Kind: history.Expire, Node: "g-1", Group: "g"})
		}
	}
	return h
}

func TestStuckPartitions(t *testing.T) {
	s := StuckPartitions(stuckHistory(false))
	if len(s) != 1 || s[0].Name != "g t/1" || s[0].Points[len(s[0].Points)-1].Value != 9 {
		t.Fatalf("stuck partitions %+v, want g t/1 ending 9 behind", s)
	}
}

func loadPNG(t *testing.T, path string) image.Image {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	img, err := png.Decode(f)
	if err != nil {
		t.Fatal(err)
	}
	return img
}

// TestLagChartShowsCauses: crashes, downtime, rebalances, expiries and
// witness times change the picture, and the alt text names them.
func TestLagChartShowsCauses(t *testing.T) {
	dir := t.TempDir()
	plain, marked := filepath.Join(dir, "plain.png"), filepath.Join(dir, "marked.png")
	if err := LagChart(stuckHistory(false), plain); err != nil {
		t.Fatal(err)
	}
	h := stuckHistory(true)
	if err := LagChart(h, marked, 150_000_000); err != nil {
		t.Fatal(err)
	}
	if n := pixelDiff(loadPNG(t, plain), loadPNG(t, marked)); n < 2000 {
		t.Errorf("causes changed only %d pixels", n)
	}
	alt := LagAlt(h)
	for _, want := range []string{"g peaks at", "g-0 at", "g-1 at", "1 rebalances and 1 session expiries"} {
		if !strings.Contains(alt, want) {
			t.Errorf("alt text %q lacks %q", alt, want)
		}
	}
}

func TestSweepChartSLO(t *testing.T) {
	dir := t.TempDir()
	a, b := filepath.Join(dir, "a.png"), filepath.Join(dir, "b.png")
	vals := []float64{100, 200, 300, 400}
	if err := SweepChart(CDF{Title: "demo: worst", XLabel: "ms", Values: vals}, a); err != nil {
		t.Fatal(err)
	}
	if err := SweepChart(CDF{Title: "demo: worst", XLabel: "ms", Values: vals, SLO: 250, Failing: []float64{400}}, b); err != nil {
		t.Fatal(err)
	}
	if n := pixelDiff(loadPNG(t, a), loadPNG(t, b)); n < 500 {
		t.Errorf("SLO line and failing seeds changed only %d pixels", n)
	}
}

// pixelDiff counts the pixels where a and b differ.
func pixelDiff(a, b image.Image) int {
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
