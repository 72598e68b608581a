package reports

import (
	"fmt"
	"image/color"
	"time"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
	"gonum.org/v1/plot/vg/vgimg"

	"evsim/checks"
	"evsim/model/history"
)

// StalenessSeries returns, per read model in h, two step series over
// simulated time: the committed events it has not applied yet, and how
// long ago (in milliseconds) the oldest of them committed, as measured by
// [checks.Staleness]. Series are sorted by read model name.
func StalenessSeries(h *history.History) (events, behind []Series) {
	rep := checks.Staleness(h)
	for _, s := range rep.Series {
		e := Series{Name: s.Group}
		t := Series{Name: s.Group}
		for _, p := range s.Points {
			e.Points = append(e.Points, Point{At: p.At, Value: float64(p.EventsBehind)})
			t.Points = append(t.Points, Point{At: p.At, Value: float64(p.TimeBehind) / float64(time.Millisecond)})
		}
		events, behind = append(events, e), append(behind, t)
	}
	return events, behind
}

// StalenessChart writes to path an 8x6 inch PNG of the staleness of every
// read model in h over simulated time in seconds: on top the events behind
// the event store, below the time behind (milliseconds since the oldest
// unapplied event committed). Each query is a dot on the lower panel at
// the staleness it saw; crashes are thin red lines. Long series are
// downsampled, keeping their spikes. A history without read models still
// yields a chart, whose title says so.
func StalenessChart(h *history.History, path string) error {
	events, behind := StalenessSeries(h)
	end := lastAt(h)
	top := stalenessPlot("Read-model staleness: events behind", "events behind the event store", events, end, h)
	bottom := stalenessPlot("Read-model staleness: time behind", "time behind (ms)", behind, end, h)
	if len(events) == 0 {
		top.Title.Text += " (no read models in history)"
	}
	var qs plotter.XYs
	for _, q := range checks.Staleness(h).Queries {
		if q.Group != "" {
			qs = append(qs, plotter.XY{X: seconds(q.At), Y: float64(q.TimeBehind) / float64(time.Millisecond)})
		}
	}
	if len(qs) > 0 {
		if len(qs) > maxChartPoints {
			step := (len(qs) + maxChartPoints - 1) / maxChartPoints
			var thin plotter.XYs
			for i := 0; i < len(qs); i += step {
				thin = append(thin, qs[i])
			}
			qs = thin
		}
		sc, err := plotter.NewScatter(qs)
		if err != nil {
			return fmt.Errorf("staleness chart %s: %w", path, err)
		}
		sc.GlyphStyle.Shape = draw.CircleGlyph{}
		sc.GlyphStyle.Radius = vg.Points(1.2)
		sc.GlyphStyle.Color = color.RGBA{R: 90, G: 90, B: 90, A: 255}
		bottom.Add(sc)
		bottom.Legend.Add("query", sc)
	}
	for _, p := range []*plot.Plot{top, bottom} {
		p.X.Min, p.X.Max = 0, max(p.X.Max, seconds(end))
		if p.X.Max <= 0 {
			p.X.Max = 1
		}
		p.Y.Min, p.Y.Max = 0, max(p.Y.Max*1.25, 1)
	}
	const w, h6 = 8 * vg.Inch, 6 * vg.Inch
	img := vgimg.New(w, h6)
	dc := draw.New(img)
	tiles := draw.Tiles{Rows: 2, Cols: 1, PadTop: vg.Points(4), PadBottom: vg.Points(4), PadX: vg.Points(4), PadY: vg.Points(8)}
	canvases := plot.Align([][]*plot.Plot{{top}, {bottom}}, tiles, dc)
	top.Draw(canvases[0][0])
	bottom.Draw(canvases[1][0])
	if err := savePNG(img, path); err != nil {
		return fmt.Errorf("staleness chart %s: %w", path, err)
	}
	return nil
}

func stalenessPlot(title, ylabel string, series []Series, end int64, h *history.History) *plot.Plot {
	p := plot.New()
	p.Title.Text = title
	p.X.Label.Text = "simulated time (s)"
	p.Y.Label.Text = ylabel
	p.Legend.Top = true
	for i, s := range series {
		line, err := plotter.NewLine(chartXYs(s.Points, end))
		if err != nil {
			continue // chartXYs drops non-finite values; nothing else fails
		}
		line.StepStyle = plotter.PostStep
		line.Color = palette[i%len(palette)]
		line.Width = vg.Points(1.2)
		p.Add(line)
		p.Legend.Add(s.Name, line)
	}
	if crashes := newCrashMarks(h); len(crashes.xs) > 0 {
		p.Add(crashes)
		p.Legend.Add("crash", crashes)
	}
	return p
}
