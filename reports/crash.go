package reports

import (
	"image/color"
	"math"
	"strconv"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"

	"github.com/evsim/evsim/model/history"
)

// maxLabelRows bounds how deep crash labels stack.
const maxLabelRows = 6

// crashMarks is a plotter that draws a thin red vertical line across the
// whole plot area at each crash time (in seconds), labelled at the top
// with the node that crashed. Labels that would overlap stack downwards,
// so that crashes a few milliseconds apart stay readable.
type crashMarks struct {
	xs     []float64
	labels []string
	style  draw.LineStyle
}

// crashRed is the colour of crash lines and labels.
var crashRed = color.RGBA{R: 200, A: 255}

// newCrashMarks returns the marks for every history.Crash record of h.
func newCrashMarks(h *history.History) *crashMarks {
	m := &crashMarks{style: draw.LineStyle{
		Color: crashRed,
		Width: vg.Points(0.75),
	}}
	for _, r := range h.All() {
		if r.Kind == history.Crash {
			m.xs = append(m.xs, seconds(r.At))
			m.labels = append(m.labels, "✕ "+legendLabel(r.Node))
		}
	}
	return m
}

// Plot implements plot.Plotter.
func (m *crashMarks) Plot(c draw.Canvas, plt *plot.Plot) {
	trX, _ := plt.Transforms(&c)
	sty := plt.X.Tick.Label
	sty.Color = crashRed
	sty.XAlign, sty.YAlign = draw.XLeft, draw.YTop
	lineH := sty.Height("✕") + vg.Points(1)
	var xs, ws []vg.Length
	var shown []int
	for i, x := range m.xs {
		px := trX(x)
		if !c.ContainsX(px) {
			continue
		}
		c.StrokeLine2(m.style, px, c.Min.Y, px, c.Max.Y)
		xs, ws, shown = append(xs, px), append(ws, sty.Width(m.labels[i])), append(shown, i)
	}
	for j, row := range stackLabels(xs, ws, maxLabelRows) {
		if row >= 0 {
			c.FillText(sty, vg.Point{X: xs[j] + vg.Points(2), Y: c.Max.Y - vg.Length(row)*lineH - vg.Points(1)}, m.labels[shown[j]])
		}
	}
}

// stackLabels places labels of widths ws starting at xs (in increasing
// order) on rows: each goes on the first row where it clears the previous
// label, so that labels never overlap. It returns each label's row, -1
// for a label that found no room within maxRows.
func stackLabels(xs, ws []vg.Length, maxRows int) []int {
	rows := make([]int, len(xs))
	var ends []vg.Length // right edge of the last label of each row
	for i, x := range xs {
		rows[i] = -1
		for r, end := range ends {
			if x > end {
				rows[i] = r
				break
			}
		}
		if rows[i] < 0 && len(ends) < maxRows {
			ends = append(ends, 0)
			rows[i] = len(ends) - 1
		}
		if rows[i] >= 0 {
			ends[rows[i]] = x + ws[i] + vg.Points(5)
		}
	}
	return rows
}

// DataRange implements plot.DataRanger so that every crash is in view; it
// claims no vertical extent beyond 0.
func (m *crashMarks) DataRange() (xmin, xmax, ymin, ymax float64) { return timeRange(m.xs) }

// timeRange is the data range of marks at times xs: their span on the time
// axis, and no vertical extent beyond 0.
func timeRange(xs []float64) (xmin, xmax, ymin, ymax float64) {
	xmin, xmax = math.Inf(1), math.Inf(-1)
	for _, x := range xs {
		xmin, xmax = math.Min(xmin, x), math.Max(xmax, x)
	}
	return xmin, xmax, 0, 0
}

// Thumbnail implements plot.Thumbnailer for the legend.
func (m *crashMarks) Thumbnail(c *draw.Canvas) {
	x := c.Center().X
	c.StrokeLine2(m.style, x, c.Min.Y, x, c.Max.Y)
}

// tickMarks is a plotter that ticks moments on the time axis from the
// bottom of the plot area: rebalances, session expiries, witness records.
type tickMarks struct {
	xs     []float64
	style  draw.LineStyle
	height vg.Length // 0: the whole plot area
	glyph  draw.GlyphStyle
}

// newCauseTicks returns ticks for the history.Rebalance and the
// history.Expire records of h: short grey ticks with a square for a
// rebalance, brown ticks with a triangle for an expiry.
func newCauseTicks(h *history.History) (rebalances, expiries *tickMarks) {
	rebalances = &tickMarks{style: draw.LineStyle{Color: color.RGBA{R: 80, G: 80, B: 80, A: 255}, Width: vg.Points(1)}, height: vg.Points(10),
		glyph: draw.GlyphStyle{Color: color.RGBA{R: 80, G: 80, B: 80, A: 255}, Radius: vg.Points(2.5), Shape: draw.BoxGlyph{}}}
	expiries = &tickMarks{style: draw.LineStyle{Color: color.RGBA{R: 120, G: 70, B: 0, A: 255}, Width: vg.Points(1)}, height: vg.Points(16),
		glyph: draw.GlyphStyle{Color: color.RGBA{R: 120, G: 70, B: 0, A: 255}, Radius: vg.Points(3), Shape: draw.TriangleGlyph{}}}
	for _, r := range h.All() {
		switch r.Kind {
		case history.Rebalance:
			rebalances.xs = append(rebalances.xs, seconds(r.At))
		case history.Expire:
			if memberExpiry(r) {
				expiries.xs = append(expiries.xs, seconds(r.At))
			}
		}
	}
	return rebalances, expiries
}

// memberExpiry says whether Expire record r removed a member from its
// group (a missed session or rebalance timeout), rather than the group's
// committed offsets (offsets retention).
func memberExpiry(r history.Entry) bool {
	return r.Kind == history.Expire && r.LeaveReason != history.ExpireOffsetsRetention
}

// newWitnessMarks returns dotted black lines across the plot at the
// witness times (nanoseconds), ringed at the bottom.
func newWitnessMarks(at []int64) *tickMarks {
	m := &tickMarks{style: draw.LineStyle{Color: color.Black, Width: vg.Points(0.8), Dashes: []vg.Length{vg.Points(1.5), vg.Points(2)}},
		glyph: draw.GlyphStyle{Color: color.Black, Radius: vg.Points(3), Shape: draw.RingGlyph{}}}
	for _, a := range at {
		m.xs = append(m.xs, seconds(a))
	}
	return m
}

// Plot implements plot.Plotter.
func (m *tickMarks) Plot(c draw.Canvas, plt *plot.Plot) {
	trX, _ := plt.Transforms(&c)
	for _, x := range m.xs {
		px := trX(x)
		if !c.ContainsX(px) {
			continue
		}
		top := c.Max.Y
		if m.height > 0 {
			top = c.Min.Y + m.height
		}
		c.StrokeLine2(m.style, px, c.Min.Y, px, top)
		c.DrawGlyph(m.glyph, vg.Point{X: px, Y: top})
	}
}

// DataRange implements plot.DataRanger.
func (m *tickMarks) DataRange() (xmin, xmax, ymin, ymax float64) { return timeRange(m.xs) }

// Thumbnail implements plot.Thumbnailer for the legend.
func (m *tickMarks) Thumbnail(c *draw.Canvas) {
	x := c.Center().X
	c.StrokeLine2(m.style, x, c.Min.Y, x, c.Max.Y)
	c.DrawGlyph(m.glyph, c.Center())
}

// intTicks marks a count axis with whole numbers only, labelled without
// decimals.
type intTicks struct{}

// Ticks implements plot.Ticker.
func (intTicks) Ticks(lo, hi float64) []plot.Tick {
	if hi-lo <= 6 {
		var out []plot.Tick
		for v := math.Ceil(lo); v <= hi; v++ {
			out = append(out, plot.Tick{Value: v, Label: formatInt(v)})
		}
		return out
	}
	var out []plot.Tick
	for _, t := range (plot.DefaultTicks{}).Ticks(lo, hi) {
		if t.Value != math.Trunc(t.Value) {
			if t.Label == "" {
				continue
			}
			t.Value = math.Round(t.Value)
		}
		if t.Label != "" {
			t.Label = formatInt(t.Value)
		}
		out = append(out, t)
	}
	return out
}

// formatInt labels a whole number.
func formatInt(v float64) string { return strconv.FormatInt(int64(v), 10) }
