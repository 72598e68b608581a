package main

import (
	"fmt"
	"io"
	"math"
	"path/filepath"
)

// cmdMerge combines the summaries of the shards of one sweep into the
// summary of the whole sweep, and reports it as the whole sweep would
// have: the same tables or JSON lines, charts, pages, summary file and
// gate verdict.
func cmdMerge(args []string, stdout, stderr io.Writer) int {
	fs := newFlagSet("merge SUMMARY... [--gate] [--json] [--out DIR] [--summary FILE]", stderr)
	asJSON := fs.Bool("json", false, "print the summary as one JSON object per scenario")
	outDir := fs.String("out", "evsim-out", "folder for the charts across seeds and the merged summary (empty: draw none)")
	summaryFlag := fs.String("summary", "", "write the merged summary to this file (default: DIR/sweep-summary.json)")
	gate := fs.Bool("gate", false, "exit 0 only if every fixed twin meets its expectations on every seed and every broken scenario is caught on at least one")
	paths, err := parseInterleaved(fs, args)
	if err != nil {
		return exitUsage
	}
	if len(paths) == 0 {
		fmt.Fprintln(stderr, "usage: evsim merge SUMMARY... (the sweep-summary-I-of-N.json files of every shard of one sweep)")
		return exitUsage
	}
	sums := make([]*sweepSummary, len(paths))
	for k, p := range paths {
		if sums[k], err = readSummary(p); err != nil {
			fmt.Fprintf(stderr, "evsim merge: %v\n", err)
			return exitUsage
		}
	}
	merged, err := mergeSummaries(paths, sums)
	if err != nil {
		fmt.Fprintf(stderr, "evsim merge: %v\n", err)
		return exitUsage
	}
	list, err := summaryScenarios(paths[0], merged)
	if err == nil {
		err = checkFolders(list)
	}
	if err != nil {
		fmt.Fprintf(stderr, "evsim merge: %v\n", err)
		return exitUsage
	}
	lo, hi, err := parseSeeds(merged.Seeds)
	if err != nil {
		fmt.Fprintf(stderr, "evsim merge: %s: seeds %v\n", paths[0], err)
		return exitUsage
	}
	summaryFile := summaryPath(*summaryFlag, *outDir, whole)
	rerun := outcomeBoundArgs(merged.MaxEvents, merged.MaxHistory)
	if *outDir != "" {
		lock, err := lockOut(*outDir)
		if err != nil {
			fmt.Fprintf(stderr, "evsim merge: %v\n", err)
			return exitUsage
		}
		defer lock.unlock()
	}
	intr := watchInterrupt()
	defer intr.release()
	for i, s := range list {
		if intr.stopped() {
			break
		}
		if err := emitSweep(stdout, s, merged.Scenarios[i].Sweep, rerun, *asJSON, *outDir); err != nil {
			fmt.Fprintf(stderr, "evsim merge: %v\n", err)
			return exitUsage
		}
		if testHookWrote != nil {
			testHookWrote(filepath.Join(*outDir, s.Name), intr)
		}
	}
	if intr.stopped() {
		// Ctrl-C: the scenarios emitted are whole; the whole sweep's
		// summary would not be.
		if *outDir != "" {
			if err := writeIndex(*outDir); err != nil {
				fmt.Fprintf(stderr, "evsim merge: %v\n", err)
			}
		}
		fmt.Fprintln(stderr, "evsim merge: interrupted; the scenarios above are merged, the whole sweep's summary is not written")
		return exitInterrupted
	}
	if err := finishSweep(merged, *outDir, summaryFile); err != nil {
		fmt.Fprintf(stderr, "evsim merge: %v\n", err)
		return exitUsage
	}
	return sweepExit(merged, *gate, *asJSON, int(min(whole.count(lo, hi), math.MaxInt)), 0, stdout, stderr)
}
