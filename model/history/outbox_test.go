package history

import (
	"bytes"
	"reflect"
	"strings"
	"testing"
)

// TestStorePublisherRoundTrip: a store-publisher record is written, read
// back and rendered like any other.
func TestStorePublisherRoundTrip(t *testing.T) {
	h := FromEntries([]Entry{
		{Kind: StorePublisher, Node: "relay-0", Topic: "account-events"},
		{At: 5, Kind: Publish, Node: "relay-0", Topic: "account-events", Event: "c1/e1", Key: "acct-1", Type: "Deposited", Amount: 3},
	})
	var b bytes.Buffer
	if err := h.WriteJSONL(&b); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(b.String(), `{"at":0,"kind":"store-publisher","node":"relay-0","topic":"account-events"}`) {
		t.Errorf("JSON Lines:\n%s", b.String())
	}
	got, err := ReadJSONL("h.jsonl", &b)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got.Entries(), h.Entries()) {
		t.Errorf("read back %+v, want %+v", got.Entries(), h.Entries())
	}
	if s := h.At(0).String(); !strings.HasSuffix(s, "store-publisher relay-0 account-events") {
		t.Errorf("String() = %q", s)
	}
}
