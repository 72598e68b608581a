package checks

import (
	"strings"
	"testing"

	"github.com/evsim/evsim/model/history"
)

// batchApp is a store-append of command c to stream a.
func batchApp(at int64, event string, version, basis int64, c string) history.Entry {
	return history.Entry{At: at, Kind: history.StoreAppend, Node: "store", Key: "a", Event: event, Type: "Deposited",
		Amount: 1, Version: version, Basis: basis, Command: c, Expected: "any"}
}

// A store that stamps each event of a batch separately (1 ns apart) still
// appends one batch per command: no "appended twice".
func TestStreamIntegrityBatchStampedPerEventIsOneBatch(t *testing.T) {
	for _, withCommand := range []bool{true, false} {
		var es []history.Entry
		if withCommand {
			es = append(es, history.Entry{At: 1, Kind: history.Command, Node: "s", Command: "c1", Key: "a", Attempt: 1})
		}
		es = append(es, batchApp(10, "x1", 1, 0, "c1"), batchApp(11, "x2", 2, 0, "c1"), batchApp(12, "x3", 3, 0, "c1"))
		if r := StreamIntegrity(history.FromEntries(es)); r.Verdict != Holds {
			t.Errorf("command recorded %v: %s: %s", withCommand, r.Verdict, r.Explanation)
		}
	}
}

// A retry that did not reload the stream (same basis) after a lost
// answer appends the command again right after its first batch: the
// retry's command record between them says it is a second batch, even
// at the same instant.
func TestStreamIntegrityRetryWithoutReloadIsAppendedTwice(t *testing.T) {
	es := []history.Entry{
		{At: 1, Kind: history.Command, Node: "s", Command: "c1", Key: "a", Attempt: 1},
		batchApp(10, "c1.1/e1", 1, 0, "c1"),
		{At: 10, Kind: history.LostAnswer, Node: "store", Command: "c1", Key: "a", Outcome: history.OutcomeOK, Version: 1},
		{At: 10, Kind: history.Command, Node: "s", Command: "c1", Key: "a", Attempt: 2, Outcome: history.OutcomeUnknown},
		batchApp(10, "c1.2/e1", 2, 0, "c1"),
	}
	if r := StreamIntegrity(history.FromEntries(es)); r.Verdict != Violated || !strings.Contains(r.Explanation, "without reloading") {
		t.Errorf("%s: %s", r.Verdict, r.Explanation)
	}
}

// A retry that reloaded the stream decides on a later version: its events
// are a second batch even when stamped at the first batch's instant with
// nothing recorded between them.
func TestStreamIntegrityRetryOnNewBasisIsAppendedTwice(t *testing.T) {
	es := []history.Entry{batchApp(10, "c1.1/e1", 1, 0, "c1"), batchApp(10, "c1.2/e1", 2, 1, "c1")}
	if r := StreamIntegrity(history.FromEntries(es)); r.Verdict != Violated {
		t.Errorf("%s: %s", r.Verdict, r.Explanation)
	}
}
