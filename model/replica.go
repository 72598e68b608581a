package model

import (
	"fmt"
	"slices"
	"time"

	"github.com/evsim/evsim/model/history"
	"github.com/evsim/evsim/sim"
)

// replicaFetchMax is the most records one replica fetch returns.
const replicaFetchMax = 1000

// replicaFetchBackoff is how long a follower waits after a fetch its
// leader refused (replica.fetch.backoff.ms, shortened).
const replicaFetchBackoff = 50 * time.Millisecond

// replicaFetchTimeout is how long a follower waits for the answer to a
// fetch before it gives up on it and fetches again
// (replica.socket.timeout.ms, shortened): the fetch or its answer was
// lost to a crash or a network partition.
const replicaFetchTimeout = 2 * ReplicaFetchWaitMax

// Replica is a broker of the cluster that holds the replicated topics:
// for each partition it holds, a log, a leader epoch cache (the offset at
// which each leader epoch started, KIP-101), a high watermark, and the
// producer sequence numbers of its records. As the partition's leader it
// appends produce requests, answers acks 1 at once and acks all when
// every in-sync replica has the records (the high watermark passed them),
// serves its followers' fetches, and asks the controller to shrink or
// grow the in-sync set. As a follower it fetches from the leader, and
// when its log diverges from the leader's (a leader change left it
// records the new leader never had) it truncates it to where the two
// agree, found by leader epochs.
//
// A crash is a process crash: the log survives in the operating system's
// page cache, as Kafka's does with its default flush settings (it relies
// on replication, not on fsync). A crash with a power loss also loses
// what was not on disk yet: the records appended after the last flush
// (see [TopicConfig.FlushInterval]). What a broker knows of leaders and
// in-sync sets is volatile; a restarted broker registers with the
// controller and learns it again.
type Replica struct {
	id    sim.NodeID
	idx   int
	name  string
	hname history.Name // name, as the history names it
	c     *cluster
	hist  *history.History
	logs  []*replicaLog // per cluster partition; nil where the broker holds no replica
	inc   int64         // incarnation: bumped by every restart
}

// replicaLog is one replica of a partition on a broker. Its log, leader
// epochs, high watermark and producer sequences survive a process crash
// (a power loss cuts the log to what was flushed); its view of the
// partition and its work as leader ([replicaView]) are dropped whole by
// any crash.
type replicaLog struct {
	part    *partitionState
	records []logRecord
	epochs  []epochStart
	hw      int64
	seqs    map[int64]*sequenceLine // idempotent producer id -> its epoch and the offset of each sequence number
	// lastPID and lastLine are the producer id added last and its line
	// in seqs, looked up once for a run of its records.
	lastPID  int64
	lastLine *sequenceLine
	// stamp is what the append records of the replica as leader share
	// (set at its first)
	stamp history.Stamp
	// fetchSeq numbers the fetch loop as follower; a response to an
	// older one is dropped. It grows across lives.
	fetchSeq int64

	replicaView
}

// replicaView is a broker's volatile state of a partition: the state as
// it last heard it from the controller, and its work as leader.
type replicaView struct {
	known   bool
	leader  int
	epoch   int
	version int
	isr     []int
	// as leader
	followers  []followerState // by position in part.replicas
	pendingAdd []int           // followers the leader asked to add to the in-sync set
	waiting    []pendingProduce
	parked     []*replicaFetch
	// as follower: when its fetch in flight was sent (-1: none)
	fetchAt sim.Time
}

// unknownView is the view of a broker that has heard nothing yet: no
// known leader.
func unknownView() replicaView { return replicaView{leader: -1, fetchAt: -1} }

type epochStart struct {
	epoch int
	start int64
}

// followerState is what a leader knows of one follower, from its fetches.
type followerState struct {
	leo          int64    // the follower's log end: its last fetch offset
	caughtUp     sim.Time // last time it had everything the leader had
	lastFetchLEO int64    // the leader's log end at the follower's previous fetch
	lastFetchAt  sim.Time
}

// pendingProduce is an acks-all request waiting for the high watermark to
// reach end; dup says it was a duplicate of records already in the log.
type pendingProduce struct {
	req       *produceReq
	base, end int64
	dup       bool
}

// replicaFetch is a follower's fetch: from offset on, with the epoch of
// the record before it (-1: an empty log) to detect divergence, and the
// leader epoch the follower believes current.
type replicaFetch struct {
	part      *partitionState
	from      int // follower broker index
	node      sim.NodeID
	offset    int64
	lastEpoch int
	epoch     int
	seq       int64
}

type replicaFetchResp struct {
	fetch   *replicaFetch
	records []logRecord // the leader's records from fetch.offset on
	hw      int64
	refused bool // not the leader of that epoch (yet, or any more)
	// diverging: the follower's log holds records the leader does not;
	// the leader's last epoch at or below the follower's lastEpoch, and
	// where that epoch ends on the leader
	diverging bool
	divEpoch  int
	divEnd    int64
}

func (l *replicaLog) end() int64 { return int64(len(l.records)) }

// endFor returns the largest epoch at or below e in l's epoch cache and
// the offset where it ends on l (the next epoch's start, or the log end);
// epoch -1 and offset 0 when l has no such epoch.
func (l *replicaLog) endFor(e int) (int, int64) {
	i := len(l.epochs) - 1
	for i >= 0 && l.epochs[i].epoch > e {
		i--
	}
	if i < 0 {
		return -1, 0
	}
	if i+1 < len(l.epochs) {
		return l.epochs[i].epoch, l.epochs[i+1].start
	}
	return l.epochs[i].epoch, l.end()
}

// truncationPoint returns where a follower's log l must be cut when the
// leader answered a fetch that the leader's largest epoch at or below the
// follower's last one is divEpoch and ends at divEnd there: at the smaller
// of that end and l's own end of divEpoch (KIP-101, with KIP-279's fix for
// logs that diverge over more than one epoch); at 0 when the leader has
// no such epoch.
func (l *replicaLog) truncationPoint(divEpoch int, divEnd int64) int64 {
	if divEpoch < 0 {
		return 0
	}
	_, mine := l.endFor(divEpoch)
	return min(divEnd, mine)
}

// diverges reports whether a follower's fetch at offset, whose record
// before it has epoch lastEpoch (-1: an empty log), does not continue the
// leader's log l; if so, it returns the leader's largest epoch at or below
// lastEpoch and where that epoch ends.
func (l *replicaLog) diverges(lastEpoch int, offset int64) (bool, int, int64) {
	if lastEpoch < 0 {
		return false, 0, 0
	}
	e, end := l.endFor(lastEpoch)
	return e != lastEpoch || end < offset, e, end
}

// lastEpoch returns the epoch of l's last record, or -1.
func (l *replicaLog) lastEpoch() int {
	if len(l.records) == 0 {
		return -1
	}
	return int(l.records[len(l.records)-1].epoch)
}

// add appends a copy of rec (a record of the partition's log, at offset
// l.end()), appended at time at, to l, keeping the epoch cache and the
// producer sequence numbers.
func (l *replicaLog) add(rec *logRecord, at sim.Time) {
	lr := l.next()
	*lr = *rec
	lr.appended = at
	l.added(l.end() - 1)
}

// addAll appends copies of recs (the partition's records from offset
// l.end() on, in order), appended at time at, to l, as add of each does.
func (l *replicaLog) addAll(recs []logRecord, at sim.Time) {
	n := len(l.records)
	if need := n + len(recs); need > cap(l.records) {
		// a new array, as growByDoubling's, doubled until they fit
		c := max(2*cap(l.records), 64)
		for c < need {
			c *= 2
		}
		ns := make([]logRecord, n, c)
		copy(ns, l.records)
		l.records = ns
	}
	l.records = append(l.records, recs...)
	for i := n; i < len(l.records); i++ {
		l.records[i].appended = at
		l.added(int64(i))
	}
}

// next extends l by one record and returns it, for the caller to fill and
// then pass to added.
func (l *replicaLog) next() *logRecord {
	l.records = growByDoubling(l.records)
	n := len(l.records)
	l.records = l.records[:n+1]
	return &l.records[n]
}

// added keeps the epoch cache and the producer sequence numbers of l for
// its new last record, at offset off.
func (l *replicaLog) added(off int64) {
	rec := &l.records[off]
	if n := len(l.epochs); n == 0 || l.epochs[n-1].epoch < int(rec.epoch) {
		l.epochs = append(l.epochs, epochStart{int(rec.epoch), off})
	}
	if rec.extra == 0 {
		return
	}
	if e := &l.part.t.extras[rec.extra]; e.pid != 0 {
		line := l.lastLine
		if e.pid != l.lastPID || line == nil {
			line = l.seqs[e.pid]
		}
		if line == nil || int(e.pepoch) > line.epoch {
			line = &sequenceLine{epoch: int(e.pepoch)}
			l.seqs[e.pid] = line
		}
		l.lastPID, l.lastLine = e.pid, line
		line.add(off, 1)
	}
}

// truncate cuts l to n records. The slice is capped, so that the next
// append copies it: records already handed out (to the committed view, to
// a message in flight) are never overwritten.
func (l *replicaLog) truncate(n int64) {
	l.records = l.records[:n:n]
	for len(l.epochs) > 0 && l.epochs[len(l.epochs)-1].start >= n {
		l.epochs = l.epochs[:len(l.epochs)-1]
	}
	for _, line := range l.seqs {
		line.cut(n)
	}
	l.hw = min(l.hw, n)
}

// Handle implements sim.Node.
func (r *Replica) Handle(w *sim.World, ev *sim.Event) {
	switch ev.Kind {
	case kindPublish:
		r.produce(w, ev.Msg.(*produceReq))
	case kindReplicaFetch:
		r.serve(w, ev.Msg.(*replicaFetch))
	case kindReplicaFetchResp:
		r.fetched(w, ev.Msg.(*replicaFetchResp))
	case kindFetchWait:
		f := ev.Msg.(*replicaFetch)
		if ev.A == 1 {
			// a follower's backoff after a refusal
			if l := r.logs[f.part.idx]; l.fetchSeq == f.seq {
				r.fetch(w, l)
			}
			return
		}
		l := r.logs[f.part.idx]
		if i := slices.Index(l.parked, f); i >= 0 {
			l.parked = slices.Delete(l.parked, i, i+1)
			r.answer(w, l, f)
		}
	case kindISRCheck:
		r.checkISR(w, r.logs[ev.A], int(ev.B))
	case kindLeaderAndISR:
		r.become(w, ev.Msg.(*partitionInfo))
	case kindBrokerTick:
		r.tick(w)
	default:
		panic(fmt.Sprintf("model: %s got unknown event kind %d", r.name, ev.Kind))
	}
}

// leads reports whether the broker leads l's partition as far as it knows.
func (r *Replica) leads(l *replicaLog) bool { return l != nil && l.known && l.leader == r.idx }

// produce appends a produce request as the partition's leader.
func (r *Replica) produce(w *sim.World, req *produceReq) {
	ps := req.topic.repl[req.partition]
	l := r.logs[ps.idx]
	respond := func(status int, off int64) {
		if req.acks != AcksNone {
			w.Send(r.id, req.from, kindProduceResp, int64(status), off, req)
		}
	}
	if !r.leads(l) {
		respond(produceNotLeader, -1)
		return
	}
	if req.acks == AcksAll && len(l.isr) < max(1, ps.t.cfg.MinInsyncReplicas) {
		respond(produceNotEnoughReplicas, -1)
		return
	}
	if req.pid != 0 {
		var n int64 // the sequence numbers of the request's epoch in the log
		line := l.seqs[req.pid]
		if line != nil {
			switch {
			case req.epoch < line.epoch:
				respond(produceOutOfOrder, -1) // fenced by a newer epoch
				return
			case req.epoch == line.epoch:
				n = line.len()
			}
		}
		if req.epoch > 0 && n == 0 && req.seq != 0 {
			respond(produceOutOfOrder, -1) // a new epoch starts at sequence 0
			return
		}
		switch {
		case req.seq < n:
			// Already in the log: answered as the original would be,
			// with acks all once it is committed.
			first, last := line.offset(req.seq), line.offset(min(n-1, req.seq+int64(len(req.records))-1))
			if req.acks == AcksAll && last >= l.hw {
				l.waiting = append(l.waiting, pendingProduce{req, first, last + 1, true})
				return
			}
			respond(produceDuplicate, first)
			return
		case req.seq > n:
			respond(produceOutOfOrder, -1)
			return
		}
	}
	base := l.end()
	// one mark for the batch, its record's fields set for each
	// (PutStamped only reads it)
	mk := history.Mark{At: int64(w.Now()), Partition: ps.p, ProducerID: req.pid, Epoch: req.epoch}
	st := &l.stamp
	if st.Topic() != &ps.t.hname {
		*st = history.NewStamp(codeAppend, &r.hname, nil, nil, &ps.t.hname)
	}
	for i := range req.records {
		rec := &req.records[i]
		off := l.end()
		lr := l.next()
		ps.t.packAt(lr, rec, w.Now(), req.pid, req.epoch)
		lr.epoch = int32(l.epoch)
		l.added(off)
		if req.pid != 0 {
			mk.Seq = req.seq + int64(i)
		}
		mk.Offset, mk.Event, mk.Key, mk.Type, mk.Amount, mk.Payload = off, rec.ID, rec.Key, rec.Type, rec.Amount, rec.Payload
		r.hist.PutStamped(st, &mk, rec.tag)
	}
	switch req.acks {
	case AcksLeader:
		respond(produceOK, base)
	case AcksAll:
		l.waiting = append(l.waiting, pendingProduce{req, base, l.end(), false})
	}
	crashPoint(w, r.id, PointLeaderAppend)
	parked := l.parked
	l.parked = nil
	for _, f := range parked {
		r.answer(w, l, f)
	}
	r.advance(w, l)
}

// advance moves the leader's high watermark to the smallest log end of
// the in-sync set (counting the followers it asked to add), publishes the
// new committed view and answers the acks-all requests it covers.
func (r *Replica) advance(w *sim.World, l *replicaLog) {
	ps := l.part
	hw := l.end()
	for i, b := range ps.replicas {
		if b != r.idx && (slices.Contains(l.isr, b) || slices.Contains(l.pendingAdd, b)) {
			hw = min(hw, l.followers[i].leo)
		}
	}
	l.hw = max(l.hw, hw)
	if view := &ps.t.partitions[ps.p]; ps.leader == r.idx && ps.epoch == l.epoch && view.end() < l.hw {
		view.records = l.records[:l.hw:l.hw]
	}
	n := 0
	for _, p := range l.waiting {
		if p.end > l.hw {
			l.waiting[n] = p
			n++
			continue
		}
		status := produceOK
		if p.dup {
			status = produceDuplicate
		}
		if len(l.isr) < max(1, ps.t.cfg.MinInsyncReplicas) {
			status = produceNotEnoughAfterAppend
		}
		w.Send(r.id, p.req.from, kindProduceResp, int64(status), p.base, p.req)
	}
	clear(l.waiting[n:])
	l.waiting = l.waiting[:n]
}

// serve answers a follower's fetch as the leader.
func (r *Replica) serve(w *sim.World, f *replicaFetch) {
	l := r.logs[f.part.idx]
	if !r.leads(l) || f.epoch != l.epoch {
		w.Send(r.id, f.node, kindReplicaFetchResp, 0, 0, &replicaFetchResp{fetch: f, refused: true})
		return
	}
	if div, e, end := l.diverges(f.lastEpoch, f.offset); div {
		w.Send(r.id, f.node, kindReplicaFetchResp, 0, 0, &replicaFetchResp{fetch: f, diverging: true, divEpoch: e, divEnd: end})
		return
	}
	i := slices.Index(f.part.replicas, f.from)
	fs := &l.followers[i]
	fs.leo = f.offset
	switch {
	case f.offset >= l.end():
		fs.caughtUp = w.Now()
	case f.offset >= fs.lastFetchLEO:
		fs.caughtUp = max(fs.caughtUp, fs.lastFetchAt)
	}
	fs.lastFetchLEO, fs.lastFetchAt = l.end(), w.Now()
	if !slices.Contains(l.isr, f.from) && !slices.Contains(l.pendingAdd, f.from) &&
		f.offset >= l.hw && f.offset >= l.epochs[len(l.epochs)-1].start {
		l.pendingAdd = append(l.pendingAdd, f.from)
		r.alter(w, l, append(slices.Clone(l.isr), f.from))
	}
	r.advance(w, l)
	if f.offset < l.end() {
		r.answer(w, l, f)
		return
	}
	l.parked = append(l.parked, f)
	w.After(r.id, sim.Time(ReplicaFetchWaitMax), kindFetchWait, 0, 0, f)
}

// answer sends a follower what the leader has from its fetch offset on.
func (r *Replica) answer(w *sim.World, l *replicaLog, f *replicaFetch) {
	end := min(l.end(), f.offset+replicaFetchMax)
	var recs []logRecord
	if f.offset < end {
		recs = l.records[f.offset:end:end]
	}
	w.Send(r.id, f.node, kindReplicaFetchResp, 0, 0, &replicaFetchResp{fetch: f, records: recs, hw: l.hw})
}

// alter asks the controller for a new in-sync set.
func (r *Replica) alter(w *sim.World, l *replicaLog, isr []int) {
	w.Send(r.id, r.c.id, kindAlterPartition, 0, 0,
		&alterPartition{part: l.part, leader: r.idx, epoch: l.epoch, version: l.version, isr: isr})
}

// checkISR drops the followers that are behind the leader's log end and
// have not caught up for longer than replica-lag-time-max (Kafka's
// isCaughtUp), and runs again half that time later.
func (r *Replica) checkISR(w *sim.World, l *replicaLog, epoch int) {
	if !r.leads(l) || l.epoch != epoch {
		return
	}
	lag := lagTimeMax(l.part.t.cfg)
	isr := make([]int, 0, len(l.isr))
	for _, b := range l.isr {
		i := slices.Index(l.part.replicas, b)
		fs := &l.followers[i]
		if b == r.idx || fs.leo == l.end() || w.Now()-fs.caughtUp <= lag {
			isr = append(isr, b)
		}
	}
	switch {
	case len(isr) < len(l.isr):
		r.alter(w, l, isr)
	case len(l.pendingAdd) > 0:
		// the request to add them, or its outcome, may have been lost:
		// ask again (the controller ignores it if the state moved on)
		r.alter(w, l, append(slices.Clone(l.isr), l.pendingAdd...))
	}
	w.After(r.id, lag/2, kindISRCheck, int64(l.part.idx), int64(epoch), nil)
}

func lagTimeMax(t TopicConfig) sim.Time {
	if t.ReplicaLagTimeMax > 0 {
		return sim.Time(t.ReplicaLagTimeMax)
	}
	return sim.Time(DefaultReplicaLagTimeMax)
}

// become takes on the partition state the controller sent.
func (r *Replica) become(w *sim.World, info *partitionInfo) {
	l := r.logs[info.part.idx]
	if info.inc != r.inc || l.known && info.version <= l.version && info.epoch <= l.epoch {
		return
	}
	wasLeader, oldLeader, oldEpoch := r.leads(l), l.leader, l.epoch
	l.known, l.leader, l.epoch, l.version, l.isr = true, info.leader, info.epoch, info.version, info.isr
	l.pendingAdd = nil
	if info.leader == r.idx {
		if !wasLeader || oldEpoch != info.epoch {
			r.lead(w, l)
		}
		r.advance(w, l)
		return
	}
	if wasLeader {
		for _, p := range l.waiting {
			w.Send(r.id, p.req.from, kindProduceResp, produceNotLeader, -1, p.req)
		}
		for _, f := range l.parked {
			w.Send(r.id, f.node, kindReplicaFetchResp, 0, 0, &replicaFetchResp{fetch: f, refused: true})
		}
		l.waiting, l.parked, l.followers = nil, nil, nil
	}
	if info.leader != oldLeader || info.epoch != oldEpoch || wasLeader {
		l.fetchSeq++
		if info.leader >= 0 {
			r.fetch(w, l)
		}
	}
}

// lead starts a leadership: the new epoch starts at the log end, every
// follower counts as caught up now, and the lag check starts.
func (r *Replica) lead(w *sim.World, l *replicaLog) {
	if n := len(l.epochs); n == 0 || l.epochs[n-1].epoch < l.epoch {
		l.epochs = append(l.epochs, epochStart{l.epoch, l.end()})
	}
	l.followers = make([]followerState, len(l.part.replicas))
	for i := range l.followers {
		l.followers[i].caughtUp = w.Now()
	}
	l.fetchSeq++
	w.After(r.id, lagTimeMax(l.part.t.cfg)/2, kindISRCheck, int64(l.part.idx), int64(l.epoch), nil)
}

// fetch sends the next fetch of l's follower loop to its leader.
func (r *Replica) fetch(w *sim.World, l *replicaLog) {
	f := &replicaFetch{part: l.part, from: r.idx, node: r.id, offset: l.end(), lastEpoch: l.lastEpoch(),
		epoch: l.epoch, seq: l.fetchSeq}
	l.fetchAt = w.Now()
	w.Send(r.id, r.c.brokers[l.leader].id, kindReplicaFetch, 0, 0, f)
}

// tick heartbeats the controller, saying how much of its partitions'
// state the broker knows, and restarts the fetch loop of every partition
// it follows whose fetch has gone unanswered for replicaFetchTimeout.
func (r *Replica) tick(w *sim.World) {
	var known int64
	for _, l := range r.logs {
		if l == nil {
			continue
		}
		if !l.known {
			known--
			continue
		}
		known += int64(l.version)
		if !r.leads(l) && l.leader >= 0 && l.fetchAt >= 0 && w.Now()-l.fetchAt > sim.Time(replicaFetchTimeout) {
			l.fetchSeq++
			r.fetch(w, l)
		}
	}
	w.Send(r.id, r.c.id, kindBrokerHeartbeat, int64(r.idx), r.inc, &brokerHeartbeat{known: known})
	w.After(r.id, r.c.heartbeat, kindBrokerTick, 0, 0, nil)
}

// fetched takes a fetch response as a follower: it truncates a diverging
// log, or appends the records, and fetches again.
func (r *Replica) fetched(w *sim.World, resp *replicaFetchResp) {
	f := resp.fetch
	l := r.logs[f.part.idx]
	if f.seq != l.fetchSeq || r.leads(l) || !l.known {
		return
	}
	switch {
	case resp.refused:
		l.fetchAt = -1
		w.After(r.id, sim.Time(replicaFetchBackoff), kindFetchWait, 1, 0, f)
		return
	case resp.diverging:
		if to := l.truncationPoint(resp.divEpoch, resp.divEnd); to < l.end() {
			r.hist.Put(&history.Entry{At: int64(w.Now()), Kind: history.Truncate, Node: r.name, Topic: f.part.t.name,
				Partition: f.part.p, Offset: to, Count: int(l.end() - to)})
			l.truncate(to)
		}
	default:
		if len(resp.records) > 0 && f.offset != l.end() {
			// an answer to an older fetch of this loop: fetch afresh
			break
		}
		l.addAll(resp.records, w.Now())
		l.hw = max(l.hw, min(resp.hw, l.end()))
		if len(resp.records) > 0 {
			crashPoint(w, r.id, PointFollowerFetch)
		}
	}
	r.fetch(w, l)
}

// Crash implements sim.Crasher: the broker forgets what it knew of
// leaders and in-sync sets; its logs survive. Its heartbeats stop: the
// controller fences it when its session runs out, unless it registers
// again first.
func (r *Replica) Crash(w *sim.World, point string) {
	r.hist.Put(&history.Entry{At: int64(w.Now()), Kind: history.Crash, Node: r.name, CrashPoint: history.CrashPoint(point)})
	power := r.c.power != nil && r.c.power.PowerLoss(w, r.id)
	for _, l := range r.logs {
		if l == nil {
			continue
		}
		if power {
			r.losePower(w, l)
		}
		l.replicaView = unknownView()
		l.fetchSeq++
	}
}

// losePower cuts l to the records its broker had flushed to disk.
func (r *Replica) losePower(w *sim.World, l *replicaLog) {
	kept := sim.Time(l.part.t.cfg.flushed(time.Duration(w.Now())))
	n := l.end()
	for n > 0 && l.records[n-1].appended > kept {
		n--
	}
	if n < l.end() {
		r.hist.Put(&history.Entry{At: int64(w.Now()), Kind: history.Truncate, Node: r.name, Topic: l.part.t.name,
			Partition: l.part.p, Offset: n, Count: int(l.end() - n), PowerLoss: true})
		l.truncate(n)
	}
}

// Restart implements sim.Restarter: the broker registers with the
// controller as a new incarnation (its first heartbeat, sent at once;
// the next ones repeat the registration if it was lost).
func (r *Replica) Restart(w *sim.World) {
	r.inc++
	r.hist.Put(&history.Entry{At: int64(w.Now()), Kind: history.Restart, Node: r.name})
	r.tick(w)
}
