package main

import (
	"flag"
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/evsim/evsim/scenarios"
)

// boundFlags are the flags that set a run's [scenarios.Bounds].
type boundFlags struct {
	events          *uint64
	history, memory *string
	dir             *string
}

// addBoundFlags adds --max-events, --max-history, --memory and
// --spill-dir to fs, with [scenarios.DefaultBounds] as defaults.
func addBoundFlags(fs *flag.FlagSet) *boundFlags {
	d := scenarios.DefaultBounds
	return &boundFlags{
		events:  fs.Uint64("max-events", d.Events, "stop a run at this many kernel events, in any phase, counted every 4096 events (0: no bound)"),
		history: fs.String("max-history", sizeString(d.HistoryBytes), "stop a run when its history reaches this size, in memory and on disk (0: no bound)"),
		memory:  fs.String("memory", sizeString(d.MemoryBytes), "history memory per run; past it, the history spills to a temporary file and is read back for the checks (0: keep it all in memory)"),
		dir:     fs.String("spill-dir", "", "folder for the spill files (default: the system's temporary folder, $TMPDIR)"),
	}
}

// parse parses args into fs, whose bound flags are f, and
// returns the positional arguments and the bounds; false (the usage or
// the error, naming the flag and cmd, already written) when they do not
// parse.
func (f *boundFlags) parse(cmd string, fs *flag.FlagSet, args []string, stderr io.Writer) ([]string, scenarios.Bounds, bool) {
	pos, err := parseInterleaved(fs, args)
	if err != nil {
		return nil, scenarios.Bounds{}, false
	}
	b, err := f.bounds()
	if err != nil {
		fmt.Fprintf(stderr, "evsim %s: %v\n", cmd, err)
		return nil, scenarios.Bounds{}, false
	}
	return pos, b, true
}

// bounds returns the bounds the flags set.
func (f *boundFlags) bounds() (scenarios.Bounds, error) {
	hist, err := parseSize(*f.history)
	if err != nil {
		return scenarios.Bounds{}, fmt.Errorf("--max-history: %w", err)
	}
	mem, err := parseSize(*f.memory)
	if err != nil {
		return scenarios.Bounds{}, fmt.Errorf("--memory: %w", err)
	}
	return scenarios.Bounds{Events: *f.events, HistoryBytes: hist, MemoryBytes: mem, SpillDir: *f.dir}, nil
}

// boundArgs are the flags that rerun a run under b: --max-events and
// --max-history where they are not the defaults, the bounds that can
// change an outcome (memory and the spill folder never do). Zero bounds,
// an outcome that does not say its bounds, add none.
func boundArgs(b scenarios.Bounds) string {
	if b == (scenarios.Bounds{}) {
		return ""
	}
	return outcomeBoundArgs(b.Events, b.HistoryBytes)
}

// outcomeBoundArgs is [boundArgs] of the two bounds that can change an
// outcome: events and history bytes (0: no bound).
func outcomeBoundArgs(events uint64, history int64) string {
	d, out := scenarios.DefaultBounds, ""
	if events != d.Events {
		out += fmt.Sprintf(" --max-events %d", events)
	}
	if history != d.HistoryBytes {
		out += " --max-history " + sizeString(history)
	}
	return out
}

// sizeUnits are the units of a size, binary multiples.
var sizeUnits = []struct {
	suffix string
	shift  uint
}{{"TiB", 40}, {"GiB", 30}, {"MiB", 20}, {"KiB", 10}, {"T", 40}, {"G", 30}, {"M", 20}, {"K", 10}, {"B", 0}}

// parseSize reads a size in bytes: a whole number with an optional unit,
// KiB, MiB, GiB or TiB (K, M, G, T alike): "512MiB", "4GiB", "0".
func parseSize(s string) (int64, error) {
	num, shift := strings.TrimSpace(s), uint(0)
	for _, u := range sizeUnits {
		if strings.HasSuffix(num, u.suffix) {
			num, shift = strings.TrimSpace(strings.TrimSuffix(num, u.suffix)), u.shift
			break
		}
	}
	n, err := strconv.ParseInt(num, 10, 64)
	if err != nil || n < 0 || n > (1<<62)>>shift {
		return 0, fmt.Errorf("%q: want a size such as 512MiB, 4GiB or 0", s)
	}
	return n << shift, nil
}

// sizeString writes n bytes in the largest unit that divides it.
func sizeString(n int64) string {
	for _, u := range sizeUnits[:4] {
		if n != 0 && n%(1<<u.shift) == 0 {
			return strconv.FormatInt(n>>u.shift, 10) + u.suffix
		}
	}
	return strconv.FormatInt(n, 10)
}
