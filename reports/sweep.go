package reports

import (
	"fmt"
	"math"
	"slices"
	"strconv"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
	"gonum.org/v1/plot/vg/vgimg"

	"github.com/evsim/evsim/checks"
	"github.com/evsim/evsim/model/history"
)

// Worst is the worst a run got: its largest consumer lag and the largest
// staleness any of its queries saw. Has says which of the two the run had
// (consumer groups, queries).
type Worst struct {
	Lag          float64 `json:"lag"`
	StalenessMs  float64 `json:"staleness_ms"`
	HasLag       bool    `json:"has_lag"`
	HasStaleness bool    `json:"has_staleness"`
	// SLOMs is the tightest staleness SLO a read model of the run
	// promised, in milliseconds, 0 if none.
	SLOMs float64 `json:"slo_ms,omitempty"`
}

// WorstOf measures h's worst lag and query staleness.
func WorstOf(h *history.History) Worst { return WorstOfJudgement(checks.NewJudgement(h)) }

// WorstOfJudgement is [WorstOf] the history of judgement j, sharing the
// measures its checks made (the staleness of the read models).
func WorstOfJudgement(j *checks.Judgement) Worst {
	h := j.History()
	var w Worst
	w.Lag, w.HasLag = MaxLag(h)
	// A query's staleness is taken at its return: a history with none
	// has no staleness to replay the read models for.
	if h.Count(history.QueryReturn) > 0 {
		if worst, ok := j.WorstQueryStaleness(); ok {
			w.StalenessMs, w.HasStaleness = float64(worst)/1e6, true
		}
	}
	for _, slo := range checks.StalenessSLOs(h) {
		if ms := float64(slo) / 1e6; w.SLOMs == 0 || ms < w.SLOMs {
			w.SLOMs = ms
		}
	}
	return w
}

// CDF is what a chart across the seeds of a sweep shows.
type CDF struct {
	Title, XLabel string
	// Values has one value per seed.
	Values []float64
	// Failing are the values of the seeds that did not meet the
	// scenario's expectations, marked on the curve.
	Failing []float64
	// SLO, when positive, is drawn as a vertical line: the bound the
	// values promise to stay under.
	SLO float64
}

// CDFChart writes to path a 9x4 inch PNG of the empirical distribution of
// values (one per seed of a sweep): for each x, the share of seeds whose
// value was at most x. Medians and tails read off it directly.
func CDFChart(values []float64, title, xlabel, path string) error {
	return SweepChart(CDF{Title: title, XLabel: xlabel, Values: values}, path)
}

// SweepChart writes to path a 9x4 inch PNG of c's distribution across
// seeds (see [CDFChart]), with c's SLO as a dashed vertical line whose
// legend says how many seeds went beyond it, and each failing seed's value
// marked by a cross on the curve.
func SweepChart(c CDF, path string) error {
	vs := slices.Clone(c.Values)
	vs = slices.DeleteFunc(vs, func(v float64) bool { return math.IsNaN(v) || math.IsInf(v, 0) })
	slices.Sort(vs)
	p := plot.New()
	p.Title.Text = fmt.Sprintf("%s (%d seeds)", c.Title, len(vs))
	p.X.Label.Text = c.XLabel
	p.Y.Label.Text = "share of seeds at or below"
	p.Add(plotter.NewGrid())
	share := func(v float64) float64 {
		n, _ := slices.BinarySearch(vs, math.Nextafter(v, math.Inf(1)))
		return float64(n) / float64(len(vs))
	}
	if len(vs) > 0 {
		xys := make(plotter.XYs, 0, len(vs)+1)
		xys = append(xys, plotter.XY{X: vs[0], Y: 0})
		for i, v := range vs {
			xys = append(xys, plotter.XY{X: v, Y: float64(i+1) / float64(len(vs))})
		}
		line, err := plotter.NewLine(xys)
		if err != nil {
			return fmt.Errorf("cdf chart %s: %w", path, err)
		}
		line.StepStyle = plotter.PostStep
		line.Color = palette[0]
		line.Width = vg.Points(1.5)
		p.Add(line)
		p.Legend.Add("seeds", line)
		if vs[0] == vs[len(vs)-1] {
			p.X.Min, p.X.Max = vs[0]-1, vs[0]+1
		}
	}
	if c.SLO > 0 {
		beyond := 0
		for _, v := range vs {
			if v > c.SLO {
				beyond++
			}
		}
		sl, err := plotter.NewLine(plotter.XYs{{X: c.SLO, Y: 0}, {X: c.SLO, Y: 1}})
		if err == nil {
			sl.Color = crashRed
			sl.Width = vg.Points(1.2)
			sl.Dashes = []vg.Length{vg.Points(5), vg.Points(3)}
			p.Add(sl)
			p.Legend.Add(fmt.Sprintf("SLO %s: %d of %d seeds beyond", strconv.FormatFloat(c.SLO, 'f', -1, 64), beyond, len(vs)), sl)
		}
	}
	if len(c.Failing) > 0 && len(vs) > 0 {
		var pts plotter.XYs
		for _, v := range c.Failing {
			if !math.IsNaN(v) && !math.IsInf(v, 0) {
				pts = append(pts, plotter.XY{X: v, Y: share(v)})
			}
		}
		if sc, err := plotter.NewScatter(pts); err == nil {
			sc.GlyphStyle.Shape = draw.CrossGlyph{}
			sc.GlyphStyle.Radius = vg.Points(4)
			sc.GlyphStyle.Color = crashRed
			p.Add(sc)
			p.Legend.Add(fmt.Sprintf("failing seed (%d)", len(c.Failing)), sc)
		}
	}
	p.Y.Min, p.Y.Max = 0, 1
	p.X.Tick.Marker = cleanTicks{}
	img := vgimg.New(9*vg.Inch, 4*vg.Inch)
	drawBeside(p, draw.New(img), legendWidth(p))
	if err := savePNG(img, path); err != nil {
		return fmt.Errorf("cdf chart %s: %w", path, err)
	}
	return nil
}
