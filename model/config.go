package model

import (
	"errors"
	"fmt"
	"time"
)

// Config describes a pub/sub system: topics, producers and consumer groups.
type Config struct {
	Topics    []TopicConfig
	Producers []ProducerConfig
	Consumers []ConsumerConfig
	// LatencyMin and LatencyMax bound the network latency of every message.
	// Zero means DefaultLatencyMin and DefaultLatencyMax.
	LatencyMin, LatencyMax time.Duration
}

// Default network latency bounds.
const (
	DefaultLatencyMin = 500 * time.Microsecond
	DefaultLatencyMax = 2 * time.Millisecond
)

// TopicConfig is one topic of the broker.
type TopicConfig struct {
	Name       string
	Partitions int
}

// ProducerConfig is a producer publishing events to one topic at a rate
// until Stop.
type ProducerConfig struct {
	Name  string
	Topic string
	// Interval is the mean gap between two publishes; each gap is drawn
	// uniformly from [Interval/2, 3*Interval/2].
	Interval time.Duration
	// Keys is the number of distinct keys ("acct-0" ... ) events are spread over.
	Keys int
	// Events are the event types to publish, drawn uniformly.
	Events []EventSpec
	// Stop is when the producer stops publishing (0: never).
	Stop time.Duration
}

// EventSpec is one event type a producer publishes, with an amount drawn
// uniformly from [AmountMin, AmountMax].
type EventSpec struct {
	Type                 string
	AmountMin, AmountMax int64
}

// Commit is when a consumer commits the offset of a record.
type Commit string

// Commit policies.
const (
	// CommitBeforeHandle commits the offset before the effect: a crash in
	// between skips the record (at most once).
	CommitBeforeHandle Commit = "before-handle"
	// CommitAfterHandle commits after the effect: a crash in between
	// redelivers it (at least once).
	CommitAfterHandle Commit = "after-handle"
)

// Dedup is how a consumer recognises a record it has already processed.
type Dedup string

// Dedup strategies.
const (
	// DedupNone applies every delivery.
	DedupNone Dedup = "none"
	// DedupSameTx records processed event ids in the effect's transaction
	// and skips ids already recorded.
	DedupSameTx Dedup = "same-tx"
)

// ConsumerConfig is a consumer group: Members members consuming Topic with
// the named handler.
type ConsumerConfig struct {
	Group   string
	Topic   string
	Members int
	// Handler names a built-in handler (see [Handlers]) unless Custom is set.
	Handler string
	// Custom, if set, is the handler itself (for Go users).
	Custom Handler
	Dedup  Dedup
	Commit Commit
	// ProcessingMin and ProcessingMax bound the time to handle one record.
	ProcessingMin, ProcessingMax time.Duration
	// Batch is the most records one fetch returns (0: DefaultBatch).
	Batch int
	// PollInterval is the wait before fetching again after an empty fetch
	// (0: DefaultPollInterval).
	PollInterval time.Duration
}

// Consumer defaults.
const (
	DefaultBatch        = 50
	DefaultPollInterval = 10 * time.Millisecond
)

// Validate reports every problem of c in one error.
func (c *Config) Validate() error {
	var errs []error
	topics := map[string]bool{}
	for i, t := range c.Topics {
		if t.Name == "" {
			errs = append(errs, fmt.Errorf("topic %d: name is empty", i))
		}
		if topics[t.Name] {
			errs = append(errs, fmt.Errorf("topic %q: defined twice", t.Name))
		}
		topics[t.Name] = true
		if t.Partitions < 1 {
			errs = append(errs, fmt.Errorf("topic %q: partitions %d: want at least 1", t.Name, t.Partitions))
		}
	}
	names := map[string]bool{}
	for _, p := range c.Producers {
		if p.Name == "" || names[p.Name] {
			errs = append(errs, fmt.Errorf("producer %q: names must be unique and not empty", p.Name))
		}
		names[p.Name] = true
		if !topics[p.Topic] {
			errs = append(errs, fmt.Errorf("producer %q: unknown topic %q", p.Name, p.Topic))
		}
		if p.Interval <= 0 {
			errs = append(errs, fmt.Errorf("producer %q: rate must be positive", p.Name))
		}
		if p.Keys < 1 {
			errs = append(errs, fmt.Errorf("producer %q: keys %d: want at least 1", p.Name, p.Keys))
		}
		if len(p.Events) == 0 {
			errs = append(errs, fmt.Errorf("producer %q: no events to publish", p.Name))
		}
		for _, e := range p.Events {
			if e.Type == "" || e.AmountMin > e.AmountMax {
				errs = append(errs, fmt.Errorf("producer %q: event %q: want a type and amount min <= max", p.Name, e.Type))
			}
		}
	}
	for _, g := range c.Consumers {
		if g.Group == "" || names[g.Group] {
			errs = append(errs, fmt.Errorf("consumer group %q: names must be unique and not empty", g.Group))
		}
		names[g.Group] = true
		if !topics[g.Topic] {
			errs = append(errs, fmt.Errorf("consumer group %q: unknown topic %q", g.Group, g.Topic))
		}
		if g.Members < 1 {
			errs = append(errs, fmt.Errorf("consumer group %q: members %d: want at least 1", g.Group, g.Members))
		}
		if g.Custom == nil {
			if _, ok := Handlers[g.Handler]; !ok {
				errs = append(errs, fmt.Errorf("consumer group %q: unknown handler %q", g.Group, g.Handler))
			}
		}
		switch g.Dedup {
		case DedupNone, DedupSameTx:
		default:
			errs = append(errs, fmt.Errorf("consumer group %q: unknown dedup %q", g.Group, g.Dedup))
		}
		switch g.Commit {
		case CommitBeforeHandle, CommitAfterHandle:
		default:
			errs = append(errs, fmt.Errorf("consumer group %q: unknown commit policy %q", g.Group, g.Commit))
		}
		if g.ProcessingMin < 0 || g.ProcessingMin > g.ProcessingMax {
			errs = append(errs, fmt.Errorf("consumer group %q: processing %v..%v: want 0 <= min <= max", g.Group, g.ProcessingMin, g.ProcessingMax))
		}
	}
	if c.LatencyMin < 0 || c.LatencyMin > c.LatencyMax && c.LatencyMax != 0 {
		errs = append(errs, fmt.Errorf("latency %v..%v: want 0 <= min <= max", c.LatencyMin, c.LatencyMax))
	}
	return errors.Join(errs...)
}
