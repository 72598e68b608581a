package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// quiet is a scenario whose two faults can never strike: a crash at a hit
// the run never reaches and a pause after the run's end.
const quiet = `name: quiet
duration: 500ms
drain: 5s
topics:
  - name: accounts
producers:
  - name: teller
    topic: accounts
    rate: 20/s
    events:
      - type: Deposited
consumers:
  - group: ledger
    topic: accounts
faults:
  - crash: ledger
    point: after-effect
    at-hit: 1000000
  - pause: ledger
    at: 1h
    for: 1s
checks: [no-loss]
`

// TestFaultsThatNeverStruckAreReported: a run whose faults never struck
// says so for each fault and as a whole, in the human output, on the
// --json line, in verdicts.json and in the sweep's summary; a fault that
// struck says how often.
func TestFaultsThatNeverStruckAreReported(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "quiet.yaml")
	if err := os.WriteFile(file, []byte(quiet), 0o644); err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(dir, "out")
	code, stdout, stderr := evsim(t, "run", file, "--out", out)
	if code != exitOK {
		t.Fatalf("exit %d: %s\n%s", code, stderr, stdout)
	}
	for _, want := range []string{
		"faults: faults[0] crash ledger at after-effect hit 1000000, no restart never struck",
		"faults: faults[1] pause ledger at 1h0m0s for 1s never struck",
		"faults: none struck",
	} {
		if !strings.Contains(stdout, want) {
			t.Errorf("output lacks %q:\n%s", want, stdout)
		}
	}
	lines := runJSON(t, file)
	if len(lines) != 1 || len(lines[0].FaultsStruck) != 2 {
		t.Fatalf("--json faults_struck: %+v", lines)
	}
	for _, f := range lines[0].FaultsStruck {
		if f.Times != 0 || !strings.HasPrefix(f.Fault, "faults[") {
			t.Errorf("--json: %+v, want a fault of the plan that never struck", f)
		}
	}
	b, err := os.ReadFile(filepath.Join(out, "quiet", "verdicts.json"))
	if err != nil {
		t.Fatal(err)
	}
	var v struct {
		FaultsStruck []struct {
			Fault string `json:"fault"`
			Times *int   `json:"times"`
		} `json:"faults_struck"`
	}
	if err := json.Unmarshal(b, &v); err != nil || len(v.FaultsStruck) != 2 || v.FaultsStruck[0].Times == nil || *v.FaultsStruck[0].Times != 0 {
		t.Errorf("verdicts.json faults_struck: %s (%v)", b, err)
	}
	code, stdout, stderr = evsim(t, "sweep", file, "--seeds", "1..3", "--json", "--out", "")
	if code != exitOK {
		t.Fatalf("sweep: exit %d: %s", code, stderr)
	}
	var sum sweepLine
	if err := json.Unmarshal([]byte(stdout), &sum); err != nil {
		t.Fatalf("sweep --json: %v: %s", err, stdout)
	}
	if len(sum.FaultsStruck) != 2 || sum.FaultsStruck[0].Times != 0 || sum.FaultsStruck[0].Runs != 0 {
		t.Errorf("sweep faults_struck: %+v", sum.FaultsStruck)
	}

	// A fault that strikes says how often, and the run is not "none struck".
	code, stdout, _ = evsim(t, "run", "double-credit", "--out", out)
	if code != exitOK || !strings.Contains(stdout, "faults: faults[0] crash ledger at after-effect, probability 1/50, restart after 200ms struck 6 times") ||
		strings.Contains(stdout, "none struck") {
		t.Errorf("double-credit: exit %d:\n%s", code, stdout)
	}
}
