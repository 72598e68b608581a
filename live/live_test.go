package live

import (
	"bytes"
	"context"
	"fmt"
	"net"
	"os"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/kfake"

	"github.com/evsim/evsim/checks"
	"github.com/evsim/evsim/faults"
	"github.com/evsim/evsim/model"
	"github.com/evsim/evsim/model/history"
	"github.com/evsim/evsim/scenarios"
	"github.com/evsim/evsim/sim"
)

// runBuiltin runs a built-in scenario live on the embedded cluster.
func runBuiltin(t *testing.T, name string, o Options) *Result {
	t.Helper()
	s, err := scenarios.Builtin(name)
	if err != nil {
		t.Fatal(err)
	}
	if o.Timeout == 0 {
		o.Timeout = 20 * time.Second
	}
	res, err := Run(context.Background(), s, o)
	if err != nil {
		t.Fatalf("live %s: %v", name, err)
	}
	return res
}

func verdict(t *testing.T, res *Result, check string) checks.Verdict {
	t.Helper()
	for _, r := range res.Results {
		if r.Check == check {
			return r.Verdict
		}
	}
	t.Fatalf("no verdict for %s", check)
	return ""
}

// seeds are the live runs each teaching pair's test makes: a live run is
// not replayed, so a verdict must hold over several. A seed fixes which
// passes through a fault's site strike; these strike at 1/100 on the 5th
// and the 28th pass (at 1/20 too), so that every run is judged with its
// fault struck even on a slow machine.
var seeds = []uint64{7, 11}

// pairNames are the built-ins whose tests run over seeds.
var pairNames = []string{"double-credit", "idempotent-consumer", "commit-before-handle", "producer-retry-duplicates", "idempotent-producer"}

// pairRuns starts every run of pairNames over seeds at once, a few at a
// time (they mostly wait on the clock; go test runs only GOMAXPROCS tests
// in parallel), and returns where each run's result arrives. A result
// can be read any number of times (go test -count runs a test again in
// the same process, after the runs are done).
var pairRuns = sync.OnceValue(func() map[string][]*pairRun {
	out := map[string][]*pairRun{}
	gate := make(chan struct{}, 5)
	for _, name := range pairNames {
		for _, seed := range seeds {
			run := &pairRun{done: make(chan struct{})}
			out[name] = append(out[name], run)
			go func() {
				gate <- struct{}{}
				defer func() { <-gate }()
				defer close(run.done)
				s, err := scenarios.Builtin(name)
				if err != nil {
					run.err = err
					return
				}
				run.res, run.err = Run(context.Background(), s, Options{Seed: seed, Timeout: 30 * time.Second})
			}()
		}
	}
	return out
})

// pairRun is one run of pairRuns: its result, once done is closed.
type pairRun struct {
	done chan struct{}
	res  *Result
	err  error
}

// eachSeed hands each live run of the built-in scenario name (one per
// seed) to judge.
func eachSeed(t *testing.T, name string, judge func(t *testing.T, res *Result)) {
	runs := pairRuns() // before t.Parallel: every run starts with the first test
	t.Parallel()
	for i, run := range runs[name] {
		<-run.done
		t.Run(fmt.Sprintf("seed-%d", seeds[i]), func(t *testing.T) {
			if run.err != nil {
				t.Fatalf("live %s: %v", name, run.err)
			}
			res := run.res
			t.Logf("crashes=%d drained=%v records=%d notes=%v", res.Crashes, res.Drained, res.History.Len(), res.Notes)
			judge(t, res)
		})
	}
}

// TestDoubleCreditLive: the ledger without dedup, crashed after its
// effect and before its commit, on a real Kafka-protocol broker: the
// redelivered deposits are credited twice (exactly-once-effects violated)
// and nothing is lost.
func TestDoubleCreditLive(t *testing.T) {
	eachSeed(t, "double-credit", func(t *testing.T, res *Result) {
		if res.Crashes == 0 {
			t.Fatal("no member crashed: the run judged nothing")
		}
		if v := verdict(t, res, "exactly-once-effects"); v != checks.Violated {
			t.Errorf("exactly-once-effects = %s, want violated", v)
		}
		if v := verdict(t, res, "no-loss"); v != checks.Holds {
			t.Errorf("no-loss = %s, want holds", v)
		}
		if !res.Drained {
			t.Error("the run did not drain")
		}
	})
}

// TestIdempotentConsumerLive: the same crashes with processed ids stored
// in the effect's transaction: every check holds.
func TestIdempotentConsumerLive(t *testing.T) {
	eachSeed(t, "idempotent-consumer", func(t *testing.T, res *Result) {
		if res.Crashes == 0 {
			t.Fatal("no member crashed: the run judged nothing")
		}
		allHold(t, res)
	})
}

// TestCommitBeforeHandleLive: committing before the effect and crashing
// in between skips the event for good: no-loss is violated live too.
func TestCommitBeforeHandleLive(t *testing.T) {
	eachSeed(t, "commit-before-handle", func(t *testing.T, res *Result) {
		if v := verdict(t, res, "no-loss"); v != checks.Violated {
			t.Errorf("no-loss = %s, want violated", v)
		}
	})
}

// TestLostAcksLive: the embedded cluster appends a produce request and
// then answers it as timed out (a lost acknowledgement); the producer
// without idempotence sends it again and the log holds it twice
// (log-duplicates, and exactly-once-effects downstream, violated). The
// history shows the retries, seen at the broker.
func TestLostAcksLive(t *testing.T) {
	eachSeed(t, "producer-retry-duplicates", func(t *testing.T, res *Result) {
		if !slices.ContainsFunc(res.Notes, func(n string) bool {
			return strings.Contains(n, "ack-loss struck") && !strings.Contains(n, "struck 0 ")
		}) {
			t.Fatalf("no lost acknowledgement struck: %v", res.Notes)
		}
		for _, c := range []string{"log-duplicates", "exactly-once-effects"} {
			if v := verdict(t, res, c); v != checks.Violated {
				t.Errorf("%s = %s, want violated", c, v)
			}
		}
		if !slices.ContainsFunc(res.History.Entries(), func(e history.Entry) bool {
			return e.Kind == history.PublishRetry && e.Inferred && e.Topic != "" && e.Attempt > 1
		}) {
			t.Error("no inferred publish-retry record")
		}
	})
}

// TestIdempotentProducerLive: the same lost acknowledgements with the
// idempotent producer: the broker drops the retries it already has, and
// every check holds.
func TestIdempotentProducerLive(t *testing.T) {
	eachSeed(t, "idempotent-producer", func(t *testing.T, res *Result) {
		allHold(t, res)
	})
}

func allHold(t *testing.T, res *Result) {
	t.Helper()
	for _, r := range res.Results {
		if r.Verdict != checks.Holds {
			t.Errorf("%s = %s, want holds: %s", r.Check, r.Verdict, r.Explanation)
		}
	}
}

// TestRefusedKnobs: a scenario whose knobs have no live counterpart is
// refused before any client starts, every refused knob named with why.
// Lost acknowledgements run on the embedded cluster only: against real
// brokers they are refused too.
func TestRefusedKnobs(t *testing.T) {
	src := `name: refused
duration: 1s
topics:
  - name: t
    partitions: 2
producers:
  - name: p
    topic: t
    rate: 10/s
    keys: 2
    ack-loss: 1/10
    retries: 3
    events:
      - type: Deposited
        amount: 1..10
consumers:
  - group: g
    topic: t
    members: 1
    handler: balance
    commit: interval
faults:
  - crash: g
    point: after-effect
    probability: 1/10
    restart-after: 100ms
checks: [no-loss]
`
	s, err := scenarios.Parse("refused.yaml", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	_, err = Run(context.Background(), s, Options{Brokers: []string{"127.0.0.1:1"}, Timeout: 5 * time.Second})
	if err == nil {
		t.Fatal("a scenario with ack-loss and commit interval ran live")
	}
	for _, want := range []string{"cannot run live", "producer p: request-loss, ack-loss", "consumer group g: commit interval"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("the refusal does not say %q:\n%v", want, err)
		}
	}
	if got := len(Refusals(s, Options{Brokers: []string{"127.0.0.1:1"}})); got != 2 {
		t.Errorf("%d refusals against real brokers, want 2: %q", got, Refusals(s, Options{Brokers: []string{"127.0.0.1:1"}}))
	}
	if got := Refusals(s, Options{}); len(got) != 1 || !strings.Contains(got[0], "commit interval") {
		t.Errorf("refusals on the embedded cluster: %q, want commit interval alone", got)
	}
}

// TestLiveHistoryRoundTrip: a live history says where it came from, marks
// its inferred appends, reads back from its JSON Lines form, and the
// checks reach the same verdicts on the read-back: the verdicts depend on
// the history alone.
func TestLiveHistoryRoundTrip(t *testing.T) {
	t.Parallel()
	res := runBuiltin(t, "idempotent-consumer", Options{Seed: 2})
	if !strings.HasPrefix(res.History.Source, "live: embedded kfake") {
		t.Errorf("source %q does not say live", res.History.Source)
	}
	appends, inferred := 0, 0
	for _, r := range res.History.All() {
		if r.Kind == history.Append {
			appends++
			if r.Inferred {
				inferred++
			}
		}
	}
	if appends == 0 || inferred != appends {
		t.Errorf("%d appends, %d marked inferred: every append of a live run is inferred", appends, inferred)
	}
	checkMembership(t, res)
	var buf bytes.Buffer
	if err := res.History.WriteJSONL(&buf); err != nil {
		t.Fatal(err)
	}
	back, err := history.ReadJSONL("live.jsonl", &buf)
	if err != nil {
		t.Fatal(err)
	}
	if back.Source != res.History.Source || back.Len() != res.History.Len() {
		t.Fatalf("read back %d records from %q, wrote %d from %q", back.Len(), back.Source, res.History.Len(), res.History.Source)
	}
	s, _ := scenarios.Builtin("idempotent-consumer")
	for i, r := range scenarios.Judge(back, s.Checks) {
		if r.Verdict != res.Results[i].Verdict {
			t.Errorf("%s: %s on the read-back history, %s live", r.Check, r.Verdict, res.Results[i].Verdict)
		}
	}
}

// checkMembership: the membership records of a live run carry the
// broker's member ids: every join, assignment, revocation and commit has
// one, a member that crashed rejoins under its name with a new one, and
// each assignment's generation is one its member joined into. The end
// record's drained flag is the broker's.
func checkMembership(t *testing.T, res *Result) {
	t.Helper()
	ids := map[string][]string{} // node -> member ids in join order
	crashed := map[string]bool{}
	var joins, assigns, revokes int
	for _, r := range res.History.All() {
		switch r.Kind {
		case history.Join, history.Assign, history.Revoke, history.OffsetCommit, history.CommitFenced, history.Leave:
			if r.Member == "" {
				t.Errorf("a %s record without the broker's member id: %+v", r.Kind, r)
			}
		}
		switch r.Kind {
		case history.Crash:
			crashed[r.Node] = true
		case history.Join:
			joins++
			if crashed[r.Node] {
				if slices.Contains(ids[r.Node], r.Member) {
					t.Errorf("%s rejoined after its crash with an old member id %s", r.Node, r.Member)
				}
				crashed[r.Node] = false
			}
			ids[r.Node] = append(ids[r.Node], r.Member)
		case history.Assign:
			assigns++
			if !slices.Contains(ids[r.Node], r.Member) {
				t.Errorf("%s assigned under member id %s, which it never joined with", r.Node, r.Member)
			}
		case history.Revoke:
			revokes++
		case history.OffsetCommit:
			if r.Outcome != history.OutcomeOK && r.Outcome != history.OutcomeUnknown {
				t.Errorf("an offset commit with outcome %q", r.Outcome)
			}
		}
	}
	if joins == 0 || assigns == 0 || revokes == 0 {
		t.Errorf("%d joins, %d assignments, %d revocations: a run with crashes and a clean stop has all three", joins, assigns, revokes)
	}
	if end := res.History.At(res.History.Len() - 1); end.Kind != history.End || end.Drained != res.Drained {
		t.Errorf("the last record %+v does not say drained=%v", end, res.Drained)
	}
}

// TestRealBroker runs double-credit and idempotent-consumer against the
// Kafka or Redpanda cluster EVSIM_BROKERS names (host:port,...), on fresh
// topics and groups.
func TestRealBroker(t *testing.T) {
	brokers := os.Getenv("EVSIM_BROKERS")
	if brokers == "" {
		t.Skip("EVSIM_BROKERS is not set: no real Kafka or Redpanda to run against (e.g. EVSIM_BROKERS=localhost:9092)")
	}
	o := Options{Brokers: strings.Split(brokers, ","), Timeout: 60 * time.Second, Seed: 1}
	for _, name := range []string{"double-credit", "idempotent-consumer"} {
		res := runBuiltin(t, name, o)
		t.Logf("%s: crashes=%d drained=%v notes=%v", name, res.Crashes, res.Drained, res.Notes)
		if !res.Met() {
			t.Errorf("%s against %s: %v", name, brokers, res.Failures)
		}
	}
}

// TestBrokersPath runs double-credit through the --brokers path (fresh
// topics created by the run, fresh group names) against a separate
// in-process cluster that knows no topic, as a real broker would be.
func TestBrokersPath(t *testing.T) {
	t.Parallel()
	c, err := kfake.NewCluster(kfake.NumBrokers(1), kfake.GroupMinSessionTimeout(10*time.Millisecond))
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	res := runBuiltin(t, "double-credit", Options{Brokers: c.ListenAddrs(), Seed: 3})
	if !strings.HasPrefix(res.History.Source, "live: brokers ") {
		t.Errorf("source %q does not name the brokers", res.History.Source)
	}
	for _, r := range res.History.All() {
		if r.Topic != "" && r.Topic != "account-events" || r.Group != "" && r.Group != "ledger" {
			t.Fatalf("the history names the run's broker-side names, not the scenario's: %v", r)
		}
	}
	if !res.Met() {
		t.Errorf("double-credit through --brokers: %v", res.Failures)
	}
}

// TestUnreachableBroker: a broker nobody listens on fails the run within
// its timeout, with a message that names the brokers.
func TestUnreachableBroker(t *testing.T) {
	s, err := scenarios.Builtin("double-credit")
	if err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	_, err = Run(context.Background(), s, Options{Brokers: []string{"127.0.0.1:1"}, Timeout: 2 * time.Second})
	if err == nil || !strings.Contains(err.Error(), "127.0.0.1:1") {
		t.Fatalf("err = %v, want a failure naming the broker", err)
	}
	if d := time.Since(start); d > 5*time.Second {
		t.Errorf("took %s to give up, want within the 2s timeout", d)
	}
}

// TestBuiltinsThatRunLive lists the built-in scenarios a live run accepts;
// the three pub/sub teaching pairs' halves that the tests above run must
// be among them.
func TestBuiltinsThatRunLive(t *testing.T) {
	var ok []string
	for _, n := range scenarios.BuiltinNames() {
		s, err := scenarios.Builtin(n)
		if err != nil {
			t.Fatal(err)
		}
		if len(Refusals(s, Options{})) == 0 {
			ok = append(ok, n)
		}
	}
	t.Logf("%d built-in scenarios run live: %v", len(ok), ok)
	for _, n := range []string{"double-credit", "idempotent-consumer", "commit-before-handle"} {
		if !slices.Contains(ok, n) {
			t.Errorf("%s is refused live: %v", n, Refusals(mustBuiltin(t, n), Options{}))
		}
	}
}

func mustBuiltin(t *testing.T, name string) *scenarios.Scenario {
	s, err := scenarios.Builtin(name)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// TestTimeoutKeepsHistory: a run that reaches its timeout stops its
// clients and still returns the history recorded so far, not drained.
func TestTimeoutKeepsHistory(t *testing.T) {
	t.Parallel()
	start := time.Now()
	res := runBuiltin(t, "double-credit", Options{Seed: 4, Timeout: 1500 * time.Millisecond})
	if d := time.Since(start); d > 15*time.Second {
		t.Errorf("a 1.5s run took %s", d)
	}
	if res.Drained || res.History.Len() == 0 {
		t.Errorf("drained=%v with %d records, want a partial history not drained", res.Drained, res.History.Len())
	}
	if last := res.History.At(res.History.Len() - 1); last.Kind != history.End {
		t.Errorf("the history ends with %s, want end", last.Kind)
	}
}

// TestReadBackRecordsUnseenAppends: with acks 0 nothing is acknowledged,
// and a group that starts late at the log's end fetches nothing published
// before it: only the read-back of the log at the end shows those
// records, and the history still holds an inferred append for every
// record in the log.
func TestReadBackRecordsUnseenAppends(t *testing.T) {
	t.Parallel()
	src := `name: unseen-appends
duration: 1s
topics:
  - name: t
    partitions: 2
producers:
  - name: p
    topic: t
    rate: 100/s
    keys: 4
    acks: 0
    events:
      - type: Deposited
        amount: 1..10
consumers:
  - group: g
    topic: t
    members: 1
    handler: balance
    start: 500ms
    offset-reset: latest
checks: [no-loss]
`
	s, err := scenarios.Parse("unseen.yaml", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	res, err := Run(context.Background(), s, Options{Seed: 1, Timeout: 60 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	publishes, appends := 0, 0
	for _, r := range res.History.All() {
		switch r.Kind {
		case history.Publish:
			publishes++
		case history.Append:
			appends++
		}
	}
	if publishes == 0 || appends != publishes {
		t.Errorf("%d publishes, %d appends: the read-back must infer an append for every record in the log", publishes, appends)
	}
	if !slices.ContainsFunc(res.Notes, func(n string) bool { return strings.Contains(n, "read-back of the log found") }) {
		t.Errorf("no note says the read-back found records: %v", res.Notes)
	}
}

// TestRefusedSessionTimeoutIsSaid: a broker whose minimum session timeout
// is above the scenario's refuses every join; the run ends at its timeout
// not drained, and its notes say why instead of judging silently.
func TestRefusedSessionTimeoutIsSaid(t *testing.T) {
	t.Parallel()
	c, err := kfake.NewCluster(kfake.NumBrokers(1)) // Kafka's minimum: 6s
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	res := runBuiltin(t, "double-credit", Options{Brokers: c.ListenAddrs(), Seed: 5, Timeout: 4 * time.Second})
	if res.Drained {
		t.Error("drained although no member could join")
	}
	t.Logf("notes: %q", res.Notes)
	if !slices.ContainsFunc(res.Notes, func(n string) bool { return strings.Contains(n, "INVALID_SESSION_TIMEOUT") }) {
		t.Errorf("no note names the refused session timeout: %v", res.Notes)
	}
}

// TestExistingTopicWithOtherPartitionCount: on a real cluster, a topic of
// the run that exists with another partition count than the scenario's is
// an error that names both counts, before any client starts.
func TestExistingTopicWithOtherPartitionCount(t *testing.T) {
	c, err := kfake.NewCluster(kfake.NumBrokers(1), kfake.SeedTopics(1, "account-events-x"))
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	s := mustBuiltin(t, "double-credit")
	_, err = Run(context.Background(), s, Options{Brokers: c.ListenAddrs(), Timeout: 10 * time.Second, suffix: "-x"})
	if err == nil || !strings.Contains(err.Error(), "account-events-x has 1 partitions") || !strings.Contains(err.Error(), "has 3") {
		t.Fatalf("err = %v, want the partition counts named", err)
	}
}

// TestBrokerCrashRefused: a broker crash has no live counterpart (the
// embedded cluster neither replicates nor writes to disk, so a restart
// loses nothing), nor do crashes at a set time or of a producer: each is
// refused with the reason, the crash of one member is not.
func TestBrokerCrashRefused(t *testing.T) {
	s := *mustBuiltin(t, "double-credit")
	s.Faults.Faults = []faults.Fault{
		faults.Crash{Target: "broker-1", Point: "after-leader-append", Probability: sim.Ratio{Num: 1, Den: 100}},
		faults.CrashAt{Target: "ledger", At: time.Second},
		faults.Crash{Target: "teller", Point: model.PointAfterEffect, Probability: sim.Ratio{Num: 1, Den: 10}},
		faults.CrashNth{Target: "ledger-1", Point: model.PointAfterEffect, Nth: 2},
	}
	got := Refusals(&s, Options{})
	for _, want := range []string{"faults[0] crash broker-1", "a broker restart there loses nothing", "faults[1] crash ledger at time", "faults[2] crash teller", "producers are not"} {
		if !slices.ContainsFunc(got, func(r string) bool { return strings.Contains(r, want) }) {
			t.Errorf("no refusal says %q: %q", want, got)
		}
	}
	if slices.ContainsFunc(got, func(r string) bool { return strings.Contains(r, "faults[3]") }) {
		t.Errorf("the crash of member ledger-1 at its 2nd hit is refused: %q", got)
	}
}

// TestRefusesOffsetsRetention: offsets-retention is the broker's
// offsets.retention.minutes, which a client cannot set: both scenarios of
// the offsets-expire pair are refused live, naming the knob.
func TestRefusesOffsetsRetention(t *testing.T) {
	for _, name := range []string{"offsets-expire", "offsets-retention-covers-downtime"} {
		s, err := scenarios.Builtin(name)
		if err != nil {
			t.Fatal(err)
		}
		got := Refusals(s, Options{})
		if !slices.ContainsFunc(got, func(r string) bool { return strings.Contains(r, "consumer group ledger: offsets-retention") }) {
			t.Errorf("%s: refusals %q do not name offsets-retention", name, got)
		}
	}
}

// TestRefusesBlueGreenDeploy: the blue-green-unknown-event pair (an event
// store, a projection with handles, a client with start-at) has no live
// counterpart: live mode drives Kafka clients only, and says so.
func TestRefusesBlueGreenDeploy(t *testing.T) {
	for _, name := range []string{"blue-green-unknown-event", "blue-green-readers-first"} {
		s, err := scenarios.Builtin(name)
		if err != nil {
			t.Fatal(err)
		}
		got := Refusals(s, Options{})
		if !slices.ContainsFunc(got, func(r string) bool { return strings.Contains(r, "event sourcing has no live counterpart") }) {
			t.Errorf("%s: refusals %q do not say event sourcing has no live counterpart", name, got)
		}
	}
}

// TestRefusesStaticMembership: live members run without a
// group.instance.id, so the static twin of the rolling-restart pair is
// refused live, naming the knob; its dynamic twin is not refused for it.
func TestRefusesStaticMembership(t *testing.T) {
	for name, want := range map[string]bool{"rolling-restart-static": true, "rolling-restart-dynamic": false} {
		s, err := scenarios.Builtin(name)
		if err != nil {
			t.Fatal(err)
		}
		got := Refusals(s, Options{})
		if named := slices.ContainsFunc(got, func(r string) bool { return strings.Contains(r, "consumer group ledger: static-membership") }); named != want {
			t.Errorf("%s: refusals %q name static-membership: %v, want %v", name, got, named, want)
		}
	}
}

// TestRefusesCooperativeSticky: the cooperative protocol is not run live,
// so rolling-restart-cooperative is refused, naming the assignor.
func TestRefusesCooperativeSticky(t *testing.T) {
	s, err := scenarios.Builtin("rolling-restart-cooperative")
	if err != nil {
		t.Fatal(err)
	}
	got := Refusals(s, Options{})
	if !slices.ContainsFunc(got, func(r string) bool { return strings.Contains(r, "assignor cooperative-sticky") }) {
		t.Errorf("refusals %q do not name the cooperative-sticky assignor", got)
	}
}

// TestRefusesAddPartitions: the live driver neither alters a topic nor
// stops its producers mid-run, nor sets franz-go's metadata age: both
// scenarios of the add-partitions pair are refused live, naming the fault
// and the knob.
func TestRefusesAddPartitions(t *testing.T) {
	for _, name := range []string{"add-partitions-keyed", "add-partitions-drain-first"} {
		s, err := scenarios.Builtin(name)
		if err != nil {
			t.Fatal(err)
		}
		got := Refusals(s, Options{})
		for _, want := range []string{"add-partitions: the live driver", "producer teller: metadata-max-age"} {
			if !slices.ContainsFunc(got, func(r string) bool { return strings.Contains(r, want) }) {
				t.Errorf("%s: refusals %q do not name %q", name, got, want)
			}
		}
	}
}

// TestRefusesHotKey: the live producer draws keys uniformly, so both
// scenarios of the hot-partition pair are refused live, naming hot-key;
// lag-slo, a promise the check reads from the subscribe record, is not
// refused.
func TestRefusesHotKey(t *testing.T) {
	for _, name := range []string{"hot-partition", "hot-partition-key-parallel"} {
		s, err := scenarios.Builtin(name)
		if err != nil {
			t.Fatal(err)
		}
		got := Refusals(s, Options{})
		if !slices.ContainsFunc(got, func(r string) bool { return strings.Contains(r, "producer teller: hot-key") }) {
			t.Errorf("%s: refusals %q do not name hot-key", name, got)
		}
		if slices.ContainsFunc(got, func(r string) bool { return strings.Contains(r, "lag-slo") }) {
			t.Errorf("%s: refusals %q name lag-slo", name, got)
		}
	}
}

func TestSilentBrokerSaysNoAnswerInBoundedTime(t *testing.T) {
	// A port that accepts connections and never answers: a wrong port,
	// a firewall that swallows the traffic, a broker that hangs.
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	go func() {
		var held []net.Conn
		defer func() {
			for _, c := range held {
				c.Close()
			}
		}()
		for {
			c, err := l.Accept()
			if err != nil {
				return
			}
			held = append(held, c)
		}
	}()
	s, err := scenarios.Builtin("double-credit")
	if err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	_, err = Run(context.Background(), s, Options{Brokers: []string{l.Addr().String()}, Timeout: 2 * time.Second})
	if err == nil || !strings.Contains(err.Error(), "no answer from") || !strings.Contains(err.Error(), l.Addr().String()) {
		t.Fatalf("err = %v, want one saying the broker gave no answer", err)
	}
	if d := time.Since(start); d > 6*time.Second {
		t.Errorf("took %s to give up, want within the 2s timeout", d)
	}
}
