package model_test

import (
	"testing"
	"time"

	"github.com/evsim/evsim/model"
	"github.com/evsim/evsim/model/history"
	"github.com/evsim/evsim/sim"
)

// shipment is a user's saga, not the built-in order saga: any event starts
// a shipment; Packed moves it to a state of its own (4); Shipped
// completes it, Lost compensates it; an ended shipment ignores the rest.
type shipment struct{}

const shipmentPacked model.SagaState = 4

// Handle implements model.Handler. A member runs a Saga through Decide:
// Handle must not be called.
func (shipment) Handle(tx *model.Tx, r model.Record) {
	panic("a member called Handle on a saga instead of Decide")
}

// Decide implements model.Saga.
func (shipment) Decide(from model.SagaState, r model.Record) (model.SagaState, bool) {
	start := from == model.SagaAbsent
	if start {
		from = model.SagaStarted
	}
	if from == model.SagaCompleted || from == model.SagaCompensated {
		return from, false
	}
	switch r.Type {
	case "Packed":
		return shipmentPacked, start
	case "Shipped":
		return model.SagaCompleted, start
	case "Lost":
		return model.SagaCompensated, start
	}
	return from, start
}

// TestUserSaga: a handler that implements model.Saga gets the saga
// behaviour (read at delivery, decide and write at the end, guarded by
// the group's concurrency control), with its own states recorded by
// their names, whatever its type.
func TestUserSaga(t *testing.T) {
	w := sim.New(1)
	cfg := model.Config{
		Topics: []model.TopicConfig{{Name: "shipments", Partitions: 2}},
		Producers: []model.ProducerConfig{{Name: "warehouse", Topic: "shipments", Interval: 5 * time.Millisecond, Keys: 5,
			Events: []model.EventSpec{{Type: "Packed", AmountMin: 1, AmountMax: 1}, {Type: "Shipped", AmountMin: 1, AmountMax: 1},
				{Type: "Lost", AmountMin: 1, AmountMax: 1}}}},
		Consumers: []model.ConsumerConfig{{Group: "shipping", Topic: "shipments", Members: 1, Custom: shipment{},
			Saga: model.SagaOptimistic, Concurrency: 4, Ordering: model.OrderUnordered,
			ProcessingMin: time.Millisecond, ProcessingMax: 20 * time.Millisecond}},
	}
	h := &history.History{}
	s, err := model.Build(w, cfg, h)
	if err != nil {
		t.Fatal(err)
	}
	s.Start()
	w.Run(sim.Time(500*time.Millisecond), 0)
	kinds := map[history.Kind]int{}
	packed := 0
	for _, r := range h.All() {
		kinds[r.Kind]++
		if r.Kind == history.SagaTransition && r.To == "state-4" {
			packed++
		}
	}
	for _, k := range []history.Kind{history.SagaStart, history.SagaTransition, history.SagaCompleted, history.SagaCompensated,
		history.SagaConflict} {
		if kinds[k] == 0 {
			t.Errorf("no %s record: %v", k, kinds)
		}
	}
	if packed == 0 {
		t.Errorf("no transition to the saga's own state 4 (recorded as state-4)")
	}
	if kinds[history.SagaStart] > 5 {
		t.Errorf("%d saga starts for 5 keys under optimistic concurrency", kinds[history.SagaStart])
	}
}

// TestHandleSaga: a saga used as a plain handler applies each event in one
// step.
func TestHandleSaga(t *testing.T) {
	db := model.NewDB()
	for _, typ := range []string{"Packed", "Lost", "Shipped"} {
		tx := db.Begin()
		model.HandleSaga(shipment{}, tx, model.Record{Key: "s-1", Type: typ})
		tx.Commit()
	}
	state, _ := db.Get(model.SagaTable, "s-1")
	version, _ := db.Get(model.SagaVersionTable, "s-1")
	if model.SagaState(state) != model.SagaCompensated || version != 2 {
		t.Fatalf("state %v at version %d, want compensated at version 2", model.SagaState(state), version)
	}
}
