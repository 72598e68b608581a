package model

import (
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"pgregory.net/rapid"

	"github.com/evsim/evsim/internal/rapidtest"
	"github.com/evsim/evsim/model/history"
	"github.com/evsim/evsim/sim"
)

// Replication against a reference model. rapid draws broker crashes (at
// once, with or without a power loss, or armed at the leader's append
// point or a follower's fetch point), restarts, network partitions (a
// broker cut off from everyone, from the controller alone, one way or
// both, or from the producer) and their healing, and stretches of time for
// a cluster of three brokers holding a topic with acks all,
// min-insync-replicas 2, clean leader election and every write flushed.
// The reference is the list of acknowledged writes, each with its
// partition and offset, read from the history. After every step, each
// acknowledged write must sit at its offset in the log of its partition's
// current leader and in the log of every broker the controller counts in
// sync, and in the partition's committed view once the view reaches that
// offset: a new leader's high watermark can lag behind the one its
// predecessor acknowledged by, until its followers fetch from it (Kafka's
// OFFSET_NOT_AVAILABLE: "the leader high watermark has not caught up from
// a recent leader election"), so a write acknowledged just before an
// election may be out of the view for a moment, never moved. At the end,
// with every broker back and the producer stopped, the partition must have
// drained with each acknowledged write read at its offset. None may be
// lost or moved.

// armedCrash is a crash hook that crashes one node at its n-th pass
// through one point.
type armedCrash struct {
	node  sim.NodeID
	point CrashPoint
	n     int
}

func (a *armedCrash) Crash(w *sim.World, node sim.NodeID, point string) (bool, sim.Time) {
	if a.n == 0 || node != a.node || point != string(a.point) {
		return false, 0
	}
	if a.n--; a.n == 0 {
		return true, -1
	}
	return false, 0
}

// ackedWrite is the reference model's record of one acknowledged write.
type ackedWrite struct {
	event     string
	partition int
	offset    int64
}

type replicationMachine struct {
	w      *sim.World
	s      *System
	h      *history.History
	hook   *armedCrash
	acked  []ackedWrite
	seen   int // history records read so far
	crashN int
	// cuts are the links the drawn partitions cut and have not mended
	cuts  [][2]sim.NodeID
	cutsN int
	// powerOn says that the crash under way cuts the broker's power
	powerOn bool
}

// PowerLoss implements PowerLossHook.
func (m *replicationMachine) PowerLoss(w *sim.World, node sim.NodeID) bool { return m.powerOn }

// replicationCounts counts, across every rapid case, what the test
// reached, so that it can require crashes and acknowledgements to occur.
var replicationCounts struct{ acked, crashes, partitions, elections, truncations int }

func newReplicationMachine(t *rapid.T, acks Acks, flush time.Duration) *replicationMachine {
	idempotent := acks == AcksAll && rapid.Bool().Draw(t, "idempotent")
	cfg := Config{
		Topics: []TopicConfig{{Name: "t", Partitions: 2, ReplicationFactor: 3, MinInsyncReplicas: 2,
			ReplicaLagTimeMax: 200 * time.Millisecond, BrokerSessionTimeout: 100 * time.Millisecond, FlushInterval: flush}},
		Producers: []ProducerConfig{{Name: "p", Topic: "t", Interval: 2 * time.Millisecond, Keys: 4,
			Events: []EventSpec{{Type: "Deposited", AmountMin: 1, AmountMax: 1}}, Acks: acks,
			Retries: 1000, RequestTimeout: 50 * time.Millisecond, Idempotent: idempotent,
			MaxInFlight: 5}},
	}
	w := sim.New(rapid.Uint64().Draw(t, "seed"))
	h := &history.History{}
	s, err := Build(w, cfg, h)
	if err != nil {
		t.Fatal(err)
	}
	m := &replicationMachine{w: w, s: s, h: h, hook: &armedCrash{}}
	w.SetCrashHook(m.hook)
	s.SetPowerLossHook(m)
	s.Start()
	return m
}

func (m *replicationMachine) broker(t *rapid.T) *Replica {
	c := m.s.Broker.cluster
	return c.brokers[rapid.IntRange(0, len(c.brokers)-1).Draw(t, "broker")]
}

func (m *replicationMachine) Run(t *rapid.T) {
	d := rapid.Int64Range(1, 300).Draw(t, "ms")
	m.w.Run(m.w.Now()+sim.Time(d)*sim.Time(time.Millisecond), 0)
}

func (m *replicationMachine) Crash(t *rapid.T) {
	b := m.broker(t)
	if m.w.Up(b.id) {
		m.w.Crash(b.id, "test", -1)
	}
}

// PowerCrash crashes a broker with a power loss: it loses what its
// topic's flush setting had not put on disk.
func (m *replicationMachine) PowerCrash(t *rapid.T) {
	b := m.broker(t)
	if m.w.Up(b.id) {
		m.powerOn = true
		m.w.Crash(b.id, "test", -1)
		m.powerOn = false
	}
}

func (m *replicationMachine) Arm(t *rapid.T) {
	b := m.broker(t)
	m.hook.node, m.hook.n = b.id, rapid.IntRange(1, 20).Draw(t, "hit")
	m.hook.point = rapid.SampledFrom(PointsOf(KindBroker)).Draw(t, "point")
}

// Partition cuts a broker off: from the other brokers and the controller,
// from the controller alone, or from the producer; both ways or one way.
func (m *replicationMachine) Partition(t *rapid.T) {
	c := m.s.Broker.cluster
	b := m.broker(t)
	var others []sim.NodeID
	switch rapid.SampledFrom([]string{"isolate", "controller", "producer"}).Draw(t, "from") {
	case "isolate":
		others = append(others, c.id)
		for _, o := range c.brokers {
			if o != b {
				others = append(others, o.id)
			}
		}
	case "controller":
		others = []sim.NodeID{c.id}
	case "producer":
		others = []sim.NodeID{m.s.Producers[0].id}
	}
	way := rapid.SampledFrom([]string{"both", "out", "in"}).Draw(t, "way")
	for _, o := range others {
		if way != "in" {
			m.cut(b.id, o)
		}
		if way != "out" {
			m.cut(o, b.id)
		}
	}
	m.cutsN++
}

func (m *replicationMachine) cut(from, to sim.NodeID) {
	m.w.Network().Cut(from, to)
	m.cuts = append(m.cuts, [2]sim.NodeID{from, to})
}

// Heal mends every cut link.
func (m *replicationMachine) Heal(t *rapid.T) {
	for _, c := range m.cuts {
		m.w.Network().Mend(c[0], c[1])
	}
	m.cuts = nil
}

func (m *replicationMachine) Restart(t *rapid.T) {
	b := m.broker(t)
	if !m.w.Up(b.id) {
		m.w.Restart(b.id)
	}
}

// Check reads the new acknowledgements and checks every acknowledged
// write against the cluster.
func (m *replicationMachine) Check(t *rapid.T) {
	for ; m.seen < m.h.Len(); m.seen++ {
		r := m.h.At(m.seen)
		switch r.Kind {
		case history.PublishAck:
			m.acked = append(m.acked, ackedWrite{r.Event, r.Partition, r.Offset})
		case history.Crash:
			m.crashN++
		case history.PartitionChange:
			if r.Election == history.ElectionClean {
				replicationCounts.elections++
			}
			if r.Election == history.ElectionUnclean {
				t.Fatalf("unclean election with unclean-leader-election off: %v", r)
			}
		case history.Truncate:
			replicationCounts.truncations++
		}
	}
	c := m.s.Broker.cluster
	at := func(recs []logRecord, o int64) string {
		if o < int64(len(recs)) {
			return c.parts[0].t.strs.str(recs[o].id)
		}
		return fmt.Sprintf("nothing (log end %d)", len(recs))
	}
	for _, a := range m.acked {
		ps := c.parts[a.partition]
		if view := ps.t.partitions[a.partition].records; a.offset < int64(len(view)) && at(view, a.offset) != a.event {
			got := at(view, a.offset)
			for _, r := range m.h.All() {
				if r.Kind != history.Publish {
					t.Log(r)
				}
			}
			t.Fatalf("acknowledged %s at %d/%d, but the committed view has %s there", a.event, a.partition, a.offset, got)
		}
		if ps.leader >= 0 {
			if got := at(c.brokers[ps.leader].logs[ps.idx].records, a.offset); got != a.event {
				t.Fatalf("acknowledged %s at %d/%d, but leader %s has %s there", a.event, a.partition, a.offset,
					c.brokers[ps.leader].name, got)
			}
		}
		for _, b := range ps.isr {
			if got := at(c.brokers[b].logs[ps.idx].records, a.offset); got != a.event {
				t.Fatalf("acknowledged %s at %d/%d, but in-sync %s has %s there", a.event, a.partition, a.offset,
					c.brokers[b].name, got)
			}
		}
	}
}

// finish brings every broker back, stops the producer and lets the
// cluster converge, then requires every acknowledged write to be in the
// committed view at its offset and every broker's log to agree with it.
func (m *replicationMachine) finish(t *rapid.T) {
	c := m.s.Broker.cluster
	m.hook.n = 0
	m.Heal(t)
	m.s.Producers[0].cfg.Stop = max(1, time.Duration(m.w.Now())) // 0 would mean never
	for _, b := range c.brokers {
		if !m.w.Up(b.id) {
			m.w.Restart(b.id)
		}
	}
	m.w.Run(m.w.Now()+sim.Time(5*time.Second), 0)
	m.Check(t)
	for _, ps := range c.parts {
		if ps.leader < 0 {
			t.Fatalf("partition %d offline with every broker up", ps.p)
		}
		view := ps.t.partitions[ps.p].records
		for _, b := range ps.replicas {
			l := c.brokers[b].logs[ps.idx]
			if l.end() != int64(len(view)) {
				t.Fatalf("partition %d: %s has %d records, the committed view %d", ps.p, c.brokers[b].name, l.end(), len(view))
			}
			for o := range view {
				if l.records[o].id != view[o].id {
					t.Fatalf("partition %d offset %d: %s has %s, the view %s", ps.p, o, c.brokers[b].name, ps.t.strs.str(l.records[o].id), ps.t.strs.str(view[o].id))
				}
			}
		}
	}
	replicationCounts.acked += len(m.acked)
	replicationCounts.crashes += m.crashN
	replicationCounts.partitions += m.cutsN
}

func TestReplicationKeepsAcknowledgedWrites(t *testing.T) {
	replicationCounts = struct{ acked, crashes, partitions, elections, truncations int }{}
	rapid.Check(t, replicationProperty(AcksAll, FlushEveryWrite, true))
	c := replicationCounts
	t.Logf("acknowledged %d, crashes %d, partitions %d, clean elections %d, truncations %d", c.acked, c.crashes, c.partitions,
		c.elections, c.truncations)
	if c.acked == 0 || c.crashes == 0 || c.partitions == 0 || c.elections == 0 || c.truncations == 0 {
		t.Errorf("the cases reached too little: %+v", c)
	}
}

// replicationProperty draws partitions, and with crashes also broker
// crashes and restarts.
func replicationProperty(acks Acks, flush time.Duration, crashes bool) func(*rapid.T) {
	return func(t *rapid.T) {
		m := newReplicationMachine(t, acks, flush)
		actions := map[string]func(*rapid.T){
			"run":       m.Run,
			"partition": m.Partition,
			"heal":      m.Heal,
			"":          m.Check,
		}
		if crashes {
			actions["crash"], actions["power-crash"], actions["arm"], actions["restart"] = m.Crash, m.PowerCrash, m.Arm, m.Restart
		}
		t.Repeat(actions)
		m.finish(t)
	}
}

// TestReplicationAcksOneLosesWrites plants acks 1 in the same machine:
// rapid must find a leader crash that loses an acknowledged write.
func TestReplicationAcksOneLosesWrites(t *testing.T) {
	msgs := rapidtest.Fails(t, replicationProperty(AcksLeader, FlushEveryWrite, true))
	if msgs == nil {
		t.Fatal("rapid found no lost write with acks 1")
	}
	if !slices.ContainsFunc(msgs, func(m string) bool { return strings.Contains(m, "acknowledged") }) {
		t.Fatalf("rapid failed for another reason: %v", msgs)
	}
}

// TestReplicationPowerLossOfTheLastReplica plants flush never (Kafka's
// default): rapid must find power losses that take committed writes from
// the last in-sync replica, which clean election then has to pick (the
// case Kafka's KIP-966 addresses).
func TestReplicationPowerLossOfTheLastReplica(t *testing.T) {
	msgs := rapidtest.Fails(t, replicationProperty(AcksAll, 0, true))
	if msgs == nil {
		t.Fatal("rapid found no write lost to a power loss with flush never")
	}
	if !slices.ContainsFunc(msgs, func(m string) bool { return strings.Contains(m, "acknowledged") }) {
		t.Fatalf("rapid failed for another reason: %v", msgs)
	}
}

// TestReplicationAcksOnePartitionLosesWrites plants acks 1 and draws no
// crash at all: rapid must find a network partition that cuts a leader
// off while the producer still reaches it, so that it acknowledges writes
// the new leader never has.
func TestReplicationAcksOnePartitionLosesWrites(t *testing.T) {
	msgs := rapidtest.Fails(t, replicationProperty(AcksLeader, FlushEveryWrite, false))
	if msgs == nil {
		t.Fatal("rapid found no write lost to a partition with acks 1")
	}
	if !slices.ContainsFunc(msgs, func(m string) bool { return strings.Contains(m, "acknowledged") }) {
		t.Fatalf("rapid failed for another reason: %v", msgs)
	}
}
