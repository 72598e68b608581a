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
	for _, want := range []string{"A &lt;b&gt;title&lt;/b&gt;", `class="violated">✘ violated`, "✘ FAILED: no-loss", "lost one",
		"Timeline around the witness of no-loss", `<span class="w">`, `<svg class="diagram"`, `data-witness="W1"`} {
		if !strings.Contains(out, want) {
			t.Errorf("report lacks %q", want)
		}
	}
	if strings.Contains(out, "<b>title</b>") {
		t.Error("title not escaped")
	}
	// The timeline shows the witness and its neighbours, not the whole history.
	pre := out[strings.Index(out, "<details>"):strings.Index(out, "</details>")]
	if got := strings.Count(pre, " append "); got != 2*timelineSpan+1 {
		t.Errorf("timeline shows %d records, want %d", got, 2*timelineSpan+1)
	}
}

func TestReportReadsTopDown(t *testing.T) {
	h := &history.History{}
	h.Add(history.Record{At: 1, Kind: history.Publish, Node: "teller", Topic: "t", Event: "e1"})
	h.Add(history.Record{At: 2, Kind: history.Append, Topic: "t", Partition: 0, Offset: 0, Event: "e1"})
	h.Add(history.Record{At: 3, Kind: history.Deliver, Node: "ledger-0", Group: "ledger", Topic: "t", Event: "e1"})
	h.Add(history.Record{At: 4, Kind: history.Effect, Node: "ledger-0", Group: "ledger", Topic: "t", Event: "e1", Value: 5})
	h.Add(history.Record{At: 5, Kind: history.Crash, Node: "ledger-0", Point: "after-effect"})
	p := &Page{
		Name: "demo", Title: "demo", Teaches: "First line\nwraps here.\n\nSecond paragraph.\nFix: do this.\n",
		Back: "../index.html", History: h,
		Results: []checks.Result{
			{Check: "no-loss", Verdict: checks.Holds},
			{Check: "exactly-once-effects", Verdict: checks.Violated, Explanation: "twice",
				Witness: []history.Record{h.Records[3], h.Records[4]}},
			{Check: "ordering", Verdict: checks.Unknown, Explanation: "Not applicable: nothing"},
		},
	}
	var buf bytes.Buffer
	if err := WriteHTML(&buf, p); err != nil {
		t.Fatal(err)
	}
	out := buf.String()
	// The story, in order.
	order := []string{`href="../index.html"`, "<p>First line wraps here.</p>", "<p>Second paragraph.</p>", "<p>Fix: do this.</p>",
		"<h2>Verdicts</h2>", "✘ exactly-once-effects: violated", "twice", `<ol class="witness">`, "<svg", "<details>", "? ordering: unknown"}
	at := 0
	for _, want := range order {
		i := strings.Index(out[at:], want)
		if i < 0 {
			t.Fatalf("after offset %d, report lacks %q:\n%s", at, want, out)
		}
		at += i + len(want)
	}
	if strings.Contains(out, "<pre>First line") {
		t.Error("teaches in a pre block")
	}
	if strings.Count(out, "<svg") != 1 {
		t.Errorf("want one diagram (violated check only), got %d", strings.Count(out, "<svg"))
	}
	if strings.Contains(out, "? no-loss") || strings.Contains(out, `id="check-no-loss"`) {
		t.Error("a check that holds got a section")
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
