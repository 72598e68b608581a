package reports

import (
	"bytes"
	"strings"
	"testing"

	"github.com/evsim/evsim/checks"
	"github.com/evsim/evsim/model/history"
)

func TestWriteHTML(t *testing.T) {
	h := &history.History{}
	for i := 0; i < 30; i++ {
		h.Add(history.Record{At: int64(i), Kind: history.Append, Topic: "t", Offset: int64(i), Event: "e<" + string(rune('a'+i%26))})
	}
	w := h.Records[20]
	p := &Page{
		Name: "demo", Title: "A <b>title</b>", Seed: 3, Checksum: "00ff", Repro: "evsim run demo --seed 3",
		Results:  []checks.Result{{Check: "no-loss", Verdict: checks.Violated, Explanation: "lost one", Witness: []history.Record{w}}},
		Expected: map[string]checks.Verdict{"no-loss": checks.Holds}, Failures: []string{"no-loss: expected holds, got violated"},
		History: h,
	}
	var buf bytes.Buffer
	if err := WriteHTML(&buf, p); err != nil {
		t.Fatal(err)
	}
	out := buf.String()
	for _, want := range []string{"A &lt;b&gt;title&lt;/b&gt;", `class="violated">violated`, "FAILED: no-loss", "lost one",
		"Timeline around no-loss", `<span class="w">`} {
		if !strings.Contains(out, want) {
			t.Errorf("report lacks %q", want)
		}
	}
	if strings.Contains(out, "<b>title</b>") {
		t.Error("title not escaped")
	}
	// The timeline shows the witness and its neighbours, not the whole history.
	if got := strings.Count(out, " append "); got != 2*timelineSpan+2 {
		t.Errorf("timeline shows %d records, want %d", got, 2*timelineSpan+2)
	}
}

func TestWriteIndex(t *testing.T) {
	entries := []IndexEntry{
		{Name: "good", Title: "fine", Seed: 1, Met: true, Href: "good/report.html",
			Results: []checks.Result{{Check: "no-loss", Verdict: checks.Holds}}},
		{Name: "bad<x>", Title: "broken", Seed: 2, Met: false, Href: "bad/report.html",
			Results: []checks.Result{{Check: "no-loss", Verdict: checks.Violated}}},
	}
	var buf bytes.Buffer
	if err := WriteIndex(&buf, entries); err != nil {
		t.Fatal(err)
	}
	out := buf.String()
	for _, want := range []string{`href="good/report.html"`, "bad&lt;x&gt;", "no-loss: violated", "(expected holds)", "NOT met", `class="bad"`} {
		if !strings.Contains(out, want) {
			t.Errorf("index lacks %q", want)
		}
	}
}
