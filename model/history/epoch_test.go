package history

import (
	"bytes"
	"strings"
	"testing"
)

// TestEpochInJSONL: an idempotent producer's epoch is written as "epoch"
// and read back; at epoch 0 it is left out, so histories without a bumped
// epoch read and write as they always did.
func TestEpochInJSONL(t *testing.T) {
	h := FromEntries([]Entry{
		{At: 1, Kind: Append, Node: "broker", Topic: "t", Event: "p-1", ProducerID: 1, Seq: 4},
		{At: 2, Kind: Append, Node: "broker", Topic: "t", Offset: 1, Event: "p-2", ProducerID: 1, Epoch: 1},
	})
	var buf bytes.Buffer
	if err := h.WriteJSONL(&buf); err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(buf.String()), "\n")
	if strings.Contains(lines[1], "epoch") || !strings.Contains(lines[2], `"epoch":1`) {
		t.Fatalf("epoch 0 must be left out, epoch 1 written:\n%s", buf.String())
	}
	got, err := ReadJSONL("h.jsonl", &buf)
	if err != nil {
		t.Fatal(err)
	}
	if got.At(0).Epoch != 0 || got.At(1).Epoch != 1 {
		t.Fatalf("read epochs %d and %d, want 0 and 1", got.At(0).Epoch, got.At(1).Epoch)
	}
}
