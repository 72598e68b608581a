package model_test

import (
	"fmt"
	"testing"
	"time"

	"github.com/evsim/evsim/model"
	"github.com/evsim/evsim/model/domain"
	"github.com/evsim/evsim/model/history"
	"github.com/evsim/evsim/sim"
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
	w, h, sys, es := startES(t, model.ESConfig{
		Store:  model.StoreConfig{Position: model.PositionAtCommit, CommitDelayMax: 5 * time.Millisecond},
		Custom: func(int) model.Aggregate { return counter{} },
		Clients: []model.ClientConfig{{Name: "c", Sessions: 2, Keys: 1, Prefix: "n-", Interval: time.Millisecond,
			Commands: []model.CommandSpec{{Type: "Increment", Weight: 1}}, Concurrency: model.ConcurrencyExact,
			RetryIDs: model.RetrySameIDs, Retries: 3, Stop: 200 * time.Millisecond}},
	})
	w.Run(sim.Time(time.Second), 0)
	if !es.Drain(sys, 10*time.Millisecond, time.Second) {
		t.Fatal("did not drain")
	}
	if n := len(es.Store.Events("n-0")); n != 3 {
		t.Errorf("counter stream has %d events, want 3", n)
	}
	rejected := 0
	for _, r := range h.All() {
		if r.Kind == history.CommandReturn && r.Outcome == "rejected" {
			rejected++
		}
	}
	if rejected == 0 {
		t.Error("no command was rejected once the counter was full")
	}
}

// TestTopicProjection: a projector of a topic (Source SourceTopic) applies
// every record a producer publishes, once, and its read model drains with
// the topic; a projection of a topic the broker does not have, or one
// that asks what only a projection of the store can do, is refused.
func TestTopicProjection(t *testing.T) {
	w := sim.New(3)
	h := &history.History{}
	sys, err := model.Build(w, model.Config{
		Topics: []model.TopicConfig{{Name: "deposits", Partitions: 2}},
		Producers: []model.ProducerConfig{{Name: "teller", Topic: "deposits", Interval: 5 * time.Millisecond, Keys: 3,
			Events: []model.EventSpec{{Type: "Deposited", AmountMin: 1, AmountMax: 9}, {Type: "Withdrawn", AmountMin: 1, AmountMax: 3}},
			Stop:   300 * time.Millisecond}},
	}, h)
	if err != nil {
		t.Fatal(err)
	}
	proj := model.ProjectorConfig{Name: "balances", Source: model.SourceTopic, Topic: "deposits", Batch: 4,
		Checkpoint: model.CheckpointSameTx}
	es, err := model.BuildES(w, model.ESConfig{Store: model.StoreConfig{Position: model.PositionAtCommit}, Aggregate: "account",
		Projectors: []model.ProjectorConfig{proj}}, h, sys)
	if err != nil {
		t.Fatal(err)
	}
	sys.Start()
	es.Start()
	w.Run(sim.Time(time.Second), 0)
	if !es.Drain(sys, 10*time.Millisecond, time.Second) {
		t.Fatal("did not drain")
	}
	fold, row := map[string]int64{}, map[string]int64{}
	appends, applies := 0, 0
	for _, r := range h.All() {
		switch r.Kind {
		case history.Append:
			appends++
			fold[r.Key] = domain.ValueProjection{Aggregate: domain.Account{}}.Apply(fold[r.Key], domain.Event{Type: r.Type, Amount: r.Amount})
		case history.ProjectionApply:
			applies++
			row[r.Key] = r.Value
		}
	}
	if appends == 0 || applies != appends {
		t.Errorf("%d records appended, %d applied", appends, applies)
	}
	if fmt.Sprint(row) != fmt.Sprint(fold) {
		t.Errorf("rows %v, want the folds %v", row, fold)
	}

	bad := proj
	bad.Topic = "withdrawals"
	if _, err := model.BuildES(sim.New(1), model.ESConfig{Store: model.StoreConfig{Position: model.PositionAtCommit}, Aggregate: "account",
		Projectors: []model.ProjectorConfig{bad}}, &history.History{}, sys); err == nil {
		t.Error("a projection of an unknown topic was built")
	}
	bad = proj
	bad.Topic, bad.RebuildAt, bad.Rebuild = "", time.Second, model.RebuildBlueGreen
	cfg := model.ESConfig{Store: model.StoreConfig{Position: model.PositionAtCommit}, Aggregate: "account",
		Projectors: []model.ProjectorConfig{bad}}
	if err := cfg.Validate(); err == nil {
		t.Error("a projection of a topic without a topic, rebuilt, was valid")
	}
}

// startES builds a world at seed 1 with no pub/sub system and the event
// sourcing parts cfg describes, recording into a history of its own, and
// starts them.
func startES(t *testing.T, cfg model.ESConfig) (*sim.World, *history.History, *model.System, *model.ESSystem) {
	t.Helper()
	w := sim.New(1)
	h := &history.History{}
	sys, err := model.Build(w, model.Config{}, h)
	if err != nil {
		t.Fatal(err)
	}
	es, err := model.BuildES(w, cfg, h, sys)
	if err != nil {
		t.Fatal(err)
	}
	sys.Start()
	es.Start()
	return w, h, sys, es
}
