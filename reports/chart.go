package reports

import (
	"fmt"
	"image/color"
	"math"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/font"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"

	"github.com/evsim/evsim/model/history"
)

// maxChartPoints bounds the points plotted per series.
const maxChartPoints = 2000

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

// LagChart writes to path an 8x4 inch PNG of the consumer lag of every
// group in h (see [LagSeries]) over simulated time in seconds, one step
// line per group, with each history.Crash record marked by a thin red
// vertical line. A history without consumer groups still yields a chart,
// whose title says so.
func LagChart(h *history.History, path string) error {
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
	for i, s := range series {
		line, err := plotter.NewLine(chartXYs(s.Points, end))
		if err != nil {
			return fmt.Errorf("lag chart %s: group %s: %w", path, s.Name, err)
		}
		line.StepStyle = plotter.PostStep
		line.Color = palette[i%len(palette)]
		line.Width = vg.Points(1.5)
		p.Add(line)
		p.Legend.Add(s.Name, line)
	}
	if crashes := newCrashMarks(h); len(crashes.xs) > 0 {
		p.Add(crashes)
		p.Legend.Add("crash", crashes)
	}
	// Time and lag start at 0; the headroom on top keeps the legend
	// clear of the lines.
	p.X.Min, p.X.Max = 0, max(p.X.Max, seconds(end))
	if p.X.Max <= 0 {
		p.X.Max = 1
	}
	p.Y.Min, p.Y.Max = 0, max(p.Y.Max*1.25, 1)
	if err := p.Save(8*vg.Inch, 4*vg.Inch, path); err != nil {
		return fmt.Errorf("lag chart %s: %w", path, err)
	}
	return nil
}

// chartXYs converts a step series to plot coordinates in seconds, without
// non-finite values, downsampled to maxChartPoints and held at its last
// value until end (nanoseconds) so that the line spans the whole run.
func chartXYs(pts []Point, end int64) plotter.XYs {
	finite := make([]Point, 0, len(pts))
	for _, pt := range pts {
		if !math.IsNaN(pt.Value) && !math.IsInf(pt.Value, 0) {
			finite = append(finite, pt)
		}
	}
	finite = downsample(finite, maxChartPoints-1)
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
	for _, r := range h.Records {
		end = max(end, r.At)
	}
	return end
}

// seconds converts simulated nanoseconds to seconds.
func seconds(ns int64) float64 { return float64(ns) / 1e9 }
