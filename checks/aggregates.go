package checks

import (
	"github.com/evsim/evsim/model/history"
)

// aggregateState folds events (the record indexes of a stream's first
// history.StoreAppend records, in version order, read in place) with the
// apply logic logic (0 counts as 1) of the stream's aggregate (looked up
// in d) and renders the state as the aggregate describes it in Snapshot
// and Load records. ok is false when the stream has no registered
// aggregate; why says so.
func aggregateState(h *history.History, d *domains, key string, events []int32, logic int) (state string, ok bool, why string) {
	f, _, why := d.aggregateOf(key)
	if f == nil {
		return "", false, why
	}
	a := f(max(1, logic))
	s := a.Initial()
	for _, i := range events {
		r := h.Record(int(i))
		s = a.Apply(s, storedEventOf(h, &r))
	}
	return a.Describe(s), true, ""
}

// storedStreams returns each stream's stored events by version, by the
// stream's symbol, read in place: streams[k][v-1] is the index of the
// first history.StoreAppend record of stream k at version v, or -1 where
// the history has none.
func storedStreams(h *history.History) map[history.Sym][]int32 {
	out := map[history.Sym][]int32{}
	for i, r := range h.Compact(history.StoreAppend) {
		if r.Version < 1 {
			continue
		}
		s := out[r.Key]
		for int64(len(s)) < r.Version {
			s = append(s, -1)
		}
		if s[r.Version-1] < 0 {
			s[r.Version-1] = int32(i)
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
func streamPrefix(s []int32, n int64) ([]int32, bool) {
	if n < 0 || n > int64(len(s)) {
		return nil, false
	}
	for _, i := range s[:n] {
		if i < 0 {
			return nil, false
		}
	}
	return s[:n], true
}
