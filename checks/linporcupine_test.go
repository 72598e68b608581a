package checks

import (
	"strings"
	"testing"

	"github.com/evsim/evsim/model/history"
)

// TestContextAnnotations: between the first call and the last return of
// the drawn operations, crashes and restarts of any node, the read
// model's applies of the drawn account and its checkpoints are annotated;
// applies of other accounts and records outside the span are not.
func TestContextAnnotations(t *testing.T) {
	h := history.FromEntries([]history.Entry{
		{At: 0, Kind: history.Crash, Node: "early"},
		{At: 1, Kind: history.Command, Node: "teller-0", Key: "a"},
		{At: 2, Kind: history.Crash, Node: "balances", CrashPoint: "before-apply"},
		{At: 3, Kind: history.Restart, Node: "balances"},
		{At: 4, Kind: history.ProjectionApply, Node: "balances", Group: "balances", Key: "b", Type: "Deposited", Amount: 5, Value: 5},
		{At: 5, Kind: history.ProjectionApply, Node: "balances", Group: "balances", Key: "a", Type: "Deposited", Amount: 7, Value: 7},
		{At: 6, Kind: history.Checkpoint, Node: "balances", Group: "balances", Position: 2},
		{At: 7, Kind: history.CommandReturn, Node: "teller-0", Key: "a"},
		{At: 8, Kind: history.Crash, Node: "late"},
	})
	got := contextAnnotations(h, "a", []linOp{{Call: 1, Return: 7}})
	var lines []string
	for _, a := range got {
		lines = append(lines, a.Tag+"@"+string(rune('0'+a.Start))+": "+a.Description)
	}
	want := []string{
		"crashes@2: ✕ balances crashed",
		"crashes@3: △ balances restarted",
		"balances (read model)@5: applied Deposited 7: a = 7",
		"balances (read model)@6: checkpoint 2",
	}
	if strings.Join(lines, "\n") != strings.Join(want, "\n") {
		t.Errorf("annotations:\n%s\nwant:\n%s", strings.Join(lines, "\n"), strings.Join(want, "\n"))
	}
	if contextAnnotations(h, "a", nil) != nil {
		t.Error("no operations: want no annotations")
	}
}
