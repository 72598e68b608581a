package main

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/evsim/evsim/scenarios"
)

// sweepFiles reads the files a sweep leaves in dir that a merge must
// reproduce: the summary and each scenario's sweep.json.
func sweepFiles(t *testing.T, dir string) map[string]string {
	t.Helper()
	files, err := filepath.Glob(filepath.Join(dir, "*", "sweep.json"))
	if err != nil {
		t.Fatal(err)
	}
	files = append(files, filepath.Join(dir, "sweep-summary.json"))
	out := map[string]string{}
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		out[f] = string(b)
	}
	return out
}

// failingScenario writes a copy of double-credit that expects its checks
// to hold, a fixed twin that fails every seed: failing seeds come from
// every shard, and the gate fails.
func failingScenario(t *testing.T) string {
	t.Helper()
	s, err := scenarios.Builtin("double-credit")
	if err != nil {
		t.Fatal(err)
	}
	src := strings.Replace(string(s.Source), "name: double-credit", "name: double-credit-unexpected", 1)
	src = strings.Replace(src, "  exactly-once-effects: violated", "  exactly-once-effects: holds", 1)
	src = strings.Replace(src, "  duplicate-delivery-invariance: violated", "  duplicate-delivery-invariance: holds", 1)
	path := "unexpected.yaml"
	if err := os.WriteFile(path, []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

func TestMergedShardsEqualTheWholeSweep(t *testing.T) {
	t.Chdir(t.TempDir()) // relative output folders: the same chart paths in every summary
	sweepArgs := []string{"sweep", "idempotent-consumer", "double-credit", failingScenario(t), "--seeds", "3..9", "--workers", "2"}
	for _, asJSON := range []bool{false, true} {
		extra := []string{}
		if asJSON {
			extra = []string{"--json"}
		}
		code, wantOut, stderr := evsim(t, append(append(sweepArgs, "--out", "o"), extra...)...)
		if code != exitFailed || !strings.Contains(wantOut, "double-credit-unexpected") {
			t.Fatalf("whole sweep: exit %d, want %d (a scenario fails every seed)\n%s%s", code, exitFailed, wantOut, stderr)
		}
		want := sweepFiles(t, "o")
		if err := os.RemoveAll("o"); err != nil {
			t.Fatal(err)
		}
		for n := 1; n <= 3; n++ {
			var summaries []string
			runs := 0
			for i := n - 1; i >= 0; i-- { // shards in any order
				dir := fmt.Sprintf("s%d-%d/", i, n) // summaries only: the merge draws the charts
				code, stdout, stderr := evsim(t, append(append(sweepArgs, "--shard", fmt.Sprintf("%d/%d", i, n), "--out", "", "--summary", dir), extra...)...)
				if code != exitFailed {
					t.Fatalf("shard %d/%d: exit %d\n%s%s", i, n, code, stdout, stderr)
				}
				sum := summaryPath(dir, "", shard{i, n})
				s, err := readSummary(sum)
				if err != nil {
					t.Fatal(err)
				}
				runs += s.Scenarios[0].Sweep.Runs
				summaries = append(summaries, sum)
			}
			if runs != 7 {
				t.Fatalf("%d shards ran %d seeds of idempotent-consumer, want 7", n, runs)
			}
			code, gotOut, stderr := evsim(t, append(append([]string{"merge", "--out", "o"}, summaries...), extra...)...)
			if code != exitFailed {
				t.Fatalf("merge of %d shards: exit %d, want %d\n%s", n, code, exitFailed, stderr)
			}
			if gotOut != wantOut {
				t.Errorf("merge of %d shards (json %v) prints\n%s\nthe whole sweep prints\n%s", n, asJSON, gotOut, wantOut)
			}
			got := sweepFiles(t, "o")
			for f, w := range want {
				if got[f] != w {
					t.Errorf("merge of %d shards (json %v): %s differs from the whole sweep's:\n%s\nwant\n%s", n, asJSON, f, got[f], w)
				}
			}
			if len(got) != len(want) {
				t.Errorf("merge of %d shards wrote %d summaries, the whole sweep %d", n, len(got), len(want))
			}
			if err := os.RemoveAll("o"); err != nil {
				t.Fatal(err)
			}
		}
	}
}

func TestMergeGatesAsTheWholeSweep(t *testing.T) {
	t.Chdir(t.TempDir())
	for _, c := range []struct {
		scenarios []string
		code      int
	}{
		{[]string{"idempotent-consumer", "double-credit"}, exitOK},
		{[]string{"idempotent-consumer", failingScenario(t)}, exitFailed},
	} {
		code, stdout, _ := evsim(t, append([]string{"sweep", "--seeds", "1..4", "--gate", "--out", ""}, c.scenarios...)...)
		if code != c.code || !strings.Contains(stdout, "gate ") {
			t.Fatalf("sweep %v --gate: exit %d, want %d\n%s", c.scenarios, code, c.code, stdout)
		}
		var shards []string
		for i := range 2 {
			f := fmt.Sprintf("shard%d.json", i)
			evsim(t, append([]string{"sweep", "--seeds", "1..4", "--out", "", "--shard", fmt.Sprintf("%d/2", i), "--summary", f}, c.scenarios...)...)
			shards = append(shards, f)
		}
		mcode, mout, merr := evsim(t, append([]string{"merge", "--gate", "--out", ""}, shards...)...)
		if mcode != c.code {
			t.Fatalf("merge --gate of %v: exit %d, want %d\n%s%s", c.scenarios, mcode, c.code, mout, merr)
		}
		gateLine := func(s string) string { return s[strings.LastIndex(s, "gate "):] }
		if w, g := strings.SplitN(gateLine(stdout), ", in ", 2)[0], strings.TrimSpace(gateLine(mout)); w != g {
			t.Errorf("gate line: merge %q, whole sweep %q", g, w)
		}
	}
}

func TestMergeRefusesShardsThatDoNotMakeOneSweep(t *testing.T) {
	t.Chdir(t.TempDir())
	sweep := func(file string, args ...string) string {
		t.Helper()
		full := append([]string{"sweep", "idempotent-consumer", "--out", "", "--summary", file}, args...)
		if code, _, stderr := evsim(t, full...); code != exitOK {
			t.Fatalf("evsim %q: exit %d %s", full, code, stderr)
		}
		return file
	}
	a := sweep("a.json", "--seeds", "1..5", "--shard", "0/3")
	b := sweep("b.json", "--seeds", "1..5", "--shard", "1/3")
	sweep("shards/", "--seeds", "1..5", "--shard", "2/3") // a folder: the summary is named by shard
	c := "shards/sweep-summary-2-of-3.json"
	otherSeeds := sweep("seeds.json", "--seeds", "1..6", "--shard", "2/3")
	otherSplit := sweep("split.json", "--seeds", "1..5", "--shard", "1/2")
	if err := os.WriteFile("other.yaml", []byte(mustSource(t, "idempotent-consumer")), 0o644); err != nil {
		t.Fatal(err)
	}
	otherText := "text.json"
	if code, _, stderr := evsim(t, "sweep", "other.yaml", "--seeds", "1..5", "--shard", "2/3", "--out", "", "--summary", otherText); code != exitOK {
		t.Fatalf("exit %d %s", code, stderr)
	}
	if err := os.WriteFile("junk.json", []byte(`{"scenario":"x"}`), 0o644); err != nil {
		t.Fatal(err)
	}
	edit := func(from, to string, change func(*sweepSummary)) string {
		t.Helper()
		s, err := readSummary(from)
		if err != nil {
			t.Fatal(err)
		}
		change(s)
		if err := writeSummary(to, s); err != nil {
			t.Fatal(err)
		}
		return to
	}
	interrupted := edit(b, "interrupted.json", func(s *sweepSummary) { s.Interrupted = true })
	otherBuild := edit(b, "build.json", func(s *sweepSummary) { s.Build = "github.com/evsim/evsim@v9.9.9" })
	otherEvents := sweep("events.json", "--seeds", "1..5", "--shard", "1/3", "--max-events", "40000000")
	otherHistory := sweep("history.json", "--seeds", "1..5", "--shard", "1/3", "--max-history", "1GiB", "--memory", "0")
	for _, c := range []struct {
		files []string
		want  string
	}{
		{[]string{a, b}, "missing shard(s) 2/3 of 3"},
		{[]string{a, b, c, b}, "shard 1/3 given twice: b.json and b.json"},
		{[]string{a, b, otherSeeds}, "shards of different sweeps: seeds 1..5 and 1..6"},
		{[]string{a, b, otherSplit}, "shards of different splits"},
		{[]string{a, b, otherText}, "shards of different sweeps: scenario 1 is scenarios/idempotent-consumer.yaml in one and other.yaml in the other"},
		{[]string{a, interrupted, c}, "interrupted.json: shard 1/3 was interrupted"},
		{[]string{a, otherBuild, c}, "come from different evsim builds"},
		{[]string{a, otherEvents, c}, "a.json and events.json ran under different bounds: --max-events 50000000 and 40000000"},
		{[]string{a, otherHistory, c}, "a.json and history.json ran under different bounds: --max-history 4GiB and 1GiB"},
		{[]string{a, "junk.json"}, "junk.json: not a sweep summary"},
		{[]string{a, "absent.json"}, "absent.json"},
		{nil, "usage: evsim merge SUMMARY..."},
	} {
		code, _, stderr := evsim(t, append([]string{"merge", "--out", ""}, c.files...)...)
		if code != exitUsage || !strings.Contains(stderr, c.want) {
			t.Errorf("merge %v: exit %d, stderr %q; want %d and %q", c.files, code, stderr, exitUsage, c.want)
		}
	}
	if code, stdout, stderr := evsim(t, "merge", "--out", "", c, a, b); code != exitOK || !strings.Contains(stdout, "5 runs, seeds 1..5\n") {
		t.Errorf("merge of the 3 shards: exit %d\n%s%s", code, stdout, stderr)
	}
}

func TestShardFlag(t *testing.T) {
	for _, c := range []struct {
		flag, index, count string
		want               shard
		err                string
	}{
		{flag: "", want: whole},
		{flag: "0/4", want: shard{0, 4}},
		{flag: "3/4", want: shard{3, 4}},
		{flag: "4/4", err: "counts from 0"},
		{flag: "-1/4", err: "want i/n"},
		{flag: "1", err: "want i/n"},
		{flag: "env", index: "2", count: "5", want: shard{2, 5}},
		{flag: "env", index: "2", err: "EVSIM_SHARDS"},
	} {
		t.Setenv("JOB_COMPLETION_INDEX", c.index)
		t.Setenv("EVSIM_SHARDS", c.count)
		got, err := shardFlag(c.flag)
		if c.err != "" {
			if err == nil || !strings.Contains(err.Error(), c.err) {
				t.Errorf("--shard %q: %v, want an error with %q", c.flag, err, c.err)
			}
			continue
		}
		if err != nil || got != c.want {
			t.Errorf("--shard %q: %v %v, want %v", c.flag, got, err, c.want)
		}
	}
	// The partition: every seed in exactly one shard, at positions i, i+n...
	for n := 1; n <= 4; n++ {
		seen := map[uint64]int{}
		for i := range n {
			for _, s := range (shard{i, n}).seeds(10, 20) {
				seen[s]++
				if int(s-10)%n != i {
					t.Errorf("seed %d in shard %d/%d", s, i, n)
				}
			}
		}
		for s := uint64(10); s <= 20; s++ {
			if seen[s] != 1 {
				t.Errorf("n=%d: seed %d in %d shards", n, s, seen[s])
			}
		}
	}
}

func mustSource(t *testing.T, name string) string {
	t.Helper()
	s, err := scenarios.Builtin(name)
	if err != nil {
		t.Fatal(err)
	}
	return string(s.Source)
}

// TestSweepSummaryIndependentOfWorkers: the workers take (scenario,
// seed) cells from one feed, costliest scenario first, and runs finish
// in any order, yet the summary
// and the printed tables are the same for 1 worker as for 3; a shard with
// no seed in the range runs nothing and says so.
func TestSweepSummaryIndependentOfWorkers(t *testing.T) {
	t.Chdir(t.TempDir())
	args := []string{"sweep", "double-credit", "idempotent-consumer", "stale-read", "--seeds", "1..5", "--out", ""}
	var outs, sums []string
	for _, w := range []string{"1", "3"} {
		code, stdout, stderr := evsim(t, append(args, "--workers", w, "--summary", "w"+w+".json")...)
		if code != exitOK {
			t.Fatalf("--workers %s: exit %d\n%s%s", w, code, stdout, stderr)
		}
		b, err := os.ReadFile("w" + w + ".json")
		if err != nil {
			t.Fatal(err)
		}
		outs, sums = append(outs, stdout), append(sums, string(b))
	}
	if outs[0] != outs[1] || sums[0] != sums[1] {
		t.Errorf("1 and 3 workers differ:\n%s\n%s", outs[0], outs[1])
	}
	if got := strings.Count(outs[0], "5 runs, seeds 1..5\n"); got != 3 {
		t.Errorf("%d scenarios with 5 runs, want 3:\n%s", got, outs[0])
	}
	code, stdout, stderr := evsim(t, "sweep", "double-credit", "idempotent-consumer", "--seeds", "1..2", "--shard", "3/4", "--out", "")
	if code != exitOK || strings.Count(stdout, "0 runs, seeds 1..2, shard 3/4\n") != 2 {
		t.Errorf("an empty shard: exit %d\n%s%s", code, stdout, stderr)
	}
}

// TestSweepReprosCarryTheBounds: a sweep under bounds that are not the
// defaults records them in its summary, ends each failing seed's repro
// with them, and the merge of its shards prints what the whole sweep
// prints, repros included.
func TestSweepReprosCarryTheBounds(t *testing.T) {
	t.Chdir(t.TempDir())
	args := []string{"sweep", failingScenario(t), "--seeds", "1..2", "--out", "", "--max-events", "40000000"}
	code, whole, stderr := evsim(t, args...)
	if code != exitFailed || !strings.Contains(whole, "--seed 2 --max-events 40000000\n") {
		t.Fatalf("sweep: exit %d\n%s%s", code, whole, stderr)
	}
	var shards []string
	for i := range 2 {
		f := fmt.Sprintf("shard%d.json", i)
		evsim(t, append(args, "--shard", fmt.Sprintf("%d/2", i), "--summary", f)...)
		shards = append(shards, f)
	}
	s, err := readSummary(shards[0])
	if err != nil || s.MaxEvents != 40_000_000 || s.MaxHistory != scenarios.DefaultBounds.HistoryBytes {
		t.Fatalf("shard summary %+v, %v", s, err)
	}
	code, merged, stderr := evsim(t, append([]string{"merge", "--out", ""}, shards...)...)
	if code != exitFailed || merged != whole {
		t.Errorf("merge: exit %d\n%s%s\nthe whole sweep prints\n%s", code, merged, stderr, whole)
	}
}
