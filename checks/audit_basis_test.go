package checks

import (
	"strings"
	"testing"

	"github.com/evsim/evsim/model/history"
)

// readHist reads a hand-written JSON Lines history.
func readHist(t *testing.T, text string) *history.History {
	t.Helper()
	h, err := history.ReadJSONL("hand.jsonl", strings.NewReader(text))
	if err != nil {
		t.Fatal(err)
	}
	return h
}

// Two commands append to one stream with expected version "any" and
// record no basis: the history does not say what they decided on, so
// stream-integrity must not call the second a lost update.
func TestStreamIntegrityAbsentBasisIsNoLostUpdate(t *testing.T) {
	h := readHist(t, `{"schema":"evsim.history/v2"}
{"at":1,"kind":"store-append","node":"store","event":"e1","key":"s","type":"Opened","version":1,"position":1,"expected":"any","command":"c1"}
{"at":2,"kind":"store-append","node":"store","event":"e2","key":"s","type":"Deposited","amount":5,"version":2,"position":2,"expected":"any","command":"c2"}
`)
	res := StreamIntegrity(h)
	if res.Verdict != Holds {
		t.Fatalf("stream-integrity = %s (%s), want holds: no basis is recorded", res.Verdict, res.Explanation)
	}
	if !strings.Contains(res.Explanation, "record no basis") {
		t.Errorf("explanation %q does not say which batches could not be judged for lost updates", res.Explanation)
	}
}

// The same two appends with basis 0 written out are a lost update: both
// commands decided on the empty stream.
func TestStreamIntegrityExplicitBasisZeroIsLostUpdate(t *testing.T) {
	h := readHist(t, `{"schema":"evsim.history/v2"}
{"at":1,"kind":"store-append","node":"store","event":"e1","key":"s","type":"Opened","version":1,"position":1,"expected":"any","basis":0,"command":"c1"}
{"at":2,"kind":"store-append","node":"store","event":"e2","key":"s","type":"Opened","version":2,"position":2,"expected":"any","basis":0,"command":"c2"}
`)
	res := StreamIntegrity(h)
	if res.Verdict != Violated || len(res.Witness) != 2 || res.Witness[0].Command != "c1" || res.Witness[1].Command != "c2" {
		t.Fatalf("stream-integrity = %s %v (%s), want violated with c1 then c2", res.Verdict, res.Witness, res.Explanation)
	}
}

// The simulator's store omits a basis of 0 as every zero field, and
// records the state each append left: such a record still reads as basis
// 0, and its lost update is still caught.
func TestStreamIntegrityStoreRecordWithStateReadsBasisZero(t *testing.T) {
	h := readHist(t, `{"schema":"evsim.history/v2"}
{"at":1,"kind":"store-append","node":"event-store","event":"c1/e1","key":"s","type":"Opened","version":1,"position":1,"expected":"any","command":"c1","state":"open=true balance=0"}
{"at":2,"kind":"store-append","node":"event-store","event":"c2/e1","key":"s","type":"Opened","version":2,"position":2,"expected":"any","command":"c2","state":"open=true balance=0"}
`)
	if res := StreamIntegrity(h); res.Verdict != Violated {
		t.Fatalf("stream-integrity = %s (%s), want violated", res.Verdict, res.Explanation)
	}
}

// A version 1 file meant basis 0 by leaving it out, as it still does.
func TestStreamIntegrityV1AbsentBasisReadsZero(t *testing.T) {
	h := readHist(t, `{"schema":"evsim.history/v1"}
{"at":1,"kind":"store-append","node":"store","event":"e1","key":"s","type":"Opened","version":1,"position":1,"expected":"any","command":"c1"}
{"at":2,"kind":"store-append","node":"store","event":"e2","key":"s","type":"Opened","version":2,"position":2,"expected":"any","command":"c2"}
`)
	if res := StreamIntegrity(h); res.Verdict != Violated {
		t.Fatalf("stream-integrity = %s (%s), want violated", res.Verdict, res.Explanation)
	}
}
