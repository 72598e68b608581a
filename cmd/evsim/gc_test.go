package main

import (
	"runtime/debug"
	"testing"
)

func TestTuneGCSetsAndRestores(t *testing.T) {
	t.Setenv("GOGC", "")
	prev := debug.SetGCPercent(100)
	defer debug.SetGCPercent(prev)
	restore := tuneGC()
	if got := debug.SetGCPercent(sweepGCPercent); got != sweepGCPercent {
		t.Errorf("during a sweep GOGC is %d, want %d", got, sweepGCPercent)
	}
	if lim := debug.SetMemoryLimit(-1); memTotal() > 0 && lim != memTotal()/2 {
		t.Errorf("memory limit %d, want half of %d", lim, memTotal())
	}
	restore()
	if got := debug.SetGCPercent(100); got != 100 {
		t.Errorf("after the sweep GOGC is %d, want 100 back", got)
	}
}

func TestTuneGCLeavesTheUsersGOGC(t *testing.T) {
	t.Setenv("GOGC", "77")
	prev := debug.SetGCPercent(77)
	defer debug.SetGCPercent(prev)
	tuneGC()()
	restore := tuneGC()
	if got := debug.SetGCPercent(77); got != 77 {
		t.Errorf("GOGC=77 in the environment, but the sweep set %d", got)
	}
	restore()
}
