package checks

import (
	"fmt"

	"github.com/evsim/evsim/model/history"
)

// The built-in aggregates' folds, as the checks compute them on their own
// from the stored events (history.StoreAppend records), so that a state
// the system reports (a snapshot, a load) is judged against the log and
// not against another number the same system computed. They render a
// state the way the built-in aggregates describe it in Snapshot and Load
// records:
//
//	account  Opened, Deposited, Withdrawn  "open=%t balance=%d" (apply logic 1)
//	                                       "open=%t balance=%dc" (logic 2: cents)
//	cart     ItemAdded, ItemRemoved,       "items=%d checked-out=%t"
//	         CheckedOut
//
// A stream with an event type of neither aggregate (a user's aggregate)
// cannot be folded here.

// aggregateState folds events (a stream's first events, in version order)
// with the apply logic logic (0 counts as 1) and renders the state. ok is
// false when the events are not all of one built-in aggregate.
func aggregateState(events []history.Entry, logic int) (state string, ok bool) {
	var account, cart bool
	for _, e := range events {
		switch e.Type {
		case "Opened", "Deposited", "Withdrawn":
			account = true
		case "ItemAdded", "ItemRemoved", "CheckedOut":
			cart = true
		default:
			return "", false
		}
	}
	switch {
	case account && !cart:
		unit := int64(1)
		if logic >= 2 {
			unit = 100
		}
		var open bool
		var balance int64
		for _, e := range events {
			switch e.Type {
			case "Opened":
				open = true
			case "Deposited":
				balance += e.Amount * unit
			case "Withdrawn":
				balance -= e.Amount * unit
			}
		}
		if logic >= 2 {
			return fmt.Sprintf("open=%t balance=%dc", open, balance), true
		}
		return fmt.Sprintf("open=%t balance=%d", open, balance), true
	case cart && !account:
		var items int64
		var out bool
		for _, e := range events {
			switch e.Type {
			case "ItemAdded":
				items += e.Amount
			case "ItemRemoved":
				items -= e.Amount
			case "CheckedOut":
				out = true
			}
		}
		return fmt.Sprintf("items=%d checked-out=%t", items, out), true
	}
	return "", false
}

// storedStreams returns each stream's stored events by version: streams[k][v-1]
// is the first history.StoreAppend record of stream k at version v, or a
// record of Kind "" where the history has none.
func storedStreams(h *history.History) map[string][]history.Entry {
	out := map[string][]history.Entry{}
	for _, r := range h.All() {
		if r.Kind != history.StoreAppend || r.Version < 1 {
			continue
		}
		s := out[r.Key]
		for int64(len(s)) < r.Version {
			s = append(s, history.Entry{})
		}
		if s[r.Version-1].Kind == "" {
			s[r.Version-1] = r
		}
		out[r.Key] = s
	}
	return out
}

// streamPrefix returns the first n events of stream s, or false when the
// history lacks one of them.
func streamPrefix(s []history.Entry, n int64) ([]history.Entry, bool) {
	if n < 0 || n > int64(len(s)) {
		return nil, false
	}
	for _, e := range s[:n] {
		if e.Kind == "" {
			return nil, false
		}
	}
	return s[:n], true
}
