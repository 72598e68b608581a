package live

import (
	"cmp"
	"fmt"
	"slices"
	"strconv"
	"sync"
	"time"

	"github.com/twmb/franz-go/pkg/kerr"
	"github.com/twmb/franz-go/pkg/kfake"
	"github.com/twmb/franz-go/pkg/kmsg"

	"github.com/evsim/evsim/model"
	"github.com/evsim/evsim/model/history"
)

// loss is what the embedded cluster does to one produce request.
type loss int

const (
	lossNone loss = iota
	// lossRequest: the request is lost on its way: the broker appends
	// nothing and, after the request timeout, answers a retriable error
	// (NOT_ENOUGH_REPLICAS, which a broker gives before it appends).
	lossRequest
	// lossAck: the acknowledgement is lost on its way back: the broker
	// appends, and after the request timeout answers REQUEST_TIMED_OUT
	// (which a broker gives after it appended).
	lossAck
)

// control is the run's hand on the embedded cluster's produce requests
// (kfake's request control). It watches every produce request, records a
// producer's retry when a request carries an event an earlier one
// carried, and applies the producers' request-loss and ack-loss: a
// struck request is held for the producer's request timeout, as a lost
// request or answer goes unnoticed that long, and is then answered with
// the error that says what happened. The client sees an error, not
// silence: franz-go retries on it as it would on a timeout.
type control struct {
	r *runner

	mu     sync.Mutex
	sends  map[string]int        // event id -> produce requests that carried it
	struck map[kmsg.Request]loss // requests whose request or answer is lost
	counts map[string]int        // "producer knob" -> strikes
	byName map[string]model.ProducerConfig
	byID   map[[16]byte]string // broker topic id -> scenario topic
}

// installControl puts the run's control on c when a producer has a loss
// to apply; it watches for retries either way.
func (r *runner) installControl(c *kfake.Cluster) *control {
	ctl := &control{r: r, sends: map[string]int{}, struck: map[kmsg.Request]loss{}, counts: map[string]int{},
		byName: map[string]model.ProducerConfig{}}
	for _, p := range r.s.System.Producers {
		ctl.byName[p.Name] = p
	}
	// Produce requests name their topics by id (version 13 on); the ids
	// are read before any client starts, as a control must not call back
	// into the cluster.
	ctl.byID = map[[16]byte]string{}
	for _, t := range r.s.System.Topics {
		if info := c.TopicInfo(r.topics[t.Name]); info != nil {
			ctl.byID[info.TopicID] = t.Name
		}
	}
	c.ControlKey(int16(kmsg.Produce), func(req kmsg.Request) (kmsg.Response, error, bool) {
		c.KeepControl()
		if hold := ctl.see(req.(*kmsg.ProduceRequest)); hold > 0 {
			c.SleepControl(func() { time.Sleep(hold) })
		}
		return nil, nil, false
	})
	when := func(l loss) func(kmsg.Request) bool {
		return func(req kmsg.Request) bool {
			ctl.mu.Lock()
			defer ctl.mu.Unlock()
			return ctl.struck[req] == l
		}
	}
	c.Fault(kfake.Fault{Keys: []kmsg.Key{kmsg.Produce}, Err: kerr.NotEnoughReplicas, Count: -1, When: when(lossRequest)},
		kfake.Fault{Keys: []kmsg.Key{kmsg.Produce}, Err: kerr.RequestTimedOut, Count: -1, When: when(lossAck)})
	return ctl
}

// see records the retries in req and draws its loss; it returns how long
// to hold the request (0: not struck).
func (ctl *control) see(req *kmsg.ProduceRequest) time.Duration {
	producer := ""
	var retries []history.Entry
	ctl.mu.Lock()
	for _, t := range req.Topics {
		for _, p := range t.Partitions {
			var b kmsg.RecordBatch
			if err := b.ReadFrom(p.Records); err != nil {
				continue
			}
			recs, err := kfake.BatchRecords(b)
			if err != nil {
				continue
			}
			for _, kr := range recs {
				topic := ctl.byID[t.TopicID]
				if t.Topic != "" {
					topic = ctl.r.scenarioTopic(t.Topic)
				}
				e := history.Entry{Kind: history.PublishRetry, Topic: topic, Partition: int(p.Partition),
					Key: string(kr.Key), Inferred: true}
				for _, h := range kr.Headers {
					switch h.Key {
					case "evsim-id":
						e.Event = string(h.Value)
					case "evsim-type":
						e.Type = string(h.Value)
					case "evsim-producer":
						e.Node = string(h.Value)
					}
				}
				e.Amount, _ = strconv.ParseInt(string(kr.Value), 10, 64)
				producer = cmp.Or(producer, e.Node)
				ctl.sends[e.Event]++
				if n := ctl.sends[e.Event]; n > 1 {
					e.Attempt = n
					retries = append(retries, e)
				}
			}
		}
	}
	ctl.mu.Unlock()
	for _, e := range retries {
		ctl.r.rec.add(e)
	}
	p, ok := ctl.byName[producer]
	if !ok || req.Acks == 0 {
		return 0
	}
	l := lossNone
	switch {
	case ctl.r.chance(p.RequestLoss.Num, p.RequestLoss.Den):
		l = lossRequest
	case ctl.r.chance(p.AckLoss.Num, p.AckLoss.Den):
		l = lossAck
	}
	if l == lossNone {
		return 0
	}
	ctl.mu.Lock()
	defer ctl.mu.Unlock()
	ctl.struck[req] = l
	knob := "request-loss"
	if l == lossAck {
		knob = "ack-loss"
	}
	ctl.counts[p.Name+" "+knob]++
	return cmp.Or(p.RequestTimeout, model.DefaultRequestTimeout)
}

// strikes says how often each producer's loss struck, in producer order
// ("teller ack-loss struck 7 times"), and how often in all.
func (ctl *control) strikes() (out []string, total int) {
	ctl.mu.Lock()
	defer ctl.mu.Unlock()
	for _, p := range ctl.r.s.System.Producers {
		for _, knob := range []string{"request-loss", "ack-loss"} {
			on := knob == "request-loss" && p.RequestLoss.Num > 0 || knob == "ack-loss" && p.AckLoss.Num > 0
			if !on {
				continue
			}
			n := ctl.counts[p.Name+" "+knob]
			out = append(out, fmt.Sprintf("%s %s struck %d times", p.Name, knob, n))
			total += n
		}
	}
	return out, total
}

// scenarioTopic returns the scenario's name of the broker-side topic bt.
func (r *runner) scenarioTopic(bt string) string {
	names := make([]string, 0, len(r.topics))
	for name := range r.topics {
		names = append(names, name)
	}
	slices.Sort(names)
	for _, name := range names {
		if r.topics[name] == bt {
			return name
		}
	}
	return bt
}
