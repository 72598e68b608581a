package model

import (
	"strconv"
	"testing"

	"github.com/evsim/evsim/model/history"
	"github.com/evsim/evsim/sim"
)

// reads collects the event store's answers to reads of the global log.
type reads struct{ got []*readAllReply }

func (r *reads) Handle(_ *sim.World, ev *sim.Event) { r.got = append(r.got, ev.Msg.(*readAllReply)) }

// TestGlobalLogAcrossChunks: the global log keeps every position across
// its chunks, reserved ones included. Appends to two streams, each
// position reserved before its commit, fill more than two chunks; a read
// of the whole log from each of several checkpoints returns the committed
// events after it in position order, each the one its stream holds at
// that version.
func TestGlobalLogAcrossChunks(t *testing.T) {
	w := sim.New(1)
	h := &history.History{}
	s := newEventStore(StoreConfig{Position: PositionReserved}, h, w.Stream())
	s.id = w.Add("event-store", s)
	client := w.Add("client", &answers{})
	r := &reads{}
	reader := w.Add("reader", r)
	const n = 2*(1<<eventLogBits) + 100
	for i := range n {
		key := "acct-" + strconv.Itoa(i%2)
		w.Send(client, s.id, kindStoreAppend, 0, 0, &appendMsg{from: client, key: key, expected: Expected{Any: true},
			events: []StoredEvent{{ID: "e" + strconv.Itoa(i), Type: "Deposited", Amount: int64(i)}}})
		w.Stabilize(1000)
	}
	if got := s.log.len(); got != n {
		t.Fatalf("log holds %d positions, want %d", got, n)
	}
	if got := s.Head(); got != n {
		t.Fatalf("head %d, want %d", got, n)
	}
	for _, after := range []int64{0, 1<<eventLogBits - 1, 1 << eventLogBits, n - 3} {
		w.Send(reader, s.id, kindStoreReadAll, 0, 0, &readAllMsg{from: reader, max: n, after: after})
		w.Stabilize(1000)
		got := r.got[len(r.got)-1].events
		if int64(len(got)) != n-after {
			t.Fatalf("read after %d: %d events, want %d", after, len(got), n-after)
		}
		for j, e := range got {
			pos := after + int64(j) + 1
			key := "acct-" + strconv.Itoa(int(pos-1)%2)
			if e.Position != pos || e.ID != "e"+strconv.Itoa(int(pos-1)) || e.Stream != key {
				t.Fatalf("read after %d: event %d is %s of %s at position %d, want e%d of %s at %d", after, j, e.ID, e.Stream, e.Position, pos-1, key, pos)
			}
			if st := *s.streams[key].events.at(int(e.Version - 1)); st != e {
				t.Fatalf("position %d: the log's event %+v differs from its stream's %+v", pos, e, st)
			}
		}
	}
}
