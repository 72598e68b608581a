package scenarios_test

import (
	"strings"
	"testing"
	"time"

	"pgregory.net/rapid"

	"github.com/evsim/evsim/checks"
	"github.com/evsim/evsim/faults"
	"github.com/evsim/evsim/internal/rapidtest"
	"github.com/evsim/evsim/model"
	"github.com/evsim/evsim/scenarios"
)

// bank is a small event-sourced system in Go: three teller sessions send
// Open, Deposit and Withdraw commands to two accounts with an expected
// version and retries; an auditor reads the accounts from the write side;
// a projector keeps a balances read model (checkpoint in the read model's
// transaction). plan breaks it: crashes of the tellers and the projector
// at exact hits of their crash points, and lost answers to appends.
func bank(retry model.RetryIDs, plan faults.ESPlan) *scenarios.Scenario {
	const d = time.Second
	return &scenarios.Scenario{
		File: "es_property_external_test.go", Name: "bank", Duration: d, Drain: 10 * time.Second,
		ES: model.ESConfig{
			Store: model.StoreConfig{Position: model.PositionAtCommit, CommitDelayMin: time.Millisecond,
				CommitDelayMax: 5 * time.Millisecond, LoseAnswers: plan.LostAnswers},
			Aggregate: "account",
			Clients: []model.ClientConfig{{Name: "teller", Sessions: 3, Keys: 2, Prefix: "acct-", Interval: 20 * time.Millisecond,
				Commands: []model.CommandSpec{{Type: "Open", Weight: 1}, {Type: "Deposit", AmountMin: 10, AmountMax: 50, Weight: 4},
					{Type: "Withdraw", AmountMin: 10, AmountMax: 50, Weight: 2}},
				Concurrency: model.ConcurrencyExact, Validate: model.ValidateWriteModel, Retries: 3, RetryIDs: retry,
				ReadAfterWrite: model.ReadNone, Stop: d}},
			Projectors: []model.ProjectorConfig{{Name: "balances", Batch: 10, PollInterval: 10 * time.Millisecond,
				ProcessingMax: time.Millisecond, Checkpoint: model.CheckpointSameTx, Gap: model.GapSkipNoWriter}},
			Queries: []model.QueryConfig{{Name: "auditor", Sessions: 1, Keys: 2, Prefix: "acct-", Interval: 40 * time.Millisecond,
				Consistency: model.ReadStrong, Stop: d}},
		},
		Faults: faults.Plan{Faults: plan.Crashes, Until: d},
		Checks: []string{"linearizable", "stream-integrity", "projection-equals-fold", "no-hole-below-checkpoint"},
	}
}

// bankSpace: two of the tellers crash after an acknowledged append, the
// projector before or after applying a batch; answers among the first 80
// of the store's (about 85 in a run) are lost.
var bankSpace = faults.ESSpace{
	Sites: []faults.Site{
		{Target: "teller-0", Point: model.PointAfterAppend},
		{Target: "teller-1", Point: model.PointAfterAppend},
		{Target: "balances", Point: model.PointBeforeApply},
		{Target: "balances", Point: model.PointAfterApply},
	},
	MaxCrashes:     4,
	MaxNth:         40,
	RestartAfter:   100 * time.Millisecond,
	MaxLostAnswers: 6,
	MaxAnswer:      80,
}

// bankRun is one drawn run of the bank: the world's seed and the faults.
type bankRun struct {
	seed uint64
	plan faults.ESPlan
}

// bankProperty runs the bank at a drawn seed under a drawn fault schedule
// and fails if the write side is not linearizable, a stream lost its
// integrity, or the read model differs from the log. Each property fails
// at its own line, so that rapid shrinks toward the same failure. last,
// if set, receives the failing run.
func bankProperty(retry model.RetryIDs, last *bankRun) func(*rapid.T) {
	return func(t *rapid.T) {
		seed := rapid.Uint64Range(1, 1<<20).Draw(t, "seed")
		plan := faults.ESSchedule(bankSpace).Draw(t, "plan")
		defer func() {
			if last != nil && t.Failed() {
				*last = bankRun{seed, plan}
			}
		}()
		o, err := bank(retry, plan).Run(seed)
		if err != nil {
			t.Fatalf("run: %v", err)
		}
		if !o.Drained {
			t.Fatalf("seed %d: did not drain under %v", seed, plan)
		}
		judge := func(check string) checks.Result {
			for _, r := range o.Results {
				if r.Check == check {
					return r
				}
			}
			t.Fatalf("no result for %s", check)
			return checks.Result{}
		}
		if r := judge("stream-integrity"); r.Verdict != checks.Holds {
			t.Fatalf("seed %d: stream-integrity %s under %v: %s", seed, r.Verdict, plan, r.Explanation)
		}
		if r := judge("linearizable"); r.Verdict != checks.Holds {
			t.Fatalf("seed %d: linearizable %s under %v: %s", seed, r.Verdict, plan, r.Explanation)
		}
		if r := judge("projection-equals-fold"); r.Verdict != checks.Holds {
			t.Fatalf("seed %d: projection-equals-fold %s under %v: %s", seed, r.Verdict, plan, r.Explanation)
		}
		if r := judge("no-hole-below-checkpoint"); r.Verdict != checks.Holds {
			t.Fatalf("seed %d: no-hole-below-checkpoint %s under %v: %s", seed, r.Verdict, plan, r.Explanation)
		}
	}
}

// TestBankUnderAnyFaultSchedule: with exact expected versions and retries
// that resend the same event ids, no schedule of crashes and lost answers
// makes the write side non-linearizable, breaks a stream, or makes the
// read model differ from the log.
func TestBankUnderAnyFaultSchedule(t *testing.T) {
	rapid.Check(t, bankProperty(model.RetrySameIDs, nil))
}

// TestBankFaultsAreExercised: the schedules hit something. A lost answer
// makes a teller retry (the store then reports the duplicate it ignored),
// and a crash at a drawn hit strikes.
func TestBankFaultsAreExercised(t *testing.T) {
	o, err := bank(model.RetrySameIDs, faults.ESPlan{
		Crashes: []faults.Fault{
			faults.CrashNth{Target: "balances", Point: model.PointAfterApply, Nth: 3, RestartAfter: bankSpace.RestartAfter},
			faults.CrashNth{Target: "teller-1", Point: model.PointAfterAppend, Nth: 2, RestartAfter: bankSpace.RestartAfter},
		},
		LostAnswers: []int{5, 6, 7},
	}).Run(1)
	if err != nil {
		t.Fatal(err)
	}
	kinds := map[string]int{}
	for _, r := range o.History.All() {
		kinds[string(r.Kind)+" "+r.Node]++
	}
	for _, want := range []string{"lost-answer event-store", "store-duplicate event-store", "crash balances", "crash teller-1", "restart teller-1"} {
		if kinds[want] == 0 {
			t.Errorf("no %q record: %v", want, kinds)
		}
	}
	if kinds["lost-answer event-store"] != 3 {
		t.Errorf("%d lost answers, want 3", kinds["lost-answer event-store"])
	}
	for _, r := range o.Results {
		if r.Verdict != checks.Holds {
			t.Errorf("%s %s: %s", r.Check, r.Verdict, r.Explanation)
		}
	}
}

// TestScheduleShrinksNaiveRetry (E2): when a retry decides again with new
// event ids, rapid finds a schedule that breaks the bank and shrinks it to
// the smallest: no crash and one lost answer, whose loss alone breaks the
// check that failed. Which answer it keeps depends on rapid's shrinking,
// which does not promise the earliest one (it lowers the seed and the
// answer's number together): the test logs the earliest answer whose loss
// alone breaks the check at the shrunk seed.
func TestScheduleShrinksNaiveRetry(t *testing.T) {
	var last bankRun
	msgs := rapidtest.Fails(t, bankProperty(model.RetryNewIDs, &last))
	if msgs == nil {
		t.Fatal("rapid found no fault schedule that breaks retries with new ids")
	}
	if len(last.plan.Crashes) != 0 || len(last.plan.LostAnswers) != 1 {
		t.Fatalf("shrunk to %v at seed %d, want a single lost answer", last.plan, last.seed)
	}
	// The failure is stream-integrity's (the command appended twice) or
	// linearizable's (a retried Open is told the account is already open:
	// its answer lies); shrinking keeps to the check that failed first.
	msg := msgs[len(msgs)-1]
	check := ""
	for _, c := range []string{"stream-integrity", "linearizable"} {
		if strings.Contains(msg, c+" violated under "+last.plan.String()) {
			check = c
		}
	}
	if check == "" {
		t.Fatalf("the shrunk failure is neither stream-integrity's nor linearizable's: %s", msg)
	}
	// The earliest answer whose loss alone breaks it at rapid's seed.
	n := last.plan.LostAnswers[0]
	earliest := 0
	for k := 1; k <= n && earliest == 0; k++ {
		o, err := bank(model.RetryNewIDs, faults.ESPlan{LostAnswers: []int{k}}).Run(last.seed)
		if err != nil {
			t.Fatal(err)
		}
		if verdictOf(o, check) != checks.Holds {
			earliest = k
		}
	}
	if earliest == 0 {
		t.Fatalf("losing answer %d alone does not make %s fail at seed %d, yet rapid shrank to it", n, check, last.seed)
	}
	t.Logf("shrunk to: seed %d, %v (the earliest answer whose loss alone breaks %s: %d); %s", last.seed, last.plan, check, earliest, msg)
}

func verdictOf(o *scenarios.Outcome, check string) checks.Verdict {
	for _, r := range o.Results {
		if r.Check == check {
			return r.Verdict
		}
	}
	return ""
}
