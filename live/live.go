package live

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/twmb/franz-go/pkg/kfake"
	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/evsim/evsim/checks"
	"github.com/evsim/evsim/model"
	"github.com/evsim/evsim/model/history"
	"github.com/evsim/evsim/scenarios"
)

// ClientVersion is the Kafka client library a live run drives.
const ClientVersion = "github.com/twmb/franz-go v1.22.3"

// DefaultTimeout bounds one live run when Options.Timeout is zero.
const DefaultTimeout = 60 * time.Second

// Options say where and how long a live run goes.
type Options struct {
	// Brokers are a real cluster's seed brokers (host:port); none means an
	// embedded in-process cluster (kfake), started and closed by the run.
	Brokers []string
	// Timeout bounds the whole run, drain and shutdown included (0:
	// DefaultTimeout). A run that reaches it ends with what it recorded.
	Timeout time.Duration
	// Seed seeds the draws of the run (keys, amounts, crashes). A live
	// run is not reproducible: the clients race on real time.
	Seed uint64

	// Tests only: cluster, when set, is called with the embedded cluster
	// before any client starts (to install request controls), and
	// commitTimeout bounds an offset commit (0: 5s).
	cluster       func(*kfake.Cluster)
	commitTimeout time.Duration
	// suffix, when set, replaces the fresh suffix of the broker-side
	// topic and group names on a real cluster.
	suffix string
}

// Result is one live run: its history and the verdicts of the scenario's
// checks on it.
type Result struct {
	History *history.History
	Results []checks.Result
	Drained bool
	Crashes int
	// Struck counts the faults that struck: crashes, lost requests and
	// lost acknowledgements.
	Struck   int
	Failures []string // expectations the verdicts did not meet
	// Notes say what the run could not record (commits whose outcome is
	// unknown) or where it stopped early.
	Notes []string
}

// Met reports whether every expectation of the scenario was met.
func (r *Result) Met() bool { return len(r.Failures) == 0 }

// Run runs s live and judges its history with s's checks. A scenario with
// a knob or fault that cannot run live is refused before anything starts
// (see [Refusals]).
func Run(ctx context.Context, s *scenarios.Scenario, o Options) (*Result, error) {
	if err := refused(s, o); err != nil {
		return nil, err
	}
	ctx, cancel := context.WithTimeout(ctx, cmp.Or(o.Timeout, DefaultTimeout))
	defer cancel()
	r := &runner{s: s, o: o, rng: rand.New(rand.NewPCG(o.Seed, 0x6c697665)), faults: rand.New(rand.NewPCG(o.Seed, 0x6661756c74)),
		topics: map[string]string{}, groups: map[string]string{}}
	var source string
	if len(o.Brokers) == 0 {
		var opts []kfake.Opt
		opts = append(opts, kfake.NumBrokers(1), kfake.GroupMinSessionTimeout(10*time.Millisecond))
		for _, t := range s.System.Topics {
			opts = append(opts, kfake.SeedTopics(int32(t.Partitions), t.Name))
		}
		c, err := kfake.NewCluster(opts...)
		if err != nil {
			return nil, fmt.Errorf("live %s: start the embedded cluster: %w", s.Name, err)
		}
		defer c.Close()
		if o.cluster != nil {
			o.cluster(c)
		}
		r.seeds = c.ListenAddrs()
		for _, t := range s.System.Topics {
			r.topics[t.Name] = t.Name
		}
		for _, g := range s.System.Consumers {
			r.groups[g.Group] = g.Group
		}
		r.ctl = r.installControl(c)
		source = "live: embedded kfake cluster (github.com/twmb/franz-go/pkg/kfake); clients " + ClientVersion + "; wall-clock time, observer order"
	} else {
		r.seeds = o.Brokers
		suffix := cmp.Or(o.suffix, "-evsim-"+strconv.FormatInt(time.Now().UnixNano(), 36))
		for _, t := range s.System.Topics {
			r.topics[t.Name] = t.Name + suffix
		}
		for _, g := range s.System.Consumers {
			r.groups[g.Group] = g.Group + suffix
		}
		if err := r.createTopics(ctx); err != nil {
			return nil, fmt.Errorf("live %s: %w", s.Name, err)
		}
		source = "live: brokers " + strings.Join(o.Brokers, ",") + "; clients " + ClientVersion + "; wall-clock time, observer order"
	}
	r.rec = newRecorder(source)
	return r.run(ctx)
}

// runner is one live run.
type runner struct {
	s      *scenarios.Scenario
	o      Options
	seeds  []string
	rec    *recorder
	ctl    *control          // the embedded cluster's request control; nil on a real cluster
	topics map[string]string // scenario topic -> broker topic
	groups map[string]string // scenario group -> broker group

	rngMu sync.Mutex
	rng   *rand.Rand
	// faults draws the faults' chances on a stream of their own, so that
	// a seed strikes at the same passes through a fault's site whatever
	// the workload's draws in between: the n-th crash-point pass (or
	// produce request) of a run strikes or not by the seed alone.
	faults *rand.Rand

	mu      sync.Mutex
	crashes int
	unknown int
	// down counts the members crashed and not restarted yet, gone those
	// of them that never restart: as in the simulation, a run with a
	// member down has not drained, whatever the broker's offsets say.
	down, gone int
	faultTo    time.Time   // faults strike until then
	hits       map[int]int // fault index -> times its point was reached
	notes      []string
}

// hit counts one more time the crash point of fault i was reached and
// returns the count.
func (r *runner) hit(i int) int {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.hits == nil {
		r.hits = map[int]int{}
	}
	r.hits[i]++
	return r.hits[i]
}

// chance draws a fault's probability num/den from the faults' stream.
func (r *runner) chance(num, den uint64) bool {
	if num == 0 || den == 0 {
		return false
	}
	r.rngMu.Lock()
	defer r.rngMu.Unlock()
	return r.faults.Uint64N(den) < num
}

// intN draws from [0, n).
func (r *runner) intN(n int64) int64 {
	if n <= 0 {
		return 0
	}
	r.rngMu.Lock()
	defer r.rngMu.Unlock()
	return r.rng.Int64N(n)
}

// baseOpts are the client options every client of the run shares.
func (r *runner) baseOpts(c *conns, name string) []kgo.Opt {
	return []kgo.Opt{kgo.SeedBrokers(r.seeds...), kgo.ClientID("evsim-" + name), kgo.Dialer(c.Dial),
		kgo.MetadataMinAge(50 * time.Millisecond), kgo.RetryTimeout(5 * time.Second)}
}

func (r *runner) run(ctx context.Context) (*Result, error) {
	s := r.s
	for _, g := range s.System.Consumers {
		r.rec.add(history.Entry{Kind: history.Subscribe, Group: g.Group, Topic: g.Topic, Stateful: true, SLO: int64(g.LagSLO)})
	}
	r.faultTo = time.Now().Add(s.Faults.Until)
	membersCtx, stopMembers := context.WithCancel(ctx)
	defer stopMembers()
	var members sync.WaitGroup
	for _, g := range s.System.Consumers {
		store := newDB(cmp.Or(g.Dedup, model.DedupNone), g.Handler)
		for i := range g.Members {
			m := &member{r: r, g: g, name: fmt.Sprintf("%s-%d", g.Group, i), db: store, wg: &members}
			members.Add(1)
			go m.start(membersCtx, g.Start)
		}
	}
	var producers sync.WaitGroup
	perr := make([]error, len(s.System.Producers))
	for i, p := range s.System.Producers {
		producers.Add(1)
		go func() {
			defer producers.Done()
			perr[i] = r.produce(ctx, p)
		}()
	}
	producers.Wait()
	if err := errors.Join(perr...); err != nil {
		stopMembers()
		waitBounded(&members, 5*time.Second)
		return nil, fmt.Errorf("live %s: %w", s.Name, err)
	}
	drained := r.drain(ctx)
	up := r.membersUp()
	stopMembers()
	stopped := waitBounded(&members, 10*time.Second)
	r.mu.Lock()
	notes, crashes, unknown := append([]string(nil), r.notes...), r.crashes, r.unknown
	r.mu.Unlock()
	if !stopped {
		notes = append(notes, "some members did not stop within 10s")
	}
	if ctx.Err() != nil {
		notes = append(notes, fmt.Sprintf("the run was interrupted or reached its timeout (%s) before it drained", cmp.Or(r.o.Timeout, DefaultTimeout)))
	}
	if ctx.Err() == nil {
		rctx, cancel := context.WithTimeout(ctx, 10*time.Second)
		added, err := r.readBack(rctx)
		cancel()
		switch {
		case err != nil:
			notes = append(notes, "the read-back of the log: "+err.Error())
		case added > 0:
			notes = append(notes, fmt.Sprintf("the read-back of the log found %d records no acknowledgement or fetch showed", added))
		}
	}
	// The end record says what the broker says after the members stopped:
	// every group's committed offsets against the high watermarks; and,
	// as the simulation's, that no member was down when the drain ended.
	final, err := r.drainedAtEnd(ctx)
	if err != nil {
		notes = append(notes, "the end's drained flag: "+err.Error())
	}
	if !up {
		notes = append(notes, "a crashed member was still down when the drain ended (restart-after never, or not yet restarted): the run did not drain")
		final = false
	}
	if final != drained {
		notes = append(notes, fmt.Sprintf("the broker's offsets said drained=%v when the drain ended and drained=%v after the members stopped; the end record says %v", drained, final, final))
	}
	drained = final
	r.rec.add(history.Entry{Kind: history.End, Drained: drained})
	struck := crashes
	if r.ctl != nil {
		says, n := r.ctl.strikes()
		for _, st := range says {
			notes = append(notes, "fault: "+st)
		}
		struck += n
	}
	h := r.rec.history()
	res := &Result{History: h, Results: scenarios.Judge(h, s.Checks), Drained: drained, Crashes: crashes, Struck: struck, Notes: notes}
	if unknown > 0 {
		res.Notes = append(res.Notes, fmt.Sprintf("%d offset commits got no answer: recorded with outcome unknown, which no check counts as taken", unknown))
	}
	for _, c := range res.Results {
		want, ok := s.Expect[c.Check]
		if !ok {
			want = checks.Holds
		}
		if c.Verdict != want {
			res.Failures = append(res.Failures, fmt.Sprintf("%s: expected %s, got %s", c.Check, want, c.Verdict))
		}
	}
	return res, nil
}

// membersUp reports whether no member is down: crashed and not
// restarted yet.
func (r *runner) membersUp() bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.down == 0
}

// waitBounded waits for wg at most d; it reports whether wg finished.
func waitBounded(wg *sync.WaitGroup, d time.Duration) bool {
	done := make(chan struct{})
	go func() { wg.Wait(); close(done) }()
	select {
	case <-done:
		return true
	case <-time.After(d):
		return false
	}
}

// sleep waits d or until ctx ends; it reports whether ctx is still live.
func sleep(ctx context.Context, d time.Duration) bool {
	if d <= 0 {
		return ctx.Err() == nil
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return true
	case <-ctx.Done():
		return false
	}
}
