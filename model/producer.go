package model

import (
	"cmp"
	"fmt"
	"math/rand/v2"
	"slices"
	"strconv"
	"time"

	"github.com/evsim/evsim/model/history"
	"github.com/evsim/evsim/sim"
)

// Producer publishes events to a topic at a rate, as a Kafka producer
// does: it picks each record's partition, sends the records of a
// partition that are waiting for a request together as one batch (at most
// BatchMax), keeps at most MaxInFlight requests unacknowledged, retries a
// request that timed out, and, when idempotent, numbers its records per
// partition under a producer id from the broker. Every publish, retry,
// acknowledgement and failure is recorded. Its event counters and its
// round-robin cursor survive a crash ([producerDurable]: event ids stay
// unique across a restart); its in-flight requests, producer id, epoch,
// sequence numbers and view of the leaders do not ([producerVolatile]: a
// restart starts a new producer session).
//
// An idempotent producer that gives up on a batch cannot know whether it
// landed, so the sequence numbers after it may never be accepted; one
// whose batch is refused out of sequence with no earlier batch in flight
// knows that they will not be (the broker lost acknowledged records). As
// Kafka clients do since KIP-360, it bumps its epoch (and in the second
// case sends the batch again, within Retries); each partition then waits
// until none of its requests is still in flight under the old epoch,
// numbers its records from 0 again under the new one (the refused requests
// first, in their order), and goes on.
type Producer struct {
	id    sim.NodeID
	cfg   ProducerConfig
	b     *Broker
	t     *topic
	hist  *history.History
	hname history.Name // cfg.Name, as the history names it
	// pubStamp and ackStamp are what the producer's publish and
	// acknowledgement records share, made once; pubMark is the mark of
	// its publishes, its fields set for each (the others stay zero)
	pubStamp, ackStamp history.Stamp
	pubMark            history.Mark
	rng                *rand.Rand
	keys               []string
	// keyInfo holds, per key, what the producer computes once: the key
	// as the history names it and its hash for the key partitioner.
	keyInfo []producerKey
	lossy   bool // a request or its ack can be lost, so requests need timers
	// ids spells the producer's event ids (memory, not state: it
	// spells any number right).
	ids idSpeller
	// free holds requests done with, for reuse, and spare record arrays
	// that no request or partition refers to any more (memory, not
	// state).
	free  []*produceReq
	spare [][]Record
	// strike counters of the fault knobs (nil: off)
	lostRequests, lostAcks, refused, poisoned, poisonedByNumber *Strike

	producerDurable
	producerVolatile
}

// producerDurable is what a producer keeps across a crash.
type producerDurable struct {
	n int // events published
	// orders counts the orders placed (the order workload)
	orders int
	rr     int // the round-robin partitioner's cursor
	// holding says that the operator has paused the producer's
	// application ([System.HoldProducers]).
	holding bool
}

// producerVolatile is what a producer loses in a crash; [Producer.reset]
// starts it again.
type producerVolatile struct {
	pid      int64
	epoch    int     // the producer epoch, bumped after giving up on a batch
	seqs     []int64 // next sequence number per partition
	lines    []int   // per partition: the epoch its sequence numbers belong to
	inflight []*produceReq
	// requeued are the failed requests (of inflight) that wait to be
	// sent again; a partition's are in the order they go, as at the front
	// of the partition's queue in Kafka's accumulator (see
	// [Producer.requeue]).
	requeued []*produceReq
	pending  [][]Record // per partition: records waiting for a request
	ready    []int      // partitions with pending records, oldest first
	// leaders is the producer's metadata of a replicated topic: the node
	// it believes leads each partition (-1: none known); nil for the
	// single broker.
	leaders []sim.NodeID
	// broken and ackBroken mark the connections to a broker that lost a
	// request, or an answer: like a TCP connection that stalls, every
	// later request, or answer, on it is lost too, until a request times
	// out and the producer closes it.
	broken, ackBroken map[sim.NodeID]bool
	// parts is the topic's partition count in the producer's metadata,
	// fetched at metaAt (see [Producer.metadata]).
	parts  int
	metaAt sim.Time
	// held are the events drawn while holding, in order.
	held []heldEvent
}

func newProducer(w *sim.World, cfg ProducerConfig, b *Broker, h *history.History, k *knobs) *Producer {
	cfg = cfg.withDefaults()
	p := &Producer{cfg: cfg, b: b, t: b.topic(cfg.Topic), hist: h, hname: history.NewName(cfg.Name), rng: w.Stream(),
		lossy: cfg.RequestLoss.Num > 0 || cfg.AckLoss.Num > 0}
	p.pubStamp = history.NewStamp(codePublish, &p.hname, nil, nil, &p.t.hname)
	p.ackStamp = history.NewStamp(codePublishAck, &p.hname, nil, nil, &p.t.hname)
	p.lostRequests = k.ratio(cfg.Name, "request-loss", cfg.RequestLoss)
	p.lostAcks = k.ratio(cfg.Name, "ack-loss", cfg.AckLoss)
	p.refused = k.ratio(cfg.Name, "error-responses", cfg.ErrorResponses)
	p.poisoned = k.ratio(cfg.Name, "poison", cfg.Poison)
	p.poisonedByNumber = k.exact(cfg.Name, "poison-events", cfg.PoisonEvents)
	if p.t.repl != nil {
		p.lossy = true // a broker can crash with the request
	}
	p.keys = make([]string, cfg.Keys)
	p.keyInfo = make([]producerKey, cfg.Keys)
	for i := range p.keys {
		p.keys[i] = "acct-" + strconv.Itoa(i)
		p.keyInfo[i] = producerKey{name: history.NewName(p.keys[i]), hash: keyHash(p.keys[i])}
	}
	p.id = w.Add(cfg.Name, p)
	p.reset(w.Now())
	return p
}

// reset starts a producer session at now: a new volatile part, with a
// new producer id if idempotent, sequence numbers from 0, and fresh
// metadata.
func (p *Producer) reset(now sim.Time) {
	n := len(p.t.partitions)
	v := producerVolatile{seqs: make([]int64, n), lines: make([]int, n), pending: make([][]Record, n),
		broken: map[sim.NodeID]bool{}, ackBroken: map[sim.NodeID]bool{}, parts: n, metaAt: now}
	if p.cfg.Idempotent {
		v.pid = p.b.newProducerID()
	}
	if p.t.repl != nil {
		v.leaders = make([]sim.NodeID, n)
		for i, ps := range p.t.repl {
			v.leaders[i] = p.b.cluster.leaderNode(ps)
		}
	}
	p.producerVolatile = v
}

// Handle implements sim.Node.
func (p *Producer) Handle(w *sim.World, ev *sim.Event) {
	switch ev.Kind {
	case kindTick:
		p.publish(w)
	case kindOrderStep:
		st := ev.Msg.(*orderStep)
		p.emit(w, st.key, st.typ, 1)
	case kindProduceResp:
		p.response(w, ev.Msg.(*produceReq), int(ev.A), ev.B)
	case kindRequestTimeout:
		p.timeout(w, ev.Msg.(*produceReq), int(ev.B))
	case kindMetadataResp:
		p.leaders[ev.A] = sim.NodeID(ev.B)
	case kindRetrySend:
		req := ev.Msg.(*produceReq)
		switch {
		case req.done:
		case req.resend:
			req.resend = false
			p.send(w, req)
			p.pump(w)
		default:
			// the backoff of a failed request is over (or it was sent
			// already, behind another one)
			p.sendRequeued(w, req.partition)
			p.pump(w)
		}
	default:
		panic(fmt.Sprintf("model: producer got unknown event kind %d", ev.Kind))
	}
}

func (p *Producer) publish(w *sim.World) {
	if p.cfg.Stop > 0 && w.Now() >= sim.Time(p.cfg.Stop) {
		return
	}
	if p.cfg.Count > 0 && p.n >= p.cfg.Count {
		return
	}
	if p.cfg.Orders != nil {
		p.placeOrder(w)
		p.schedule(w)
		return
	}
	ki, typ, amount := drawEventKey(p.rng, p.cfg.Events, len(p.keys), p.cfg.HotKey)
	if p.holding {
		p.held = append(p.held, heldEvent{p.keys[ki], typ, amount})
		p.schedule(w)
		return
	}
	p.emitNamed(w, p.keys[ki], &p.keyInfo[ki], typ, amount)
	p.schedule(w)
}

// placeOrder publishes a new order's OrderPlaced and schedules its payment
// outcome (the order workload).
func (p *Producer) placeOrder(w *sim.World) {
	o := p.cfg.Orders
	p.orders++
	key := "order-" + strconv.Itoa(p.orders)
	p.emit(w, key, OrderPlaced, 1)
	pay := drawDuration(p.rng, o.PaymentMin, o.PaymentMax)
	if !o.Timeouts.Chance(p.rng) {
		w.After(p.id, sim.Time(pay), kindOrderStep, 0, 0, &orderStep{key, PaymentSucceeded})
		return
	}
	late := drawDuration(p.rng, o.LateMin, o.LateMax)
	w.After(p.id, sim.Time(pay), kindOrderStep, 0, 0, &orderStep{key, PaymentTimedOut})
	w.After(p.id, sim.Time(pay+late), kindOrderStep, 0, 0, &orderStep{key, PaymentSucceeded})
}

// drawDuration draws a duration uniformly from [lo, hi].
func drawDuration(rng *rand.Rand, lo, hi time.Duration) time.Duration {
	if hi > lo {
		return lo + time.Duration(rng.Int64N(int64(hi-lo)+1))
	}
	return lo
}

// emit publishes one event of type typ for key.
func (p *Producer) emit(w *sim.World, key, typ string, amount int64) {
	p.emitNamed(w, key, nil, typ, amount)
}

// producerKey is what a producer keeps of one of its keys.
type producerKey struct {
	name history.Name
	hash uint32 // keyHash of the key
}

// emitNamed is emit of one of the producer's keys, k (nil: another key).
func (p *Producer) emitNamed(w *sim.World, key string, k *producerKey, typ string, amount int64) {
	p.n++
	rec := Record{ID: p.ids.spell(&p.t.strs, p.cfg.Name, int64(p.n)), Key: key, Type: typ, Amount: amount, Topic: p.t.name}
	if p.cfg.Poison.Num > 0 && p.cfg.Poison.Chance(p.rng) {
		rec.Poison = true
		p.poisoned.strike()
	}
	if slices.Contains(p.cfg.PoisonEvents, p.n) {
		rec.Poison = true
		p.poisonedByNumber.strike()
	}
	p.metadata(w.Now())
	var part int
	var keyName *history.Name
	if k != nil {
		keyName = &k.name
		part = partitionHashed(&p.cfg, k.hash, p.parts, &p.rr)
	} else {
		part = partition(&p.cfg, key, p.parts, &p.rr)
	}
	var num uint32 // the id's number, for the history (0: not told)
	if p.n <= 999_999_999 {
		num = uint32(p.n)
	}
	mk := &p.pubMark
	mk.At, mk.Partition, mk.Event, mk.EventPrefix, mk.EventNumber = int64(w.Now()), part, rec.ID, p.cfg.Name, num
	mk.Key, mk.KeyName, mk.Type, mk.Amount = key, keyName, typ, amount
	rec.tag = p.hist.PutStamped(&p.pubStamp, mk, history.Tag{})
	crashPoint(w, p.id, PointBeforeSend)
	if len(p.pending[part]) == 0 {
		p.ready = append(p.ready, part)
		if cap(p.pending[part]) == 0 {
			p.pending[part] = p.spareRecords()
		}
	}
	p.pending[part] = append(p.pending[part], rec)
	p.pump(w)
	crashPoint(w, p.id, PointAfterSend)
}

// pump sends the pending records, one batch per partition, oldest first,
// while there is room in flight. A partition still numbered under an
// older epoch waits until it can start again (see [Producer.restart]).
func (p *Producer) pump(w *sim.World) {
	var waiting []int
	for len(p.ready) > 0 && (p.cfg.Acks == AcksNone || len(p.inflight) < p.cfg.MaxInFlight) {
		part := p.ready[0]
		p.ready = p.ready[:copy(p.ready, p.ready[1:])]
		if p.lines[part] != p.epoch && !p.restart(w, part) || p.backingOff(part) {
			waiting = append(waiting, part)
			continue
		}
		recs := p.pending[part]
		n := min(len(recs), p.cfg.BatchMax)
		req := p.newRequest()
		buf := req.buf
		*req = produceReq{from: p.id, topic: p.t, partition: part, acks: p.cfg.Acks, pid: p.pid, epoch: p.epoch}
		all := n == len(recs)
		switch {
		case n == 1:
			req.one[0] = recs[0]
			req.records, req.buf = req.one[:1:1], buf
		case all:
			// The request takes the pending array, and the partition
			// an array nothing refers to: the buffer of the request
			// reused, else a spare one (each array has one owner), or
			// none yet. Records move from the partition to the request
			// without a copy.
			req.records, req.buf = recs[:n:n], recs
			recs = buf
			if cap(recs) == 0 {
				recs = p.spareRecords()
			}
		default:
			req.buf = append(buf[:0], recs[:n]...)
			req.records = req.buf[:n:n]
		}
		if all {
			p.pending[part] = recs[:0]
		} else {
			// The rest moves to the front when it is no longer than
			// the batch just copied out, so that the array keeps its
			// room; a longer rest (a backlog) stays where it is, as
			// moving it at every batch would cost its length each time.
			rest := recs[n:]
			if len(rest) <= n {
				k := copy(recs, rest)
				clear(recs[k:])
				rest = recs[:k]
			}
			p.pending[part] = rest
			p.ready = append(p.ready, part)
		}
		if p.pid != 0 {
			req.seq = p.seqs[part]
			p.seqs[part] += int64(n)
		}
		if p.cfg.Acks != AcksNone {
			p.inflight = append(p.inflight, req)
		}
		p.send(w, req)
		if p.cfg.Acks == AcksNone {
			p.sentBlind(w, req)
		}
	}
	if len(waiting) > 0 {
		p.ready = append(waiting, p.ready...)
	}
}

// sentBlind acknowledges the records of an acks=0 request as soon as it
// is sent, as Kafka's producer completes such a send once it is written
// to the connection: the send succeeds with no offset, whether or not the
// broker ever appends it.
func (p *Producer) sentBlind(w *sim.World, req *produceReq) {
	for i := range req.records {
		r := &req.records[i]
		p.hist.PutStamped(&p.ackStamp, &history.Mark{At: int64(w.Now()), Partition: req.partition, Offset: history.OffsetUnknown,
			Event: r.ID, Key: r.Key, Type: r.Type, Amount: r.Amount}, r.tag)
	}
}

// backingOff reports whether a failed request of partition part waits
// to be sent again: as in Kafka's accumulator, where the failed batch
// goes back to the front of its partition's queue, nothing of the
// partition is sent before it.
func (p *Producer) backingOff(part int) bool {
	for _, r := range p.requeued {
		if r.partition == part {
			return true
		}
	}
	return false
}

// requeue puts failed request req back in its partition's queue of
// requests to send again, after the retry backoff, as Kafka's
// RecordAccumulator.reenqueue does: without idempotence at the front
// (so that requests failed one after the other go newest first), with
// it in sequence order (insertInSequenceOrder).
func (p *Producer) requeue(w *sim.World, req *produceReq) {
	req.backoff = true
	req.retryAt = w.Now() + sim.Time(p.cfg.RetryBackoff)
	i := 0
	if p.pid != 0 {
		i = len(p.requeued)
		for j, r := range p.requeued {
			if r.partition == req.partition && r.seq > req.seq {
				i = j
				break
			}
		}
	}
	p.requeued = slices.Insert(p.requeued, i, req)
	w.After(p.id, sim.Time(p.cfg.RetryBackoff), kindRetrySend, 0, 0, req)
}

// sendRequeued sends again the failed requests at the front of
// partition part's queue whose backoff is over, in their order: as in
// Kafka's accumulator, a request still backing off at the front holds
// up the ones behind it.
func (p *Producer) sendRequeued(w *sim.World, part int) {
	for i := 0; i < len(p.requeued); {
		r := p.requeued[i]
		if r.partition != part {
			i++
			continue
		}
		if r.retryAt > w.Now() {
			return
		}
		p.requeued = slices.Delete(p.requeued, i, i+1)
		r.backoff = false
		p.send(w, r)
	}
}

// restart starts partition part's sequence again under the current epoch,
// if none of its requests is in flight under an older one (waiting for an
// answer, a timeout or a retry): the refused (parked) requests are
// numbered from 0, in their order, and sent again. It reports whether the
// partition is now numbered under the current epoch.
func (p *Producer) restart(w *sim.World, part int) bool {
	var parked []*produceReq
	for _, r := range p.inflight {
		if r.partition != part {
			continue
		}
		if !r.parked {
			return false
		}
		parked = append(parked, r)
	}
	slices.SortFunc(parked, func(a, b *produceReq) int { return cmp.Compare(a.seq, b.seq) })
	p.lines[part], p.seqs[part] = p.epoch, 0
	for _, r := range parked {
		r.epoch, r.seq = p.epoch, p.seqs[part]
		p.seqs[part] += int64(len(r.records))
		p.resend(w, r)
	}
	return true
}

// send sends one attempt of req, unless the request is lost on the way
// (a lost request breaks the connection: the ones after it are lost too),
// and arms its timeout when something can be lost.
func (p *Producer) send(w *sim.World, req *produceReq) {
	req.attempt++
	if req.attempt > 1 {
		for i := range req.records {
			r := &req.records[i]
			p.hist.Put(&history.Entry{At: int64(w.Now()), Kind: history.PublishRetry, Node: p.cfg.Name, Topic: p.t.name,
				Partition: req.partition, Event: r.ID, Key: r.Key, Type: r.Type, Amount: r.Amount,
				Attempt: req.attempt, ProducerID: req.pid, Seq: p.seqOf(req, i), Epoch: req.epoch})
		}
	}
	dst := p.b.id
	if p.leaders != nil {
		dst = p.leaders[req.partition]
		if dst >= 0 && !w.Up(dst) {
			// the connection is refused: ask who leads now; the
			// request is lost and times out
			p.refresh(w, req.partition)
			dst = -1
		}
	}
	req.dst = dst
	req.refuse = p.cfg.ErrorResponses.Chance(p.rng)
	if req.refuse {
		p.refused.strike()
	}
	switch {
	case p.broken[dst]:
	case p.cfg.RequestLoss.Chance(p.rng):
		p.lostRequests.strike()
		p.broken[dst] = true
	case dst >= 0:
		w.Send(p.id, dst, kindPublish, 0, 0, req)
	}
	if p.lossy && req.acks != AcksNone {
		w.After(p.id, sim.Time(p.cfg.RequestTimeout), kindRequestTimeout, 0, int64(req.attempt), req)
	}
}

func (p *Producer) response(w *sim.World, req *produceReq, status int, offset int64) {
	if req.done || req.answered == req.attempt {
		return // an answer on a connection closed since
	}
	if p.ackBroken[req.dst] {
		return
	}
	if p.cfg.AckLoss.Num > 0 && p.cfg.AckLoss.Chance(p.rng) {
		p.lostAcks.strike()
		p.ackBroken[req.dst] = true
		return
	}
	req.answered = req.attempt
	if status >= produceNotLeader {
		p.retry(w, req)
		return
	}
	if status == produceOutOfOrder {
		p.outOfOrder(w, req)
		return
	}
	p.finish(w, req)
	p.settle(w, req.partition)
	// one mark for the batch, its record's fields set for each
	// (PutStamped only reads it)
	mk := history.Mark{At: int64(w.Now()), Partition: req.partition, ProducerID: req.pid, Epoch: req.epoch}
	for i := range req.records {
		r := &req.records[i]
		mk.Offset, mk.Event, mk.Key, mk.Type, mk.Amount, mk.Seq = offset+int64(i), r.ID, r.Key, r.Type, r.Amount, p.seqOf(req, i)
		p.hist.PutStamped(&p.ackStamp, &mk, r.tag)
	}
	switch {
	case req.attempt != 1:
	case !p.lossy:
		// Sent once, with no timer, and answered: nothing refers to it
		// any more.
		p.free = append(p.free, req)
	case cap(req.buf) > 0:
		// Sent once and answered: its timer refers to the request, but
		// nothing reads its records any more.
		p.spare = append(p.spare, req.buf[:0])
		req.buf, req.records = nil, nil
	}
	p.pump(w)
}

// newRequest returns a request to fill: one answered and done with, or a
// new one.
func (p *Producer) newRequest() *produceReq {
	if n := len(p.free); n > 0 {
		req := p.free[n-1]
		p.free = p.free[:n-1]
		return req
	}
	return &produceReq{}
}

// Bounds of the room of a record array a producer takes from the stock.
const (
	producerStockMin = 16
	producerStockMax = 4 * DefaultBatchMax
)

// spareRecords returns an empty record array to fill: a spare one, else
// one a released system left in the stock, else nil (made as records
// are appended).
func (p *Producer) spareRecords() []Record {
	n := len(p.spare)
	if n == 0 {
		return recordStock.takeStocked(producerStockMin, producerStockMax)
	}
	recs := p.spare[n-1]
	p.spare[n-1] = nil
	p.spare = p.spare[:n-1]
	return recs
}

// release hands the producer's record arrays to the stock, cleared: its
// partitions' pending arrays, its spare ones and those of its requests
// done with or in flight. Each array has one owner (see
// [Producer.pump]), so each goes once; a pending array whose front a
// backlog's batches took goes with the room it has left. Nothing of the
// producer may run after it.
func (p *Producer) release() {
	for i := range p.pending {
		recordStock.giveCleared(&p.pending[i])
	}
	for i := range p.spare {
		recordStock.giveCleared(&p.spare[i])
	}
	p.spare = nil
	for _, reqs := range [][]*produceReq{p.free, p.inflight} {
		for _, req := range reqs {
			req.records = nil
			recordStock.giveCleared(&req.buf)
		}
	}
}

// settle moves partition part on after one of its requests left flight:
// it restarts the partition's sequence if it is still numbered under an
// older epoch, else sends again the parked request that now comes next.
func (p *Producer) settle(w *sim.World, part int) {
	if p.lines[part] != p.epoch {
		p.restart(w, part)
		return
	}
	p.unpark(w, part)
}

// timeout handles the expiry of one attempt's wait for an answer. As
// Kafka's client does, it closes the connection the attempt went on:
// every request in flight on it without an answer fails, oldest first
// (InFlightRequests.clearAll), and goes back to its partition's queue to
// be sent again on a new connection (see [Producer.requeue]): without
// idempotence the ones of a partition go newest first.
func (p *Producer) timeout(w *sim.World, req *produceReq, attempt int) {
	if req.done || attempt != req.attempt || req.answered == attempt {
		return
	}
	dst := req.dst
	delete(p.broken, dst)
	delete(p.ackBroken, dst)
	var failed []*produceReq
	for _, r := range p.inflight {
		if r.dst == dst && !r.done && r.answered != r.attempt {
			r.answered = r.attempt
			failed = append(failed, r)
		}
	}
	if !slices.Contains(failed, req) {
		req.answered = req.attempt
		failed = append(failed, req)
	}
	// Every failed request is requeued or given up before new records
	// go out, as Kafka's NetworkClient completes a closed connection's
	// requests in one poll and the Sender drains the accumulator only in
	// its next run: a give-up must not let new records of a partition
	// ahead of the requests that failed with it.
	gaveUp := false
	for _, r := range failed {
		if !r.done && p.fail(w, r) {
			gaveUp = true
		}
	}
	if gaveUp {
		p.pump(w)
	}
}

// outOfOrder handles the broker's refusal of req as out of sequence. An
// earlier record of the partition that has not landed yet is the usual
// cause: req is parked until it has, then sent again; under an older
// epoch it lands only once renumbered. With no earlier record in flight
// under the current epoch, every earlier one was acknowledged, and the
// broker has lost some (a leader elected without them): the sequence
// will never be accepted. As Kafka's client does
// (TransactionManager.canRetry, since KIP-360), that refusal is a failed
// attempt: the producer bumps its epoch and sends req again numbered
// from 0, or gives it up after Retries (and bumps the epoch then).
func (p *Producer) outOfOrder(w *sim.World, req *produceReq) {
	req.parked = true
	switch {
	case req.epoch != p.epoch:
		p.restart(w, req.partition)
		p.pump(w)
	case p.earlierInFlight(req):
	case req.timeouts >= p.cfg.Retries:
		req.timeouts++
		p.giveUp(w, req)
	default:
		req.timeouts++
		p.epoch++
		p.restart(w, req.partition)
		p.pump(w)
	}
}

// retry counts a failed attempt of req (a timeout, or a retriable error of
// a replicated partition, after which the producer asks the controller who
// leads the partition now) and sends it again after the backoff, or gives
// up after Retries.
func (p *Producer) retry(w *sim.World, req *produceReq) {
	if p.fail(w, req) {
		p.pump(w)
	}
}

// fail counts a failed attempt of req and requeues it, or gives it up
// after Retries (see [Producer.drop]) and reports so; the caller lets new
// records go out then.
func (p *Producer) fail(w *sim.World, req *produceReq) bool {
	p.refresh(w, req.partition)
	req.timeouts++
	if req.timeouts > p.cfg.Retries {
		p.drop(w, req)
		return true
	}
	p.requeue(w, req)
	return false
}

// giveUp fails req to its caller, out of retries (see [Producer.drop]),
// and lets new records go out.
func (p *Producer) giveUp(w *sim.World, req *produceReq) {
	p.drop(w, req)
	p.pump(w)
}

// drop fails req to its caller, out of retries. An idempotent producer
// then bumps its epoch: the outcome of the batch is unknown, so the
// sequence numbers after it may never be accepted.
func (p *Producer) drop(w *sim.World, req *produceReq) {
	req.parked = false
	p.finish(w, req)
	for i := range req.records {
		r := &req.records[i]
		p.hist.Put(&history.Entry{At: int64(w.Now()), Kind: history.PublishFail, Node: p.cfg.Name, Topic: p.t.name,
			Partition: req.partition, Event: r.ID, Key: r.Key, Type: r.Type, Amount: r.Amount, Attempt: req.attempt,
			ProducerID: req.pid, Epoch: req.epoch})
	}
	if p.pid != 0 && req.epoch == p.epoch {
		p.epoch++
	}
	p.settle(w, req.partition)
}

// refresh asks the controller who leads partition part of a replicated
// topic now.
func (p *Producer) refresh(w *sim.World, part int) {
	if p.leaders != nil {
		w.Send(p.id, p.b.cluster.id, kindMetadata, int64(part), 0, &metadataReq{from: p.id, t: p.t})
	}
}

// seqOf returns the sequence number of the i-th record of req (0 for a
// producer that is not idempotent).
func (p *Producer) seqOf(req *produceReq, i int) int64 {
	if req.pid == 0 {
		return 0
	}
	return req.seq + int64(i)
}

// earlierInFlight reports whether a record of req's partition with a lower
// sequence number is still in flight.
func (p *Producer) earlierInFlight(req *produceReq) bool {
	for _, r := range p.inflight {
		if r.partition == req.partition && r.seq < req.seq {
			return true
		}
	}
	return false
}

// unpark sends again the parked record that now comes next in its
// partition, if any.
func (p *Producer) unpark(w *sim.World, partition int) {
	for _, r := range p.inflight {
		if r.partition == partition && r.parked && !p.earlierInFlight(r) {
			p.resend(w, r)
			return
		}
	}
}

// resend sends a parked record again after the retry backoff.
func (p *Producer) resend(w *sim.World, req *produceReq) {
	req.parked, req.resend = false, true
	w.After(p.id, sim.Time(p.cfg.RetryBackoff), kindRetrySend, 0, 0, req)
}

// finish takes req out of flight.
func (p *Producer) finish(w *sim.World, req *produceReq) {
	req.done = true
	for i, r := range p.inflight {
		if r == req {
			copy(p.inflight[i:], p.inflight[i+1:])
			p.inflight[len(p.inflight)-1] = nil
			p.inflight = p.inflight[:len(p.inflight)-1]
			return
		}
	}
}

// schedule sets the timer for the next publish: a gap drawn uniformly from
// [Interval/2, 3*Interval/2].
func (p *Producer) schedule(w *sim.World) {
	iv := int64(p.cfg.Interval)
	gap := iv/2 + p.rng.Int64N(iv+1)
	w.After(p.id, sim.Time(gap), kindTick, 0, 0, nil)
}

// Crash implements sim.Crasher: the requests in flight and the queue are
// lost; their outcome stays unknown.
func (p *Producer) Crash(w *sim.World, point string) {
	p.hist.Put(&history.Entry{At: int64(w.Now()), Kind: history.Crash, Node: p.cfg.Name, CrashPoint: history.CrashPoint(point)})
	for _, r := range p.inflight {
		r.done = true // its answer, if one comes, is for no one
	}
	p.producerVolatile = producerVolatile{}
}

// Restart implements sim.Restarter: a new session with a new producer id,
// and publishing resumes.
func (p *Producer) Restart(w *sim.World) {
	p.reset(w.Now())
	p.hist.Put(&history.Entry{At: int64(w.Now()), Kind: history.Restart, Node: p.cfg.Name, ProducerID: p.pid})
	p.schedule(w)
}

// drawEvent draws a producer's next event: one of its event specs, an
// amount in the spec's range and one of its keys, in that order. With a
// hot key share, the first key takes that share of the events and the
// rest are drawn over all keys.
func drawEvent(rng *rand.Rand, events []EventSpec, keys []string, hot sim.Ratio) (key, typ string, amount int64) {
	ki, typ, amount := drawEventKey(rng, events, len(keys), hot)
	return keys[ki], typ, amount
}

// drawEventKey is drawEvent of n keys, giving the index of its key.
func drawEventKey(rng *rand.Rand, events []EventSpec, n int, hot sim.Ratio) (ki int, typ string, amount int64) {
	spec := &events[0]
	if len(events) > 1 {
		spec = &events[rng.IntN(len(events))]
	}
	amount = spec.AmountMin
	if span := spec.AmountMax - spec.AmountMin; span > 0 {
		amount += rng.Int64N(span + 1)
	}
	if n > 1 && (hot.Num == 0 || !hot.Chance(rng)) {
		ki = rng.IntN(n)
	}
	return ki, spec.Type, amount
}
