package main

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
)

// cmdSwarm runs a swarm: per seed, a concrete scenario drawn from the
// ranges of the file's swarm block, its parameter sheet printed first;
// each failing seed's concrete scenario is written as a file that
// reproduces it alone.
func cmdSwarm(args []string, stdout, stderr io.Writer) int {
	fs := newFlagSet("swarm FILE|NAME --seeds A..B [--out DIR] [--max-events N] [--max-history SIZE] [--memory SIZE] [--spill-dir DIR]", stderr)
	seedsFlag := fs.String("seeds", "1..100", "seeds to draw and run, like 1..100")
	outDir := fs.String("out", "evsim-out", "folder for the failing seeds' scenario files")
	bf := addBoundFlags(fs)
	pos, bounds, ok := bf.parse("swarm", fs, args, stderr)
	if !ok {
		return exitUsage
	}
	if *outDir == "" {
		fmt.Fprintf(stderr, "evsim swarm: %v\n", errNoOut)
		return exitUsage
	}
	lo, hi, err := parseSeeds(*seedsFlag)
	if len(pos) != 1 || err != nil {
		if err != nil {
			fmt.Fprintf(stderr, "evsim swarm: --seeds %v\n", err)
		}
		fmt.Fprintln(stderr, "usage: evsim swarm FILE|NAME --seeds A..B [--out DIR] [--max-events N] [--max-history SIZE] [--memory SIZE] [--spill-dir DIR]")
		return exitUsage
	}
	list, err := load(pos)
	if err == nil {
		err = checkFolders(list)
	}
	if err != nil {
		fmt.Fprintf(stderr, "evsim swarm: %v\n", err)
		return exitUsage
	}
	s := list[0]
	if len(s.Swarm) == 0 {
		fmt.Fprintf(stderr, "evsim swarm: %s has no swarm block: add one that gives ranges for its knobs, like\n  swarm:\n    consumers[0].members: 1..4\n    faults[0].probability: 0.05..0.5\n(scenarios/FORMAT.md, \"Swarm runs\")\n", s.File)
		return exitUsage
	}
	failed := 0
	for seed := lo; ; seed++ {
		c, drawn, err := s.Draw(seed)
		sheet := make([]string, len(drawn))
		for i, d := range drawn {
			sheet[i] = d.Path + "=" + d.Value
		}
		fmt.Fprintf(stdout, "seed %d: %s\n", seed, strings.Join(sheet, " "))
		if err != nil {
			fmt.Fprintf(stderr, "evsim swarm: seed %d: %v\n", seed, err)
			return exitUsage
		}
		o, err := c.RunWithin(seed, bounds)
		if err != nil {
			fmt.Fprintf(stderr, "evsim swarm: seed %d: %v\n", seed, err)
			return exitUsage
		}
		if len(o.Failures) == 0 {
			fmt.Fprintf(stdout, "  met: %d checks as expected\n", len(o.Results))
		} else {
			failed++
			for _, f := range o.Failures {
				fmt.Fprintf(stdout, "  FAILED %s\n", f)
			}
			path := filepath.Join(*outDir, s.Name, fmt.Sprintf("swarm-%d.yaml", seed))
			if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
				fmt.Fprintf(stderr, "evsim swarm: %v\n", err)
				return exitUsage
			}
			if err := writeFileAtomic(path, c.Source); err != nil {
				fmt.Fprintf(stderr, "evsim swarm: %v\n", err)
				return exitUsage
			}
			fmt.Fprintf(stdout, "  reproducer: %s\n  repro: %s run %s%s\n", path, progName(), path, boundArgs(bounds))
		}
		o.Release()
		if seed == hi {
			break
		}
	}
	fmt.Fprintf(stdout, "%s: %d of %d seeds failed their expectations\n", s.Name, failed, hi-lo+1)
	if failed > 0 {
		return exitFailed
	}
	return exitOK
}
