package model_test

import (
	"testing"
	"time"

	"github.com/evsim/evsim/model"
	"github.com/evsim/evsim/model/domain"
	"github.com/evsim/evsim/model/history"
	"github.com/evsim/evsim/sim"
)

// runHandles runs one account through Open, Deposit 100, ChargeFee 5,
// Deposit 10, with the projector p of read model "balances", and returns
// the history of the drained run.
func runHandles(t *testing.T, p model.ProjectorConfig) *history.History {
	t.Helper()
	p.Name, p.Checkpoint, p.Gap = "balances", model.CheckpointSameTx, model.GapSkipNoWriter
	w, h, sys, es := startES(t, model.ESConfig{
		Store:     model.StoreConfig{Position: model.PositionAtCommit},
		Aggregate: "account",
		Clients: []model.ClientConfig{{Name: "teller", Sessions: 1, Keys: 1, Interval: 10 * time.Millisecond,
			Concurrency: model.ConcurrencyExact, RetryIDs: model.RetrySameIDs, Retries: 3,
			Script: []model.ScriptStep{{Type: "Open", Key: "acct-0"}, {Type: "Deposit", Key: "acct-0", Amount: 100},
				{Type: "ChargeFee", Key: "acct-0", Amount: 5}, {Type: "Deposit", Key: "acct-0", Amount: 10}}}},
		Projectors: []model.ProjectorConfig{p},
	})
	w.Run(sim.Time(time.Second), 0)
	if !es.Drain(sys, 10*time.Millisecond, time.Second) {
		t.Fatal("did not drain")
	}
	return h
}

// TestProjectorHandles: a projector whose code has no handler for
// FeeCharged (Handles lists the account's other event types) skips it:
// it never applies it, records it as unhandled, keeps the row it had
// and checkpoints past it, so the row misses the fee. A blue-green or
// stop-then-rebuild rebuild deploys the current code, which applies it.
func TestProjectorHandles(t *testing.T) {
	old := []string{domain.Opened, domain.Deposited, domain.Withdrawn}
	for _, tc := range []struct {
		name    string
		p       model.ProjectorConfig
		skipped bool  // the old projector met FeeCharged
		final   int64 // the last row applied
		node    string
	}{
		{"every type", model.ProjectorConfig{}, false, 105, "balances"},
		{"old code", model.ProjectorConfig{Handles: old}, true, 110, "balances"},
		{"old code, blue-green rebuild", model.ProjectorConfig{Handles: old, RebuildAt: 500 * time.Millisecond, Rebuild: model.RebuildBlueGreen},
			true, 105, "balances-green"},
		{"old code, stop-then-rebuild", model.ProjectorConfig{Handles: old, RebuildAt: 500 * time.Millisecond, Rebuild: model.RebuildStopFirst},
			true, 105, "balances"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			h := runHandles(t, tc.p)
			var fee int64
			var last history.Entry
			unhandled, oldFees, newFees := 0, 0, 0
			rebuilt := false
			for _, r := range h.All() {
				switch {
				case r.Kind == history.StoreAppend && r.Type == domain.FeeCharged:
					fee = r.Position
				case r.Kind == history.ProjectionReset:
					rebuilt = true
				case r.Kind == history.ProjectionUnhandled:
					unhandled++
					if r.Type != domain.FeeCharged || r.Node != "balances" || r.Version != 3 || r.Position != fee || rebuilt {
						t.Errorf("unhandled record %+v: want FeeCharged at version 3, position %d, by balances before any rebuild", r, fee)
					}
				case r.Kind == history.ProjectionApply && r.Type == domain.FeeCharged:
					if r.Node == "balances" && !rebuilt && tc.p.Handles != nil {
						oldFees++
					} else {
						newFees++
					}
				case r.Kind == history.ProjectionApply && r.Node == tc.node:
					last = r
				}
			}
			if fee == 0 {
				t.Fatal("no FeeCharged was stored")
			}
			if oldFees > 0 {
				t.Errorf("the old projector applied FeeCharged %d time(s): its code has no handler for it", oldFees)
			}
			if want := map[bool]int{true: 1, false: 0}[tc.skipped]; unhandled != want {
				t.Errorf("%d unhandled record(s), want %d", unhandled, want)
			}
			if !tc.skipped && newFees != 1 || tc.skipped && tc.p.RebuildAt > 0 && newFees != 1 {
				t.Errorf("FeeCharged applied %d time(s) by code that handles it, want 1", newFees)
			}
			if last.Version != 4 || last.Value != tc.final {
				t.Errorf("last row applied by %s: %d at version %d, want %d at version 4", tc.node, last.Value, last.Version, tc.final)
			}
		})
	}
}
