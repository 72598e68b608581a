package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"

	"github.com/evsim/evsim/checks"
	"github.com/evsim/evsim/reports"
	"github.com/evsim/evsim/scenarios"
)

// errInterrupted stops writing a run's files after Ctrl-C.
var errInterrupted = errors.New("interrupted")

// testHookWrote, when set, is called after each output file is in place.
var testHookWrote func(path string, intr *interrupt)

// optionalOutputs are the files of a run that some runs write and others
// do not: a rerun into the folder removes them first, so that none of an
// earlier run's is left beside this run's.
var optionalOutputs = []string{"lag.png", "staleness.png", "linearizable.html", "linearizable-reads.html"}

// writeOutputs writes a run's history, charts, report and verdicts into
// dir. Each file is written whole or not at all, and verdicts.json goes
// last: it is removed first, with the files an earlier run may have
// written and this one may not, so a folder with a verdicts.json holds
// one run's complete set and nothing else. After Ctrl-C it stops between files and returns
// errInterrupted, leaving the run without verdicts.
func writeOutputs(dir string, o *scenarios.Outcome, intr *interrupt) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("out folder: %w", err)
	}
	verdicts := filepath.Join(dir, "verdicts.json")
	for _, name := range append([]string{"verdicts.json"}, optionalOutputs...) {
		if err := os.Remove(filepath.Join(dir, name)); err != nil && !errors.Is(err, os.ErrNotExist) {
			return fmt.Errorf("out folder: %w", err)
		}
	}
	step := func(path string, err error) error {
		if err != nil {
			return err
		}
		if testHookWrote != nil {
			testHookWrote(path, intr)
		}
		if intr != nil && intr.stopped() {
			return errInterrupted
		}
		return nil
	}
	hist := filepath.Join(dir, "history.jsonl")
	if err := step(hist, writeStreamAtomic(hist, o.History.WriteJSONL)); err != nil {
		return err
	}
	charts := o.Scenario.Charts
	if len(charts) == 0 {
		// By default: lag when there are consumer groups, staleness when
		// there are projections.
		if len(o.Scenario.System.Consumers) > 0 {
			charts = append(charts, "lag")
		}
		if len(o.Scenario.ES.Projectors) > 0 {
			charts = append(charts, "staleness")
		}
	}
	page := &reports.Page{
		Name: o.Scenario.Name, Title: o.Scenario.Title, Teaches: o.Scenario.Teaches, Seed: o.Seed,
		Checksum: fmt.Sprintf("%016x", o.Checksum), Repro: repro(o), Results: o.Results,
		Expected: o.Scenario.Expect, Failures: o.Failures, History: o.History, Back: "../index.html",
		Links: []reports.Link{{Caption: "history (JSON Lines)", Href: "history.jsonl"}, {Caption: "verdicts (JSON)", Href: "verdicts.json"}},
	}
	// The charts mark the times of the witness records of violated checks.
	var witness []int64
	for _, r := range o.Results {
		if r.Verdict == checks.Violated {
			for _, w := range r.Witness {
				witness = append(witness, w.At)
			}
		}
	}
	if slices.Contains(charts, "lag") {
		path := filepath.Join(dir, "lag.png")
		err := writeAtomic(path, func(tmp string) error { return reports.LagChart(o.History, tmp, witness...) })
		if err := step(path, err); err != nil {
			return err
		}
		page.Charts = append(page.Charts, reports.Chart{Caption: "Consumer lag", Path: path, Alt: reports.LagAlt(o.History)})
	}
	if slices.Contains(charts, "staleness") {
		j := o.Judgement // the staleness its checks measured
		if j == nil {
			j = checks.NewJudgement(o.History)
		}
		path := filepath.Join(dir, "staleness.png")
		err := writeAtomic(path, func(tmp string) error { return reports.StalenessChartOf(j, tmp, witness...) })
		if err := step(path, err); err != nil {
			return err
		}
		page.Charts = append(page.Charts, reports.Chart{Caption: "Read-model staleness", Path: path, Alt: reports.StalenessAltOf(j)})
	}
	// porcupine's visualization of a small witness, for each violated
	// linearizability check.
	for _, r := range o.Results {
		if r.Verdict != checks.Violated || (r.Check != "linearizable" && r.Check != "linearizable-reads") {
			continue
		}
		name := r.Check + ".html"
		path := filepath.Join(dir, name)
		var wrote bool
		err := writeAtomic(path, func(tmp string) error {
			var err error
			var clients []string
			wrote, clients, err = checks.WriteLinearizabilityHTML(o.History, r.Check == "linearizable-reads", tmp)
			if err == nil && wrote {
				err = reports.DressPorcupine(tmp, o.Scenario.Name+": "+r.Check+" witness", "report.html", clients)
			}
			return err
		})
		if err := step(path, err); err != nil {
			return err
		}
		if wrote {
			page.Links = append(page.Links, reports.Link{Caption: "porcupine visualization of the " + r.Check + " witness", Href: name})
		} else {
			os.Remove(path)
		}
	}
	report := filepath.Join(dir, "report.html")
	if err := step(report, writeStreamAtomic(report, func(w io.Writer) error { return reports.WriteHTML(w, page) })); err != nil {
		return err
	}
	b, err := json.MarshalIndent(toLine(o, dir), "", "  ")
	if err != nil {
		return fmt.Errorf("write verdicts: %w", err)
	}
	return step(verdicts, writeFileAtomic(verdicts, append(b, '\n')))
}
