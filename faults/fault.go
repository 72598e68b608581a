package faults

import (
	"errors"
	"fmt"
	"math/rand/v2"
	"slices"
	"time"

	"github.com/evsim/evsim/model"
	"github.com/evsim/evsim/sim"
)

// Fault is one thing to break. Install resolves its targets in the system
// and registers what it does with the plan's injector.
type Fault interface {
	Install(s *model.System, in *Injector) error
}

// Plan is a set of faults active from the start of a run until Until.
type Plan struct {
	Faults []Fault
	// Until ends the fault window (0: faults never stop).
	Until time.Duration
}

// Install installs every fault of p into s and sets the world's crash hook.
// It reports every bad fault in one error. The injector it returns counts
// how often each fault strikes ([Injector.Strikes]).
func (p Plan) Install(s *model.System) (*Injector, error) {
	in := &Injector{rng: s.World.Stream(), until: sim.Time(p.Until), struck: make([]int, len(p.Faults))}
	var errs []error
	for i, f := range p.Faults {
		in.fault = i
		if err := f.Install(s, in); err != nil {
			errs = append(errs, fmt.Errorf("fault %d: %w", i+1, err))
		}
		in.names = append(in.names, fmt.Sprintf("faults[%d] %v", i, f))
	}
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	s.World.SetCrashHook(in)
	if len(in.nets) > 0 {
		s.World.Network().Observe(in.observe)
	}
	s.SetStallHook(in)
	s.SetPowerLossHook(in)
	return in, nil
}

// Check installs p into s, which must be a system built for this check
// alone, and returns the error of each fault (nil for a good one), in the
// plan's order, so that a scenario file's reader can point at the fault.
func Check(s *model.System, p Plan) []error {
	in := &Injector{rng: s.World.Stream(), until: sim.Time(p.Until), struck: make([]int, len(p.Faults))}
	errs := make([]error, len(p.Faults))
	for i, f := range p.Faults {
		in.fault = i
		errs[i] = f.Install(s, in)
	}
	return errs
}

// Injector answers the world's crash points and the members' stall
// points for the installed faults, and counts the strikes of each. It
// implements [sim.CrashHook] and [model.StallHook].
type Injector struct {
	rng     *rand.Rand
	until   sim.Time
	crashes []crashRule
	stalls  []*stallRule
	links   []linkWindow // the links the link faults degrade, and when
	nets    []*netRule   // the network faults, to learn whether they touch a message
	held    map[[2]sim.NodeID]*heldLink
	// fault is the index in the plan of the fault being installed.
	fault int
	// struck counts the strikes of each fault of the plan, names names
	// them.
	struck []int
	names  []string
	// notes says, per fault that registered one, what it left undone
	// (see [model.Strike.Note]).
	notes map[int]func() string
	// powerLoss says, per node, whether the rule that crashed it last
	// cut its power
	powerLoss map[sim.NodeID]bool
}

// Strikes reports how often each fault of the plan struck so far, in the
// plan's order: the crashes it caused, the stalls, the members it bounced.
// A fault that never struck has Times 0.
func (in *Injector) Strikes() []model.Strike {
	out := make([]model.Strike, len(in.names))
	for i, n := range in.names {
		out[i] = model.Strike{Fault: n, Times: in.struck[i]}
		if note := in.notes[i]; note != nil {
			out[i].Note = note()
		}
	}
	return out
}

// PowerLoss implements model.PowerLossHook: whether the crash of node
// that is under way cut its power.
func (in *Injector) PowerLoss(w *sim.World, node sim.NodeID) bool { return in.powerLoss[node] }

// notePowerLoss notes whether the rule that crashed node cut its power.
func (in *Injector) notePowerLoss(node sim.NodeID, r *crashRule) {
	if r.powerLoss || in.powerLoss != nil {
		if in.powerLoss == nil {
			in.powerLoss = map[sim.NodeID]bool{}
		}
		in.powerLoss[node] = r.powerLoss
	}
}

// active reports whether faults still strike at now.
func (in *Injector) active(now sim.Time) bool { return in.until == 0 || now < in.until }

type crashRule struct {
	fault        int // index in the plan
	nodes        []sim.NodeID
	point        string
	probability  sim.Ratio
	nth          int // if > 0: crash at the nth hit instead of drawing
	hits         int
	restartAfter sim.Time
	powerLoss    bool
}

// Crash implements sim.CrashHook: the rules that match the node and the
// point decide in the plan's order, and the first that says crash
// strikes: a rule by probability draws unless an earlier rule struck, a
// rule by hit counts every pass, whichever rule strikes at it, so that
// its n-th pass is the same whatever the other rules are.
func (in *Injector) Crash(w *sim.World, node sim.NodeID, point string) (bool, sim.Time) {
	if in.until > 0 && w.Now() >= in.until {
		return false, 0
	}
	var hit *crashRule
	for i := range in.crashes {
		r := &in.crashes[i]
		if r.point != point || !slices.Contains(r.nodes, node) {
			continue
		}
		if r.nth > 0 {
			r.hits++
			if r.hits == r.nth && hit == nil {
				hit = r
			}
			continue
		}
		if hit == nil && r.probability.Chance(in.rng) {
			hit = r
		}
	}
	if hit == nil {
		return false, 0
	}
	in.struck[hit.fault]++
	in.notePowerLoss(node, hit)
	return true, hit.restartAfter
}

// Crash crashes the nodes of Target (a consumer group or a node name) at
// the crash point Point with probability Probability, and restarts them
// RestartAfter later (negative: never). Every node of Target must pass
// Point (see [model.PointsOf]). With PowerLoss, the crash of a
// broker of the cluster also loses what the operating system had not
// written to disk yet; without, it is a process crash.
type Crash struct {
	Target       string
	Point        model.CrashPoint
	Probability  sim.Ratio
	RestartAfter time.Duration
	PowerLoss    bool
}

// Install implements Fault.
func (c Crash) Install(s *model.System, in *Injector) error {
	if err := checkRatio(fmt.Sprintf("crash %q: probability", c.Target), c.Probability); err != nil {
		return err
	}
	nodes, err := s.Targets(c.Target)
	if err != nil {
		return err
	}
	if err := checkPoint(s, c.Target, nodes, c.Point); err != nil {
		return err
	}
	if err := checkPowerLoss(s, c.Target, nodes, c.PowerLoss); err != nil {
		return err
	}
	in.crashes = append(in.crashes, crashRule{fault: in.fault, nodes: nodes, point: string(c.Point), probability: c.Probability,
		restartAfter: restartTime(c.RestartAfter), powerLoss: c.PowerLoss})
	return nil
}

// checkPowerLoss refuses a power loss of anything but a broker of the
// cluster (the only node with a page cache in the model).
func checkPowerLoss(s *model.System, target string, nodes []sim.NodeID, powerLoss bool) error {
	if !powerLoss {
		return nil
	}
	for _, id := range nodes {
		if !s.IsBroker(id) {
			return fmt.Errorf("crash %q: power-loss needs a broker of the cluster, and %s is not one", target, s.World.Name(id))
		}
	}
	return nil
}

// String renders c as the plan's fault list names it.
func (c Crash) String() string {
	s := fmt.Sprintf("crash %s at %s, probability %s, %s", c.Target, c.Point, ratioText(c.Probability), restartText(c.RestartAfter))
	if c.PowerLoss {
		s += ", power loss"
	}
	return s
}

// checkRatio refuses a probability that is not one: a fraction with no
// denominator (sim.Ratio{Num: 1} never strikes), or one above 1. Zero is
// a fault that is off.
func checkRatio(what string, r sim.Ratio) error {
	if r.Num > 0 && (r.Den == 0 || r.Num > r.Den) {
		return fmt.Errorf("%s %d/%d: want a fraction num/den with den above 0 and num at most den", what, r.Num, r.Den)
	}
	return nil
}

// ratioText renders a probability as a scenario file writes it.
func ratioText(r sim.Ratio) string {
	if r.Num == 0 {
		return "0"
	}
	return r.String()
}

// restartText says when a crashed node restarts.
func restartText(d time.Duration) string {
	if d < 0 {
		return "no restart"
	}
	return "restart after " + d.String()
}

func restartTime(d time.Duration) sim.Time {
	if d < 0 {
		return -1
	}
	return sim.Time(d)
}

// checkPoint refuses a crash point that is unknown, or that a node of
// target never passes: such a crash would never strike.
func checkPoint(s *model.System, target string, nodes []sim.NodeID, p model.CrashPoint) error {
	if !slices.Contains(model.CrashPoints, p) {
		return fmt.Errorf("crash %q: unknown crash point %q: want one of %v", target, p, model.CrashPoints)
	}
	for _, id := range nodes {
		kind := model.KindOf(s.World.Node(id))
		points := model.PointsOf(kind)
		if slices.Contains(points, p) {
			continue
		}
		name := s.World.Name(id)
		if len(points) == 0 {
			return fmt.Errorf("crash %q at %s: %s is a %s, which passes no crash point: crash it at a time (at) instead", target, p, name, kind)
		}
		return fmt.Errorf("crash %q at %s: %s is a %s, which never passes %s: its crash points are %v", target, p, name, kind, p, points)
	}
	return nil
}

type stallRule struct {
	fault       int // index in the plan
	nodes       []sim.NodeID
	at          sim.Time
	probability sim.Ratio
	length      sim.Time
	fired       []bool // per node, for a pause at a set time
}

// Stall implements model.StallHook: the first rule that matches the node
// decides.
func (in *Injector) Stall(w *sim.World, node sim.NodeID, point string) sim.Time {
	if !in.active(w.Now()) || point != model.PointProcessing {
		return 0
	}
	for _, r := range in.stalls {
		i := slices.Index(r.nodes, node)
		if i < 0 {
			continue
		}
		if r.at > 0 {
			if w.Now() >= r.at && !r.fired[i] {
				r.fired[i] = true
				in.struck[r.fault]++
				return r.length
			}
			continue
		}
		if r.probability.Chance(in.rng) {
			in.struck[r.fault]++
			return r.length
		}
	}
	return 0
}

// StallsNever reports that the plan installed no stall: [Injector.Stall]
// answers 0, with no draw, to every record (the system then asks it
// nothing; see [model.System.SetStallHook]).
func (in *Injector) StallsNever() bool { return len(in.stalls) == 0 }

// Pause stalls the members of Target (a group, a service or a member) for
// For, as a long garbage-collection pause does: nothing runs on the member,
// not even its heartbeats. With At, each member stalls once, as it starts
// the first record at or after At; otherwise each record start stalls with
// Probability.
type Pause struct {
	Target      string
	At          time.Duration
	Probability sim.Ratio
	For         time.Duration
}

// Install implements Fault.
func (p Pause) Install(s *model.System, in *Injector) error {
	if err := checkRatio(fmt.Sprintf("pause %q: probability", p.Target), p.Probability); err != nil {
		return err
	}
	nodes, err := s.Targets(p.Target)
	if err != nil {
		return err
	}
	for _, id := range nodes {
		if s.Member(id) == nil {
			return fmt.Errorf("pause %q: %s is not a consumer member", p.Target, s.World.Name(id))
		}
	}
	if p.For <= 0 {
		return fmt.Errorf("pause %q: want a positive length", p.Target)
	}
	if (p.At > 0) == (p.Probability.Num > 0) {
		return fmt.Errorf("pause %q: give either a time (at) or a probability, not both or neither", p.Target)
	}
	in.stalls = append(in.stalls, &stallRule{fault: in.fault, nodes: nodes, at: sim.Time(p.At), probability: p.Probability,
		length: sim.Time(p.For), fired: make([]bool, len(nodes))})
	return nil
}

// String renders p as the plan's fault list names it.
func (p Pause) String() string {
	if p.At > 0 {
		return fmt.Sprintf("pause %s at %v for %v", p.Target, p.At, p.For)
	}
	return fmt.Sprintf("pause %s for %v, probability %s", p.Target, p.For, ratioText(p.Probability))
}

// ChurnMode is how a member leaves in a [Churn].
type ChurnMode string

// Churn modes.
const (
	// ChurnCrash kills the member (no LeaveGroup, no last commit): the
	// group notices only when its session times out.
	ChurnCrash ChurnMode = "crash"
	// ChurnLeave shuts the member down cleanly: it finishes its batch,
	// commits, and sends LeaveGroup.
	ChurnLeave ChurnMode = "leave"
)

// Churn bounces the members of Target (a group or a service) one after
// the other: every Every, the next member leaves by Mode and comes back
// Down later as a new member. Each bounce is two rebalances.
type Churn struct {
	Target string
	Every  time.Duration
	Down   time.Duration
	Mode   ChurnMode
}

// Install implements Fault.
func (c Churn) Install(s *model.System, in *Injector) error {
	nodes, err := s.Targets(c.Target)
	if err != nil {
		return err
	}
	if c.Every <= 0 || c.Down <= 0 {
		return fmt.Errorf("churn %q: every and down must be positive", c.Target)
	}
	if c.Mode != ChurnCrash && c.Mode != ChurnLeave {
		return fmt.Errorf("churn %q: unknown mode %q: want crash or leave", c.Target, c.Mode)
	}
	members := make([]*model.Member, len(nodes))
	for i, id := range nodes {
		if members[i] = s.Member(id); members[i] == nil {
			return fmt.Errorf("churn %q: %s is not a consumer member", c.Target, s.World.Name(id))
		}
	}
	n := 0
	fault := in.fault
	var bounce func(w *sim.World)
	bounce = func(w *sim.World) {
		if !in.active(w.Now()) {
			return
		}
		i := n % len(members)
		n++
		switch {
		case c.Mode == ChurnCrash && w.Up(nodes[i]) && s.Deployed(w, nodes[i]):
			w.Crash(nodes[i], "churn", sim.Time(c.Down))
			in.struck[fault]++
		case c.Mode == ChurnLeave && members[i].Leave(w, c.Down):
			in.struck[fault]++
		}
		s.At(w.Now()+sim.Time(c.Every), bounce)
	}
	s.At(sim.Time(c.Every), bounce)
	return nil
}

// String renders c as the plan's fault list names it.
func (c Churn) String() string {
	return fmt.Sprintf("churn %s every %v, down %v, mode %s", c.Target, c.Every, c.Down, c.Mode)
}
