package main

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/evsim/evsim/scenarios"
)

// renamed writes a copy of the built-in scenario from whose name is
// name into dir and returns its path.
func renamed(t *testing.T, dir, from, name string) string {
	t.Helper()
	src, err := os.ReadFile("../../scenarios/" + from + ".yaml")
	if err != nil {
		t.Fatal(err)
	}
	f := filepath.Join(dir, "renamed.yaml")
	out := strings.Replace(string(src), "name: "+from, "name: "+name, 1)
	if err := os.WriteFile(f, []byte(out), 0o644); err != nil {
		t.Fatal(err)
	}
	return f
}

func TestScenarioNamedDotDotWritesNothingOutsideItsFolder(t *testing.T) {
	for _, name := range []string{`".."`, `"."`} {
		dir := t.TempDir()
		f := renamed(t, dir, "double-credit", name)
		out := filepath.Join(dir, "out")
		for _, args := range [][]string{
			{"run", f, "--out", out},
			{"sweep", f, "--seeds", "1..2", "--out", out},
			{"explore", f, "--runs", "1", "--out", out},
		} {
			code, _, stderr := evsim(t, args...)
			// the parser refuses the name; the output's own guard stays
			// behind it for scenarios built in Go
			if code != exitUsage || !strings.Contains(stderr, "is not a valid name") {
				t.Errorf("%s named %s: exit %d, stderr %q; want exit 2 naming the problem", args[0], name, code, stderr)
			}
		}
		for _, d := range []string{dir, out} {
			for _, file := range []string{"history.jsonl", "verdicts.json", "report.html", "lag.png", "sweep.json", "sweep.html"} {
				if _, err := os.Stat(filepath.Join(d, file)); err == nil {
					t.Errorf("name %s: %s written into %s, outside a run folder", name, file, d)
				}
			}
		}
	}
}

func TestIndexLinksEscapeFolderNames(t *testing.T) {
	dir := t.TempDir()
	f := renamed(t, dir, "double-credit", `"a#b?c%d"`)
	out := filepath.Join(dir, "out")
	if code, _, stderr := evsim(t, "run", f, "--out", out); code != exitOK {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	if code, _, stderr := evsim(t, "sweep", f, "--seeds", "1..2", "--out", out); code != exitOK {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	b, err := os.ReadFile(filepath.Join(out, "index.html"))
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{`href="a%23b%3fc%25d/report.html"`, `href="a%23b%3fc%25d/sweep.html"`} {
		if !strings.Contains(strings.ToLower(string(b)), want) {
			t.Errorf("index lacks the link %s:\n%s", want, b)
		}
	}
}

func TestIndexListsRunsNotLiveVerdicts(t *testing.T) {
	out := t.TempDir()
	if code, _, stderr := evsim(t, "run", "double-credit", "--out", out); code != exitOK {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	// What `evsim live idempotent-consumer` leaves: a verdicts.json and a
	// history, no report.
	live := filepath.Join(out, "idempotent-consumer-live")
	if err := os.MkdirAll(live, 0o755); err != nil {
		t.Fatal(err)
	}
	v := `{"scenario":"idempotent-consumer","source":"live: embedded","run":1,"records":0,"drained":true,"crashes":0,"checks":{},"simulated":{},"expectations_met":true,"results":[]}`
	if err := os.WriteFile(filepath.Join(live, "verdicts.json"), []byte(v), 0o644); err != nil {
		t.Fatal(err)
	}
	if code, _, stderr := evsim(t, "run", "double-credit", "--out", out); code != exitOK {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	b, err := os.ReadFile(filepath.Join(out, "index.html"))
	if err != nil {
		t.Fatal(err)
	}
	if ix := string(b); strings.Contains(ix, "idempotent-consumer-live/report.html") || !strings.Contains(ix, "1 runs: 1 met") {
		t.Errorf("index lists a live run's folder as a run with a report:\n%s", ix)
	}
}

// folderNames lists the names of dir's entries, sorted, joined by spaces.
func folderNames(t *testing.T, dir string) string {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, e := range entries {
		names = append(names, e.Name())
	}
	return strings.Join(names, " ")
}

func TestRerunLeavesNoFileOfAnEarlierRun(t *testing.T) {
	dir := t.TempDir()
	out := filepath.Join(dir, "out")
	// An earlier version of the scenario double-credit read a read model:
	// its run drew staleness.png and porcupine's page of a violated
	// linearizable-reads.
	f := renamed(t, dir, "stale-read", "double-credit")
	if code, _, stderr := evsim(t, "run", f, "--out", out); code != exitOK {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	run := filepath.Join(out, "double-credit")
	for _, name := range []string{"staleness.png", "linearizable-reads.html"} {
		if _, err := os.Stat(filepath.Join(run, name)); err != nil {
			t.Fatalf("the earlier run wrote no %s: %v", name, err)
		}
	}
	if code, _, stderr := evsim(t, "run", "double-credit", "--out", out); code != exitOK {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	names := folderNames(t, run)
	if want := "history.jsonl lag.png report.html verdicts.json"; names != want {
		t.Errorf("run folder after the rerun holds %v, want only this run's files: %s", names, want)
	}
	checkWhole(t, out)
}

func TestResweepLeavesNoChartOfAnEarlierSweep(t *testing.T) {
	dir := t.TempDir()
	out := filepath.Join(dir, "out")
	// An earlier version of double-credit had a read model: its sweep drew
	// sweep-staleness.png.
	f := renamed(t, dir, "stale-read", "double-credit")
	if code, _, stderr := evsim(t, "sweep", f, "--seeds", "1..2", "--out", out); code != exitOK {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	folder := filepath.Join(out, "double-credit")
	if _, err := os.Stat(filepath.Join(folder, "sweep-staleness.png")); err != nil {
		t.Fatalf("the earlier sweep drew no sweep-staleness.png: %v", err)
	}
	if code, _, stderr := evsim(t, "sweep", "double-credit", "--seeds", "1..2", "--out", out); code != exitOK {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	names := folderNames(t, folder)
	if want := "sweep-lag.png sweep.html sweep.json"; names != want {
		t.Errorf("sweep folder after the second sweep holds %v, want only its files: %s", names, want)
	}
}

func TestEmptyOutIsRefusedBeforeAnyWork(t *testing.T) {
	dir := t.TempDir()
	wd, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	swarm := filepath.Join(wd, "../../scenarios/swarm-idempotent-ledger.yaml")
	if _, err := os.Stat(swarm); err != nil {
		t.Fatal(err)
	}
	t.Chdir(dir)
	for _, args := range [][]string{
		{"run", "double-credit", "--out", ""},
		{"explore", "double-credit", "--runs", "1", "--out", ""},
		{"swarm", swarm, "--seeds", "1..1", "--out", ""},
	} {
		code, stdout, stderr := evsim(t, args...)
		if code != exitUsage || !strings.Contains(stderr, `--out ""`) || stdout != "" {
			t.Errorf("evsim %q: exit %d, stdout %q, stderr %q; want exit 2 before any run, naming --out", args, code, stdout, stderr)
		}
	}
	if entries, _ := os.ReadDir(dir); len(entries) > 0 {
		t.Errorf("files written into the working folder: %v", entries)
	}
}

func TestRunThatFailsMidListStillRebuildsTheIndex(t *testing.T) {
	dir := t.TempDir()
	src, err := os.ReadFile("../../scenarios/double-credit.yaml")
	if err != nil {
		t.Fatal(err)
	}
	long := strings.Replace(strings.Replace(string(src), "name: double-credit", "name: long-run", 1), "duration: 3s", "duration: 20s", 1)
	f := filepath.Join(dir, "long-run.yaml")
	if err := os.WriteFile(f, []byte(long), 0o644); err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(dir, "out")
	// The long run spills its history past 1 KiB, into a folder that does
	// not exist: it fails after idempotent-consumer's run was written.
	code, _, stderr := evsim(t, "run", "idempotent-consumer", f, "--memory", "1KiB", "--spill-dir", filepath.Join(dir, "missing"), "--out", out)
	if code != exitUsage || !strings.Contains(stderr, "spill") {
		t.Fatalf("exit %d, stderr %q; want 2 naming the spill", code, stderr)
	}
	b, err := os.ReadFile(filepath.Join(out, "index.html"))
	if err != nil || !strings.Contains(string(b), `href="idempotent-consumer/report.html"`) {
		t.Errorf("no index listing the run that was written: %v", err)
	}
	checkWhole(t, out)
}

func TestSweepThatFailsMidListStillRebuildsTheIndex(t *testing.T) {
	dir := t.TempDir()
	src, err := os.ReadFile("../../scenarios/double-credit.yaml")
	if err != nil {
		t.Fatal(err)
	}
	long := strings.Replace(strings.Replace(string(src), "name: double-credit", "name: long-run", 1), "duration: 3s", "duration: 20s", 1)
	f := filepath.Join(dir, "long-run.yaml")
	if err := os.WriteFile(f, []byte(long), 0o644); err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(dir, "out")
	// The long run starts once idempotent-consumer's sweep is written,
	// and fails: its history spills past 1 KiB into a missing folder.
	testHookPicked = func(sc, seed int) {
		for range 1000 {
			if _, err := os.Stat(filepath.Join(out, "idempotent-consumer", "sweep.json")); sc == 0 || err == nil {
				return
			}
			time.Sleep(10 * time.Millisecond)
		}
	}
	defer func() { testHookPicked = nil }()
	code, _, stderr := evsim(t, "sweep", "idempotent-consumer", f, "--seeds", "1..1", "--workers", "1",
		"--memory", "1KiB", "--spill-dir", filepath.Join(dir, "missing"), "--out", out)
	if code != exitUsage || !strings.Contains(stderr, "spill") {
		t.Fatalf("exit %d, stderr %q; want 2 naming the spill", code, stderr)
	}
	b, err := os.ReadFile(filepath.Join(out, "index.html"))
	if err != nil || !strings.Contains(string(b), `href="idempotent-consumer/sweep.html"`) {
		t.Errorf("no index listing the sweep that was written: %v", err)
	}
	checkWhole(t, out)
}

func TestInterruptedMergeReleasesItsFolder(t *testing.T) {
	dir := t.TempDir()
	summaries := filepath.Join(dir, "s") + "/"
	for i := range 2 {
		if code, _, stderr := evsim(t, "sweep", "idempotent-consumer", "double-credit", "--seeds", "1..2", "--shard", fmt.Sprintf("%d/2", i),
			"--out", "", "--summary", summaries); code != exitOK {
			t.Fatalf("shard %d: exit %d: %s", i, code, stderr)
		}
	}
	out := filepath.Join(dir, "out")
	testHookWrote = func(path string, intr *interrupt) {
		// Ctrl-C once the first scenario's sweep is written.
		if err := syscall.Kill(os.Getpid(), syscall.SIGINT); err != nil {
			t.Fatal(err)
		}
		select {
		case <-intr.stop:
		case <-time.After(5 * time.Second):
			t.Fatal("SIGINT not seen")
		}
	}
	defer func() { testHookWrote = nil }()
	code, _, stderr := evsim(t, "merge", summaries+"sweep-summary-0-of-2.json", summaries+"sweep-summary-1-of-2.json", "--out", out)
	if code != exitInterrupted || !strings.Contains(stderr, "interrupted") {
		t.Fatalf("exit %d, stderr %q; want %d", code, stderr, exitInterrupted)
	}
	if _, err := os.Stat(filepath.Join(out, "double-credit")); err == nil {
		t.Errorf("the merge went on to the next scenario after Ctrl-C")
	}
	if _, err := os.Stat(filepath.Join(out, "sweep-summary.json")); err == nil {
		t.Errorf("an interrupted merge wrote the whole sweep's summary")
	}
	checkWhole(t, out) // no lock left behind
	testHookWrote = nil
	if code, _, stderr := evsim(t, "merge", summaries+"sweep-summary-0-of-2.json", summaries+"sweep-summary-1-of-2.json", "--out", out); code != exitOK {
		t.Errorf("merge again into the folder: exit %d: %s", code, stderr)
	}
}

// TestCheckFoldersRefusesNamesThatAreNotOneElement: behind the parser,
// which refuses such names in files, the output folder's own guard
// refuses a scenario (built in Go) whose name is not one plain path
// element.
func TestCheckFoldersRefusesNamesThatAreNotOneElement(t *testing.T) {
	for _, name := range []string{"", ".", "..", "a/b", `a\b`, tmpPrefix + "x"} {
		if err := checkFolders([]*scenarios.Scenario{{Name: name, File: "f.yaml"}}); err == nil || !strings.Contains(err.Error(), "cannot name its output folder") {
			t.Errorf("name %q: %v", name, err)
		}
	}
	if err := checkFolders([]*scenarios.Scenario{{Name: "double-credit", File: "f.yaml"}}); err != nil {
		t.Error(err)
	}
}
