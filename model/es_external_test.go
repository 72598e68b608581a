package model_test

import (
	"fmt"
	"testing"
	"time"

	"evsim/model"
	"evsim/model/history"
	"evsim/sim"
)

// counter is a Go user's own aggregate: Increment adds one, up to 3.
type counter struct{}

func (counter) Initial() any { return int64(0) }
func (counter) Apply(s any, e model.StoredEvent) any {
	return s.(int64) + 1
}
func (counter) Decide(s any, c model.Command) ([]model.Change, string) {
	if s.(int64) >= 3 {
		return nil, "full"
	}
	return []model.Change{{Type: "Incremented"}}, ""
}
func (counter) Describe(s any) string            { return fmt.Sprint(s) }
func (counter) Value(s any) int64                { return s.(int64) }
func (counter) FromRow(value, version int64) any { return version }

// TestCustomAggregate plugs a user aggregate into the event store through
// the same interface as the built-ins: two racing sessions with exact
// expected versions never take a counter past 3.
func TestCustomAggregate(t *testing.T) {
	w := sim.New(1)
	h := &history.History{}
	sys, err := model.Build(w, model.Config{}, h)
	if err != nil {
		t.Fatal(err)
	}
	es, err := model.BuildES(w, model.ESConfig{
		Store:  model.StoreConfig{Position: model.PositionAtCommit, CommitDelayMax: 5 * time.Millisecond},
		Custom: func(int) model.Aggregate { return counter{} },
		Clients: []model.ClientConfig{{Name: "c", Sessions: 2, Keys: 1, Prefix: "n-", Interval: time.Millisecond,
			Commands: []model.CommandSpec{{Type: "Increment", Weight: 1}}, Concurrency: model.ConcurrencyExact,
			RetryIDs: model.RetrySameIDs, Retries: 3, Stop: 200 * time.Millisecond}},
	}, h, sys)
	if err != nil {
		t.Fatal(err)
	}
	sys.Start()
	es.Start()
	w.Run(sim.Time(time.Second), 0)
	if !es.Drain(sys, 10*time.Millisecond, time.Second) {
		t.Fatal("did not drain")
	}
	if n := len(es.Store.Events("n-0")); n != 3 {
		t.Errorf("counter stream has %d events, want 3", n)
	}
	rejected := 0
	for _, r := range h.Records {
		if r.Kind == history.CommandReturn && r.Outcome == "rejected" {
			rejected++
		}
	}
	if rejected == 0 {
		t.Error("no command was rejected once the counter was full")
	}
}
