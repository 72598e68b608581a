package faults_test

import (
	"strings"
	"testing"
	"time"

	"github.com/evsim/evsim/faults"
	"github.com/evsim/evsim/model"
	"github.com/evsim/evsim/model/history"
	"github.com/evsim/evsim/scenarios"
	"github.com/evsim/evsim/sim"
)

// everyKind is a pub/sub system with every kind of fault of a plan and
// every fault knob of a producer and a consumer, each on its own part so
// that the history tells its strikes apart.
func everyKind() *scenarios.Scenario {
	d := 2 * time.Second
	return &scenarios.Scenario{
		File: "every_kind_test.go", Name: "every-kind", Duration: d, Drain: 30 * time.Second,
		System: model.Config{
			Topics: []model.TopicConfig{{Name: "accounts", Partitions: 4}},
			Producers: []model.ProducerConfig{{Name: "teller", Topic: "accounts", Interval: 10 * time.Millisecond, Keys: 16, Stop: d,
				Events:      []model.EventSpec{{Type: "Deposited", AmountMin: 1, AmountMax: 9}},
				RequestLoss: sim.Ratio{Num: 1, Den: 20}, AckLoss: sim.Ratio{Num: 1, Den: 20}, Retries: 10,
				Poison: sim.Ratio{Num: 1, Den: 50}, PoisonEvents: []int{5}}},
			Consumers: []model.ConsumerConfig{
				{Group: "ledger", Topic: "accounts", Members: 2, Handler: "balance", Failures: sim.Ratio{Num: 1, Den: 10},
					OnError: model.DeadLetter, MaxAttempts: 3},
				{Group: "audit", Topic: "accounts", Members: 2, Handler: "balance", OnError: model.Skip},
				{Group: "mailer", Topic: "accounts", Members: 2, Handler: "balance", OnError: model.Skip},
				{Group: "billing", Topic: "accounts", Members: 2, Handler: "balance", OnError: model.Skip},
			},
		},
		Faults: faults.Plan{Until: d, Faults: []faults.Fault{
			faults.Crash{Target: "ledger", Point: model.PointAfterEffect, Probability: sim.Ratio{Num: 1, Den: 50}, RestartAfter: 100 * time.Millisecond},
			faults.CrashNth{Target: "teller", Point: model.PointAfterSend, Nth: 3, RestartAfter: 100 * time.Millisecond},
			faults.Pause{Target: "ledger", At: 100 * time.Millisecond, For: 50 * time.Millisecond},
			faults.Pause{Target: "audit", Probability: sim.Ratio{Num: 1, Den: 4}, For: 2 * time.Millisecond},
			faults.Churn{Target: "mailer", Every: 400 * time.Millisecond, Down: 100 * time.Millisecond, Mode: faults.ChurnLeave},
			faults.Churn{Target: "billing", Every: 700 * time.Millisecond, Down: 100 * time.Millisecond, Mode: faults.ChurnCrash},
			faults.Crash{Target: "mailer", Point: model.PointBeforeCommit, Probability: sim.Ratio{}, RestartAfter: -1},
		}},
	}
}

// struck returns how often the fault whose name starts with prefix struck,
// failing if no fault or several have that name.
func struck(t *testing.T, list []model.Strike, prefix string) int {
	t.Helper()
	n, times := 0, 0
	for _, f := range list {
		if strings.HasPrefix(f.Fault, prefix) {
			n++
			times = f.Times
		}
	}
	if n != 1 {
		t.Fatalf("%d faults named %q in %v", n, prefix, list)
	}
	return times
}

// count counts the records that match.
func count(h *history.History, match func(r history.Entry) bool) int {
	n := 0
	for _, r := range h.All() {
		if match(r) {
			n++
		}
	}
	return n
}

// TestEveryFaultKindCountsItsStrikes: every fault of a plan (crash by
// probability and at a hit, pause at a time and by probability, churn by
// leaving and by crashing) and every fault knob (request and ack loss,
// poison by probability and by number, handler failures, the event
// store's rollbacks and lost answers) counts its strikes, and the counts
// agree with what the history records of them.
func TestEveryFaultKindCountsItsStrikes(t *testing.T) {
	o, err := everyKind().Run(1)
	if err != nil {
		t.Fatal(err)
	}
	h, got := o.History, o.FaultsStruck
	if len(got) != 7+5 {
		t.Fatalf("%d faults reported, want 7 of the plan and 5 knobs: %v", len(got), got)
	}
	node := func(prefix string) func(string) bool {
		return func(n string) bool { return strings.HasPrefix(n, prefix) }
	}
	crashes := func(point model.CrashPoint, on func(string) bool) int {
		return count(h, func(r history.Entry) bool {
			return r.Kind == history.Crash && r.CrashPoint == point && on(r.Node)
		})
	}
	is := func(name string) func(string) bool { return func(n string) bool { return n == name } }
	want := []struct {
		fault string
		times int
	}{
		{"faults[0] crash ledger at after-effect, probability 1/50", crashes(model.PointAfterEffect, node("ledger-"))},
		{"faults[1] crash teller at after-send hit 3", 1},
		{"faults[2] pause ledger at 100ms", count(h, func(r history.Entry) bool { return r.Kind == history.Pause && r.Group == "ledger" })},
		{"faults[3] pause audit for 2ms, probability 1/4", count(h, func(r history.Entry) bool { return r.Kind == history.Pause && r.Group == "audit" })},
		{"faults[4] churn mailer", count(h, func(r history.Entry) bool { return r.Kind == history.Leave && r.Group == "mailer" })},
		{"faults[5] churn billing", crashes(model.CrashPoint("churn"), node("billing-"))},
		{"faults[6] crash mailer", 0},
		{"teller poison-events [5]", 1},
		{"ledger failures 1/10", count(h, func(r history.Entry) bool {
			return r.Kind == history.HandlerError && r.Group == "ledger" && r.ErrorKind == history.ErrorTransient
		})},
	}
	if n := crashes(model.PointAfterSend, is("teller")); n != 1 {
		t.Errorf("teller crashed %d times at after-send, want 1 (at the 3rd hit)", n)
	}
	for _, w := range want {
		if n := struck(t, got, w.fault); n != w.times {
			t.Errorf("%s struck %d times, the history shows %d", w.fault, n, w.times)
		}
		if w.fault != "faults[6] crash mailer" && w.times == 0 {
			t.Errorf("%s never struck: the test proves nothing about it", w.fault)
		}
	}
	// Each lost request or acknowledgement stalls the producer's connection
	// until a request on it times out, which fails every request in flight
	// on it at once: each loss is one instant at which requests are retried
	// or given up.
	timeouts := map[int64]bool{}
	for _, r := range h.All() {
		if r.Kind == history.PublishRetry || r.Kind == history.PublishFail {
			timeouts[r.At] = true
		}
	}
	lost := struck(t, got, "teller request-loss 1/20") + struck(t, got, "teller ack-loss 1/20")
	if lost != len(timeouts) || struck(t, got, "teller request-loss") == 0 || struck(t, got, "teller ack-loss") == 0 {
		t.Errorf("requests and acks lost: %v; instants of timeouts in the history: %d", got, len(timeouts))
	}
	if struck(t, got, "teller poison 1/50") == 0 {
		t.Errorf("no event poisoned by probability: %v", got)
	}
}

// TestEventStoreFaultsCountTheirStrikes: the event store's rollbacks and
// lost answers, drawn and listed, count their strikes as the history
// records them.
func TestEventStoreFaultsCountTheirStrikes(t *testing.T) {
	s, err := scenarios.Builtin("retry-same-ids")
	if err != nil {
		t.Fatal(err)
	}
	s.ES.Store.Rollback = sim.Ratio{Num: 1, Den: 10}
	s.ES.Store.LoseAnswers = []int{2, 3}
	o, err := s.Run(1)
	if err != nil {
		t.Fatal(err)
	}
	h, got := o.History, o.FaultsStruck
	rollbacks := map[[3]string]bool{}
	for _, r := range h.All() {
		if r.Kind == history.StoreRollback {
			rollbacks[[3]string{time.Duration(r.At).String(), r.Key, r.Command}] = true
		}
	}
	if n := struck(t, got, "event-store rollback 1/10"); n != len(rollbacks) || n == 0 {
		t.Errorf("rollbacks struck %d times, the history shows %d", n, len(rollbacks))
	}
	lostAnswers := count(h, func(r history.Entry) bool { return r.Kind == history.LostAnswer })
	drawn, listed := struck(t, got, "event-store lost-answer 1/5"), struck(t, got, "event-store lose-answers [2 3]")
	if drawn+listed != lostAnswers || drawn == 0 || listed == 0 {
		t.Errorf("lost answers struck %d (drawn) + %d (listed) times, the history shows %d", drawn, listed, lostAnswers)
	}
}
