package domain

// Event is one event of an aggregate's stream: a fact with its id, its
// stream and version in the stream (from 1), its global position (from
// 1), the command that caused it, and its data: an Amount, and a Payload
// (JSON, or any UTF-8 text) for the event types of a user's domain that
// carry more than one number. A payload must be valid UTF-8: the
// history's JSON Lines would write other bytes as U+FFFD, and a history
// read back would be judged on other payloads, so the model refuses one
// that is not (encode binary data, in base64 say).
type Event struct {
	ID       string
	Stream   string
	Type     string
	Amount   int64
	Payload  string
	Version  int64
	Position int64
	Command  string
	// OccurredAt is the time the application stamped on the event when
	// it decided it (its occurred-at, in nanoseconds of simulated time),
	// before the append: it can lag the commit by the append's whole
	// round trip, and writers' clocks differ.
	OccurredAt int64
	// CommittedAt is the time the store committed the event (the time of
	// its store-append record): the order of a stream's versions.
	CommittedAt int64
}

// Command asks an aggregate to change: Type is imperative (Deposit), Key
// names the aggregate (its stream), Amount and Payload are its arguments.
type Command struct {
	ID      string
	Key     string
	Type    string
	Amount  int64
	Payload string
}

// Change is one event an aggregate decided on, before the store gives it
// an id, a version and a position: a past-tense Type, an Amount and a
// Payload.
type Change struct {
	Type    string
	Amount  int64
	Payload string
}

// Aggregate is the write model of one kind of aggregate: a decision and a
// fold, both pure and deterministic (no map's iteration order decides
// the changes or the state: a run would differ from its replay at the
// same seed). States are values: Apply and Decide never mutate the
// state they are given (a system is refused when one of its clients'
// commands, tried on the initial state, shows they do). The linearizability checks use the same two
// functions as the sequential specification of the aggregate: a command
// takes effect when Decide accepts it, and answers Value of the state
// after its events; a rejected one answers Value of the state it saw.
// States should be comparable (==) so that the search can remember them;
// others are told apart by Describe.
type Aggregate interface {
	// Initial is the state of an aggregate with an empty stream.
	Initial() any
	// Apply folds one event into the state.
	Apply(state any, e Event) any
	// Decide turns a command into the events it causes, or rejects it
	// with a short reason (a non-empty string). It may accept a command
	// with no events (a command already in effect): nothing is appended,
	// and the command answers Value of the state it was decided on.
	Decide(state any, c Command) ([]Change, string)
	// Describe renders a state stably; snapshot checks compare these.
	Describe(state any) string
	// Value is the number a command or query reports for the state (a
	// balance, an item count), and the row its value projection keeps.
	Value(state any) int64
	// FromRow rebuilds a state from a read model row (its value and the
	// stream version it reflects), for clients that validate commands
	// against the read model, and for the value projection, which folds
	// each event onto FromRow of the row before it. Value of Apply on
	// FromRow(Value(s), v) must equal Value of Apply on s: when Value
	// drops what Apply needs (a count of free seats, not which seats),
	// the value projection's rows go wrong, and projection-equals-fold,
	// which folds with that same projection, cannot tell. Such an
	// aggregate keeps its read model with a projection of its own.
	FromRow(value, version int64) any
}

// Appender is implemented by aggregates whose decision can append its
// changes to a buffer the caller reuses: DecideAppend(buf, state, c)
// returns append(buf, changes...) and the reason, for the same changes
// and reason as Decide(state, c). Callers that decide millions of times
// (the simulator, the linearizability search) use it when it is there.
type Appender interface {
	DecideAppend(buf []Change, state any, c Command) ([]Change, string)
}

// DecideInto is a's decision on c in state, its changes appended to buf
// when a is an [Appender], else Decide's own slice.
func DecideInto(a Aggregate, buf []Change, state any, c Command) ([]Change, string) {
	if d, ok := a.(Appender); ok {
		return d.DecideAppend(buf, state, c)
	}
	return a.Decide(state, c)
}

// Factory builds the aggregate logic for an apply-logic version (1 for
// the original; 2 after a change of apply logic mid-run). A domain with
// one logic ignores the argument.
type Factory func(logic int) Aggregate

// Typed is implemented by aggregates that can list the command types they
// decide and the event types they apply. The checks use it only to tell
// which aggregate a history that does not name one is about (histories
// written before they did).
type Typed interface {
	Types() []string
}

// Fold replays events onto state s.
func Fold(a Aggregate, s any, events []Event) any {
	for _, e := range events {
		s = a.Apply(s, e)
	}
	return s
}

// UnknownCommand is the reason an aggregate gives for a command type it
// does not know.
func UnknownCommand(c Command) string { return "unknown command " + c.Type }
