package model

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"strconv"
	"time"

	"github.com/evsim/evsim/model/history"
	"github.com/evsim/evsim/sim"
)

// Tables the consumer keeps in its group's database.
const (
	// ProcessedTable maps the id of each processed event to the time it
	// was recorded (shared-scope dedup).
	ProcessedTable = "processed"
	// FenceTable maps each partition ("topic/partition") to the newest
	// generation that owns it (fencing writes).
	FenceTable = "fence"
)

type phase uint8

const (
	phaseOut     phase = iota // not in the group: not started, or left
	phaseJoining              // waiting for an assignment
	phaseActive               // consuming
)

// outcome is what handling one record came to.
type outcome uint8

const (
	applied outcome = iota
	deduped
	failed
	fenced
	conflict // a saga's optimistic write found a newer version: reload and retry
)

// Member is one member of a consumer group: it joins the group, sends
// heartbeats, polls the partitions assigned to it (or, in a queue
// subscription, any message), handles the records of each batch with up
// to Concurrency at once, each in a database transaction with the dedup
// strategy, and commits offsets (or acknowledges messages) by its policy.
//
// Its state is in three parts. What it is built with never changes: its
// configuration, its group's database (durable, shared by the group) and
// three strategies chosen from the configuration: how it takes records
// ([source]), how it runs its handler ([handling]) and when it commits
// ([commitPolicy]). [memberDurable] survives a crash; [memberVolatile]
// (its position, its batch, its identity in the group, its member-scope
// dedup memory) is dropped whole by one. The committed offsets live at
// the broker.
type Member struct {
	id      sim.NodeID
	name    string
	service string // "" when it is the group's name
	// hname and hservice are name and service as the history names them.
	hname, hservice history.Name
	cfg             ConsumerConfig
	stater          Stater // nil: the handler does not report its state
	g               *group
	broker          sim.NodeID
	db              *DB
	hist            *history.History
	rng             *rand.Rand
	// failures counts the passing handler failures drawn by the members
	// of this consumer entry (nil: the knob is off).
	failures *Strike
	sys      *System
	// out is the output topic of a consume-transform-produce loop (nil:
	// the member is not one); see txnmember.go.
	out *topic

	src    source
	run    handling
	commit commitPolicy

	// fetchSpare is a fetch whose answer has come back, for the next poll
	// to reuse (nil: none); see [fetchMsg].
	fetchSpare *fetchMsg
	// hmark is what [Member.put] fills for each deliver and effect
	// record: filled in place and passed by address, so that its ~200
	// bytes are neither zeroed nor copied per record. The fields it
	// never sets stay zero. deliverStamp and effectStamp are what those
	// records share, for the batch's topic (see [Member.put]).
	hmark                     history.Mark
	deliverStamp, effectStamp history.Stamp

	memberDurable
	memberVolatile
}

// memberDurable is what a member keeps across a crash besides its group's
// database and the committed offsets: the numbers of its work, batches
// and timer chains. They keep growing across lives, so that a timer or an
// answer meant for an earlier life or an abandoned batch is never taken
// for a current one.
type memberDurable struct {
	epoch    int64 // changes whenever work in hand is abandoned
	batchSeq int64 // numbers the batches handed to the handler
	hbChain  int64 // heartbeat timer chain in force
	ciChain  int64 // the worker-thread poll loop's timer chain in force
}

// memberVolatile is what a member loses in a crash.
type memberVolatile struct {
	txs       []*txnSession // a loop's transactional ids, per assigned partition
	phase     phase
	ref       *memberRef // who we are in the current generation; nil if none
	memberID  int        // the id to rejoin with; 0 joins as a new member
	rejoin    bool       // the group asked us to rejoin
	leaving   bool       // leave cleanly at the next poll boundary
	leaveFor  sim.Time   // how long to stay out after leaving
	parts     []int      // assigned partitions
	pos       []int64    // next offset to fetch, per assigned partition
	handled   []int64    // offset below which every record is handled
	committed []int64    // last offset this member committed
	next      int        // the partition to fetch first next time
	fetching  bool
	batch     []Record
	// spare is the array of a finished batch, lent to the next fetch
	// for its records.
	spare    []Record
	attempts []int // queue: the broker's delivery count per batch record
	bpart    int   // index in parts of the batch's partition; -1 in a queue
	// btopic is the Name of the batch's topic: a batch is records of
	// one topic (the group's), named once for all
	btopic      *history.Name
	done        []bool
	begun       []bool    // per batch record: handed to a worker (ordering key)
	tries       []int     // handler attempts per batch record
	loaded      []sagaRow // saga: the row read per batch record
	starting    bool      // startWork's loop is running
	started     int       // batch records started
	running     int       // batch records started and not finished
	finished    int       // batch records finished
	prefix      int       // batch records finished without a gap from the start
	maxDone     int64     // one past the highest offset finished
	pausedUntil sim.Time
	polledOut   bool                // left the group for outliving the max poll interval
	coopJoining bool                // rejoined cooperatively: consuming while the rebalance runs
	pending     *assignMsg          // a cooperative assignment waiting for the poll boundary
	pendingGen  int                 // the generation the pending assignment ends
	seen        map[string]sim.Time // member-scope dedup memory
	autoAt      sim.Time            // when auto-commit last committed (or the member started)
}

// Name returns the member's node name.
func (m *Member) Name() string { return m.name }

// Handle implements sim.Node.
func (m *Member) Handle(w *sim.World, ev *sim.Event) {
	if now := w.Now(); now < m.pausedUntil {
		// Stalled: everything waits until the pause is over, in order.
		w.After(m.id, m.pausedUntil-now, ev.Kind, ev.A, ev.B, ev.Msg)
		return
	}
	switch ev.Kind {
	case kindStart, kindRejoin:
		m.start(w)
	case kindAssign:
		m.assigned(w, ev.Msg.(*assignMsg))
	case kindHeartbeatTick:
		if ev.B == m.hbChain {
			m.heartbeat(w)
		}
	case kindHeartbeatResp:
		m.groupError(w, ev.Msg.(*memberRef), int(ev.A), false)
	case kindCommitResp:
		m.groupError(w, ev.Msg.(*memberRef), int(ev.B), true)
	case kindCommitTick:
		if ev.B == m.ciChain {
			m.commit.polled(m, w)
			w.After(m.id, sim.Time(m.cfg.PollInterval), kindCommitTick, 0, m.ciChain, nil)
		}
	case kindPoll:
		m.poll(w)
	case kindRecords:
		r := ev.Msg.(*recordsMsg)
		m.records(w, r)
		if poisonFetches && r.fetch != nil {
			poisonReply(r)
		}
	case kindPollTimeout:
		if ev.B == m.batchSeq && m.batch != nil {
			m.pollTimeout(w)
		}
	case kindProcessed, kindRetry:
		if ev.B == m.epoch && m.batch != nil {
			m.complete(w, int(ev.A))
		}
	default:
		panic(fmt.Sprintf("model: member %s got unknown event kind %d", m.name, ev.Kind))
	}
}

// start joins the group (a queue subscription has no membership: it
// starts fetching).
func (m *Member) start(w *sim.World) {
	m.commit.start(m, w)
	m.src.start(m, w)
}

func (m *Member) join(w *sim.World) {
	m.phase, m.polledOut = phaseJoining, false
	m.coopJoining, m.pending = false, nil
	gen := 0
	if m.ref != nil {
		gen = m.ref.generation
	}
	m.hist.Put(&history.Entry{At: int64(w.Now()), Kind: history.Join, Node: m.name, Service: m.service, Group: m.g.name,
		Topic: m.g.topic.name, Generation: gen})
	w.Send(m.id, m.broker, kindJoin, 0, 0, &joinMsg{group: m.g, member: m.id, name: m.name, memberID: m.memberID, instance: m.instance()})
}

// instance returns the member's group.instance.id: its name when it is a
// static member, "" otherwise.
func (m *Member) instance() string {
	if m.cfg.StaticMembership {
		return m.name
	}
	return ""
}

func (m *Member) assigned(w *sim.World, a *assignMsg) {
	if m.coopJoining && m.phase == phaseActive {
		// The member commits in the new generation at once; its
		// partitions change at the next poll boundary.
		m.pending, m.pendingGen, m.coopJoining = a, m.ref.generation, false
		m.memberID = a.memberID
		m.ref = &memberRef{group: m.g, member: m.id, name: m.name, hname: &m.hname, memberID: a.memberID, generation: a.generation}
		m.poll(w)
		return
	}
	if m.phase != phaseJoining {
		return
	}
	m.phase, m.rejoin, m.memberID = phaseActive, false, a.memberID
	m.ref = &memberRef{group: m.g, member: m.id, name: m.name, hname: &m.hname, memberID: a.memberID, generation: a.generation}
	m.parts = a.partitions
	m.pos = append([]int64(nil), a.positions...)
	m.handled = append([]int64(nil), a.positions...)
	m.committed = append([]int64(nil), a.positions...)
	m.next = 0
	m.epoch++
	m.hist.Put(&history.Entry{At: int64(w.Now()), Kind: history.Assign, Node: m.name, Service: m.service, Group: m.g.name,
		Topic: m.g.topic.name, Generation: a.generation, Partitions: joinInts(a.partitions)})
	m.txnAssign(w)
	if m.cfg.Fencing == FenceWrites && len(a.partitions) > 0 {
		// Take ownership: from now on, writes of older generations to
		// these partitions are refused.
		tx := m.db.Begin()
		for _, p := range a.partitions {
			if cur, _ := tx.Get(FenceTable, m.g.fenceKeys[p]); cur < int64(a.generation) {
				tx.Put(FenceTable, m.g.fenceKeys[p], int64(a.generation))
			}
		}
		tx.Commit()
	}
	m.poll(w)
}

func (m *Member) heartbeat(w *sim.World) {
	if m.phase == phaseOut {
		return
	}
	if m.ref != nil && !m.polledOut {
		w.Send(m.id, m.broker, kindHeartbeat, 0, 0, m.ref)
	}
	w.After(m.id, sim.Time(m.cfg.HeartbeatInterval), kindHeartbeatTick, 0, m.hbChain, nil)
}

// pollTimeout makes a member that has held its batch longer than the max
// poll interval leave the group, as Kafka's consumer does (its heartbeat
// thread sends LeaveGroup): the group rebalances without it while its
// handler runs on. It keeps its stale identity, so its later commits are
// refused as from an unknown member (Kafka's CommitFailedException), and
// its next poll rejoins as a new member. A static member sends no
// LeaveGroup: it stops its heartbeats, and the broker removes it when its
// session times out, unless it rejoins first.
func (m *Member) pollTimeout(w *sim.World) {
	if m.phase != phaseActive || m.polledOut || m.ref == nil {
		return
	}
	m.hist.Put(&history.Entry{At: int64(w.Now()), Kind: history.Leave, Node: m.name, Service: m.service, Group: m.g.name,
		Topic: m.g.topic.name, Generation: m.ref.generation, LeaveReason: history.LeavePollTimeout})
	if !m.cfg.StaticMembership {
		w.Send(m.id, m.broker, kindLeave, 0, 0, m.ref)
	}
	m.polledOut, m.rejoin, m.memberID = true, true, 0
}

// groupError handles the group's answer that this member must rejoin:
// a rebalance, or its removal. A rejected commit also drops the batch in
// hand: the member is a zombie and stops.
func (m *Member) groupError(w *sim.World, ref *memberRef, code int, commit bool) {
	if ref != m.ref || m.phase != phaseActive {
		return
	}
	if code == errRebalance && m.coopJoining && !commit {
		return // already rejoining
	}
	m.rejoin = true
	if code == errUnknownMember {
		m.memberID = 0
		m.coopJoining, m.pending = false, nil
	}
	if commit {
		m.abandon()
	}
	m.poll(w)
}

// abandon drops the batch in hand.
func (m *Member) abandon() {
	m.epoch++
	m.batch, m.running = nil, 0
}

// poll fetches the next batch, or, at this boundary between batches,
// leaves or rejoins the group if asked to.
func (m *Member) poll(w *sim.World) {
	if m.phase != phaseActive || m.fetching || m.batch != nil {
		return
	}
	if m.leaving {
		m.leave(w)
		return
	}
	if m.pending != nil {
		m.applyCooperative(w)
	}
	if m.rejoin && m.cfg.Assignor == AssignCooperativeSticky && m.memberID != 0 && m.ref != nil && !m.coopJoining && m.pending == nil {
		m.rejoin = false
		m.coopJoining = true
		m.joinCooperative(w)
	} else if m.rejoin && !m.coopJoining && m.pending == nil {
		m.revoke(w)
		m.commit.revoked(m, w)
		m.rejoin = false
		if m.memberID == 0 {
			m.ref = nil
		}
		m.parts, m.pos, m.handled, m.committed = nil, nil, nil, nil
		m.join(w)
		return
	}
	if !m.src.ready(m) {
		return
	}
	m.commit.polled(m, w)
	m.fetching = true
	f := m.fetchSpare
	m.fetchSpare = nil
	if f == nil || freeListsOff {
		f = &fetchMsg{}
	}
	// only the request is written: the answer to the fetch before, in
	// f.reply, may still be in hand (this poll is inside its handling)
	f.fetchReq = fetchReq{group: m.g, member: m.id, epoch: m.epoch, max: m.cfg.Batch, partitions: m.parts, positions: m.pos, start: m.next,
		iso: m.cfg.Isolation, buf: m.spare}
	m.spare = nil
	m.next++
	w.Send(m.id, m.broker, kindFetch, 0, 0, f)
}

func (m *Member) records(w *sim.World, r *recordsMsg) {
	if r.fetch != nil {
		// the broker is done with the fetch: the next poll may reuse it
		m.fetchSpare = r.fetch
		if poisonFetches {
			poisonRequest(r.fetch)
		}
	}
	if !m.fetching || r.epoch != m.epoch {
		return
	}
	m.fetching = false
	if len(r.records) == 0 {
		m.spare = r.records
		w.After(m.id, sim.Time(m.cfg.PollInterval), kindPoll, 0, 0, nil)
		return
	}
	if !m.src.take(m, w, r) {
		m.poll(w)
		return
	}
	n := len(r.records)
	m.batch, m.attempts = r.records, r.attempts
	m.btopic = m.topicName(&r.records[0])
	m.done = resize(m.done, n)
	m.begun = resize(m.begun, n)
	m.tries = resize(m.tries, n)
	m.started, m.running, m.finished, m.prefix, m.maxDone = 0, 0, 0, 0, -1
	if m.instant() {
		m.runInstant(w)
		return
	}
	m.startWork(w)
}

// resize returns s's array, or a larger one, holding n zero values.
func resize[T any](s []T, n int) []T {
	s = slices.Grow(s[:0], n)[:n]
	clear(s)
	return s
}

// startWork starts batch records while there is a free worker: in batch
// order, or, with ordering key, the first records whose key has no earlier
// record of the batch still unfinished.
//
// A record handled in no time finishes inside deliver, and finish asks
// for the next one: that call returns at once, and this loop starts it,
// so that a batch is a loop, not a recursion as deep as the batch. A
// batch whose every record finishes so goes through [Member.runInstant]
// instead.
func (m *Member) startWork(w *sim.World) {
	if m.starting {
		return
	}
	m.starting = true
	for m.batch != nil && m.running < m.cfg.Concurrency {
		i := m.nextRecord()
		if i < 0 {
			break
		}
		m.begun[i] = true
		for m.started < len(m.batch) && m.begun[m.started] {
			m.started++
		}
		m.running++
		m.deliver(w, i)
	}
	m.starting = false
}

// nextRecord returns the batch record to start next, or -1 when none may start.
func (m *Member) nextRecord() int {
	if m.cfg.Ordering != OrderKey {
		if m.started < len(m.batch) {
			return m.started
		}
		return -1
	}
	for i := m.started; i < len(m.batch); i++ {
		if m.begun[i] {
			continue
		}
		free := true
		for j := range i {
			if !m.done[j] && m.batch[j].Key == m.batch[i].Key {
				free = false
				break
			}
		}
		if free {
			return i
		}
	}
	return -1
}

// deliver records the delivery of batch record i and waits for its
// processing time (and any stall).
func (m *Member) deliver(w *sim.World, i int) {
	r := &m.batch[i]
	attempt, gen := m.src.attempt(m, i)
	m.sys.Deliveries++
	m.put(w, &m.deliverStamp, codeDeliver, r, attempt, gen, 0)
	m.run.read(m, i)
	d := m.processing()
	if m.sys.stall != nil {
		if s := m.sys.stall.Stall(w, m.id, PointProcessing); s > 0 {
			m.pausedUntil = w.Now() + s
			m.hist.Put(&history.Entry{At: int64(w.Now()), Kind: history.Pause, Node: m.name, Service: m.service,
				Group: m.g.name, Until: int64(m.pausedUntil)})
			d += time.Duration(s)
		}
	}
	if d == 0 {
		m.complete(w, i)
		return
	}
	w.After(m.id, sim.Time(d), kindProcessed, int64(i), m.epoch, nil)
}

// processing draws the time to handle one record.
func (m *Member) processing() time.Duration {
	d := m.cfg.ProcessingMin
	if span := m.cfg.ProcessingMax - m.cfg.ProcessingMin; span > 0 {
		d += time.Duration(m.rng.Int64N(int64(span) + 1))
	}
	return d
}

// complete handles batch record i once its processing time is over.
func (m *Member) complete(w *sim.World, i int) {
	r := &m.batch[i]
	if m.tries[i] == 0 {
		m.commit.beforeHandle(m, w, r)
	}
	m.tries[i]++
	out := m.apply(w, i, m.tries[i])
	if m.out != nil && (out == applied || out == deduped) && !m.txnOutput(w, r) {
		m.txnFenced(w)
		return
	}
	switch out {
	case conflict:
		// Read again and handle the record anew.
		m.run.read(m, i)
		w.After(m.id, sim.Time(max(1, m.processing())), kindRetry, int64(i), m.epoch, nil)
		return
	case failed:
		retry := m.cfg.OnError == RetryForever || m.cfg.OnError == DeadLetter && m.tries[i] < m.cfg.MaxAttempts
		if retry {
			w.After(m.id, sim.Time(m.cfg.RetryBackoff), kindRetry, int64(i), m.epoch, nil)
			return
		}
		if m.cfg.OnError == DeadLetter {
			m.hist.Add(m.record(w, history.DeadLetter, r, m.tries[i]))
		}
	case fenced:
		m.abandon()
		m.rejoin = true
		m.poll(w)
		return
	}
	m.finish(w, i)
}

// finish marks batch record i done and commits by the policy.
func (m *Member) finish(w *sim.World, i int) {
	r := &m.batch[i]
	m.done[i] = true
	m.running--
	m.finished++
	for m.prefix < len(m.batch) && m.done[m.prefix] {
		m.prefix++
	}
	if m.bpart >= 0 {
		if m.prefix > 0 {
			m.handled[m.bpart] = max(m.handled[m.bpart], m.batch[m.prefix-1].Offset+1)
		}
		m.maxDone = max(m.maxDone, r.Offset+1)
	}
	if m.out == nil { // a loop's offsets go with the batch's transaction
		m.commit.finished(m, w, r)
	}
	if m.finished == len(m.batch) {
		if m.out != nil && !m.txnCommit(w) {
			m.txnFenced(w)
			return
		}
		m.spare, m.batch = m.batch[:0], nil
		m.poll(w)
		return
	}
	m.startWork(w)
}

// apply runs the handler on r in a database transaction, with the dedup
// strategy and fencing.
func (m *Member) apply(w *sim.World, i int, attempt int) outcome {
	r := &m.batch[i]
	if _, none := m.run.(noHandling); none {
		return applied // a loop with no external write
	}
	separate := m.cfg.Dedup == DedupSeparateBefore || m.cfg.Dedup == DedupSeparateAfter
	if separate && m.seenSeparate(w, r.ID) {
		m.hist.Add(m.record(w, history.Dedup, r, attempt))
		return deduped
	}
	if m.cfg.Dedup == DedupSeparateBefore {
		m.mark(w, r.ID)
	}
	crashPoint(w, m.id, PointBeforeEffect)
	tx := m.db.Begin()
	defer m.db.end(tx)
	if m.cfg.Dedup == DedupSameTx {
		if v, ok := tx.Get(ProcessedTable, r.ID); ok && m.fresh(w, v) {
			m.hist.Add(m.record(w, history.Dedup, r, attempt))
			crashPoint(w, m.id, PointAfterEffect)
			return deduped
		}
		tx.Put(ProcessedTable, r.ID, int64(w.Now()))
	}
	if m.cfg.Fencing == FenceWrites && m.src.fenced(m, tx, r) {
		m.hist.Add(m.record(w, history.Fenced, r, attempt))
		return fenced
	}
	transient := !r.Poison && m.cfg.Failures.Num > 0 && m.cfg.Failures.Chance(m.rng)
	if transient {
		m.failures.strike()
	}
	if r.Poison || transient {
		rec := m.record(w, history.HandlerError, r, attempt)
		rec.ErrorKind = history.ErrorTransient
		if r.Poison {
			rec.ErrorKind = history.ErrorPoison
		}
		m.hist.Put(&rec)
		return failed
	}
	if o := m.run.handle(m, w, tx, i, attempt); o != applied {
		return o
	}
	var value int64
	if m.stater != nil {
		value = m.stater.State(tx, r.Key)
	}
	tx.Commit()
	m.put(w, &m.effectStamp, codeEffect, r, attempt, m.generation(), value)
	crashPoint(w, m.id, PointAfterEffect)
	if m.cfg.Dedup == DedupSeparateAfter {
		m.mark(w, r.ID)
	}
	return applied
}

// fresh reports whether a processed id recorded at time at still counts.
func (m *Member) fresh(w *sim.World, at int64) bool {
	return m.cfg.DedupWindow == 0 || int64(w.Now())-at <= int64(m.cfg.DedupWindow)
}

// seenSeparate looks an id up where the separate dedup step keeps it.
func (m *Member) seenSeparate(w *sim.World, id string) bool {
	if m.cfg.DedupScope == ScopeMember {
		at, ok := m.seen[id]
		return ok && m.fresh(w, int64(at))
	}
	v, ok := m.db.Get(ProcessedTable, id)
	return ok && m.fresh(w, v)
}

// mark records an id as processed, in its own step.
func (m *Member) mark(w *sim.World, id string) {
	if m.cfg.DedupScope == ScopeMember {
		if m.seen == nil {
			m.seen = map[string]sim.Time{}
		}
		m.seen[id] = w.Now()
		return
	}
	tx := m.db.Begin()
	tx.Put(ProcessedTable, id, int64(w.Now()))
	tx.Commit()
}

// commitOffset sends a commit of offset for assigned partition j.
func (m *Member) commitOffset(w *sim.World, j int, offset int64) {
	crashPoint(w, m.id, PointBeforeCommit)
	w.Send(m.id, m.broker, kindCommit, int64(m.parts[j]), offset, m.ref)
	m.committed[j] = offset
	crashPoint(w, m.id, PointAfterCommit)
}

// Leave makes the member leave its group cleanly at its next poll
// boundary (commit what is handled, send LeaveGroup) and rejoin as a new
// member after d. It reports whether the member is leaving: not when it
// is down, out of its group already, or a queue subscriber.
func (m *Member) Leave(w *sim.World, d time.Duration) bool {
	if m.phase == phaseOut || !m.src.grouped() || !w.Up(m.id) {
		return false
	}
	m.leaving, m.leaveFor = true, sim.Time(d)
	m.poll(w)
	return true
}

// leave shuts the member down cleanly: it revokes its partitions (an
// interval committer commits what it handled) and sends LeaveGroup. A
// static member closes without LeaveGroup, as Kafka's consumer does for
// one (a leave record with reason static-close): the group keeps its
// place and partitions until its session timeout.
func (m *Member) leave(w *sim.World) {
	m.revoke(w)
	m.commit.revoked(m, w)
	e := history.Entry{At: int64(w.Now()), Kind: history.Leave, Node: m.name, Service: m.service, Group: m.g.name,
		Topic: m.g.topic.name, Generation: m.ref.generation}
	if m.cfg.StaticMembership {
		e.LeaveReason = history.LeaveStaticClose
	}
	m.hist.Put(&e)
	if !m.cfg.StaticMembership {
		w.Send(m.id, m.broker, kindLeave, 0, 0, m.ref)
	}
	m.phase, m.leaving, m.rejoin, m.memberID, m.ref = phaseOut, false, false, 0, nil
	m.coopJoining, m.pending = false, nil
	m.parts, m.pos, m.handled, m.committed = nil, nil, nil, nil
	m.hbChain++
	w.After(m.id, m.leaveFor, kindRejoin, 0, 0, nil)
}

// joinCooperative rejoins the group by the cooperative protocol
// (KIP-429): the member keeps its partitions, names them in its join, and
// goes on consuming them while the rebalance runs.
func (m *Member) joinCooperative(w *sim.World) {
	m.hist.Put(&history.Entry{At: int64(w.Now()), Kind: history.Join, Node: m.name, Service: m.service, Group: m.g.name,
		Topic: m.g.topic.name, Generation: m.ref.generation, Partitions: joinInts(m.parts)})
	w.Send(m.id, m.broker, kindJoin, 0, 0, &joinMsg{group: m.g, member: m.id, name: m.name, memberID: m.memberID,
		instance: m.instance(), owned: slices.Clone(m.parts)})
}

// applyCooperative takes the assignment of a cooperative rebalance at a
// poll boundary: the member revokes only the partitions it no longer has
// (and, if there are any, rejoins at once so that a second rebalance can
// hand them over), keeps its position in the others, and starts the new
// ones from their committed offsets.
func (m *Member) applyCooperative(w *sim.World) {
	a := m.pending
	m.pending = nil
	var gone []int
	for _, p := range m.parts {
		if !slices.Contains(a.partitions, p) {
			gone = append(gone, p)
		}
	}
	if len(gone) > 0 {
		m.commit.revoked(m, w)
		m.hist.Put(&history.Entry{At: int64(w.Now()), Kind: history.Revoke, Node: m.name, Service: m.service, Group: m.g.name,
			Topic: m.g.topic.name, Generation: m.pendingGen, Partitions: joinInts(gone)})
		m.rejoin = true
	}
	pos, handled, committed := make([]int64, len(a.partitions)), make([]int64, len(a.partitions)), make([]int64, len(a.partitions))
	for k, p := range a.partitions {
		pos[k], handled[k], committed[k] = a.positions[k], a.positions[k], a.positions[k]
		if j := slices.Index(m.parts, p); j >= 0 {
			pos[k], handled[k], committed[k] = m.pos[j], m.handled[j], m.committed[j]
		}
	}
	m.parts, m.pos, m.handled, m.committed = a.partitions, pos, handled, committed
	m.next = 0
	m.epoch++
	m.hist.Put(&history.Entry{At: int64(w.Now()), Kind: history.Assign, Node: m.name, Service: m.service, Group: m.g.name,
		Topic: m.g.topic.name, Generation: a.generation, Partitions: joinInts(a.partitions)})
}

// revoke records that the member gives up its partitions, as Kafka's
// consumer calls onPartitionsRevoked: before it rejoins a rebalance
// (the eager protocol revokes every partition), or leaves. Partitions it
// gives up because the group no longer knows it (removed, or out for
// outliving its max poll interval) are lost (reason lost), not revoked.
func (m *Member) revoke(w *sim.World) {
	if len(m.parts) == 0 || m.ref == nil {
		return
	}
	e := history.Entry{At: int64(w.Now()), Kind: history.Revoke, Node: m.name, Service: m.service, Group: m.g.name,
		Topic: m.g.topic.name, Generation: m.ref.generation, Partitions: joinInts(m.parts)}
	if m.memberID == 0 {
		e.Reason = history.RevokeLost
	}
	m.hist.Put(&e)
}

func (m *Member) record(w *sim.World, k history.Kind, r *Record, attempt int) history.Entry {
	return history.Entry{At: int64(w.Now()), Kind: k, Node: m.name, Service: m.service, Group: m.g.name, Topic: r.Topic,
		Partition: r.Partition, Offset: r.Offset, Event: r.ID, Key: r.Key, Type: r.Type, Amount: r.Amount,
		Attempt: attempt, Generation: m.generation()}
}

// generation returns the member's generation in its group (0: none).
func (m *Member) generation() int {
	if m.ref != nil {
		return m.ref.generation
	}
	return 0
}

// put records the record of kind k about r, a record of the batch (as
// [Member.record] would, with the given generation and value), with st,
// the member's stamp of kind k, made anew when the batch's topic is not
// its own (or st is not made yet); r keeps the tag of its symbols for
// its next record.
func (m *Member) put(w *sim.World, st *history.Stamp, k history.KindCode, r *Record, attempt, gen int, value int64) {
	if st.Topic() != m.btopic || st.Kind() != k {
		*st = history.NewStamp(k, &m.hname, &m.g.hname, &m.hservice, m.btopic)
	}
	s := &m.hmark
	s.At, s.Partition, s.Offset, s.Event, s.Key, s.Type, s.Amount = int64(w.Now()), r.Partition, r.Offset, r.ID, r.Key, r.Type, r.Amount
	s.Value, s.Attempt, s.Generation = value, attempt, gen
	r.tag = m.hist.PutStamped(st, s, r.tag)
}

// topicName returns the Name of r's topic: the group's topic's, which it
// always is in a member's batch, else one of its own.
func (m *Member) topicName(r *Record) *history.Name {
	if r.Topic == m.g.topic.name {
		return &m.g.topic.hname
	}
	n := history.NewName(r.Topic)
	return &n
}

// Crash implements sim.Crasher: the volatile part is dropped whole (the
// member's identity in the group, its positions, the batch in hand and
// its member-scope dedup memory), and the work in hand is abandoned.
func (m *Member) Crash(w *sim.World, point string) {
	m.hist.Put(&history.Entry{At: int64(w.Now()), Kind: history.Crash, Node: m.name, Service: m.service, Group: m.g.name, CrashPoint: history.CrashPoint(point)})
	// The batch's array is memory, not state: the member's next fetch
	// may have it (a fetch in flight has the one lent to it, which is
	// neither the batch's nor the spare).
	spare := m.spare
	if m.batch != nil {
		spare = m.batch[:0]
	}
	m.memberVolatile = memberVolatile{}
	m.spare = spare
	m.epoch++
}

// Restart implements sim.Restarter: the member joins its group as a new
// member and resumes from the committed offsets; before its group's
// start time, it joins at that time, as it would have.
func (m *Member) Restart(w *sim.World) {
	m.hist.Put(&history.Entry{At: int64(w.Now()), Kind: history.Restart, Node: m.name, Service: m.service, Group: m.g.name})
	if at := sim.Time(m.cfg.Start); w.Now() < at {
		w.After(m.id, at-w.Now(), kindStart, 0, 0, nil)
		return
	}
	m.start(w)
}

// joinInts prints a list of partitions as "0,2,4".
func joinInts(ps []int) string {
	var b []byte
	for i, p := range ps {
		if i > 0 {
			b = append(b, ',')
		}
		b = strconv.AppendInt(b, int64(p), 10)
	}
	return string(b)
}

// memberName names member i of a service.
func memberName(service string, i int) string { return service + "-" + strconv.Itoa(i) }
