package scenarios_test

import (
	"bytes"
	"os"
	"path/filepath"
	"runtime"
	"sync"
	"testing"

	"github.com/evsim/evsim/checks"
	"github.com/evsim/evsim/model/history"
	"github.com/evsim/evsim/scenarios"
)

// testdataScenarios parses the test-only scenarios of testdata/.
func testdataScenarios(t *testing.T) []*scenarios.Scenario {
	t.Helper()
	files, err := filepath.Glob(filepath.Join("testdata", "*.yaml"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no testdata scenarios: %v", err)
	}
	var out []*scenarios.Scenario
	for _, f := range files {
		src, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		s, err := scenarios.Parse(f, src)
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, s)
	}
	return out
}

func builtin(t *testing.T, name string) *scenarios.Scenario {
	t.Helper()
	s, err := scenarios.Builtin(name)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func testdataScenario(t *testing.T, name string) *scenarios.Scenario {
	t.Helper()
	for _, s := range testdataScenarios(t) {
		if s.Name == name {
			return s
		}
	}
	t.Fatalf("no testdata scenario %q", name)
	return nil
}

func run(t *testing.T, s *scenarios.Scenario, seed uint64) *scenarios.Outcome {
	t.Helper()
	o, err := s.Run(seed)
	if err != nil {
		t.Fatalf("%s seed %d: %v", s.Name, seed, err)
	}
	return o
}

// forSeeds runs s on seeds 1..n on every core and calls judge with each
// outcome, from several goroutines at once (judge must lock what it
// shares). Outcomes are dropped after judging: their histories are large.
// Worlds share nothing, so this is also a test that they can run side by
// side.
func forSeeds(t *testing.T, s *scenarios.Scenario, n int, judge func(seed int, o *scenarios.Outcome)) {
	t.Helper()
	var wg sync.WaitGroup
	seeds := make(chan int)
	for range runtime.GOMAXPROCS(0) {
		wg.Go(func() {
			for seed := range seeds {
				o, err := s.Run(uint64(seed))
				if err != nil {
					t.Errorf("%s seed %d: %v", s.Name, seed, err)
					continue
				}
				judge(seed, o)
				o.Release()
			}
		})
	}
	for seed := 1; seed <= n; seed++ {
		seeds <- seed
	}
	close(seeds)
	wg.Wait()
}

func result(t *testing.T, o *scenarios.Outcome, check string) checks.Result {
	t.Helper()
	for _, r := range o.Results {
		if r.Check == check {
			return r
		}
	}
	t.Errorf("%s seed %d: no result for %s", o.Scenario.Name, o.Seed, check)
	return checks.Result{}
}

func jsonl(t *testing.T, o *scenarios.Outcome) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := o.History.WriteJSONL(&b); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// allScenarios returns every built-in scenario and the test-only ones in
// testdata.
func allScenarios(t *testing.T) []*scenarios.Scenario {
	t.Helper()
	all, err := scenarios.Builtins()
	if err != nil {
		t.Fatal(err)
	}
	return append(all, testdataScenarios(t)...)
}

// ptr returns a pointer to a copy of e, for a record a test keeps as
// optional.
func ptr(e history.Entry) *history.Entry { return &e }
