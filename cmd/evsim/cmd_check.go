package main

import (
	"encoding/json"
	"fmt"
	"io"
	"os"
	"slices"
	"strings"

	"github.com/evsim/evsim/checks"
	"github.com/evsim/evsim/model/history"
	"github.com/evsim/evsim/scenarios"
)

func cmdCheck(args []string, stdout, stderr io.Writer) int {
	fs := newFlagSet("check HISTORY.jsonl [--checks a,b] [--json] [--memory SIZE] [--spill-dir DIR]", stderr)
	names := fs.String("checks", strings.Join(checks.DefaultNames(), ","), "comma-separated checks to run")
	asJSON := fs.Bool("json", false, "print the results as one JSON object")
	memory := fs.String("memory", sizeString(scenarios.DefaultBounds.MemoryBytes), "history memory; past it, the history spills to a temporary file and is read back for the checks (0: keep it all in memory)")
	spillDir := fs.String("spill-dir", "", "folder for the spill file (default: the system's temporary folder, $TMPDIR)")
	pos, err := parseInterleaved(fs, args)
	if err != nil {
		return exitUsage
	}
	if len(pos) != 1 {
		fmt.Fprintln(stderr, "usage: evsim check HISTORY.jsonl [--checks a,b] [--json]")
		return exitUsage
	}
	var list []string
	for _, n := range strings.Split(*names, ",") {
		n = strings.TrimSpace(n)
		if _, err := checks.Lookup(n); err != nil {
			fmt.Fprintf(stderr, "evsim check: --checks: %v\n", err)
			return exitUsage
		}
		if slices.Contains(list, n) {
			fmt.Fprintf(stderr, "evsim check: --checks: %q is listed twice\n", n)
			return exitUsage
		}
		list = append(list, n)
	}
	budget, err := parseSize(*memory)
	if err != nil {
		fmt.Fprintf(stderr, "evsim check: --memory: %v\n", err)
		return exitUsage
	}
	f, err := os.Open(pos[0])
	if err != nil {
		fmt.Fprintf(stderr, "evsim check: %v\n", err)
		return exitUsage
	}
	defer f.Close()
	h, err := history.ReadJSONLSpilling(pos[0], f, budget, *spillDir)
	if err != nil {
		fmt.Fprintf(stderr, "evsim check: %v\n", err)
		return exitUsage
	}
	defer h.Close()
	results := scenarios.Judge(h, list)
	if err := h.Err(); err != nil {
		fmt.Fprintf(stderr, "evsim check: %s: %v (free space in the spill folder, choose another with --spill-dir, or raise --memory)\n", pos[0], err)
		return exitUsage
	}
	code := exitOK
	for _, r := range results {
		if r.Verdict == checks.Violated {
			code = exitFailed
		}
	}
	if *asJSON {
		b, _ := json.Marshal(map[string]any{"history": pos[0], "records": h.Len(), "results": results})
		fmt.Fprintf(stdout, "%s\n", b)
		return code
	}
	fmt.Fprintf(stdout, "%s: %d records\n", pos[0], h.Len())
	width := 0
	for _, r := range results {
		width = max(width, len(r.Check))
	}
	for _, r := range results {
		fmt.Fprintf(stdout, "  %-*s %-9s %s\n", width, r.Check, r.Verdict, r.Explanation)
		for _, rec := range r.Witness {
			fmt.Fprintf(stdout, "    %s\n", rec)
		}
	}
	return code
}
