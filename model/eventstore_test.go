package model

import (
	"testing"

	"github.com/evsim/evsim/model/history"
	"github.com/evsim/evsim/sim"
)

// answers collects the event store's answers to appends.
type answers struct{ got []*appendReply }

func (a *answers) Handle(_ *sim.World, ev *sim.Event) { a.got = append(a.got, ev.Msg.(*appendReply)) }

// TestIdempotentAppendAsEventStoreDB: an append whose events are all in
// the stream already succeeds without appending; one whose events are
// only partly there is refused as a wrong expected version, with an
// expected version or with any, as EventStoreDB answers. The first
// appends expect versions, so the stream's index of ids is built when the
// first append with any needs it, and kept up to date after.
func TestIdempotentAppendAsEventStoreDB(t *testing.T) {
	w := sim.New(1)
	h := &history.History{}
	s := newEventStore(StoreConfig{Position: PositionAtCommit}, h, w.Stream())
	s.id = w.Add("event-store", s)
	a := &answers{}
	client := w.Add("client", a)
	evs := func(ids ...string) []StoredEvent {
		var out []StoredEvent
		for _, id := range ids {
			out = append(out, StoredEvent{ID: id, Type: "Deposited"})
		}
		return out
	}
	send := func(exp Expected, ids ...string) history.Outcome {
		t.Helper()
		n := len(a.got)
		w.Send(client, s.id, kindStoreAppend, 0, 0, &appendMsg{from: client, key: "acct-0", expected: exp, events: evs(ids...)})
		w.Stabilize(1000)
		if len(a.got) != n+1 {
			t.Fatalf("append %v: %d answers, want 1", ids, len(a.got)-n)
		}
		return a.got[n].outcome
	}
	ok, conflict := history.OutcomeOK, history.OutcomeConflict
	for _, c := range []struct {
		exp  Expected
		ids  []string
		want history.Outcome
	}{
		{Expected{Version: 0}, []string{"e1", "e2"}, ok},
		{Expected{Version: 0}, []string{"e1", "e2"}, ok},       // all there: idempotent
		{Expected{Version: 0}, []string{"e1", "e3"}, conflict}, // partly there
		{Expected{Version: 1}, []string{"e9"}, conflict},       // none there, behind the stream
		{Expected{Any: true}, []string{"e2"}, ok},              // all there
		{Expected{Any: true}, []string{"e2", "e3"}, conflict},  // partly there
		{Expected{Any: true}, []string{"e3"}, ok},              // new
		{Expected{Any: true}, []string{"e3"}, ok},              // all there: the index of ids follows the appends
	} {
		if got := send(c.exp, c.ids...); got != c.want {
			t.Errorf("append %v expecting %+v: %s, want %s", c.ids, c.exp, got, c.want)
		}
	}
	if n := len(s.Events("acct-0")); n != 3 {
		t.Errorf("stream has %d events, want 3 (e1, e2, e3)", n)
	}
}
