package model

import (
	"fmt"
	"slices"
	"strconv"
	"testing"
	"time"

	"pgregory.net/rapid"

	"github.com/evsim/evsim/model/history"
	"github.com/evsim/evsim/sim"
)

// The broker against a plain reference model: rapid draws appends (plain
// and idempotent, fresh, retried and out of sequence), fetches, commits
// (current and stale), joins, leaves and member crashes (a session that
// times out), and after every step the broker's logs, committed offsets,
// generation, rebalance state and last assignment must match what the
// reference model says.

// refBroker is the reference: slices and maps, no protocol.
type refBroker struct {
	logs        [][]string
	seqs        map[[2]int64]int64 // pid, partition -> next sequence number
	committed   []int64
	members     []int // member ids, in join order
	joined      map[int]bool
	generation  int
	rebalancing bool
	lastID      int
	fencing     Fencing
	startAt     []int64 // committed offsets when the generation began
}

func (r *refBroker) has(id int) bool { return slices.Contains(r.members, id) }

func (r *refBroker) startRebalance() {
	if !r.rebalancing {
		r.rebalancing = true
		r.joined = map[int]bool{}
	}
}

func (r *refBroker) maybeComplete() {
	if !r.rebalancing {
		return
	}
	for _, m := range r.members {
		if !r.joined[m] {
			return
		}
	}
	r.rebalancing = false
	r.generation++
	r.startAt = slices.Clone(r.committed)
}

// memberSink is a member node that only records what the broker sends it.
type memberSink struct {
	assign *assignMsg
}

func (s *memberSink) Handle(w *sim.World, ev *sim.Event) {
	if ev.Kind == kindAssign {
		s.assign = ev.Msg.(*assignMsg)
	}
}

type brokerMachine struct {
	w     *sim.World
	b     *Broker
	t     *topic
	g     *group
	ref   *refBroker
	sinks []*memberSink
	nodes []sim.NodeID
	ids   []int // member id per sink; 0: not in the group (or unknown)
	pids  []int64
	n     int
}

func newBrokerMachine(t *rapid.T) *brokerMachine {
	parts := rapid.IntRange(1, 4).Draw(t, "partitions")
	assignor := rapid.SampledFrom([]Assignor{AssignRange, AssignRoundRobin}).Draw(t, "assignor")
	fencing := rapid.SampledFrom([]Fencing{FenceOffsets, FenceNone}).Draw(t, "fencing")
	w := sim.New(1)
	b := newBroker(&history.History{})
	b.id = w.Add("broker", b)
	tp := &topic{name: "t", partitions: make([]partitionLog, parts)}
	b.topics = append(b.topics, tp)
	cfg := ConsumerConfig{Group: "g", Topic: "t", Members: 1, Assignor: assignor, Fencing: fencing}.withDefaults()
	g := &group{name: "g", topic: tp, cfg: cfg, committed: make([]int64, parts), resolved: make([]int64, parts),
		attempts: make([][]uint16, parts)}
	for p := range g.committed {
		g.committed[p], g.resolved[p] = -1, -1
	}
	b.groups = append(b.groups, g)
	m := &brokerMachine{w: w, b: b, t: tp, g: g, ref: &refBroker{logs: make([][]string, parts), seqs: map[[2]int64]int64{},
		committed: make([]int64, parts), fencing: fencing}}
	for p := range m.ref.committed {
		m.ref.committed[p] = -1
	}
	for i := range 4 {
		s := &memberSink{}
		m.sinks = append(m.sinks, s)
		m.nodes = append(m.nodes, w.Add("m"+strconv.Itoa(i), s))
		m.ids = append(m.ids, 0)
	}
	m.pids = []int64{b.newProducerID(), b.newProducerID()}
	return m
}

// settle delivers the messages sent at the current instant; timers (the
// session checks) stay pending, so only the crash action expires members.
func (m *brokerMachine) settle() { m.w.Run(m.w.Now(), 0) }

func (m *brokerMachine) append(t *rapid.T, pid int64, p int, seq int64) {
	n := rapid.IntRange(1, 3).Draw(t, "batch")
	var recs []Record
	var ids []string
	for range n {
		m.n++
		recs = append(recs, Record{ID: "e" + strconv.Itoa(m.n), Key: "k"})
		ids = append(ids, recs[len(recs)-1].ID)
	}
	status, off := m.b.append(m.w.Now(), m.t, p, recs, pid, 0, seq)
	want, wantOff := produceOK, int64(len(m.ref.logs[p]))
	if pid != 0 {
		k := [2]int64{pid, int64(p)}
		switch next := m.ref.seqs[k]; {
		case seq < next:
			want, wantOff = produceDuplicate, -2 // an earlier offset of this producer
		case seq > next:
			want, wantOff = produceOutOfOrder, -1
		default:
			m.ref.seqs[k] = next + int64(n)
		}
	}
	if want == produceOK {
		m.ref.logs[p] = append(m.ref.logs[p], ids...)
	}
	if status != want || wantOff != -2 && off != wantOff {
		t.Fatalf("append %d records pid %d seq %d to partition %d: got status %d offset %d, want %d offset %d", n, pid, seq, p, status, off, want, wantOff)
	}
}

func (m *brokerMachine) Produce(t *rapid.T) {
	m.append(t, 0, rapid.IntRange(0, len(m.ref.logs)-1).Draw(t, "partition"), 0)
}

func (m *brokerMachine) ProduceIdempotent(t *rapid.T) {
	pid := m.pids[rapid.IntRange(0, len(m.pids)-1).Draw(t, "producer")]
	p := rapid.IntRange(0, len(m.ref.logs)-1).Draw(t, "partition")
	next := m.ref.seqs[[2]int64{pid, int64(p)}]
	// 0: the next sequence number; 1: a retry of an earlier one; 2: a gap
	seq := next
	switch rapid.IntRange(0, 2).Draw(t, "kind") {
	case 1:
		if next > 0 {
			seq = rapid.Int64Range(0, next-1).Draw(t, "retry")
		}
	case 2:
		seq = next + rapid.Int64Range(1, 3).Draw(t, "gap")
	}
	m.append(t, pid, p, seq)
}

func (m *brokerMachine) Fetch(t *rapid.T) {
	p := rapid.IntRange(0, len(m.ref.logs)-1).Draw(t, "partition")
	from := rapid.Int64Range(-1, int64(len(m.ref.logs[p]))).Draw(t, "from")
	max := rapid.IntRange(1, 5).Draw(t, "max")
	sink := &fetchSink{}
	id := m.w.Add("fetch"+strconv.Itoa(m.w.Nodes()), sink)
	m.b.fetch(m.w, &fetchMsg{fetchReq: fetchReq{group: m.g, member: id, max: max, partitions: []int{p}, positions: []int64{from}}})
	m.settle()
	start := max64(from, 0)
	end := min(int64(len(m.ref.logs[p])), start+int64(max))
	var want []string
	if start < end {
		want = m.ref.logs[p][start:end]
	}
	var got []string
	for _, r := range sink.r.records {
		got = append(got, r.ID)
	}
	if !slices.Equal(got, want) {
		t.Fatalf("fetch partition %d from %d max %d: got %v, want %v", p, from, max, got, want)
	}
}

type fetchSink struct{ r *recordsMsg }

func (s *fetchSink) Handle(w *sim.World, ev *sim.Event) { s.r = ev.Msg.(*recordsMsg) }

func max64(a, b int64) int64 {
	if a > b {
		return a
	}
	return b
}

func (m *brokerMachine) Join(t *rapid.T) {
	i := rapid.IntRange(0, len(m.sinks)-1).Draw(t, "member")
	id := m.ids[i]
	if id != 0 && !m.ref.has(id) {
		id = 0 // it was removed: it joins as a new member
	}
	m.g.join(m.w, m.b, &joinMsg{group: m.g, member: m.nodes[i], name: m.w.Name(m.nodes[i]), memberID: m.ids[i]})
	if id == 0 {
		m.ref.lastID++
		id = m.ref.lastID
		m.ref.members = append(m.ref.members, id)
	}
	m.ids[i] = id
	m.ref.startRebalance()
	m.ref.joined[id] = true
	m.ref.maybeComplete()
	m.settle()
}

func (m *brokerMachine) member(t *rapid.T) (int, int) {
	var in []int
	for i, id := range m.ids {
		if id != 0 && m.ref.has(id) {
			in = append(in, i)
		}
	}
	if len(in) == 0 {
		t.Skip("no member in the group")
	}
	i := rapid.SampledFrom(in).Draw(t, "member")
	return i, m.ids[i]
}

func (m *brokerMachine) Leave(t *rapid.T) {
	i, id := m.member(t)
	m.g.leave(m.w, m.b, &memberRef{group: m.g, member: m.nodes[i], memberID: id})
	m.ref.members = slices.DeleteFunc(m.ref.members, func(x int) bool { return x == id })
	m.ids[i] = 0
	m.ref.startRebalance()
	m.ref.maybeComplete()
	m.settle()
}

// Crash stands for a member that stops sending heartbeats: its session
// timer fires with no newer heartbeat.
func (m *brokerMachine) Crash(t *rapid.T) {
	_, id := m.member(t)
	gm := m.g.member(id)
	m.g.sessionCheck(m.w, m.b, id, gm.beats)
	if m.ref.rebalancing && m.ref.joined[id] {
		return // a member waiting in a rebalance is kept
	}
	m.ref.members = slices.DeleteFunc(m.ref.members, func(x int) bool { return x == id })
	m.ref.startRebalance()
	m.ref.maybeComplete()
	m.settle()
}

func (m *brokerMachine) Commit(t *rapid.T) {
	i, id := m.member(t)
	p := rapid.IntRange(0, len(m.ref.logs)-1).Draw(t, "partition")
	off := rapid.Int64Range(0, int64(len(m.ref.logs[p]))).Draw(t, "offset")
	gen := m.ref.generation - rapid.IntRange(0, 1).Draw(t, "staleness")
	if rapid.Bool().Draw(t, "removed member") {
		id = 1000 // a member id the group never had
	}
	m.g.commit(m.w, m.b, &memberRef{group: m.g, member: m.nodes[i], memberID: id, generation: gen}, p, off)
	if m.ref.fencing == FenceNone || m.ref.has(id) && gen == m.ref.generation {
		m.ref.committed[p] = off
	}
	m.settle()
}

func (m *brokerMachine) Check(t *rapid.T) {
	for p, want := range m.ref.logs {
		var got []string
		for _, r := range m.t.partitions[p].records {
			got = append(got, m.t.strs.str(r.id))
		}
		if !slices.Equal(got, want) {
			t.Fatalf("partition %d: log %v, want %v", p, got, want)
		}
		for o := range m.t.partitions[p].records {
			if r := m.t.record(p, int64(o)); r.Offset != int64(o) || r.Partition != p || r.ID != want[o] {
				t.Fatalf("partition %d: record %d reads as %s at partition %d offset %d", p, o, r.ID, r.Partition, r.Offset)
			}
		}
	}
	if !slices.Equal(m.g.committed, m.ref.committed) {
		t.Fatalf("committed %v, want %v", m.g.committed, m.ref.committed)
	}
	if m.g.generation != m.ref.generation || m.g.rebalancing != m.ref.rebalancing {
		t.Fatalf("generation %d rebalancing %v, want %d %v", m.g.generation, m.g.rebalancing, m.ref.generation, m.ref.rebalancing)
	}
	var ids []int
	for _, gm := range m.g.members {
		ids = append(ids, gm.id)
	}
	if !slices.Equal(ids, m.ref.members) {
		t.Fatalf("members %v, want %v", ids, m.ref.members)
	}
	if m.ref.rebalancing || len(m.ref.members) == 0 {
		return
	}
	// Stable: every member holds the current generation's assignment, and
	// together they own every partition exactly once.
	want := assign(m.g.cfg.Assignor, len(m.ref.logs), len(m.ref.members))
	owners := make([]int, len(m.ref.logs))
	for k, id := range m.ref.members {
		i := slices.Index(m.ids, id)
		a := m.sinks[i].assign
		if a == nil || a.generation != m.ref.generation || a.memberID != id {
			t.Fatalf("member %d holds assignment %+v, want generation %d", id, a, m.ref.generation)
		}
		if !slices.Equal(a.partitions, want[k]) {
			t.Fatalf("member %d owns %v, want %v", id, a.partitions, want[k])
		}
		for j, p := range a.partitions {
			owners[p]++
			if a.positions[j] != m.ref.startAt[p] {
				t.Fatalf("member %d starts partition %d at %d, want %d, committed when the generation began", id, p, a.positions[j], m.ref.startAt[p])
			}
		}
	}
	for p, n := range owners {
		if n != 1 {
			t.Fatalf("partition %d has %d owners", p, n)
		}
	}
}

func TestBrokerStateMachine(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		m := newBrokerMachine(t)
		t.Repeat(rapid.StateMachineActions(m))
	})
}

func TestAssignSpreadsEveryPartitionOnce(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		parts := rapid.IntRange(0, 12).Draw(t, "partitions")
		members := rapid.IntRange(1, 6).Draw(t, "members")
		a := rapid.SampledFrom([]Assignor{AssignRange, AssignRoundRobin}).Draw(t, "assignor")
		got := assign(a, parts, members)
		seen := make([]int, parts)
		lo, hi := parts, 0
		for _, ps := range got {
			lo, hi = min(lo, len(ps)), max(hi, len(ps))
			for _, p := range ps {
				seen[p]++
			}
		}
		for p, n := range seen {
			if n != 1 {
				t.Fatalf("%s: partition %d assigned %d times: %v", a, p, n, got)
			}
		}
		if hi-lo > 1 {
			t.Fatalf("%s: unbalanced %v", a, got)
		}
	})
	if got := fmt.Sprint(assign(AssignRange, 5, 2), assign(AssignRoundRobin, 5, 2)); got != "[[0 1 2] [3 4]] [[0 2 4] [1 3]]" {
		t.Errorf("range and round-robin of 5 over 2: %s", got)
	}
}

func TestProducerRestartGetsNewID(t *testing.T) {
	w := sim.New(1)
	h := &history.History{}
	s, err := Build(w, Config{
		Topics:    []TopicConfig{{Name: "t", Partitions: 2}},
		Producers: []ProducerConfig{{Name: "p", Topic: "t", Interval: time.Millisecond, Keys: 3, Events: []EventSpec{{Type: "Happened"}}, Idempotent: true, Retries: 3}},
	}, h)
	if err != nil {
		t.Fatal(err)
	}
	s.Start()
	w.Run(sim.Time(20*time.Millisecond), 0)
	p := s.Producers[0]
	first := p.pid
	w.Crash(p.id, "test", sim.Time(time.Millisecond))
	w.Run(sim.Time(40*time.Millisecond), 0)
	if p.pid == first || p.pid == 0 {
		t.Fatalf("producer id %d after restart, was %d", p.pid, first)
	}
	// The new session numbers each partition from 0 again, and the broker
	// accepts it: no append is refused or lost after the restart.
	var afterRestart, seq0 int
	restarted := false
	for _, r := range h.All() {
		if r.Kind == history.Restart {
			restarted = true
		}
		if restarted && r.Kind == history.Append {
			afterRestart++
			if r.ProducerID != p.pid {
				t.Fatalf("append after restart under id %d, want %d", r.ProducerID, p.pid)
			}
			if r.Seq == 0 {
				seq0++
			}
		}
	}
	if afterRestart == 0 || seq0 == 0 {
		t.Fatalf("after the restart: %d appends, %d with sequence 0", afterRestart, seq0)
	}
}

func TestPartitioners(t *testing.T) {
	cfg := ProducerConfig{Partitioner: PartitionRoundRobin}
	rr := 0
	var got []int
	for range 5 {
		got = append(got, partition(&cfg, "k", 3, &rr))
	}
	if !slices.Equal(got, []int{0, 1, 2, 0, 1}) {
		t.Errorf("round-robin: %v", got)
	}
	cfg = ProducerConfig{Partitioner: PartitionExplicit, Partition: 2}
	if p := partition(&cfg, "k", 3, &rr); p != 2 {
		t.Errorf("explicit: %d", p)
	}
	cfg = ProducerConfig{}
	for _, k := range []string{"acct-0", "acct-1", "acct-7"} {
		if a, b := partition(&cfg, k, 4, &rr), KeyPartition(k, 4); a != b || a < 0 || a > 3 {
			t.Errorf("key %s: %d and %d", k, a, b)
		}
	}
}

// ackSink records the acknowledgements a simple publisher gets.
type ackSink struct{ acks [][2]int64 }

func (s *ackSink) Handle(w *sim.World, ev *sim.Event) {
	if ev.Kind == kindAck {
		s.acks = append(s.acks, [2]int64{ev.A, ev.B})
	}
}

func TestSimplePublishIsAppendedByKeyAndAcknowledged(t *testing.T) {
	w := sim.New(1)
	h := &history.History{}
	s, err := Build(w, Config{Topics: []TopicConfig{{Name: "t", Partitions: 3}}}, h)
	if err != nil {
		t.Fatal(err)
	}
	pub := &ackSink{}
	id := w.Add("relay", pub)
	for i := range 4 {
		w.Send(id, s.Broker.id, kindPublish, 0, 0, &publishMsg{from: id, rec: Record{ID: "e" + strconv.Itoa(i), Key: "acct-1", Topic: "t"}})
	}
	w.Run(sim.Time(time.Second), 0)
	p := int64(KeyPartition("acct-1", 3))
	if len(pub.acks) != 4 {
		t.Fatalf("acks %v, want 4", pub.acks)
	}
	for i, a := range pub.acks {
		if a != [2]int64{p, int64(i)} {
			t.Errorf("ack %d: partition/offset %v, want %d/%d", i, a, p, i)
		}
	}
}
