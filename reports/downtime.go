package reports

import (
	"image/color"
	"math"
	"sort"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"

	"github.com/evsim/evsim/model/history"
)

// window is a stretch of simulated time in seconds.
type window struct{ from, to float64 }

// downWindows is a plotter that shades, across the whole plot area, each
// window in which a node was down: from its history.Crash to its
// history.Restart, or to the end of the run if it never came back.
type downWindows struct {
	ws    []window
	color color.Color
}

// newDownWindows returns the down windows of every node of h, in order of
// their start.
func newDownWindows(h *history.History) *downWindows {
	d := &downWindows{color: color.NRGBA{R: 220, G: 40, B: 40, A: 48}}
	down := map[string]int64{}
	var nodes []string
	for _, r := range h.All() {
		switch r.Kind {
		case history.Crash:
			if _, ok := down[r.Node]; !ok {
				down[r.Node] = r.At
				nodes = append(nodes, r.Node)
			}
		case history.Restart:
			if from, ok := down[r.Node]; ok {
				d.ws = append(d.ws, window{seconds(from), seconds(r.At)})
				delete(down, r.Node)
			}
		}
	}
	end := seconds(lastAt(h))
	for _, n := range nodes {
		if from, ok := down[n]; ok {
			d.ws = append(d.ws, window{seconds(from), end})
			delete(down, n)
		}
	}
	sort.SliceStable(d.ws, func(a, b int) bool { return d.ws[a].from < d.ws[b].from })
	return d
}

// Plot implements plot.Plotter.
func (d *downWindows) Plot(c draw.Canvas, plt *plot.Plot) {
	trX, _ := plt.Transforms(&c)
	for _, w := range d.ws {
		x0, x1 := max(trX(w.from), c.Min.X), min(trX(w.to), c.Max.X)
		if x1 <= x0 {
			x1 = x0 + vg.Points(0.5) // a crash and restart at once still shows
		}
		if x0 >= c.Max.X || x1 <= c.Min.X {
			continue
		}
		c.FillPolygon(d.color, []vg.Point{{X: x0, Y: c.Min.Y}, {X: x1, Y: c.Min.Y}, {X: x1, Y: c.Max.Y}, {X: x0, Y: c.Max.Y}})
	}
}

// DataRange implements plot.DataRanger so that every window is in view;
// it claims no vertical extent beyond 0.
func (d *downWindows) DataRange() (xmin, xmax, ymin, ymax float64) {
	xmin, xmax = math.Inf(1), math.Inf(-1)
	for _, w := range d.ws {
		xmin, xmax = math.Min(xmin, w.from), math.Max(xmax, w.to)
	}
	return xmin, xmax, 0, 0
}

// Thumbnail implements plot.Thumbnailer for the legend.
func (d *downWindows) Thumbnail(c *draw.Canvas) {
	c.FillPolygon(d.color, []vg.Point{{X: c.Min.X, Y: c.Min.Y}, {X: c.Max.X, Y: c.Min.Y}, {X: c.Max.X, Y: c.Max.Y}, {X: c.Min.X, Y: c.Max.Y}})
}
