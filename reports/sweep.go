package reports

import (
	"fmt"
	"math"
	"slices"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"

	"github.com/evsim/evsim/checks"
	"github.com/evsim/evsim/model/history"
)

// Worst is the worst a run got: its largest consumer lag and the largest
// staleness any of its queries saw. Has says which of the two the run had
// (consumer groups, queries).
type Worst struct {
	Lag          float64
	StalenessMs  float64
	HasLag       bool
	HasStaleness bool
}

// WorstOf measures h's worst lag and query staleness.
func WorstOf(h *history.History) Worst {
	var w Worst
	for _, s := range LagSeries(h) {
		for _, p := range s.Points {
			w.Lag, w.HasLag = max(w.Lag, p.Value), true
		}
	}
	if rep := checks.Staleness(h); len(rep.Queries) > 0 {
		w.StalenessMs, w.HasStaleness = float64(rep.MaxTime)/1e6, true
	}
	return w
}

// CDFChart writes to path an 8x4 inch PNG of the empirical distribution of
// values (one per seed of a sweep): for each x, the share of seeds whose
// value was at most x. Medians and tails read off it directly.
func CDFChart(values []float64, title, xlabel, path string) error {
	vs := slices.Clone(values)
	vs = slices.DeleteFunc(vs, func(v float64) bool { return math.IsNaN(v) || math.IsInf(v, 0) })
	slices.Sort(vs)
	p := plot.New()
	p.Title.Text = fmt.Sprintf("%s (%d seeds)", title, len(vs))
	p.X.Label.Text = xlabel
	p.Y.Label.Text = "share of seeds at or below"
	p.Add(plotter.NewGrid())
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
		if vs[0] == vs[len(vs)-1] {
			p.X.Min, p.X.Max = vs[0]-1, vs[0]+1
		}
	}
	p.Y.Min, p.Y.Max = 0, 1
	if err := p.Save(8*vg.Inch, 4*vg.Inch, path); err != nil {
		return fmt.Errorf("cdf chart %s: %w", path, err)
	}
	return nil
}
