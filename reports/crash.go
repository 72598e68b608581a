package reports

import (
	"image/color"
	"math"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"

	"github.com/evsim/evsim/model/history"
)

// crashMarks is a plotter that draws a thin red vertical line across the
// whole plot area at each crash time (in seconds).
type crashMarks struct {
	xs    []float64
	style draw.LineStyle
}

// newCrashMarks returns the marks for every history.Crash record of h.
func newCrashMarks(h *history.History) *crashMarks {
	m := &crashMarks{style: draw.LineStyle{
		Color: color.RGBA{R: 220, A: 255},
		Width: vg.Points(0.75),
	}}
	for _, r := range h.Records {
		if r.Kind == history.Crash {
			m.xs = append(m.xs, seconds(r.At))
		}
	}
	return m
}

// Plot implements plot.Plotter.
func (m *crashMarks) Plot(c draw.Canvas, plt *plot.Plot) {
	trX, _ := plt.Transforms(&c)
	for _, x := range m.xs {
		px := trX(x)
		if c.ContainsX(px) {
			c.StrokeLine2(m.style, px, c.Min.Y, px, c.Max.Y)
		}
	}
}

// DataRange implements plot.DataRanger so that every crash is in view; it
// claims no vertical extent beyond 0.
func (m *crashMarks) DataRange() (xmin, xmax, ymin, ymax float64) {
	xmin, xmax = math.Inf(1), math.Inf(-1)
	for _, x := range m.xs {
		xmin, xmax = math.Min(xmin, x), math.Max(xmax, x)
	}
	return xmin, xmax, 0, 0
}

// Thumbnail implements plot.Thumbnailer for the legend.
func (m *crashMarks) Thumbnail(c *draw.Canvas) {
	x := c.Center().X
	c.StrokeLine2(m.style, x, c.Min.Y, x, c.Max.Y)
}
