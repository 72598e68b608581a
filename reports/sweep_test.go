package reports

import (
	"image/png"
	"os"
	"path/filepath"
	"testing"

	"github.com/evsim/evsim/model/history"
)

func TestCDFChart(t *testing.T) {
	dir := t.TempDir()
	for name, vs := range map[string][]float64{"spread": {3, 1, 2, 10}, "constant": {5, 5}, "empty": nil} {
		path := filepath.Join(dir, name+".png")
		if err := CDFChart(vs, "t", "x", path); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		f, err := os.Open(path)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := png.Decode(f); err != nil {
			t.Fatalf("%s: not a PNG: %v", name, err)
		}
		f.Close()
	}
}

func TestWorstOf(t *testing.T) {
	h := &history.History{}
	h.Add(history.Entry{Kind: history.Subscribe, Group: "g", Topic: "t"})
	for i := int64(0); i < 4; i++ {
		h.Add(history.Entry{At: i, Kind: history.Append, Topic: "t", Offset: i})
	}
	h.Add(history.Entry{At: 9, Kind: history.OffsetCommit, Group: "g", Topic: "t", Offset: 4})
	w := WorstOf(h)
	if !w.HasLag || w.Lag != 4 || w.HasStaleness {
		t.Fatalf("%+v, want lag 4 and no staleness", w)
	}
}
