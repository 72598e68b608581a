package history

import (
	"bytes"
	"reflect"
	"testing"
)

func TestReplicationRecordsRoundTrip(t *testing.T) {
	h := FromEntries([]Entry{
		{At: 1, Kind: PartitionChange, Node: "broker-2", Topic: "t", Partition: 1, Generation: 3,
			Partitions: "broker-2,broker-3", Election: Election(ElectionClean)},
		{At: 2, Kind: PartitionChange, Topic: "t", Generation: 4, Partitions: "broker-1", Election: Election(ElectionOffline)},
		{At: 3, Kind: Truncate, Node: "broker-1", Topic: "t", Offset: 23, Count: 1},
	})
	var buf bytes.Buffer
	if err := h.WriteJSONL(&buf); err != nil {
		t.Fatal(err)
	}
	got, err := ReadJSONL("h.jsonl", &buf)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got.Entries(), h.Entries()) {
		t.Fatalf("read back %v, want %v", got.Entries(), h.Entries())
	}
	want := []string{
		"+1ns           partition-change broker-2 t/1 (clean) epoch=3 isr=broker-2,broker-3",
		"+2ns           partition-change t/0 (offline) epoch=4 isr=broker-1",
		"+3ns           truncate      broker-1 t/0@23 dropped=1",
	}
	for i, r := range h.All() {
		if s := r.String(); s != want[i] {
			t.Errorf("record %d renders %q, want %q", i, s, want[i])
		}
	}
}
