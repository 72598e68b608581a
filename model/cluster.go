package model

import (
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/evsim/evsim/model/history"
	"github.com/evsim/evsim/sim"
)

// partitionState is the controller's record of one replicated partition:
// its replicas (the preferred leader first), its leader, the leader epoch
// (bumped at every leader change), the in-sync replica set, and the
// partition epoch that numbers every change of them.
type partitionState struct {
	idx      int // among the cluster's partitions
	t        *topic
	p        int
	replicas []int // broker indexes
	leader   int   // broker index; -1: offline
	epoch    int
	version  int
	isr      []int
}

// partitionInfo is a copy of a partitionState as the controller sends it
// to the brokers (Kafka's LeaderAndIsr request, or the metadata log).
type partitionInfo struct {
	part    *partitionState // which partition; read nothing else from it
	leader  int
	epoch   int
	version int
	isr     []int
	// inc is the incarnation of the broker it is sent to: a broker that
	// restarted ignores what was meant for its previous incarnation until
	// it has registered again
	inc int64
}

// alterPartition is a leader's request to change the in-sync set
// (Kafka's AlterPartition, KIP-497), valid only for the leader epoch and
// partition epoch it was made in.
type alterPartition struct {
	part    *partitionState
	leader  int
	epoch   int
	version int
	isr     []int
}

// metadataReq asks the controller who leads partition A of t.
type metadataReq struct {
	from sim.NodeID
	t    *topic
}

// cluster is the controller of the broker cluster that holds the
// replicated topics. It runs on a node of its own that never fails, as a
// KRaft controller quorum that keeps its majority does. Every broker
// heartbeats it (Kafka's BrokerHeartbeat); a broker whose heartbeats stop
// arriving for the session timeout, because it crashed or because the
// network cut it off, is fenced: no leadership, out of every in-sync set,
// and its partitions get new leaders. A restarted broker registers again
// (its first heartbeat names a new incarnation), which fences the old
// incarnation at once. A fenced broker whose heartbeats arrive again is
// unfenced, and every broker that lacks the current state of one of its
// partitions is sent it in answer to its heartbeat (as a KRaft broker
// catches up with the metadata log).
type cluster struct {
	id      sim.NodeID
	brokers []*Replica
	parts   []*partitionState
	hist    *history.History
	// per broker: fenced by the controller, and the incarnation it last
	// registered
	fenced      []bool
	incarnation []int64
	// heard counts, per broker, the heartbeats heard; a session expiry
	// counts only if none came after the one that armed it
	heard     []int64
	session   sim.Time
	heartbeat sim.Time      // how often a broker heartbeats
	power     PowerLossHook // nil: every crash is a process crash
}

// newCluster adds the controller and n brokers, named broker-1 ...
// broker-n, to w, and places the partitions of the replicated topics on
// them: replica i of partition p on broker (p+i) mod n, the first the
// preferred leader.
func newCluster(w *sim.World, topics []*topic, n int, h *history.History) *cluster {
	c := &cluster{hist: h, fenced: make([]bool, n), incarnation: make([]int64, n), heard: make([]int64, n)}
	c.id = w.Add("controller", c)
	for i := range n {
		r := &Replica{idx: i, name: "broker-" + strconv.Itoa(i+1), c: c, hist: h}
		r.hname = history.NewName(r.name)
		r.id = w.Add(r.name, r)
		c.brokers = append(c.brokers, r)
	}
	for _, t := range topics {
		if !t.cfg.replicated() {
			continue
		}
		c.session = max(c.session, sim.Time(t.cfg.BrokerSessionTimeout))
		t.repl = make([]*partitionState, len(t.partitions))
		for p := range t.partitions {
			ps := &partitionState{idx: len(c.parts), t: t, p: p}
			for i := range t.cfg.ReplicationFactor {
				ps.replicas = append(ps.replicas, (p+i)%n)
			}
			ps.leader, ps.isr = ps.replicas[0], slices.Clone(ps.replicas)
			t.repl[p] = ps
			c.parts = append(c.parts, ps)
		}
	}
	if c.session == 0 {
		c.session = sim.Time(DefaultBrokerSessionTimeout)
	}
	c.heartbeat = c.session / brokerHeartbeatsPerSession
	for _, r := range c.brokers {
		r.logs = make([]*replicaLog, len(c.parts))
	}
	for _, ps := range c.parts {
		for _, b := range ps.replicas {
			c.brokers[b].logs[ps.idx] = &replicaLog{part: ps, seqs: map[int64]*sequenceLine{}, replicaView: unknownView()}
		}
	}
	return c
}

// brokerHeartbeatsPerSession is how many heartbeats a broker sends per
// session timeout: Kafka's defaults are broker.heartbeat.interval.ms 2 s
// and broker.session.timeout.ms 9 s.
const brokerHeartbeatsPerSession = 4

// brokerHeartbeat is a broker's heartbeat: known sums, over the
// partitions it holds, the partition epoch it knows (-1 for one it knows
// nothing of), so that the controller sees whether it missed a change.
type brokerHeartbeat struct {
	known int64
}

// start hands every broker its partitions' first state, as a cluster set
// up before the run has them, starts every broker's heartbeats and every
// session.
func (c *cluster) start(w *sim.World) {
	for _, ps := range c.parts {
		for _, b := range ps.replicas {
			c.brokers[b].become(w, c.info(ps, b))
		}
	}
	for b, r := range c.brokers {
		w.After(r.id, c.heartbeat, kindBrokerTick, 0, 0, nil)
		w.After(c.id, c.session, kindBrokerExpire, int64(b), 0, nil)
	}
}

// known is what a broker's heartbeat says when it knows the current state
// of every partition it holds.
func (c *cluster) known(b int) int64 {
	var n int64
	for _, ps := range c.parts {
		if slices.Contains(ps.replicas, b) {
			n += int64(ps.version)
		}
	}
	return n
}

func (c *cluster) info(ps *partitionState, b int) *partitionInfo {
	return &partitionInfo{part: ps, leader: ps.leader, epoch: ps.epoch, version: ps.version, isr: slices.Clone(ps.isr),
		inc: c.incarnation[b]}
}

// leaderNode returns the node leading ps, or -1.
func (c *cluster) leaderNode(ps *partitionState) sim.NodeID {
	if ps.leader < 0 {
		return -1
	}
	return c.brokers[ps.leader].id
}

// Handle implements sim.Node.
func (c *cluster) Handle(w *sim.World, ev *sim.Event) {
	switch ev.Kind {
	case kindBrokerHeartbeat:
		c.heartbeatFrom(w, int(ev.A), ev.B, ev.Msg.(*brokerHeartbeat))
	case kindBrokerExpire:
		if b := int(ev.A); ev.B == c.heard[b] && !c.fenced[b] {
			c.fence(w, b)
		}
	case kindAlterPartition:
		c.alter(w, ev.Msg.(*alterPartition))
	case kindMetadata:
		m := ev.Msg.(*metadataReq)
		w.Send(c.id, m.from, kindMetadataResp, ev.A, int64(c.leaderNode(m.t.repl[ev.A])), m)
	default:
		panic(fmt.Sprintf("model: controller got unknown event kind %d", ev.Kind))
	}
}

// heartbeatFrom takes broker b's heartbeat: from a new incarnation it is
// a registration, which fences the old incarnation if its session has not
// run out yet; a fenced broker is unfenced; one that lacks the current
// state of a partition is sent the state of each; and the session runs
// for another session timeout. A heartbeat of an older incarnation
// (delayed on the way) is ignored.
func (c *cluster) heartbeatFrom(w *sim.World, b int, inc int64, hb *brokerHeartbeat) {
	switch {
	case inc < c.incarnation[b]:
		return
	case inc > c.incarnation[b]:
		if !c.fenced[b] {
			c.fence(w, b)
		}
		c.incarnation[b] = inc
		c.admit(w, b)
	case c.fenced[b]:
		c.admit(w, b)
	case hb.known != c.known(b):
		c.sendState(w, b)
	}
	c.heard[b]++
	w.After(c.id, c.session, kindBrokerExpire, int64(b), c.heard[b], nil)
}

// admit unfences broker b, elects it where a partition waits for a leader
// it can be, and tells it the state of every partition it holds.
func (c *cluster) admit(w *sim.World, b int) {
	c.fenced[b] = false
	for _, ps := range c.parts {
		if ps.leader < 0 && slices.Contains(ps.replicas, b) {
			c.elect(w, ps)
		}
	}
	c.sendState(w, b)
}

// sendState tells broker b the state of every partition it holds.
func (c *cluster) sendState(w *sim.World, b int) {
	for _, ps := range c.parts {
		if slices.Contains(ps.replicas, b) {
			w.Send(c.id, c.brokers[b].id, kindLeaderAndISR, 0, 0, c.info(ps, b))
		}
	}
}

// fence takes broker b out of every in-sync set (unless it is the last
// member: the set then keeps naming the only replica known to have every
// committed record) and moves its leaderships.
func (c *cluster) fence(w *sim.World, b int) {
	c.fenced[b] = true
	for _, ps := range c.parts {
		if !slices.Contains(ps.replicas, b) {
			continue
		}
		if i := slices.Index(ps.isr, b); i >= 0 && len(ps.isr) > 1 {
			ps.isr = slices.Delete(ps.isr, i, i+1)
			if ps.leader != b {
				c.changed(w, ps, history.ISRChange)
			}
		}
		if ps.leader == b {
			c.elect(w, ps)
		}
	}
}

// elect picks ps's leader: the first live in-sync replica; failing that,
// with unclean leader election, the first live replica, which becomes the
// whole in-sync set; failing that, none: the partition is offline.
func (c *cluster) elect(w *sim.World, ps *partitionState) {
	why := history.ElectionClean
	leader := -1
	for _, b := range ps.replicas {
		if !c.fenced[b] && slices.Contains(ps.isr, b) {
			leader = b
			break
		}
	}
	if leader < 0 && ps.t.cfg.UncleanLeaderElection {
		for _, b := range ps.replicas {
			if !c.fenced[b] {
				leader, why = b, history.ElectionUnclean
				ps.isr = []int{b}
				break
			}
		}
	}
	if leader < 0 {
		why = history.ElectionOffline
	}
	if leader == ps.leader {
		return
	}
	ps.leader = leader
	ps.epoch++
	view := &ps.t.partitions[ps.p]
	view.offline = leader < 0
	if leader >= 0 {
		l := c.brokers[leader].logs[ps.idx]
		if why == history.ElectionUnclean {
			// The new leader's log is the partition now: what it lacks
			// of the committed view is gone, what it has beyond it counts.
			l.hw = l.end()
			view.records = l.records[:l.hw:l.hw]
		} else if l.end() < view.end() {
			// The last in-sync replica came back from a power loss
			// without part of the committed view: that part is gone.
			l.hw = l.end()
			view.records = l.records[:l.hw:l.hw]
		} else {
			// Every in-sync replica holds the committed view.
			l.hw = max(l.hw, view.end())
		}
	}
	c.changed(w, ps, why)
}

// changed bumps ps's partition epoch, records the change and tells every
// live replica.
func (c *cluster) changed(w *sim.World, ps *partitionState, why history.Election) {
	ps.version++
	node := ""
	if ps.leader >= 0 {
		node = c.brokers[ps.leader].name
	}
	names := make([]string, len(ps.isr))
	for i, b := range ps.isr {
		names[i] = c.brokers[b].name
	}
	c.hist.Put(&history.Entry{At: int64(w.Now()), Kind: history.PartitionChange, Node: node, Topic: ps.t.name,
		Partition: ps.p, Generation: ps.epoch, Partitions: strings.Join(names, ","), Election: why})
	for _, b := range ps.replicas {
		if !c.fenced[b] {
			w.Send(c.id, c.brokers[b].id, kindLeaderAndISR, 0, 0, c.info(ps, b))
		}
	}
}

// alter applies a leader's in-sync set change if it was made against the
// partition's current state; the leader learns the outcome either way
// from the next state it is sent.
func (c *cluster) alter(w *sim.World, a *alterPartition) {
	ps := a.part
	if a.leader != ps.leader || a.epoch != ps.epoch || a.version != ps.version {
		return
	}
	isr := make([]int, 0, len(a.isr))
	for _, b := range a.isr {
		if b == ps.leader || !c.fenced[b] {
			isr = append(isr, b)
		}
	}
	if slices.Equal(isr, ps.isr) {
		return
	}
	ps.isr = isr
	c.changed(w, ps, history.ISRChange)
}
