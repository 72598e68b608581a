package main

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/evsim/evsim/scenarios"
)

func cmdExplore(args []string, stdout, stderr io.Writer) int {
	fs := newFlagSet("explore FILE|NAME [--runs N] [--seed N] [--check NAME] [--out DIR] [--max-events N] [--max-history SIZE] [--memory SIZE] [--spill-dir DIR]", stderr)
	runs := fs.Int("runs", 200, "fault plans to try")
	seed := fs.Uint64("seed", 1, "seed of the plan draws (the world keeps the scenario's seed)")
	check := fs.String("check", "", "comma-separated checks to break (default: every check the scenario expects to hold)")
	maxCrashes := fs.Int("max-crashes", 4, "most crashes in a plan")
	maxHit := fs.Int("max-hit", 100, "latest pass at which a crash strikes")
	outDir := fs.String("out", "evsim-out", "folder for the reproducing scenario file")
	bf := addBoundFlags(fs)
	pos, bounds, ok := bf.parse("explore", fs, args, stderr)
	if !ok {
		return exitUsage
	}
	if *outDir == "" {
		fmt.Fprintf(stderr, "evsim explore: %v\n", errNoOut)
		return exitUsage
	}
	if len(pos) != 1 || *runs < 1 || *maxCrashes < 1 || *maxHit < 1 {
		fmt.Fprintln(stderr, "usage: evsim explore FILE|NAME [--runs N>=1] [--seed N] [--check NAME] [--max-crashes N>=1] [--max-hit N>=1] [--out DIR] [--max-events N] [--max-history SIZE] [--memory SIZE] [--spill-dir DIR]")
		return exitUsage
	}
	list, err := load(pos)
	if err == nil {
		err = checkFolders(list)
	}
	if err != nil {
		fmt.Fprintf(stderr, "evsim explore: %v\n", err)
		return exitUsage
	}
	s := list[0]
	sw := scenarios.Exploration{Runs: *runs, Seed: *seed, MaxCrashes: *maxCrashes, MaxHit: *maxHit, Bounds: bounds}
	if *check != "" {
		sw.Checks = strings.Split(*check, ",")
	}
	f, err := s.Explore(sw)
	if err != nil {
		fmt.Fprintf(stderr, "evsim explore: %v\n", err)
		return exitUsage
	}
	if f == nil {
		fmt.Fprintf(stdout, "%s: %d fault plans, none broke a searched check\n", s.Name, *runs)
		return exitOK
	}
	src, err := s.Reproducer(f)
	if err != nil {
		fmt.Fprintf(stderr, "evsim explore: %v\n", err)
		return exitUsage
	}
	dir := filepath.Join(*outDir, s.Name)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		fmt.Fprintf(stderr, "evsim explore: %v\n", err)
		return exitUsage
	}
	path := filepath.Join(dir, "explored.yaml")
	if err := writeFileAtomic(path, src); err != nil {
		fmt.Fprintf(stderr, "evsim explore: %v\n", err)
		return exitUsage
	}
	fmt.Fprintf(stdout, "%s: plan %d of %d broke %s; shrunk from %d crash(es) to %d in %d runs:\n",
		s.Name, f.Run+1, *runs, strings.Join(f.Broken, ", "), len(f.Drawn), len(f.Plan), f.Runs)
	for _, c := range f.Plan {
		fmt.Fprintf(stdout, "  %s\n", c)
	}
	for _, r := range f.Outcome.Results {
		for _, b := range f.Broken {
			if r.Check == b {
				fmt.Fprintf(stdout, "  %s %s: %s\n", r.Check, r.Verdict, r.Explanation)
			}
		}
	}
	fmt.Fprintf(stdout, "  reproducer: %s\n  repro: %s run %s%s\n", path, progName(), path, boundArgs(bounds))
	return exitFailed
}
