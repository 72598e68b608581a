package main

import (
	"encoding/json"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/evsim/evsim/checks"
	"github.com/evsim/evsim/model/history"
	"github.com/evsim/evsim/scenarios"
)

func cmdCheck(args []string, stdout, stderr io.Writer) int {
	fs := newFlagSet("check HISTORY.jsonl [--checks a,b] [--json]", stderr)
	names := fs.String("checks", strings.Join(checks.DefaultNames(), ","), "comma-separated checks to run")
	asJSON := fs.Bool("json", false, "print the results as one JSON object")
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
		list = append(list, n)
	}
	f, err := os.Open(pos[0])
	if err != nil {
		fmt.Fprintf(stderr, "evsim check: %v\n", err)
		return exitUsage
	}
	defer f.Close()
	h, err := history.ReadJSONL(pos[0], f)
	if err != nil {
		fmt.Fprintf(stderr, "evsim check: %v\n", err)
		return exitUsage
	}
	results := scenarios.Judge(h, list)
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
