package reports

import (
	"bytes"
	"image/png"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/evsim/evsim/model/history"
)

// longestRun is the longest horizontal run of pixels of the colour of
// palette[0] (give or take antialiasing) in the PNG at path, and the
// image's width.
func longestRun(t *testing.T, path string) (run, width int) {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	img, err := png.Decode(bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	r0, g0, b0, _ := palette[0].RGBA()
	near := func(a, b uint32) bool { return a>>8 <= b>>8+24 && b>>8 <= a>>8+24 }
	bd := img.Bounds()
	for y := bd.Min.Y; y < bd.Max.Y; y++ {
		n := 0
		for x := bd.Min.X; x < bd.Max.X; x++ {
			r, g, b, _ := img.At(x, y).RGBA()
			if near(r, r0) && near(g, g0) && near(b, b0) {
				n++
				run = max(run, n)
			} else {
				n = 0
			}
		}
	}
	return run, bd.Dx()
}

func TestLongNamesLeaveTheLagChartItsPlotArea(t *testing.T) {
	group := strings.Repeat("ledger", 70) // 420 characters: names have no bound
	h := history.FromEntries([]history.Entry{
		{At: 0, Kind: history.Subscribe, Group: group, Topic: "t"},
		{At: 1 * ms, Kind: history.Append, Topic: "t", Partition: 0, Offset: 0},
		{At: 2 * ms, Kind: history.Crash, Node: group + "-0"},
		{At: 1000 * ms, Kind: history.End},
	})
	path := filepath.Join(t.TempDir(), "lag.png")
	if err := LagChart(h, path); err != nil {
		t.Fatal(err)
	}
	// The group's lag is 1 over the whole run: its line crosses the plot
	// area, which a legend as wide as the name would squeeze to a sliver.
	if run, width := longestRun(t, path); run < width/2 {
		t.Errorf("the lag line is %d pixels long in a chart %d wide: the legend took the plot area", run, width)
	}
}

func TestLegendLabelShortensLongNames(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{"ledger", "ledger"},
		{strings.Repeat("é", maxLegendRunes), strings.Repeat("é", maxLegendRunes)},
		{strings.Repeat("é", maxLegendRunes+1), strings.Repeat("é", maxLegendRunes-1) + "…"},
	} {
		got := legendLabel(c.in)
		if got != c.want || utf8.RuneCountInString(got) > maxLegendRunes {
			t.Errorf("legendLabel(%d runes) = %q, want %q", utf8.RuneCountInString(c.in), got, c.want)
		}
	}
}
