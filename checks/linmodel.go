package checks

import (
	"fmt"
	"reflect"

	"github.com/evsim/evsim/model/domain"
	"github.com/evsim/evsim/model/history"
)

// linModel is the sequential specification of one aggregate, for the
// linearizability search: the aggregate's own Decide and Apply (looked
// up by the name the history records), and a table that numbers the
// states met so that the search can remember them.
type linModel struct {
	agg domain.Aggregate
	// h is the history whose symbols the operations name, key the
	// aggregate's.
	h   *history.History
	key string
	// states numbers the states met; the aggregates of one history share
	// it, one search at a time ([linModel.restart]).
	states *stateIDs
	// changes holds the changes of the last decision, its memory reused.
	changes []domain.Change
}

// stateIDs numbers states: comparable ones by value, the others by their
// Describe.
type stateIDs struct {
	ids  map[any]uint64
	strs map[string]uint64
}

// newLinModel returns the specification of aggregate key of h, numbering
// its states in states (nil: a table of its own).
func newLinModel(agg domain.Aggregate, h *history.History, key string, states *stateIDs) *linModel {
	if states == nil {
		states = &stateIDs{}
	}
	m := &linModel{agg: agg, h: h, key: key, states: states}
	m.restart()
	return m
}

// restart empties the table of states, keeping its memory, for a search
// of this aggregate: the states are numbered from its initial state, 0.
// A search compares the numbers of the states it met only with each
// other, so each may number them afresh.
func (m *linModel) restart() {
	t := m.states
	if t.ids == nil {
		t.ids, t.strs = map[any]uint64{}, map[string]uint64{}
	}
	clear(t.ids)
	clear(t.strs)
	m.id(m.agg.Initial())
}

// id returns the number of state s (the initial state is 0).
func (m *linModel) id(s any) uint64 {
	t := m.states
	if ty := reflect.TypeOf(s); ty == nil || ty.Comparable() {
		if id, ok := t.ids[s]; ok {
			return id
		}
		id := uint64(len(t.ids) + len(t.strs))
		t.ids[s] = id
		return id
	}
	d := m.agg.Describe(s)
	if id, ok := t.strs[d]; ok {
		return id
	}
	id := uint64(len(t.ids) + len(t.strs))
	t.strs[d] = id
	return id
}

// linState is the state of one aggregate in the search: its state, how
// many events its stream holds (a read finds a row once it holds one),
// and the state's number. The zero linState is the initial state.
type linState struct {
	s       any
	version int64
	id      uint64
}

// String renders st without its aggregate: the state's Go value.
func (st linState) String() string {
	if st.s == nil {
		return "empty stream"
	}
	return fmt.Sprintf("%v at version %d", st.s, st.version)
}

func (m *linModel) state(st linState) any {
	if st.s == nil {
		return m.agg.Initial()
	}
	return st.s
}

func (m *linModel) describe(st linState) string {
	if st.version == 0 {
		return "empty stream (" + m.agg.Describe(m.state(st)) + ")"
	}
	return fmt.Sprintf("%s at version %d", m.agg.Describe(m.state(st)), st.version)
}

// takesEffect reports whether command o, decided on st, takes effect (the
// aggregate accepts it), and the state after its events.
func (m *linModel) takesEffect(st linState, o *linOp) (bool, linState) {
	s := m.state(st)
	changes, reason := domain.DecideInto(m.agg, m.changes[:0], s, o.command())
	if cap(changes) > cap(m.changes) {
		m.changes = changes[:0]
	}
	if reason != "" {
		return false, st
	}
	for i, c := range changes {
		s = m.agg.Apply(s, domain.Event{Stream: m.key, Type: c.Type, Amount: c.Amount, Payload: c.Payload, Version: st.version + int64(i) + 1})
	}
	return true, linState{s: s, version: st.version + int64(len(changes)), id: m.id(s)}
}

// step is the sequential specification: whether operation o may take
// place in state st with the answer it got, and the state after it. A
// command answered ok must take effect and report the value (Aggregate.Value)
// after it; a rejected one must be refused and report the value it saw;
// an outApplied command must take effect. A read must find a row exactly
// when the stream holds an event, and see its value. An outMaybe command
// is legal here only if it takes effect: "not applied" is the same as
// linearizing it after everything, which the search grants by never
// requiring it.
func (m *linModel) step(st linState, o *linOp) (bool, linState) {
	if o.Read {
		return o.Found == (st.version > 0) && (!o.Found || o.Value == m.agg.Value(m.state(st))), st
	}
	effect, next := m.takesEffect(st, o)
	switch o.Out {
	case outOK:
		return effect && o.Value == m.agg.Value(next.s), next
	case outRejected:
		return !effect && o.Value == m.agg.Value(m.state(st)), st
	}
	// outApplied and outMaybe
	return effect, next
}
