package checks

import (
	"fmt"
	"testing"

	"pgregory.net/rapid"

	"github.com/evsim/evsim/model/history"
)

// Oracles of the projection and snapshot checks. Each oracle is written
// from the check's definition in scenarios/FORMAT.md, by brute force over
// a tiny history, and shares no code with the check. A rapid test draws
// histories from a tiny abstract system (an event store of two accounts,
// two sessions that write and read back, a projector keeping a read model
// "balances" with a checkpoint, crashing and rebuilt stop-then-rebuild, a
// second read model "audit" whose projector never starts, snapshots and
// loads) with planted anomalies,
// and requires the check and its oracle to reach the same verdict; it
// counts the verdicts and requires each reachable one at least once.

// projWorld is the tiny abstract system the histories are drawn from.
type projWorld struct {
	h    history.History
	now  int64
	pos  int64
	keys []string
	// per stream: its stored events, in version order
	streams map[string][]history.Record
	log     []history.Record // every stored event, by position
	// the read model balances: rows and the projector's progress
	rows    map[string][2]int64 // key -> value, version
	next    int                 // index in log of the next event to apply
	lastCP  int64
	writes  map[string]map[string]bool // session -> keys it wrote
	snaps   map[string]int64           // key -> version of its last snapshot
	drained bool
}

func (w *projWorld) add(r history.Record) {
	r.At = w.now
	w.h.Add(r)
}

// acctState renders the built-in account after events, as the account
// describes itself: independent of aggregateState.
func oracleAccount(events []history.Record, logic int) string {
	open := false
	balance := int64(0)
	for _, e := range events {
		if e.Type == "Opened" {
			open = true
		}
		if e.Type == "Deposited" {
			balance += e.Amount
		}
		if e.Type == "Withdrawn" {
			balance -= e.Amount
		}
	}
	if logic == 2 {
		return fmt.Sprintf("open=%t balance=%dc", open, balance*100)
	}
	return fmt.Sprintf("open=%t balance=%d", open, balance)
}

// drawProjHistory draws one history of the tiny system. Each step takes
// one millisecond; anomalies are planted with small probabilities.
func drawProjHistory(t *rapid.T) *history.History {
	w := &projWorld{keys: []string{"acct-1", "acct-2"}, streams: map[string][]history.Record{}, rows: map[string][2]int64{},
		writes: map[string]map[string]bool{}, snaps: map[string]int64{}}
	if rapid.Bool().Draw(t, "slo") {
		w.add(history.Record{Kind: history.StalenessSLO, Node: "balances", Group: "balances", SLO: int64(rapid.IntRange(1, 8).Draw(t, "slo-ms")) * ms})
	}
	if rapid.IntRange(0, 3).Draw(t, "audit") == 0 {
		// a second read model whose projector never starts: known only
		// from its staleness SLO
		w.add(history.Record{Kind: history.StalenessSLO, Node: "audit", Group: "audit", SLO: 5 * ms})
	}
	steps := rapid.IntRange(0, 24).Draw(t, "steps")
	for range steps {
		w.now += ms
		session := fmt.Sprintf("s%d", rapid.IntRange(0, 1).Draw(t, "session"))
		key := w.keys[rapid.IntRange(0, 1).Draw(t, "key")]
		plant := rapid.IntRange(0, 7).Draw(t, "plant") // 0: plant this step's anomaly
		switch rapid.IntRange(0, 7).Draw(t, "action") {
		case 0: // a session writes
			s := w.streams[key]
			typ, amount := "Deposited", int64(rapid.IntRange(1, 5).Draw(t, "amount"))
			if len(s) == 0 {
				typ, amount = "Opened", 0
			} else if rapid.Bool().Draw(t, "withdraw") {
				typ = "Withdrawn"
			}
			w.pos++
			e := history.Record{Kind: history.StoreAppend, Node: "store", Key: key, Event: fmt.Sprintf("e%d", w.pos), Type: typ,
				Amount: amount, Version: int64(len(s) + 1), Position: w.pos, Command: fmt.Sprintf("c%d", w.pos)}
			w.add(e)
			w.streams[key] = append(s, e)
			w.log = append(w.log, e)
			ret := history.Record{Kind: history.CommandReturn, Node: session, Key: key, Type: typ, Amount: amount,
				Outcome: history.OutcomeOK, Version: e.Version, Position: e.Position}
			if plant == 0 {
				ret = history.Record{Kind: history.CommandReturn, Node: session, Key: key, Outcome: history.OutcomeUnknown}
			}
			w.add(ret)
			if ret.Outcome == history.OutcomeOK {
				if w.writes[session] == nil {
					w.writes[session] = map[string]bool{}
				}
				w.writes[session][key] = true
			}
		case 1, 2: // the projector applies up to two events and checkpoints
			if w.next >= len(w.log) {
				continue
			}
			n := min(len(w.log)-w.next, rapid.IntRange(1, 2).Draw(t, "batch"))
			for _, e := range w.log[w.next : w.next+n] {
				row := w.rows[e.Key]
				value := row[0] + oracleDelta(e)
				switch {
				case plant == 0 && rapid.Bool().Draw(t, "skip"): // a hole: never applied
					continue
				case plant == 0:
					value++ // a wrong row
				}
				w.rows[e.Key] = [2]int64{value, e.Version}
				w.add(history.Record{Kind: history.ProjectionApply, Node: "balances", Group: "balances", Key: e.Key, Event: e.Event,
					Type: e.Type, Amount: e.Amount, Version: e.Version, Position: e.Position, Value: value})
			}
			w.next += n
			if rapid.IntRange(0, 3).Draw(t, "no-checkpoint") > 0 {
				w.lastCP = w.log[w.next-1].Position
				w.add(history.Record{Kind: history.Checkpoint, Node: "balances", Group: "balances", Position: w.lastCP})
			}
		case 3: // a crash of the projector after its rows, before its checkpoint: it applies them again
			if w.next == 0 {
				continue
			}
			w.add(history.Record{Kind: history.Crash, Node: "balances", Group: "balances", Point: "after-apply"})
			if plant == 0 {
				w.next = 0
				for i, e := range w.log {
					if e.Position > w.lastCP {
						break
					}
					w.next = i + 1
				}
			}
		case 4: // a session reads a row back, mostly one it wrote
			for _, k := range w.keys {
				if w.writes[session][k] && rapid.Bool().Draw(t, "own") {
					key = k
				}
			}
			row := w.rows[key]
			version, value := row[1], row[0]
			if plant == 0 && version > 0 {
				version-- // a stale or wrong row: the version below, the value as is
			}
			outcome := []history.Outcome{history.OutcomeOK, history.OutcomeOK, history.OutcomeTimeout, history.OutcomeUnknown}[rapid.IntRange(0, 3).Draw(t, "outcome")]
			w.add(history.Record{Kind: history.Query, Node: session, Group: "balances", Key: key, Mode: history.ModeEventual})
			w.add(history.Record{Kind: history.QueryReturn, Node: session, Group: "balances", Key: key, Mode: history.ModeEventual,
				Version: version, Value: value, Position: w.lastCP, Outcome: outcome})
		case 5: // a session crashes: its next reads are a new session's
			w.add(history.Record{Kind: history.Crash, Node: session, Point: "after-append"})
			delete(w.writes, session)
		case 6: // a snapshot, or a load from the last snapshot
			s := w.streams[key]
			if len(s) == 0 {
				continue
			}
			logic := rapid.IntRange(1, 2).Draw(t, "logic")
			state := oracleAccount(s, logic)
			if rapid.Bool().Draw(t, "snapshot") {
				if plant == 0 {
					state += "!"
				}
				w.add(history.Record{Kind: history.Snapshot, Node: session, Key: key, Version: int64(len(s)), State: state, Logic: logic})
				w.snaps[key] = int64(len(s))
				continue
			}
			replay := state
			switch {
			case plant == 0 && rapid.Bool().Draw(t, "both"):
				state, replay = state+"!", state+"!" // both wrong
			case plant == 0:
				state += "!"
			}
			w.add(history.Record{Kind: history.Load, Node: session, Key: key, Basis: w.snaps[key], Version: int64(len(s)),
				State: state, Replay: replay, Logic: logic})
		case 7: // a stop-then-rebuild: rows truncated, checkpoint back to 0, replay from the start
			if w.next == 0 {
				continue
			}
			w.add(history.Record{Kind: history.ProjectionReset, Node: "balances", Group: "balances", Point: history.RebuildStopFirst})
			w.rows, w.next, w.lastCP = map[string][2]int64{}, 0, 0
		}
	}
	w.now += ms
	w.add(history.Record{Kind: history.End, Drained: rapid.Bool().Draw(t, "drained")})
	return &w.h
}

func oracleDelta(e history.Record) int64 {
	if e.Type == "Deposited" {
		return e.Amount
	}
	if e.Type == "Withdrawn" {
		return -e.Amount
	}
	return 0
}

// oracleFoldValue is the balance fold of key's stored events of version
// 1..n, or false when the stream has fewer.
func oracleFoldValue(h *history.History, key string, n int64) (int64, bool) {
	var sum int64
	for v := int64(1); v <= n; v++ {
		found := false
		for _, r := range h.Records {
			if r.Kind == history.StoreAppend && r.Key == key && r.Version == v {
				sum += oracleDelta(r)
				found = true
				break
			}
		}
		if !found {
			return 0, false
		}
	}
	return sum, true
}

func verdictOf(violated, judged bool) Verdict {
	switch {
	case violated:
		return Violated
	case judged:
		return Holds
	}
	return Unknown
}

// projection-equals-fold: every applied row and every read that
// returned equals the fold of its stream's first Version events; after a
// drained run, each final row equals the fold of the whole stream.
func oracleProjectionEqualsFold(h *history.History) Verdict {
	violated, judged := false, false
	drained := false
	for _, r := range h.Records {
		if r.Kind == history.End {
			drained = r.Drained
		}
	}
	for i, r := range h.Records {
		isRow := r.Kind == history.ProjectionApply
		isRead := r.Kind == history.QueryReturn && r.Group != "" && r.Version > 0 &&
			(r.Outcome == history.OutcomeOK || r.Outcome == "")
		if isRow || isRead {
			judged = true
			if v, ok := oracleFoldValue(h, r.Key, r.Version); !ok || v != r.Value {
				violated = true
			}
		}
		if isRow && drained {
			last := true
			for _, q := range h.Records[i+1:] {
				if q.Group == r.Group && (q.Kind == history.ProjectionApply && q.Key == r.Key ||
					q.Kind == history.ProjectionReset && q.Point != history.RebuildBlueGreen) {
					last = false
				}
			}
			if last {
				n := int64(0)
				for _, q := range h.Records {
					if q.Kind == history.StoreAppend && q.Key == r.Key {
						n = max(n, q.Version)
					}
				}
				if v, _ := oracleFoldValue(h, r.Key, n); v != r.Value {
					violated = true
				}
			}
		}
	}
	return verdictOf(violated, judged)
}

// no-hole-below-checkpoint: every committed event at or below a read
// model's highest checkpoint was applied to it.
func oracleNoHole(h *history.History) Verdict {
	violated, judged := false, false
	for _, g := range []string{"balances", "audit"} {
		highest, any := int64(0), false
		for _, r := range h.Records {
			if r.Kind == history.Checkpoint && r.Group == g {
				highest, any = max(highest, r.Position), true
			}
		}
		if !any {
			continue
		}
		for _, e := range h.Records {
			if e.Kind != history.StoreAppend || e.Position > highest {
				continue
			}
			judged = true
			found := false
			for _, a := range h.Records {
				if a.Kind == history.ProjectionApply && a.Group == g && a.Event == e.Event {
					found = true
				}
			}
			if !found {
				violated = true
			}
		}
	}
	return verdictOf(violated, judged)
}

// bounded-staleness: at the end, every read model's last checkpoint (0
// after a stop-then-rebuild reset) is at or past every committed event's
// position.
func oracleBoundedStaleness(h *history.History) Verdict {
	models := map[string]bool{}
	committed := []int64{}
	for _, r := range h.Records {
		switch r.Kind {
		case history.ProjectionApply, history.Checkpoint, history.StalenessSLO, history.QueryReturn, history.Query:
			if r.Group != "" {
				models[r.Group] = true
			}
		case history.StoreAppend:
			committed = append(committed, r.Position)
		}
	}
	if len(models) == 0 || len(committed) == 0 {
		return Unknown
	}
	violated := false
	for g := range models {
		cp := int64(0) // the last checkpoint, back to 0 at a stop-then-rebuild
		for _, r := range h.Records {
			if r.Kind == history.Checkpoint && r.Group == g {
				cp = r.Position
			}
			if r.Kind == history.ProjectionReset && r.Group == g && r.Point == history.RebuildStopFirst {
				cp = 0
			}
		}
		for _, p := range committed {
			if p > cp {
				violated = true
			}
		}
	}
	return verdictOf(violated, true)
}

// staleness-within-slo: for each read model with an SLO, no committed
// event is still unapplied more than SLO after its commit, up to the end
// of the run; a truncation of the read model (a reset other than
// blue-green) makes every event missing again. Checked on a
// half-millisecond grid: a record at t counts from t on.
func oracleStalenessWithinSLO(h *history.History) Verdict {
	slos := map[string]int64{}
	var end int64
	for _, r := range h.Records {
		if r.Kind == history.StalenessSLO {
			slos[r.Group] = r.SLO
		}
		end = max(end, r.At)
	}
	committed := false
	for _, r := range h.Records {
		committed = committed || r.Kind == history.StoreAppend
	}
	if len(slos) == 0 || !committed {
		return Unknown
	}
	for g, slo := range slos {
		for _, e := range h.Records {
			if e.Kind != history.StoreAppend {
				continue
			}
			for t := e.At; t <= end; t += ms / 2 {
				// the read model at t: the records up to t, applies since its last truncation
				applied := false
				for _, a := range h.Records {
					if a.At > t || a.Group != g {
						continue
					}
					if a.Kind == history.ProjectionApply && a.Event == e.Event {
						applied = true
					}
					if a.Kind == history.ProjectionReset && a.Point != history.RebuildBlueGreen {
						applied = false
					}
				}
				if !applied && t-e.At > slo {
					return Violated
				}
			}
		}
	}
	return Holds
}

// read-your-writes: every read that returned, by a session that wrote
// the aggregate before (with no crash of the session since), is at least
// at the version of that session's last successful write to it.
func oracleReadYourWrites(h *history.History) Verdict {
	violated, judged := false, false
	for i, r := range h.Records {
		if r.Kind != history.QueryReturn || !(r.Outcome == history.OutcomeOK || r.Outcome == "") {
			continue
		}
		for j := i - 1; j >= 0; j-- {
			w := h.Records[j]
			if w.Kind == history.Crash && w.Node == r.Node {
				break
			}
			if w.Kind == history.CommandReturn && w.Node == r.Node && w.Key == r.Key && w.Outcome == history.OutcomeOK {
				judged = true
				if r.Version < w.Version {
					violated = true
				}
				break
			}
		}
	}
	return verdictOf(violated, judged)
}

// snapshot-replay: every snapshot and every load equals the account fold
// of its stream's first Version stored events under its apply logic.
func oracleSnapshotReplay(h *history.History) Verdict {
	violated, judged := false, false
	for _, r := range h.Records {
		if r.Kind != history.Snapshot && r.Kind != history.Load {
			continue
		}
		judged = true
		var events []history.Record
		for v := int64(1); v <= r.Version; v++ {
			for _, e := range h.Records {
				if e.Kind == history.StoreAppend && e.Key == r.Key && e.Version == v {
					events = append(events, e)
					break
				}
			}
		}
		if int64(len(events)) != r.Version || r.State != oracleAccount(events, r.Logic) {
			violated = true
		}
	}
	return verdictOf(violated, judged)
}

// oracleAgreement runs check and oracle on drawn histories, requires the
// same verdict, and requires each verdict of want to occur: rapid draws
// up to five rounds of histories (-rapid.checks each) until every one has.
func oracleAgreement(t *testing.T, check func(*history.History) Result, oracle func(*history.History) Verdict, want ...Verdict) {
	seen := map[Verdict]int{}
	missing := func() []Verdict {
		var out []Verdict
		for _, v := range want {
			if seen[v] == 0 {
				out = append(out, v)
			}
		}
		return out
	}
	for round := 0; round < 5 && (round == 0 || len(missing()) > 0) && !t.Failed(); round++ {
		rapid.Check(t, func(t *rapid.T) {
			h := drawProjHistory(t)
			got, ref := check(h), oracle(h)
			if got.Verdict != ref {
				t.Fatalf("check %s, oracle %s: %s\n%s", got.Verdict, ref, got.Explanation, describeRecords(h))
			}
			seen[got.Verdict]++
		})
	}
	if m := missing(); len(m) > 0 {
		t.Errorf("no drawn history was %v: %v", m, seen)
	}
	t.Logf("verdicts: %v", seen)
}

func describeRecords(h *history.History) string {
	s := ""
	for _, r := range h.Records {
		s += r.String() + "\n"
	}
	return s
}

func TestOracleProjectionEqualsFold(t *testing.T) {
	oracleAgreement(t, ProjectionEqualsFold, oracleProjectionEqualsFold, Holds, Violated, Unknown)
}

func TestOracleNoHoleBelowCheckpoint(t *testing.T) {
	oracleAgreement(t, NoHoleBelowCheckpoint, oracleNoHole, Holds, Violated, Unknown)
}

func TestOracleBoundedStaleness(t *testing.T) {
	oracleAgreement(t, BoundedStaleness, oracleBoundedStaleness, Holds, Violated, Unknown)
}

func TestOracleStalenessWithinSLO(t *testing.T) {
	oracleAgreement(t, StalenessWithinSLO, oracleStalenessWithinSLO, Holds, Violated, Unknown)
}

func TestOracleReadYourWrites(t *testing.T) {
	oracleAgreement(t, ReadYourWrites, oracleReadYourWrites, Holds, Violated, Unknown)
}

func TestOracleSnapshotReplay(t *testing.T) {
	oracleAgreement(t, SnapshotReplay, oracleSnapshotReplay, Holds, Violated, Unknown)
}
