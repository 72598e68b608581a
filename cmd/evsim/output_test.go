package main

import (
	"encoding/json"
	"fmt"
	"image/png"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/evsim/evsim/model/history"
)

// checkWhole fails t unless every file under dir is complete: no
// temporary file or lock is left, histories and verdicts parse, images
// decode, pages end, and a verdicts.json only lies beside the history of
// the same run.
func checkWhole(t *testing.T, dir string) {
	t.Helper()
	err := filepath.Walk(dir, func(path string, info os.FileInfo, err error) error {
		if err != nil || info.IsDir() {
			return err
		}
		name := info.Name()
		switch {
		case strings.HasPrefix(name, tmpPrefix):
			t.Errorf("temporary file left: %s", path)
		case name == lockName:
			t.Errorf("lock left: %s", path)
		case name == "history.jsonl":
			f, err := os.Open(path)
			if err != nil {
				return err
			}
			defer f.Close()
			if _, err := history.ReadJSONL(path, f); err != nil {
				t.Errorf("history not whole: %v", err)
			}
		case name == "verdicts.json":
			var l runLine
			b, _ := os.ReadFile(path)
			if err := json.Unmarshal(b, &l); err != nil {
				t.Errorf("verdicts not whole: %s: %v", path, err)
				return nil
			}
			f, err := os.Open(filepath.Join(filepath.Dir(path), "history.jsonl"))
			if err != nil {
				t.Errorf("verdicts without history: %v", err)
				return nil
			}
			defer f.Close()
			h, err := history.ReadJSONL(path, f)
			if err == nil && h.Len() != l.Records {
				t.Errorf("%s: verdicts of a run with %d records beside a history of %d", path, l.Records, h.Len())
			}
		case strings.HasSuffix(name, ".png"):
			f, err := os.Open(path)
			if err != nil {
				return err
			}
			defer f.Close()
			if _, err := png.Decode(f); err != nil {
				t.Errorf("image not whole: %s: %v", path, err)
			}
		case strings.HasSuffix(name, ".html"):
			b, _ := os.ReadFile(path)
			if !strings.Contains(string(b), "</html>") {
				t.Errorf("page not whole: %s", path)
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

func TestConcurrentRunsIntoOneFolder(t *testing.T) {
	out := t.TempDir()
	// A run holding the folder turns the next one away, naming itself.
	lock, err := lockOut(out)
	if err != nil {
		t.Fatal(err)
	}
	code, _, stderr := evsim(t, "run", "double-credit", "--out", out)
	if code != exitUsage || !strings.Contains(stderr, "is in use by another run (pid "+fmt.Sprint(os.Getpid())) {
		t.Fatalf("run into a locked folder: exit %d, stderr %q", code, stderr)
	}
	lock.unlock()
	// Runs started together: each either writes all its files or is
	// turned away before writing any.
	names := []string{"double-credit", "idempotent-consumer", "double-credit", "idempotent-consumer"}
	codes := make([]int, len(names))
	errs := make([]string, len(names))
	var wg sync.WaitGroup
	for i, n := range names {
		wg.Add(1)
		go func() {
			defer wg.Done()
			codes[i], _, errs[i] = evsim(t, "run", n, "--seed", fmt.Sprint(i+1), "--out", out)
		}()
	}
	wg.Wait()
	ran := 0
	for i, c := range codes {
		switch {
		case c == exitOK:
			ran++
		case c == exitUsage && strings.Contains(errs[i], "is in use by another run"):
		default:
			t.Errorf("run %d: exit %d, stderr %q", i, c, errs[i])
		}
	}
	if ran == 0 {
		t.Fatal("no run got the folder")
	}
	checkWhole(t, out)
	// A lock whose holder is gone is reported with how to remove it, and
	// left alone.
	dead := exec.Command("true")
	if err := dead.Run(); err != nil {
		t.Skip("no `true` command to get a dead pid:", err)
	}
	stale := filepath.Join(out, lockName)
	if err := os.WriteFile(stale, []byte(fmt.Sprintf("pid %d\ncommand evsim run\n", dead.Process.Pid)), 0o644); err != nil {
		t.Fatal(err)
	}
	code, _, stderr = evsim(t, "run", "double-credit", "--out", out)
	if code != exitUsage || !strings.Contains(stderr, "stale lock") || !strings.Contains(stderr, "rm "+stale) {
		t.Fatalf("stale lock: exit %d, stderr %q", code, stderr)
	}
	if _, err := os.Stat(stale); err != nil {
		t.Fatalf("stale lock was removed: %v", err)
	}
}

func TestUnwritableOutFailsAtOnce(t *testing.T) {
	file := filepath.Join(t.TempDir(), "file")
	if err := os.WriteFile(file, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	code, stdout, stderr := evsim(t, "sweep", "double-credit", "--seeds", "1..100000", "--out", filepath.Join(file, "out"))
	if code != exitUsage || stdout != "" || !strings.Contains(stderr, "cannot be created") || !strings.Contains(stderr, "--out") {
		t.Fatalf("exit %d, stdout %q, stderr %q", code, stdout, stderr)
	}
	if d := time.Since(start); d > 2*time.Second {
		t.Errorf("took %v to fail: it worked before checking the folder", d)
	}
}

func TestInterruptedRunLeavesFilesWhole(t *testing.T) {
	out := t.TempDir()
	// The previous run's complete files.
	if code, _, stderr := evsim(t, "run", "double-credit", "--out", out); code != exitOK {
		t.Fatalf("exit %d %s", code, stderr)
	}
	files, _ := os.ReadDir(filepath.Join(out, "double-credit"))
	for k := 1; k <= len(files); k++ {
		writes := 0
		testHookWrote = func(path string, intr *interrupt) {
			writes++
			if writes != k {
				return
			}
			// Ctrl-C, right after the k-th file is in place.
			if err := syscall.Kill(os.Getpid(), syscall.SIGINT); err != nil {
				t.Fatal(err)
			}
			select {
			case <-intr.stop:
			case <-time.After(5 * time.Second):
				t.Fatal("SIGINT not seen")
			}
		}
		code, _, stderr := evsim(t, "run", "double-credit", "idempotent-consumer", "--seed", fmt.Sprint(k+1), "--out", out)
		testHookWrote = nil
		if code != exitInterrupted || !strings.Contains(stderr, "interrupted after") {
			t.Fatalf("Ctrl-C after file %d: exit %d, stderr %q", k, code, stderr)
		}
		if _, err := os.Stat(filepath.Join(out, "idempotent-consumer")); err == nil {
			t.Errorf("Ctrl-C after file %d: the next scenario started", k)
		}
		checkWhole(t, out)
		// The index lists only complete runs.
		b, _ := os.ReadFile(filepath.Join(out, "index.html"))
		_, err := os.Stat(filepath.Join(out, "double-credit", "verdicts.json"))
		if listed := strings.Contains(string(b), "double-credit/report.html"); listed != (err == nil) {
			t.Errorf("Ctrl-C after file %d: index lists the run: %v, verdicts present: %v", k, listed, err == nil)
		}
	}
}

// TestMain lets a test run evsim as a child process (for signals):
// with EVSIM_TEST_MAIN=1 the test binary is evsim.
func TestMain(m *testing.M) {
	if os.Getenv("EVSIM_TEST_MAIN") == "1" {
		os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
	}
	os.Exit(m.Run())
}

func TestInterruptedSweepPrintsPartialSummary(t *testing.T) {
	out := t.TempDir()
	cmd := exec.Command(os.Args[0], "sweep", "double-credit", "--seeds", "1..100000", "--workers", "1", "--out", out)
	cmd.Env = append(os.Environ(), "EVSIM_TEST_MAIN=1")
	var stdout, stderr strings.Builder
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	time.Sleep(1500 * time.Millisecond)
	if err := cmd.Process.Signal(syscall.SIGINT); err != nil {
		t.Fatal(err)
	}
	err := cmd.Wait()
	if cmd.ProcessState.ExitCode() != exitInterrupted {
		t.Fatalf("exit %v, stdout %s, stderr %s", err, stdout.String(), stderr.String())
	}
	if !strings.Contains(stdout.String(), "(INTERRUPTED: partial)") || !strings.Contains(stderr.String(), "interrupted") {
		t.Errorf("no partial summary: stdout %s, stderr %s", stdout.String(), stderr.String())
	}
	var sum sweepLine
	b, err := os.ReadFile(filepath.Join(out, "double-credit", "sweep.json"))
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(b, &sum); err != nil || !sum.Interrupted || sum.Runs == 0 || sum.Runs >= 100000 {
		t.Errorf("sweep.json: %v %+v", err, sum.Runs)
	}
	checkWhole(t, out)
}

// TestIndexStaysCurrent: whatever runs wrote the folder, its index lists
// every run in it with its latest verdicts, and the sweeps.
func TestIndexStaysCurrent(t *testing.T) {
	out := t.TempDir()
	index := func() string {
		b, err := os.ReadFile(filepath.Join(out, "index.html"))
		if err != nil {
			t.Fatal(err)
		}
		return string(b)
	}
	if code, _, stderr := evsim(t, "run", "double-credit", "--out", out); code != exitOK {
		t.Fatalf("exit %d %s", code, stderr)
	}
	if ix := index(); !strings.Contains(ix, `href="double-credit/report.html"`) || !strings.Contains(ix, "1 runs: 1 met") {
		t.Fatalf("index after one run:\n%s", ix)
	}
	if code, _, stderr := evsim(t, "run", "idempotent-consumer", "--seed", "5", "--out", out); code != exitOK {
		t.Fatalf("exit %d %s", code, stderr)
	}
	ix := index()
	for _, want := range []string{`href="double-credit/report.html"`, `href="idempotent-consumer/report.html"`, "seed 5", "2 runs: 2 met"} {
		if !strings.Contains(ix, want) {
			t.Errorf("index after a second run lacks %q", want)
		}
	}
	// The two are a failure mode's broken and fixed scenarios: one row.
	row := ix[strings.Index(ix, "C2 · double effect on redelivery"):]
	row = row[:strings.Index(row, "</tr>")]
	if !strings.Contains(row, "double-credit/report.html") || !strings.Contains(row, "idempotent-consumer/report.html") {
		t.Errorf("double-credit and idempotent-consumer not side by side:\n%s", row)
	}
	// A rerun replaces the run's entry.
	if code, _, _ := evsim(t, "run", "idempotent-consumer", "--seed", "6", "--out", out); code != exitOK {
		t.Fatal("rerun failed")
	}
	if ix := index(); strings.Contains(ix, "seed 5") || !strings.Contains(ix, "seed 6") || !strings.Contains(ix, "2 runs") {
		t.Errorf("index after a rerun is stale")
	}
	if code, _, _ := evsim(t, "sweep", "fan-out", "--seeds", "1..2", "--out", out); code != exitOK {
		t.Fatal("sweep failed")
	}
	if ix := index(); !strings.Contains(ix, `href="fan-out/sweep.html"`) || !strings.Contains(ix, "2 runs: 2 met") {
		t.Errorf("index after a sweep lacks it")
	}
	checkWhole(t, out)
}
