package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"text/tabwriter"

	"github.com/evsim/evsim/checks"
	"github.com/evsim/evsim/live"
	"github.com/evsim/evsim/scenarios"
)

// liveLine is the verdicts.json of one live run.
type liveLine struct {
	Scenario        string                    `json:"scenario"`
	Source          string                    `json:"source"`
	Run             int                       `json:"run"`
	Records         int                       `json:"records"`
	Drained         bool                      `json:"drained"`
	Crashes         int                       `json:"crashes"`
	Checks          map[string]checks.Verdict `json:"checks"`
	Simulated       map[string]checks.Verdict `json:"simulated"`
	ExpectationsMet bool                      `json:"expectations_met"`
	Failures        []string                  `json:"failures,omitempty"`
	Notes           []string                  `json:"notes,omitempty"`
	Results         []checks.Result           `json:"results"`
}

func cmdLive(args []string, stdout, stderr io.Writer) int {
	const name = "live FILE|NAME... [--compare] [--brokers host:port,...] [--out DIR] [--runs N] [--timeout D] [--max-events N] [--max-history SIZE] [--memory SIZE] [--spill-dir DIR]"
	help := slices.ContainsFunc(args, isHelp)
	if help {
		// --help asks for the flags: on stdout, exit 0, as for the other
		// commands.
		stderr = stdout
	}
	fs := newFlagSet(name, stderr)
	brokers := fs.String("brokers", "", "a real Kafka or Redpanda cluster's seed brokers (default: an embedded in-process cluster)")
	outDir := fs.String("out", "evsim-out", "folder for each live run's history and verdicts")
	runs := fs.Int("runs", 1, "live runs of each scenario")
	timeout := fs.Duration("timeout", live.DefaultTimeout, "bound on each live run, drain included")
	compare := fs.Bool("compare", false, "print the simulated and live verdicts side by side and the checks that differ; exit 1 when any differs (no FILE or NAME: every built-in pair that runs live)")
	bf := addBoundFlags(fs) // the simulated run's; --timeout bounds the live one
	if help {
		fs.Usage()
		return exitOK
	}
	pos, bounds, ok := bf.parse("live", fs, args, stderr)
	if !ok {
		return exitUsage
	}
	if len(pos) == 0 && !*compare || *runs < 1 || *timeout <= 0 {
		fmt.Fprintln(stderr, "evsim live: want at least one FILE or NAME (or --compare alone), --runs of at least 1 and a positive --timeout")
		return exitUsage
	}
	if len(pos) == 0 {
		pairs, err := live.LivePairs()
		if err != nil {
			fmt.Fprintf(stderr, "evsim live: %v\n", err)
			return exitUsage
		}
		for _, m := range pairs {
			pos = append(append(pos, m.Broken...), m.Fixed...)
		}
	}
	list, err := load(pos)
	if err != nil {
		fmt.Fprintf(stderr, "evsim live: %v\n", err)
		return exitUsage
	}
	var seeds []string
	if *brokers != "" {
		for _, b := range strings.Split(*brokers, ",") {
			if b = strings.TrimSpace(b); b == "" {
				fmt.Fprintf(stderr, "evsim live: --brokers %q: an empty address; want host:port,... (no --brokers: the embedded cluster)\n", *brokers)
				return exitUsage
			}
			seeds = append(seeds, b)
		}
	}
	var refused []string
	for _, s := range list {
		for _, r := range live.Refusals(s, live.Options{Brokers: seeds}) {
			refused = append(refused, fmt.Sprintf("  %s: refused: %s", s.Name, r))
		}
	}
	if len(refused) > 0 {
		fmt.Fprintf(stderr, "evsim live: these knobs and faults cannot be applied live, so nothing ran:\n%s\n", strings.Join(refused, "\n"))
		return exitUsage
	}
	lock, err := lockOut(*outDir)
	if err != nil {
		fmt.Fprintf(stderr, "evsim live: %v\n", err)
		return exitUsage
	}
	defer lock.unlock()
	intr := watchInterrupt()
	defer intr.release()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	go func() {
		select {
		case <-intr.stop:
			cancel()
		case <-ctx.Done():
		}
	}()
	code := exitOK
	var differ []string
	for _, s := range list {
		sim, err := s.RunWithin(s.Seed, bounds)
		if err != nil {
			fmt.Fprintf(stderr, "evsim live: simulate %s: %v\n", s.Name, err)
			return exitUsage
		}
		simulated := map[string]checks.Verdict{}
		for _, r := range sim.Results {
			simulated[r.Check] = r.Verdict
		}
		if err := clearLive(filepath.Join(*outDir, s.Name+"-live")); err != nil {
			fmt.Fprintf(stderr, "evsim live: %v\n", err)
			return exitUsage
		}
		var results []*live.Result
		for i := range *runs {
			res, err := live.Run(ctx, s, live.Options{Brokers: seeds, Timeout: *timeout, Seed: s.Seed + uint64(i)})
			if err != nil {
				fmt.Fprintf(stderr, "evsim live: %v\n", err)
				return exitUsage
			}
			dir := filepath.Join(*outDir, s.Name+"-live")
			if *runs > 1 {
				dir = filepath.Join(dir, fmt.Sprintf("run-%d", i+1))
			}
			if err := writeLive(dir, s, i+1, res, simulated); err != nil {
				fmt.Fprintf(stderr, "evsim live: %v\n", err)
				return exitUsage
			}
			results = append(results, res)
			if !res.Met() && !*compare {
				code = exitFailed
			}
			if intr.stopped() {
				break
			}
		}
		if *compare {
			rows := live.Compare(s, sim.Results, results)
			printCompare(stdout, s, rows, results, filepath.Join(*outDir, s.Name+"-live"))
			for _, r := range rows {
				if r.Differs {
					differ = append(differ, s.Name+" "+r.Check)
					code = exitFailed
				}
			}
		} else {
			printLive(stdout, s, results, simulated, filepath.Join(*outDir, s.Name+"-live"))
		}
		if intr.stopped() {
			fmt.Fprintln(stderr, "evsim live: interrupted; the clients are closed and the history recorded so far is written")
			return exitInterrupted
		}
	}
	if *compare {
		if len(differ) == 0 {
			fmt.Fprintf(stdout, "compare: %d scenarios, %d live runs each: every check reached the simulated verdict in every live run\n", len(list), *runs)
		} else {
			fmt.Fprintf(stdout, "compare: %d scenarios, %d live runs each: %d checks differ (a model bug, a broker or client bug, or timing the live runs did not share): %s\n",
				len(list), *runs, len(differ), strings.Join(differ, ", "))
		}
	}
	return code
}

// clearLive removes from dir, a scenario's live folder, the files of
// earlier live runs: its history and verdicts, and its run-N folders
// (written with --runs above 1), so that it holds this command's runs
// alone.
func clearLive(dir string) error {
	for _, name := range []string{"verdicts.json", "history.jsonl"} {
		if err := os.Remove(filepath.Join(dir, name)); err != nil && !errors.Is(err, os.ErrNotExist) {
			return fmt.Errorf("out folder: %w", err)
		}
	}
	runs, err := filepath.Glob(filepath.Join(dir, "run-*"))
	if err != nil {
		return fmt.Errorf("out folder: %w", err)
	}
	for _, r := range runs {
		if _, err := strconv.Atoi(strings.TrimPrefix(filepath.Base(r), "run-")); err != nil {
			continue // not a folder evsim live writes
		}
		if err := os.RemoveAll(r); err != nil {
			return fmt.Errorf("out folder: %w", err)
		}
	}
	return nil
}

// writeLive writes a live run's history and verdicts into dir, each file
// whole or not at all, verdicts.json last.
func writeLive(dir string, s *scenarios.Scenario, run int, res *live.Result, simulated map[string]checks.Verdict) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("out folder: %w", err)
	}
	verdicts := filepath.Join(dir, "verdicts.json")
	if err := os.Remove(verdicts); err != nil && !errors.Is(err, os.ErrNotExist) {
		return fmt.Errorf("out folder: %w", err)
	}
	if err := writeStreamAtomic(filepath.Join(dir, "history.jsonl"), res.History.WriteJSONL); err != nil {
		return err
	}
	l := liveLine{Scenario: s.Name, Source: res.History.Source, Run: run, Records: res.History.Len(), Drained: res.Drained,
		Crashes: res.Crashes, Checks: map[string]checks.Verdict{}, Simulated: simulated, ExpectationsMet: res.Met(),
		Failures: res.Failures, Notes: res.Notes, Results: res.Results}
	for _, r := range res.Results {
		l.Checks[r.Check] = r.Verdict
	}
	b, err := json.MarshalIndent(l, "", "  ")
	if err != nil {
		return fmt.Errorf("write verdicts: %w", err)
	}
	return writeFileAtomic(verdicts, append(b, '\n'))
}

// printLive prints a scenario's live verdicts over its runs beside the
// simulated ones and the expectations.
func printLive(w io.Writer, s *scenarios.Scenario, results []*live.Result, simulated map[string]checks.Verdict, dir string) {
	fmt.Fprintf(w, "== %s (live): %s\n", s.Name, s.Title)
	if len(results) == 0 {
		return
	}
	crashes, drained, records := 0, 0, 0
	for _, r := range results {
		crashes += r.Crashes
		records += r.History.Len()
		if r.Drained {
			drained++
		}
	}
	fmt.Fprintf(w, "runs=%d crashes=%d drained=%d/%d records=%d source=%s\n", len(results), crashes, drained, len(results), records, results[0].History.Source)
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "  check\tlive\tsimulated\texpected\tas expected?")
	for i, r := range results[0].Results {
		want, ok := s.Expect[r.Check]
		if !ok {
			want = checks.Holds
		}
		counts := map[checks.Verdict]int{}
		for _, res := range results {
			counts[res.Results[i].Verdict]++
		}
		var parts []string
		mark := "ok"
		for _, v := range []checks.Verdict{checks.Holds, checks.Violated, checks.Unknown} {
			if counts[v] > 0 {
				parts = append(parts, fmt.Sprintf("%s %d/%d", v, counts[v], len(results)))
				if v != want {
					mark = "UNEXPECTED"
				}
			}
		}
		fmt.Fprintf(tw, "  %s\t%s\t%s\t%s\t%s\n", r.Check, strings.Join(parts, ", "), simulated[r.Check], want, mark)
	}
	tw.Flush()
	for _, r := range results {
		for _, n := range r.Notes {
			fmt.Fprintf(w, "  note: %s\n", n)
		}
	}
	fmt.Fprintf(w, "  files: %s\n", dir)
}

// printCompare prints a scenario's checks with the simulated verdict, the
// live verdicts over its runs and the expectation, and names the checks
// whose live verdict differs from the simulated one.
func printCompare(w io.Writer, s *scenarios.Scenario, rows []live.Comparison, results []*live.Result, dir string) {
	fmt.Fprintf(w, "== %s (compare): %s\n", s.Name, s.Title)
	if len(results) == 0 {
		return
	}
	crashes, drained := 0, 0
	for _, r := range results {
		crashes += r.Crashes
		if r.Drained {
			drained++
		}
	}
	var struck []string
	for _, r := range results {
		struck = append(struck, strconv.Itoa(r.Struck))
	}
	fmt.Fprintf(w, "simulated seed %d; live runs=%d crashes=%d faults struck per run=%s drained=%d/%d\n", s.Seed, len(results), crashes, strings.Join(struck, ","), drained, len(results))
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "  check\tsimulated\tlive\texpected\tsame?")
	var differ []string
	for _, r := range rows {
		var parts []string
		for _, v := range []checks.Verdict{checks.Holds, checks.Violated, checks.Unknown} {
			if r.Live[v] > 0 {
				parts = append(parts, fmt.Sprintf("%s %d/%d", v, r.Live[v], r.Runs))
			}
		}
		mark := "same"
		switch {
		case r.Differs:
			mark = "DIFFERS"
			differ = append(differ, r.Check)
		case r.Unstruck > 0:
			mark = fmt.Sprintf("same where a fault struck (%d/%d runs struck none)", r.Unstruck, r.Runs)
		}
		fmt.Fprintf(tw, "  %s\t%s\t%s\t%s\t%s\n", r.Check, r.Simulated, strings.Join(parts, ", "), r.Expected, mark)
	}
	tw.Flush()
	if len(differ) > 0 {
		fmt.Fprintf(w, "  differ: %s: the simulation and the live runs disagree (a model bug, a broker or client bug, or timing the live runs did not share; see the histories)\n", strings.Join(differ, ", "))
	}
	for _, r := range results {
		for _, n := range r.Notes {
			fmt.Fprintf(w, "  note: %s\n", n)
		}
	}
	fmt.Fprintf(w, "  files: %s\n", dir)
}
