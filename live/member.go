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

// groupOpts maps a consumer group's knobs onto franz-go settings.
func (m *member) groupOpts() []kgo.Opt {
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
		kgo.RebalanceTimeout(2 * session), kgo.FetchMaxWait(100 * time.Millisecond),
		kgo.OnPartitionsAssigned(func(_ context.Context, cl *kgo.Client, a map[string][]int32) {
			_, gen := cl.GroupMetadata()
			for _, ps := range a {
				sort.Slice(ps, func(i, j int) bool { return ps[i] < ps[j] })
				var s []string
				for _, p := range ps {
					s = append(s, strconv.Itoa(int(p)))
				}
				m.r.rec.add(history.Entry{Kind: history.Assign, Node: m.name, Group: g.Group, Topic: g.Topic,
					Generation: int(gen), Partitions: strings.Join(s, ",")})
			}
		}),
	}
}

// start runs incarnations of the member until ctx ends, the first after
// delay.
func (m *member) start(ctx context.Context, delay time.Duration) {
	defer m.wg.Done()
	if !sleep(ctx, delay) {
		return
	}
	for {
		restart, ok := m.incarnation(ctx)
		if !ok || restart < 0 || !sleep(ctx, restart) {
			return
		}
		m.r.rec.add(history.Entry{Kind: history.Restart, Node: m.name, Group: m.g.Group})
	}
}

// errCrash ends an incarnation at a crash point.
type errCrash struct{ restart time.Duration }

func (errCrash) Error() string { return "crashed" }

// incarnation runs one client until ctx ends (ok false: a clean stop) or
// a crash (ok true, with the restart delay).
func (m *member) incarnation(ctx context.Context) (restart time.Duration, ok bool) {
	c := &conns{}
	cl, err := kgo.NewClient(append(m.r.baseOpts(c, m.name), m.groupOpts()...)...)
	if err != nil {
		m.r.note(fmt.Sprintf("member %s: %v", m.name, err))
		return 0, false
	}
	m.r.rec.add(history.Entry{Kind: history.Join, Node: m.name, Group: m.g.Group, Topic: m.g.Topic})
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
		var crash *errCrash
		fs.EachRecord(func(kr *kgo.Record) {
			if crash != nil || ctx.Err() != nil {
				return
			}
			if err := m.handle(ctx, cl, kr); err != nil {
				errors.As(err, &crash)
			}
		})
		if crash != nil {
			// Killed: no leave, no commit. Close releases the client's
			// goroutines; its dials fail, so nothing reaches the broker.
			c.kill()
			go cl.Close()
			return crash.restart, true
		}
		if fs.Empty() {
			sleep(ctx, cmp.Or(m.g.PollInterval, model.DefaultPollInterval))
		}
	}
	lctx, cancel := context.WithTimeout(context.Background(), 3*time.Second)
	defer cancel()
	cl.LeaveGroupContext(lctx)
	m.r.rec.add(history.Entry{Kind: history.Leave, Node: m.name, Group: m.g.Group})
	go cl.Close()
	return 0, false
}

// handle runs the member's handler on one fetched record, with the
// scenario's crash points around its effect and its offset commit. It
// returns an *errCrash when the member crashed.
func (m *member) handle(ctx context.Context, cl *kgo.Client, kr *kgo.Record) error {
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
		if err := m.commit(ctx, cl, kr, int(gen)); err != nil {
			return err
		}
	}
	if err := m.crashPoint(model.PointBeforeEffect); err != nil {
		return err
	}
	m.db.apply(m.r.rec, d)
	if err := m.crashPoint(model.PointAfterEffect); err != nil {
		return err
	}
	if m.g.Commit != model.CommitBeforeHandle {
		return m.commit(ctx, cl, kr, int(gen))
	}
	return nil
}

// commit commits the offset after kr synchronously and records its
// outcome: offset-commit when the broker took it, commit-fenced (Point:
// the broker's error) when it refused it for the generation, nothing but a
// note when the outcome is unknown.
func (m *member) commit(ctx context.Context, cl *kgo.Client, kr *kgo.Record, gen int) error {
	if err := m.crashPoint(model.PointBeforeCommit); err != nil {
		return err
	}
	rec := history.Entry{Node: m.name, Group: m.g.Group, Topic: m.g.Topic, Partition: int(kr.Partition),
		Offset: kr.Offset + 1, Generation: gen}
	offsets := map[string]map[int32]kgo.EpochOffset{kr.Topic: {kr.Partition: {Epoch: kr.LeaderEpoch, Offset: kr.Offset + 1}}}
	cctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	cl.CommitOffsetsSync(cctx, offsets, func(_ *kgo.Client, _ *kmsg.OffsetCommitRequest, resp *kmsg.OffsetCommitResponse, err error) {
		if err == nil {
			for _, t := range resp.Topics {
				for _, p := range t.Partitions {
					if err = kerr.ErrorForCode(p.ErrorCode); err != nil {
						break
					}
				}
			}
		}
		switch {
		case err == nil:
			rec.Kind = history.OffsetCommit
			m.r.rec.add(rec)
		case errors.Is(err, kerr.IllegalGeneration), errors.Is(err, kerr.RebalanceInProgress),
			errors.Is(err, kerr.UnknownMemberID), errors.Is(err, kerr.FencedInstanceID):
			rec.Kind, rec.Reason = history.CommitFenced, err.Error()
			m.r.rec.add(rec)
		default:
			m.r.mu.Lock()
			m.r.unknown++
			m.r.mu.Unlock()
		}
	})
	return m.crashPoint(model.PointAfterCommit)
}

// crashPoint strikes the scenario's crash faults of the member's group at
// point while faults are active: it records the crash and returns an
// *errCrash with the restart delay.
func (m *member) crashPoint(point model.CrashPoint) error {
	if time.Now().After(m.r.faultTo) {
		return nil
	}
	for _, f := range m.r.s.Faults.Faults {
		cr, ok := f.(faults.Crash)
		if !ok || cr.Target != m.g.Group || cr.Point != point {
			continue
		}
		if m.r.chance(cr.Probability.Num, cr.Probability.Den) {
			m.r.mu.Lock()
			m.r.crashes++
			m.r.mu.Unlock()
			m.r.rec.add(history.Entry{Kind: history.Crash, Node: m.name, Group: m.g.Group, CrashPoint: point})
			return &errCrash{restart: cr.RestartAfter}
		}
	}
	return nil
}
