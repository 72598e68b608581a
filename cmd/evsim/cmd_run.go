package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"text/tabwriter"

	"github.com/evsim/evsim/checks"
	"github.com/evsim/evsim/model"
	"github.com/evsim/evsim/reports"
	"github.com/evsim/evsim/scenarios"
)

// runLine is the --json form of one scenario run, one per line.
type runLine struct {
	Scenario        string                    `json:"scenario"`
	Title           string                    `json:"title,omitempty"`
	File            string                    `json:"file"`
	Seed            uint64                    `json:"seed"`
	Checksum        string                    `json:"checksum"`
	Events          uint64                    `json:"events"`
	Records         int                       `json:"records"`
	Drained         bool                      `json:"drained"`
	Checks          map[string]checks.Verdict `json:"checks"`
	Expected        map[string]checks.Verdict `json:"expected"`
	ExpectationsMet bool                      `json:"expectations_met"`
	Failures        []string                  `json:"failures,omitempty"`
	// FaultsStruck says how often each fault struck (0: never).
	FaultsStruck []model.Strike  `json:"faults_struck"`
	Out          string          `json:"out"`
	Repro        string          `json:"repro"`
	Results      []checks.Result `json:"results"`
}

func cmdRun(args []string, stdout, stderr io.Writer) int {
	fs := newFlagSet("run [FILE|NAME...] [--seed N] [--out DIR] [--json] [--max-events N] [--max-history SIZE] [--memory SIZE] [--spill-dir DIR]", stderr)
	seedFlag := fs.String("seed", "", "seed for every scenario (default: each scenario's own seed)")
	outDir := fs.String("out", "evsim-out", "folder for each run's history, verdicts and charts")
	asJSON := fs.Bool("json", false, "print one JSON object per scenario run, one per line")
	bf := addBoundFlags(fs)
	pos, bounds, ok := bf.parse("run", fs, args, stderr)
	if !ok {
		return exitUsage
	}
	var seed uint64
	if *seedFlag != "" {
		var err error
		seed, err = strconv.ParseUint(*seedFlag, 10, 64)
		if err != nil {
			fmt.Fprintf(stderr, "evsim run: --seed %q: want a whole number of at least 0\n", *seedFlag)
			return exitUsage
		}
	}
	list, err := load(pos)
	if err == nil {
		err = checkFolders(list)
	}
	if err != nil {
		fmt.Fprintf(stderr, "evsim run: %v\n", err)
		return exitUsage
	}
	lock, err := lockOut(*outDir)
	if err != nil {
		fmt.Fprintf(stderr, "evsim run: %v\n", err)
		return exitUsage
	}
	defer lock.unlock()
	intr := watchInterrupt()
	defer intr.release()
	code := exitOK
	modes, group := modeOf(), ""
	var index []reports.IndexEntry
	// failed stops the runs at an error; the index still lists the runs
	// written before it.
	failed := func(err error) {
		fmt.Fprintf(stderr, "evsim run: %v\n", err)
		code = exitUsage
	}
	for _, s := range list {
		if intr.stopped() {
			break
		}
		for _, w := range s.Warnings {
			fmt.Fprintln(stderr, w)
		}
		sd := s.Seed
		if *seedFlag != "" {
			sd = seed
		}
		o, err := s.RunStoppable(sd, bounds, intr.stopped)
		if errors.Is(err, scenarios.ErrStopped) {
			break // Ctrl-C in the middle of a run: nothing of it is written
		} else if err != nil {
			failed(err)
			break
		}
		dir := filepath.Join(*outDir, s.Name)
		if err := writeOutputs(dir, o, intr); err == errInterrupted {
			break
		} else if err != nil {
			failed(err)
			break
		}
		line := toLine(o, dir)
		if *asJSON {
			b, err := json.Marshal(line)
			if err != nil {
				failed(err)
				break
			}
			fmt.Fprintf(stdout, "%s\n", b)
		} else {
			if len(list) > 1 {
				group = groupHeader(stdout, s, modes, group)
			}
			printHuman(stdout, o, line)
		}
		if !o.Met() {
			code = exitFailed
		}
		index = append(index, reports.IndexEntry{Name: s.Name, Title: s.Title, Seed: o.Seed, Met: o.Met(),
			Results: o.Results, Expected: s.Expect, Href: s.Name + "/report.html"})
	}
	if err := writeIndex(*outDir); err != nil {
		fmt.Fprintf(stderr, "evsim run: %v\n", err)
		return exitUsage
	}
	if code == exitUsage {
		return code
	}
	if intr.stopped() {
		fmt.Fprintf(stderr, "evsim run: interrupted after %d of %d scenarios; every file written is whole, index: %s\n",
			len(index), len(list), filepath.Join(*outDir, "index.html"))
		return exitInterrupted
	}
	if len(list) > 1 {
		if !*asJSON {
			met := 0
			for _, e := range index {
				if e.Met {
					met++
				}
			}
			fmt.Fprintf(stdout, "%d scenarios, %d met their expectations; index: %s\n", len(index), met, filepath.Join(*outDir, "index.html"))
		}
	}
	return code
}

func toLine(o *scenarios.Outcome, dir string) runLine {
	s := o.Scenario
	l := runLine{
		Scenario: s.Name, Title: s.Title, File: s.File, Seed: o.Seed, Checksum: fmt.Sprintf("%016x", o.Checksum),
		Events: o.Events, Records: o.History.Len(), Drained: o.Drained,
		Checks: map[string]checks.Verdict{}, Expected: map[string]checks.Verdict{},
		ExpectationsMet: o.Met(), Failures: o.Failures, Out: dir, Repro: repro(o), Results: o.Results,
		FaultsStruck: append([]model.Strike{}, o.FaultsStruck...),
	}
	for _, r := range o.Results {
		l.Checks[r.Check] = r.Verdict
		l.Expected[r.Check] = expected(s, r.Check)
	}
	return l
}

func expected(s *scenarios.Scenario, check string) checks.Verdict {
	if v, ok := s.Expect[check]; ok {
		return v
	}
	return checks.Holds
}

// repro is the exact command that reruns o.
func repro(o *scenarios.Outcome) string {
	target := o.Scenario.Name
	if !strings.HasPrefix(o.Scenario.File, "scenarios/") || !isBuiltin(o.Scenario) {
		target = o.Scenario.File
	}
	return fmt.Sprintf("%s run %s --seed %d", progName(), target, o.Seed) + boundArgs(o.Bounds)
}

func isBuiltin(s *scenarios.Scenario) bool {
	b, err := scenarios.Builtin(s.Name)
	return err == nil && b.File == s.File && string(b.Source) == string(s.Source)
}

// progName is how the user invoked evsim: `go run ./cmd/evsim` when the
// binary sits in the go build cache, else its base name.
func progName() string {
	exe := os.Args[0]
	if strings.Contains(exe, "go-build") {
		return "go run ./cmd/evsim"
	}
	return filepath.Base(exe)
}

func printHuman(w io.Writer, o *scenarios.Outcome, l runLine) {
	s := o.Scenario
	fmt.Fprintf(w, "== %s: %s\n", s.Name, s.Title)
	fmt.Fprintf(w, "seed=%d duration=%v checksum=%s events=%d records=%d drained=%v\n",
		o.Seed, s.Duration, l.Checksum, o.Events, l.Records, o.Drained)
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "  check\tverdict\texpected\tas expected?")
	for _, r := range o.Results {
		mark := "ok"
		if r.Verdict != l.Expected[r.Check] {
			mark = "UNEXPECTED"
		}
		fmt.Fprintf(tw, "  %s\t%s\t%s\t%s\n", r.Check, r.Verdict, l.Expected[r.Check], mark)
	}
	tw.Flush()
	violated := false
	for _, r := range o.Results {
		if r.Verdict == checks.Holds {
			continue
		}
		violated = violated || r.Verdict == checks.Violated
		fmt.Fprintf(w, "  %s %s: %s\n", r.Check, r.Verdict, r.Explanation)
		for _, rec := range r.Witness {
			fmt.Fprintf(w, "    %s\n", rec)
		}
	}
	for _, f := range o.Failures {
		fmt.Fprintf(w, "  FAILED: %s\n", f)
	}
	for _, cw := range checks.ConsistencyWindows(o.History) {
		fmt.Fprintf(w, "  %s\n", cw.Sentence())
	}
	printStruck(w, o.FaultsStruck)
	fmt.Fprintf(w, "  files: %s\n", l.Out)
	if violated || !o.Met() {
		fmt.Fprintf(w, "  repro: %s\n", l.Repro)
	}
	fmt.Fprintln(w)
}

// printStruck says how often each fault struck, which never did, and
// whether none did: a run whose faults never struck tested nothing they
// were meant to break.
func printStruck(w io.Writer, struck []model.Strike) {
	some := false
	for _, f := range struck {
		if f.Times == 0 {
			fmt.Fprintf(w, "  faults: %s never struck\n", f.Fault)
			continue
		}
		some = true
		fmt.Fprintf(w, "  faults: %s struck %s\n", f.Fault, times(f.Times))
		if f.Note != "" {
			fmt.Fprintf(w, "  faults: %s %s\n", f.Fault, f.Note)
		}
	}
	if len(struck) > 0 && !some {
		fmt.Fprintln(w, "  faults: none struck: this run tested nothing its faults were meant to break")
	}
}

// times renders n as "1 time" or "n times".
func times(n int) string {
	if n == 1 {
		return "1 time"
	}
	return strconv.Itoa(n) + " times"
}
