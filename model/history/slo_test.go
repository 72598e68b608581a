package history

import (
	"bytes"
	"strings"
	"testing"
)

// A staleness-slo record survives the JSON Lines round trip and renders
// its bound as a duration.
func TestStalenessSLORecord(t *testing.T) {
	h := FromEntries([]Entry{{At: 0, Kind: StalenessSLO, Node: "balances", Group: "balances", SLO: 250_000_000}})
	var buf bytes.Buffer
	if err := h.WriteJSONL(&buf); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(buf.String(), `"kind":"staleness-slo"`) || !strings.Contains(buf.String(), `"slo":250000000`) {
		t.Fatalf("JSON Lines %s", buf.String())
	}
	got, err := ReadJSONL("h.jsonl", &buf)
	if err != nil {
		t.Fatal(err)
	}
	if !same(got, h) {
		t.Fatalf("round trip gave %+v", got.Entries())
	}
	if s := h.At(0).String(); !strings.HasSuffix(s, "staleness-slo balances slo=250ms") {
		t.Errorf("String() = %q", s)
	}
}
