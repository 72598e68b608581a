package reports

import (
	"strings"
	"testing"

	"github.com/evsim/evsim/model/history"
)

// TestOffsetExpiriesAreNotMemberExpiries: a group's offsets deleted by
// retention are not ticked or counted as a member's session expiry.
func TestOffsetExpiriesAreNotMemberExpiries(t *testing.T) {
	h := history.FromEntries([]history.Entry{
		{At: 1e9, Kind: history.Expire, Node: "ledger-0", Group: "ledger"},
		{At: 2e9, Kind: history.Expire, Node: "broker", Group: "ledger", Partition: 1, Offset: 7, LeaveReason: history.ExpireOffsetsRetention},
	})
	if alt := causesAlt(h); !strings.Contains(alt, "0 rebalances and 1 session expiries") {
		t.Fatalf("alt text %q, want 1 session expiry counted", alt)
	}
	if _, ex := newCauseTicks(h); len(ex.xs) != 1 {
		t.Fatalf("%d expiry ticks, want 1", len(ex.xs))
	}
}
