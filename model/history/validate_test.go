package history

import (
	"strings"
	"testing"
)

// TestValidateAfterChange: a history validated clean and changed after
// is validated again: a record added out of order, a record Set earlier
// than the one before it (or later than the one after it), and a
// history Reset and refilled out of order are each refused with the
// message a history never validated gives; a change that keeps the order
// is still valid.
func TestValidateAfterChange(t *testing.T) {
	clean := func() *History {
		h := FromEntries([]Entry{{At: 1, Kind: Publish}, {At: 5, Kind: Append}, {At: 9, Kind: Deliver}})
		if err := h.Validate(); err != nil {
			t.Fatalf("valid history refused: %v", err)
		}
		return h
	}
	fresh := func(h *History) string {
		err := FromEntries(h.Entries()).Validate()
		if err == nil {
			t.Fatalf("planted bad record not refused by a fresh history")
		}
		return err.Error()
	}
	for _, c := range []struct {
		name   string
		change func(h *History)
		want   string
	}{
		{"added earlier", func(h *History) { h.Add(Entry{At: 2, Kind: End}) }, "record 4 (end at 2)"},
		{"added negative", func(h *History) { h.Add(Entry{At: -3, Kind: End}) }, "record 4 (end) has negative time -3"},
		{"set earlier than its predecessor", func(h *History) { h.Set(2, Entry{At: 4, Kind: Deliver}) }, "record 3 (deliver at 4)"},
		{"set later than its successor", func(h *History) { h.Set(1, Entry{At: 10, Kind: Append}) }, "record 3 (deliver at 9)"},
		{"set first negative", func(h *History) { h.Set(0, Entry{At: -1, Kind: Publish}) }, "record 1 (publish) has negative time"},
		{"reset and refilled", func(h *History) {
			h.SetEntries([]Entry{{At: 7, Kind: Publish}, {At: 6, Kind: Append}})
		}, "record 2 (append at 6)"},
	} {
		h := clean()
		c.change(h)
		err := h.Validate()
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: Validate = %v, want an error naming %q", c.name, err, c.want)
			continue
		}
		if want := fresh(h); err.Error() != want {
			t.Errorf("%s: Validate = %q, a fresh history's = %q", c.name, err, want)
		}
		if again := h.Validate(); again == nil || again.Error() != err.Error() {
			t.Errorf("%s: second Validate = %v, want %v", c.name, again, err)
		}
	}
	h := clean()
	h.Set(1, Entry{At: 6, Kind: Append})
	h.Add(Entry{At: 9, Kind: End})
	if err := h.Validate(); err != nil {
		t.Fatalf("history changed in order refused: %v", err)
	}
}

// TestMaxAt: MaxAt is the latest time of any record, 0 for none or for
// negative times only, whether or not the history was validated, and
// after a change that a validation did not see.
func TestMaxAt(t *testing.T) {
	if got := (&History{}).MaxAt(); got != 0 {
		t.Errorf("empty history: MaxAt %d, want 0", got)
	}
	if got := FromEntries([]Entry{{At: -4, Kind: End}}).MaxAt(); got != 0 {
		t.Errorf("negative times: MaxAt %d, want 0", got)
	}
	h := FromEntries([]Entry{{At: 1, Kind: Publish}, {At: 9, Kind: Append}, {At: 5, Kind: Deliver}})
	if got := h.MaxAt(); got != 9 {
		t.Errorf("out of order: MaxAt %d, want 9", got)
	}
	h.Set(1, Entry{At: 3, Kind: Append})
	if err := h.Validate(); err != nil {
		t.Fatal(err)
	}
	if got := h.MaxAt(); got != 5 {
		t.Errorf("validated: MaxAt %d, want 5", got)
	}
	h.Set(0, Entry{At: 12, Kind: Publish})
	if got := h.MaxAt(); got != 12 {
		t.Errorf("changed after validation: MaxAt %d, want 12", got)
	}
	h.Add(Entry{At: 20, Kind: End})
	if got := h.MaxAt(); got != 20 {
		t.Errorf("added after validation: MaxAt %d, want 20", got)
	}
}
