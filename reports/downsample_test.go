package reports

import (
	"image/png"
	"os"
	"path/filepath"
	"reflect"
	"testing"
)

// TestDownsampleKeepsEachColumnsExtremes reduces a series of 100000
// points to the pixel columns of a chart and requires, column by column,
// the same first, last, lowest and highest value as the whole series, in
// time order: a one-point spike and dip survive, and so does the level a
// step line leaves each column at.
func TestDownsampleKeepsEachColumnsExtremes(t *testing.T) {
	const n, end, columns = 100000, int64(10e9), 800
	pts := make([]Point, n)
	for i := range pts {
		pts[i] = Point{At: int64(i) * (end / n), Value: float64(i % 7)}
	}
	pts[54321].Value = 1000
	pts[77777].Value = -5
	got := downsample(pts, 0, end, columns)
	if len(got) > 4*columns || len(got) < 2*columns {
		t.Fatalf("downsample kept %d points for %d columns, want at most 4 and at least 2 per column", len(got), columns)
	}
	column := func(at int64) int { return int(float64(at) / float64(end) * columns) }
	type extremes struct {
		first, last, lo, hi float64
		seen                bool
	}
	per := func(ps []Point) map[int]extremes {
		m := map[int]extremes{}
		for _, p := range ps {
			c := column(p.At)
			e := m[c]
			if !e.seen {
				e = extremes{first: p.Value, lo: p.Value, hi: p.Value, seen: true}
			}
			e.last, e.lo, e.hi = p.Value, min(e.lo, p.Value), max(e.hi, p.Value)
			m[c] = e
		}
		return m
	}
	if want, have := per(pts), per(got); !reflect.DeepEqual(want, have) {
		t.Fatalf("the columns' first, last, lowest and highest values differ after downsampling")
	}
	var spike, dip bool
	for i, p := range got {
		if i > 0 && p.At <= got[i-1].At {
			t.Fatalf("out of order at %d: %v after %v", i, p, got[i-1])
		}
		spike = spike || p == pts[54321]
		dip = dip || p == pts[77777]
	}
	if !spike || !dip || got[0] != pts[0] || got[len(got)-1] != pts[n-1] {
		t.Fatalf("lost a point that matters: spike %v, dip %v, first %v, last %v", spike, dip, got[0], got[len(got)-1])
	}
	if short := pts[:columns]; !reflect.DeepEqual(downsample(short, 0, end, columns), short) {
		t.Fatal("a series no longer than the chart is wide was changed")
	}
}

// TestChartColumnsIsTheChartsWidth: the columns downsampling assumes are
// the pixels of the PNG a lag chart is drawn into.
func TestChartColumnsIsTheChartsWidth(t *testing.T) {
	path := filepath.Join(t.TempDir(), "lag.png")
	if err := LagChart(chartHistory(), path); err != nil {
		t.Fatal(err)
	}
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	cfg, err := png.DecodeConfig(f)
	if err != nil {
		t.Fatal(err)
	}
	if cfg.Width != chartColumns {
		t.Fatalf("a lag chart is %d pixels wide, downsampling assumes %d", cfg.Width, chartColumns)
	}
}
