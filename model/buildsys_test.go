package model

import (
	"testing"

	"github.com/evsim/evsim/model/history"
	"github.com/evsim/evsim/sim"
)

// buildSystem builds cfg in a new world of seed, recording into a new
// history, and fails the test if cfg does not build.
func buildSystem(t testing.TB, cfg Config, seed uint64) (*sim.World, *System, *history.History) {
	t.Helper()
	w := sim.New(seed)
	h := &history.History{}
	s, err := Build(w, cfg, h)
	if err != nil {
		t.Fatal(err)
	}
	return w, s, h
}
