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
		h.Add(history.Entry{At: int64(i), Kind: history.Append, Topic: "t", Offset: int64(i), Event: "e<" + string(rune('a'+i%26))})
	}
	w := h.At(20)
	p := &Page{
		Name: "demo", Title: "A <b>title</b>", Seed: 3, Checksum: "00ff", Repro: "evsim run demo --seed 3",
		Results:  []checks.Result{{Check: "no-loss", Verdict: checks.Violated, Explanation: "lost one", Witness: []history.Entry{w}}},
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
	h.Add(history.Entry{At: 1, Kind: history.Publish, Node: "teller", Topic: "t", Event: "e1"})
	h.Add(history.Entry{At: 2, Kind: history.Append, Topic: "t", Partition: 0, Offset: 0, Event: "e1"})
	h.Add(history.Entry{At: 3, Kind: history.Deliver, Node: "ledger-0", Group: "ledger", Topic: "t", Event: "e1"})
	h.Add(history.Entry{At: 4, Kind: history.Effect, Node: "ledger-0", Group: "ledger", Topic: "t", Event: "e1", Value: 5})
	h.Add(history.Entry{At: 5, Kind: history.Crash, Node: "ledger-0", CrashPoint: "after-effect"})
	p := &Page{
		Name: "demo", Title: "demo", Teaches: "First line\nwraps here.\n\nSecond paragraph.\nFix: do this.\n",
		Back: "../index.html", History: h,
		Results: []checks.Result{
			{Check: "no-loss", Verdict: checks.Holds},
			{Check: "exactly-once-effects", Verdict: checks.Violated, Explanation: "twice",
				Witness: []history.Entry{h.At(3), h.At(4)}},
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
	for _, want := range []string{`href="good/report.html"`, "bad&lt;x&gt;", "no-loss: violated", "(expected holds)", "NOT met", `class="run bad"`, "2 runs: 1 met their expectations, ✘ 1 did NOT"} {
		if !strings.Contains(out, want) {
			t.Errorf("index lacks %q", want)
		}
	}
}

func TestIndexPairsAndFilter(t *testing.T) {
	entry := func(name string, v checks.Verdict) IndexEntry {
		return IndexEntry{Name: name, Met: true, Href: name + "/report.html", Expected: map[string]checks.Verdict{"no-loss": v},
			Results: []checks.Result{{Check: "no-loss", Verdict: v}, {Check: "key-order", Verdict: checks.Holds}}}
	}
	ix := Index{
		Entries: []IndexEntry{entry("broken", checks.Violated), entry("fixed", checks.Holds), entry("alone", checks.Holds)},
		Modes:   []Mode{{ID: "D1", Failure: "loses events", Broken: []string{"broken"}, Fixed: []string{"fixed"}}, {ID: "D9", Failure: "not run", Broken: []string{"x"}}},
		Sweeps:  []SweepEntry{{Name: "broken", Runs: 10, Met: 9, Failing: 1, Href: "broken/sweep.html"}},
	}
	var buf bytes.Buffer
	if err := WriteIndexPage(&buf, ix); err != nil {
		t.Fatal(err)
	}
	out := buf.String()
	// broken and fixed share the failure mode's row, broken first.
	row := out[strings.Index(out, "D1 · loses events"):]
	row = row[:strings.Index(row, "</tr>")]
	if b, f := strings.Index(row, `href="broken/report.html"`), strings.Index(row, `href="fixed/report.html"`); b < 0 || f < b {
		t.Errorf("broken and fixed not side by side in the mode's row: %s", row)
	}
	if strings.Contains(out, "not run") {
		t.Error("a failure mode without runs is listed")
	}
	others := out[strings.Index(out, `<div id="others">`):]
	if !strings.Contains(others, `href="alone/report.html"`) || strings.Contains(others, `href="broken/report.html"`) {
		t.Error("unpaired runs not listed apart")
	}
	for _, want := range []string{"3 runs: 3 met their expectations (all ✔); 1 show a violated check, 2 hold every check; 1 failure mode(s)",
		`<option value="no-loss">`, `data-violated="no-loss"`, `href="broken/sweep.html"`, "1 failing seed(s)", "<script>"} {
		if !strings.Contains(out, want) {
			t.Errorf("index lacks %q", want)
		}
	}
	if strings.Contains(out, `<option value="key-order">`) {
		t.Error("the filter offers a check that no run violates")
	}
	if strings.Contains(out, "src=") || strings.Contains(out, "http") {
		t.Error("the index loads something from outside the page")
	}
}
