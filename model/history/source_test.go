package history

import (
	"bytes"
	"strings"
	"testing"
)

// TestSourceAndInferredInJSONL: a history's source goes into the header
// and an inferred record carries "inferred"; both read back. A simulated
// history (no source, nothing inferred) writes neither, so its files read
// and write as they always did.
func TestSourceAndInferredInJSONL(t *testing.T) {
	h := FromEntries([]Entry{
		{At: 1, Kind: Append, Node: "broker", Topic: "t", Event: "p-1", Inferred: true},
		{At: 2, Kind: PublishAck, Node: "p", Topic: "t", Event: "p-1"},
	})
	h.Source = "live: test"
	var buf bytes.Buffer
	if err := h.WriteJSONL(&buf); err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(buf.String()), "\n")
	if lines[0] != `{"schema":"evsim.history/v2","source":"live: test"}` || !strings.Contains(lines[1], `"inferred":true`) || strings.Contains(lines[2], "inferred") {
		t.Fatalf("unexpected form:\n%s", buf.String())
	}
	got, err := ReadJSONL("h.jsonl", &buf)
	if err != nil {
		t.Fatal(err)
	}
	if got.Source != "live: test" || !got.At(0).Inferred || got.At(1).Inferred {
		t.Fatalf("read back source %q, inferred %v %v", got.Source, got.At(0).Inferred, got.At(1).Inferred)
	}
	if !strings.HasSuffix(got.At(0).String(), " inferred") {
		t.Errorf("the transcript line does not say inferred: %s", got.At(0))
	}
	buf.Reset()
	first := h.At(0)
	first.Inferred = false
	h.Source = ""
	h.Set(0, first)
	if err := h.WriteJSONL(&buf); err != nil {
		t.Fatal(err)
	}
	if strings.Contains(buf.String(), "source") || strings.Contains(buf.String(), "inferred") {
		t.Errorf("a simulated history writes source or inferred:\n%s", buf.String())
	}
}
