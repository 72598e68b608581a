package reports

import (
	"math"
	"strconv"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
)

// legendWidth is the width of the column a legend takes beside its plot,
// 0 for a legend without entries.
func legendWidth(p *plot.Plot) vg.Length {
	r := p.Legend.Rectangle(draw.Canvas{})
	if w := r.Max.X - r.Min.X; w > 0 {
		return w + vg.Points(12)
	}
	return 0
}

// drawBeside draws p on c with its legend in a column of width w on the
// right, outside the plot area, so that the legend hides neither data nor
// the labels of crashes.
func drawBeside(p *plot.Plot, c draw.Canvas, w vg.Length) {
	leg := p.Legend
	p.Legend = plot.NewLegend()
	p.Draw(draw.Crop(c, 0, -w, 0, 0))
	p.Legend = leg
	if w == 0 {
		return
	}
	leg.Top, leg.Left = true, true
	leg.Draw(draw.Crop(c, c.Max.X-c.Min.X-w+vg.Points(8), 0, 0, -vg.Points(4)))
}

// cleanTicks labels an axis of real numbers without trailing zeros
// ("2.5", not "2.50").
type cleanTicks struct{}

// Ticks implements plot.Ticker.
func (cleanTicks) Ticks(lo, hi float64) []plot.Tick {
	ts := (plot.DefaultTicks{}).Ticks(lo, hi)
	for i, t := range ts {
		if t.Label != "" {
			ts[i].Label = strconv.FormatFloat(roundTo(t.Value, 9), 'f', -1, 64)
		}
	}
	return ts
}

// roundTo rounds v to d significant decimals, dropping float noise.
func roundTo(v float64, d int) float64 {
	p := math.Pow(10, float64(d))
	return math.Round(v*p) / p
}

// maxLegendRunes bounds a name in a chart's legend or on a crash label:
// names have no bound, and a legend as wide as a long name would leave
// the plot beside it no room.
const maxLegendRunes = 32

// legendLabel is name as a chart labels it: cut to maxLegendRunes runes,
// an ellipsis marking the cut. The alt text keeps the whole name.
func legendLabel(name string) string { return shorten(name, maxLegendRunes) }
