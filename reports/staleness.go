package reports

import (
	"fmt"
	"image/color"
	"math"
	"time"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
	"gonum.org/v1/plot/vg/vgimg"

	"github.com/evsim/evsim/checks"
	"github.com/evsim/evsim/model/history"
)

// maxQueryDots bounds the query dots a staleness chart scatters: past it,
// every k-th query is drawn.
const maxQueryDots = 2000

// StalenessSeries returns, per read model in h, two step series over
// simulated time: the committed events it has not applied yet, and how
// long ago (in milliseconds) the oldest of them committed, as measured by
// [checks.Staleness]. Series are sorted by read model name.
func StalenessSeries(h *history.History) (events, behind []Series) {
	return stalenessSeries(checks.Staleness(h))
}

// stalenessSeries is [StalenessSeries] of the report rep.
func stalenessSeries(rep checks.StalenessReport) (events, behind []Series) {
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

// StalenessChart writes to path a 9x6 inch PNG of the staleness of every
// read model in h over simulated time in seconds: on top the events behind
// its log (the event store, or the topic a projection of a topic reads),
// below the time behind (milliseconds since the oldest
// unapplied event committed), which grows with the clock while events wait.
// Each query is a dot on the lower panel at the staleness it saw; a read
// model's staleness SLO (history.StalenessSLO) is a dashed line in its
// colour on the lower panel; windows in which a node was down (crash to
// restart) are shaded on both, each crash is a thin red line labelled
// with its node, rebalances and session expiries are ticked on the time
// axis, witness times (simulated nanoseconds) are dotted lines. Long
// series are downsampled, keeping their spikes. A history without read
// models still yields a chart, whose title says so. The PNG depends only
// on h, byte for byte.
func StalenessChart(h *history.History, path string, witness ...int64) error {
	return StalenessChartOf(checks.NewJudgement(h), path, witness...)
}

// StalenessChartOf is [StalenessChart] of the history of judgement j,
// sharing the staleness its checks measured.
func StalenessChartOf(j *checks.Judgement, path string, witness ...int64) error {
	h := j.History()
	rep := j.Staleness()
	events, _ := stalenessSeries(rep)
	end := lastAt(h)
	top := stalenessPlot("Read-model staleness: events behind", "events behind the log (event store or topic)", h, witness)
	bottom := stalenessPlot("Read-model staleness: time behind", "time behind (ms)", h, witness)
	if len(events) == 0 {
		top.Title.Text += " (no read models in history)"
	}
	slos := checks.StalenessSLOs(h)
	for i, s := range events {
		xys := chartXYs(s.Points, end)
		line, err := plotter.NewLine(xys)
		if err != nil {
			continue // chartXYs drops non-finite values; nothing else fails
		}
		line.StepStyle = plotter.PostStep
		line.Color = palette[i%len(palette)]
		line.Width = vg.Points(1.2)
		top.Add(line)
		top.Legend.Add(legendLabel(s.Name), line)
	}
	var sloMax float64
	for i, s := range rep.Series {
		xys := toXYs(downsample(timeBehindPoints(s, end), 0, end, chartColumns))
		line, err := plotter.NewLine(xys)
		if err != nil {
			continue
		}
		line.Color = palette[i%len(palette)]
		line.Width = vg.Points(1.2)
		bottom.Add(line)
		bottom.Legend.Add(legendLabel(s.Group), line)
		slo, ok := slos[s.Group]
		if !ok {
			continue
		}
		ms := float64(slo) / float64(time.Millisecond)
		sloMax = max(sloMax, ms)
		sl, err := plotter.NewLine(plotter.XYs{{X: 0, Y: ms}, {X: max(seconds(end), 1e-9), Y: ms}})
		if err != nil {
			continue
		}
		sl.Color = palette[i%len(palette)]
		sl.Width = vg.Points(1)
		sl.Dashes = []vg.Length{vg.Points(5), vg.Points(3)}
		bottom.Add(sl)
		bottom.Legend.Add(fmt.Sprintf("%s SLO %v", legendLabel(s.Group), slo), sl)
	}
	var qs plotter.XYs
	for _, q := range rep.Queries {
		if q.Group != "" {
			qs = append(qs, plotter.XY{X: seconds(q.At), Y: float64(q.TimeBehind) / float64(time.Millisecond)})
		}
	}
	if len(qs) > 0 {
		if len(qs) > maxQueryDots {
			step := (len(qs) + maxQueryDots - 1) / maxQueryDots
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
	// The SLO line stays in view.
	bottom.Y.Max = max(bottom.Y.Max, sloMax*1.15)
	top.Y.Tick.Marker = intTicks{}
	bottom.Y.Tick.Marker = cleanTicks{}
	top.X.Tick.Marker, bottom.X.Tick.Marker = cleanTicks{}, cleanTicks{}
	const w, h6 = 9 * vg.Inch, 6 * vg.Inch
	img := vgimg.New(w, h6)
	dc := draw.New(img)
	lw := max(legendWidth(top), legendWidth(bottom))
	tiles := draw.Tiles{Rows: 2, Cols: 1, PadTop: vg.Points(4), PadBottom: vg.Points(4), PadX: vg.Points(4), PadY: vg.Points(8)}
	canvases := plot.Align([][]*plot.Plot{{top}, {bottom}}, tiles, draw.Crop(dc, 0, -lw, 0, 0))
	for i, p := range []*plot.Plot{top, bottom} {
		c := canvases[i][0]
		c.Max.X += lw
		drawBeside(p, c, lw)
	}
	if err := savePNG(img, path); err != nil {
		return fmt.Errorf("staleness chart %s: %w", path, err)
	}
	return nil
}

// stalenessPlot returns a panel with the down windows shaded underneath
// and the crashes marked; the series are added on top.
func stalenessPlot(title, ylabel string, h *history.History, witness []int64) *plot.Plot {
	p := plot.New()
	p.Title.Text = title
	p.X.Label.Text = "simulated time (s)"
	p.Y.Label.Text = ylabel
	p.Legend.Top = true
	addCauses(p, h, witness)
	return p
}

// timeBehindPoints returns the time behind of s in milliseconds as a
// polyline up to end: at each sample the value it measured, then, while
// events are behind, growing with the clock until the next sample (the
// same oldest event keeps waiting), where it drops or jumps to the next
// measured value.
func timeBehindPoints(s checks.StalenessSeries, end int64) []Point {
	ms := func(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }
	out := make([]Point, 0, 2*len(s.Points))
	for i, p := range s.Points {
		next := end
		if i+1 < len(s.Points) {
			next = s.Points[i+1].At
		}
		out = append(out, Point{At: p.At, Value: ms(p.TimeBehind)})
		if next <= p.At {
			continue
		}
		v := ms(p.TimeBehind)
		if p.EventsBehind > 0 {
			v += ms(time.Duration(next - p.At))
		}
		out = append(out, Point{At: next, Value: v})
	}
	return out
}

// toXYs converts points to plot coordinates in seconds, without
// non-finite values.
func toXYs(pts []Point) plotter.XYs {
	xys := make(plotter.XYs, 0, len(pts))
	for _, pt := range pts {
		if !math.IsNaN(pt.Value) && !math.IsInf(pt.Value, 0) {
			xys = append(xys, plotter.XY{X: seconds(pt.At), Y: pt.Value})
		}
	}
	return xys
}
