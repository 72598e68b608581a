package main

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/evsim/evsim/scenarios"
)

func evsim(t *testing.T, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	var o, e bytes.Buffer
	code = run(args, &o, &e)
	return code, o.String(), e.String()
}

func TestRunBuiltinsHuman(t *testing.T) {
	out := t.TempDir()
	code, stdout, stderr := evsim(t, "run", "--out", out)
	if code != exitOK {
		t.Fatalf("exit %d, stderr %s\n%s", code, stderr, stdout)
	}
	for _, want := range []string{"== double-credit", "== idempotent-consumer", "exactly-once-effects", "repro: ", "--seed 1"} {
		if !strings.Contains(stdout, want) {
			t.Errorf("output lacks %q:\n%s", want, stdout)
		}
	}
	if !strings.Contains(stdout, "scenarios, ") || !strings.Contains(stdout, "met their expectations; index: ") {
		t.Errorf("no summary line:\n%s", stdout)
	}
	if _, err := os.Stat(filepath.Join(out, "index.html")); err != nil {
		t.Errorf("no index page: %v", err)
	}
	for _, f := range []string{"history.jsonl", "verdicts.json", "lag.png", "report.html"} {
		if _, err := os.Stat(filepath.Join(out, "double-credit", f)); err != nil {
			t.Errorf("missing output: %v", err)
		}
	}
}

func runJSON(t *testing.T, args ...string) []runLine {
	t.Helper()
	code, stdout, stderr := evsim(t, append([]string{"run", "--json", "--out", t.TempDir()}, args...)...)
	if code != exitOK {
		t.Fatalf("exit %d, stderr %s", code, stderr)
	}
	var lines []runLine
	for _, l := range strings.Split(strings.TrimSpace(stdout), "\n") {
		var rl runLine
		if err := json.Unmarshal([]byte(l), &rl); err != nil {
			t.Fatalf("not a JSON line: %q: %v", l, err)
		}
		lines = append(lines, rl)
	}
	return lines
}

func TestRunJSONDeterministic(t *testing.T) {
	a := runJSON(t, "double-credit", "--seed", "7")
	b := runJSON(t, "double-credit", "--seed", "7")
	c := runJSON(t, "double-credit", "--seed", "8")
	if len(a) != 1 || a[0].Scenario != "double-credit" || a[0].Seed != 7 || a[0].Checksum == "" || a[0].Out == "" {
		t.Fatalf("bad line %+v", a)
	}
	if a[0].Checksum != b[0].Checksum {
		t.Errorf("same seed, different checksums %s %s", a[0].Checksum, b[0].Checksum)
	}
	if a[0].Checksum == c[0].Checksum {
		t.Errorf("seeds 7 and 8 gave the same checksum %s", a[0].Checksum)
	}
	if a[0].Checks["exactly-once-effects"] != "violated" || !a[0].ExpectationsMet {
		t.Errorf("double-credit: %+v", a[0].Checks)
	}
}

func TestMalformedScenarioExits2(t *testing.T) {
	f := filepath.Join(t.TempDir(), "bad.yaml")
	src := "name: bad\nduration: 1s\ntopics:\n  - name: t\n    partitons: 3\nchecks: [no-loss]\n"
	if err := os.WriteFile(f, []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
	code, _, stderr := evsim(t, "run", f)
	if code != exitUsage {
		t.Fatalf("exit %d, want %d", code, exitUsage)
	}
	if want := f + ":5:5: topics[0]: unknown key \"partitons\""; !strings.Contains(stderr, want) {
		t.Errorf("stderr %q lacks %q", stderr, want)
	}
}

func TestUnmetExpectationExits1(t *testing.T) {
	dir := t.TempDir()
	src, err := os.ReadFile("../../scenarios/double-credit.yaml")
	if err != nil {
		t.Fatal(err)
	}
	f := filepath.Join(dir, "wrong.yaml")
	wrong := strings.Replace(string(src), "exactly-once-effects: violated", "exactly-once-effects: holds", 1)
	if err := os.WriteFile(f, []byte(wrong), 0o644); err != nil {
		t.Fatal(err)
	}
	code, stdout, _ := evsim(t, "run", f, "--out", dir)
	if code != exitFailed {
		t.Fatalf("exit %d, want %d", code, exitFailed)
	}
	if want := "repro: "; !strings.Contains(stdout, want) || !strings.Contains(stdout, f+" --seed 1") {
		t.Errorf("no repro naming the file in:\n%s", stdout)
	}
	if !strings.Contains(stdout, "FAILED: exactly-once-effects: expected holds, got violated") {
		t.Errorf("no failure line in:\n%s", stdout)
	}
}

func TestUsageErrors(t *testing.T) {
	for _, args := range [][]string{
		{},
		{"frobnicate"},
		{"run", "no-such-scenario"},
		{"run", "--seed", "minus-one"},
		{"run", "--bogus"},
		{"show"},
		{"check"},
		{"check", "missing.jsonl"},
	} {
		if code, _, _ := evsim(t, args...); code != exitUsage {
			t.Errorf("evsim %q: exit %d, want %d", args, code, exitUsage)
		}
	}
}

func TestListAndShow(t *testing.T) {
	code, stdout, _ := evsim(t, "list")
	if code != exitOK || !strings.Contains(stdout, "double-credit") || !strings.Contains(stdout, "idempotent-consumer") {
		t.Fatalf("list: exit %d\n%s", code, stdout)
	}
	code, stdout, _ = evsim(t, "show", "double-credit")
	if code != exitOK || !strings.HasPrefix(stdout, "name: double-credit") {
		t.Fatalf("show: exit %d\n%s", code, stdout)
	}
}

func TestCheckRecordedHistory(t *testing.T) {
	out := t.TempDir()
	if code, _, stderr := evsim(t, "run", "double-credit", "--out", out); code != exitOK {
		t.Fatalf("run: exit %d %s", code, stderr)
	}
	hist := filepath.Join(out, "double-credit", "history.jsonl")
	code, stdout, stderr := evsim(t, "check", hist, "--checks", "exactly-once-effects,no-loss")
	if code != exitFailed || !strings.Contains(stdout, "exactly-once-effects violated") || !strings.Contains(stdout, "no-loss              holds") {
		t.Fatalf("check: exit %d\n%s%s", code, stdout, stderr)
	}
	bad := filepath.Join(out, "bad.jsonl")
	if err := os.WriteFile(bad, []byte("{\"schema\":\"evsim.history/v1\"}\n{\"at\":1,\"kind\":\"effect\"}\n{not json\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	code, _, stderr = evsim(t, "check", bad)
	if code != exitUsage || !strings.Contains(stderr, bad+":3:") {
		t.Fatalf("corrupt history: exit %d, stderr %q", code, stderr)
	}
}

func TestSweepShardsCoverTheSeeds(t *testing.T) {
	total := 0
	for _, shard := range []string{"0/2", "1/2"} {
		out := t.TempDir()
		code, stdout, stderr := evsim(t, "sweep", "idempotent-consumer", "--seeds", "1..6", "--shard", shard, "--json", "--out", out)
		if code != exitOK {
			t.Fatalf("exit %d %s", code, stderr)
		}
		var l sweepLine
		if err := json.Unmarshal([]byte(stdout), &l); err != nil {
			t.Fatal(err)
		}
		if l.Runs != 3 || l.Met != 3 || l.Verdicts["no-loss"]["holds"] != 3 {
			t.Fatalf("shard %s: %+v", shard, l)
		}
		if len(l.Charts) != 1 || l.Worst != nil {
			t.Fatalf("shard %s: charts %v, per-seed worst on the line: %v", shard, l.Charts, l.Worst)
		}
		if _, err := os.Stat(filepath.Join(out, "idempotent-consumer", "sweep-lag.png")); err != nil {
			t.Fatal(err)
		}
		total += l.Runs
	}
	if total != 6 {
		t.Fatalf("shards ran %d seeds, want 6", total)
	}
	for _, args := range [][]string{{"sweep"}, {"sweep", "double-credit", "--seeds", "9..1"}, {"sweep", "double-credit", "--shard", "3/2"}, {"sweep", "double-credit", "--shard", "2/2"}} {
		if code, _, _ := evsim(t, args...); code != exitUsage {
			t.Errorf("evsim %q: exit %d, want %d", args, code, exitUsage)
		}
	}
}

func TestLintWarnsAboutCommandShapedEvents(t *testing.T) {
	code, stdout, stderr := evsim(t, "lint", "command-named-event")
	if code != exitOK || !strings.Contains(stdout, `warning: "SendWelcomeEmail" is shaped like a command`) || !strings.Contains(stdout, "WelcomeEmailSent") {
		t.Fatalf("lint: exit %d\n%s%s", code, stdout, stderr)
	}
	if !strings.Contains(stdout, "scenarios/command-named-event.yaml:") {
		t.Errorf("warning without file:line:col:\n%s", stdout)
	}
	code, stdout, _ = evsim(t, "lint", "fact-named-event")
	if code != exitOK || !strings.Contains(stdout, "ok, 0 warning(s)") {
		t.Fatalf("lint of the fixed twin: exit %d\n%s", code, stdout)
	}
}

func TestLintUnknownPauseTarget(t *testing.T) {
	src, err := os.ReadFile("../../scenarios/zombie-consumer.yaml")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(src), "pause: ") {
		t.Fatal("zombie-consumer no longer pauses a member: pick another scenario for this test")
	}
	f := filepath.Join(t.TempDir(), "z.yaml")
	bad := strings.Replace(string(src), "pause: ", "pause: nobody-", 1)
	if err := os.WriteFile(f, []byte(bad), 0o644); err != nil {
		t.Fatal(err)
	}
	code, _, stderr := evsim(t, "lint", f)
	if code != exitUsage || !strings.Contains(stderr, f+":") || !strings.Contains(stderr, ".pause: unknown target") {
		t.Fatalf("exit %d, stderr %q", code, stderr)
	}
}

func TestExploreWritesAReproducer(t *testing.T) {
	out := t.TempDir()
	code, stdout, stderr := evsim(t, "explore", "double-credit", "--check", "exactly-once-effects", "--runs", "20", "--out", out)
	if code != exitFailed || !strings.Contains(stdout, "crash ledger at after-effect hit 1") {
		t.Fatalf("explore: exit %d\n%s%s", code, stdout, stderr)
	}
	path := filepath.Join(out, "double-credit", "explored.yaml")
	if code, stdout, _ := evsim(t, "run", path, "--out", out); code != exitOK || !strings.Contains(stdout, "exactly-once-effects           violated  violated  ok") {
		t.Fatalf("running the reproducer: exit %d\n%s", code, stdout)
	}
	if code, stdout, _ := evsim(t, "explore", "idempotent-consumer", "--runs", "20", "--out", out); code != exitOK || !strings.Contains(stdout, "none broke") {
		t.Fatalf("explore of the fix: exit %d\n%s", code, stdout)
	}
	for _, args := range [][]string{{"explore"}, {"explore", "fan-out"}, {"explore", "double-credit", "--check", "nope"}, {"explore", "double-credit", "--runs", "0"}} {
		if code, _, _ := evsim(t, args...); code != exitUsage {
			t.Errorf("evsim %q: exit %d, want %d", args, code, exitUsage)
		}
	}
}

func TestSwarmPrintsSheetsAndWritesFailingSeeds(t *testing.T) {
	out := t.TempDir()
	code, stdout, stderr := evsim(t, "swarm", "swarm-idempotent-ledger", "--seeds", "1..3", "--out", out)
	if code != exitOK || strings.Count(stdout, "consumers[0].members=") != 3 || !strings.Contains(stdout, "0 of 3 seeds failed") {
		t.Fatalf("swarm: exit %d\n%s%s", code, stdout, stderr)
	}
	// A swarm over the dedup knob: seeds that draw none double-credit and
	// leave a file that reproduces the failure alone.
	src, err := scenarios.Builtin("swarm-idempotent-ledger")
	if err != nil {
		t.Fatal(err)
	}
	file := filepath.Join(out, "dedup-swarm.yaml")
	text := strings.Replace(string(src.Source), "swarm:\n", "swarm:\n  consumers[0].dedup: [none]\n", 1)
	if err := os.WriteFile(file, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	code, stdout, stderr = evsim(t, "swarm", file, "--seeds", "4..5", "--out", out)
	if code != exitFailed || !strings.Contains(stdout, "consumers[0].dedup=none") || !strings.Contains(stdout, "reproducer: ") {
		t.Fatalf("swarm without dedup: exit %d\n%s%s", code, stdout, stderr)
	}
	repro := filepath.Join(out, "swarm-idempotent-ledger", "swarm-4.yaml")
	if code, stdout, _ := evsim(t, "run", repro, "--out", out); code != exitFailed || !strings.Contains(stdout, "exactly-once-effects") {
		t.Fatalf("running the reproducer: exit %d\n%s", code, stdout)
	}
	for _, args := range [][]string{{"swarm"}, {"swarm", "double-credit"}, {"swarm", "swarm-idempotent-ledger", "--seeds", "9..1"}} {
		if code, _, _ := evsim(t, args...); code != exitUsage {
			t.Errorf("evsim %q: exit %d, want %d", args, code, exitUsage)
		}
	}
}
