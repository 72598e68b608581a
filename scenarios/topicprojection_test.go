package scenarios

import (
	"strings"
	"testing"

	"github.com/evsim/evsim/checks"
	"github.com/evsim/evsim/model/history"
)

// TestTopicProjectionParse: the keys of a projection of a topic, and the
// mistakes around them, reported where they are written.
func TestTopicProjectionParse(t *testing.T) {
	src := `name: bad
duration: 1s
topics:
  - name: account-events
producers:
  - name: teller
    topic: account-events
    rate: 10/s
    events:
      - type: Deposited
projections:
  - name: a
    source: kafka
  - name: b
    source: topic
  - name: c
    source: topic
    topic: orders
  - name: d
    topic: account-events
  - name: e
    source: topic
    topic: account-events
    gap-policy: wait
clients:
  - name: teller2
    rate: 10/s
    commands:
      - type: Deposit
    projection: e
    read-after-write: read-your-writes
checks: [projection-equals-fold]
`
	_, err := Parse("bad.yaml", []byte(src))
	if err == nil {
		t.Fatal("want errors")
	}
	for _, want := range []string{
		`bad.yaml:13:13: projections[0].source: unknown value "kafka"`,
		`bad.yaml:14:5: projections[1]: missing key "topic" (the topic the projection reads)`,
		`bad.yaml:18:12: projections[2].topic: unknown topic "orders": define it under topics (defined: account-events)`,
		`bad.yaml:20:12: projections[3].topic: the projection reads the event store: set source: topic to read a topic`,
		`bad.yaml:24:17: projections[4].gap-policy: only for a projection of the event store`,
		`bad.yaml:31:23: clients[0].read-after-write: read-your-writes waits for the write's global position`,
	} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error lacks %q:\n%v", want, err)
		}
	}
}

// TestTopicProjectionSweep: over 200 seeds of a short safety phase, the
// projector that checkpoints its offsets in the read model's transaction
// meets every pinned verdict (each check holds, duplicate-delivery-invariance
// has no repeat to judge), and the one that checkpoints them apart applies
// records twice (projection-equals-fold, duplicate-delivery-invariance)
// at nearly every seed.
func TestTopicProjectionSweep(t *testing.T) {
	t.Parallel()
	const n = 200
	for c, byVerdict := range sweep(t, "topic-projection-same-tx", n) {
		if want := pinned(t, "topic-projection-same-tx", c); byVerdict[want] != n {
			t.Errorf("topic-projection-same-tx: %s %s on %d of %d seeds: %v", c, want, byVerdict[want], n, byVerdict)
		}
	}
	broken := sweep(t, "topic-projection-separate-checkpoint", n)
	for _, c := range []string{"projection-equals-fold", "duplicate-delivery-invariance"} {
		if got := broken[c][checks.Violated]; got < n*9/10 {
			t.Errorf("topic-projection-separate-checkpoint: %s caught on only %d of %d seeds", c, got, n)
		}
	}
	for _, c := range []string{"no-hole-below-checkpoint", "bounded-staleness"} {
		if got := broken[c][checks.Holds]; got != n {
			t.Errorf("topic-projection-separate-checkpoint: %s holds on %d of %d seeds", c, got, n)
		}
	}
}

// outboxToProjection is an event-sourced account whose events reach a
// topic through a transactional outbox, and a projection of that topic.
const outboxToProjection = `name: outbox-to-projection
duration: 2s
latency: 1ms..3ms
topics:
  - name: account-events
    partitions: 2
event-store:
  commit-delay: 1ms..3ms
clients:
  - name: teller
    sessions: 2
    keys: 4
    rate: 30/s
    commands:
      - type: Open
      - type: Deposit
        amount: 10..100
        weight: 5
      - type: Withdraw
        amount: 10..100
        weight: 3
outbox:
  mode: outbox
  topic: account-events
  poll-interval: 5ms
projections:
  - name: balances
    source: topic
    topic: account-events
    checkpoint: same-tx
    batch: 5
    poll-interval: 10ms
queries:
  - name: dashboard
    sessions: 2
    keys: 4
    rate: 20/s
    projection: balances
faults:
  - crash: balances
    point: after-apply
    probability: 1/10
    restart-after: 50ms
RELAY_FAULT
checks: [projection-equals-fold, duplicate-delivery-invariance, no-hole-below-checkpoint, bounded-staleness, log-duplicates]
expect:
  duplicate-delivery-invariance: unknown
`

// TestTopicProjectionOfOutbox: a projection of the topic an outbox relay
// publishes to equals the fold of the topic's log, and, while the relay
// publishes each event once, the fold of each stream too. When the relay
// crashes between publishing and marking rows sent, the topic holds
// events twice: the projection still equals the fold of its log (each
// offset applied once), log-duplicates holds (the relay sent each of
// them twice, and the log holds each send once), but
// duplicate-delivery-invariance shows the events applied twice, and the
// rows differ from the event store's folds.
func TestTopicProjectionOfOutbox(t *testing.T) {
	t.Parallel()
	clean, err := Parse("outbox-to-projection.yaml", []byte(strings.Replace(outboxToProjection, "RELAY_FAULT\n", "", 1)))
	if err != nil {
		t.Fatal(err)
	}
	dup, err := Parse("outbox-to-projection.yaml", []byte(strings.Replace(outboxToProjection, "RELAY_FAULT\n",
		"  - crash: relay-0\n    point: after-publish\n    probability: 1/4\n    restart-after: 20ms\n", 1)))
	if err != nil {
		t.Fatal(err)
	}
	differed := 0
	for seed := uint64(1); seed <= 10; seed++ {
		o, err := clean.Run(seed)
		if err != nil {
			t.Fatal(err)
		}
		if !o.Met() || !o.Drained {
			t.Fatalf("seed %d: %v (drained %v)", seed, o.Failures, o.Drained)
		}
		if key, row, fold, ok := rowsEqualStreams(o.History); !ok {
			t.Errorf("seed %d: row %s is %d, the fold of its stream %d", seed, key, row, fold)
		}
		o, err = dup.Run(seed)
		if err != nil {
			t.Fatal(err)
		}
		dups := appendedTwice(o.History)
		for _, r := range o.Results {
			want := checks.Holds
			switch {
			case dups && r.Check == "duplicate-delivery-invariance":
				want = checks.Violated
			case r.Check == "duplicate-delivery-invariance":
				want = checks.Unknown // every record applied once: no repeat to judge
			}
			if r.Verdict != want {
				t.Errorf("seed %d: %s %s, want %s: %s", seed, r.Check, r.Verdict, want, r.Explanation)
			}
		}
		if _, _, _, ok := rowsEqualStreams(o.History); !ok {
			differed++
		}
	}
	if differed == 0 {
		t.Error("the relay's duplicates never showed in the rows of the projection")
	}
}

// rowsEqualStreams compares each read model row's last applied value with
// the balance fold of its stream in the event store.
func rowsEqualStreams(h *history.History) (key string, row, fold int64, ok bool) {
	folds := map[string]int64{}
	rows := map[string]int64{}
	var keys []string
	for _, r := range h.All() {
		switch r.Kind {
		case history.StoreAppend:
			switch r.Type {
			case "Deposited":
				folds[r.Key] += r.Amount
			case "Withdrawn":
				folds[r.Key] -= r.Amount
			}
		case history.ProjectionApply:
			if _, seen := rows[r.Key]; !seen {
				keys = append(keys, r.Key)
			}
			rows[r.Key] = r.Value
		}
	}
	for _, k := range keys {
		if rows[k] != folds[k] {
			return k, rows[k], folds[k], false
		}
	}
	return "", 0, 0, true
}

// appendedTwice reports whether some event is in the log twice.
func appendedTwice(h *history.History) bool {
	seen := map[string]bool{}
	for _, r := range h.All() {
		if r.Kind == history.Append {
			if seen[r.Event] {
				return true
			}
			seen[r.Event] = true
		}
	}
	return false
}
