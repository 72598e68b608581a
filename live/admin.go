package live

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/twmb/franz-go/pkg/kerr"
	"github.com/twmb/franz-go/pkg/kgo"
	"github.com/twmb/franz-go/pkg/kmsg"

	"github.com/evsim/evsim/model/history"
)

// note keeps a message for the result.
func (r *runner) note(s string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.notes = append(r.notes, s)
}

// noteOnce keeps a message for the result unless it is kept already: an
// error a client meets on every poll (a session timeout the broker
// refuses) is said once.
func (r *runner) noteOnce(s string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	for _, n := range r.notes {
		if n == s {
			return
		}
	}
	if len(r.notes) < 20 {
		r.notes = append(r.notes, s)
	}
}

// admin returns a plain client for requests of the run itself.
func (r *runner) admin() (*kgo.Client, error) {
	return kgo.NewClient(r.baseOpts(&conns{}, "admin")...)
}

// createTopics creates the run's topics on a real cluster and checks that
// each has the scenario's partition count. A topic that exists already is
// used only if its partition count is the scenario's: another count is an
// error, never a silent mismatch.
func (r *runner) createTopics(ctx context.Context) error {
	cl, err := r.admin()
	if err != nil {
		return err
	}
	defer cl.Close()
	req := kmsg.NewPtrCreateTopicsRequest()
	req.TimeoutMillis = 10000
	want := map[string]int{}
	scenarioName := map[string]string{}
	for _, t := range r.s.System.Topics {
		rt := kmsg.NewCreateTopicsRequestTopic()
		rt.Topic, rt.NumPartitions, rt.ReplicationFactor = r.topics[t.Name], int32(t.Partitions), -1
		req.Topics = append(req.Topics, rt)
		want[rt.Topic], scenarioName[rt.Topic] = t.Partitions, t.Name
	}
	cctx, cancel := context.WithTimeout(ctx, 15*time.Second)
	defer cancel()
	resp, err := req.RequestWith(cctx, cl)
	if errors.Is(err, context.DeadlineExceeded) {
		return fmt.Errorf("create topics: no answer from %v before the deadline (is a Kafka broker listening there? a run waits at most its --timeout, and 15s for its topics): %w", r.seeds, err)
	}
	if err != nil {
		return fmt.Errorf("create topics on %v: %w", r.seeds, err)
	}
	for _, t := range resp.Topics {
		if err := kerr.ErrorForCode(t.ErrorCode); err != nil && !errors.Is(err, kerr.TopicAlreadyExists) {
			return fmt.Errorf("create topic %s: %w", t.Topic, err)
		}
	}
	md := kmsg.NewPtrMetadataRequest()
	for bt := range want {
		mt := kmsg.NewMetadataRequestTopic()
		mt.Topic = kmsg.StringPtr(bt)
		md.Topics = append(md.Topics, mt)
	}
	mresp, err := md.RequestWith(cctx, cl)
	if err != nil {
		return fmt.Errorf("read the partition counts of the run's topics: %w", err)
	}
	for _, t := range mresp.Topics {
		name := ""
		if t.Topic != nil {
			name = *t.Topic
		}
		if err := kerr.ErrorForCode(t.ErrorCode); err != nil {
			return fmt.Errorf("topic %s: %w", name, err)
		}
		if n, ok := want[name]; ok && len(t.Partitions) != n {
			return fmt.Errorf("topic %s has %d partitions on %v, but the scenario's topic %s has %d: delete it or give the scenario its partition count",
				name, len(t.Partitions), r.seeds, scenarioName[name], n)
		}
	}
	return nil
}

// drained asks the broker whether every group's committed offsets reach
// the high watermarks of its topic's partitions.
func (r *runner) drained(ctx context.Context, cl *kgo.Client) (bool, error) {
	for _, g := range r.s.System.Consumers {
		topic := r.topics[g.Topic]
		lo := kmsg.NewPtrListOffsetsRequest()
		lo.ReplicaID = -1
		lt := kmsg.NewListOffsetsRequestTopic()
		lt.Topic = topic
		parts := 0
		for _, t := range r.s.System.Topics {
			if t.Name == g.Topic {
				parts = t.Partitions
			}
		}
		for p := range parts {
			lp := kmsg.NewListOffsetsRequestTopicPartition()
			lp.Partition, lp.Timestamp = int32(p), -1
			lt.Partitions = append(lt.Partitions, lp)
		}
		lo.Topics = append(lo.Topics, lt)
		loResp, err := lo.RequestWith(ctx, cl)
		if err != nil {
			return false, fmt.Errorf("list offsets of %s: %w", topic, err)
		}
		high := map[int32]int64{}
		for _, t := range loResp.Topics {
			for _, p := range t.Partitions {
				if err := kerr.ErrorForCode(p.ErrorCode); err != nil {
					return false, fmt.Errorf("list offsets of %s/%d: %w", topic, p.Partition, err)
				}
				high[p.Partition] = p.Offset
			}
		}
		of := kmsg.NewPtrOffsetFetchRequest()
		of.Group = r.groups[g.Group]
		ot := kmsg.NewOffsetFetchRequestTopic()
		ot.Topic = topic
		for p := range parts {
			ot.Partitions = append(ot.Partitions, int32(p))
		}
		of.Topics = append(of.Topics, ot)
		ofResp, err := of.RequestWith(ctx, cl)
		if err != nil {
			return false, fmt.Errorf("fetch the offsets of group %s: %w", of.Group, err)
		}
		if err := kerr.ErrorForCode(ofResp.ErrorCode); errors.Is(err, kerr.GroupIDNotFound) {
			// A group that has not joined yet (a late start) has
			// committed nothing: not drained, and nothing wrong.
			return false, nil
		} else if err != nil {
			return false, fmt.Errorf("fetch the offsets of group %s: %w", of.Group, err)
		}
		committed := map[int32]int64{}
		for _, t := range ofResp.Topics {
			for _, p := range t.Partitions {
				committed[p.Partition] = p.Offset
			}
		}
		for p, h := range high {
			if h > 0 && committed[p] < h {
				return false, nil
			}
		}
	}
	return true, nil
}

// drain waits, at most the scenario's drain time and the run's timeout,
// until the broker says every group has committed up to the high
// watermarks and no crashed member is still down, as the simulation's
// drain does. Once the groups have caught up with a member that never
// restarts, it gives up at once: the run cannot drain.
func (r *runner) drain(ctx context.Context) bool {
	cl, err := r.admin()
	if err != nil {
		r.note("drain: " + err.Error())
		return false
	}
	defer cl.Close()
	end := time.Now().Add(r.s.Drain)
	for time.Now().Before(end) {
		qctx, cancel := context.WithTimeout(ctx, 5*time.Second)
		ok, err := r.drained(qctx, cl)
		cancel()
		if err != nil && ctx.Err() == nil {
			r.noteOnce("drain: " + err.Error())
		}
		if ok {
			r.mu.Lock()
			down, gone := r.down, r.gone
			r.mu.Unlock()
			switch {
			case down == 0:
				return true
			case gone > 0:
				// A member that never restarts keeps the run from
				// draining: the others have caught up, and nothing
				// more will change.
				return false
			}
		}
		if !sleep(ctx, 50*time.Millisecond) {
			return false
		}
	}
	return false
}

// drainedAtEnd asks the broker once more whether every group's committed
// offsets reach the high watermarks, with a few seconds of its own: an
// interrupted run still asks.
func (r *runner) drainedAtEnd(ctx context.Context) (bool, error) {
	cl, err := r.admin()
	if err != nil {
		return false, err
	}
	defer cl.Close()
	qctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 3*time.Second)
	defer cancel()
	return r.drained(qctx, cl)
}

// readBack reads every topic of the run from its start to its high
// watermark with a plain consumer (no group) and records the inferred
// append of every record no acknowledgement or fetch showed yet: a retry
// duplicate, or a record no group reached. It reports how many it added.
func (r *runner) readBack(ctx context.Context) (int, error) {
	cl, err := r.admin()
	if err != nil {
		return 0, err
	}
	defer cl.Close()
	want := 0
	parts := map[string]map[int32]kgo.Offset{}
	back := map[string]string{}
	for _, t := range r.s.System.Topics {
		bt := r.topics[t.Name]
		back[bt] = t.Name
		parts[bt] = map[int32]kgo.Offset{}
		for p := range t.Partitions {
			parts[bt][int32(p)] = kgo.NewOffset().AtStart()
		}
	}
	high := map[string]map[int32]int64{}
	for bt, ps := range parts {
		lo := kmsg.NewPtrListOffsetsRequest()
		lo.ReplicaID = -1
		lt := kmsg.NewListOffsetsRequestTopic()
		lt.Topic = bt
		for p := range ps {
			lp := kmsg.NewListOffsetsRequestTopicPartition()
			lp.Partition, lp.Timestamp = p, -1
			lt.Partitions = append(lt.Partitions, lp)
		}
		lo.Topics = append(lo.Topics, lt)
		resp, err := lo.RequestWith(ctx, cl)
		if err != nil {
			return 0, fmt.Errorf("read back %s: %w", bt, err)
		}
		high[bt] = map[int32]int64{}
		for _, t := range resp.Topics {
			for _, p := range t.Partitions {
				high[bt][p.Partition] = p.Offset
				want += int(p.Offset)
			}
		}
	}
	cl.AddConsumePartitions(parts)
	seen, added := 0, 0
	for seen < want && ctx.Err() == nil {
		fs := cl.PollFetches(ctx)
		fs.EachRecord(func(kr *kgo.Record) {
			if kr.Offset >= high[kr.Topic][kr.Partition] {
				return
			}
			seen++
			a := history.Entry{Topic: back[kr.Topic], Partition: int(kr.Partition), Offset: kr.Offset, Key: string(kr.Key)}
			for _, h := range kr.Headers {
				switch h.Key {
				case "evsim-id":
					a.Event = string(h.Value)
				case "evsim-type":
					a.Type = string(h.Value)
				}
			}
			a.Amount, _ = strconv.ParseInt(string(kr.Value), 10, 64)
			if r.rec.appendSeen(a) {
				added++
			}
		})
	}
	if seen < want {
		return added, fmt.Errorf("read back %d of %d records before the timeout", seen, want)
	}
	return added, nil
}
