package model

import (
	"reflect"
	"testing"
	"time"

	"github.com/evsim/evsim/model/history"
	"github.com/evsim/evsim/sim"
)

// runEntries runs cfg for d with the instant path on or off, and the
// crash hook if not nil, and returns its history and the batches the path
// handled.
func runEntries(t *testing.T, cfg Config, d time.Duration, off bool, hook sim.CrashHook) ([]history.Entry, int64) {
	t.Helper()
	instantOff = off
	defer func() { instantOff = false }()
	w, s, h := buildSystem(t, cfg, 3)
	if hook != nil {
		w.SetCrashHook(hook)
	}
	before := instantBatches.Load()
	s.Start()
	w.Run(sim.Time(d), 0)
	return h.Entries(), instantBatches.Load() - before
}

// everyNth crashes a member at its every nth pass through point, and
// restarts it a millisecond later.
type everyNth struct {
	point  CrashPoint
	n, met int
}

func (c *everyNth) Crash(w *sim.World, node sim.NodeID, point string) (bool, sim.Time) {
	if point != string(c.point) {
		return false, 0
	}
	c.met++
	return c.met%c.n == 0, sim.Time(time.Millisecond)
}

// skipThird is a balance handler that skips every record whose amount is
// a multiple of 3, as a handler with its own table of processed ids does
// when it finds one.
type skipThird struct{ tableHandler }

func (skipThird) Handle(tx *Tx, r Record) {
	if r.Amount%3 == 0 {
		tx.Skip()
		return
	}
	Balance(tx, r)
}

// TestInstantPathRecordsAsStartWork: a member whose every record
// finishes inside its delivery records, through the instant path, the
// history it records through the general one, under every commit policy,
// in a queue subscription, with a handler that skips records, and with
// members crashing at each crash point the path passes; and the path is
// refused where a record may wait (processing time, ordering by key, a
// dedup step, failures).
func TestInstantPathRecordsAsStartWork(t *testing.T) {
	cases := map[string]struct {
		edit    func(c *ConsumerConfig)
		instant bool
		crash   CrashPoint // "": none
	}{
		"interval":          {func(c *ConsumerConfig) { c.Commit = CommitInterval }, true, ""},
		"after-handle":      {func(c *ConsumerConfig) { c.Commit = CommitAfterHandle }, true, ""},
		"before-handle":     {func(c *ConsumerConfig) { c.Commit = CommitBeforeHandle }, true, ""},
		"max-completed":     {func(c *ConsumerConfig) { c.Commit = CommitMaxCompleted }, true, ""},
		"contiguous-prefix": {func(c *ConsumerConfig) { c.Commit = CommitContiguousPrefix }, true, ""},
		"queue": {func(c *ConsumerConfig) {
			c.Style, c.Commit = StyleQueue, CommitAfterHandle
		}, true, ""},
		"skipping handler":    {func(c *ConsumerConfig) { c.Custom = skipThird{tableHandler{balance}} }, true, ""},
		"crash before effect": {func(c *ConsumerConfig) {}, true, PointBeforeEffect},
		"crash after effect":  {func(c *ConsumerConfig) { c.Custom = skipThird{tableHandler{balance}} }, true, PointAfterEffect},
		"crash before commit": {func(c *ConsumerConfig) { c.Commit = CommitBeforeHandle }, true, PointBeforeCommit},
		"crash after commit":  {func(c *ConsumerConfig) { c.Commit = CommitAfterHandle }, true, PointAfterCommit},
		"processing time":     {func(c *ConsumerConfig) { c.ProcessingMin, c.ProcessingMax = time.Microsecond, 3*time.Microsecond }, false, ""},
		"ordering by key":     {func(c *ConsumerConfig) { c.Ordering, c.Concurrency = OrderKey, 4 }, false, ""},
		"dedup same tx":       {func(c *ConsumerConfig) { c.Dedup = DedupSameTx }, false, ""},
		"failures": {func(c *ConsumerConfig) {
			c.Failures, c.OnError, c.MaxAttempts = sim.Ratio{Num: 1, Den: 10}, DeadLetter, 3
		}, false, ""},
	}
	for name, c := range cases {
		t.Run(name, func(t *testing.T) {
			cfg := benchConfig(CommitInterval)
			cfg.Producers[0].Interval = 100 * time.Microsecond
			c.edit(&cfg.Consumers[0])
			hook := func() sim.CrashHook {
				if c.crash == "" {
					return nil
				}
				return &everyNth{point: c.crash, n: 97}
			}
			instant, took := runEntries(t, cfg, 50*time.Millisecond, false, hook())
			general, none := runEntries(t, cfg, 50*time.Millisecond, true, hook())
			if none != 0 {
				t.Fatalf("the instant path ran %d batches while off", none)
			}
			if (took > 0) != c.instant {
				t.Fatalf("the instant path ran %d batches, want it to run: %v", took, c.instant)
			}
			var effects, crashes int
			for _, e := range general {
				switch e.Kind {
				case history.Effect:
					effects++
				case history.Crash:
					crashes++
				}
			}
			if effects == 0 || (c.crash != "") != (crashes > 0) {
				t.Fatalf("%d effects, %d crashes recorded: the run judged nothing", effects, crashes)
			}
			if !reflect.DeepEqual(instant, general) {
				t.Fatalf("the histories differ: %d entries with the instant path, %d without", len(instant), len(general))
			}
		})
	}
}
