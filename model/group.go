package model

import (
	"slices"

	"github.com/evsim/evsim/model/history"
	"github.com/evsim/evsim/sim"
)

// group is a consumer group as its coordinator (the broker) sees it: the
// members, the generation, whether a rebalance is under way, and the
// committed offsets. It follows Kafka's classic (eager) protocol: a
// membership change starts a rebalance; every member learns of it from
// its next heartbeat, finishes the batch in hand, revokes its partitions
// and rejoins; when every member has rejoined (or was removed for missing
// its session timeout), the generation moves on and the partitions are
// assigned again. With the cooperative-sticky assignor it follows the
// cooperative protocol instead (KIP-429): members rejoin keeping their
// partitions, and only a partition that moves is revoked, by its owner
// alone, for a second rebalance to hand over (see cooperative). A static
// member (one with a group.instance.id, KIP-345) that comes back as a new
// member id before its session expires takes its old place and
// partitions without a rebalance.
type group struct {
	name  string
	hname history.Name // name, as the history names it
	idx   int
	topic *topic
	cfg   ConsumerConfig // the group-level knobs, from the first service
	// nodes are every member node of every service, in build order.
	nodes []sim.NodeID

	members      []*groupMember // current members, in join order
	lastMemberID int
	generation   int
	rebalancing  bool
	// delaying says that the group's first rebalance waits out the
	// initial rebalance delay for more members to join; delayChain
	// numbers the delay timers, delayStart is when the wait began and
	// delayJoins counts the members that joined during the current wait.
	delaying   bool
	delayChain int64
	delayStart sim.Time
	delayJoins int
	// rebalanceChain numbers the rebalances, for their timeout timers.
	rebalanceChain int64
	// emptyChain numbers the times the group became empty, for the
	// offsets retention timers; a join moves it on.
	emptyChain int64
	committed  []int64 // next offset to read, per partition; -1: none
	// resolved is where the reset policy last put each partition's
	// position (no committed offset, or one below what retention kept);
	// -1: never.
	resolved []int64
	// attempts counts deliveries per partition and offset (observation
	// only: it numbers Deliver records).
	attempts [][]uint16
	queue    *queueState // non-nil for a queue-style subscription
	// fenceKeys are the FenceTable keys of the partitions.
	fenceKeys []string
}

type groupMember struct {
	id       int
	node     sim.NodeID
	name     string
	instance string // group.instance.id; "": a dynamic member
	beats    uint64
	joined   bool  // rejoined in the current rebalance
	parts    []int // its partitions in the current generation
	owned    []int // the partitions it kept when it rejoined (cooperative)
}

// static returns the member with group.instance.id instance, or nil.
func (g *group) static(instance string) *groupMember {
	if instance == "" {
		return nil
	}
	for _, m := range g.members {
		if m.instance == instance {
			return m
		}
	}
	return nil
}

func (g *group) member(id int) *groupMember {
	for _, m := range g.members {
		if m.id == id {
			return m
		}
	}
	return nil
}

// remove takes member id out of the group. The last one out starts the
// offsets retention clock.
func (g *group) remove(w *sim.World, b *Broker, id int) {
	for i, m := range g.members {
		if m.id == id {
			g.members = append(g.members[:i:i], g.members[i+1:]...)
			break
		}
	}
	if len(g.members) == 0 && g.cfg.OffsetsRetention > 0 {
		g.emptyChain++
		w.After(b.id, sim.Time(g.cfg.OffsetsRetention), kindOffsetsExpire, int64(g.idx), g.emptyChain, nil)
	}
}

// offsetsExpire deletes the committed offsets of a group that has been
// empty since the retention timer numbered chain started, as Kafka's
// coordinator does once a group has had no members for
// offsets.retention.minutes (KIP-211). Each deleted offset is an expire
// record of the broker with reason offsets-retention; the members that
// come back start from the group's offset reset.
func (g *group) offsetsExpire(w *sim.World, b *Broker, chain int64) {
	if chain != g.emptyChain || len(g.members) > 0 {
		return
	}
	for p, off := range g.committed {
		if off < 0 {
			continue
		}
		g.committed[p], g.resolved[p] = -1, -1
		b.hist.Put(&history.Entry{At: int64(w.Now()), Kind: history.Expire, Node: w.Name(b.id), Group: g.name,
			Topic: g.topic.name, Partition: p, Offset: off, LeaveReason: history.ExpireOffsetsRetention})
	}
}

// reset returns where to read partition p without a valid position.
func (g *group) reset(p int) int64 {
	pl := &g.topic.partitions[p]
	at := pl.start
	if g.cfg.OffsetReset == ResetLatest {
		at = pl.end()
	}
	g.resolved[p] = max(g.resolved[p], at)
	return at
}

// caughtUp reports whether the group has consumed partition p to its end.
func (g *group) caughtUp(p int) bool {
	pl := &g.topic.partitions[p]
	c := max(g.committed[p], g.resolved[p])
	return c == pl.end() || c < 0 && pl.start == pl.end() || c >= 0 && g.topic.settled(p, c)
}

// beat notes a sign of life from m and arms its session timer.
func (g *group) beat(w *sim.World, b *Broker, m *groupMember) {
	m.beats++
	w.After(b.id, sim.Time(g.cfg.SessionTimeout), kindSessionCheck, int64(g.idx)<<32|int64(m.id), int64(m.beats), nil)
}

func (g *group) join(w *sim.World, b *Broker, j *joinMsg) {
	m := g.member(j.memberID)
	if m != nil {
		m.owned = j.owned
	}
	if m == nil {
		if old := g.static(j.instance); old != nil {
			g.rejoinStatic(w, b, old, j)
			return
		}
		if len(g.members) == 0 && g.cfg.InitialRebalanceDelay > 0 {
			g.startDelay(w, b)
		} else if g.delaying {
			g.delayJoins++
		}
		g.lastMemberID++
		g.emptyChain++
		m = &groupMember{id: g.lastMemberID, node: j.member, name: j.name, instance: j.instance}
		g.members = append(g.members, m)
	}
	if !g.rebalancing {
		g.startRebalance(w, b)
	}
	m.joined = true
	g.beat(w, b, m)
	g.maybeComplete(w, b)
}

// rejoinStatic takes back a static member that joined as a new member
// (a restart) while its instance id still holds a place in the group, as
// Kafka's coordinator does: the place gets a new member id, which fences
// the old one. In a stable group the member gets the partitions it had,
// in the current generation, and nothing rebalances; during a rebalance
// it counts as rejoined.
func (g *group) rejoinStatic(w *sim.World, b *Broker, m *groupMember, j *joinMsg) {
	g.lastMemberID++
	m.id, m.node = g.lastMemberID, j.member
	m.joined, m.owned = true, nil
	g.beat(w, b, m)
	if g.rebalancing {
		g.maybeComplete(w, b)
		return
	}
	g.send(w, b, m)
}

// send hands member m its partitions in the current generation, with the
// committed offsets to start from.
func (g *group) send(w *sim.World, b *Broker, m *groupMember) {
	pos := make([]int64, len(m.parts))
	for k, p := range m.parts {
		pos[k] = g.committed[p]
	}
	w.Send(b.id, m.node, kindAssign, 0, 0, &assignMsg{memberID: m.id, generation: g.generation, partitions: m.parts, positions: pos})
}

// startDelay holds the first rebalance of an empty group for the
// initial rebalance delay, as Kafka's coordinator does
// (group.initial.rebalance.delay.ms): the members that join meanwhile
// are in its first generation, instead of a one-member generation
// followed by a rebalance per member.
func (g *group) startDelay(w *sim.World, b *Broker) {
	g.delaying, g.delayStart, g.delayJoins = true, w.Now(), 0
	g.delayChain++
	w.After(b.id, sim.Time(g.cfg.InitialRebalanceDelay), kindRebalanceDelay, int64(g.idx), g.delayChain, nil)
}

// delayOver ends one wait of the initial rebalance delay. If members
// joined during it, the group waits another delay, up to the rebalance
// timeout (max.poll.interval.ms) in all; then the rebalance completes
// once every member has joined.
func (g *group) delayOver(w *sim.World, b *Broker, chain int64) {
	if !g.delaying || chain != g.delayChain {
		return
	}
	elapsed := w.Now() - g.delayStart
	if remaining := sim.Time(g.cfg.MaxPollInterval) - elapsed; g.delayJoins > 0 && remaining > 0 {
		g.delayJoins = 0
		w.After(b.id, min(sim.Time(g.cfg.InitialRebalanceDelay), remaining), kindRebalanceDelay, int64(g.idx), chain, nil)
		return
	}
	g.delaying = false
	g.maybeComplete(w, b)
}

func (g *group) startRebalance(w *sim.World, b *Broker) {
	g.rebalancing = true
	for _, m := range g.members {
		m.joined = false
	}
	// The rebalance timeout, the members' max.poll.interval.ms: a member
	// that has not rejoined by then is removed.
	g.rebalanceChain++
	w.After(b.id, sim.Time(g.cfg.MaxPollInterval), kindRebalanceTimeout, int64(g.idx), g.rebalanceChain, nil)
}

// rebalanceTimeout removes the members that have not rejoined the
// rebalance numbered chain, one rebalance timeout after it started, and
// completes it.
func (g *group) rebalanceTimeout(w *sim.World, b *Broker, chain int64) {
	if !g.rebalancing || chain != g.rebalanceChain {
		return
	}
	for _, m := range slices.Clone(g.members) {
		if !m.joined {
			g.remove(w, b, m.id)
			b.hist.Put(&history.Entry{At: int64(w.Now()), Kind: history.Expire, Node: m.name, Group: g.name, Generation: g.generation,
				LeaveReason: history.ExpireRebalanceTimeout})
		}
	}
	g.maybeComplete(w, b)
}

// maybeComplete ends the rebalance once every member has rejoined: the
// generation moves on and every member gets its partitions.
func (g *group) maybeComplete(w *sim.World, b *Broker) {
	if !g.rebalancing || g.delaying && len(g.members) > 0 {
		return
	}
	g.delaying = false
	for _, m := range g.members {
		if !m.joined {
			return
		}
	}
	g.rebalancing = false
	g.generation++
	b.hist.Put(&history.Entry{At: int64(w.Now()), Kind: history.Rebalance, Node: w.Name(b.id), Group: g.name,
		Topic: g.topic.name, Generation: g.generation, Count: len(g.members)})
	var assignment [][]int
	if g.cfg.Assignor == AssignCooperativeSticky {
		assignment = g.cooperative()
	} else {
		assignment = assign(g.cfg.Assignor, len(g.topic.partitions), len(g.members))
	}
	for i, m := range g.members {
		m.parts = assignment[i]
		g.beat(w, b, m)
		g.send(w, b, m)
	}
}

// heartbeat answers a member's heartbeat only when the member must act:
// rejoin for a rebalance, or rejoin as a new member because it was
// removed. The answer echoes the member's ref, so that a member which has
// moved on since can tell it is stale.
func (g *group) heartbeat(w *sim.World, b *Broker, ref *memberRef) {
	m := g.member(ref.memberID)
	if m == nil {
		w.Send(b.id, ref.member, kindHeartbeatResp, errUnknownMember, 0, ref)
		return
	}
	g.beat(w, b, m)
	if g.rebalancing && !m.joined || !g.rebalancing && ref.generation != g.generation {
		w.Send(b.id, ref.member, kindHeartbeatResp, errRebalance, 0, ref)
	}
}

func (g *group) leave(w *sim.World, b *Broker, ref *memberRef) {
	if g.member(ref.memberID) == nil {
		return
	}
	g.remove(w, b, ref.memberID)
	if !g.rebalancing {
		g.startRebalance(w, b)
	}
	g.maybeComplete(w, b)
}

// sessionCheck removes a member whose last heartbeat is a session timeout
// old. A member that has rejoined a rebalance still waiting for others is
// kept: its join request is its sign of life.
func (g *group) sessionCheck(w *sim.World, b *Broker, id int, beats uint64) {
	m := g.member(id)
	if m == nil || m.beats != beats {
		return
	}
	if g.rebalancing && m.joined {
		g.beat(w, b, m)
		return
	}
	g.remove(w, b, id)
	b.hist.Put(&history.Entry{At: int64(w.Now()), Kind: history.Expire, Node: m.name, Group: g.name, Generation: g.generation})
	if !g.rebalancing {
		g.startRebalance(w, b)
	}
	g.maybeComplete(w, b)
}

// commit stores a committed offset unless fencing rejects it: a commit
// from a member that is no longer in the group, or from an old generation.
func (g *group) commit(w *sim.World, b *Broker, c *memberRef, p int, offset int64) {
	if g.cfg.Fencing != FenceNone {
		code := 0
		if g.member(c.memberID) == nil {
			code = errUnknownMember
		} else if c.generation != g.generation {
			code = errRebalance
		}
		if code != 0 {
			b.hist.Put(&history.Entry{At: int64(w.Now()), Kind: history.CommitFenced, Node: c.name, Group: g.name,
				Topic: g.topic.name, Partition: p, Offset: offset, Generation: c.generation})
			w.Send(b.id, c.member, kindCommitResp, int64(p), int64(code), c)
			return
		}
	}
	g.committed[p] = offset
	st := history.NewStamp(codeOffsetCommit, c.hname, &g.hname, nil, &g.topic.hname)
	b.hist.PutStamped(&st, &history.Mark{At: int64(w.Now()), Partition: p, Offset: offset, Generation: c.generation}, history.Tag{})
}

// assign spreads partitions 0..partitions-1 over members members (in join
// order) with the named strategy.
func assign(a Assignor, partitions, members int) [][]int {
	out := make([][]int, members)
	if members == 0 {
		return out
	}
	switch a {
	case AssignRoundRobin:
		for p := 0; p < partitions; p++ {
			out[p%members] = append(out[p%members], p)
		}
	default: // range
		per, extra := partitions/members, partitions%members
		p := 0
		for i := range out {
			n := per
			if i < extra {
				n++
			}
			for k := 0; k < n; k++ {
				out[i] = append(out[i], p)
				p++
			}
		}
	}
	return out
}

// cooperative returns the members' partitions in the new generation by
// the cooperative-sticky assignor (KIP-429): a balanced assignment that
// leaves each partition with the member that kept it where balance
// allows, from which a partition still owned by another member is held
// back. That owner revokes it when it learns its assignment and rejoins
// at once; the next rebalance hands the partition over.
func (g *group) cooperative() [][]int {
	n, k := len(g.topic.partitions), len(g.members)
	out := make([][]int, k)
	if k == 0 {
		return out
	}
	owner := make([]int, n) // index in g.members of the member that kept the partition; -1: none
	for p := range owner {
		owner[p] = -1
	}
	for i, m := range g.members {
		for _, p := range m.owned {
			if p < n && owner[p] < 0 {
				owner[p] = i
			}
		}
	}
	target := sticky(n, k, owner)
	for p, i := range target {
		if owner[p] < 0 || owner[p] == i {
			out[i] = append(out[i], p)
		}
	}
	return out
}

// sticky spreads n partitions over k members, each getting n/k or one
// more, and leaves partition p with owner[p] (a member index, -1: none)
// where that keeps the balance. It returns each partition's member.
func sticky(n, k int, owner []int) []int {
	lo, extra := n/k, n%k
	count := make([]int, k)
	to := make([]int, n)
	for p := range to {
		to[p] = -1
	}
	// Each member keeps up to lo of its partitions, then, while the
	// members allowed one more last, one more.
	for pass := 0; pass < 2; pass++ {
		for p, i := range owner {
			if i < 0 || to[p] >= 0 {
				continue
			}
			if count[i] < lo || pass == 1 && count[i] == lo && extra > 0 {
				if count[i] == lo {
					extra--
				}
				to[p] = i
				count[i]++
			}
		}
	}
	// The rest go first to the members below lo, then one each to the
	// members at lo while the extra ones last.
	for p := range to {
		if to[p] >= 0 {
			continue
		}
		best := -1
		for i := range k {
			if count[i] < lo {
				best = i
				break
			}
		}
		if best < 0 {
			for i := range k {
				if count[i] == lo && extra > 0 {
					best = i
					extra--
					break
				}
			}
		}
		to[p] = best
		count[best]++
	}
	return to
}
