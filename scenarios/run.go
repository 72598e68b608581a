package scenarios

import (
	"errors"
	"fmt"
	"slices"
	"sort"
	"sync"
	"time"

	"github.com/evsim/evsim/checks"
	"github.com/evsim/evsim/faults"
	"github.com/evsim/evsim/model"
	"github.com/evsim/evsim/model/history"
	"github.com/evsim/evsim/sim"
)

// Bounds caps one run in every phase, the safety phase and the drain
// alike, so that no scenario can hang or fill the memory: a world past a
// bound halts, and the outcome says which bound, when and in which phase.
type Bounds struct {
	// Events bounds the kernel events of the whole run.
	Events uint64
	// HistoryBytes bounds the whole history, in memory and spilled to
	// disk ([history.History.Size]: its compact records, side rows and
	// symbol table).
	HistoryBytes int64
	// MemoryBytes is the history's memory budget ([history.History.Bytes]):
	// past it, its oldest records spill to a temporary file in SpillDir
	// ("": the system's temporary folder) and are read back as the checks
	// need them. 0 keeps the whole history in memory, within HistoryBytes.
	MemoryBytes int64
	SpillDir    string
}

// DefaultBounds are the bounds of [Scenario.Run]: 50 million kernel
// events and 4 GiB of history, of which at most 256 MiB in memory (the
// rest spills to disk).
var DefaultBounds = Bounds{Events: 50_000_000, HistoryBytes: 4 << 30, MemoryBytes: 256 << 20}

// runSlice is how much simulated time runs between two looks at the bounds.
const runSlice = sim.Time(time.Second)

// drainStep is how often the liveness phase checks whether the system has
// caught up.
const drainStep = 100 * time.Millisecond

// Outcome is what one run of a scenario produced and how it was judged.
type Outcome struct {
	Scenario *Scenario
	Seed     uint64
	// Bounds are the bounds the run was held to.
	Bounds   Bounds
	Checksum uint64
	Events   uint64
	History  *history.History
	// Drained says whether every group caught up in the liveness phase.
	Drained bool
	// Bounded says the run hit one of its [Bounds] and halted; Failures
	// says which, when and in which phase.
	Bounded bool
	Results []checks.Result
	// Judgement is the judgement that gave Results: the passes over the
	// history its checks made, for a caller that measures the history
	// too (reports.WorstOfJudgement). Release drops it.
	Judgement *checks.Judgement
	// Failures lists the expectations that were not met, one sentence each.
	Failures []string
	// FaultsStruck says how often each fault struck: the faults of the
	// plan in their order, then the fault knobs that are on (a producer's
	// request-loss, a consumer's failures, the event store's lost
	// answers...) in configuration order. A fault with Times 0 never
	// struck: the run says nothing about it.
	FaultsStruck []model.Strike
}

// NeverStruck lists the faults that never struck in the run.
func (o *Outcome) NeverStruck() []string {
	var out []string
	for _, f := range o.FaultsStruck {
		if f.Times == 0 {
			out = append(out, f.Fault)
		}
	}
	return out
}

// Met reports whether every expectation was met.
func (o *Outcome) Met() bool { return len(o.Failures) == 0 }

// Run builds the scenario's world with seed, runs the safety phase for
// Duration with faults, the liveness phase until every group catches up
// (at most Drain), and judges the history, within [DefaultBounds]. It is
// deterministic: the same scenario and seed give the same outcome, byte
// for byte.
func (s *Scenario) Run(seed uint64) (*Outcome, error) {
	return s.RunWithin(seed, DefaultBounds)
}

// RunWithin is [Scenario.Run] within the bounds b, which hold in every
// phase of the run: a world past one halts, the rest of the run is
// skipped and the outcome fails with a message naming the bound.
func (s *Scenario) RunWithin(seed uint64, b Bounds) (*Outcome, error) {
	return s.RunStoppable(seed, b, nil)
}

// ErrStopped is the error of a run that its stop function ended: it has
// no outcome.
var ErrStopped = errors.New("run stopped before its end")

// RunStoppable is [Scenario.RunWithin] that also asks stop, when not nil,
// each time it looks at its bounds (every 4096 kernel events, in every
// phase): once stop says true, the run ends there, unjudged, with
// [ErrStopped]. A command stops a long run at Ctrl-C this way. Asking
// changes nothing in a run that goes on: its outcome is RunWithin's.
func (s *Scenario) RunStoppable(seed uint64, b Bounds, stop func() bool) (*Outcome, error) {
	bw, err := s.build(seed)
	if err != nil {
		return nil, err
	}
	w, sys, es, h := bw.w, bw.sys, bw.es, bw.h
	h.SpillOver(b.MemoryBytes, b.SpillDir)
	phase := "safety phase"
	stopped := false
	w.SetLimit(func() string {
		if stop != nil && stop() {
			stopped = true
			return "a stop"
		}
		return b.hit(w.Steps(), h)
	})
	sys.Expect(s.Duration)
	sys.Start()
	es.Start()
	o := &Outcome{Scenario: s, Seed: seed, History: h, Bounds: b}
	for end := sim.Time(s.Duration); w.Now() < end; {
		if stop := w.Run(min(w.Now()+runSlice, end), 0); stop == sim.Drained || stop == sim.Halted {
			break
		}
	}
	if w.Halted() == "" {
		phase = "drain"
	}
	if !stopped {
		o.Drained = es.Drain(sys, drainStep, s.Drain)
	}
	if stopped {
		sys.Release()
		h.Close()
		return nil, fmt.Errorf("%s: %w", s.File, ErrStopped)
	}
	o.Checksum, o.Events = w.Checksum(), w.Steps()
	o.FaultsStruck = append(append(bw.in.Strikes(), sys.Strikes()...), es.Strikes()...)
	if err := spillErr(s, h); err != nil {
		return nil, err
	}
	// The world is not read past this point: the checks judge the history
	// alone, and the simulation's memory can be collected while they do.
	why, now := w.Halted(), w.Now()
	sys.Release()
	bw, w, sys, es = nil, nil, nil, nil
	o.Judgement = checks.NewJudgement(h)
	o.Results = JudgeWith(o.Judgement, s.Checks)
	if err := spillErr(s, h); err != nil { // a chunk the checks read back
		return nil, err
	}
	o.Failures = s.compare(o.Results)
	if why != "" {
		o.Bounded = true
		o.Failures = append(o.Failures, fmt.Sprintf("the run hit its bound of %s at %v of simulated time, in its %s (duration %v, drain %v): shorten duration or drain, or lower the rates",
			why, now.Duration(), phase, s.Duration, s.Drain))
	}
	return o, nil
}

// Validate builds the scenario's world at its seed and installs its
// faults without running it: it reports what only a built system can
// tell, such as an unknown fault target or a crash aimed at a point its
// target never passes.
func (s *Scenario) Validate() error {
	_, err := s.build(s.Seed)
	return err
}

// built is a scenario's world with everything in it.
type built struct {
	w   *sim.World
	sys *model.System
	es  *model.ESSystem
	h   *history.History
	in  *faults.Injector
}

// build makes the scenario's world at seed, with its system, its event
// sourcing parts and its faults installed, not yet started.
func (s *Scenario) build(seed uint64) (*built, error) {
	s.Normalize()
	for _, c := range s.Checks {
		if _, err := checks.Lookup(c); err != nil {
			return nil, fmt.Errorf("%s: %w", s.File, err)
		}
	}
	for c := range s.Expect {
		if !slices.Contains(s.Checks, c) {
			return nil, fmt.Errorf("%s: expectation for %q, which is not among the checks %v", s.File, c, s.Checks)
		}
	}
	w := sim.New(seed)
	h := newHistory()
	sys, err := model.Build(w, s.System, h)
	if err != nil {
		return nil, fmt.Errorf("%s: build: %w", s.File, err)
	}
	es, err := model.BuildES(w, s.ES, h, sys)
	if err != nil {
		return nil, fmt.Errorf("%s: build: %w", s.File, err)
	}
	in, err := s.Faults.Install(sys)
	if err != nil {
		return nil, fmt.Errorf("%s: faults: %w", s.File, err)
	}
	return &built{w, sys, es, h, in}, nil
}

// histories recycles the history buffers of released outcomes, so that a
// sweep does not fault in fresh memory for every run.
var histories sync.Pool

// newHistory returns an empty history, reusing a released one's chunks.
func newHistory() *history.History {
	if h, ok := histories.Get().(*history.History); ok {
		h.Reset()
		return h
	}
	return &history.History{}
}

// Release hands the outcome's history back for reuse by later runs and
// sets it to nil: call it when the history is no longer needed (the
// results keep their witnesses).
func (o *Outcome) Release() {
	if o.History != nil {
		o.History.Reset() // frees its spill file now
		histories.Put(o.History)
		o.History = nil
	}
	o.Judgement = nil
}

// Judge runs the named checks on h, in the order given. The names must be
// known to [checks.Lookup]; [Scenario.Run] and the parser make sure.
func Judge(h *history.History, names []string) []checks.Result {
	return JudgeWith(checks.NewJudgement(h), names)
}

// JudgeWith is [Judge] within judgement j: the checks share the passes
// over its history that several of them make.
func JudgeWith(j *checks.Judgement, names []string) []checks.Result {
	out := make([]checks.Result, 0, len(names))
	for _, n := range names {
		c, err := checks.Lookup(n)
		if err != nil {
			panic(fmt.Sprintf("scenarios: check %q passed validation but is unknown", n))
		}
		out = append(out, j.Run(c))
	}
	return out
}

// compare lists the expectations the results do not meet. A check without
// an expectation must hold.
func (s *Scenario) compare(results []checks.Result) []string {
	var fails []string
	for _, r := range results {
		want, ok := s.Expect[r.Check]
		if !ok {
			want = checks.Holds
		}
		if r.Verdict != want {
			fails = append(fails, fmt.Sprintf("%s: expected %s, got %s", r.Check, want, r.Verdict))
		}
	}
	sort.Strings(fails)
	return fails
}
