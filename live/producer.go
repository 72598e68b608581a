package live

import (
	"cmp"
	"context"
	"fmt"
	"strconv"
	"sync"
	"time"

	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/evsim/evsim/model"
	"github.com/evsim/evsim/model/history"
)

// producerOpts maps a producer's knobs onto franz-go settings.
func producerOpts(p model.ProducerConfig) []kgo.Opt {
	// The simulated producer sends what it has as soon as it may: no
	// linger (franz-go lingers 10ms by default).
	opts := []kgo.Opt{kgo.RecordPartitioner(kgo.ManualPartitioner()), kgo.ProducerLinger(0)}
	switch p.Acks {
	case model.AcksNone:
		opts = append(opts, kgo.RequiredAcks(kgo.NoAck()))
	case model.AcksLeader:
		opts = append(opts, kgo.RequiredAcks(kgo.LeaderAck()))
	default:
		opts = append(opts, kgo.RequiredAcks(kgo.AllISRAcks()))
	}
	if !p.Idempotent {
		opts = append(opts, kgo.DisableIdempotentWrite())
		// franz-go's own default is 1; the scenario's is DefaultMaxInFlight.
		opts = append(opts, kgo.MaxProduceRequestsInflightPerBroker(cmp.Or(p.MaxInFlight, model.DefaultMaxInFlight)))
	}
	// retries counts the tries after the first, as franz-go's record
	// retries do; the scenario's default 0 means none, not franz-go's
	// unlimited default.
	opts = append(opts, kgo.RecordRetries(p.Retries))
	if p.RetryBackoff > 0 {
		opts = append(opts, kgo.RetryBackoffFn(func(int) time.Duration { return p.RetryBackoff }))
	}
	return opts
}

// produce publishes p's events at its rate until the scenario's duration
// (or p's stop or count), then waits for every acknowledgement.
func (r *runner) produce(ctx context.Context, p model.ProducerConfig) error {
	c := &conns{}
	cl, err := kgo.NewClient(append(r.baseOpts(c, p.Name), producerOpts(p)...)...)
	if err != nil {
		return fmt.Errorf("producer %s: %w", p.Name, err)
	}
	defer cl.Close()
	parts := 0
	for _, t := range r.s.System.Topics {
		if t.Name == p.Topic {
			parts = t.Partitions
		}
	}
	stop := r.s.Duration
	if p.Stop > 0 && p.Stop < stop {
		stop = p.Stop
	}
	// franz-go's idempotent producer keeps up to 5 requests in flight;
	// max-in-flight 1 is kept by sending each record once the one before
	// it is acknowledged.
	oneInFlight := p.Idempotent && p.MaxInFlight == 1
	start := time.Now()
	// A publish that fails (out of retries) is a publish-fail record, as
	// simulated, and the run goes on; a producer none of whose publishes
	// was acknowledged ends the run with an error: the broker is not
	// there, or refuses it.
	var failed sync.Mutex
	var firstErr error
	fails, acks := 0, 0
	rr := 0
	for n := 1; p.Count == 0 || n <= p.Count; n++ {
		gap := p.Interval/2 + time.Duration(r.intN(int64(p.Interval)+1))
		if !sleep(ctx, gap) || time.Since(start) >= stop {
			break
		}
		ev := p.Events[r.intN(int64(len(p.Events)))]
		amount := ev.AmountMin + r.intN(ev.AmountMax-ev.AmountMin+1)
		key := "acct-" + strconv.FormatInt(r.intN(int64(max(1, p.Keys))), 10)
		part := 0
		switch p.Partitioner {
		case model.PartitionRoundRobin:
			part, rr = rr%parts, rr+1
		case model.PartitionExplicit:
			part = p.Partition
		default:
			part = model.KeyPartition(key, parts)
		}
		pub := history.Entry{Kind: history.Publish, Node: p.Name, Topic: p.Topic, Partition: part,
			Event: fmt.Sprintf("%s-%d", p.Name, n), Key: key, Type: ev.Type, Amount: amount}
		r.rec.add(pub)
		kr := &kgo.Record{Topic: r.topics[p.Topic], Partition: int32(part), Key: []byte(key),
			Value: []byte(strconv.FormatInt(amount, 10)),
			Headers: []kgo.RecordHeader{{Key: "evsim-id", Value: []byte(pub.Event)}, {Key: "evsim-type", Value: []byte(ev.Type)},
				{Key: "evsim-producer", Value: []byte(p.Name)}}}
		acked := make(chan struct{})
		cl.Produce(ctx, kr, func(kr *kgo.Record, err error) {
			defer close(acked)
			if err != nil {
				r.rec.add(history.Entry{Kind: history.PublishFail, Node: p.Name, Topic: p.Topic, Partition: part,
					Event: pub.Event, Key: key, Type: ev.Type, Amount: amount, Attempt: 1, Reason: err.Error()})
				failed.Lock()
				fails++
				if firstErr == nil && ctx.Err() == nil {
					firstErr = fmt.Errorf("publish %s: %w", pub.Event, err)
				}
				failed.Unlock()
				return
			}
			failed.Lock()
			acks++
			failed.Unlock()
			if p.Acks == model.AcksNone {
				return // nothing acknowledged: the fetches will show the appends
			}
			ack := pub
			ack.Kind, ack.Offset = history.PublishAck, kr.Offset
			r.rec.appendSeen(ack)
			r.rec.add(ack)
		})
		if oneInFlight {
			select {
			case <-acked:
			case <-ctx.Done():
			}
		}
	}
	if ctx.Err() != nil {
		// Interrupted or out of time: the run ends with what it recorded.
		return nil
	}
	fctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	if err := cl.Flush(fctx); err != nil && ctx.Err() == nil {
		return fmt.Errorf("producer %s: wait for acknowledgements: %w", p.Name, err)
	}
	failed.Lock()
	defer failed.Unlock()
	switch {
	case firstErr == nil:
	case acks == 0:
		return fmt.Errorf("producer %s: none of its %d publishes was acknowledged (is the broker up?); the first: %w", p.Name, fails, firstErr)
	default:
		r.note(fmt.Sprintf("producer %s: %d publishes failed, recorded as publish-fail (the first: %v)", p.Name, fails, firstErr))
	}
	return nil
}
