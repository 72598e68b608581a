package model

import (
	"cmp"
	"errors"
	"fmt"
	"reflect"
	"slices"
	"time"
	"unicode/utf8"

	"github.com/evsim/evsim/model/domain"
	"github.com/evsim/evsim/sim"
)

// ESConfig describes the event-sourced parts of a system: the event store,
// the aggregate, command clients, projectors with their read models, query
// clients and the outbox. The zero value has no event-sourced parts.
type ESConfig struct {
	Store StoreConfig
	// Aggregate names a registered aggregate: a built-in ("account",
	// "cart") or one registered with [domain.Register], which the checks
	// then find by the same name. With Custom set it is only the name the
	// history records ("" records "custom"), and must not be the name of
	// an aggregate of another type: checks that need the aggregate's
	// rules judge its histories only once it is registered under that
	// name.
	Aggregate string
	// Custom, if set, builds the aggregate logic (for Go users).
	Custom AggregateFactory
	// SnapshotEvery saves a snapshot after every N events of a stream (0:
	// never).
	SnapshotEvery int
	// SnapshotStamp stamps snapshots with the apply logic that wrote them;
	// a load ignores snapshots of another logic and replays instead.
	SnapshotStamp bool
	// LogicChangeAt switches the aggregate's apply logic from 1 to 2 at
	// that simulated time (0: never).
	LogicChangeAt time.Duration
	Clients       []ClientConfig
	Projectors    []ProjectorConfig
	Queries       []QueryConfig
	Outbox        OutboxConfig
	_             struct{}
}

// Enabled reports whether c has any event-sourced part.
func (c *ESConfig) Enabled() bool {
	return len(c.Clients) > 0 || len(c.Projectors) > 0 || len(c.Queries) > 0
}

// Positioning is when the store gives an event its global position.
type Positioning string

// Positionings.
const (
	// PositionAtCommit assigns positions at commit, in commit order (as
	// EventStoreDB does): the global log has no gaps.
	PositionAtCommit Positioning = "at-commit"
	// PositionReserved reserves positions before the commit (a database
	// sequence, as in Marten): a later position can commit first, and a
	// rolled-back one leaves a gap forever.
	PositionReserved Positioning = "reserved"
)

// StoreConfig is the event store.
type StoreConfig struct {
	Position Positioning
	// CommitDelayMin and CommitDelayMax bound the time an append holds its
	// transaction open before it commits.
	CommitDelayMin, CommitDelayMax time.Duration
	// Rollback is the probability that an append's transaction rolls back.
	Rollback sim.Ratio
	// LostAnswer is the probability that the answer to an append is lost:
	// the client cannot tell whether it committed.
	LostAnswer sim.Ratio
	// LoseAnswers lists answers to appends that are lost whatever
	// LostAnswer draws, by their order among all answers the store sends
	// (from 1): an exact schedule, which property tests draw and shrink.
	LoseAnswers []int
}

// Concurrency is the expected version a client sends with an append.
type Concurrency string

// Concurrency modes.
const (
	// ConcurrencyAny appends whatever the stream's version.
	ConcurrencyAny Concurrency = "any"
	// ConcurrencyExact appends only if the stream is still at the version
	// the command decided on (no-stream for a new one).
	ConcurrencyExact Concurrency = "exact"
)

// Validation is what a command client decides against.
type Validation string

// Validation sources.
const (
	// ValidateWriteModel loads the aggregate from its stream.
	ValidateWriteModel Validation = "write-model"
	// ValidateReadModel reads a (possibly stale) read model row.
	ValidateReadModel Validation = "read-model"
)

// RetryIDs is how a command client retries an append with an unknown
// outcome.
type RetryIDs string

// Retry id modes.
const (
	// RetrySameIDs resends the same events with the same ids: the store's
	// idempotent append keeps the first.
	RetrySameIDs RetryIDs = "same"
	// RetryNewIDs decides again and appends events with new ids.
	RetryNewIDs RetryIDs = "new"
)

// Consistency is how a query reads.
type Consistency string

// Query consistencies.
const (
	// ReadEventual reads the read model as it is.
	ReadEventual Consistency = "eventual"
	// ReadYourWrites waits until the read model has passed the token of the
	// session's last write.
	ReadYourWrites Consistency = "read-your-writes"
	// ReadStrong reads the write side: the stream, folded.
	ReadStrong Consistency = "strong"
	// ReadNone issues no query.
	ReadNone Consistency = "none"
)

// TokenSource is what a session hands to a read-your-writes wait.
type TokenSource string

// Token sources.
const (
	// TokenPosition is the global position of the write's last event: the
	// unit the read model's checkpoint counts in.
	TokenPosition TokenSource = "position"
	// TokenVersion is the stream version of the write: the wrong unit,
	// which the checkpoint passes long before it reaches the write.
	TokenVersion TokenSource = "version"
)

// NoCheckpoint is what a read-your-writes wait does while the read model
// has no checkpoint yet: its projector has not started, or a
// stop-then-rebuild reset it to 0.
type NoCheckpoint string

// No-checkpoint policies.
const (
	// NoCheckpointWait waits as for any checkpoint below the token: the
	// projection is not caught up until its checkpoint reaches the token.
	NoCheckpointWait NoCheckpoint = "wait"
	// NoCheckpointCaughtUp takes a projection without a checkpoint as
	// caught up ("not running: nothing to wait for") and reads at once: an
	// empty or old row.
	NoCheckpointCaughtUp NoCheckpoint = "caught-up"
)

// CommandSpec is one command type a client sends, drawn with Weight.
type CommandSpec struct {
	Type                 string
	AmountMin, AmountMax int64
	// Payload is the command's payload, the same for every command of
	// the spec (a user's domain's JSON).
	Payload string
	Weight  int
}

// ScriptStep is one command of a scripted client, sent in order.
type ScriptStep struct {
	Type    string
	Key     string
	Amount  int64
	Payload string
}

// ClientConfig is a command client: Sessions sequential sessions (nodes
// Name-0, Name-1, ...) each sending one command at a time.
type ClientConfig struct {
	Name     string
	Sessions int
	// Keys is the number of aggregates ("acct-0" ...) commands go to.
	Keys int
	// Prefix names the aggregates (default "acct-" or "cart-").
	Prefix string
	// Interval is the mean think time between two commands of a session.
	Interval time.Duration
	Commands []CommandSpec
	// Script, if set, replaces Commands: session 0 sends these in order.
	Script      []ScriptStep
	Concurrency Concurrency
	Validate    Validation
	// Projection is the read model validated against (read-model
	// validation) and read after writes.
	Projection string
	// Retries bounds the attempts after the first.
	Retries  int
	RetryIDs RetryIDs
	// Timeout is how long a session waits for an answer.
	Timeout time.Duration
	// ReadAfterWrite is the query a session makes after each successful
	// command, on the same aggregate.
	ReadAfterWrite Consistency
	Token          TokenSource
	// NoCheckpoint is what a read-your-writes wait does while the read
	// model has no checkpoint ("": NoCheckpointWait).
	NoCheckpoint NoCheckpoint
	// Stop is when sessions stop sending commands (0: never).
	Stop time.Duration
	// Start is when sessions start sending commands (0: at once): the
	// deploy of the code that sends them.
	Start time.Duration
}

// Checkpointing is how a projector stores its checkpoint.
type Checkpointing string

// Checkpoint modes.
const (
	// CheckpointSameTx commits the checkpoint in the read model's transaction.
	CheckpointSameTx Checkpointing = "same-tx"
	// CheckpointSeparateTx commits it in a second transaction after the
	// read model's: a crash in between applies the batch again.
	CheckpointSeparateTx Checkpointing = "separate-tx"
)

// GapPolicy is what a projector does at a missing global position.
type GapPolicy string

// Gap policies.
const (
	// GapWait waits for the position to commit, forever if need be.
	GapWait GapPolicy = "wait"
	// GapSkipAfter skips the gap once it is older than GapTimeout.
	GapSkipAfter GapPolicy = "skip-after"
	// GapSkipNoWriter skips the gap only when no transaction holding the
	// position is alive (it rolled back).
	GapSkipNoWriter GapPolicy = "skip-if-no-live-writer"
)

// RebuildMode is how a projection is rebuilt from the log.
type RebuildMode string

// Rebuild modes.
const (
	// RebuildInPlace truncates the read model and replays while the live
	// projector keeps writing to it.
	RebuildInPlace RebuildMode = "in-place"
	// RebuildStopFirst stops the live projector, truncates and replays with
	// effects suppressed, then resumes.
	RebuildStopFirst RebuildMode = "stop-then-rebuild"
	// RebuildBlueGreen replays into new tables with effects suppressed and
	// switches readers over once it has caught up.
	RebuildBlueGreen RebuildMode = "blue-green"
)

// Source is where a projector reads the events it applies.
type Source string

// Projection sources.
const (
	// SourceStore reads the event store's global log after the checkpoint
	// (a global position).
	SourceStore Source = "event-store"
	// SourceTopic reads every partition of a broker topic, as a consumer
	// with its own positions (no consumer group): the checkpoint is the
	// next offset to read, per partition.
	SourceTopic Source = "topic"
)

// ProjectorConfig is a projector (node Name) keeping read model Name.
type ProjectorConfig struct {
	Name string
	// Source is where the projector reads ("": SourceStore).
	Source Source
	// Topic is the topic a SourceTopic projector reads.
	Topic string
	// Batch is the most events one read returns (0: DefaultBatch).
	Batch int
	// PollInterval is the wait after a read that brought nothing new (0:
	// DefaultPollInterval).
	PollInterval time.Duration
	// ProcessingMin and ProcessingMax bound the time to apply one event.
	ProcessingMin, ProcessingMax time.Duration
	Checkpoint                   Checkpointing
	// Inline applies the events to the read model inside the append's
	// own transaction, as Marten's inline projections do: a query after
	// the append's answer sees it, and the append holds its transaction
	// for the processing time of its events. There is no projector to
	// poll (or crash) and no checkpoint to lag. Only with SourceStore,
	// positions at commit, and no rebuild.
	Inline bool
	// Idempotent makes the projection skip an event whose stream version
	// is at or below the version its row already holds, so that events
	// read again after a crash (a checkpoint in a separate transaction)
	// change nothing. Only with SourceStore.
	Idempotent bool
	// Gap and GapTimeout are what a SourceStore projector does at a
	// missing global position (ignored for SourceTopic: offsets have no
	// gaps).
	Gap        GapPolicy
	GapTimeout time.Duration
	// Effects, if set, sends an external effect (a welcome email) for every
	// event of that type it applies.
	Effects string
	// RebuildAt starts a rebuild at that simulated time (0: never).
	RebuildAt time.Duration
	Rebuild   RebuildMode
	// StartAt delays the projector's start.
	StartAt time.Duration
	// Projection names the registered projection the read model folds
	// its rows with ([domain.RegisterProjection]; "": the store's
	// aggregate's, which is the projection registered under the
	// aggregate's name if there is one, else its value projection),
	// unless Custom is set; with Custom set it is only the name the
	// history records, and must not name another registered projection.
	Projection string
	// Custom, if set, is the read model's projection (for Go users).
	Custom Projection
	// SkipUpcast makes the projector apply its projection without the
	// projection's upcaster ([domain.WithoutUpcaster]): events stored in
	// an older schema are read as if written in the current one. The
	// history still names the projection, upcaster included, which is
	// what the read model means.
	SkipUpcast bool
	// Handles, if set, lists the event types the projector's code has a
	// handler for: the version of the projection deployed before newer
	// code added event types. An event of any other type is skipped, as
	// projection frameworks do by default (Marten's daemon gives a
	// projection only the types it has Apply methods for; Axon ignores
	// an event no @EventHandler matches): its row is left alone, a
	// history.ProjectionUnhandled records it, and the checkpoint passes
	// it. A rebuild deploys the projection's current code, which handles
	// every type: the green generation of a blue-green rebuild, and the
	// projector itself after a stop-then-rebuild reset. Empty: every
	// type. Only with SourceStore, and not with an in-place rebuild
	// (whose rows the live projector keeps writing with its own code).
	Handles []string
	// StalenessSLO, if positive, is the staleness the read model promises:
	// no committed event waits longer to be applied to it. It is recorded
	// in the history (history.StalenessSLO) for the checks and charts.
	StalenessSLO time.Duration
	// Isolation is what a SourceTopic projector reads of transactional
	// records ("": ReadUncommitted), as a consumer's isolation.level.
	Isolation Isolation
}

// QueryConfig is a query client: Sessions sessions reading Keys aggregates.
type QueryConfig struct {
	Name        string
	Sessions    int
	Keys        int
	Prefix      string
	Interval    time.Duration
	Consistency Consistency
	Projection  string
	Stop        time.Duration
	// AsOf is how an as-of query (Consistency ReadAsOf) picks the past
	// time it asks about and replays the stream to it.
	AsOf AsOf
}

// OutboxMode is how committed events reach the broker.
type OutboxMode string

// Outbox modes.
const (
	// PublishNone publishes nothing.
	PublishNone OutboxMode = ""
	// PublishAfterCommit publishes directly after the commit: a crash in
	// between loses the event.
	PublishAfterCommit OutboxMode = "direct-after"
	// PublishBeforeCommit publishes directly before the commit: a rollback
	// leaves a phantom event.
	PublishBeforeCommit OutboxMode = "direct-before"
	// PublishOutbox writes outbox rows in the commit; relays publish them
	// and mark them sent.
	PublishOutbox OutboxMode = "outbox"
)

// OutboxConfig is how the store's events are published to a topic.
type OutboxConfig struct {
	Mode  OutboxMode
	Topic string
	// Relays is the number of relay nodes (relay-0 ...), outbox mode only.
	Relays int
	// Lease is how long a relay holds the outbox before another may take it
	// (0: DefaultLease).
	Lease        time.Duration
	PollInterval time.Duration
	// Batch is the most rows a relay publishes per round.
	Batch int
}

// Defaults of the event-sourced parts.
const (
	DefaultClientTimeout = 50 * time.Millisecond
	DefaultLease         = time.Second
	ryWaitStep           = time.Millisecond
	ryWaitMax            = 2 * time.Second
)

// Validate reports every problem of c in one error.
func (c *ESConfig) Validate() error {
	if !c.Enabled() {
		return nil
	}
	var errs []error
	factory := c.Custom
	if factory == nil {
		var ok bool
		if factory, ok = domain.Lookup(c.Aggregate); !ok {
			errs = append(errs, fmt.Errorf("unknown aggregate %q: want one of %v", c.Aggregate, AggregateNames()))
		}
	}
	if c.Custom != nil {
		if f, ok := domain.Lookup(c.Aggregate); ok {
			if mine, theirs := c.Custom(1), f(1); mine != nil && reflect.TypeOf(mine) != reflect.TypeOf(theirs) {
				errs = append(errs, fmt.Errorf("aggregate %q: Custom builds %T, but %q is registered as %T, and the checks judge the history by the aggregate registered under the name it records: give Custom a name of its own (and register it with checks.RegisterDomain)",
					c.Aggregate, mine, c.Aggregate, theirs))
			}
		}
	}
	if factory != nil {
		logics := []int{1}
		if c.LogicChangeAt > 0 {
			logics = append(logics, 2)
		}
		for _, logic := range logics {
			if factory(logic) == nil {
				errs = append(errs, fmt.Errorf("aggregate %q: its factory builds no aggregate (nil) for apply logic %d", cmp.Or(c.Aggregate, "custom"), logic))
			}
		}
		if a := factory(1); a != nil {
			if err := c.valueStates(a); err != nil {
				errs = append(errs, fmt.Errorf("aggregate %q: %w", cmp.Or(c.Aggregate, "custom"), err))
			}
		}
	}
	switch c.Store.Position {
	case PositionAtCommit, PositionReserved:
	default:
		errs = append(errs, fmt.Errorf("event store: unknown position mode %q", c.Store.Position))
	}
	if err := ratioError(c.Store.Rollback); err != nil {
		errs = append(errs, fmt.Errorf("event store: rollback %w", err))
	}
	if err := ratioError(c.Store.LostAnswer); err != nil {
		errs = append(errs, fmt.Errorf("event store: lost-answer %w", err))
	}
	if c.Store.CommitDelayMin < 0 || c.Store.CommitDelayMin > c.Store.CommitDelayMax {
		errs = append(errs, fmt.Errorf("event store: commit delay %v..%v: want 0 <= min <= max", c.Store.CommitDelayMin, c.Store.CommitDelayMax))
	}
	names := map[string]bool{}
	projections := map[string]bool{}
	topicFed := map[string]bool{}
	for _, p := range c.Projectors {
		if p.Name == "" || names[p.Name] {
			errs = append(errs, fmt.Errorf("projection %q: names must be unique and not empty", p.Name))
		}
		names[p.Name], projections[p.Name] = true, true
		switch p.Checkpoint {
		case CheckpointSameTx, CheckpointSeparateTx:
		default:
			errs = append(errs, fmt.Errorf("projection %q: unknown checkpoint %q", p.Name, p.Checkpoint))
		}
		if p.Inline && (p.Source != "" && p.Source != SourceStore || c.Store.Position != PositionAtCommit || p.RebuildAt > 0 || p.Effects != "") {
			errs = append(errs, fmt.Errorf("projection %q: inline goes with the event store as source, position at-commit, no rebuild and no effects", p.Name))
		}
		if len(p.Handles) > 0 && (p.Source != "" && p.Source != SourceStore || p.RebuildAt > 0 && p.Rebuild == RebuildInPlace) {
			errs = append(errs, fmt.Errorf("projection %q: handles goes with the event store as source and no in-place rebuild", p.Name))
		}
		if slices.Contains(p.Handles, "") {
			errs = append(errs, fmt.Errorf("projection %q: handles names an empty event type", p.Name))
		}
		if p.Idempotent && p.Source != "" && p.Source != SourceStore {
			errs = append(errs, fmt.Errorf("projection %q: idempotent goes with the event store as source: it compares stream versions", p.Name))
		}
		switch p.Source {
		case "", SourceStore:
			if p.Topic != "" {
				errs = append(errs, fmt.Errorf("projection %q: topic %q given, but the source is the event store: set the source to topic", p.Name, p.Topic))
			}
		case SourceTopic:
			if p.Topic == "" {
				errs = append(errs, fmt.Errorf("projection %q: want the topic to read", p.Name))
			}
			if p.RebuildAt > 0 {
				errs = append(errs, fmt.Errorf("projection %q: rebuilds replay the event store: a projection of a topic cannot be rebuilt", p.Name))
			}
			topicFed[p.Name] = true
		default:
			errs = append(errs, fmt.Errorf("projection %q: unknown source %q", p.Name, p.Source))
		}
		switch p.Isolation {
		case "", ReadUncommitted:
		case ReadCommitted:
			if p.Source != SourceTopic {
				errs = append(errs, fmt.Errorf("projection %q: isolation is for a projection of a topic", p.Name))
			}
		default:
			errs = append(errs, fmt.Errorf("projection %q: unknown isolation %q", p.Name, p.Isolation))
		}
		switch p.Gap {
		case GapWait, GapSkipAfter, GapSkipNoWriter:
		default:
			if p.Source != SourceTopic {
				errs = append(errs, fmt.Errorf("projection %q: unknown gap policy %q", p.Name, p.Gap))
			}
		}
		if p.RebuildAt > 0 {
			switch p.Rebuild {
			case RebuildInPlace, RebuildStopFirst, RebuildBlueGreen:
			default:
				errs = append(errs, fmt.Errorf("projection %q: unknown rebuild mode %q", p.Name, p.Rebuild))
			}
		}
		if f, ok := p.Custom.(domain.ProjectionFunc); ok && f == nil {
			errs = append(errs, fmt.Errorf("projection %q: its Custom projection is a nil function", p.Name))
		}
		if p.Custom != nil && p.Projection != "" {
			if theirs, ok := domain.LookupProjection(p.Projection); ok && !sameProjection(p.Custom, theirs) {
				errs = append(errs, fmt.Errorf("projection %q: its Custom projection is not the one registered as %q, and the checks fold the read model with the projection registered under the name it records: give Custom a name of its own (and register it with checks.RegisterProjection)",
					p.Name, p.Projection))
			}
		}
		if p.Custom == nil && p.Projection != "" {
			if _, ok := domain.LookupProjection(p.Projection); !ok {
				errs = append(errs, fmt.Errorf("projection %q: unknown projection %q: want one of %v", p.Name, p.Projection, domain.ProjectionNames()))
			}
		}
		if p.StalenessSLO < 0 {
			errs = append(errs, fmt.Errorf("projection %q: staleness SLO %v: want a positive duration or none", p.Name, p.StalenessSLO))
		}
		if p.ProcessingMin < 0 || p.ProcessingMin > p.ProcessingMax {
			errs = append(errs, fmt.Errorf("projection %q: processing %v..%v: want 0 <= min <= max", p.Name, p.ProcessingMin, p.ProcessingMax))
		}
	}
	for _, cl := range c.Clients {
		if cl.Name == "" || names[cl.Name] {
			errs = append(errs, fmt.Errorf("client %q: names must be unique and not empty", cl.Name))
		}
		names[cl.Name] = true
		if cl.Sessions < 1 || cl.Keys < 1 {
			errs = append(errs, fmt.Errorf("client %q: want at least one session and one key", cl.Name))
		}
		if len(cl.Commands) == 0 && len(cl.Script) == 0 {
			errs = append(errs, fmt.Errorf("client %q: no commands to send", cl.Name))
		}
		if cl.Start < 0 {
			errs = append(errs, fmt.Errorf("client %q: start %v: want zero or more", cl.Name, cl.Start))
		}
		if len(cl.Script) == 0 && cl.Interval <= 0 {
			errs = append(errs, fmt.Errorf("client %q: rate must be positive", cl.Name))
		}
		for _, s := range cl.Commands {
			if s.Type == "" || s.AmountMin > s.AmountMax || s.Weight < 1 {
				errs = append(errs, fmt.Errorf("client %q: command %q: want a type, amount min <= max and a positive weight", cl.Name, s.Type))
			}
		}
		if cl.Validate == ValidateReadModel || cl.ReadAfterWrite == ReadEventual || cl.ReadAfterWrite == ReadYourWrites {
			if !projections[cl.Projection] {
				errs = append(errs, fmt.Errorf("client %q: unknown projection %q", cl.Name, cl.Projection))
			}
		}
		if cl.ReadAfterWrite == ReadYourWrites && topicFed[cl.Projection] {
			errs = append(errs, fmt.Errorf("client %q: read-your-writes waits for a global position of the event store, but projection %q reads a topic", cl.Name, cl.Projection))
		}
		switch cl.Concurrency {
		case ConcurrencyAny, ConcurrencyExact:
		default:
			errs = append(errs, fmt.Errorf("client %q: unknown concurrency %q", cl.Name, cl.Concurrency))
		}
		switch cl.NoCheckpoint {
		case "", NoCheckpointWait, NoCheckpointCaughtUp:
		default:
			errs = append(errs, fmt.Errorf("client %q: unknown no-checkpoint policy %q", cl.Name, cl.NoCheckpoint))
		}
		switch cl.RetryIDs {
		case RetrySameIDs, RetryNewIDs:
		default:
			errs = append(errs, fmt.Errorf("client %q: unknown retry ids %q", cl.Name, cl.RetryIDs))
		}
	}
	for _, q := range c.Queries {
		if q.Name == "" || names[q.Name] {
			errs = append(errs, fmt.Errorf("query client %q: names must be unique and not empty", q.Name))
		}
		names[q.Name] = true
		if q.Sessions < 1 || q.Keys < 1 || q.Interval <= 0 {
			errs = append(errs, fmt.Errorf("query client %q: want at least one session and one key, and a positive rate", q.Name))
		}
		if err := q.validateAsOf(); err != nil {
			errs = append(errs, err)
		}
		if q.Consistency != ReadStrong && q.Consistency != ReadAsOf && !projections[q.Projection] {
			errs = append(errs, fmt.Errorf("query client %q: unknown projection %q", q.Name, q.Projection))
		}
	}
	switch c.Outbox.Mode {
	case PublishNone:
	case PublishAfterCommit, PublishBeforeCommit, PublishOutbox:
		if c.Outbox.Topic == "" {
			errs = append(errs, errors.New("outbox: want a topic to publish to"))
		}
	default:
		errs = append(errs, fmt.Errorf("outbox: unknown mode %q", c.Outbox.Mode))
	}
	return errors.Join(errs...)
}

// sameProjection reports whether a and b are one projection: the same
// function for two [domain.ProjectionFunc]s (by its code: two closures of
// one function literal count as one), else equal values of one type
// (values that cannot be compared, of one type).
func sameProjection(a, b Projection) bool {
	fa, okA := a.(domain.ProjectionFunc)
	fb, okB := b.(domain.ProjectionFunc)
	if okA || okB {
		return okA && okB && fa != nil && fb != nil && reflect.ValueOf(fa).Pointer() == reflect.ValueOf(fb).Pointer()
	}
	va, vb := reflect.ValueOf(a), reflect.ValueOf(b)
	if va.Type() != vb.Type() {
		return false
	}
	// values holding functions (an upcasting of two funcs) cannot be
	// compared: one type is taken as one projection
	return !va.Comparable() || !vb.Comparable() || va.Equal(vb)
}

// valueStates tries the clients' command types on a's initial state and
// reports a Decide or an Apply that changed the state it was given, or an
// event whose payload is not valid UTF-8:
// states are values, and one changed in place would change the states the
// store and the snapshots hold, and the checks' search, under them.
func (c *ESConfig) valueStates(a domain.Aggregate) error {
	var cmds []domain.Command
	for _, cl := range c.Clients {
		for _, cs := range cl.Commands {
			cmds = append(cmds, domain.Command{ID: "check", Key: "check", Type: cs.Type, Amount: cs.AmountMin, Payload: cs.Payload})
		}
		for _, st := range cl.Script {
			cmds = append(cmds, domain.Command{ID: "check", Key: st.Key, Type: st.Type, Amount: st.Amount, Payload: st.Payload})
		}
	}
	for _, cmd := range cmds {
		s0 := a.Initial()
		before := a.Describe(s0)
		changes, reason := a.Decide(s0, cmd)
		if after := a.Describe(s0); after != before {
			return fmt.Errorf("its Decide changed the state it was given (Describe %q before, %q after) on command %s: states are values; return new ones", before, after, cmd.Type)
		}
		if reason != "" {
			continue
		}
		s := s0
		for i, ch := range changes {
			if !utf8.ValidString(ch.Payload) {
				return fmt.Errorf("its Decide returned event %s of command %s with a payload that is not valid UTF-8: the history's JSON Lines would change it; encode binary data (base64, say)", ch.Type, cmd.Type)
			}
			prev := a.Describe(s)
			next := a.Apply(s, domain.Event{ID: "check", Stream: cmd.Key, Type: ch.Type, Amount: ch.Amount, Payload: ch.Payload,
				Version: int64(i + 1), Position: int64(i + 1), Command: cmd.ID})
			if after := a.Describe(s); after != prev {
				return fmt.Errorf("its Apply changed the state it was given (Describe %q before, %q after) on event %s of command %s: states are values; return new ones", prev, after, ch.Type, cmd.Type)
			}
			s = next
		}
	}
	return nil
}
