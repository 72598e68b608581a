package checks

import (
	"strings"
	"testing"
)

// A user's store that records no global position: two committed events
// without "position", a read model that applied the first and
// checkpointed without a position. Nothing tells where its checkpoint
// stands among the events.
const unpositioned = `{"schema":"evsim.history/v2"}
{"at":1,"kind":"store-append","node":"store","event":"e1","key":"acct-1","type":"Opened","version":1,"command":"c1","basis":0}
{"at":2,"kind":"store-append","node":"store","event":"e2","key":"acct-1","type":"Deposited","amount":5,"version":2,"command":"c2","basis":1}
{"at":3,"kind":"projection-apply","node":"rm","group":"rm","event":"e1","key":"acct-1","type":"Opened","version":1}
{"at":3,"kind":"checkpoint","node":"rm","group":"rm"}
{"at":4,"kind":"end","drained":true}
`

// Events without a position are not below a checkpoint without one:
// no-hole-below-checkpoint has nothing to judge, rather than calling e2
// a hole "at position 0".
func TestNoHoleBelowCheckpointEventsWithoutPositionAreNotHoles(t *testing.T) {
	res := NoHoleBelowCheckpoint(readHist(t, unpositioned))
	if res.Verdict != Unknown || !strings.Contains(res.Explanation, "no position") {
		t.Fatalf("no-hole-below-checkpoint = %s (%s), want unknown saying the events carry no position", res.Verdict, res.Explanation)
	}
}

// Nor can a checkpoint without a position be said to have reached them:
// bounded-staleness has nothing to judge, rather than holding although
// e2 was never applied.
func TestBoundedStalenessEventsWithoutPositionAreNotJudged(t *testing.T) {
	res := BoundedStaleness(readHist(t, unpositioned))
	if res.Verdict != Unknown || !strings.Contains(res.Explanation, "no position") {
		t.Fatalf("bounded-staleness = %s (%s), want unknown saying the events carry no position", res.Verdict, res.Explanation)
	}
}

// With positions the same history is judged: e2 at position 2 is above
// the checkpoint at 1 (bounded-staleness violated, no hole); a
// checkpoint at 2 passes it (a hole).
func TestPositionedTwinIsJudged(t *testing.T) {
	h := strings.NewReplacer(`"command":"c1"`, `"position":1,"command":"c1"`, `"command":"c2"`, `"position":2,"command":"c2"`,
		`"group":"rm"}`, `"group":"rm","position":1}`).Replace(unpositioned)
	if res := BoundedStaleness(readHist(t, h)); res.Verdict != Violated {
		t.Errorf("bounded-staleness = %s (%s), want violated", res.Verdict, res.Explanation)
	}
	if res := NoHoleBelowCheckpoint(readHist(t, h)); res.Verdict != Holds {
		t.Errorf("no-hole-below-checkpoint = %s (%s), want holds", res.Verdict, res.Explanation)
	}
	h = strings.Replace(h, `"group":"rm","position":1}`, `"group":"rm","position":2}`, 1)
	if res := NoHoleBelowCheckpoint(readHist(t, h)); res.Verdict != Violated {
		t.Errorf("no-hole-below-checkpoint = %s (%s), want violated", res.Verdict, res.Explanation)
	}
}

// One event with a position and one without: the first is judged, and
// the explanation tells of the other.
func TestNoHoleBelowCheckpointTellsOfUnpositionedEvents(t *testing.T) {
	h := strings.NewReplacer(`"command":"c1"`, `"position":1,"command":"c1"`, `"group":"rm"}`, `"group":"rm","position":1}`).Replace(unpositioned)
	res := NoHoleBelowCheckpoint(readHist(t, h))
	if res.Verdict != Holds || !strings.Contains(res.Explanation, "1 committed event(s) carry no position") {
		t.Fatalf("no-hole-below-checkpoint = %s (%s), want holds telling of the event without a position", res.Verdict, res.Explanation)
	}
}
