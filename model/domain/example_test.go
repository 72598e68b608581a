package domain_test

import (
	"encoding/json"
	"fmt"
	"time"

	"github.com/evsim/evsim/checks"
	"github.com/evsim/evsim/model"
	"github.com/evsim/evsim/model/domain"
	"github.com/evsim/evsim/model/history"
	"github.com/evsim/evsim/scenarios"
)

// Seats is a user's aggregate: the eight seats of a small room. A Book
// command names its seat in Amount and its guest in Payload; the Booked
// event carries both in a payload of its own type.
type Seats struct{}

// SeatsState has a bit per booked seat; it is comparable, so the
// linearizability search can remember it.
type SeatsState struct{ Booked uint8 }

// Booking is the payload of a Booked event.
type Booking struct {
	Seat  int    `json:"seat"`
	Guest string `json:"guest"`
}

func (Seats) Initial() any { return SeatsState{} }

func (Seats) Apply(s any, e domain.Event) any {
	st := s.(SeatsState)
	var b Booking
	if err := json.Unmarshal([]byte(e.Payload), &b); err == nil && e.Type == "Booked" {
		st.Booked |= 1 << b.Seat
	}
	return st
}

func (Seats) Decide(s any, c domain.Command) ([]domain.Change, string) {
	st := s.(SeatsState)
	if c.Type != "Book" {
		return nil, domain.UnknownCommand(c)
	}
	if c.Amount < 0 || c.Amount > 7 || st.Booked&(1<<c.Amount) != 0 {
		return nil, "seat taken"
	}
	p, _ := json.Marshal(Booking{Seat: int(c.Amount), Guest: c.Payload})
	return []domain.Change{{Type: "Booked", Payload: string(p)}}, ""
}

func (Seats) Describe(s any) string { return fmt.Sprintf("booked=%08b", s.(SeatsState).Booked) }

// Value is the seats booked, a bit per seat: what a command answers and
// the row the value projection keeps. It keeps the whole state, so that
// FromRow can give it back: the value projection folds each event onto
// FromRow of the row before it. (A count of free seats could not say
// which seat a row has booked.)
func (Seats) Value(s any) int64 { return int64(s.(SeatsState).Booked) }

// FromRow is the state whose Value is the row.
func (Seats) FromRow(value, _ int64) any { return SeatsState{Booked: uint8(value)} }

// The aggregate and the projection are registered once per process,
// before any run: registering a name twice panics.
func init() {
	checks.RegisterDomain("seats", func(int) domain.Aggregate { return Seats{} })
	checks.RegisterProjection("a-guests", domain.ProjectionFunc(aGuests))
}

// room is an event-sourced system around the seats: two box offices book
// seats of two rooms at the same time, with an expected version and
// retries, and a projector keeps a read model.
func room(projection string) *scenarios.Scenario {
	const d = 300 * time.Millisecond
	return &scenarios.Scenario{
		Name: "room", File: "example_test.go", Duration: d, Drain: 10 * time.Second,
		ES: model.ESConfig{
			Store:     model.StoreConfig{Position: model.PositionAtCommit, CommitDelayMax: 2 * time.Millisecond},
			Aggregate: "seats",
			Clients: []model.ClientConfig{{Name: "box-office", Sessions: 2, Keys: 2, Prefix: "room-", Interval: 10 * time.Millisecond,
				Commands:    []model.CommandSpec{{Type: "Book", AmountMin: 0, AmountMax: 7, Payload: "ada", Weight: 1}},
				Concurrency: model.ConcurrencyExact, Validate: model.ValidateWriteModel, Retries: 3, RetryIDs: model.RetrySameIDs, Stop: d}},
			Projectors: []model.ProjectorConfig{{Name: "rooms", Projection: projection, Batch: 5,
				PollInterval: 5 * time.Millisecond, Checkpoint: model.CheckpointSameTx, Gap: model.GapWait}},
		},
		Checks: []string{"linearizable", "stream-integrity", "no-overdraft", "projection-equals-fold"},
	}
}

// A user's aggregate, registered by name, runs in the simulator and is
// judged by its own rules: the linearizability check replays the answers
// against Seats' Decide and Apply.
func Example_aggregate() {
	o, err := room("").Run(1)
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, r := range o.Results {
		fmt.Printf("%s: %s\n", r.Check, r.Verdict)
	}
	// Output:
	// linearizable: holds
	// stream-integrity: holds
	// no-overdraft: holds
	// projection-equals-fold: holds
}

// aGuests is a user's projection: the bookings made by guests whose name
// starts with "a", folded from the events' payloads.
func aGuests(row int64, e domain.Event) int64 {
	var b Booking
	if json.Unmarshal([]byte(e.Payload), &b) == nil && b.Guest != "" && b.Guest[0] == 'a' {
		return row + 1
	}
	return row
}

// A user's projection, registered by name (see init): the read model
// keeps, per room, the bookings of guests whose name starts with "a". The
// projector applies it, and projection-equals-fold folds the log with
// the same function to judge every row.
func Example_projection() {
	o, err := room("a-guests").Run(1)
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, r := range o.Results {
		if r.Check == "projection-equals-fold" {
			fmt.Printf("%s: %s\n", r.Check, r.Verdict)
		}
	}
	rows := map[string]int64{}
	for _, r := range o.History.All() {
		if r.Kind == history.ProjectionApply {
			rows[r.Key] = r.Value
		}
	}
	fmt.Println("room-0:", rows["room-0"], "room-1:", rows["room-1"])
	// Output:
	// projection-equals-fold: holds
	// room-0: 7 room-1: 7
}
