package main

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"

	"github.com/evsim/evsim/reports"
)

// sweepCharts draws, into dir, the distribution across seeds of the worst
// lag and the worst query staleness, for the runs that had them, and
// writes the summary beside them as sweep.json, each file whole or not at
// all, sweep.json last.
func sweepCharts(dir string, sum *sweepLine) error {
	var lags, stale []float64
	for _, w := range sum.Worst {
		if w.HasLag {
			lags = append(lags, w.Lag)
		}
		if w.HasStaleness {
			stale = append(stale, w.StalenessMs)
		}
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("out folder: %w", err)
	}
	title := func(what string) string {
		t := sum.Scenario + ": " + what
		if sum.Interrupted {
			t += " (interrupted)"
		}
		return t
	}
	if len(lags) > 0 {
		path := filepath.Join(dir, "sweep-lag.png")
		err := writeAtomic(path, func(tmp string) error {
			return reports.CDFChart(lags, title("worst consumer lag per seed"), "events behind the log end", tmp)
		})
		if err != nil {
			return err
		}
		sum.Charts = append(sum.Charts, path)
	}
	if len(stale) > 0 {
		path := filepath.Join(dir, "sweep-staleness.png")
		err := writeAtomic(path, func(tmp string) error {
			return reports.CDFChart(stale, title("worst query staleness per seed"), "time behind (ms)", tmp)
		})
		if err != nil {
			return err
		}
		sum.Charts = append(sum.Charts, path)
	}
	b, err := json.MarshalIndent(sum, "", "  ")
	if err != nil {
		return fmt.Errorf("sweep summary: %w", err)
	}
	return writeFileAtomic(filepath.Join(dir, "sweep.json"), append(b, '\n'))
}

// interruptedMark marks the heading of a sweep's summary cut short by
// Ctrl-C.
func interruptedMark(sum *sweepLine) string {
	if sum.Interrupted {
		return " (INTERRUPTED: partial)"
	}
	return ""
}
