package model

import (
	"testing"
	"unsafe"
)

// TestBacklogStaysInPlace: a partition's pending records longer than a
// batch are sent a batch at a time from where they are, not moved to the
// front of their array at each batch (which would cost the backlog's
// length per batch, its square in all); a rest no longer than the batch
// moves to the front, so that the array keeps its room.
func TestBacklogStaysInPlace(t *testing.T) {
	cfg := benchConfig(CommitInterval)
	cfg.Producers[0].Idempotent, cfg.Producers[0].MaxInFlight, cfg.Producers[0].BatchMax = false, 1, 10
	w, s, _ := buildSystem(t, cfg, 1)
	s.Start()
	p := s.Producers[0]
	const part = 3
	backlog := make([]Record, 1000, 1024)
	for i := range backlog {
		backlog[i] = Record{Key: "k", Amount: int64(i)}
	}
	p.pending[part], p.ready = backlog, []int{part}
	p.pump(w)
	if got := p.pending[part]; len(got) != 990 || unsafe.SliceData(got) != &backlog[10] || got[0].Amount != 10 {
		t.Fatalf("after one batch of a backlog of 1000: %d pending from element %d, want 990 in place from element 10",
			len(got), (uintptr(unsafe.Pointer(unsafe.SliceData(got)))-uintptr(unsafe.Pointer(&backlog[0])))/unsafe.Sizeof(Record{}))
	}
	short := make([]Record, 15, 64)
	for i := range short {
		short[i] = Record{Key: "k", Amount: int64(i)}
	}
	p.inflight = p.inflight[:0]
	p.pending[part], p.ready = short, []int{part}
	p.pump(w)
	if got := p.pending[part]; len(got) != 5 || unsafe.SliceData(got) != &short[0] || got[0].Amount != 10 || short[5] != (Record{}) {
		t.Fatalf("after one batch of 15: %d pending, want the 5 left moved to the front and the rest cleared", len(got))
	}
}
