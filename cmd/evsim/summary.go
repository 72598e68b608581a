package main

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"runtime/debug"
	"slices"
	"sort"
	"strings"

	"github.com/evsim/evsim/checks"
	"github.com/evsim/evsim/scenarios"
)

// summaryFormat names the schema of a sweep summary file.
const summaryFormat = "evsim.sweep-summary/v1"

// sweepSummary is what `evsim sweep` writes for a whole sweep or one shard
// of it, and what `evsim merge` reads and writes: the sweep's identity
// (the evsim build, the seed range, each scenario's file and text, so
// that merge needs nothing but the summaries) and each scenario's
// summary. Merging the shards of a sweep gives, byte for byte, the
// summary of the whole sweep.
type sweepSummary struct {
	Format string `json:"format"`
	Build  string `json:"build"`
	Seeds  string `json:"seeds"`
	// Shard is "i/n" for a shard, empty for the whole sweep.
	Shard string `json:"shard,omitempty"`
	// MaxEvents and MaxHistory are the bounds the sweep's runs were held
	// to that can change an outcome ([scenarios.Bounds] Events and
	// HistoryBytes; 0: no bound): shards run under other bounds may judge
	// a seed differently.
	MaxEvents  uint64          `json:"max_events"`
	MaxHistory int64           `json:"max_history_bytes"`
	Scenarios  []sweptScenario `json:"scenarios"`
	// Interrupted says Ctrl-C stopped the sweep.
	Interrupted bool `json:"interrupted,omitempty"`
}

// sweptScenario is one scenario of a sweep and its summary.
type sweptScenario struct {
	File   string     `json:"file"`
	Source string     `json:"source"`
	Sweep  *sweepLine `json:"sweep"`
}

// build names the evsim version that ran a sweep, by module version and
// commit: shards of one sweep must come from one, since another may
// judge a seed differently. Uncommitted changes are not told apart (the
// summaries a sweep writes into the work tree would count as one).
func build() string {
	bi, ok := debug.ReadBuildInfo()
	if !ok {
		return "unknown"
	}
	out := bi.Main.Path + "@" + strings.TrimSuffix(bi.Main.Version, "+dirty")
	for _, s := range bi.Settings {
		if s.Key == "vcs.revision" {
			out += " " + s.Value
		}
	}
	return out
}

// summaryPath is where a sweep writes its summary: the file flag names,
// or, if flag is empty or names a folder (ending in a slash, or
// existing), sweep-summary.json in it or in the output folder, named
// sweep-summary-I-of-N.json for a shard so that shards gathered in one
// folder do not collide.
func summaryPath(flag, out string, sh shard) string {
	if flag != "" {
		if st, err := os.Stat(flag); !strings.HasSuffix(flag, "/") && (err != nil || !st.IsDir()) {
			return flag
		}
		out = flag
	}
	if out == "" {
		return ""
	}
	if sh.Count > 1 {
		return filepath.Join(out, fmt.Sprintf("sweep-summary-%d-of-%d.json", sh.Index, sh.Count))
	}
	return filepath.Join(out, "sweep-summary.json")
}

// writeSummary writes sum to path whole or not at all.
func writeSummary(path string, sum *sweepSummary) error {
	b, err := json.MarshalIndent(sum, "", "  ")
	if err != nil {
		return fmt.Errorf("sweep summary: %w", err)
	}
	if dir := filepath.Dir(path); dir != "" {
		if err := os.MkdirAll(dir, 0o755); err != nil {
			return fmt.Errorf("sweep summary: %w", err)
		}
	}
	return writeFileAtomic(path, append(b, '\n'))
}

// readSummary reads a summary file.
func readSummary(path string) (*sweepSummary, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("read summary: %w", err)
	}
	var sum sweepSummary
	if err := json.Unmarshal(b, &sum); err != nil {
		return nil, fmt.Errorf("%s: not a sweep summary: %w", path, err)
	}
	if sum.Format != summaryFormat {
		return nil, fmt.Errorf("%s: not a sweep summary (format %q, want %q; `evsim sweep --out DIR` writes one as DIR/sweep-summary*.json)", path, sum.Format, summaryFormat)
	}
	for i, sc := range sum.Scenarios {
		if sc.Sweep == nil {
			return nil, fmt.Errorf("%s: scenario %d (%s) has no sweep", path, i, sc.File)
		}
	}
	return &sum, nil
}

// mergeSummaries combines the shards of one sweep into the summary of
// the whole sweep. It refuses summaries of different sweeps (another
// build, seed range, bounds or scenario list), shards of different splits,
// a shard given twice or missing, and an interrupted shard, naming the
// files. paths name the summaries, for the messages.
func mergeSummaries(paths []string, sums []*sweepSummary) (*sweepSummary, error) {
	if len(sums) == 0 {
		return nil, fmt.Errorf("no summary to merge")
	}
	first := sums[0]
	shards := make([]shard, len(sums))
	for k, sum := range sums {
		sh, err := parseShard(sum.Shard)
		if err != nil {
			return nil, fmt.Errorf("%s: shard %w", paths[k], err)
		}
		shards[k] = sh
		if sum.Interrupted {
			return nil, fmt.Errorf("%s: shard %s was interrupted (Ctrl-C) and covers only part of its seeds: run it again", paths[k], shardName(sh))
		}
		if k == 0 {
			continue
		}
		if sum.Build != first.Build {
			return nil, fmt.Errorf("%s and %s come from different evsim builds (%s; %s): shards of one sweep must run one build", paths[0], paths[k], first.Build, sum.Build)
		}
		if sum.Seeds != first.Seeds {
			return nil, fmt.Errorf("%s and %s are shards of different sweeps: seeds %s and %s", paths[0], paths[k], first.Seeds, sum.Seeds)
		}
		if sum.MaxEvents != first.MaxEvents {
			return nil, fmt.Errorf("%s and %s ran under different bounds: --max-events %d and %d: shards of one sweep must run under the same bounds", paths[0], paths[k], first.MaxEvents, sum.MaxEvents)
		}
		if sum.MaxHistory != first.MaxHistory {
			return nil, fmt.Errorf("%s and %s ran under different bounds: --max-history %s and %s: shards of one sweep must run under the same bounds", paths[0], paths[k], sizeString(first.MaxHistory), sizeString(sum.MaxHistory))
		}
		if d := scenarioDiff(first, sum); d != "" {
			return nil, fmt.Errorf("%s and %s are shards of different sweeps: %s", paths[0], paths[k], d)
		}
		if sh.Count != shards[0].Count {
			return nil, fmt.Errorf("%s is shard %s and %s is shard %s: shards of different splits overlap; merge the %d shards of one split", paths[0], shardName(shards[0]), paths[k], shardName(sh), shards[0].Count)
		}
	}
	n := shards[0].Count
	seen := make([]string, n)
	for k, sh := range shards {
		if seen[sh.Index] != "" {
			return nil, fmt.Errorf("shard %s given twice: %s and %s", shardName(sh), seen[sh.Index], paths[k])
		}
		seen[sh.Index] = paths[k]
	}
	var missing []string
	for i, p := range seen {
		if p == "" {
			missing = append(missing, fmt.Sprintf("%d/%d", i, n))
		}
	}
	if len(missing) > 0 {
		return nil, fmt.Errorf("missing shard(s) %s of %d: merge needs every shard of the sweep", strings.Join(missing, ", "), n)
	}
	out := &sweepSummary{Format: summaryFormat, Build: first.Build, Seeds: first.Seeds, MaxEvents: first.MaxEvents, MaxHistory: first.MaxHistory}
	for j, sc := range first.Scenarios {
		lines := make([]*sweepLine, len(sums))
		for k, sum := range sums {
			lines[k] = sum.Scenarios[j].Sweep
		}
		out.Scenarios = append(out.Scenarios, sweptScenario{File: sc.File, Source: sc.Source, Sweep: mergeLines(lines)})
	}
	return out, nil
}

// shardName is "i/n", or "0/1" for the whole sweep.
func shardName(s shard) string { return fmt.Sprintf("%d/%d", s.Index, s.Count) }

// scenarioDiff says how two summaries' scenario lists differ, or "".
func scenarioDiff(a, b *sweepSummary) string {
	if len(a.Scenarios) != len(b.Scenarios) {
		return fmt.Sprintf("%d and %d scenarios", len(a.Scenarios), len(b.Scenarios))
	}
	for i := range a.Scenarios {
		x, y := a.Scenarios[i], b.Scenarios[i]
		switch {
		case x.File != y.File:
			return fmt.Sprintf("scenario %d is %s in one and %s in the other", i+1, x.File, y.File)
		case x.Source != y.Source:
			return fmt.Sprintf("scenario %s has different text in each", x.File)
		}
	}
	return ""
}

// mergeLines adds up the summaries of one scenario over the shards, in
// the order a single sweep gives: failing seeds and per-seed worsts by
// seed, faults in the plan's order. Charts are not carried over: the
// merge draws its own.
func mergeLines(lines []*sweepLine) *sweepLine {
	first := lines[0]
	out := &sweepLine{Scenario: first.Scenario, Seeds: first.Seeds, Verdicts: map[string]map[checks.Verdict]int{},
		Failing: []uint64{}, Broken: first.Broken, FaultsStruck: []sweepStrike{}}
	for _, l := range lines {
		out.Runs += l.Runs
		out.Met += l.Met
		out.Caught += l.Caught
		out.Failing = append(out.Failing, l.Failing...)
		out.Worst = append(out.Worst, l.Worst...)
		for c, vs := range l.Verdicts {
			if out.Verdicts[c] == nil {
				out.Verdicts[c] = map[checks.Verdict]int{}
			}
			for v, n := range vs {
				out.Verdicts[c][v] += n
			}
		}
		for i, f := range l.FaultsStruck {
			if i == len(out.FaultsStruck) {
				out.FaultsStruck = append(out.FaultsStruck, sweepStrike{Fault: f.Fault})
			}
			out.FaultsStruck[i].Times += f.Times
			out.FaultsStruck[i].Runs += f.Runs
		}
	}
	slices.Sort(out.Failing)
	sort.Slice(out.Worst, func(i, j int) bool { return out.Worst[i].Seed < out.Worst[j].Seed })
	return out
}

// summaryScenarios parses the scenarios a summary names, from their text.
func summaryScenarios(path string, sum *sweepSummary) ([]*scenarios.Scenario, error) {
	out := make([]*scenarios.Scenario, len(sum.Scenarios))
	for i, sc := range sum.Scenarios {
		s, err := scenarios.Parse(sc.File, []byte(sc.Source))
		if err != nil {
			return nil, fmt.Errorf("%s: scenario %s: %w", path, sc.File, err)
		}
		out[i] = s
	}
	return out, nil
}
