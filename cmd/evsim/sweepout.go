package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"slices"

	"github.com/evsim/evsim/checks"
	"github.com/evsim/evsim/reports"
	"github.com/evsim/evsim/scenarios"
)

// sweepCharts draws, into dir, the distribution across seeds of the worst
// lag and the worst query staleness, for the runs that had them (with the
// scenario's name, its staleness SLO and the failing seeds marked), and
// writes beside them sweep.html, the page listing the failing seeds with
// their repro commands, and the summary sweep.json: each file whole or not
// at all, sweep.json removed first and written last.
func sweepCharts(dir string, sum *sweepLine, s *scenarios.Scenario, rerun string) error {
	failing := map[uint64]bool{}
	for _, seed := range sum.Failing {
		failing[seed] = true
	}
	var lag, stale reports.CDF
	for _, w := range sum.Worst {
		if w.HasLag {
			lag.Values = append(lag.Values, w.Lag)
			if failing[w.Seed] {
				lag.Failing = append(lag.Failing, w.Lag)
			}
		}
		if w.HasStaleness {
			stale.Values = append(stale.Values, w.StalenessMs)
			if failing[w.Seed] {
				stale.Failing = append(stale.Failing, w.StalenessMs)
			}
		}
		if w.SLOMs > 0 && (stale.SLO == 0 || w.SLOMs < stale.SLO) {
			stale.SLO = w.SLOMs
		}
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("out folder: %w", err)
	}
	// sweep.json goes first, with the charts this sweep may not draw: a
	// folder with a sweep.json holds one sweep's files and no other's.
	for _, name := range []string{"sweep.json", "sweep-lag.png", "sweep-staleness.png"} {
		if err := os.Remove(filepath.Join(dir, name)); err != nil && !errors.Is(err, os.ErrNotExist) {
			return fmt.Errorf("out folder: %w", err)
		}
	}
	title := func(what string) string {
		t := sum.Scenario + ": " + what
		if sum.Interrupted {
			t += " (interrupted)"
		}
		return t
	}
	page := &reports.SweepPage{Scenario: s.Name, Title: s.Title, Seeds: sum.Seeds, Shard: sum.Shard, Runs: sum.Runs, Met: sum.Met,
		Interrupted: sum.Interrupted, Back: "../index.html"}
	for _, c := range s.Checks {
		v := sum.Verdicts[c]
		page.Checks = append(page.Checks, reports.SweepCheck{Check: c, Holds: v[checks.Holds], Violated: v[checks.Violated],
			Unknown: v[checks.Unknown], Expected: expected(s, c)})
	}
	for _, seed := range sum.Failing {
		page.Failing = append(page.Failing, reports.FailingSeed{Seed: seed, Repro: seedRepro(s, seed, rerun)})
	}
	draw := func(name string, c reports.CDF, caption string) error {
		if len(c.Values) == 0 {
			return nil
		}
		path := filepath.Join(dir, name)
		if err := writeAtomic(path, func(tmp string) error { return reports.SweepChart(c, tmp) }); err != nil {
			return err
		}
		sum.Charts = append(sum.Charts, path)
		page.Charts = append(page.Charts, reports.Chart{Caption: caption, Path: path, Alt: cdfAlt(c)})
		return nil
	}
	lag.Title, lag.XLabel = title("worst consumer lag per seed"), "events behind the log end"
	if err := draw("sweep-lag.png", lag, "Worst consumer lag per seed"); err != nil {
		return err
	}
	stale.Title, stale.XLabel = title("worst query staleness per seed"), "time behind (ms)"
	if err := draw("sweep-staleness.png", stale, "Worst query staleness per seed"); err != nil {
		return err
	}
	html := filepath.Join(dir, "sweep.html")
	if err := writeStreamAtomic(html, func(w io.Writer) error { return reports.WriteSweepHTML(w, page) }); err != nil {
		return err
	}
	b, err := json.MarshalIndent(sum, "", "  ")
	if err != nil {
		return fmt.Errorf("sweep summary: %w", err)
	}
	return writeFileAtomic(filepath.Join(dir, "sweep.json"), append(b, '\n'))
}

// seedRepro is the command that reruns s at seed, ending with rerun, the
// bound flags of the sweep ([boundArgs]).
func seedRepro(s *scenarios.Scenario, seed uint64, rerun string) string {
	target := s.Name
	if !isBuiltin(s) {
		target = s.File
	}
	return fmt.Sprintf("%s run %s --seed %d", progName(), target, seed) + rerun
}

// cdfAlt says in words what a chart across seeds shows.
func cdfAlt(c reports.CDF) string {
	vs := slices.Clone(c.Values)
	slices.Sort(vs)
	// q is the nearest-rank percentile.
	q := func(p float64) float64 { return vs[max(0, int(math.Ceil(p*float64(len(vs))))-1)] }
	out := fmt.Sprintf("%s: share of %d seeds at or below each value; median %.6g, 99th percentile %.6g, worst %.6g", c.Title, len(vs), q(0.5), q(0.99), vs[len(vs)-1])
	if c.SLO > 0 {
		beyond := 0
		for _, v := range vs {
			if v > c.SLO {
				beyond++
			}
		}
		out += fmt.Sprintf("; the SLO %.6g (dashed line) is exceeded in %d of %d seeds", c.SLO, beyond, len(vs))
	}
	if len(c.Failing) > 0 {
		out += fmt.Sprintf("; %d failing seeds marked with crosses", len(c.Failing))
	}
	return out + "."
}

// interruptedMark marks the heading of a sweep's summary cut short by
// Ctrl-C.
func interruptedMark(sum *sweepLine) string {
	if sum.Interrupted {
		return " (INTERRUPTED: partial)"
	}
	return ""
}
