package checks

import (
	"fmt"
	"sort"

	"github.com/evsim/evsim/model/history"
)

// Check is a named property of a history.
type Check struct {
	Name string
	// Doc says in one sentence what the check promises.
	Doc string
	Run func(h *history.History) Result
	// judge, when set, is Run within a [Judgement], sharing its passes.
	judge func(j *Judgement) Result
	// OptIn marks a check that judges a stronger promise than a correct
	// design of its kind must keep: it runs only when asked for by name.
	OptIn bool
}

// Catalog lists every check, by name.
var Catalog = map[string]Check{
	"exactly-once-effects": {
		Name:  "exactly-once-effects",
		Doc:   "every event's effect is applied at most once per consumer group (and service)",
		Run:   ExactlyOnceEffects,
		judge: exactlyOnceEffects,
	},
	"no-loss": {
		Name:  "no-loss",
		Doc:   "every acknowledged event is applied or dead-lettered by every group (and service) that consumes its topic",
		Run:   NoLoss,
		judge: noLoss,
	},

	// event sourcing and CQRS
	"stream-integrity": {
		Name: "stream-integrity",
		Doc:  "stream versions are unique and contiguous, event ids unique, one batch per command, one winner per expected version",
		Run:  StreamIntegrity,
	},
	"no-overdraft": {
		Name:  "no-overdraft",
		Doc:   "no stream's value (a balance, an item count, a stock), as the store recorded it after each event, goes below zero",
		Run:   NoOverdraft,
		judge: noOverdraft,
	},
	"linearizable": {
		Name:  "linearizable",
		Doc:   "commands and strong reads of each aggregate are linearizable by its own rules (a search bounded in steps, per aggregate; lost answers bounded by the store's records)",
		Run:   Linearizable,
		judge: linearizableJ,
	},
	"linearizable-reads": {
		Name:  "linearizable-reads",
		Doc:   "commands and every read, read models included, of each aggregate are linearizable: what a strongly consistent design shows, which a correct eventual one need not (opt-in)",
		Run:   LinearizableReads,
		judge: linearizableReadsJ,
		OptIn: true,
	},
	"snapshot-replay": {
		Name:  "snapshot-replay",
		Doc:   "every snapshot and every aggregate loaded equals the fold of its stream's stored events, folded by the check",
		Run:   SnapshotReplay,
		judge: snapshotReplay,
	},
	"as-of-equals-fold": {
		Name:  "as-of-equals-fold",
		Doc:   "every as-of query answers the fold of its stream's events committed at or before the time it asks about",
		Run:   AsOfEqualsFold,
		judge: asOfEqualsFold,
	},
	"projection-equals-fold": {
		Name:  "projection-equals-fold",
		Doc:   "every applied row and every read equals the read model's projection folded over a prefix of its stream, and each final row over the whole stream",
		Run:   ProjectionEqualsFold,
		judge: projectionEqualsFold,
	},
	"no-hole-below-checkpoint": {
		Name:  "no-hole-below-checkpoint",
		Doc:   "every committed event at or below a read model's checkpoint was applied to it",
		Run:   NoHoleBelowCheckpoint,
		judge: noHoleBelowCheckpoint,
	},
	"read-your-writes": {
		Name: "read-your-writes",
		Doc:  "a session's read after its own write reflects that write",
		Run:  ReadYourWrites,
	},
	"bounded-staleness": {
		Name:  "bounded-staleness",
		Doc:   "every read model catches up with the log by the end of the run (liveness)",
		Run:   BoundedStaleness,
		judge: boundedStaleness,
	},
	"staleness-within-slo": {
		Name:  "staleness-within-slo",
		Doc:   "no read model with a staleness SLO is ever further behind the log than it",
		Run:   StalenessWithinSLO,
		judge: stalenessWithinSLO,
	},
	"outbox-equivalence": {
		Name: "outbox-equivalence",
		Doc:  "the event ids the store's publishers (outbox relays, dual writers) put on the topic equal the committed event ids",
		Run:  OutboxEquivalence,
	},

	// pub/sub
	"duplicate-delivery-invariance": {
		Name:  "duplicate-delivery-invariance",
		Doc:   "applying an event again never changes the state the consumer keeps",
		Run:   DuplicateDeliveryInvariance,
		judge: duplicateDeliveryInvariance,
	},
	"key-order": {
		Name:  "key-order",
		Doc:   "each group applies the events of one key in the order they were published",
		Run:   KeyOrder,
		judge: keyOrder,
	},
	"single-writer": {
		Name: "single-writer",
		Doc:  "a partition is written (effects and offset commits) by one generation at a time, never by an older one after a newer, and in one generation only by its assigned member",
		Run:  SingleWriter,
	},
	"bounded-lag": {
		Name:  "bounded-lag",
		Doc:   "after the faults stop, every group catches up with its topic within the drain bound",
		Run:   BoundedLag,
		judge: boundedLag,
	},
	"lag-within-slo": {
		Name: "lag-within-slo",
		Doc:  "every service with a lag SLO applies each event of its topic within the SLO of its append",
		Run:  LagWithinSLO,
	},
	"log-duplicates": {
		Name: "log-duplicates",
		Doc:  "no event is in the log at more offsets than it was sent",
		Run:  LogDuplicates,
	},
	"lost-write": {
		Name:  "lost-write",
		Doc:   "no acknowledged event below the highest offset read in its partition goes unread",
		Run:   LostWrite,
		judge: lostWrite,
	},
	"unseen": {
		Name:  "unseen",
		Doc:   "by the end, every acknowledged event of a subscribed topic has been read",
		Run:   Unseen,
		judge: unseenJ,
	},
	"nonmonotonic-poll": {
		Name: "nonmonotonic-poll",
		Doc:  "a consumer (a member between crashes and leaves, in one generation) never polls a partition again from an offset it has already read",
		Run:  NonmonotonicPoll,
	},
	"poll-skip": {
		Name: "poll-skip",
		Doc:  "a consumer's (a member between crashes and leaves, in one generation) successive polls of a partition never jump over a record in the log",
		Run:  PollSkip,
	},
	"aborted-read": {
		Name: "aborted-read",
		Doc:  "no consumer or projection reads a record of an aborted transaction (G1a)",
		Run:  AbortedRead,
	},
	"exactly-once-output": {
		Name: "exactly-once-output",
		Doc:  "a consume-transform-produce loop has each consumed input's output in the committed log exactly once",
		Run:  ExactlyOnceOutput,
	},
	"event-names": {
		Name: "event-names",
		Doc:  "every published event type is named as a past-tense fact, not a command",
		Run:  EventNames,
	},

	// sagas (P3)
	"saga-single-instance": {
		Name: "saga-single-instance",
		Doc:  "each saga (a correlation id within a group) is started at most once",
		Run:  SagaSingleInstance,
	},
	"saga-outcome": {
		Name: "saga-outcome",
		Doc:  "each saga ends completed or compensated, never both, and none is left open when the run drains",
		Run:  SagaOutcome,
	},

	// log anomalies after Jepsen's Kafka checker
	"inconsistent-offsets": {
		Name: "inconsistent-offsets",
		Doc:  "no offset of a partition holds two different events, in appends, acknowledgements or reads",
		Run:  InconsistentOffsets,
	},
	"nonmonotonic-send": {
		Name: "nonmonotonic-send",
		Doc:  "a producer's successive acknowledged sends to one partition land at increasing offsets",
		Run:  NonmonotonicSend,
	},
	"group-reread": {
		Name:  "group-reread",
		Doc:   "a group never reads a partition again from an offset it has already read, whichever member reads it (opt-in)",
		Run:   GroupReread,
		OptIn: true,
	},
	"stop-the-world": {
		Name:  "stop-the-world",
		Doc:   "a rebalance stops only the partitions that move: no member gives up a partition and gets it back at its next assignment while it stayed in the group (opt-in)",
		Run:   StopTheWorld,
		OptIn: true,
	},
}

// Names returns the names of every check, sorted.
func Names() []string {
	names := make([]string, 0, len(Catalog))
	for n := range Catalog {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}

// DefaultNames returns the names of the checks that run when none are
// named: every check but the opt-in ones, sorted.
func DefaultNames() []string {
	var names []string
	for _, n := range Names() {
		if !Catalog[n].OptIn {
			names = append(names, n)
		}
	}
	return names
}

// Lookup returns the named check or an error listing the known ones.
func Lookup(name string) (Check, error) {
	c, ok := Catalog[name]
	if !ok {
		return Check{}, fmt.Errorf("unknown check %q: want one of %v", name, Names())
	}
	return c, nil
}
