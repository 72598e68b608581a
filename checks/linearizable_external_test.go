package checks_test

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/evsim/evsim/checks"
	"github.com/evsim/evsim/model/history"
	"github.com/evsim/evsim/scenarios"
	"github.com/evsim/evsim/sim"
)

func run(t testing.TB, name string) *history.History {
	t.Helper()
	s, err := scenarios.Builtin(name)
	if err != nil {
		t.Fatal(err)
	}
	o, err := s.Run(s.Seed)
	if err != nil {
		t.Fatal(err)
	}
	return o.History
}

// TestLinearizabilityHTML writes porcupine's visualization of the smallest
// rejected prefix for the stale reads of C4, and writes nothing for the
// linearizable write side. Set PORCUPINE_OUT to keep the page.
func TestLinearizabilityHTML(t *testing.T) {
	h := run(t, "stale-read")
	dir := os.Getenv("PORCUPINE_OUT")
	if dir == "" {
		dir = t.TempDir()
	}
	path := filepath.Join(dir, "stale-read-linearizability.html")
	wrote, clients, err := checks.WriteLinearizabilityHTML(h, true, path)
	if err != nil || !wrote {
		t.Fatalf("wrote %v, err %v", wrote, err)
	}
	// The rows are named by the sessions that issued their operations.
	sessions := map[string]bool{}
	for _, r := range h.All() {
		if r.Kind == history.Command || r.Kind == history.Query {
			sessions[r.Node] = true
		}
	}
	seen := map[string]bool{}
	for _, c := range clients {
		if !sessions[c] || seen[c] {
			t.Errorf("rows %q: %q is not a distinct session of the history", clients, c)
		}
		seen[c] = true
	}
	if len(clients) < 2 {
		t.Errorf("rows %q: want the sessions of a stale read, at least two", clients)
	}
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	// The read model's checkpoints meanwhile are annotated on a row of
	// their own.
	if !strings.Contains(string(b), `"Tag":"balances (read model)","Start"`) || !strings.Contains(string(b), `"Description":"checkpoint `) {
		t.Error("visualization: no row of the read model's checkpoints")
	}
	if !strings.Contains(string(b), "<html") || len(b) > 2<<20 {
		t.Errorf("visualization: %d bytes, want a small HTML page", len(b))
	}
	if wrote, _, err := checks.WriteLinearizabilityHTML(h, false, filepath.Join(dir, "none.html")); wrote || err != nil {
		t.Errorf("the write side is linearizable, yet wrote %v err %v", wrote, err)
	}
}

// TestLinearizableMutations plants one anomaly in the history of a fixed
// twin whose write side is linearizable and requires linearizable to
// flip from holds to violated: a strong read that misses the session's
// own deposit just acknowledged (stale read), and two commands' answers
// swapped.
func TestLinearizableMutations(t *testing.T) {
	for _, name := range []string{"write-model-validation", "expected-version"} {
		h := run(t, name)
		if r := checks.Linearizable(h); r.Verdict != checks.Holds {
			t.Fatalf("%s as recorded: %s: %s", name, r.Verdict, r.Explanation)
		}
		if name == "write-model-validation" {
			stale, what := staleRead(t, h)
			r := checks.Linearizable(stale)
			if r.Verdict != checks.Violated || !strings.Contains(r.Explanation, what) {
				t.Errorf("%s with a stale read (%s): %s: %s", name, what, r.Verdict, r.Explanation)
			}
		}
		swapped := swapAnswers(t, h)
		if r := checks.Linearizable(swapped); r.Verdict != checks.Violated {
			t.Errorf("%s with two answers swapped: %s: %s", name, r.Verdict, r.Explanation)
		}
	}
}

// staleRead copies h and makes a strong read right after an acknowledged
// deposit by the same session return the balance before the deposit. It
// picks a deposit and read that no other operation on the account
// overlaps, so that no other order can explain the read.
func staleRead(t *testing.T, h *history.History) (*history.History, string) {
	t.Helper()
	c := history.FromEntries(append([]history.Entry(nil), h.Entries()...))
	// pending[key] counts the operations on key invoked and not answered.
	pending := map[string]int{}
	started := map[string]bool{}
	for i, r := range c.All() {
		switch r.Kind {
		case history.Command, history.Query:
			if !started[r.Command] {
				started[r.Command] = true
				pending[r.Key]++
			}
			continue
		case history.CommandReturn, history.QueryReturn:
			pending[r.Key]--
		}
		if r.Kind != history.CommandReturn || r.Type != "Deposit" || r.Outcome != history.OutcomeOK || pending[r.Key] != 0 {
			continue
		}
		// The deposit's invocation must not overlap another operation
		// either: find it and look at what ran meanwhile.
		alone := true
		for j := i - 1; j >= 0 && c.At(j).Command != r.Command; j-- {
			if c.At(j).Key == r.Key && c.At(j).Node != r.Node {
				alone = false
			}
		}
		for j := i + 1; alone && j < c.Len(); j++ {
			q := c.At(j)
			if q.Key == r.Key && q.Node != r.Node {
				break
			}
			if q.Node != r.Node || q.Kind != history.QueryReturn {
				continue
			}
			if q.Mode != history.ModeStrong || q.Key != r.Key || q.Value != r.Value {
				break
			}
			q.Value = r.Value - r.Amount
			c.Set(j, q)
			return c, fmt.Sprintf("%s read %s (strong) -> %d", q.Node, q.Key, q.Value)
		}
	}
	t.Fatal("no strong read after a deposit")
	return nil, ""
}

// swapAnswers copies h and swaps the balances answered to the first and
// the last acknowledged commands of one account that answered different
// balances.
func swapAnswers(t *testing.T, h *history.History) *history.History {
	t.Helper()
	c := history.FromEntries(append([]history.Entry(nil), h.Entries()...))
	first := map[string]int{}
	last := -1
	for i, r := range c.All() {
		if r.Kind != history.CommandReturn || r.Outcome != history.OutcomeOK || r.Type == "Open" {
			continue
		}
		if _, ok := first[r.Key]; !ok {
			first[r.Key] = i
			continue
		}
		if c.At(first[r.Key]).Value != r.Value && r.Key == "acct-0" {
			last = i
		}
	}
	f, ok := first["acct-0"]
	if !ok || last < 0 {
		t.Fatal("no two answers of acct-0 to swap")
	}
	a, b := c.At(f), c.At(last)
	a.Value, b.Value = b.Value, a.Value
	c.Set(f, a)
	c.Set(last, b)
	return c
}

// TestLinearizableApplyLogicChange: in snapshot-drift and its fixed twin
// the apply logic changes at 1s and balances are kept in cents after it:
// no account is judged, each is named, and the verdict is unknown.
func TestLinearizableApplyLogicChange(t *testing.T) {
	for _, name := range []string{"snapshot-drift", "snapshot-stamped"} {
		r := checks.Linearizable(run(t, name))
		if r.Verdict != checks.Unknown || !strings.Contains(r.Explanation, "acct-0") || !strings.Contains(r.Explanation, "apply logics 1 and 2") {
			t.Errorf("%s: %s: %s", name, r.Verdict, r.Explanation)
		}
	}
}

// busyAccount runs the expected-version scenario with 8 sessions on one
// account for simulated time d, a tenth of the store's answers lost and
// no retries: every lost answer is the command's final, unknown outcome
// (the store's records settle it), and every acknowledged write is read
// back from the write side.
func busyAccount(b testing.TB, d time.Duration) *history.History {
	s, err := scenarios.Builtin("expected-version")
	if err != nil {
		b.Fatal(err)
	}
	busy := *s
	busy.Duration = d
	busy.ES.Store.LostAnswer = sim.Ratio{Num: 1, Den: 10}
	busy.ES.Clients = append(busy.ES.Clients[:0:0], busy.ES.Clients...)
	c := &busy.ES.Clients[0]
	c.Keys, c.Sessions, c.Retries, c.Stop = 1, 8, 0, d
	c.ReadAfterWrite = "strong"
	o, err := busy.Run(1)
	if err != nil {
		b.Fatal(err)
	}
	return o.History
}

// opCounts counts the answered operations of h and the commands among
// them whose answer was lost.
func opCounts(h *history.History) (ops, lost int) {
	for _, r := range h.All() {
		switch {
		case r.Kind == history.CommandReturn && r.Outcome == history.OutcomeUnknown:
			ops++
			lost++
		case r.Kind == history.CommandReturn && (r.Outcome == history.OutcomeOK || r.Outcome == history.OutcomeRejected):
			ops++
		case r.Kind == history.QueryReturn && r.Outcome == history.OutcomeOK:
			ops++
		}
	}
	return ops, lost
}

// BenchmarkLinearizableBusyAccount decides a history of 8 sessions on one
// account, over 2,000 operations, about a tenth of them commands whose
// answer was lost:
//
//	go test ./checks -run '^$' -bench LinearizableBusyAccount -benchtime 5x
func BenchmarkLinearizableBusyAccount(b *testing.B) {
	h := busyAccount(b, 13*time.Second)
	ops, lost := opCounts(h)
	if ops < 2000 || lost*100 < ops*8 {
		b.Fatalf("history has %d operations, %d lost answers: want 2,000 and about 10%%", ops, lost)
	}
	b.ResetTimer()
	for range b.N {
		if r := checks.Linearizable(h); r.Verdict == checks.Unknown {
			b.Fatalf("undecided: %s", r.Explanation)
		}
	}
	b.ReportMetric(float64(ops), "ops")
	b.ReportMetric(float64(lost), "lost")
}

// bigHistory runs the expected-version scenario scaled up to 1,000
// accounts and 50 sessions for 30s of simulated time: over 100,000
// commands and strong reads.
func bigHistory(b testing.TB) *history.History {
	s, err := scenarios.Builtin("expected-version")
	if err != nil {
		b.Fatal(err)
	}
	big := *s
	big.Duration = 30 * time.Second
	big.ES.Clients = append(big.ES.Clients[:0:0], big.ES.Clients...)
	c := &big.ES.Clients[0]
	c.Keys, c.Sessions, c.Interval, c.Stop = 1000, 50, 4*time.Millisecond, big.Duration
	c.ReadAfterWrite = "strong"
	o, err := big.Run(1)
	if err != nil {
		b.Fatal(err)
	}
	return o.History
}

// BenchmarkLinearizable100k checks a history of over 100,000 operations
// on 1,000 accounts, one search per account:
//
//	go test ./checks -run '^$' -bench Linearizable100k -benchtime 3x
func BenchmarkLinearizable100k(b *testing.B) {
	h := bigHistory(b)
	ops := 0
	for _, r := range h.All() {
		if r.Kind == history.CommandReturn || r.Kind == history.QueryReturn {
			ops++
		}
	}
	if ops < 100_000 {
		b.Fatalf("history has %d operations, want at least 100,000", ops)
	}
	b.ResetTimer()
	for range b.N {
		if r := checks.Linearizable(h); r.Verdict != checks.Holds {
			b.Fatalf("%s: %s", r.Verdict, r.Explanation)
		}
	}
	b.ReportMetric(float64(ops), "ops")
}

// TestLinearizableSearchAgainstPorcupineOnScenarios: on the histories of
// the built-in scenarios that judge linearizability, the step-bounded
// search and porcupine agree on every account, write side and reads.
func TestLinearizableSearchAgainstPorcupineOnScenarios(t *testing.T) {
	total := map[bool]int{}
	for _, name := range []string{"expected-version", "lost-update", "retry-new-ids", "retry-same-ids", "stale-read",
		"stale-validation", "write-model-validation", "read-your-writes-token", "unstarted-projection-wait"} {
		h := run(t, name)
		for _, reads := range []bool{false, true} {
			dis, ok, illegal := checks.LinearizableAccountsAgainstPorcupine(h, reads)
			if len(dis) > 0 {
				t.Errorf("%s (reads %v): the search and porcupine disagree on %v", name, reads, dis)
			}
			total[true] += ok
			total[false] += illegal
		}
	}
	if total[true] == 0 || total[false] == 0 {
		t.Errorf("accounts linearizable %d, not %d: want both", total[true], total[false])
	}
}

// TestLinearizableBusyAccountDecided: 8 sessions on one account, over
// 2,000 operations, about a tenth of them commands whose answer was lost:
// the store's records settle every lost answer and the search decides
// (the benchmark of the same history measures how fast).
func TestLinearizableBusyAccountDecided(t *testing.T) {
	h := busyAccount(t, 13*time.Second)
	ops, lost := opCounts(h)
	r := checks.Linearizable(h)
	if ops < 2000 || lost*100 < ops*8 || r.Verdict != checks.Holds || !strings.Contains(r.Explanation, "0 may or may not") {
		t.Fatalf("%d operations, %d lost: %s: %s", ops, lost, r.Verdict, r.Explanation)
	}
}
