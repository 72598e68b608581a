package history

import (
	"bytes"
	"strings"
	"testing"
)

// An ok as-of answer's time survives a write and a read in version 2,
// whether known (0 included) or unknown, with or without a logic; the
// form evsim's sessions write (a logic, a time of 0) keeps leaving the
// time out.
func TestJSONLAsOfUntilKnownOrUnknownRoundTrips(t *testing.T) {
	ans := func(until int64, logic int) Entry {
		return Entry{At: 9, Kind: QueryReturn, Node: "q", Command: "q-1", Key: "k", Mode: ModeAsOf,
			Until: until, Logic: logic, Value: 5, Version: 1, Outcome: OutcomeOK}
	}
	es := []Entry{ans(0, 0), ans(UntilUnknown, 0), ans(3, 0), ans(0, 1), ans(UntilUnknown, 1), ans(4, 2)}
	var buf bytes.Buffer
	if err := FromEntries(es).WriteJSONL(&buf); err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(buf.String(), "\n")
	if want := `{"at":9,"kind":"query-return","node":"q","key":"k","version":1,"command":"q-1","outcome":"ok","value":5,"mode":"as-of","logic":1}`; lines[4] != want {
		t.Errorf("session's own answer written as\n%s\nwant\n%s", lines[4], want)
	}
	h, err := ReadJSONL("rt", &buf)
	if err != nil {
		t.Fatal(err)
	}
	for i, e := range h.All() {
		if e.Until != es[i].Until {
			t.Errorf("record %d: until %d read back as %d (line %s)", i, es[i].Until, e.Until, lines[i+1])
		}
	}
}

// A version 2 ok as-of query-return that gives neither an until nor a
// logic reads as unknown; one with a logic, an explicit until, another
// outcome or mode, or from a version 1.1 file, reads as 0.
func TestReadJSONLAbsentAsOfUntilIsUnknownUnlessSessionOrLegacy(t *testing.T) {
	v2, v11 := `{"schema":"evsim.history/v2"}`+"\n", `{"schema":"evsim.history/v1.1"}`+"\n"
	for _, c := range []struct {
		text string
		want int64
	}{
		{v2 + `{"at":1,"kind":"query-return","key":"k","mode":"as-of","outcome":"ok","value":5,"version":1}`, UntilUnknown},
		{v2 + `{"at":1,"kind":"query-return","key":"k","mode":"as-of","outcome":"ok","value":5,"version":1,"until":-1,"logic":1}`, UntilUnknown},
		{v2 + `{"at":1,"kind":"query-return","key":"k","mode":"as-of","outcome":"ok","value":5,"version":1,"logic":1}`, 0},
		{v2 + `{"at":1,"kind":"query-return","key":"k","mode":"as-of","outcome":"ok","value":5,"version":1,"until":0}`, 0},
		{v2 + `{"at":1,"kind":"query-return","key":"k","mode":"as-of","outcome":"timeout"}`, 0},
		{v2 + `{"at":1,"kind":"query-return","key":"k","mode":"strong","outcome":"ok","value":5,"version":1}`, 0},
		{v11 + `{"at":1,"kind":"query-return","key":"k","mode":"as-of","outcome":"ok","value":5,"version":1}`, 0},
	} {
		h, err := ReadJSONL("x", strings.NewReader(c.text))
		if err != nil {
			t.Fatalf("%s: %v", c.text, err)
		}
		if got := h.At(0).Until; got != c.want {
			t.Errorf("%s: until %d, want %d", c.text, got, c.want)
		}
	}
}

// An until below -1 is no time and no "unknown": it is refused.
func TestReadJSONLRefusesUntilBelowUnknown(t *testing.T) {
	_, err := ReadJSONL("x", strings.NewReader(`{"schema":"evsim.history/v2"}`+"\n"+`{"at":1,"kind":"query-return","key":"k","mode":"as-of","outcome":"ok","until":-2}`))
	if err == nil || !strings.Contains(err.Error(), "x:2: until -2") {
		t.Fatalf("err = %v, want a refusal naming line 2 and the until", err)
	}
}

// An as-of answer of unknown time describes its time as unknown, not as
// a negative duration.
func TestEntryStringShowsUnknownAsOfTime(t *testing.T) {
	e := Entry{At: 9, Kind: QueryReturn, Node: "q", Key: "k", Mode: ModeAsOf, Until: UntilUnknown, Outcome: OutcomeOK}
	if s := e.String(); !strings.Contains(s, "as-of=?") || strings.Contains(s, "as-of=+-") {
		t.Fatalf("described as %q", s)
	}
}
