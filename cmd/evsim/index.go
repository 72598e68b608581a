package main

import (
	"encoding/json"
	"fmt"
	"io"
	"net/url"
	"os"
	"path/filepath"
	"sort"

	"github.com/evsim/evsim/checks"
	"github.com/evsim/evsim/reports"
	"github.com/evsim/evsim/scenarios"
)

// indexedRun is the part of a run's verdicts.json the index shows.
type indexedRun struct {
	Scenario        string                    `json:"scenario"`
	Title           string                    `json:"title"`
	Seed            uint64                    `json:"seed"`
	Expected        map[string]checks.Verdict `json:"expected"`
	ExpectationsMet bool                      `json:"expectations_met"`
	Results         []checks.Result           `json:"results"`
}

// writeIndex rebuilds dir/index.html from every run folder of dir that
// holds a verdicts.json (and every sweep.json), so that the index always
// lists what the folder holds, whichever runs wrote it. Built-in
// scenarios that show a failure sit beside their fixed twins
// (scenarios.FailureModes).
func writeIndex(dir string) error {
	entries, err := indexEntries(dir)
	if err != nil {
		return err
	}
	ix := reports.Index{Entries: entries, Sweeps: indexSweeps(dir)}
	for _, m := range scenarios.FailureModes {
		ix.Modes = append(ix.Modes, reports.Mode{ID: m.ID, Failure: m.Failure, Broken: m.Broken, Fixed: m.Fixed})
	}
	path := filepath.Join(dir, "index.html")
	if err := writeStreamAtomic(path, func(w io.Writer) error { return reports.WriteIndexPage(w, ix) }); err != nil {
		return fmt.Errorf("write index: %w", err)
	}
	return nil
}

// indexEntries reads the verdicts of every run folder of dir, by name.
func indexEntries(dir string) ([]reports.IndexEntry, error) {
	files, err := filepath.Glob(filepath.Join(dir, "*", "verdicts.json"))
	if err != nil {
		return nil, fmt.Errorf("index: %w", err)
	}
	sort.Strings(files)
	var out []reports.IndexEntry
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			return nil, fmt.Errorf("index: %w", err)
		}
		var r indexedRun
		folder := filepath.Base(filepath.Dir(f))
		if err := json.Unmarshal(b, &r); err != nil || r.Scenario == "" || r.Scenario != folder {
			// Not a run's verdicts: `evsim run` writes a scenario's into
			// the folder of its name, `evsim live` into NAME-live,
			// beside a history and no report.
			continue
		}
		e := reports.IndexEntry{Name: r.Scenario, Title: r.Title, Seed: r.Seed, Met: r.ExpectationsMet,
			Results: r.Results, Expected: r.Expected, Href: url.PathEscape(folder) + "/report.html"}
		if e.Title == "" {
			if s, err := scenarios.Builtin(r.Scenario); err == nil {
				e.Title = s.Title
			}
		}
		out = append(out, e)
	}
	return out, nil
}

// indexSweeps reads the summary of every sweep folder of dir, by name.
func indexSweeps(dir string) []reports.SweepEntry {
	files, _ := filepath.Glob(filepath.Join(dir, "*", "sweep.json"))
	sort.Strings(files)
	var out []reports.SweepEntry
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			continue
		}
		var l sweepLine
		if err := json.Unmarshal(b, &l); err != nil || l.Scenario == "" {
			continue
		}
		folder := filepath.Base(filepath.Dir(f))
		out = append(out, reports.SweepEntry{Name: l.Scenario, Runs: l.Runs, Met: l.Met, Seeds: l.Seeds, Failing: len(l.Failing),
			Interrupted: l.Interrupted, Href: url.PathEscape(folder) + "/sweep.html"})
	}
	return out
}
