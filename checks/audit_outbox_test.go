package checks

import "testing"

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
