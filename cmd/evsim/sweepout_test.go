package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestSweepPageListsFailingSeeds(t *testing.T) {
	out := t.TempDir()
	code, stdout, stderr := evsim(t, "sweep", "staleness-slo-breached", "--seeds", "21..22", "--out", out)
	if code != exitFailed || !strings.Contains(stdout, "failing seed 22: ") {
		t.Fatalf("exit %d\n%s%s", code, stdout, stderr)
	}
	b, err := os.ReadFile(filepath.Join(out, "staleness-slo-breached", "sweep.html"))
	if err != nil {
		t.Fatal(err)
	}
	page := string(b)
	for _, want := range []string{"<h1>Sweep of staleness-slo-breached</h1>", "seed 22: <code>", "run staleness-slo-breached --seed 22</code>",
		`alt="staleness-slo-breached: worst query staleness per seed`, "the SLO 250 (dashed line) is exceeded in 1 of 2 seeds", "median 62.1873,", "1 failing seeds marked",
		`href="../index.html"`, "staleness-within-slo"} {
		if !strings.Contains(page, want) {
			t.Errorf("sweep.html lacks %q", want)
		}
	}
	if strings.Contains(page, "seed 21: <code>") {
		t.Error("seed 21 met its expectations but is listed as failing")
	}
	checkWhole(t, out)
}
