package model

import (
	"testing"
	"time"

	"github.com/evsim/evsim/model/history"
	"github.com/evsim/evsim/sim"
)

// benchConfig is a busy system without faults: one producer publishing
// 100,000 events a second over 8 partitions, one group of 4 members that
// handle records instantly, every record acknowledged, delivered, applied
// in a transaction and committed, and everything recorded in the history.
func benchConfig(commit Commit) Config {
	return Config{
		Topics: []TopicConfig{{Name: "t", Partitions: 8}},
		Producers: []ProducerConfig{{Name: "p", Topic: "t", Interval: 10 * time.Microsecond, Keys: 100,
			Events: []EventSpec{{Type: "Deposited", AmountMin: 1, AmountMax: 100}}, Idempotent: true, Retries: 5}},
		Consumers: []ConsumerConfig{{Group: "g", Topic: "t", Members: 4, Handler: "balance", Commit: commit,
			CommitInterval: 100 * time.Millisecond, Batch: 500, PollInterval: time.Millisecond}},
	}
}

// runModelHistory runs cfg for d of simulated time and returns the
// deliveries, the kernel events it took and the bytes of memory the
// history holds at the end.
//
// With h nil, the run is a single run's: a history of its own, and it
// releases nothing, so that the next one allocates its own logs too.
// With a history buffer, it is a sweep worker's run: it releases its log
// arrays once over, as the scenario runner does, for the next run.
func runModelHistory(b *testing.B, cfg Config, d time.Duration, h *history.History) (deliveries, events uint64, histBytes int64) {
	w := sim.New(1)
	reuse := h != nil
	if !reuse {
		h = &history.History{}
	}
	s, err := Build(w, cfg, h)
	if err != nil {
		b.Fatal(err)
	}
	s.Expect(d)
	s.Start()
	w.Run(sim.Time(d), 0)
	deliveries, events, histBytes = s.Deliveries, w.Steps(), h.Bytes()
	if reuse {
		s.Release()
	}
	return deliveries, events, histBytes
}

// BenchmarkModel measures the whole model (producer, broker, group,
// consumers, history) in deliveries per second of wall time, per core. The
// system sizes its partition logs for the run ([System.Expect]), as the
// scenario runner does. Run
// it next to the kernel's benchmark, in one go test command, to compare
// (on a shared machine, compare the CPU rates, events/cpu-s and
// deliveries/cpu-s; the floor, floorSystem, is the least any model of
// this system does per delivery):
//
//	go test -run '^$' -bench 'Kernel|Model' -benchtime 5x ./sim ./model
func BenchmarkModel(b *testing.B) {
	// The baseline in the same binary: the bare kernel dispatching timer
	// events of one node, the cost floor of any event in the model.
	b.Run("baseline=kernel", func(b *testing.B) {
		const n = 1_000_000
		t0, c0 := time.Now(), cpuTime()
		for b.Loop() {
			w := sim.New(1)
			t := &ticker{left: n}
			t.id = w.Add("ticker", t)
			w.After(t.id, 1, 0, 0, 0, nil)
			w.Stabilize(2 * n)
		}
		b.ReportMetric(float64(n)*float64(b.N)/time.Since(t0).Seconds(), "events/s")
		reportCPU(b, "events/cpu-s", float64(n)*float64(b.N), c0)
	})
	// The floor: the least any model of this system does per delivery
	// (floorSystem), recording the same five records.
	for _, hist := range []string{"fresh", "reused", "none"} {
		b.Run("baseline=floor/history="+hist, func(b *testing.B) { benchFloor(b, hist) })
	}
	for _, commit := range []Commit{CommitInterval, CommitAfterHandle} {
		for _, reuse := range []bool{false, true} {
			name := "commit=" + string(commit) + "/history=fresh"
			if reuse {
				name = "commit=" + string(commit) + "/history=reused"
			}
			b.Run(name, func(b *testing.B) { benchModel(b, benchConfig(commit), reuse) })
		}
	}
	// The same system on a cluster of three brokers: every record
	// replicated to two followers before it is acknowledged (acks all,
	// min-insync-replicas 2), next to the single broker above.
	for _, reuse := range []bool{false, true} {
		name := "commit=interval/history=fresh/replicas=3"
		if reuse {
			name = "commit=interval/history=reused/replicas=3"
		}
		b.Run(name, func(b *testing.B) { benchModel(b, replicatedBenchConfig(), reuse) })
	}
}

// replicatedBenchConfig is benchConfig(CommitInterval) with its topic
// replicated three times and the producer on acks all.
func replicatedBenchConfig() Config {
	cfg := benchConfig(CommitInterval)
	cfg.Topics[0].ReplicationFactor, cfg.Topics[0].MinInsyncReplicas = 3, 2
	cfg.Producers[0].Acks = AcksAll
	return cfg
}

// benchModel runs cfg for a second of simulated time per iteration. With
// reuse, every iteration records into the same history buffer and the
// log arrays the one before released, as a sweep worker does; without,
// each allocates its own, as a single run does.
func benchModel(b *testing.B, cfg Config, reuse bool) {
	var h *history.History
	if reuse {
		h = &history.History{}
	}
	var deliveries, events uint64
	var histBytes int64
	t0, c0 := time.Now(), cpuTime()
	for b.Loop() {
		if h != nil {
			h.Reset()
		}
		d, e, hb := runModelHistory(b, cfg, time.Second, h)
		deliveries += d
		events += e
		histBytes += hb
	}
	el := time.Since(t0).Seconds()
	b.ReportMetric(float64(histBytes)/float64(deliveries), "hist-B/delivery")
	b.ReportMetric(float64(deliveries)/el, "deliveries/s")
	b.ReportMetric(float64(events)/float64(deliveries), "events/delivery")
	b.ReportMetric(float64(events)/el, "events/s")
	reportCPU(b, "deliveries/cpu-s", float64(deliveries), c0)
}

// reportCPU reports n per second of the process's CPU time since c0 (when
// the system gives it). Wall-clock rates swing with the machine's other
// load; the CPU rates of one run compare the kernel and the model fairly.
func reportCPU(b *testing.B, unit string, n float64, c0 time.Duration) {
	if c := cpuTime() - c0; c > 0 {
		b.ReportMetric(n/c.Seconds(), unit)
	}
}

// ticker is a node that sets its next timer until left runs out.
type ticker struct {
	id   sim.NodeID
	left int
}

func (t *ticker) Handle(w *sim.World, ev *sim.Event) {
	if t.left--; t.left > 0 {
		w.After(t.id, 1000, 0, 0, 0, nil)
	}
}
