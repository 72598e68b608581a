package model

import (
	"slices"
	"strconv"
	"testing"

	"github.com/evsim/evsim/model/domain"
)

// TestStreamEventsChunks checks a stream's chunked events against a plain
// slice across chunk boundaries: each event in place, the slices of
// every span (one chunk or two), and the folds from every start.
func TestStreamEventsChunks(t *testing.T) {
	var s streamEvents
	var want []StoredEvent
	n := 2*streamChunkLen + 37
	for i := range n {
		e := StoredEvent{ID: "e" + strconv.Itoa(i), Version: int64(i + 1), Type: domain.Deposited, Amount: int64(i%7 + 1)}
		if i == 0 {
			e.Type = domain.Opened
		}
		s.add(e)
		want = append(want, e)
	}
	if s.len() != n || len(s.chunks) != 3 {
		t.Fatalf("%d events in %d chunks, want %d in 3", s.len(), len(s.chunks), n)
	}
	for i := range n {
		if *s.at(i) != want[i] {
			t.Fatalf("event %d is %+v, want %+v", i, *s.at(i), want[i])
		}
	}
	agg := domain.Account{}
	for _, span := range [][2]int{{0, 0}, {0, 1}, {5, 9}, {streamChunkLen - 2, streamChunkLen}, {streamChunkLen - 1, streamChunkLen + 1},
		{streamChunkLen, 2 * streamChunkLen}, {3, 2*streamChunkLen + 5}, {0, n}, {n - 1, n}} {
		lo, hi := span[0], span[1]
		got := s.slice(lo, hi)
		if !slices.Equal(got, want[lo:hi]) {
			t.Fatalf("slice(%d, %d) differs from the events", lo, hi)
		}
		if len(got) > 0 && cap(got) != len(got) {
			t.Fatalf("slice(%d, %d) has room to append into the stream: cap %d, len %d", lo, hi, cap(got), len(got))
		}
		if g, w := s.fold(agg, agg.Initial(), lo, hi), fold(agg, agg.Initial(), want[lo:hi]); g != w {
			t.Fatalf("fold(%d, %d) = %v, want %v", lo, hi, g, w)
		}
	}
	v := streamView{&s, streamChunkLen + 3}
	s.add(StoredEvent{Type: domain.Deposited, Amount: 1000})
	if g, w := v.fold(agg, agg.Initial(), 0), fold(agg, agg.Initial(), want[:streamChunkLen+3]); g != w {
		t.Fatalf("a view folds %v after the stream grew, want %v (its own events)", g, w)
	}
}
