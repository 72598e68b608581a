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

	"evsim/checks"
	"evsim/faults"
	"evsim/model"
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
	// ES is the event-sourced part of the system (event sourcing and CQRS, issue 4).
	ES model.ESConfig
	// Source is the file's text.
	Source []byte
}

// Charts a scenario can ask for.
var chartNames = []string{"lag", "staleness" /* event sourcing and CQRS (issue 4) */}

var topKeys = []string{"name", "title", "teaches", "seed", "duration", "drain", "latency", "topics", "producers",
	"consumers", "faults", "checks", "expect", "charts",
	// event sourcing and CQRS (issue 4)
	"event-store", "aggregate", "clients", "projections", "queries", "outbox"}

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
	}
	if doc.Kind == 0 || len(doc.Content) == 0 {
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
	s.Faults.Until = s.Duration
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
		p := d.producer(n, fmt.Sprintf("producers[%d]", i))
		p.Stop = s.Duration
		s.System.Producers = append(s.System.Producers, p)
	}
	for i, n := range d.list(m.get("consumers"), "consumers") {
		s.System.Consumers = append(s.System.Consumers, d.consumer(n, fmt.Sprintf("consumers[%d]", i)))
	}
	d.topicRefs(doc.Content[0], s.System.Topics)
	d.nameRefs(doc.Content[0], s)
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
	}
	em := d.mapping(m.get("expect"), "expect")
	for _, f := range em.fields {
		f.used = true
		if !slices.Contains(s.Checks, f.key.Value) {
			d.errorf(f.key, "expect: %q is not among the checks %v: add it to checks or remove it here", f.key.Value, s.Checks)
			continue
		}
		v, err := checks.ParseVerdict(d.str(f.val, "expect."+f.key.Value))
		if err != nil {
			d.errorf(f.val, "expect.%s: %v", f.key.Value, err)
		}
		s.Expect[f.key.Value] = v
	}
	for _, n := range d.list(m.get("charts"), "charts") {
		s.Charts = append(s.Charts, d.oneOf(n, "charts", chartNames...))
	}
	d.eventSourcing(m, s) // event sourcing and CQRS (issue 4)
	m.done(topKeys...)
	if err := d.err(); err != nil {
		return nil, err
	}
	if err := s.System.Validate(); err != nil {
		return nil, &Error{File: file, Msg: fmt.Sprintf("invalid system: %v", strings.ReplaceAll(err.Error(), "\n", "; "))}
	}
	d.faultTargets(doc.Content[0], s)
	if err := d.err(); err != nil {
		return nil, err
	}
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
	m.done("name", "partitions")
	return t
}

func (d *decoder) producer(n *yaml.Node, what string) model.ProducerConfig {
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
	for i, en := range d.list(m.need("events", "a list of event types with their amounts"), what+".events") {
		ew := fmt.Sprintf("%s.events[%d]", what, i)
		em := d.mapping(en, ew)
		e := model.EventSpec{Type: d.name(em.need("type", "a past-tense event name like Deposited"), ew+".type")}
		e.AmountMin, e.AmountMax = 1, 1
		if a := em.get("amount"); a != nil {
			e.AmountMin, e.AmountMax = d.intRange(a, ew+".amount")
		}
		em.done("type", "amount")
		p.Events = append(p.Events, e)
	}
	m.done("name", "topic", "rate", "keys", "events")
	return p
}

func (d *decoder) consumer(n *yaml.Node, what string) model.ConsumerConfig {
	m := d.mapping(n, what)
	c := model.ConsumerConfig{
		Group:   d.name(m.need("group", "the consumer group's name"), what+".group"),
		Topic:   d.name(m.need("topic", "the topic it consumes"), what+".topic"),
		Members: 1,
		Handler: "balance",
		Dedup:   model.DedupNone,
		Commit:  model.CommitAfterHandle,
	}
	if v := m.get("members"); v != nil {
		c.Members = int(d.integer(v, what+".members", 1))
	}
	if v := m.get("handler"); v != nil {
		c.Handler = d.oneOf(v, what+".handler", handlerNames()...)
	}
	if v := m.get("dedup"); v != nil {
		c.Dedup = model.Dedup(d.oneOf(v, what+".dedup", string(model.DedupNone), string(model.DedupSameTx)))
	}
	if v := m.get("commit"); v != nil {
		c.Commit = model.Commit(d.oneOf(v, what+".commit", string(model.CommitBeforeHandle), string(model.CommitAfterHandle)))
	}
	if v := m.get("processing"); v != nil {
		c.ProcessingMin, c.ProcessingMax = d.durationRange(v, what+".processing")
	}
	if v := m.get("batch"); v != nil {
		c.Batch = int(d.integer(v, what+".batch", 1))
	}
	if v := m.get("poll-interval"); v != nil {
		c.PollInterval = d.duration(v, what+".poll-interval", true)
	}
	m.done("group", "topic", "members", "handler", "dedup", "commit", "processing", "batch", "poll-interval")
	return c
}

func handlerNames() []string {
	var names []string
	for n := range model.Handlers {
		names = append(names, n)
	}
	slices.Sort(names)
	return names
}

func (d *decoder) fault(n *yaml.Node, what string) faults.Fault {
	m := d.mapping(n, what)
	if m.node == nil || m.node.Kind != yaml.MappingNode {
		return nil
	}
	c := faults.Crash{
		Target:       d.name(m.need("crash", "the consumer group or node to crash"), what+".crash"),
		Point:        d.oneOf(m.need("point", "where to crash"), what+".point", model.CrashPoints...),
		Probability:  d.ratio(m.need("probability", "a fraction like 1/20"), what+".probability"),
		RestartAfter: -1,
	}
	if v := m.get("restart-after"); v != nil {
		if s, _ := d.scalar(v, what+".restart-after"); s == "never" {
			c.RestartAfter = -1
		} else {
			c.RestartAfter = d.duration(v, what+".restart-after", false)
		}
	}
	m.done("crash", "point", "probability", "restart-after")
	return c
}
