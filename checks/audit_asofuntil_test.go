package checks

import (
	"strings"
	"testing"

	"github.com/evsim/evsim/model/history"
)

// A user's ok as-of answer that does not say which time it asked about
// (no "until", no "logic") is not judged "as of +0s": with nothing else to
// judge, the check is Unknown and says why; an answer with its time
// beside it is still judged.
func TestAsOfEqualsFoldDoesNotJudgeAnswerWithNoTimeAsTimeZero(t *testing.T) {
	const head = `{"schema":"evsim.history/v2"}
{"at":0,"kind":"store-aggregate","node":"event-store","type":"account"}
{"at":1,"kind":"store-append","node":"event-store","key":"a","event":"a/e1","type":"Deposited","amount":5,"version":1,"command":"c1","basis":0}
`
	read := func(text string) *history.History {
		h, err := history.ReadJSONL("x", strings.NewReader(text))
		if err != nil {
			t.Fatal(err)
		}
		return h
	}
	noTime := `{"at":5,"kind":"query-return","node":"u","key":"a","command":"q1","mode":"as-of","outcome":"ok","value":5,"version":1}` + "\n"
	r := AsOfEqualsFold(read(head + noTime))
	if r.Verdict != Unknown || !strings.Contains(r.Explanation, "1 as-of answer(s) do not say which time they asked about") {
		t.Fatalf("no time: %s: %s", r.Verdict, r.Explanation)
	}
	timed := `{"at":6,"kind":"query-return","node":"u","key":"a","command":"q2","mode":"as-of","outcome":"ok","value":5,"version":1,"until":2}` + "\n"
	r = AsOfEqualsFold(read(head + noTime + timed))
	if r.Verdict != Holds || !strings.Contains(r.Explanation, "1 as-of answer(s) do not say which time they asked about") {
		t.Fatalf("one timed: %s: %s", r.Verdict, r.Explanation)
	}
	zero := `{"at":6,"kind":"query-return","node":"u","key":"a","command":"q2","mode":"as-of","outcome":"ok","value":5,"version":1,"until":0}` + "\n"
	if r = AsOfEqualsFold(read(head + zero)); r.Verdict != Violated {
		t.Fatalf("as of time 0 explicitly: %s: %s", r.Verdict, r.Explanation)
	}
}
