package model_test

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/evsim/evsim/model"
	"github.com/evsim/evsim/model/domain"
	"github.com/evsim/evsim/model/history"
	"github.com/evsim/evsim/sim"
)

// userES is a small event-sourced system around the built-in account with
// one client and one projector, for a user's mistakes to be planted in.
func userES() model.ESConfig {
	return model.ESConfig{
		Store:     model.StoreConfig{Position: model.PositionAtCommit},
		Aggregate: "account",
		Clients: []model.ClientConfig{{Name: "teller", Sessions: 1, Keys: 1, Interval: 10 * time.Millisecond,
			Commands:    []model.CommandSpec{{Type: "Deposit", AmountMin: 1, AmountMax: 5, Weight: 1}},
			Concurrency: model.ConcurrencyExact, Validate: model.ValidateWriteModel, RetryIDs: model.RetrySameIDs}},
		Projectors: []model.ProjectorConfig{{Name: "balances", Batch: 5, PollInterval: 5 * time.Millisecond,
			Checkpoint: model.CheckpointSameTx, Gap: model.GapWait}},
	}
}

// wantError fails unless validate returns an error containing want, and
// does not panic.
func wantError(t *testing.T, validate func() error, want string) {
	t.Helper()
	defer func() {
		if r := recover(); r != nil {
			t.Fatalf("panicked instead of an error: %v", r)
		}
	}()
	err := validate()
	if err == nil || !strings.Contains(err.Error(), want) {
		t.Fatalf("error %v, want one containing %q", err, want)
	}
}

// TestNilCustomAggregateIsAnError: a Custom aggregate factory that builds
// no aggregate is refused with an error naming it, not a nil dereference
// once the run starts.
func TestNilCustomAggregateIsAnError(t *testing.T) {
	c := userES()
	c.Custom = func(int) domain.Aggregate { return nil }
	wantError(t, c.Validate, "aggregate \"account\": its factory builds no aggregate (nil) for apply logic 1")
	c.Custom = func(logic int) domain.Aggregate {
		if logic == 2 {
			return nil
		}
		return domain.Cart{}
	}
	c.LogicChangeAt = time.Second
	wantError(t, c.Validate, "for apply logic 2")
}

// TestNilCustomProjectionFuncIsAnError: a read model's Custom projection
// that is a nil ProjectionFunc is refused with an error.
func TestNilCustomProjectionFuncIsAnError(t *testing.T) {
	c := userES()
	c.Projectors[0].Custom = domain.ProjectionFunc(nil)
	wantError(t, c.Validate, "projection \"balances\": its Custom projection is a nil function")
}

// TestNilCustomHandlerFuncIsAnError: a consumer whose Custom handler is a
// nil HandlerFunc is refused with an error.
func TestNilCustomHandlerFuncIsAnError(t *testing.T) {
	c := model.Config{
		Topics:    []model.TopicConfig{{Name: "orders", Partitions: 1}},
		Consumers: []model.ConsumerConfig{{Group: "inv", Topic: "orders", Members: 1, Custom: model.HandlerFunc(nil), Commit: model.CommitAfterHandle}},
	}
	wantError(t, c.Validate, "consumer group \"inv\": its Custom handler is a nil function")
}

// light is a user's aggregate whose decision can accept a command with
// nothing to change: SwitchOn on a light already on is in effect already.
type light struct{}

func (light) Initial() any { return false }
func (light) Apply(s any, e model.StoredEvent) any {
	return e.Type == "SwitchedOn"
}
func (light) Decide(s any, c model.Command) ([]model.Change, string) {
	if s.(bool) {
		return nil, ""
	}
	return []model.Change{{Type: "SwitchedOn"}}, ""
}
func (light) Describe(s any) string { return fmt.Sprint(s) }
func (light) Value(s any) int64 {
	if s.(bool) {
		return 1
	}
	return 0
}
func (light) FromRow(value, version int64) any { return value == 1 }

// TestCommandAcceptedWithNothingToAppend: a command the aggregate accepts
// with no events appends nothing and returns ok with the value it saw and
// no version, instead of the store failing on an empty batch.
func TestCommandAcceptedWithNothingToAppend(t *testing.T) {
	w, h, _, es := startES(t, model.ESConfig{
		Store:  model.StoreConfig{Position: model.PositionAtCommit, CommitDelayMax: time.Millisecond},
		Custom: func(int) model.Aggregate { return light{} },
		Clients: []model.ClientConfig{{Name: "c", Sessions: 1, Keys: 1, Prefix: "lamp-", Interval: time.Millisecond,
			Commands: []model.CommandSpec{{Type: "SwitchOn", Weight: 1}}, Concurrency: model.ConcurrencyExact,
			RetryIDs: model.RetrySameIDs, Retries: 3, Stop: 50 * time.Millisecond}},
	})
	w.Run(sim.Time(time.Second), 0)
	if n := len(es.Store.Events("lamp-0")); n != 1 {
		t.Errorf("the lamp's stream has %d events, want 1", n)
	}
	noops := 0
	for _, r := range h.All() {
		if r.Kind == history.CommandReturn && r.Outcome == history.OutcomeOK && r.Version == 0 {
			noops++
			if r.Value != 1 {
				t.Errorf("a switch-on in effect answered %d, want 1", r.Value)
			}
		}
	}
	if noops == 0 {
		t.Error("no command returned ok with nothing appended")
	}
}

// TestCustomAggregateUnderARegisteredNameIsAnError: a Custom aggregate
// named by the name of a registered aggregate of another type is refused:
// the history would record that name, and the checks would judge the
// custom aggregate's streams by the registered one's rules (false
// violations, or false holds). Custom under a name of its own, or under
// the name its own type is registered by, is accepted.
func TestCustomAggregateUnderARegisteredNameIsAnError(t *testing.T) {
	c := userES()
	c.Custom = func(int) domain.Aggregate { return light{} }
	wantError(t, c.Validate, `aggregate "account": Custom builds model_test.light, but "account" is registered as domain.Account`)
	c.Aggregate = "lamp"
	if err := c.Validate(); err != nil {
		t.Errorf("Custom under a name of its own: %v", err)
	}
	c.Aggregate, c.Custom = "cart", func(int) domain.Aggregate { return domain.Cart{} }
	if err := c.Validate(); err != nil {
		t.Errorf("Custom under the name of its own registered type: %v", err)
	}
}

// TestCustomProjectionUnderARegisteredNameIsAnError: a read model's Custom
// projection named by the name of another registered projection (or of
// an aggregate, whose value projection that name finds) is refused, for
// the same reason.
func TestCustomProjectionUnderARegisteredNameIsAnError(t *testing.T) {
	c := userES()
	c.Projectors[0].Projection = "cart"
	c.Projectors[0].Custom = domain.ProjectionFunc(func(row int64, e domain.Event) int64 { return row + 1 })
	wantError(t, c.Validate, `projection "balances": its Custom projection is not the one registered as "cart"`)
	c.Projectors[0].Projection = "counted"
	if err := c.Validate(); err != nil {
		t.Errorf("Custom under a name of its own: %v", err)
	}
}

// TestCustomUpcastingUnderItsRegisteredName: a Custom projection that
// holds functions (an upcasting) under the name it is registered by is
// accepted, without comparing the functions.
func TestCustomUpcastingUnderItsRegisteredName(t *testing.T) {
	up := domain.Upcasting{Upcaster: domain.UpcasterFunc(func(e domain.Event) domain.Event { return e }),
		Projection: domain.ProjectionFunc(func(row int64, e domain.Event) int64 { return row })}
	domain.RegisterProjection("test-upcasting", up)
	c := userES()
	c.Projectors[0].Projection, c.Projectors[0].Custom = "test-upcasting", up
	if err := c.Validate(); err != nil {
		t.Fatal(err)
	}
}

// TestProjectionRegisteredUnderTheAggregatesName: a projection registered
// under the name of the store's aggregate is the read model's fold for a
// projector that names no projection, as domain.Register says and as the
// checks resolve the name the history records: the projector applies it,
// not the aggregate's value projection.
func TestProjectionRegisteredUnderTheAggregatesName(t *testing.T) {
	domain.Register("test-lamp", func(int) domain.Aggregate { return light{} })
	domain.RegisterProjection("test-lamp", domain.ProjectionFunc(func(row int64, e domain.Event) int64 { return row + 10 }))
	w, h, _, _ := startES(t, model.ESConfig{
		Store:     model.StoreConfig{Position: model.PositionAtCommit, CommitDelayMax: time.Millisecond},
		Aggregate: "test-lamp",
		Clients: []model.ClientConfig{{Name: "c", Sessions: 1, Keys: 2, Prefix: "lamp-", Interval: time.Millisecond,
			Commands: []model.CommandSpec{{Type: "SwitchOn", Weight: 1}}, Concurrency: model.ConcurrencyExact,
			RetryIDs: model.RetrySameIDs, Retries: 3, Stop: 50 * time.Millisecond}},
		Projectors: []model.ProjectorConfig{{Name: "lamps", Batch: 5, PollInterval: 5 * time.Millisecond,
			Checkpoint: model.CheckpointSameTx, Gap: model.GapWait}},
	})
	w.Run(sim.Time(time.Second), 0)
	applied := 0
	for _, r := range h.All() {
		switch r.Kind {
		case history.ReadModelProjection:
			if r.Type != "test-lamp" {
				t.Errorf("the history records projection %q, want test-lamp", r.Type)
			}
		case history.ProjectionApply:
			applied++
			if r.Value != 10 {
				t.Errorf("row %d after switching %s on, want 10 (the registered projection), not 1 (the value projection)", r.Value, r.Key)
			}
		}
	}
	if applied == 0 {
		t.Fatal("nothing was applied")
	}
}

// TestPointsOfIsTheCallersCopy: reordering the points PointsOf returns
// (to make shrinking prefer another point, as faults.Space's first point
// is) leaves the kinds' declarations, which refuse crashes at points a
// target never passes, as they were.
func TestPointsOfIsTheCallersCopy(t *testing.T) {
	pts := model.PointsOf(model.KindMember)
	want := slices.Clone(pts)
	slices.Reverse(pts)
	pts[0] = model.PointBeforeApply
	if got := model.PointsOf(model.KindMember); !slices.Equal(got, want) {
		t.Fatalf("a member's points are %v after the caller changed its copy, want %v", got, want)
	}
}

// TestMalformedKnobProbabilityIsAnError: a fault knob written in Go as a
// fraction with no denominator (sim.Ratio{Num: 1}: it would never strike)
// or above one is refused with an error naming the knob.
func TestMalformedKnobProbabilityIsAnError(t *testing.T) {
	c := model.Config{
		Topics: []model.TopicConfig{{Name: "orders", Partitions: 1}},
		Producers: []model.ProducerConfig{{Name: "shop", Topic: "orders", Interval: time.Millisecond, Keys: 1,
			Events: []model.EventSpec{{Type: "Reserved", AmountMin: 1, AmountMax: 2}}, RequestLoss: sim.Ratio{Num: 1}}},
		Consumers: []model.ConsumerConfig{{Group: "inv", Topic: "orders", Members: 1, Handler: "balance", Commit: model.CommitAfterHandle,
			Failures: sim.Ratio{Num: 3, Den: 2}}},
	}
	wantError(t, c.Validate, `producer "shop": request-loss 1/0: want a fraction num/den with den above 0 and num at most den`)
	wantError(t, c.Validate, `consumer group "inv": failures 3/2`)
	es := userES()
	es.Store.LostAnswer = sim.Ratio{Num: 1}
	wantError(t, es.Validate, `event store: lost-answer 1/0`)
}

// errBadAmount is what the panicking handler panics with.
var errBadAmount = errors.New("bad amount")

// TestHandlerPanicNamesItsRecord: a user's handler that panics ends the
// run with a panic that names the member, the record and the simulated
// time, and wraps what the handler panicked with.
func TestHandlerPanicNamesItsRecord(t *testing.T) {
	w := sim.New(1)
	h := &history.History{}
	sys, err := model.Build(w, model.Config{
		Topics: []model.TopicConfig{{Name: "orders", Partitions: 1}},
		Producers: []model.ProducerConfig{{Name: "shop", Topic: "orders", Interval: time.Millisecond, Keys: 1, Count: 3,
			Events: []model.EventSpec{{Type: "Reserved", AmountMin: 7, AmountMax: 7}}}},
		Consumers: []model.ConsumerConfig{{Group: "inv", Topic: "orders", Members: 1, Commit: model.CommitAfterHandle,
			Custom: model.HandlerFunc(func(tx *model.Tx, r model.Record) { panic(fmt.Errorf("reserve %d: %w", r.Amount, errBadAmount)) })}},
	}, h)
	if err != nil {
		t.Fatal(err)
	}
	sys.Start()
	defer func() {
		v := recover()
		err, ok := v.(error)
		if !ok || !errors.Is(err, errBadAmount) {
			t.Fatalf("panicked with %v, want an error wrapping the handler's", v)
		}
		for _, want := range []string{"the handler of inv-0 panicked on record shop-1 (Reserved 7 to ", "orders/0 offset 0", "reserve 7: bad amount"} {
			if !strings.Contains(err.Error(), want) {
				t.Errorf("panic %q does not say %q", err, want)
			}
		}
	}()
	w.Run(sim.Time(time.Second), 0)
	t.Fatal("the run did not panic")
}

// dial is a user's aggregate whose Apply changes the state it is given (a
// pointer), which states as values forbid: the store's saved states and
// snapshots would change under it, and the checks blame the system.
type dial struct{}

type dialState struct{ n int64 }

func (dial) Initial() any { return &dialState{} }
func (dial) Apply(s any, e model.StoredEvent) any {
	st := s.(*dialState)
	st.n = e.Amount
	return st
}
func (dial) Decide(s any, c model.Command) ([]model.Change, string) {
	return []model.Change{{Type: "Turned", Amount: c.Amount}}, ""
}
func (dial) Describe(s any) string            { return fmt.Sprint(s.(*dialState).n) }
func (dial) Value(s any) int64                { return s.(*dialState).n }
func (dial) FromRow(value, version int64) any { return &dialState{n: value} }

// TestAggregateThatChangesItsStateIsAnError: an aggregate whose Apply
// changes the state it is given is refused when the system is checked,
// trying the clients' commands on the initial state, with an error that
// says so; one that returns new states is accepted.
func TestAggregateThatChangesItsStateIsAnError(t *testing.T) {
	c := userES()
	c.Aggregate, c.Custom = "dial", func(int) domain.Aggregate { return dial{} }
	c.Clients[0].Commands = []model.CommandSpec{{Type: "Turn", AmountMin: 3, AmountMax: 5, Weight: 1}}
	wantError(t, c.Validate, `aggregate "dial": its Apply changed the state it was given (Describe "0" before, "3" after) on event Turned of command Turn`)
	c.Custom = func(int) domain.Aggregate { return light{} }
	c.Aggregate = "lamp"
	if err := c.Validate(); err != nil {
		t.Errorf("an aggregate of values: %v", err)
	}
}

// blob is a user's aggregate that puts raw bytes in its events'
// payloads: from the first event on (badFrom 1), or from the start.
type blob struct{ badFrom int64 }

func (blob) Initial() any { return int64(0) }
func (blob) Apply(s any, e model.StoredEvent) any {
	return s.(int64) + 1
}
func (b blob) Decide(s any, c model.Command) ([]model.Change, string) {
	p := `{"n":1}`
	if s.(int64) >= b.badFrom {
		p = "\xff\xfe"
	}
	return []model.Change{{Type: "Stored", Amount: 1, Payload: p}}, ""
}
func (blob) Describe(s any) string            { return fmt.Sprint(s) }
func (blob) Value(s any) int64                { return s.(int64) }
func (blob) FromRow(value, version int64) any { return value }

// TestPayloadThatIsNotUTF8IsRefused: an event whose payload is not valid
// UTF-8, which the history's JSON Lines would change (and the checks of
// a history read back would judge other payloads), is refused: when the
// system is checked, if the clients' commands make one on the initial
// state, and otherwise when the command's events are appended, ending
// the run with an error naming the command and the event.
func TestPayloadThatIsNotUTF8IsRefused(t *testing.T) {
	cfg := func(b blob) model.ESConfig {
		return model.ESConfig{
			Store:  model.StoreConfig{Position: model.PositionAtCommit, CommitDelayMax: time.Millisecond},
			Custom: func(int) model.Aggregate { return b },
			Clients: []model.ClientConfig{{Name: "c", Sessions: 1, Keys: 1, Prefix: "blob-", Interval: time.Millisecond,
				Commands: []model.CommandSpec{{Type: "Store", Weight: 1}}, Concurrency: model.ConcurrencyExact,
				RetryIDs: model.RetrySameIDs, Retries: 3, Stop: 50 * time.Millisecond}},
		}
	}
	c := cfg(blob{badFrom: 0})
	wantError(t, c.Validate, "its Decide returned event Stored of command Store with a payload that is not valid UTF-8")

	w, _, _, _ := startES(t, cfg(blob{badFrom: 1}))
	defer func() {
		err, ok := recover().(error)
		if !ok || !strings.Contains(err.Error(), "returned event Stored with a payload that is not valid UTF-8") {
			t.Fatalf("panicked with %v, want an error naming the event's payload", err)
		}
	}()
	w.Run(sim.Time(time.Second), 0)
	t.Fatal("the run did not stop")
}
