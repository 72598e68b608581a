// Package scenarios reads scenario files, builds worlds from them, runs them
// and compares the verdicts with the expectations the file pins. The
// built-in teaching scenarios (the *.yaml files of this folder) are embedded
// in the binary; FORMAT.md documents the format.
package scenarios

import (
	"bytes"
	"fmt"
	"io"
	"slices"
	"strings"
	"time"

	"go.yaml.in/yaml/v3"

	"github.com/evsim/evsim/checks"
	"github.com/evsim/evsim/faults"
	"github.com/evsim/evsim/model"
)

// Default phases of a run.
const (
	// DefaultDrain bounds the heal-and-converge phase after Duration.
	DefaultDrain = 60 * time.Second
)

// Scenario is a parsed scenario file: a system, its faults, the checks to
// run and the verdicts they must reach.
type Scenario struct {
	// File is where the scenario came from, for errors and repro commands.
	File    string
	Name    string
	Title   string
	Teaches string
	Seed    uint64
	// Duration is the safety phase: producers publish and faults strike.
	Duration time.Duration
	// Drain bounds the liveness phase after it: no new events, no faults,
	// until every group has caught up.
	Drain  time.Duration
	System model.Config
	Faults faults.Plan
	Checks []string
	// Expect maps a check to the verdict it must reach; a check without an
	// expectation must hold.
	Expect map[string]checks.Verdict
	Charts []string
	// ES is the event-sourced part of the system (event sourcing and CQRS).
	ES model.ESConfig
	// Source is the file's text.
	Source []byte
	// Swarm lists the knobs a swarm run draws per seed (the file's
	// `swarm:` block; see [Scenario.Draw]); empty for most scenarios.
	Swarm []Knob
	// Warnings are the problems that do not stop the scenario from
	// running, such as an event type named like a command (see [Lint]).
	Warnings []Warning

	eventTypes []placed // every event type, where the file names it
}

// placed is a name and where a file gives it.
type placed struct {
	name      string
	line, col int
}

// Charts a scenario can ask for.
var chartNames = []string{"lag", "staleness" /* event sourcing and CQRS */}

var topKeys = []string{"name", "title", "teaches", "seed", "duration", "drain", "latency", "topics", "producers",
	"consumers", "faults", "checks", "expect", "charts",
	// event sourcing and CQRS
	"event-store", "aggregate", "clients", "projections", "queries", "outbox",
	// swarm runs
	"swarm"}

// Parse reads a scenario file strictly. file names it in errors. Every
// problem is reported in one error, each as file:line:column and what to fix.
func Parse(file string, src []byte) (*Scenario, error) {
	d := &decoder{file: file}
	var doc yaml.Node
	dec := yaml.NewDecoder(bytes.NewReader(src))
	if err := dec.Decode(&doc); err != nil && err != io.EOF {
		return nil, yamlError(file, err)
	}
	var extra yaml.Node
	if err := dec.Decode(&extra); err == nil {
		line := extra.Line
		if len(extra.Content) > 0 {
			line = extra.Content[0].Line
		}
		return nil, &Error{File: file, Line: line, Col: 1, Msg: "a second YAML document: a scenario file holds exactly one (remove the --- separator)"}
	} else if err != io.EOF {
		e := yamlError(file, err)
		if ye, ok := e.(*Error); ok {
			ye.Msg += " (after the document's end marker ...: a scenario file holds one document)"
		}
		return nil, e
	}
	if doc.Kind == 0 || len(doc.Content) == 0 || doc.Content[0].Tag == "!!null" && doc.Content[0].Value == "" {
		return nil, &Error{File: file, Msg: "empty scenario: want a mapping with at least name, duration, topics and checks"}
	}
	s := &Scenario{File: file, Source: src, Drain: DefaultDrain, Expect: map[string]checks.Verdict{}, Seed: 1}
	m := d.mapping(doc.Content[0], "scenario")
	s.Name = d.name(m.need("name", "a short name like double-credit"), "name")
	s.Title = d.str(m.get("title"), "title")
	s.Teaches = d.str(m.get("teaches"), "teaches")
	if n := m.get("seed"); n != nil {
		s.Seed = d.uinteger(n, "seed")
	}
	s.Duration = d.duration(m.need("duration", "how long producers publish, like 30s"), "duration", true)
	if n := m.get("drain"); n != nil {
		s.Drain = d.duration(n, "drain", true)
	}
	if n := m.get("latency"); n != nil {
		s.System.LatencyMin, s.System.LatencyMax = d.durationRange(n, "latency")
	}
	for i, n := range d.list(m.get("topics"), "topics") {
		s.System.Topics = append(s.System.Topics, d.topic(n, fmt.Sprintf("topics[%d]", i)))
	}
	for i, n := range d.list(m.get("producers"), "producers") {
		s.System.Producers = append(s.System.Producers, d.producer(n, fmt.Sprintf("producers[%d]", i), s))
	}
	for i, n := range d.list(m.get("consumers"), "consumers") {
		s.System.Consumers = append(s.System.Consumers, d.consumer(n, fmt.Sprintf("consumers[%d]", i)))
	}
	d.topicRefs(doc.Content[0], s.System.Topics)
	d.nameRefs(doc.Content[0], s)
	d.sharedGroups(m.get("consumers"), s.System.Consumers)
	for i, n := range d.list(m.get("faults"), "faults") {
		if f := d.fault(n, fmt.Sprintf("faults[%d]", i)); f != nil {
			s.Faults.Faults = append(s.Faults.Faults, f)
		}
	}
	for _, n := range d.list(m.need("checks", "a list of checks to run, like [exactly-once-effects, no-loss]"), "checks") {
		name := d.oneOf(n, "checks", checks.Names()...)
		if slices.Contains(s.Checks, name) {
			d.errorf(n, "checks: %q is listed twice", name)
		}
		s.Checks = append(s.Checks, name)
		if name == "lag-within-slo" && !slices.ContainsFunc(s.System.Consumers, func(c model.ConsumerConfig) bool { return c.LagSLO > 0 }) {
			d.errorf(n, "checks: lag-within-slo needs a consumer with a lag SLO: set lag-slo on a consumer, like 250ms")
		}
	}
	em := d.mapping(m.get("expect"), "expect")
	for _, f := range em.fields {
		f.used = true
		if !slices.Contains(s.Checks, f.key.Value) {
			d.errorf(f.key, "expect: %q is not among the checks %v: add it to checks or remove it here", f.key.Value, s.Checks)
			continue
		}
		str, ok := d.scalar(f.val, "expect."+f.key.Value)
		if !ok {
			continue
		}
		v, err := checks.ParseVerdict(str)
		if err != nil {
			d.errorf(f.val, "expect.%s: %v", f.key.Value, err)
		}
		s.Expect[f.key.Value] = v
	}
	for _, n := range d.list(m.get("charts"), "charts") {
		s.Charts = append(s.Charts, d.oneOf(n, "charts", chartNames...))
	}
	d.eventSourcing(m, s) // event sourcing and CQRS
	d.totals(doc.Content[0], s)
	if n := m.get("swarm"); n != nil {
		s.Swarm = d.swarm(n, doc.Content[0])
	}
	m.done(topKeys...)
	if err := d.err(); err != nil {
		return nil, err
	}
	s.Normalize()
	if err := s.System.Validate(); err != nil {
		d.modelErrors(doc.Content[0], "invalid system", err)
		return nil, d.err()
	}
	d.faultTargets(doc.Content[0], s)
	if err := d.err(); err != nil {
		return nil, err
	}
	s.Warnings = Lint(s)
	return s, nil
}

// yamlError turns a YAML syntax error into an Error with the line the
// parser reports.
func yamlError(file string, err error) error {
	msg := err.Error()
	msg = strings.TrimPrefix(msg, "yaml: ")
	var line int
	if _, scanErr := fmt.Sscanf(msg, "line %d:", &line); scanErr == nil {
		_, rest, _ := strings.Cut(msg, ":")
		return &Error{File: file, Line: line, Col: 1, Msg: "malformed YAML:" + rest}
	}
	return &Error{File: file, Msg: "malformed YAML: " + msg}
}

func (d *decoder) topic(n *yaml.Node, what string) model.TopicConfig {
	m := d.mapping(n, what)
	t := model.TopicConfig{
		Name:       d.name(m.need("name", "the topic's name"), what+".name"),
		Partitions: 1,
	}
	if p := m.get("partitions"); p != nil {
		t.Partitions = int(d.integer(p, what+".partitions", 1))
	}
	if v := m.get("retention"); v != nil {
		t.Retention = d.duration(v, what+".retention", true)
	}
	if v := m.get("segment"); v != nil {
		t.Segment = d.duration(v, what+".segment", true)
	}
	if v := m.get("replication-factor"); v != nil {
		t.ReplicationFactor = int(d.integerIn(v, what+".replication-factor", 1, model.MaxReplicationFactor))
		if t.ReplicationFactor > 1 && t.Retention > 0 {
			d.errorf(v, "%s.replication-factor: retention is not modelled on a replicated topic yet: drop one of them", what)
		}
	}
	// The replication knobs need more than one replica.
	replicated := func(key string) *yaml.Node {
		v := m.get(key)
		if v != nil && t.ReplicationFactor < 2 {
			d.errorf(v, "%s.%s: needs replication-factor 2 or more", what, key)
			return nil
		}
		return v
	}
	if v := replicated("min-insync-replicas"); v != nil {
		t.MinInsyncReplicas = int(d.integerIn(v, what+".min-insync-replicas", 1, int64(t.ReplicationFactor)))
	}
	if v := replicated("unclean-leader-election"); v != nil {
		t.UncleanLeaderElection = d.truth(v, what+".unclean-leader-election")
	}
	if v := replicated("replica-lag-time-max"); v != nil {
		t.ReplicaLagTimeMax = d.duration(v, what+".replica-lag-time-max", true)
	}
	if v := replicated("broker-session-timeout"); v != nil {
		t.BrokerSessionTimeout = d.duration(v, what+".broker-session-timeout", true)
	}
	if v := replicated("flush"); v != nil {
		switch s, _ := d.scalar(v, what+".flush"); s {
		case "never":
		case "every-write":
			t.FlushInterval = model.FlushEveryWrite
		default:
			if _, err := time.ParseDuration(s); err != nil {
				d.errorf(v, "%s.flush: %q: want every-write, never or a duration (Kafka's flush.ms)", what, s)
				break
			}
			t.FlushInterval = d.duration(v, what+".flush", true)
		}
	}
	m.done(topicKeys...)
	return t
}

// topicKeys are the keys of a topic.
var topicKeys = []string{"name", "partitions", "retention", "segment", "replication-factor", "min-insync-replicas", "unclean-leader-election",
	"replica-lag-time-max", "broker-session-timeout", "flush"}

// ordersKeys are the keys of a producer's orders workload.
var ordersKeys = []string{"payment", "timeouts", "late"}

var producerKeys = []string{"name", "topic", "rate", "keys", "events", "partitioner", "partition", "acks",
	"request-loss", "ack-loss", "error-responses", "retries", "retry-backoff", "request-timeout", "max-in-flight", "idempotent", "poison", "poison-events",
	"count", "metadata-max-age", "hot-key",
	// sagas (P3)
	"orders"}

func (d *decoder) producer(n *yaml.Node, what string, s *Scenario) model.ProducerConfig {
	m := d.mapping(n, what)
	p := model.ProducerConfig{
		Name:     d.name(m.need("name", "the producer's name"), what+".name"),
		Topic:    d.name(m.need("topic", "the topic it publishes to"), what+".topic"),
		Interval: d.rate(m.need("rate", "events per second, like 100/s"), what+".rate"),
		Keys:     1,
	}
	if k := m.get("keys"); k != nil {
		p.Keys = int(d.integer(k, what+".keys", 1))
	}
	var events *yaml.Node
	if on := m.get("orders"); on != nil {
		p.Orders = d.orders(on, what+".orders")
		for _, k := range []string{"events", "keys"} {
			if m.get(k) != nil {
				d.errorf(m.key(k), "%s: %s goes without orders: the order workload publishes its own events, one new key per order", what, k)
			}
		}
	} else {
		events = m.need("events", "a list of event types with their amounts")
	}
	for i, en := range d.list(events, what+".events") {
		ew := fmt.Sprintf("%s.events[%d]", what, i)
		em := d.mapping(en, ew)
		tn := em.need("type", "a past-tense event name like Deposited")
		e := model.EventSpec{Type: d.name(tn, ew+".type")}
		if tn != nil && e.Type != "" {
			s.eventTypes = append(s.eventTypes, placed{e.Type, tn.Line, tn.Column})
		}
		e.AmountMin, e.AmountMax = 1, 1
		if a := em.get("amount"); a != nil {
			e.AmountMin, e.AmountMax = d.intRange(a, ew+".amount")
		}
		em.done("type", "amount")
		p.Events = append(p.Events, e)
	}
	if v := m.get("partitioner"); v != nil {
		p.Partitioner = model.Partitioner(d.oneOf(v, what+".partitioner",
			string(model.PartitionByKey), string(model.PartitionRoundRobin), string(model.PartitionExplicit)))
	}
	pn := m.get("partition")
	if pn != nil {
		p.Partition = int(d.integer(pn, what+".partition", 0))
	}
	if (pn != nil) != (p.Partitioner == model.PartitionExplicit) {
		d.errorf(m.node, "%s: partition goes with partitioner: explicit, and only with it", what)
	}
	if v := m.get("acks"); v != nil {
		p.Acks = model.Acks(d.oneOf(v, what+".acks", string(model.AcksNone), string(model.AcksLeader), string(model.AcksAll)))
	}
	if v := m.get("idempotent"); v != nil {
		p.Idempotent = d.truth(v, what+".idempotent")
		if p.Idempotent && (p.Acks == model.AcksNone || p.Acks == model.AcksLeader) {
			d.errorf(v, "%s.idempotent: the idempotent producer needs acks all, not %s", what, p.Acks)
		}
	}
	if v := m.get("error-responses"); v != nil {
		p.ErrorResponses = d.ratio(v, what+".error-responses")
	}
	if v := m.get("request-loss"); v != nil {
		p.RequestLoss = d.ratio(v, what+".request-loss")
	}
	if v := m.get("ack-loss"); v != nil {
		p.AckLoss = d.ratio(v, what+".ack-loss")
	}
	if v := m.get("retries"); v != nil {
		p.Retries = int(d.integer(v, what+".retries", 0))
	}
	if v := m.get("retry-backoff"); v != nil {
		p.RetryBackoff = d.duration(v, what+".retry-backoff", true)
	}
	if v := m.get("request-timeout"); v != nil {
		p.RequestTimeout = d.duration(v, what+".request-timeout", true)
	}
	if v := m.get("max-in-flight"); v != nil {
		p.MaxInFlight = int(d.integer(v, what+".max-in-flight", 1))
	}
	if v := m.get("metadata-max-age"); v != nil {
		p.MetadataMaxAge = d.duration(v, what+".metadata-max-age", true)
	}
	if v := m.get("idempotent"); v != nil && p.Idempotent {
		if p.Retries == 0 {
			d.errorf(v, "%s.idempotent: the idempotent producer needs retries above 0 (Kafka refuses enable.idempotence with retries=0): set retries", what)
		}
		if p.MaxInFlight > model.MaxInFlightIdempotent {
			d.errorf(v, "%s.idempotent: the idempotent producer allows at most %d requests in flight (max.in.flight.requests.per.connection), not max-in-flight %d", what, model.MaxInFlightIdempotent, p.MaxInFlight)
		}
	}
	if v := m.get("hot-key"); v != nil {
		p.HotKey = d.ratio(v, what+".hot-key")
		if p.Keys < 2 {
			d.errorf(v, "%s.hot-key: a hot key needs other keys: set keys to 2 or more", what)
		}
		if p.Orders != nil {
			d.errorf(v, "%s.hot-key: hot-key goes without orders: the order workload draws no keys", what)
		}
	}
	if v := m.get("poison"); v != nil {
		p.Poison = d.ratio(v, what+".poison")
	}
	for i, n := range d.list(m.get("poison-events"), what+".poison-events") {
		p.PoisonEvents = append(p.PoisonEvents, int(d.integer(n, fmt.Sprintf("%s.poison-events[%d]", what, i), 1)))
	}
	if v := m.get("count"); v != nil {
		p.Count = int(d.integer(v, what+".count", 1))
		if p.Orders != nil {
			d.errorf(v, "%s.count: count goes without orders: it counts the events of `events`", what)
		}
	}
	d.producerTxn(m, what, &p)
	m.done(append(producerKeys, producerTxnKeys...)...)
	return p
}

var consumerKeys = []string{"group", "service", "topic", "members", "handler", "style", "start", "dedup", "dedup-scope",
	"dedup-window", "commit", "commit-interval", "concurrency", "processing", "batch", "poll-interval", "max-poll-interval",
	"initial-rebalance-delay", "worker-thread", "assignor", "static-membership",
	"session-timeout", "heartbeat", "fencing", "offset-reset", "offsets-retention", "on-error", "max-attempts", "retry-backoff", "failures",
	"lag-slo",
	"ack-timeout", "max-deliveries",
	// sagas (P3)
	"saga-concurrency", "ordering"}

func (d *decoder) consumer(n *yaml.Node, what string) model.ConsumerConfig {
	m := d.mapping(n, what)
	c := model.ConsumerConfig{
		Group:   d.name(m.need("group", "the consumer group's name"), what+".group"),
		Topic:   d.name(m.need("topic", "the topic it consumes"), what+".topic"),
		Members: 1,
		Handler: DefaultHandler,
		Dedup:   model.DedupNone,
		Commit:  model.CommitAfterHandle,
	}
	str := func(key string, allowed ...string) (string, bool) {
		v := m.get(key)
		if v == nil {
			return "", false
		}
		return d.oneOf(v, what+"."+key, allowed...), true
	}
	dur := func(key string) (time.Duration, bool) {
		v := m.get(key)
		if v == nil {
			return 0, false
		}
		return d.duration(v, what+"."+key, true), true
	}
	num := func(key string, min int64) (int, bool) {
		v := m.get(key)
		if v == nil {
			return 0, false
		}
		return int(d.integer(v, what+"."+key, min)), true
	}
	if v := m.get("service"); v != nil {
		c.Service = d.name(v, what+".service")
	}
	if v, ok := num("members", 1); ok {
		c.Members = v
	}
	if v := m.get("handler"); v != nil {
		c.Handler = d.oneOf(v, what+".handler", handlerNames()...)
	}
	if v, ok := str("style", string(model.StyleLog), string(model.StyleQueue)); ok {
		c.Style = model.Style(v)
	}
	if v := m.get("start"); v != nil {
		c.Start = d.duration(v, what+".start", false)
	}
	if v, ok := str("dedup", string(model.DedupNone), string(model.DedupSameTx), string(model.DedupSeparateBefore),
		string(model.DedupSeparateAfter)); ok {
		c.Dedup = model.Dedup(v)
	}
	if v, ok := str("dedup-scope", string(model.ScopeShared), string(model.ScopeMember)); ok {
		c.DedupScope = model.DedupScope(v)
	}
	if v, ok := dur("dedup-window"); ok {
		c.DedupWindow = v
	}
	if v, ok := str("commit", string(model.CommitBeforeHandle), string(model.CommitAfterHandle), string(model.CommitInterval),
		string(model.CommitMaxCompleted), string(model.CommitContiguousPrefix)); ok {
		c.Commit = model.Commit(v)
	}
	if v, ok := dur("commit-interval"); ok {
		c.CommitInterval = v
	}
	if v, ok := num("concurrency", 1); ok {
		c.Concurrency = v
	}
	if v, ok := str("ordering", string(model.OrderUnordered), string(model.OrderKey)); ok {
		c.Ordering = model.Ordering(v)
	}
	if v := m.get("processing"); v != nil {
		c.ProcessingMin, c.ProcessingMax = d.durationRange(v, what+".processing")
	}
	if v, ok := num("batch", 1); ok {
		c.Batch = v
	}
	if v, ok := dur("poll-interval"); ok {
		c.PollInterval = v
	}
	if v, ok := dur("max-poll-interval"); ok {
		c.MaxPollInterval = v
	}
	if v := m.get("worker-thread"); v != nil {
		c.WorkerThread = d.truth(v, what+".worker-thread")
		if c.WorkerThread && c.Commit != model.CommitInterval {
			d.errorf(v, "%s.worker-thread: goes with commit: interval (auto-commit): it shows what auto-commit does when the poll loop runs on", what)
		}
	}
	if v := m.get("initial-rebalance-delay"); v != nil {
		c.InitialRebalanceDelay = d.duration(v, what+".initial-rebalance-delay", false)
	}
	if v, ok := str("assignor", string(model.AssignRange), string(model.AssignRoundRobin), string(model.AssignCooperativeSticky)); ok {
		c.Assignor = model.Assignor(v)
	}
	if v := m.get("static-membership"); v != nil {
		c.StaticMembership = d.truth(v, what+".static-membership")
		if c.StaticMembership && c.Style == model.StyleQueue {
			d.errorf(v, "%s.static-membership: a queue subscription has no group membership to keep", what)
		}
	}
	if v, ok := dur("session-timeout"); ok {
		c.SessionTimeout = v
	}
	if v, ok := dur("heartbeat"); ok {
		c.HeartbeatInterval = v
	}
	if v, ok := str("fencing", string(model.FenceNone), string(model.FenceOffsets), string(model.FenceWrites)); ok {
		c.Fencing = model.Fencing(v)
	}
	if v, ok := str("offset-reset", string(model.ResetEarliest), string(model.ResetLatest)); ok {
		c.OffsetReset = model.OffsetReset(v)
	}
	if v, ok := dur("offsets-retention"); ok {
		c.OffsetsRetention = v
	}
	if v, ok := str("on-error", string(model.RetryForever), string(model.Skip), string(model.DeadLetter)); ok {
		c.OnError = model.OnError(v)
	}
	if v, ok := num("max-attempts", 1); ok {
		c.MaxAttempts = v
	}
	if v, ok := dur("retry-backoff"); ok {
		c.RetryBackoff = v
	}
	if v, ok := dur("lag-slo"); ok {
		c.LagSLO = v
	}
	if v := m.get("failures"); v != nil {
		c.Failures = d.ratio(v, what+".failures")
	}
	if v, ok := dur("ack-timeout"); ok {
		c.AckTimeout = v
	}
	if v, ok := num("max-deliveries", 1); ok {
		c.MaxDeliveries = v
	}
	if v, ok := str("saga-concurrency", string(model.SagaNone), string(model.SagaOptimistic)); ok {
		c.Saga = model.SagaConcurrency(v)
		if c.Handler != "order-saga" {
			d.errorf(m.key("saga-concurrency"), "%s: saga-concurrency goes with handler: order-saga", what)
		}
	}
	d.consumerTxn(m, what, &c)
	m.done(append(consumerKeys, consumerTxnKeys...)...)
	// Rules across keys, reported where the file breaks them.
	hb, st := c.HeartbeatInterval, c.SessionTimeout
	if hb == 0 {
		hb = model.DefaultHeartbeatInterval
	}
	if st == 0 {
		st = model.DefaultSessionTimeout
	}
	if hb >= st {
		d.errorf(m.key("heartbeat", "session-timeout"), "%s: heartbeat %v must be shorter than the session timeout %v", what, hb, st)
	}
	if c.Dedup == model.DedupSameTx && c.DedupScope == model.ScopeMember {
		d.errorf(m.key("dedup-scope"), "%s: dedup same-tx lives in the database: it cannot have dedup-scope member", what)
	}
	if c.Assignor == model.AssignCooperativeSticky && (c.Output != "" || c.Fencing == model.FenceWrites || c.Style == model.StyleQueue) {
		d.errorf(m.key("assignor"), "%s: assignor cooperative-sticky goes with a log subscription, without output or fencing: writes", what)
	}
	switch c.Commit {
	case model.CommitInterval, model.CommitMaxCompleted, model.CommitContiguousPrefix:
		if c.Style == model.StyleQueue {
			d.errorf(m.key("commit"), "%s: a queue subscription acknowledges each message: commit before-handle or after-handle, not %s", what, c.Commit)
		}
	}
	return c
}

// orders reads a producer's order workload (sagas, P3).
func (d *decoder) orders(n *yaml.Node, what string) *model.OrderFlow {
	m := d.mapping(n, what)
	o := &model.OrderFlow{}
	if v := m.get("payment"); v != nil {
		o.PaymentMin, o.PaymentMax = d.durationRange(v, what+".payment")
	}
	if v := m.get("timeouts"); v != nil {
		o.Timeouts = d.ratio(v, what+".timeouts")
	}
	if v := m.get("late"); v != nil {
		o.LateMin, o.LateMax = d.durationRange(v, what+".late")
	}
	m.done(ordersKeys...)
	return o
}

// key returns the first of keys present in m, for an error about it, or
// the mapping itself.
func (m *mapping) key(keys ...string) *yaml.Node {
	for _, k := range keys {
		for _, f := range m.fields {
			if f.key.Value == k {
				return f.key
			}
		}
	}
	return m.node
}

// sharedGroups reports, at the later entry's group key, consumer entries
// that share a group but disagree on its topic or group-level knobs.
func (d *decoder) sharedGroups(list *yaml.Node, cs []model.ConsumerConfig) {
	if list == nil || list.Kind != yaml.SequenceNode || len(list.Content) != len(cs) {
		return
	}
	first := map[string]int{}
	for i, c := range cs {
		j, ok := first[c.Group]
		if !ok {
			first[c.Group] = i
			continue
		}
		f := cs[j]
		if f.Topic != c.Topic || f.Style != c.Style || f.Assignor != c.Assignor || f.SessionTimeout != c.SessionTimeout ||
			f.HeartbeatInterval != c.HeartbeatInterval || f.Fencing != c.Fencing || f.OffsetReset != c.OffsetReset || f.OffsetsRetention != c.OffsetsRetention ||
			f.AckTimeout != c.AckTimeout || f.MaxDeliveries != c.MaxDeliveries || f.InitialRebalanceDelay != c.InitialRebalanceDelay {
			n := list.Content[i]
			for k := 0; k+1 < len(n.Content); k += 2 {
				if n.Content[k].Value == "group" {
					n = n.Content[k]
					break
				}
			}
			d.errorf(n, "consumers[%d]: it shares group %q with consumers[%d] but not its topic, style, assignor, session-timeout, heartbeat, fencing, offset-reset, offsets-retention, ack-timeout, max-deliveries or initial-rebalance-delay: a group has one of each", i, c.Group, j)
		}
	}
}

func handlerNames() []string {
	var names []string
	for n := range model.Handlers {
		names = append(names, n)
	}
	slices.Sort(names)
	return names
}

// fault reads one fault; its kind is the key that names its target:
// crash, pause, churn, add-partitions (a topic), or, for the network,
// partition or link.
func (d *decoder) fault(n *yaml.Node, what string) faults.Fault {
	m := d.mapping(n, what)
	if m.node == nil || m.node.Kind != yaml.MappingNode {
		return nil
	}
	kinds := 0
	for _, k := range []string{"crash", "pause", "churn", "partition", "link", "add-partitions"} {
		for _, f := range m.fields {
			if f.key.Value == k {
				kinds++
			}
		}
	}
	if kinds != 1 {
		d.errorf(m.node, "%s: want exactly one of crash, pause, churn, partition, link or add-partitions, naming what to break", what)
		return nil
	}
	switch {
	case m.get("partition") != nil:
		return d.partition(m, what)
	case m.get("link") != nil:
		return d.link(m, what)
	case m.get("pause") != nil:
		p := faults.Pause{
			Target: d.name(m.get("pause"), what+".pause"),
			For:    d.duration(m.need("for", "how long the member stalls, like 15s"), what+".for", true),
		}
		at, prob := m.get("at"), m.get("probability")
		if (at == nil) == (prob == nil) {
			d.errorf(m.node, "%s: give either at (a time) or probability (per record), not both or neither", what)
		}
		if at != nil {
			p.At = d.duration(at, what+".at", true)
		}
		if prob != nil {
			p.Probability = d.ratio(prob, what+".probability")
		}
		m.done("pause", "at", "probability", "for")
		return p
	case m.get("add-partitions") != nil:
		a := faults.AddPartitions{
			Topic: d.name(m.get("add-partitions"), what+".add-partitions"),
			At:    d.duration(m.need("at", "when the operator adds the partitions, like 2s"), what+".at", true),
			To:    int(d.integerIn(m.need("to", "the topic's new partition count"), what+".to", 2, maxNodes)),
		}
		if v := m.get("drain-first"); v != nil {
			a.DrainFirst = d.truth(v, what+".drain-first")
		}
		m.done("add-partitions", "at", "to", "drain-first")
		return a
	case m.get("churn") != nil:
		c := faults.Churn{
			Target: d.name(m.get("churn"), what+".churn"),
			Every:  d.duration(m.need("every", "how often a member bounces, like 2s"), what+".every", true),
			Down:   d.duration(m.need("down", "how long a bounced member stays away, like 1s"), what+".down", true),
			Mode:   faults.ChurnCrash,
		}
		if v := m.get("mode"); v != nil {
			c.Mode = faults.ChurnMode(d.oneOf(v, what+".mode", string(faults.ChurnCrash), string(faults.ChurnLeave)))
		}
		m.done("churn", "every", "down", "mode")
		return c
	}
	target := d.name(m.get("crash"), what+".crash")
	restart := time.Duration(-1)
	if v := m.get("restart-after"); v != nil {
		if s, _ := d.scalar(v, what+".restart-after"); s != "never" {
			restart = d.duration(v, what+".restart-after", false)
		}
	}
	hit, prob := m.get("at-hit"), m.get("probability")
	var powerLoss bool
	if v := m.get("power-loss"); v != nil {
		powerLoss = d.truth(v, what+".power-loss")
	}
	at, pointNode := m.get("at"), m.get("point")
	m.done("crash", "point", "probability", "at-hit", "at", "restart-after", "power-loss")
	if at != nil {
		if hit != nil || prob != nil || pointNode != nil {
			d.errorf(m.node, "%s: a crash at a set time (at) takes no point, probability or at-hit", what)
			return nil
		}
		return faults.CrashAt{Target: target, At: d.duration(at, what+".at", true), RestartAfter: restart, PowerLoss: powerLoss}
	}
	if pointNode == nil {
		d.errorf(m.node, "%s: missing key \"point\" (where to crash), or give at (a set time)", what)
		return nil
	}
	points := make([]string, len(model.CrashPoints))
	for i, p := range model.CrashPoints {
		points[i] = string(p)
	}
	point := model.CrashPoint(d.oneOf(pointNode, what+".point", points...))
	if (hit == nil) == (prob == nil) {
		d.errorf(m.node, "%s: give either probability (a chance at every pass, like 1/20) or at-hit (crash at the n-th pass), not both or neither", what)
		return nil
	}
	if hit != nil {
		return faults.CrashNth{Target: target, Point: point, Nth: int(d.integer(hit, what+".at-hit", 1)), RestartAfter: restart,
			PowerLoss: powerLoss}
	}
	return faults.Crash{Target: target, Point: point, Probability: d.ratio(prob, what+".probability"), RestartAfter: restart,
		PowerLoss: powerLoss}
}
