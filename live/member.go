package live

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/twmb/franz-go/pkg/kerr"
	"github.com/twmb/franz-go/pkg/kgo"
	"github.com/twmb/franz-go/pkg/kmsg"

	"github.com/evsim/evsim/faults"
	"github.com/evsim/evsim/model"
	"github.com/evsim/evsim/model/history"
)

// member is one consumer group member, across its incarnations: a crash
// kills its client and, after restart-after, a new client joins under the
// same name.
type member struct {
	r    *runner
	g    model.ConsumerConfig
	name string
	db   *db
	wg   *sync.WaitGroup
}

// groupOpts maps a consumer group's knobs onto franz-go settings, with
// the callbacks that record incarnation inc's assignments and revocations.
func (m *member) groupOpts(inc *incarnation) []kgo.Opt {
	g := m.g
	bal := kgo.RangeBalancer()
	if g.Assignor == model.AssignRoundRobin {
		bal = kgo.RoundRobinBalancer()
	}
	reset := kgo.NewOffset().AtStart()
	if g.OffsetReset == model.ResetLatest {
		reset = kgo.NewOffset().AtEnd()
	}
	session := cmp.Or(g.SessionTimeout, model.DefaultSessionTimeout)
	return []kgo.Opt{
		kgo.ConsumerGroup(m.r.groups[g.Group]), kgo.ConsumeTopics(m.r.topics[g.Topic]),
		kgo.Balancers(bal), kgo.ConsumeResetOffset(reset), kgo.DisableAutoCommit(),
		kgo.SessionTimeout(session), kgo.HeartbeatInterval(cmp.Or(g.HeartbeatInterval, model.DefaultHeartbeatInterval)),
		// The rebalance timeout is the model's (Kafka's Java consumer's):
		// max-poll-interval, which a live run leaves at its default. A
		// crashed member still leaves a rebalance at its session timeout.
		kgo.RebalanceTimeout(model.DefaultMaxPollInterval), kgo.FetchMaxWait(100 * time.Millisecond),
		// The member gives up its partitions only between batches, as
		// the simulated member (and Kafka's Java consumer, which
		// rebalances inside poll) does: it never applies or commits a
		// record of a partition a rebalance took from it. run allows
		// the rebalance once the batch in hand is handled.
		kgo.BlockRebalanceOnPoll(),
		kgo.WithLogger(inc),
		kgo.OnPartitionsAssigned(func(_ context.Context, cl *kgo.Client, a map[string][]int32) {
			id, gen := cl.GroupMetadata()
			inc.gen.Store(gen)
			inc.record(history.Entry{Kind: history.Assign, Generation: int(gen), Member: id, Partitions: partitionList(a)})
		}),
		kgo.OnPartitionsRevoked(func(_ context.Context, cl *kgo.Client, a map[string][]int32) {
			if ps := partitionList(a); ps != "" {
				id, gen := cl.GroupMetadata()
				inc.record(history.Entry{Kind: history.Revoke, Generation: int(gen), Member: id, Partitions: ps})
			}
		}),
		kgo.OnPartitionsLost(func(_ context.Context, cl *kgo.Client, a map[string][]int32) {
			if ps := partitionList(a); ps != "" {
				id, gen := cl.GroupMetadata()
				inc.record(history.Entry{Kind: history.Revoke, Generation: int(gen), Member: id, Partitions: ps, Reason: history.RevokeLost})
			}
		}),
	}
}

// partitionList renders the partitions of a callback's map as an Assign
// record lists them: sorted, comma separated ("" for none).
func partitionList(a map[string][]int32) string {
	var ps []int
	for _, tps := range a {
		for _, p := range tps {
			ps = append(ps, int(p))
		}
	}
	sort.Ints(ps)
	s := make([]string, len(ps))
	for i, p := range ps {
		s[i] = strconv.Itoa(p)
	}
	return strings.Join(s, ",")
}

// incarnation is one client of a member, from its start to its crash or
// stop. A crashed incarnation is dead: its client's goroutines may still
// run their callbacks while it closes, but a killed process records
// nothing, so neither does it.
type incarnation struct {
	m    *member
	dead atomic.Bool
	gen  atomic.Int32 // the generation it last knew
}

// record adds r, stamped with the member's node, group and topic, unless
// the incarnation is dead.
func (inc *incarnation) record(r history.Entry) {
	if inc.dead.Load() {
		return
	}
	r.Node, r.Group, r.Topic = inc.m.name, inc.m.g.Group, inc.m.g.Topic
	inc.m.r.rec.add(r)
}

// Level implements kgo.Logger: the client's join answers are logged at
// info level.
func (inc *incarnation) Level() kgo.LogLevel { return kgo.LogLevelInfo }

// Log implements kgo.Logger. It watches for the broker's answer to the
// client's JoinGroup, which carries the member id the broker gave and the
// new generation, and records the Join then: no callback of the client
// reports a join.
func (inc *incarnation) Log(_ kgo.LogLevel, msg string, keyvals ...any) {
	if msg != "joined" && msg != "joined, balancing group" {
		return
	}
	var id string
	for i := 0; i+1 < len(keyvals); i += 2 {
		if k, _ := keyvals[i].(string); k == "member_id" {
			id, _ = keyvals[i+1].(string)
		}
	}
	inc.record(history.Entry{Kind: history.Join, Member: id, Generation: int(max(inc.gen.Load(), 0))})
}

// polled records a poll of each partition fs returned records of, as the
// simulated member does: the offsets it spans (Offset to
// Offset+Count-1) in the generation it polled in, before the deliveries
// of its records. The poll checks judge them.
func (inc *incarnation) polled(cl *kgo.Client, fs kgo.Fetches) {
	_, gen := cl.GroupMetadata()
	fs.EachPartition(func(p kgo.FetchTopicPartition) {
		if len(p.Records) == 0 {
			return
		}
		first, last := p.Records[0].Offset, p.Records[len(p.Records)-1].Offset
		inc.record(history.Entry{Kind: history.Poll, Partition: int(p.Partition), Offset: first,
			Count: int(last - first + 1), Generation: int(max(gen, 0))})
	})
}

// start runs incarnations of the member until ctx ends, the first after
// delay.
func (m *member) start(ctx context.Context, delay time.Duration) {
	defer m.wg.Done()
	if !sleep(ctx, delay) {
		return
	}
	for {
		restart, ok := m.run(ctx)
		if !ok {
			return
		}
		// Crashed: down until its restart, or for good.
		m.r.mu.Lock()
		m.r.down++
		if restart < 0 {
			m.r.gone++
		}
		m.r.mu.Unlock()
		if restart < 0 || !sleep(ctx, restart) {
			return
		}
		m.r.mu.Lock()
		m.r.down--
		m.r.mu.Unlock()
		m.r.rec.add(history.Entry{Kind: history.Restart, Node: m.name, Group: m.g.Group})
	}
}

// errCrash ends an incarnation at a crash point.
type errCrash struct{ restart time.Duration }

func (errCrash) Error() string { return "crashed" }

// run runs one incarnation's client until ctx ends (ok false: a clean
// stop) or a crash (ok true, with the restart delay).
func (m *member) run(ctx context.Context) (restart time.Duration, ok bool) {
	c := &conns{}
	inc := &incarnation{m: m}
	cl, err := kgo.NewClient(append(m.r.baseOpts(c, m.name), m.groupOpts(inc)...)...)
	if err != nil {
		m.r.note(fmt.Sprintf("member %s: %v", m.name, err))
		return 0, false
	}
	batch := cmp.Or(m.g.Batch, model.DefaultBatch)
	for ctx.Err() == nil {
		pctx, cancel := context.WithTimeout(ctx, 200*time.Millisecond)
		fs := cl.PollRecords(pctx, batch)
		cancel()
		if fs.IsClientClosed() {
			break
		}
		fs.EachError(func(_ string, _ int32, err error) {
			if !errors.Is(err, context.DeadlineExceeded) && !errors.Is(err, context.Canceled) {
				m.r.noteOnce(fmt.Sprintf("group %s: %v", m.g.Group, err))
			}
		})
		inc.polled(cl, fs)
		var crash *errCrash
		fs.EachRecord(func(kr *kgo.Record) {
			if crash != nil || ctx.Err() != nil {
				return
			}
			if err := m.handle(ctx, cl, inc, kr); err != nil {
				errors.As(err, &crash)
			}
		})
		if crash != nil {
			// Killed: no leave, no commit. Close releases the client's
			// goroutines; its dials fail, so nothing reaches the broker.
			c.kill()
			cl.AllowRebalance()
			go cl.Close()
			return crash.restart, true
		}
		cl.AllowRebalance()
		if fs.Empty() {
			sleep(ctx, cmp.Or(m.g.PollInterval, model.DefaultPollInterval))
		}
	}
	lctx, cancel := context.WithTimeout(context.Background(), 3*time.Second)
	defer cancel()
	id, _ := cl.GroupMetadata()
	cl.AllowRebalance()
	cl.LeaveGroupContext(lctx)
	inc.record(history.Entry{Kind: history.Leave, Member: id})
	go cl.Close()
	return 0, false
}

// handle runs the member's handler on one fetched record, with the
// scenario's crash points around its effect and its offset commit. It
// returns an *errCrash when the member crashed.
func (m *member) handle(ctx context.Context, cl *kgo.Client, inc *incarnation, kr *kgo.Record) error {
	_, gen := cl.GroupMetadata()
	d := history.Entry{Node: m.name, Group: m.g.Group, Topic: m.g.Topic, Partition: int(kr.Partition),
		Offset: kr.Offset, Key: string(kr.Key), Generation: int(gen)}
	for _, h := range kr.Headers {
		switch h.Key {
		case "evsim-id":
			d.Event = string(h.Value)
		case "evsim-type":
			d.Type = string(h.Value)
		}
	}
	d.Amount, _ = strconv.ParseInt(string(kr.Value), 10, 64)
	d = m.r.rec.deliver(d)
	if span := m.g.ProcessingMax - m.g.ProcessingMin; m.g.ProcessingMax > 0 {
		sleep(ctx, m.g.ProcessingMin+time.Duration(m.r.intN(int64(span)+1)))
	}
	if m.g.Commit == model.CommitBeforeHandle {
		if err := m.commit(ctx, cl, inc, kr); err != nil {
			return err
		}
	}
	if err := m.crashPoint(inc, model.PointBeforeEffect); err != nil {
		return err
	}
	m.db.apply(m.r.rec, d)
	if err := m.crashPoint(inc, model.PointAfterEffect); err != nil {
		return err
	}
	if m.g.Commit != model.CommitBeforeHandle {
		return m.commit(ctx, cl, inc, kr)
	}
	return nil
}

// commit commits the offset after kr synchronously and records its
// outcome, with the member id and generation the request carried:
// offset-commit (outcome ok) when the broker took it; commit-fenced
// (outcome fenced or rebalance-in-progress, Reason the broker's error)
// when it refused it for the membership; offset-commit with outcome
// unknown when its answer never came. Another refusal is noted.
func (m *member) commit(ctx context.Context, cl *kgo.Client, inc *incarnation, kr *kgo.Record) error {
	if err := m.crashPoint(inc, model.PointBeforeCommit); err != nil {
		return err
	}
	rec := history.Entry{Partition: int(kr.Partition), Offset: kr.Offset + 1}
	offsets := map[string]map[int32]kgo.EpochOffset{kr.Topic: {kr.Partition: {Epoch: kr.LeaderEpoch, Offset: kr.Offset + 1}}}
	// A commit once sent is answered or times out: the run's stop does
	// not cut it off, or the history would call unknown a commit the
	// broker took.
	cctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), cmp.Or(m.r.o.commitTimeout, 5*time.Second))
	defer cancel()
	cl.CommitOffsetsSync(cctx, offsets, func(_ *kgo.Client, req *kmsg.OffsetCommitRequest, resp *kmsg.OffsetCommitResponse, err error) {
		rec.Generation, rec.Member = int(req.Generation), req.MemberID
		if rec.Generation < 0 {
			rec.Generation = 0
		}
		if err == nil {
			for _, t := range resp.Topics {
				for _, p := range t.Partitions {
					if err = kerr.ErrorForCode(p.ErrorCode); err != nil {
						break
					}
				}
			}
		}
		var kerrErr *kerr.Error
		switch {
		case err == nil:
			rec.Kind, rec.Outcome = history.OffsetCommit, history.OutcomeOK
		case errors.Is(err, kerr.RebalanceInProgress):
			rec.Kind, rec.Outcome, rec.Reason = history.CommitFenced, history.OutcomeRebalancing, err.Error()
		case errors.Is(err, kerr.IllegalGeneration), errors.Is(err, kerr.UnknownMemberID), errors.Is(err, kerr.FencedInstanceID):
			rec.Kind, rec.Outcome, rec.Reason = history.CommitFenced, history.OutcomeFenced, err.Error()
		case errors.As(err, &kerrErr):
			m.r.noteOnce(fmt.Sprintf("group %s: the broker refused an offset commit: %v", m.g.Group, err))
			return
		default:
			rec.Kind, rec.Outcome, rec.Reason = history.OffsetCommit, history.OutcomeUnknown, err.Error()
			m.r.mu.Lock()
			m.r.unknown++
			m.r.mu.Unlock()
		}
		inc.record(rec)
	})
	return m.crashPoint(inc, model.PointAfterCommit)
}

// crashPoint strikes the scenario's crash faults of the member (its group
// or its name) at point while faults are active: a Crash with its
// probability, a CrashNth at the Nth time any of its targets reaches the
// point. It records the crash and returns an *errCrash with the restart
// delay.
func (m *member) crashPoint(inc *incarnation, point model.CrashPoint) error {
	if time.Now().After(m.r.faultTo) {
		return nil
	}
	for i, f := range m.r.s.Faults.Faults {
		switch cr := f.(type) {
		case faults.Crash:
			if (cr.Target == m.g.Group || cr.Target == m.name) && cr.Point == point && m.r.chance(cr.Probability.Num, cr.Probability.Den) {
				return m.crash(inc, point, cr.RestartAfter)
			}
		case faults.CrashNth:
			if (cr.Target == m.g.Group || cr.Target == m.name) && cr.Point == point && m.r.hit(i) == cr.Nth {
				return m.crash(inc, point, cr.RestartAfter)
			}
		}
	}
	return nil
}

// crash records the member's crash at point. The incarnation is dead
// from then on: nothing its closing client does is recorded.
func (m *member) crash(inc *incarnation, point model.CrashPoint, restart time.Duration) error {
	inc.dead.Store(true)
	m.r.mu.Lock()
	m.r.crashes++
	m.r.mu.Unlock()
	m.r.rec.add(history.Entry{Kind: history.Crash, Node: m.name, Group: m.g.Group, CrashPoint: history.CrashPoint(point)})
	return &errCrash{restart: restart}
}
