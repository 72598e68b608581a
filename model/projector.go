package model

import (
	"fmt"
	"math/rand/v2"
	"slices"

	"github.com/evsim/evsim/model/history"
	"github.com/evsim/evsim/sim"
)

// projector roles
const (
	roleLive    = iota // the projector of the read model
	roleInPlace        // a rebuild replaying into the live tables beside it
	roleGreen          // a blue-green rebuild into the next generation
)

// Projector reads the event store's global log after its checkpoint in
// batches, applies the events to its read model's rows in a database
// transaction, and commits its checkpoint in the same transaction or a
// separate one. At a missing position it follows its gap policy.
//
// Its checkpoint is durable, in the read model's database, with the rows.
// What it keeps itself is in two parts: [projectorDurable] (its place in
// a rebuild, and the number of its reads) survives a crash;
// [projectorVolatile] (its copy of the checkpoint, the batch in hand, its
// view of gaps) is dropped whole by one, with a topic projector's
// [topicCursor]; a restart loads the checkpoint again.
//
// A projector of a topic ([SourceTopic]) reads the topic's partitions from
// the broker instead, one partition per batch, and checkpoints the next
// offset to read of that partition, with the same transactions and crash
// points (see topicFeed).
type Projector struct {
	id   sim.NodeID
	name string // node name
	cfg  ProjectorConfig
	env  *esEnv
	db   *DB
	rng  *rand.Rand
	// feed is the topic of a SourceTopic projector; nil for the store.
	feed *topicFeed
	// recs holds the records of the batch being applied until its
	// transaction commits, its memory reused from batch to batch.
	recs []history.Entry
	// names are the read model's table names.
	names tableNames

	projectorDurable
	projectorVolatile
}

// projectorDurable is what a projector keeps across a crash: its place in
// a rebuild, as its operator set it up, and the number of its reads, which
// keeps growing across lives so that an answer to an earlier read is
// dropped.
type projectorDurable struct {
	role int
	gen  int
	// effects sends external effects for live events; a rebuild that
	// suppresses them sends none for the events it replays.
	effects bool
	// stopped: the projector has handed over or finished.
	stopped bool
	seq     int64
	// handles lists the event types the projector's code has a handler
	// for (empty: every type): an older version of the projection, until a
	// rebuild deploys the current one.
	handles []string
}

// projectorVolatile is what a projector loses in a crash.
type projectorVolatile struct {
	// checkpoint and effectsFrom are copies of what the read model's
	// database holds, loaded when the projector resumes. effectsFrom:
	// effects are sent only for events after this position (a
	// stop-then-rebuild does not repeat the ones already sent).
	checkpoint  int64
	effectsFrom int64
	gapAt       int64
	gapSince    sim.Time
	batch       []StoredEvent
	// reply is the store's answer whose events the batch is, handed back
	// to its pool once the batch is done with.
	reply   *readAllReply
	skipped []int64
	next    int64
	busy    bool
	planned bool
}

func (p *Projector) tables() readTables { return p.names.of(p.cfg.Name, p.gen) }

// resume loads the checkpoint and polls.
func (p *Projector) resume(w *sim.World) {
	cpKey := p.tables().checkpointKey
	if p.role == roleInPlace {
		cpKey = "rebuild"
	}
	if p.feed != nil {
		p.resumeTopic()
	}
	p.checkpoint, _ = p.db.Get(checkpointTable, cpKey)
	p.effectsFrom, _ = p.db.Get(checkpointTable, cpKey+"/effects-from")
	p.poll(w)
}

func (p *Projector) poll(w *sim.World) {
	if p.stopped {
		return
	}
	if p.role == roleLive && activeGen(p.db) != p.gen {
		p.stopped = true
		return
	}
	p.seq++
	batch := p.cfg.Batch
	if batch <= 0 {
		batch = DefaultBatch
	}
	if p.feed != nil {
		p.pollTopic(w, batch)
		return
	}
	m := p.env.pools.readAlls.get()
	*m = readAllMsg{from: p.id, seq: p.seq, max: batch, after: p.checkpoint}
	w.Send(p.id, p.env.store, kindStoreReadAll, p.seq, 0, m)
}

func (p *Projector) pollLater(w *sim.World) {
	iv := p.cfg.PollInterval
	if iv <= 0 {
		iv = DefaultPollInterval
	}
	w.After(p.id, sim.Time(iv), kindProjectorPoll, 0, 0, nil)
}

// Handle implements sim.Node.
func (p *Projector) Handle(w *sim.World, ev *sim.Event) {
	switch ev.Kind {
	case kindProjectorPoll:
		if !p.busy {
			p.poll(w)
		}
	case kindStoreReadAllReply:
		r := ev.Msg.(*readAllReply)
		if ev.A != p.seq || p.busy || p.stopped {
			p.env.pools.readAllReps.put(r)
			return
		}
		p.plan(w, r)
	case kindRecords:
		if m := ev.Msg.(*recordsMsg); m.epoch == p.seq && !p.busy && !p.stopped && p.feed != nil {
			p.planTopic(w, m)
		}
	case kindProjectorApplied:
		p.apply(w)
	case kindProjectorRebuild:
		p.rebuild(w)
	default:
		panic(fmt.Sprintf("model: projector %s got unknown event kind %d", p.name, ev.Kind))
	}
}

// plan decides which of the events read to apply under the gap policy,
// and waits for their processing time.
func (p *Projector) plan(w *sim.World, r *readAllReply) {
	limit := int64(-1)
	if p.role == roleGreen {
		limit, _ = p.db.Get(checkpointTable, tablesOf(p.cfg.Name, p.gen-1).checkpointKey)
	}
	next := p.checkpoint + 1
	// The batch is the events read up to the first that is not applied
	// now: a prefix of the reply's, which it shares.
	n := 0
	var skipped []int64
scan:
	for _, e := range r.events {
		if limit >= 0 && e.Position > limit {
			break
		}
		for next < e.Position {
			if !p.skipGap(w, next, r.inFlight) {
				break scan
			}
			skipped = append(skipped, next)
			next++
		}
		n++
		next = e.Position + 1
	}
	batch := r.events[:n:n]
	p.dropReply()
	if len(batch) == 0 && len(skipped) == 0 {
		head := r.head
		p.env.pools.readAllReps.put(r)
		if p.role == roleInPlace && p.checkpoint >= head {
			p.stopped = true
			return
		}
		if p.role == roleGreen && p.checkpoint >= limit {
			p.handover(w)
		}
		p.pollLater(w)
		return
	}
	p.batch, p.skipped, p.next, p.busy, p.planned = batch, skipped, next, true, true
	p.reply = r // the batch is its events
	w.After(p.id, p.processing(len(batch)), kindProjectorApplied, 0, 0, nil)
}

// processing draws the time to apply n events.
func (p *Projector) processing(n int) sim.Time {
	var d sim.Time
	for range n {
		d += sim.Time(p.cfg.ProcessingMin)
		if span := p.cfg.ProcessingMax - p.cfg.ProcessingMin; span > 0 {
			d += sim.Time(p.rng.Int64N(int64(span) + 1))
		}
	}
	return d
}

// skipGap applies the gap policy to the missing position pos.
func (p *Projector) skipGap(w *sim.World, pos int64, inFlight []int64) bool {
	switch p.cfg.Gap {
	case GapSkipAfter:
		if p.gapAt != pos {
			p.gapAt, p.gapSince = pos, w.Now()
		}
		return w.Now()-p.gapSince >= sim.Time(p.cfg.GapTimeout)
	case GapSkipNoWriter:
		_, live := slices.BinarySearch(inFlight, pos)
		return !live
	}
	return false
}

// apply writes the planned batch to the read model and commits the
// checkpoint, in one transaction or two.
func (p *Projector) apply(w *sim.World) {
	p.busy = false
	if p.stopped || !p.planned {
		return
	}
	p.planned = false
	crashPoint(w, p.id, PointBeforeApply)
	if p.role == roleLive && activeGen(p.db) != p.gen {
		p.stopped = true
		return
	}
	if p.feed != nil {
		p.applyTopic(w)
		return
	}
	t := p.tables()
	cpKey := t.checkpointKey
	if p.role == roleInPlace {
		cpKey = "rebuild"
	}
	tx := p.db.Begin()
	recs := p.recs[:0]
	for _, e := range p.batch {
		if applied, _ := tx.Get(t.version, e.Stream); p.cfg.Idempotent && applied >= e.Version {
			continue // applied before the checkpoint moved past it
		}
		recs = append(recs, p.applyEvent(w, tx, t, e))
	}
	checkpoint := p.next - 1
	if p.cfg.Checkpoint == CheckpointSameTx {
		tx.Put(checkpointTable, cpKey, checkpoint)
	}
	tx.Commit()
	p.db.end(tx)
	for _, pos := range p.skipped {
		p.env.hist.Put(&history.Entry{At: int64(w.Now()), Kind: history.ProjectionSkip, Node: p.name, Group: p.cfg.Name,
			Position: pos, GapPolicy: history.GapPolicy(p.cfg.Gap)})
	}
	for i := range recs {
		p.env.hist.Put(&recs[i])
	}
	clear(recs)
	p.recs = recs[:0]
	if p.effects && p.cfg.Effects != "" {
		for _, e := range p.batch {
			if e.Type == p.cfg.Effects && e.Position > p.effectsFrom && p.handlesType(e.Type) {
				p.env.hist.Put(&history.Entry{At: int64(w.Now()), Kind: history.Effect, Node: p.name, Group: p.cfg.Name,
					Event: e.ID, Key: e.Stream, Type: e.Type, Amount: e.Amount, Position: e.Position})
			}
		}
	}
	if p.cfg.Checkpoint == CheckpointSameTx {
		p.checkpointed(w, checkpoint)
		crashPoint(w, p.id, PointAfterApply)
	} else {
		crashPoint(w, p.id, PointAfterApply)
		tx := p.db.Begin()
		tx.Put(checkpointTable, cpKey, checkpoint)
		tx.Commit()
		p.db.end(tx)
		p.checkpointed(w, checkpoint)
	}
	p.batch, p.skipped = nil, nil
	p.dropReply()
	if p.role == roleGreen {
		limit, _ := p.db.Get(checkpointTable, tablesOf(p.cfg.Name, p.gen-1).checkpointKey)
		if p.checkpoint >= limit {
			p.handover(w)
		}
	}
	p.poll(w)
}

// applyEvent folds e into its row of the read model in tx, by the read
// model's projection, and returns the ProjectionApply entry to record once
// tx commits; for an event of a type the projector has no handler for
// (handles), it leaves the row alone and returns a ProjectionUnhandled
// entry.
func (p *Projector) applyEvent(w *sim.World, tx *Tx, t readTables, e StoredEvent) history.Entry {
	if !p.handlesType(e.Type) {
		// No handler in this version of the projection: the row stays
		// as it is, and the checkpoint passes the event.
		return history.Entry{At: int64(w.Now()), Kind: history.ProjectionUnhandled, Node: p.name, Group: p.cfg.Name,
			Key: e.Stream, Event: e.ID, Type: e.Type, Amount: e.Amount, Payload: e.Payload, Version: e.Version, Position: e.Position}
	}
	v, _ := tx.Get(t.value, e.Stream)
	v = p.env.folds[p.cfg.Name].Apply(v, e)
	tx.Put(t.value, e.Stream, v)
	tx.Put(t.version, e.Stream, e.Version)
	return history.Entry{At: int64(w.Now()), Kind: history.ProjectionApply, Node: p.name, Group: p.cfg.Name,
		Key: e.Stream, Event: e.ID, Type: e.Type, Amount: e.Amount, Payload: e.Payload, Version: e.Version, Position: e.Position, Value: v}
}

// handlesType reports whether the projector's code has a handler for
// events of type t.
func (p *Projector) handlesType(t string) bool {
	return len(p.handles) == 0 || slices.Contains(p.handles, t)
}

// applyInline applies events the store is committing to the read model,
// with the checkpoint, as part of the append's transaction (an inline
// projection).
func (p *Projector) applyInline(w *sim.World, evs []StoredEvent) {
	t := p.tables()
	tx := p.db.Begin()
	recs := p.recs[:0]
	for _, e := range evs {
		recs = append(recs, p.applyEvent(w, tx, t, e))
	}
	checkpoint := evs[len(evs)-1].Position
	tx.Put(checkpointTable, t.checkpointKey, checkpoint)
	tx.Commit()
	p.db.end(tx)
	for i := range recs {
		p.env.hist.Put(&recs[i])
	}
	clear(recs)
	p.recs = recs[:0]
	p.checkpointed(w, checkpoint)
}

func (p *Projector) checkpointed(w *sim.World, checkpoint int64) {
	p.checkpoint = checkpoint
	if p.role == roleInPlace {
		return
	}
	p.env.hist.Put(&history.Entry{At: int64(w.Now()), Kind: history.Checkpoint, Node: p.name, Group: p.cfg.Name, Position: checkpoint})
}

// handover makes a caught-up green generation the active one: readers
// switch to it, the blue projector stops, and green sends effects from now on.
func (p *Projector) handover(w *sim.World) {
	if p.role != roleGreen {
		return
	}
	tx := p.db.Begin()
	tx.Put(activeTable, "gen", int64(p.gen))
	tx.Commit()
	p.role, p.effects, p.effectsFrom = roleLive, true, p.checkpoint
	p.env.hist.Put(&history.Entry{At: int64(w.Now()), Kind: history.Checkpoint, Node: p.name, Group: p.cfg.Name,
		Position: p.checkpoint, Switched: true})
}

// rebuild starts a rebuild of the read model, by the projector's mode.
func (p *Projector) rebuild(w *sim.World) {
	switch p.cfg.Rebuild {
	case RebuildStopFirst:
		// The live projector stops, truncates and replays from the start
		// with effects suppressed up to the head it saw.
		t := p.tables()
		tx := p.db.Begin()
		p.truncate(tx, t)
		tx.Put(checkpointTable, t.checkpointKey, 0)
		tx.Put(checkpointTable, t.checkpointKey+"/effects-from", max(p.effectsFrom, p.checkpoint))
		tx.Commit()
		p.env.hist.Put(&history.Entry{At: int64(w.Now()), Kind: history.ProjectionReset, Node: p.name, Group: p.cfg.Name,
			Rebuild: history.RebuildMode(p.cfg.Rebuild)})
		p.handles = nil // the rebuild deploys the projection's current code
		p.effectsFrom = max(p.effectsFrom, p.checkpoint)
		p.checkpoint, p.gapAt, p.batch, p.skipped, p.busy, p.planned = 0, 0, nil, nil, false, false
		p.dropReply()
		p.poll(w)
	case RebuildInPlace:
		p.stopped = false
		tx := p.db.Begin()
		p.truncate(tx, p.tables())
		tx.Put(checkpointTable, "rebuild", 0)
		tx.Commit()
		p.env.hist.Put(&history.Entry{At: int64(w.Now()), Kind: history.ProjectionReset, Node: p.name, Group: p.cfg.Name,
			Rebuild: history.RebuildMode(p.cfg.Rebuild)})
		p.checkpoint = 0
		p.poll(w)
	case RebuildBlueGreen:
		p.stopped = false
		p.env.hist.Put(&history.Entry{At: int64(w.Now()), Kind: history.ProjectionReset, Node: p.name, Group: p.cfg.Name,
			Rebuild: history.RebuildMode(p.cfg.Rebuild)})
		p.checkpoint = 0
		p.poll(w)
	}
}

// truncate empties a generation's rows: version 0 means no row.
func (p *Projector) truncate(tx *Tx, t readTables) {
	for _, k := range p.db.tableKeys(t.version) {
		tx.Put(t.value, k, 0)
		tx.Put(t.version, k, 0)
	}
}

// dropReply hands back the store's answer whose events were the batch in
// hand, once the batch is done with.
func (p *Projector) dropReply() {
	if p.reply != nil {
		p.env.pools.readAllReps.put(p.reply)
		p.reply = nil
	}
}

// Crash implements sim.Crasher: the volatile part is dropped whole, and
// a topic projector's cursor with it.
func (p *Projector) Crash(w *sim.World, point string) {
	p.env.hist.Put(&history.Entry{At: int64(w.Now()), Kind: history.Crash, Node: p.name, Group: p.cfg.Name, CrashPoint: history.CrashPoint(point)})
	p.projectorVolatile = projectorVolatile{}
	if p.feed != nil {
		p.feed.topicCursor = topicCursor{}
	}
}

// Restart implements sim.Restarter: it resumes from its committed checkpoint.
func (p *Projector) Restart(w *sim.World) {
	p.env.hist.Put(&history.Entry{At: int64(w.Now()), Kind: history.Restart, Node: p.name, Group: p.cfg.Name})
	p.resume(w)
}
