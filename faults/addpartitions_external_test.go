package faults_test

import (
	"strings"
	"testing"
	"time"

	"github.com/evsim/evsim/faults"
	"github.com/evsim/evsim/model"
	"github.com/evsim/evsim/model/history"
	"github.com/evsim/evsim/sim"
)

func growConfig(replicated bool) model.Config {
	t := model.TopicConfig{Name: "accounts", Partitions: 2}
	if replicated {
		t.ReplicationFactor = 3
	}
	return model.Config{
		Topics: []model.TopicConfig{t},
		Producers: []model.ProducerConfig{{Name: "teller", Topic: "accounts", Interval: 5 * time.Millisecond, Keys: 8,
			Stop: time.Second, MetadataMaxAge: 100 * time.Millisecond,
			Events: []model.EventSpec{{Type: "Deposited", AmountMin: 1, AmountMax: 9}}}},
		Consumers: []model.ConsumerConfig{{Group: "ledger", Topic: "accounts", Members: 2, Handler: "balance",
			HeartbeatInterval: 100 * time.Millisecond}},
	}
}

// TestAddPartitionsRefused: the fault refuses a count that does not grow
// the topic, an unknown topic, a time that is not positive and a
// replicated topic, each naming the topic.
func TestAddPartitionsRefused(t *testing.T) {
	for _, c := range []struct {
		name       string
		f          faults.AddPartitions
		replicated bool
		want       string
	}{
		{"no growth", faults.AddPartitions{Topic: "accounts", At: time.Second, To: 2}, false, `"accounts": to 2: the topic has 2 partitions already`},
		{"unknown topic", faults.AddPartitions{Topic: "orders", At: time.Second, To: 4}, false, `"orders": no such topic`},
		{"no time", faults.AddPartitions{Topic: "accounts", To: 4}, false, "want a positive time"},
		{"replicated", faults.AddPartitions{Topic: "accounts", At: time.Second, To: 4}, true, "not a replicated one"},
	} {
		t.Run(c.name, func(t *testing.T) {
			sys, err := model.Build(sim.New(1), growConfig(c.replicated), &history.History{})
			if err != nil {
				t.Fatal(err)
			}
			errs := faults.Check(sys, faults.Plan{Faults: []faults.Fault{c.f}})
			if errs[0] == nil || !strings.Contains(errs[0].Error(), c.want) {
				t.Fatalf("got %v, want %q", errs[0], c.want)
			}
		})
	}
}

// TestAddPartitionsStrikes: the fault strikes once, at its time; without
// drain-first the topic grows then, and with it only once the topic has
// drained, while the producer publishes nothing in between. A fault
// whose time falls after the fault window never strikes.
func TestAddPartitionsStrikes(t *testing.T) {
	run := func(f faults.AddPartitions, until time.Duration) (*history.History, []model.Strike) {
		w := sim.New(1)
		h := &history.History{}
		sys, err := model.Build(w, growConfig(false), h)
		if err != nil {
			t.Fatal(err)
		}
		in, err := faults.Plan{Until: until, Faults: []faults.Fault{f}}.Install(sys)
		if err != nil {
			t.Fatal(err)
		}
		sys.Start()
		w.Run(sim.Time(time.Second), 0)
		sys.Drain(10*time.Millisecond, 30*time.Second)
		return h, in.Strikes()
	}
	grown := func(h *history.History) (int64, bool) {
		for _, r := range h.All() {
			if r.Kind == history.AddPartitions {
				return r.At, true
			}
		}
		return 0, false
	}
	at := 500 * time.Millisecond
	h, s := run(faults.AddPartitions{Topic: "accounts", At: at, To: 4}, time.Second)
	if g, ok := grown(h); !ok || g != int64(at) || s[0].Times != 1 {
		t.Fatalf("grown %v at %v, strikes %v; want at %v, once", ok, time.Duration(g), s, at)
	}
	h, s = run(faults.AddPartitions{Topic: "accounts", At: at, To: 4, DrainFirst: true}, time.Second)
	g, ok := grown(h)
	if !ok || g <= int64(at) || s[0].Times != 1 || !strings.Contains(s[0].Fault, "drain first") {
		t.Fatalf("drain first: grown %v at %v, strikes %v; want after %v, once", ok, time.Duration(g), s, at)
	}
	for _, r := range h.All() {
		if r.Kind == history.Publish && r.At > int64(at) && r.At < g {
			t.Fatalf("%s published at +%v, while the producer was held (%v to %v)", r.Event, time.Duration(r.At), at, time.Duration(g))
		}
	}
	h, s = run(faults.AddPartitions{Topic: "accounts", At: at, To: 4}, at/2)
	if _, ok := grown(h); ok || s[0].Times != 0 {
		t.Fatalf("after the window: grown %v, strikes %v", ok, s)
	}
}

// TestAddPartitionsDrainFirstNamesProducersHeldForever: with drain-first
// and every member of the group down for good, the topic never drains:
// the run ends at its drain limit with the producer still held, and the
// fault's strike report names it, its waiting events and why (the group
// never committed the end of a partition, its members down); a drain
// that completes leaves no note.
func TestAddPartitionsDrainFirstNamesProducersHeldForever(t *testing.T) {
	at := 500 * time.Millisecond
	run := func(fs ...faults.Fault) []model.Strike {
		w := sim.New(1)
		sys, err := model.Build(w, growConfig(false), &history.History{})
		if err != nil {
			t.Fatal(err)
		}
		in, err := faults.Plan{Faults: fs}.Install(sys)
		if err != nil {
			t.Fatal(err)
		}
		sys.Start()
		w.Run(sim.Time(time.Second), 0)
		if sys.Drain(10*time.Millisecond, 2*time.Second) && len(fs) > 1 {
			t.Fatal("the topic drained with every member of its group down")
		}
		return in.Strikes()
	}
	grow := faults.AddPartitions{Topic: "accounts", At: at, To: 4, DrainFirst: true}
	s := run(faults.CrashAt{Target: "ledger", At: at - 100*time.Millisecond, RestartAfter: -1}, grow)
	note := s[1].Note
	for _, want := range []string{"still held back", "since 500ms", "teller (", "event(s) waiting",
		"the operator's drain never reached lag 0", "group ledger has not committed the end of partition", "2 of its 2 members down"} {
		if !strings.Contains(note, want) {
			t.Errorf("note %q: want %q in it", note, want)
		}
	}
	if s[0].Note != "" {
		t.Errorf("the crash fault has note %q", s[0].Note)
	}
	if s := run(grow); s[0].Times != 1 || s[0].Note != "" {
		t.Errorf("a drain that completes: strikes %+v, want once and no note", s)
	}
}
