package checks

import (
	"strings"
	"testing"
)

// A user's event ids are not derived from the command ("cmd/e1"): the
// phantom's witness still names the rollback of its command, found by
// the command its publish records.
func TestOutboxPhantomWitnessFindsRollbackByThePublishCommand(t *testing.T) {
	h := readHist(t, `{"schema":"evsim.history/v2"}
{"at":0,"kind":"store-publisher","node":"app","topic":"orders"}
{"at":1,"kind":"publish","node":"app","topic":"orders","event":"9f1c","key":"order-1","type":"OrderPlaced","command":"c7"}
{"at":2,"kind":"append","node":"broker","topic":"orders","offset":0,"event":"9f1c","key":"order-1","type":"OrderPlaced"}
{"at":3,"kind":"store-rollback","node":"store","key":"order-1","command":"c7"}
{"at":4,"kind":"end","drained":true}
`)
	res := OutboxEquivalence(h)
	if res.Verdict != Violated || len(res.Witness) != 3 || res.Witness[2].Kind != "store-rollback" {
		t.Fatalf("outbox-equivalence = %s %v (%s), want violated with the publish, the append and the rollback", res.Verdict, res.Witness, res.Explanation)
	}
}

// A user's store numbers event ids per stream ("e1" in stream a and in
// stream b): an event is its stream and id, so stream b's e1, never
// published, is lost although a's e1 was published.
func TestOutboxPerStreamEventIdsAreKeyedByStream(t *testing.T) {
	const head = `{"schema":"evsim.history/v2"}
{"at":0,"kind":"store-publisher","node":"relay","topic":"t"}
{"at":1,"kind":"store-append","node":"store","key":"a","event":"e1","type":"Deposited","amount":1,"version":1,"basis":0,"command":"c1"}
{"at":2,"kind":"store-append","node":"store","key":"b","event":"e1","type":"Deposited","amount":1,"version":1,"basis":0,"command":"c2"}
{"at":3,"kind":"publish","node":"relay","topic":"t","event":"e1","key":"a","type":"Deposited","amount":1}
{"at":4,"kind":"append","node":"broker","topic":"t","offset":0,"event":"e1","key":"a","type":"Deposited","amount":1}
`
	const end = `{"at":9,"kind":"end","drained":true}
`
	lost := OutboxEquivalence(readHist(t, head+end))
	if lost.Verdict != Violated || len(lost.Witness) == 0 || lost.Witness[0].Key != "b" {
		t.Errorf("b's e1 unpublished: %s %v (%s), want violated naming stream b's e1", lost.Verdict, lost.Witness, lost.Explanation)
	}
	both := OutboxEquivalence(readHist(t, head+`{"at":5,"kind":"publish","node":"relay","topic":"t","event":"e1","key":"b","type":"Deposited","amount":1}
{"at":6,"kind":"append","node":"broker","topic":"t","offset":1,"event":"e1","key":"b","type":"Deposited","amount":1}
`+end))
	if both.Verdict != Holds || !strings.Contains(both.Explanation, "The 2 committed events") || !strings.Contains(both.Explanation, "0 were published more than once") {
		t.Errorf("both published: %s (%s), want holds over 2 events, no duplicate", both.Verdict, both.Explanation)
	}
	phantom := OutboxEquivalence(readHist(t, `{"schema":"evsim.history/v2"}
{"at":0,"kind":"store-publisher","node":"relay","topic":"t"}
{"at":1,"kind":"store-append","node":"store","key":"a","event":"e1","type":"Deposited","amount":1,"version":1,"basis":0,"command":"c1"}
{"at":3,"kind":"publish","node":"relay","topic":"t","event":"e1","key":"a","type":"Deposited","amount":1}
{"at":4,"kind":"append","node":"broker","topic":"t","offset":0,"event":"e1","key":"a","type":"Deposited","amount":1}
{"at":5,"kind":"publish","node":"relay","topic":"t","event":"e1","key":"b","type":"Deposited","amount":1}
{"at":6,"kind":"append","node":"broker","topic":"t","offset":1,"event":"e1","key":"b","type":"Deposited","amount":1}
`+end))
	if phantom.Verdict != Violated || !strings.Contains(phantom.Explanation, "never committed") {
		t.Errorf("b's e1 never committed: %s (%s), want a phantom", phantom.Verdict, phantom.Explanation)
	}
}
