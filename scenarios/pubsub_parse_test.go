package scenarios

import (
	"strings"
	"testing"
)

const pubsubBase = `name: t
duration: 1s
topics:
  - name: orders
    partitions: 2
producers:
  - name: shop
    topic: orders
    rate: 10/s
    events:
      - type: OrderPlaced
consumers:
  - group: billing
    topic: orders
checks: [no-loss]
`

func TestLintWarnsAtEventName(t *testing.T) {
	s, err := Builtin("command-named-event")
	if err != nil {
		t.Fatal(err)
	}
	ws := Lint(s)
	if len(ws) != 1 {
		t.Fatalf("want 1 warning, got %v", ws)
	}
	w := ws[0]
	line := strings.Split(string(s.Source), "\n")[w.Line-1]
	if !strings.Contains(line, "SendWelcomeEmail") || line[w.Col-1:] != "SendWelcomeEmail" {
		t.Errorf("warning at %d:%d points at %q", w.Line, w.Col, line)
	}
	if got := w.String(); !strings.HasPrefix(got, "scenarios/command-named-event.yaml:") || !strings.Contains(got, "WelcomeEmailSent") {
		t.Errorf("warning %q: want file:line:col and a past-tense suggestion", got)
	}
	if len(s.Warnings) != 1 {
		t.Errorf("Parse should keep the lint warnings on the scenario, got %v", s.Warnings)
	}
	fixed, _ := Builtin("fact-named-event")
	if ws := Lint(fixed); len(ws) != 0 {
		t.Errorf("fact-named-event: unexpected warnings %v", ws)
	}
}

func TestParsePubSubKeys(t *testing.T) {
	src := strings.Replace(pubsubBase, "    rate: 10/s\n", `    rate: 10/s
    partitioner: round-robin
    acks: "1"
    idempotent: false
    ack-loss: 1/20
    request-loss: 1/50
    retries: 3
    retry-backoff: 5ms
    request-timeout: 40ms
    max-in-flight: 5
    poison: 1/100
`, 1)
	src = strings.Replace(src, "    topic: orders\nchecks", `    topic: orders
    service: invoices
    members: 3
    style: log
    start: 1s
    dedup: separate-after
    dedup-scope: member
    dedup-window: 2s
    commit: contiguous-prefix
    concurrency: 4
    assignor: round-robin
    session-timeout: 3s
    heartbeat: 1s
    fencing: writes
    offset-reset: latest
    on-error: dead-letter
    max-attempts: 2
    retry-backoff: 10ms
    failures: 1/10
faults:
  - pause: billing
    at: 500ms
    for: 2s
  - churn: invoices
    every: 1s
    down: 200ms
    mode: leave
  - crash: shop
    point: after-send
    probability: 1/10
checks`, 1)
	s, err := Parse("t.yaml", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	p, c := s.System.Producers[0], s.System.Consumers[0]
	if p.Partitioner != "round-robin" || p.Acks != "1" || p.Idempotent || p.AckLoss.Den != 20 || p.RequestLoss.Den != 50 ||
		p.Retries != 3 || p.MaxInFlight != 5 || p.Poison.Den != 100 {
		t.Errorf("producer: %+v", p)
	}
	if c.Service != "invoices" || c.Members != 3 || c.Dedup != "separate-after" || c.DedupScope != "member" ||
		c.Commit != "contiguous-prefix" || c.Concurrency != 4 || c.Fencing != "writes" || c.OffsetReset != "latest" ||
		c.OnError != "dead-letter" || c.MaxAttempts != 2 || c.Failures.Den != 10 || c.Assignor != "round-robin" {
		t.Errorf("consumer: %+v", c)
	}
	if len(s.Faults.Faults) != 3 {
		t.Errorf("faults: %+v", s.Faults.Faults)
	}
	if _, err := s.Run(1); err != nil {
		t.Errorf("run: %v", err)
	}
}

func TestParsePubSubErrors(t *testing.T) {
	for _, c := range []struct {
		name, old, new, want string
	}{
		{"unknown consumer key", "    topic: orders\nchecks", "    topic: orders\n    fencing-mode: none\nchecks",
			`t.yaml:15:5: consumers[0]: unknown key "fencing-mode"`},
		{"bad fencing", "    topic: orders\nchecks", "    topic: orders\n    fencing: maybe\nchecks",
			`t.yaml:15:14: consumers[0].fencing: unknown value "maybe": want one of none, offsets, writes`},
		{"bad idempotent", "    rate: 10/s\n", "    rate: 10/s\n    idempotent: yes\n",
			`t.yaml:10:17: producers[0].idempotent: "yes": want true or false`},
		{"partition without explicit", "    rate: 10/s\n", "    rate: 10/s\n    partition: 1\n",
			`t.yaml:7:5: producers[0]: partition goes with partitioner: explicit`},
		{"idempotent needs acks all", "    rate: 10/s\n", "    rate: 10/s\n    acks: \"1\"\n    idempotent: true\n",
			`t.yaml:11:17: producers[0].idempotent: the idempotent producer needs acks all, not 1`},
		{"idempotent needs retries", "    rate: 10/s\n", "    rate: 10/s\n    idempotent: true\n",
			`t.yaml:10:17: producers[0].idempotent: the idempotent producer needs retries above 0`},
		{"idempotent allows five in flight", "    rate: 10/s\n", "    rate: 10/s\n    retries: 3\n    max-in-flight: 6\n    idempotent: true\n",
			`t.yaml:12:17: producers[0].idempotent: the idempotent producer allows at most 5 requests in flight`},
		{"heartbeat not below the session", "    topic: orders\nchecks", "    topic: orders\n    session-timeout: 1s\n    heartbeat: 2s\nchecks",
			`t.yaml:16:5: consumers[0]: heartbeat 2s must be shorter than the session timeout 1s`},
		{"shared group disagrees", "    topic: orders\nchecks", "    topic: orders\n  - group: billing\n    service: mailer\n    topic: orders\n    fencing: none\nchecks",
			`t.yaml:15:5: consumers[1]: it shares group "billing" with consumers[0]`},
		{"pause at and probability", "checks:", "faults:\n  - pause: billing\n    at: 1s\n    probability: 1/2\n    for: 1s\nchecks:",
			`t.yaml:16:5: faults[0]: give either at (a time) or probability`},
		{"two fault kinds", "checks:", "faults:\n  - pause: billing\n    churn: billing\n    for: 1s\nchecks:",
			`t.yaml:16:5: faults[0]: want exactly one of crash, pause, churn, partition, link or add-partitions`},
		{"queue commit", "    topic: orders\nchecks", "    topic: orders\n    style: queue\n    commit: interval\nchecks",
			`t.yaml:16:5: consumers[0]: a queue subscription acknowledges each message`},
		{"count zero", "    rate: 10/s\n", "    rate: 10/s\n    count: 0\n",
			`t.yaml:10:12: producers[0].count: 0 is too small`},
		{"count not a number", "    rate: 10/s\n", "    rate: 10/s\n    count: three\n",
			`t.yaml:10:12: producers[0].count: "three" is not a whole number`},
		{"same-tx per member", "    topic: orders\nchecks", "    topic: orders\n    dedup: same-tx\n    dedup-scope: member\nchecks",
			`t.yaml:16:5: consumers[0]: dedup same-tx lives in the database`},
	} {
		t.Run(c.name, func(t *testing.T) {
			src := strings.Replace(pubsubBase, c.old, c.new, 1)
			if src == pubsubBase {
				t.Fatal("replacement did not apply")
			}
			_, err := Parse("t.yaml", []byte(src))
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Fatalf("got %v, want an error containing %q", err, c.want)
			}
		})
	}
}

// TestPoisonEventsByNumber: poison-events names the events a handler
// fails on; skipping them loses exactly those.
func TestPoisonEventsByNumber(t *testing.T) {
	s, err := Builtin("poison-skip")
	if err != nil {
		t.Fatal(err)
	}
	src := strings.Replace(string(s.Source), "poison: 1/200", "poison-events: [5, 40]", 1)
	p, err := Parse("poison.yaml", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	o, err := p.Run(p.Seed)
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range o.Results {
		if r.Check != "no-loss" {
			continue
		}
		if r.Verdict != "violated" || !strings.Contains(r.Explanation, "teller-5 ") || !strings.Contains(r.Explanation, "2 acknowledged event(s)") {
			t.Fatalf("no-loss %s: %s", r.Verdict, r.Explanation)
		}
	}
	if _, err := Parse("poison.yaml", []byte(strings.Replace(src, "[5, 40]", "[0]", 1))); err == nil || !strings.Contains(err.Error(), "poison-events[0]: 0 is too small") {
		t.Fatalf("poison-events [0]: %v", err)
	}
}
