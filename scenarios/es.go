package scenarios

import (
	"fmt"
	"slices"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/evsim/evsim/model"
)

// The keys each event-sourcing mapping accepts.
var (
	storeKeys      = []string{"position", "commit-delay", "rollback", "lost-answer"}
	aggregateKeys  = []string{"type", "snapshot-every", "snapshot-stamp", "logic-change-at"}
	outboxKeys     = []string{"mode", "topic", "relays", "lease", "poll-interval", "batch"}
	projectionKeys = []string{"name", "source", "topic", "batch", "poll-interval", "processing", "checkpoint", "inline", "idempotent",
		"gap-policy", "gap-timeout", "effects", "start-at", "rebuild", "staleness-slo", "isolation", "projection", "upcast", "handles"}
	clientKeys = []string{"name", "sessions", "keys", "prefix", "rate", "commands", "script", "concurrency", "validate", "projection",
		"retries", "retry-ids", "timeout", "read-after-write", "token", "no-checkpoint", "start-at"}
	queryKeys = []string{"name", "sessions", "keys", "prefix", "rate", "consistency", "projection", "lookback", "as-of-by"}
)

// eventSourcing reads the event sourcing and CQRS sections of a scenario
// (see FORMAT.md) into s.ES.
func (d *decoder) eventSourcing(m *mapping, s *Scenario) {
	es := &s.ES
	es.Store = model.StoreConfig{Position: model.PositionAtCommit}
	es.Aggregate = "account"
	if n := m.get("event-store"); n != nil {
		sm := d.mapping(n, "event-store")
		if v := sm.get("position"); v != nil {
			es.Store.Position = model.Positioning(d.oneOf(v, "event-store.position", string(model.PositionAtCommit), string(model.PositionReserved)))
		}
		if v := sm.get("commit-delay"); v != nil {
			es.Store.CommitDelayMin, es.Store.CommitDelayMax = d.durationRange(v, "event-store.commit-delay")
		}
		if v := sm.get("rollback"); v != nil {
			es.Store.Rollback = d.ratio(v, "event-store.rollback")
		}
		if v := sm.get("lost-answer"); v != nil {
			es.Store.LostAnswer = d.ratio(v, "event-store.lost-answer")
		}
		sm.done(storeKeys...)
	}
	if n := m.get("aggregate"); n != nil {
		am := d.mapping(n, "aggregate")
		if v := am.get("type"); v != nil {
			es.Aggregate = d.oneOf(v, "aggregate.type", model.AggregateNames()...)
		}
		if v := am.get("snapshot-every"); v != nil {
			es.SnapshotEvery = int(d.integer(v, "aggregate.snapshot-every", 1))
		}
		if v := am.get("snapshot-stamp"); v != nil {
			es.SnapshotStamp = d.boolean(v, "aggregate.snapshot-stamp")
		}
		if v := am.get("logic-change-at"); v != nil {
			es.LogicChangeAt = d.duration(v, "aggregate.logic-change-at", true)
		}
		am.done(aggregateKeys...)
	}
	for i, n := range d.list(m.get("projections"), "projections") {
		es.Projectors = append(es.Projectors, d.projection(n, fmt.Sprintf("projections[%d]", i), s))
	}
	for i, n := range d.list(m.get("clients"), "clients") {
		c := d.client(n, fmt.Sprintf("clients[%d]", i))
		es.Clients = append(es.Clients, c)
		if c.ReadAfterWrite != model.ReadYourWrites {
			continue
		}
		for _, p := range es.Projectors {
			if p.Name == c.Projection && p.Source == model.SourceTopic {
				d.errorf(child(n, "read-after-write"), "clients[%d].read-after-write: read-your-writes waits for the write's global position in the event store, "+
					"but projection %q reads topic %q and checkpoints offsets per partition: read eventual, or project the event store", i, p.Name, p.Topic)
			}
		}
	}
	for i, n := range d.list(m.get("queries"), "queries") {
		es.Queries = append(es.Queries, d.queryClient(n, fmt.Sprintf("queries[%d]", i)))
	}
	if n := m.get("outbox"); n != nil {
		om := d.mapping(n, "outbox")
		es.Outbox.Mode = model.OutboxMode(d.oneOf(om.need("mode", "direct-after, direct-before or outbox"), "outbox.mode",
			string(model.PublishAfterCommit), string(model.PublishBeforeCommit), string(model.PublishOutbox)))
		es.Outbox.Topic = d.name(om.need("topic", "the topic events are published to"), "outbox.topic")
		if v := om.get("relays"); v != nil {
			es.Outbox.Relays = int(d.integer(v, "outbox.relays", 1))
		}
		if v := om.get("lease"); v != nil {
			es.Outbox.Lease = d.duration(v, "outbox.lease", true)
		}
		if v := om.get("poll-interval"); v != nil {
			es.Outbox.PollInterval = d.duration(v, "outbox.poll-interval", true)
		}
		if v := om.get("batch"); v != nil {
			es.Outbox.Batch = int(d.integer(v, "outbox.batch", 1))
		}
		om.done(outboxKeys...)
	}
	if slices.Contains(s.Checks, "staleness-within-slo") && !slices.ContainsFunc(es.Projectors, func(p model.ProjectorConfig) bool { return p.StalenessSLO > 0 }) {
		for _, n := range d.list(m.get("checks"), "checks") {
			if n.Value == "staleness-within-slo" {
				d.errorf(n, "checks: staleness-within-slo needs a read model with a staleness SLO: set staleness-slo on a projection, like 200ms")
			}
		}
	}
	d.projectionRefs(m.node)
	if len(d.errs) == 0 {
		if err := es.Validate(); err != nil {
			d.modelErrors(m.node, "invalid event-sourced system", err)
		}
	}
}

func (d *decoder) boolean(n *yaml.Node, what string) bool {
	return d.oneOf(n, what, "true", "false") == "true"
}

func (d *decoder) projection(n *yaml.Node, what string, s *Scenario) model.ProjectorConfig {
	topics := s.System.Topics
	m := d.mapping(n, what)
	p := model.ProjectorConfig{
		Name:       d.name(m.need("name", "the read model's name"), what+".name"),
		Source:     model.SourceStore,
		Checkpoint: model.CheckpointSameTx,
		Gap:        model.GapSkipNoWriter,
	}
	if v := m.get("source"); v != nil {
		p.Source = model.Source(d.oneOf(v, what+".source", string(model.SourceStore), string(model.SourceTopic)))
	}
	if p.Source == model.SourceTopic {
		v := m.need("topic", "the topic the projection reads")
		p.Topic = d.name(v, what+".topic")
		if v != nil && p.Topic != "" && !slices.ContainsFunc(topics, func(t model.TopicConfig) bool { return t.Name == p.Topic }) {
			defined := "none is"
			if len(topics) > 0 {
				var names []string
				for _, t := range topics {
					names = append(names, t.Name)
				}
				defined = strings.Join(names, ", ")
			}
			d.errorf(v, "%s.topic: unknown topic %q: define it under topics (defined: %s)", what, p.Topic, defined)
		}
		if v := m.get("isolation"); v != nil {
			p.Isolation = model.Isolation(d.oneOf(v, what+".isolation", string(model.ReadUncommitted), string(model.ReadCommitted)))
		}
		for _, k := range []string{"gap-policy", "gap-timeout", "rebuild"} {
			if v := m.get(k); v != nil {
				d.errorf(v, "%s.%s: only for a projection of the event store: a topic's offsets have no gaps, and a rebuild replays the event store", what, k)
			}
		}
	} else {
		for _, k := range []string{"topic", "isolation"} {
			if v := m.get(k); v != nil {
				d.errorf(v, "%s.%s: the projection reads the event store: set source: topic to read a topic", what, k)
			}
		}
	}
	if v := m.get("batch"); v != nil {
		p.Batch = int(d.integer(v, what+".batch", 1))
	}
	if v := m.get("poll-interval"); v != nil {
		p.PollInterval = d.duration(v, what+".poll-interval", true)
	}
	if v := m.get("processing"); v != nil {
		p.ProcessingMin, p.ProcessingMax = d.durationRange(v, what+".processing")
	}
	if v := m.get("checkpoint"); v != nil {
		p.Checkpoint = model.Checkpointing(d.oneOf(v, what+".checkpoint", string(model.CheckpointSameTx), string(model.CheckpointSeparateTx)))
	}
	if v := m.get("inline"); v != nil {
		p.Inline = d.truth(v, what+".inline")
	}
	if v := m.get("idempotent"); v != nil {
		p.Idempotent = d.truth(v, what+".idempotent")
	}
	if v := m.get("gap-policy"); v != nil {
		p.Gap = model.GapPolicy(d.oneOf(v, what+".gap-policy", string(model.GapWait), string(model.GapSkipAfter), string(model.GapSkipNoWriter)))
	}
	if v := m.get("gap-timeout"); v != nil {
		p.GapTimeout = d.duration(v, what+".gap-timeout", false)
	}
	if v := m.get("effects"); v != nil {
		p.Effects = d.name(v, what+".effects")
	}
	if v := m.get("start-at"); v != nil {
		p.StartAt = d.duration(v, what+".start-at", false)
	}
	if v := m.get("rebuild"); v != nil {
		rm := d.mapping(v, what+".rebuild")
		p.RebuildAt = d.duration(rm.need("at", "when the rebuild starts, like 5s"), what+".rebuild.at", true)
		p.Rebuild = model.RebuildMode(d.oneOf(rm.need("mode", "in-place, stop-then-rebuild or blue-green"), what+".rebuild.mode",
			string(model.RebuildInPlace), string(model.RebuildStopFirst), string(model.RebuildBlueGreen)))
		rm.done("at", "mode")
	}
	if v := m.get("staleness-slo"); v != nil {
		p.StalenessSLO = d.duration(v, what+".staleness-slo", true)
	}
	d.schema(m, what, &p)
	d.handles(m, what, s.ES.Aggregate, &p, s)
	m.done(projectionKeys...)
	return p
}

func (d *decoder) client(n *yaml.Node, what string) model.ClientConfig {
	m := d.mapping(n, what)
	c := model.ClientConfig{
		Name:           d.name(m.need("name", "the client's name"), what+".name"),
		Sessions:       1,
		Keys:           1,
		Concurrency:    model.ConcurrencyExact,
		Validate:       model.ValidateWriteModel,
		Retries:        3,
		RetryIDs:       model.RetrySameIDs,
		ReadAfterWrite: model.ReadNone,
		Token:          model.TokenPosition,
		NoCheckpoint:   model.NoCheckpointWait,
	}
	if v := m.get("sessions"); v != nil {
		c.Sessions = int(d.integer(v, what+".sessions", 1))
	}
	if v := m.get("keys"); v != nil {
		c.Keys = int(d.integer(v, what+".keys", 1))
	}
	if v := m.get("prefix"); v != nil {
		c.Prefix = d.name(v, what+".prefix")
	}
	if v := m.get("rate"); v != nil {
		c.Interval = d.rate(v, what+".rate")
	}
	for i, cn := range d.list(m.get("commands"), what+".commands") {
		cw := fmt.Sprintf("%s.commands[%d]", what, i)
		cm := d.mapping(cn, cw)
		spec := model.CommandSpec{Type: d.name(cm.need("type", "an imperative command name like Deposit"), cw+".type"), Weight: 1}
		if a := cm.get("amount"); a != nil {
			spec.AmountMin, spec.AmountMax = d.intRange(a, cw+".amount")
		}
		if wn := cm.get("weight"); wn != nil {
			spec.Weight = int(d.integer(wn, cw+".weight", 1))
		}
		cm.done("type", "amount", "weight")
		c.Commands = append(c.Commands, spec)
	}
	for i, sn := range d.list(m.get("script"), what+".script") {
		sw := fmt.Sprintf("%s.script[%d]", what, i)
		sm := d.mapping(sn, sw)
		st := model.ScriptStep{
			Type: d.name(sm.need("type", "a command like Open"), sw+".type"),
			Key:  d.name(sm.need("key", "the aggregate, like acct-1"), sw+".key"),
		}
		if a := sm.get("amount"); a != nil {
			st.Amount = d.integer(a, sw+".amount", 0)
		}
		sm.done("type", "key", "amount")
		c.Script = append(c.Script, st)
	}
	if v := m.get("concurrency"); v != nil {
		c.Concurrency = model.Concurrency(d.oneOf(v, what+".concurrency", string(model.ConcurrencyAny), string(model.ConcurrencyExact)))
	}
	if v := m.get("validate"); v != nil {
		c.Validate = model.Validation(d.oneOf(v, what+".validate", string(model.ValidateWriteModel), string(model.ValidateReadModel)))
	}
	if v := m.get("projection"); v != nil {
		c.Projection = d.name(v, what+".projection")
	}
	if v := m.get("retries"); v != nil {
		c.Retries = int(d.integer(v, what+".retries", 0))
	}
	if v := m.get("retry-ids"); v != nil {
		c.RetryIDs = model.RetryIDs(d.oneOf(v, what+".retry-ids", string(model.RetrySameIDs), string(model.RetryNewIDs)))
	}
	if v := m.get("timeout"); v != nil {
		c.Timeout = d.duration(v, what+".timeout", true)
	}
	if v := m.get("read-after-write"); v != nil {
		c.ReadAfterWrite = model.Consistency(d.oneOf(v, what+".read-after-write", string(model.ReadNone),
			string(model.ReadEventual), string(model.ReadYourWrites), string(model.ReadStrong)))
	}
	if v := m.get("token"); v != nil {
		c.Token = model.TokenSource(d.oneOf(v, what+".token", string(model.TokenPosition), string(model.TokenVersion)))
	}
	if v := m.get("no-checkpoint"); v != nil {
		c.NoCheckpoint = model.NoCheckpoint(d.oneOf(v, what+".no-checkpoint", string(model.NoCheckpointWait), string(model.NoCheckpointCaughtUp)))
	}
	if v := m.get("start-at"); v != nil {
		c.Start = d.duration(v, what+".start-at", false)
	}
	m.done(clientKeys...)
	return c
}

func (d *decoder) queryClient(n *yaml.Node, what string) model.QueryConfig {
	m := d.mapping(n, what)
	q := model.QueryConfig{
		Name:        d.name(m.need("name", "the query client's name"), what+".name"),
		Sessions:    1,
		Keys:        1,
		Interval:    d.rate(m.need("rate", "queries per second per session, like 20/s"), what+".rate"),
		Consistency: model.ReadEventual,
	}
	if v := m.get("sessions"); v != nil {
		q.Sessions = int(d.integer(v, what+".sessions", 1))
	}
	if v := m.get("keys"); v != nil {
		q.Keys = int(d.integer(v, what+".keys", 1))
	}
	if v := m.get("prefix"); v != nil {
		q.Prefix = d.name(v, what+".prefix")
	}
	if v := m.get("consistency"); v != nil {
		q.Consistency = model.Consistency(d.oneOf(v, what+".consistency", string(model.ReadEventual), string(model.ReadStrong), string(model.ReadAsOf)))
	}
	if q.Consistency == model.ReadAsOf {
		q.AsOf.By = model.AsOfCommit
		q.AsOf.LookbackMin, q.AsOf.LookbackMax = d.durationRange(m.need("lookback", "how far back an as-of query asks, like 1ms..50ms"), what+".lookback")
		if v := m.get("as-of-by"); v != nil {
			q.AsOf.By = model.AsOfBy(d.oneOf(v, what+".as-of-by", string(model.AsOfCommit), string(model.AsOfClientStamp)))
		}
	}
	if v := m.get("projection"); v != nil {
		q.Projection = d.name(v, what+".projection")
	}
	m.done(queryKeys...)
	return q
}
