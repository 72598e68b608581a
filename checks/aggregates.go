package checks

import (
	"github.com/evsim/evsim/model/history"
)

// aggregateState folds events (a stream's first events, in version order)
// with the apply logic logic (0 counts as 1) of the stream's aggregate
// (looked up in d) and renders the state as the aggregate describes it in
// Snapshot and Load records. ok is false when the stream has no
// registered aggregate; why says so.
func aggregateState(d *domains, key string, events []history.Entry, logic int) (state string, ok bool, why string) {
	f, _, why := d.aggregateOf(key)
	if f == nil {
		return "", false, why
	}
	a := f(max(1, logic))
	s := a.Initial()
	for _, e := range events {
		s = a.Apply(s, eventOf(e, e.Version))
	}
	return a.Describe(s), true, ""
}

// storedStreams returns each stream's stored events by version: streams[k][v-1]
// is the first history.StoreAppend record of stream k at version v, or a
// record of Kind "" where the history has none.
func storedStreams(h *history.History) map[string][]history.Entry {
	out := map[string][]history.Entry{}
	for _, r := range h.OfKind(history.StoreAppend) {
		if r.Version < 1 {
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

// storedVersions is storedStreams(h)[key] by record index, read in
// place: s[v-1] is the index of the first history.StoreAppend record of
// version v of stream key, -1 when the history has none.
func storedVersions(h *history.History, key string) []int {
	y, ok := h.Lookup(key)
	if !ok {
		return nil // no record names the stream
	}
	var s []int
	for i, r := range h.Compact(history.StoreAppend) {
		if r.Key != y || r.Version < 1 {
			continue
		}
		for int64(len(s)) < r.Version {
			s = append(s, -1)
		}
		if s[r.Version-1] < 0 {
			s[r.Version-1] = i
		}
	}
	return s
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
