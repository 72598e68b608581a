package checks

import (
	"strings"
	"testing"
)

// An event-sourced history stores its events (store-append) without
// publishing them: a stream of PlaceOrder events is named like commands,
// and event-names must judge the stored types too.
func TestEventNamesJudgesStoredEventTypes(t *testing.T) {
	h := readHist(t, `{"schema":"evsim.history/v2"}
{"at":1,"kind":"store-append","node":"store","event":"e1","key":"order-1","type":"PlaceOrder","version":1,"position":1,"command":"c1","basis":0}
{"at":2,"kind":"store-append","node":"store","event":"e2","key":"order-1","type":"ItemAdded","version":2,"position":2,"command":"c2","basis":1}
`)
	res := EventNames(h)
	if res.Verdict != Violated || len(res.Witness) != 1 || res.Witness[0].Event != "e1" || !strings.Contains(res.Explanation, "PlaceOrder") {
		t.Fatalf("event-names = %s %v (%s), want violated by the stored PlaceOrder", res.Verdict, res.Witness, res.Explanation)
	}
}

// Its fixed twin, with facts stored, holds.
func TestEventNamesStoredFactsHold(t *testing.T) {
	h := readHist(t, `{"schema":"evsim.history/v2"}
{"at":1,"kind":"store-append","node":"store","event":"e1","key":"order-1","type":"OrderPlaced","version":1,"position":1,"command":"c1","basis":0}
`)
	if res := EventNames(h); res.Verdict != Holds {
		t.Fatalf("event-names = %s (%s), want holds", res.Verdict, res.Explanation)
	}
}
