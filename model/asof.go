package model

import (
	"fmt"
	"time"

	"github.com/evsim/evsim/model/history"
	"github.com/evsim/evsim/sim"
)

// ReadAsOf asks for an aggregate's state as of a past time: its stream
// replayed up to that time.
const ReadAsOf Consistency = "as-of"

// AsOfBy is the clock an as-of query replays the stream by.
type AsOfBy string

// As-of clocks.
const (
	// AsOfCommit replays the stream up to its last event the store
	// committed at or before the time: the state a reader could have
	// seen then (EventStoreDB reading a stream to a revision, Marten's
	// AggregateStreamAsync with a timestamp, which filters on the time the
	// database stored the event).
	AsOfCommit AsOfBy = "commit"
	// AsOfClientStamp folds the events whose application timestamp (the
	// occurred-at the writer stamped before its append) is at or before
	// the time: an event stamped before the time but committed after it
	// is counted, so the answer can be a state the store never held then.
	AsOfClientStamp AsOfBy = "client-stamp"
)

// AsOf is how an as-of query client asks: each query is about the time
// a lookback drawn uniformly from [LookbackMin, LookbackMax] before now.
type AsOf struct {
	LookbackMin, LookbackMax time.Duration
	By                       AsOfBy
}

// validateAsOf reports what is wrong with an as-of query client.
func (q QueryConfig) validateAsOf() error {
	if q.Consistency != ReadAsOf {
		return nil
	}
	switch q.AsOf.By {
	case AsOfCommit, AsOfClientStamp:
	default:
		return fmt.Errorf("query client %q: unknown as-of clock %q", q.Name, q.AsOf.By)
	}
	if q.AsOf.LookbackMin <= 0 || q.AsOf.LookbackMin > q.AsOf.LookbackMax {
		return fmt.Errorf("query client %q: lookback %v..%v: want 0 < min <= max", q.Name, q.AsOf.LookbackMin, q.AsOf.LookbackMax)
	}
	return nil
}

// asOfTime draws the past time an as-of query asks about (never before
// the start of the run).
func (s *Session) asOfTime(w *sim.World) int64 {
	d := int64(s.asOf.LookbackMin)
	if span := int64(s.asOf.LookbackMax - s.asOf.LookbackMin); span > 0 {
		d += s.rng.Int64N(span + 1)
	}
	return max(0, int64(w.Now())-d)
}

// answerAsOf answers the pending as-of query from a read of the whole
// stream: the events at or before its time, by the session's clock,
// folded from the initial state. The version answered is that of the
// last event folded.
func (s *Session) answerAsOf(w *sim.World, events streamView) {
	s.query.logic = s.env.logic(w.Now())
	agg := s.env.factory(s.query.logic)
	state := agg.Initial()
	var version int64
	for i := range events.len() {
		e := events.at(i)
		at := e.CommittedAt
		if s.asOf.By == AsOfClientStamp {
			at = e.OccurredAt
		}
		if at > s.query.asOf {
			if s.asOf.By == AsOfCommit {
				break
			}
			continue
		}
		state = agg.Apply(state, *e)
		version = e.Version
	}
	s.answer(w, agg.Value(state), version, 0, history.OutcomeOK)
}
