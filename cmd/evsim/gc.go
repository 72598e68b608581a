package main

import (
	"bufio"
	"os"
	"runtime/debug"
	"strconv"
	"strings"
)

// sweepGCPercent is the garbage collector's target during a sweep: a run
// allocates its history and its checks' tables and drops them all when it
// ends, so collecting four times less often costs memory that is soon
// given back, and frees the core that a single worker's collections
// would otherwise take from the second worker.
const sweepGCPercent = 400

// tuneGC sets the garbage collector for a sweep, unless the user set
// GOGC: it collects when the heap has grown by sweepGCPercent, and, unless
// the user set GOMEMLIMIT, more often as the heap nears half of the
// machine's memory, so that a sweep of large runs does not trade its
// speed for running out of memory. It returns a function that restores
// the previous settings.
func tuneGC() (restore func()) {
	if os.Getenv("GOGC") != "" {
		return func() {}
	}
	prev := debug.SetGCPercent(sweepGCPercent)
	prevLimit := debug.SetMemoryLimit(-1)
	if os.Getenv("GOMEMLIMIT") == "" {
		if total := memTotal(); total > 0 {
			debug.SetMemoryLimit(total / 2)
		}
	}
	return func() {
		debug.SetGCPercent(prev)
		debug.SetMemoryLimit(prevLimit)
	}
}

// memTotal is the machine's memory in bytes, or its cgroup's limit if
// lower, as Linux reports them; 0 elsewhere or if unknown.
func memTotal() int64 {
	var total int64
	if f, err := os.Open("/proc/meminfo"); err == nil {
		sc := bufio.NewScanner(f)
		for sc.Scan() {
			if rest, ok := strings.CutPrefix(sc.Text(), "MemTotal:"); ok {
				kb, err := strconv.ParseInt(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(rest), "kB")), 10, 64)
				if err == nil {
					total = kb << 10
				}
				break
			}
		}
		f.Close()
	}
	for _, f := range []string{"/sys/fs/cgroup/memory.max", "/sys/fs/cgroup/memory/memory.limit_in_bytes"} { // cgroup v2, v1
		b, err := os.ReadFile(f)
		if err != nil {
			continue
		}
		if lim, err := strconv.ParseInt(strings.TrimSpace(string(b)), 10, 64); err == nil && lim > 0 && (total == 0 || lim < total) {
			total = lim
		}
	}
	return total
}
