package domain_test

import (
	"testing"

	"github.com/evsim/evsim/model/domain"
	"github.com/evsim/evsim/model/history"
)

// TestSeatsReadModelFollowsItsStream: the example's read model, kept by
// the value projection of the Seats aggregate, ends with each room's
// row equal to Value of the fold of its stream. A FromRow that forgets
// what Value keeps passes projection-equals-fold (which folds with the
// same projection) while every row is wrong: this catches it.
func TestSeatsReadModelFollowsItsStream(t *testing.T) {
	o, err := room("").Run(1)
	if err != nil {
		t.Fatal(err)
	}
	a := Seats{}
	streams := map[string][]domain.Event{}
	rows := map[string]int64{}
	for _, r := range o.History.All() {
		switch r.Kind {
		case history.StoreAppend:
			streams[r.Key] = append(streams[r.Key], domain.Event{ID: r.Event, Stream: r.Key, Type: r.Type, Amount: r.Amount,
				Payload: r.Payload, Version: r.Version})
		case history.ProjectionApply:
			rows[r.Key] = r.Value
		}
	}
	if len(streams) == 0 {
		t.Fatal("no event was stored")
	}
	for k, evs := range streams {
		want := a.Value(domain.Fold(a, a.Initial(), evs))
		if rows[k] != want {
			t.Errorf("%s: read model row %b after %d events, want %b (Value of the fold)", k, rows[k], len(evs), want)
		}
	}
}
