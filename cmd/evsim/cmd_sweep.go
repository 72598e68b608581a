package main

import (
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
	"text/tabwriter"
	"time"

	"github.com/evsim/evsim/checks"
	"github.com/evsim/evsim/reports"
	"github.com/evsim/evsim/scenarios"
)

// sweepLine is the summary of one scenario's sweep (a --json line, and
// sweep.json): mergeable across shards by adding the counts and
// concatenating the failing seeds.
type sweepLine struct {
	Scenario string                            `json:"scenario"`
	Seeds    string                            `json:"seeds"`
	Shard    string                            `json:"shard,omitempty"`
	Runs     int                               `json:"runs"`
	Met      int                               `json:"expectations_met"`
	Verdicts map[string]map[checks.Verdict]int `json:"verdicts"`
	Failing  []uint64                          `json:"failing_seeds"`
	// Broken says the scenario expects a check to be violated; Caught
	// counts the runs in which every such check was.
	Broken bool `json:"broken"`
	Caught int  `json:"caught,omitempty"`
	// FaultsStruck says, per fault, how often it struck over all runs and
	// in how many runs it struck at all.
	FaultsStruck []sweepStrike `json:"faults_struck"`
	// Worst lists, per seed in seed order, the worst lag and query
	// staleness of the run (when charts are drawn).
	Worst []seedWorst `json:"worst,omitempty"`
	// Charts are the files drawn across seeds.
	Charts []string `json:"charts,omitempty"`
	// Interrupted says Ctrl-C stopped the sweep: the counts cover the
	// runs that finished.
	Interrupted bool `json:"interrupted,omitempty"`

	mustViolate []string // the checks the scenario expects violated
}

// sweepStrike is how often one fault struck across the runs of a sweep.
type sweepStrike struct {
	Fault string `json:"fault"`
	Times int    `json:"times"`
	Runs  int    `json:"runs"`
}

// seedWorst is the worst one seed's run got.
type seedWorst struct {
	Seed uint64 `json:"seed"`
	reports.Worst
}

func cmdSweep(args []string, stdout, stderr io.Writer) int {
	fs := newFlagSet("sweep FILE|NAME...|--all --seeds A..B [--shard i/n] [--workers N] [--gate] [--json] [--out DIR] [--summary FILE] [--max-events N] [--max-history SIZE] [--memory SIZE] [--spill-dir DIR]", stderr)
	seedsFlag := fs.String("seeds", "1..100", "inclusive range of seeds")
	shardFlagV := fs.String("shard", "", "run only shard `i/n`, 0 <= i < n: the seeds at positions i, i+n, i+2n... of the range, for every scenario (i as a Kubernetes JOB_COMPLETION_INDEX or a CI matrix gives it; env: i from $JOB_COMPLETION_INDEX, n from $EVSIM_SHARDS); evsim merge combines the shards' summaries")
	workers := fs.Int("workers", runtime.GOMAXPROCS(0), "worlds run in parallel, one goroutine each")
	asJSON := fs.Bool("json", false, "print the summary as one JSON object per scenario")
	outDir := fs.String("out", "evsim-out", "folder for the charts across seeds and the summary (empty: draw none)")
	summaryFlag := fs.String("summary", "", "write the sweep's summary, for evsim merge, to this `FILE`, or into this folder if it ends in a slash (default: DIR/sweep-summary.json, or DIR/sweep-summary-I-of-N.json for a shard)")
	all := fs.Bool("all", false, "sweep every built-in scenario")
	gate := fs.Bool("gate", false, "exit 0 only if every fixed twin meets its expectations on every seed and every broken scenario is caught on at least one")
	bf := addBoundFlags(fs)
	pos, bounds, ok := bf.parse("sweep", fs, args, stderr)
	if !ok {
		return exitUsage
	}
	lo, hi, err := parseSeeds(*seedsFlag)
	if err != nil {
		fmt.Fprintf(stderr, "evsim sweep: --seeds: %v\n", err)
		return exitUsage
	}
	sh, err := shardFlag(*shardFlagV)
	if err != nil {
		fmt.Fprintf(stderr, "evsim sweep: --shard %v\n", err)
		return exitUsage
	}
	if *workers < 1 {
		fmt.Fprintf(stderr, "evsim sweep: --workers %d: want at least 1\n", *workers)
		return exitUsage
	}
	if (len(pos) == 0) != *all {
		fmt.Fprintln(stderr, "usage: evsim sweep FILE|NAME...|--all --seeds A..B (name scenarios or give --all, not both)")
		return exitUsage
	}
	list, err := load(pos)
	if err == nil {
		err = checkFolders(list)
	}
	if err != nil {
		fmt.Fprintf(stderr, "evsim sweep: %v\n", err)
		return exitUsage
	}
	if n := sh.count(lo, hi); n > maxSweepSeeds {
		fmt.Fprintf(stderr, "evsim sweep: --seeds %s: %d seeds per scenario%s, more than one sweep runs (%d); split it with --shard i/n and merge the shards (see Distributed sweeps in README.md)\n",
			*seedsFlag, n, shardOf(sh), maxSweepSeeds)
		return exitUsage
	}
	seeds := sh.seeds(lo, hi)
	summaryFile := summaryPath(*summaryFlag, *outDir, sh)
	if *outDir != "" {
		lock, err := lockOut(*outDir)
		if err != nil {
			fmt.Fprintf(stderr, "evsim sweep: %v\n", err)
			return exitUsage
		}
		defer lock.unlock()
	}
	intr := watchInterrupt()
	defer intr.release()
	defer tuneGC()()
	start := time.Now()
	summary := &sweepSummary{Format: summaryFormat, Build: build(), Seeds: *seedsFlag, Shard: sh.String(),
		MaxEvents: bounds.Events, MaxHistory: bounds.HistoryBytes, Scenarios: []sweptScenario{}}
	rerun := boundArgs(bounds)
	err = sweepAll(list, seeds, *workers, bounds, terminal(stderr), *outDir != "" || summaryFile != "", intr, func(s *scenarios.Scenario, sum *sweepLine) error {
		sum.Seeds, sum.Shard = *seedsFlag, sh.String()
		summary.Scenarios = append(summary.Scenarios, sweptScenario{File: s.File, Source: string(s.Source), Sweep: sum})
		return emitSweep(stdout, s, sum, rerun, *asJSON, *outDir)
	})
	if err != nil {
		fmt.Fprintf(stderr, "evsim sweep: %v\n", err)
		if *outDir != "" {
			// The index lists the scenarios whose sweeps were written.
			if err := writeIndex(*outDir); err != nil {
				fmt.Fprintf(stderr, "evsim sweep: %v\n", err)
			}
		}
		return exitUsage
	}
	summary.Interrupted = intr.stopped()
	if err := finishSweep(summary, *outDir, summaryFile); err != nil {
		fmt.Fprintf(stderr, "evsim sweep: %v\n", err)
		return exitUsage
	}
	if intr.stopped() {
		fmt.Fprintln(stderr, "evsim sweep: interrupted; the summary above covers the runs that finished")
		return exitInterrupted
	}
	return sweepExit(summary, *gate, *asJSON, len(seeds), time.Since(start), stdout, stderr)
}

// maxSweepSeeds is the most seeds per scenario one sweep (or one shard)
// runs: it keeps each seed's worst lag and staleness until the scenario's
// runs are all in, and a run takes milliseconds at the least, so a
// larger range would take days on one machine and its memory first.
const maxSweepSeeds = 10_000_000

// shardOf is ", in shard i/n", or "" for the whole sweep.
func shardOf(sh shard) string {
	if sh.Count <= 1 {
		return ""
	}
	return ", in shard " + sh.String()
}

// emitSweep draws the charts across seeds of one scenario's sweep into
// outDir (unless empty) and prints its summary: a table, or one JSON
// line. rerun are the bound flags that end each failing seed's repro
// ([boundArgs]).
func emitSweep(stdout io.Writer, s *scenarios.Scenario, sum *sweepLine, rerun string, asJSON bool, outDir string) error {
	if outDir != "" {
		if err := sweepCharts(filepath.Join(outDir, s.Name), sum, s, rerun); err != nil {
			return err
		}
	}
	if asJSON {
		line := *sum
		line.Worst = nil // per seed: in sweep.json, not on the line
		b, _ := json.Marshal(line)
		fmt.Fprintf(stdout, "%s\n", b)
		return nil
	}
	printSweep(stdout, s, sum, rerun)
	return nil
}

// finishSweep writes the index of outDir (unless empty) and the summary
// (unless summaryFile is empty).
func finishSweep(all *sweepSummary, outDir, summaryFile string) error {
	if outDir != "" {
		if err := writeIndex(outDir); err != nil {
			return err
		}
	}
	if summaryFile != "" {
		return writeSummary(summaryFile, all)
	}
	return nil
}

// sweepExit is a sweep's exit code: failed if a seed failed its
// expectations, or, with gate, the gate's judgement (printed on stdout,
// or on stderr when stdout holds JSON lines). seeds is the number of
// seeds each scenario ran; took, if positive, is printed.
func sweepExit(all *sweepSummary, gate, asJSON bool, seeds int, took time.Duration, stdout, stderr io.Writer) int {
	var sums []*sweepLine
	code := exitOK
	for _, sc := range all.Scenarios {
		sums = append(sums, sc.Sweep)
		if len(sc.Sweep.Failing) > 0 {
			code = exitFailed
		}
	}
	if !gate {
		return code
	}
	w := stdout
	if asJSON {
		w = stderr // stdout holds only the JSON lines
	}
	if !gateSweep(w, sums, seeds, took) {
		return exitFailed
	}
	return exitOK
}

// gateSweep prints the gate's judgement of a sweep and reports whether it
// passes: every fixed twin (a scenario that expects no violation) met its
// expectations on every seed, and every broken scenario was caught (each
// check it expects violated was) on at least one seed. It gives each
// broken scenario's share of seeds caught and the sweep's time.
func gateSweep(w io.Writer, sums []*sweepLine, seeds int, took time.Duration) bool {
	ok := true
	fixed, broken := 0, 0
	fmt.Fprintln(w, "== gate")
	for _, sum := range sums {
		if !sum.Broken {
			fixed++
			if len(sum.Failing) > 0 || sum.Runs < seeds {
				ok = false
				fmt.Fprintf(w, "  FAILED: fixed twin %s met its expectations in %d of %d runs (failing seeds %v)\n",
					sum.Scenario, sum.Met, seeds, firstSeeds(sum.Failing))
			}
			continue
		}
		broken++
		pct := 0.0
		if sum.Runs > 0 {
			pct = 100 * float64(sum.Caught) / float64(sum.Runs)
		}
		mark := "caught"
		if sum.Caught == 0 {
			ok = false
			mark = "FAILED: never caught"
		}
		fmt.Fprintf(w, "  %s: broken, caught on %d of %d seeds (%.1f%%): %s\n", sum.Scenario, sum.Caught, sum.Runs, pct, mark)
	}
	verdict := "passed"
	if !ok {
		verdict = "FAILED"
	}
	in := ""
	if took > 0 {
		in = fmt.Sprintf(", in %v", took.Round(time.Second))
	}
	fmt.Fprintf(w, "gate %s: %d fixed twins, %d broken scenarios, %d seeds each%s\n", verdict, fixed, broken, seeds, in)
	return ok
}

// firstSeeds returns at most the first ten seeds of a list.
func firstSeeds(s []uint64) []uint64 { return s[:min(len(s), 10)] }

// sweepAll runs every scenario of list at every seed, on workers
// goroutines, one world each, that take their (scenario, seed) cells
// from one feed, costliest scenario first (see feed): a worker never
// waits for another while cells are left. As each
// scenario's runs are all in, in list order, it calls emit with the
// scenario's summary. After Ctrl-C no new run starts; the scenarios with
// runs finished are emitted, those whose runs did not all finish marked
// Interrupted. A scenario that cannot run stops the sweep with its
// error.
func sweepAll(list []*scenarios.Scenario, seeds []uint64, workers int, bounds scenarios.Bounds, progress io.Writer, measure bool, intr *interrupt,
	emit func(s *scenarios.Scenario, sum *sweepLine) error) error {
	for _, s := range list {
		s.Normalize() // here, before the workers share s: each run would otherwise fill in its defaults
	}
	sums := make([]*sweepLine, len(list))
	for i, s := range list {
		sums[i] = newSweepLine(s)
	}
	// Each worker counts its runs in the summaries itself, under mu, and
	// wakes this goroutine only when a scenario's runs are all in (or on
	// an error), for it to emit: waking it at every run would cost a
	// system call per run on a core the other worker may need.
	var (
		mu       sync.Mutex
		done     = make([]int, len(list))
		firstErr error
	)
	abort := make(chan struct{})
	ready := make(chan struct{}, 1)
	wake := func() {
		select {
		case ready <- struct{}{}:
		default: // already awake or about to be
		}
	}
	fail := func(err error) { // under mu
		if firstErr == nil {
			firstErr = err
			close(abort)
		}
	}
	count := func(sc int, seed uint64, o *scenarios.Outcome, worst reports.Worst, err error) {
		mu.Lock()
		defer mu.Unlock()
		if firstErr != nil {
			return // the sweep is stopping
		}
		if err != nil {
			fail(err)
			wake()
			return
		}
		sums[sc].add(seed, o, worst, measure)
		done[sc]++
		if progress != nil && (done[sc]%10 == 0 || done[sc] == len(seeds)) {
			fmt.Fprintf(progress, "\r  %s: %d/%d runs, %d failing", list[sc].Name, done[sc], len(seeds), len(sums[sc].Failing))
			if done[sc] == len(seeds) || intr.stopped() {
				fmt.Fprint(progress, "\r\033[K")
			}
		}
		if done[sc] == len(seeds) {
			wake()
		}
	}
	fd := newFeed(len(list), len(seeds))
	var wg sync.WaitGroup
	for range min(workers, max(1, len(list)*len(seeds))) {
		wg.Go(func() {
			for {
				select {
				case <-intr.stop: // Ctrl-C: the runs under way finish, no new one starts
					return
				case <-abort:
					return
				default:
				}
				sc, i, ok := fd.pick()
				if !ok {
					return
				}
				start := time.Now()
				if testHookPicked != nil {
					testHookPicked(sc, i)
				}
				o, err := list[sc].RunWithin(seeds[i], bounds)
				fd.done(sc, time.Since(start))
				var worst reports.Worst
				if o != nil {
					if measure {
						j := o.Judgement // the staleness its checks measured
						if j == nil {
							j = checks.NewJudgement(o.History)
						}
						worst = reports.WorstOfJudgement(j)
					}
					o.Release() // later runs reuse its history buffer
				}
				count(sc, seeds[i], o, worst, err)
			}
		})
	}
	finished := make(chan struct{})
	go func() {
		wg.Wait()
		close(finished)
	}()
	next := 0 // the first scenario not yet emitted
	for over := false; !over; {
		select {
		case <-ready:
		case <-finished:
			over = true
		}
		// The scenarios whose runs are all in, in list order: no worker
		// touches their summaries again.
		mu.Lock()
		from, err := next, firstErr
		for ; err == nil && next < len(list) && done[next] == len(seeds); next++ {
		}
		mu.Unlock()
		for sc := from; err == nil && sc < next; sc++ {
			if err = emit(list[sc], sums[sc].finish()); err != nil {
				mu.Lock()
				fail(err)
				mu.Unlock()
			}
		}
		if err != nil {
			<-finished // the runs under way
			return err
		}
	}
	// Cut short by Ctrl-C: the scenarios that ran at all, those whose
	// runs did not all finish marked (the feed may have finished a
	// later scenario's runs and not an earlier one's).
	for ; next < len(list); next++ {
		if done[next] == 0 {
			continue
		}
		sum := sums[next].finish()
		sum.Interrupted = done[next] < len(seeds)
		if err := emit(list[next], sum); err != nil {
			return err
		}
	}
	return nil
}

// testHookPicked, when set, is called as a sweep's worker starts the
// run of scenario sc at seed index seed; the time it takes counts in the
// run's.
var testHookPicked func(sc, seed int)

// newSweepLine starts the summary of s's sweep, with no run in it.
func newSweepLine(s *scenarios.Scenario) *sweepLine {
	sum := &sweepLine{Scenario: s.Name, Verdicts: map[string]map[checks.Verdict]int{}, Failing: []uint64{},
		FaultsStruck: []sweepStrike{}}
	for _, c := range s.Checks {
		if s.Expect[c] == checks.Violated {
			sum.mustViolate = append(sum.mustViolate, c)
		}
	}
	sum.Broken = len(sum.mustViolate) > 0
	return sum
}

// add counts the run o of the sweep at seed, and worst, its worst lag and
// staleness, if measured.
func (sum *sweepLine) add(seed uint64, o *scenarios.Outcome, worst reports.Worst, measure bool) {
	sum.Runs++
	if measure {
		sum.Worst = append(sum.Worst, seedWorst{seed, worst})
	}
	if o.Met() {
		sum.Met++
	} else {
		sum.Failing = append(sum.Failing, seed)
	}
	caught := sum.Broken
	for _, res := range o.Results {
		if sum.Verdicts[res.Check] == nil {
			sum.Verdicts[res.Check] = map[checks.Verdict]int{}
		}
		sum.Verdicts[res.Check][res.Verdict]++
		if slices.Contains(sum.mustViolate, res.Check) && res.Verdict != checks.Violated {
			caught = false
		}
	}
	if caught {
		sum.Caught++
	}
	for i, f := range o.FaultsStruck {
		if i == len(sum.FaultsStruck) {
			sum.FaultsStruck = append(sum.FaultsStruck, sweepStrike{Fault: f.Fault})
		}
		sum.FaultsStruck[i].Times += f.Times
		if f.Times > 0 {
			sum.FaultsStruck[i].Runs++
		}
	}
}

// finish puts the failing seeds and the per-seed worsts, which come in
// the order the runs finish, in seed order.
func (sum *sweepLine) finish() *sweepLine {
	slices.Sort(sum.Failing)
	sort.Slice(sum.Worst, func(i, j int) bool { return sum.Worst[i].Seed < sum.Worst[j].Seed })
	return sum
}

func printSweep(w io.Writer, s *scenarios.Scenario, sum *sweepLine, rerun string) {
	shard := ""
	if sum.Shard != "" {
		shard = ", shard " + sum.Shard
	}
	fmt.Fprintf(w, "== %s: %d runs, seeds %s%s%s\n", s.Name, sum.Runs, sum.Seeds, shard, interruptedMark(sum))
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "  check\tholds\tviolated\tunknown\texpected\t")
	for _, c := range s.Checks {
		v := sum.Verdicts[c]
		fmt.Fprintf(tw, "  %s\t%d\t%d\t%d\t%s\t\n", c, v[checks.Holds], v[checks.Violated], v[checks.Unknown], expected(s, c))
	}
	tw.Flush()
	fmt.Fprintf(w, "  expectations met in %d of %d runs\n", sum.Met, sum.Runs)
	if sum.Broken {
		fmt.Fprintf(w, "  caught (every check expected violated was) in %d of %d runs\n", sum.Caught, sum.Runs)
	}
	for _, f := range sum.FaultsStruck {
		if f.Runs == 0 {
			fmt.Fprintf(w, "  faults: %s never struck\n", f.Fault)
			continue
		}
		fmt.Fprintf(w, "  faults: %s struck %s, in %d of %d runs\n", f.Fault, times(f.Times), f.Runs, sum.Runs)
	}
	if len(sum.Charts) > 0 {
		fmt.Fprintf(w, "  charts across seeds: %s\n", strings.Join(sum.Charts, ", "))
	}
	for i, seed := range sum.Failing {
		if i == 10 {
			fmt.Fprintf(w, "  ... and %d more failing seeds (--json and sweep.html list them all)\n", len(sum.Failing)-10)
			break
		}
		fmt.Fprintf(w, "  failing seed %d: %s\n", seed, seedRepro(s, seed, rerun))
	}
}

func parseSeeds(s string) (uint64, uint64, error) {
	a, b, ok := strings.Cut(s, "..")
	if !ok {
		b = a
	}
	lo, err1 := strconv.ParseUint(a, 10, 64)
	hi, err2 := strconv.ParseUint(b, 10, 64)
	if err1 != nil || err2 != nil || lo > hi {
		return 0, 0, fmt.Errorf("%q: want a range like 1..1000 with first <= last", s)
	}
	return lo, hi, nil
}

// terminal returns w if it is a terminal, for progress lines, else nil.
func terminal(w io.Writer) io.Writer {
	f, ok := w.(*os.File)
	if !ok {
		return nil
	}
	st, err := f.Stat()
	if err != nil || st.Mode()&os.ModeCharDevice == 0 {
		return nil
	}
	return w
}
