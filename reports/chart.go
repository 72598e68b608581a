package reports

import (
	"fmt"
	"image/color"
	"math"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/font"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
	"gonum.org/v1/plot/vg/vgimg"

	"github.com/evsim/evsim/model/history"
)

// palette colours the groups' lines; it has no red, which marks crashes.
var palette = []color.Color{
	color.RGBA{R: 31, G: 119, B: 180, A: 255},
	color.RGBA{R: 44, G: 160, B: 44, A: 255},
	color.RGBA{R: 255, G: 127, B: 14, A: 255},
	color.RGBA{R: 148, G: 103, B: 189, A: 255},
	color.RGBA{R: 23, G: 190, B: 207, A: 255},
	color.RGBA{R: 140, G: 86, B: 75, A: 255},
	color.RGBA{R: 227, G: 119, B: 194, A: 255},
	color.RGBA{R: 127, G: 127, B: 127, A: 255},
}

func init() {
	// Sans serif reads better in small charts; the variant must be named:
	// an empty one panics.
	plot.DefaultFont = font.Font{Typeface: "Liberation", Variant: "Sans"}
}

// LagChart writes to path a 9x4 inch PNG of the consumer lag of every
// group in h (see [LagSeries]) over simulated time in seconds, one step
// line per group (and one per partition of a group whose total hides a
// stuck partition, see [StuckPartitions]), annotated with causes: each
// history.Crash record is a thin red vertical line labelled with the node,
// the windows in which a node was down are shaded, rebalances and session
// expiries are ticked on the time axis, and the witness times (simulated
// nanoseconds) are dotted lines. The lag axis has whole-number ticks. A
// history without consumer groups still yields a chart, whose title says
// so.
func LagChart(h *history.History, path string, witness ...int64) error {
	p := plot.New()
	p.Title.Text = "Consumer lag"
	p.X.Label.Text = "simulated time (s)"
	p.Y.Label.Text = "events behind the log end"
	p.Legend.Top = true

	series := LagSeries(h)
	if len(series) == 0 {
		p.Title.Text += " (no consumer groups in history)"
	}
	end := lastAt(h)
	addCauses(p, h, witness)
	series = append(series, StuckPartitions(h)...)
	for i, s := range series {
		line, err := plotter.NewLine(chartXYs(s.Points, end))
		if err != nil {
			return fmt.Errorf("lag chart %s: group %s: %w", path, s.Name, err)
		}
		line.StepStyle = plotter.PostStep
		line.Color = palette[i%len(palette)]
		line.Width = vg.Points(1.5)
		p.Add(line)
		p.Legend.Add(legendLabel(s.Name), line)
	}
	// Time and lag start at 0; the headroom on top keeps the legend
	// clear of the lines.
	p.X.Min, p.X.Max = 0, max(p.X.Max, seconds(end))
	if p.X.Max <= 0 {
		p.X.Max = 1
	}
	p.Y.Min, p.Y.Max = 0, max(p.Y.Max*1.25, 1)
	p.Y.Tick.Marker = intTicks{}
	p.X.Tick.Marker = cleanTicks{}
	img := vgimg.New(9*vg.Inch, 4*vg.Inch)
	drawBeside(p, draw.New(img), legendWidth(p))
	if err := savePNG(img, path); err != nil {
		return fmt.Errorf("lag chart %s: %w", path, err)
	}
	return nil
}

// chartXYs converts a step series to plot coordinates in seconds, without
// non-finite values, downsampled to the chart's pixel columns over 0..end
// and held at its last value until end (nanoseconds) so that the line
// spans the whole run.
func chartXYs(pts []Point, end int64) plotter.XYs {
	finite := make([]Point, 0, len(pts))
	for _, pt := range pts {
		if !math.IsNaN(pt.Value) && !math.IsInf(pt.Value, 0) {
			finite = append(finite, pt)
		}
	}
	finite = downsample(finite, 0, end, chartColumns)
	if n := len(finite); n > 0 && finite[n-1].At < end {
		finite = append(finite, Point{At: end, Value: finite[n-1].Value})
	}
	xys := make(plotter.XYs, len(finite))
	for i, pt := range finite {
		xys[i] = plotter.XY{X: seconds(pt.At), Y: pt.Value}
	}
	return xys
}

// lastAt returns the latest record time of h, 0 if it has none.
func lastAt(h *history.History) int64 {
	var end int64
	for _, r := range h.All() {
		end = max(end, r.At)
	}
	return end
}

// seconds converts simulated nanoseconds to seconds.
func seconds(ns int64) float64 { return float64(ns) / 1e9 }

// addCauses draws on p, under the series, what explains them: the
// windows in which a node was down, the crashes labelled by node, the
// rebalances and session expiries, and the witness times.
func addCauses(p *plot.Plot, h *history.History, witness []int64) {
	if down := newDownWindows(h); len(down.ws) > 0 {
		p.Add(down)
		p.Legend.Add("node down", down)
	}
	if crashes := newCrashMarks(h); len(crashes.xs) > 0 {
		p.Add(crashes)
		p.Legend.Add("crash (node named)", crashes)
	}
	reb, exp := newCauseTicks(h)
	if len(reb.xs) > 0 {
		p.Add(reb)
		p.Legend.Add("rebalance", reb)
	}
	if len(exp.xs) > 0 {
		p.Add(exp)
		p.Legend.Add("session expiry", exp)
	}
	if len(witness) > 0 {
		w := newWitnessMarks(witness)
		p.Add(w)
		p.Legend.Add("witness record", w)
	}
}
