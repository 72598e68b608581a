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
// second read model "audit" whose projector never starts, a read model
// "feed" of a topic of two partitions (or of two topics), checkpointed per
// partition, read again after a crash, snapshots and loads) with planted
// anomalies,
// and requires the check and its oracle to reach the same verdict; it
// counts the verdicts and requires each reachable one at least once.

// projWorld is the tiny abstract system the histories are drawn from.
type projWorld struct {
	h    history.History
	now  int64
	pos  int64
	keys []string
	// per stream: its stored events, in version order
	streams map[string][]history.Entry
	log     []history.Entry // every stored event, by position
	// the read model balances: rows and the projector's progress
	rows   map[string][2]int64 // key -> value, version
	next   int                 // index in log of the next event to apply
	lastCP int64
	writes map[string]map[string]bool // session -> keys it wrote
	snaps  map[string]int64           // key -> version of its last snapshot
	// the topic t (two partitions, a key in the partition of its index)
	// and the read model feed its projector keeps
	fed      bool
	parts    [2][]history.Entry
	feedRows map[string][2]int64
	feedPos  [2]int64 // next offset to read (volatile)
	feedCP   [2]int64 // checkpoints (durable)
	// twoTopics: feed reads two topics, t and v, and t's partition 1 is
	// v's partition 0
	twoTopics bool
}

// where names partition p of the feed's log: a topic and its partition.
func (w *projWorld) where(p int) (string, int) {
	if w.twoTopics && p == 1 {
		return "v", 0
	}
	return "t", p
}

func (w *projWorld) add(r history.Entry) {
	r.At = w.now
	w.h.Add(r)
}

// acctState renders the built-in account after events, as the account
// describes itself: independent of aggregateState.
func oracleAccount(events []history.Entry, logic int) string {
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
	w := &projWorld{keys: []string{"acct-1", "acct-2"}, streams: map[string][]history.Entry{}, rows: map[string][2]int64{},
		writes: map[string]map[string]bool{}, snaps: map[string]int64{}, feedRows: map[string][2]int64{}}
	if w.fed = rapid.Bool().Draw(t, "fed"); w.fed {
		w.add(history.Entry{Kind: history.Subscribe, Node: "feed", Group: "feed", Topic: "t", Style: history.StyleProjection})
		if w.twoTopics = rapid.Bool().Draw(t, "two topics"); w.twoTopics {
			w.add(history.Entry{Kind: history.Subscribe, Node: "feed", Group: "feed", Topic: "v", Style: history.StyleProjection})
		}
		if rapid.Bool().Draw(t, "feed-slo") {
			w.add(history.Entry{Kind: history.StalenessSLO, Node: "feed", Group: "feed", SLO: int64(rapid.IntRange(1, 8).Draw(t, "feed-slo-ms")) * ms})
		}
	}
	if rapid.Bool().Draw(t, "slo") {
		w.add(history.Entry{Kind: history.StalenessSLO, Node: "balances", Group: "balances", SLO: int64(rapid.IntRange(1, 8).Draw(t, "slo-ms")) * ms})
	}
	if rapid.IntRange(0, 3).Draw(t, "audit") == 0 {
		// a second read model whose projector never starts: known only
		// from its staleness SLO
		w.add(history.Entry{Kind: history.StalenessSLO, Node: "audit", Group: "audit", SLO: 5 * ms})
	}
	steps := rapid.IntRange(0, 24).Draw(t, "steps")
	for range steps {
		w.now += ms
		session := fmt.Sprintf("s%d", rapid.IntRange(0, 1).Draw(t, "session"))
		key := w.keys[rapid.IntRange(0, 1).Draw(t, "key")]
		plant := rapid.IntRange(0, 7).Draw(t, "plant") // 0: plant this step's anomaly
		action := rapid.IntRange(0, 7).Draw(t, "action")
		if w.fed && rapid.Bool().Draw(t, "topic") {
			action = 8 + rapid.IntRange(0, 3).Draw(t, "topic-action")
		}
		switch action {
		case 0: // a session writes
			s := w.streams[key]
			typ, amount := "Deposited", int64(rapid.IntRange(1, 5).Draw(t, "amount"))
			if len(s) == 0 {
				typ, amount = "Opened", 0
			} else if rapid.Bool().Draw(t, "withdraw") {
				typ = "Withdrawn"
			}
			w.pos++
			e := history.Entry{Kind: history.StoreAppend, Node: "store", Key: key, Event: fmt.Sprintf("e%d", w.pos), Type: typ,
				Amount: amount, Version: int64(len(s) + 1), Position: w.pos, Command: fmt.Sprintf("c%d", w.pos)}
			w.add(e)
			w.streams[key] = append(s, e)
			w.log = append(w.log, e)
			ret := history.Entry{Kind: history.CommandReturn, Node: session, Key: key, Type: typ, Amount: amount,
				Outcome: history.OutcomeOK, Version: e.Version, Position: e.Position}
			if plant == 0 {
				ret = history.Entry{Kind: history.CommandReturn, Node: session, Key: key, Outcome: history.OutcomeUnknown}
			}
			if plant == 1 { // a client that records no version for its write
				ret.Version, ret.Position = 0, 0
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
				w.add(history.Entry{Kind: history.ProjectionApply, Node: "balances", Group: "balances", Key: e.Key, Event: e.Event,
					Type: e.Type, Amount: e.Amount, Version: e.Version, Position: e.Position, Value: value})
			}
			w.next += n
			if rapid.IntRange(0, 3).Draw(t, "no-checkpoint") > 0 {
				w.lastCP = w.log[w.next-1].Position
				w.add(history.Entry{Kind: history.Checkpoint, Node: "balances", Group: "balances", Position: w.lastCP})
			}
		case 3: // a crash of the projector after its rows, before its checkpoint: it applies them again
			if w.next == 0 {
				continue
			}
			w.add(history.Entry{Kind: history.Crash, Node: "balances", Group: "balances", CrashPoint: "after-apply"})
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
			group, mode := "balances", history.ModeEventual
			if rapid.Bool().Draw(t, "strong") { // from the write side: the stream as it is
				group, mode = "", history.ModeStrong
				row = [2]int64{0, int64(len(w.streams[key]))}
				for _, e := range w.streams[key] {
					row[0] += oracleDelta(e)
				}
			}
			version, value := row[1], row[0]
			if plant == 0 && version > 0 {
				version-- // a stale or wrong row: the version below, the value as is
			}
			if plant == 1 { // a value but no version (or a negative one): not judged
				version, value = int64(rapid.IntRange(-1, 0).Draw(t, "no version")), value+1
			}
			outcome := []history.Outcome{history.OutcomeOK, history.OutcomeOK, history.OutcomeTimeout, history.OutcomeUnknown}[rapid.IntRange(0, 3).Draw(t, "outcome")]
			w.add(history.Entry{Kind: history.Query, Node: session, Group: group, Key: key, Mode: mode})
			w.add(history.Entry{Kind: history.QueryReturn, Node: session, Group: group, Key: key, Mode: mode,
				Version: version, Value: value, Position: w.lastCP, Outcome: outcome})
		case 5: // a session crashes: its next reads are a new session's
			w.add(history.Entry{Kind: history.Crash, Node: session, CrashPoint: "after-append"})
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
				w.add(history.Entry{Kind: history.Snapshot, Node: session, Key: key, Version: int64(len(s)), State: state, Logic: logic})
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
			w.add(history.Entry{Kind: history.Load, Node: session, Key: key, Basis: w.snaps[key], Version: int64(len(s)),
				State: state, Replay: replay, Logic: logic})
		case 7: // a stop-then-rebuild: rows truncated, checkpoint back to 0, replay from the start
			if w.next == 0 {
				continue
			}
			w.add(history.Entry{Kind: history.ProjectionReset, Node: "balances", Group: "balances", Rebuild: history.RebuildMode(history.RebuildStopFirst)})
			w.rows, w.next, w.lastCP = map[string][2]int64{}, 0, 0
		case 8: // a producer publishes to t: the key's partition, or (planted) the other one
			p := 0
			if key == "acct-2" {
				p = 1
			}
			if plant == 0 {
				p = 1 - p
			}
			typ := "Deposited"
			if rapid.Bool().Draw(t, "withdraw") {
				typ = "Withdrawn"
			}
			topic, part := w.where(p)
			r := history.Entry{Kind: history.Append, Node: "broker", Topic: topic, Partition: part, Offset: int64(len(w.parts[p])),
				Event: fmt.Sprintf("t%d", w.now), Key: key, Type: typ, Amount: int64(rapid.IntRange(1, 5).Draw(t, "amount"))}
			w.add(r)
			w.parts[p] = append(w.parts[p], r)
		case 9: // the feed projector applies up to two records of a partition, then checkpoints it
			p := rapid.IntRange(0, 1).Draw(t, "partition")
			from := w.feedPos[p]
			if from >= int64(len(w.parts[p])) {
				continue
			}
			n := min(int64(len(w.parts[p]))-from, int64(rapid.IntRange(1, 2).Draw(t, "batch")))
			topic, part := w.where(p)
			for _, r := range w.parts[p][from : from+n] {
				row := w.feedRows[r.Key]
				value := row[0] + oracleDelta(r)
				switch {
				case plant == 0 && rapid.Bool().Draw(t, "skip"):
					continue
				case plant == 0:
					value++
				}
				w.feedRows[r.Key] = [2]int64{value, row[1] + 1}
				w.add(history.Entry{Kind: history.ProjectionApply, Node: "feed", Group: "feed", Topic: topic, Partition: part, Offset: r.Offset,
					Key: r.Key, Event: r.Event, Type: r.Type, Amount: r.Amount, Version: row[1] + 1, Value: value})
			}
			w.feedPos[p] = from + n
			if rapid.IntRange(0, 3).Draw(t, "no-checkpoint") > 0 {
				w.feedCP[p] = from + n
				w.add(history.Entry{Kind: history.Checkpoint, Node: "feed", Group: "feed", Topic: topic, Partition: part, Offset: from + n})
			}
		case 10: // the feed projector crashes: it reads again from its checkpoints
			w.add(history.Entry{Kind: history.Crash, Node: "feed", Group: "feed", CrashPoint: "after-apply"})
			w.feedPos = w.feedCP
		case 11: // a dashboard reads a row of feed
			row := w.feedRows[key]
			w.add(history.Entry{Kind: history.QueryReturn, Node: "dash", Group: "feed", Key: key, Mode: history.ModeEventual,
				Version: row[1], Value: row[0], Outcome: history.OutcomeOK})
		}
	}
	w.now += ms
	w.add(history.Entry{Kind: history.End, Drained: rapid.Bool().Draw(t, "drained")})
	return &w.h
}

func oracleDelta(e history.Entry) int64 {
	if e.Type == "Deposited" {
		return e.Amount
	}
	if e.Type == "Withdrawn" {
		return -e.Amount
	}
	return 0
}

// oracleTopics returns the topics read model g reads, if it reads any:
// those of its subscribe records of style projection, and those on its
// applies or checkpoints.
func oracleTopics(h *history.History, g string) (map[string]bool, bool) {
	topics := map[string]bool{}
	for _, r := range h.All() {
		if r.Group == g && (r.Kind == history.Subscribe && r.Style == history.StyleProjection ||
			(r.Kind == history.ProjectionApply || r.Kind == history.Checkpoint) && r.Topic != "") {
			topics[r.Topic] = true
		}
	}
	return topics, len(topics) > 0
}

// oracleEntries is the log read model g must follow: the store's events,
// or its topics' records (those of aborted transactions left out).
func oracleEntries(h *history.History, g string) []history.Entry {
	topics, fed := oracleTopics(h, g)
	var out []history.Entry
	for _, r := range h.All() {
		if !fed && r.Kind == history.StoreAppend || fed && r.Kind == history.Append && topics[r.Topic] && oracleFate(h, r) != history.TxnAbort {
			out = append(out, r)
		}
	}
	return out
}

// oracleSame says whether apply a applied log entry e.
func oracleSame(a, e history.Entry) bool {
	if e.Kind == history.Append {
		return a.Topic == e.Topic && a.Partition == e.Partition && a.Offset == e.Offset
	}
	return a.Event == e.Event
}

// oracleFoldValue is the balance fold of the first n entries of key in
// g's log (versions 1..n of the stream, or the key's first n records in
// the topic), or false when there are fewer, or when the key's records
// lie in several partitions (no prefix is defined: spread true).
func oracleFoldValue(h *history.History, g, key string, n int64) (value int64, ok, spread bool) {
	var mine []history.Entry
	for _, e := range oracleEntries(h, g) {
		if e.Key == key {
			mine = append(mine, e)
		}
	}
	for _, e := range mine {
		if e.Kind == history.Append && (e.Topic != mine[0].Topic || e.Partition != mine[0].Partition) {
			return 0, false, true
		}
	}
	var sum int64
	for v := int64(1); v <= n; v++ {
		found := false
		for i, e := range mine {
			if e.Kind == history.StoreAppend && e.Version == v || e.Kind == history.Append && int64(i+1) == v {
				sum += oracleDelta(e)
				found = true
				break
			}
		}
		if !found {
			return 0, false, false
		}
	}
	return sum, true, false
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
// returned equals the fold of its log's first Version entries of its key
// (keys spread over partitions: not judged); after a drained run, each
// final row equals the fold of all of them.
func oracleProjectionEqualsFold(h *history.History) Verdict {
	violated, judged := false, false
	drained := false
	for _, r := range h.All() {
		if r.Kind == history.End {
			drained = r.Drained
		}
	}
	for i, r := range h.All() {
		isRow := r.Kind == history.ProjectionApply
		// a read with no version (0 or below) has no prefix to equal
		isRead := r.Kind == history.QueryReturn && r.Group != "" && r.Version > 0 &&
			(r.Outcome == history.OutcomeOK || r.Outcome == "")
		if isRow || isRead {
			v, ok, spread := oracleFoldValue(h, r.Group, r.Key, r.Version)
			if !spread {
				judged = true
				if !ok || v != r.Value {
					violated = true
				}
			}
		}
		if isRow && drained {
			last := true
			for _, q := range h.Range(i+1, h.Len()) {
				if q.Group == r.Group && (q.Kind == history.ProjectionApply && q.Key == r.Key ||
					q.Kind == history.ProjectionReset && q.Rebuild != history.RebuildBlueGreen) {
					last = false
				}
			}
			if last {
				judged = true
				var all int64
				for _, e := range oracleEntries(h, r.Group) {
					if e.Key == r.Key {
						all += oracleDelta(e)
					}
				}
				if all != r.Value {
					violated = true
				}
			}
		}
	}
	return verdictOf(violated, judged)
}

// no-hole-below-checkpoint: every committed event at or below a read
// model's highest checkpoint was applied to it; for a read model of a
// topic, every record of a partition below its highest checkpoint.
func oracleNoHole(h *history.History) Verdict {
	violated, judged := false, false
	for _, g := range []string{"balances", "audit", "feed"} {
		_, fed := oracleTopics(h, g)
		for _, e := range oracleEntries(h, g) {
			if !fed && e.Position <= 0 {
				continue // no position: no checkpoint is compared with it
			}
			below := false
			for _, c := range h.All() {
				if c.Kind == history.Checkpoint && c.Group == g &&
					(!fed && e.Position <= c.Position || fed && c.Topic == e.Topic && c.Partition == e.Partition && e.Offset < c.Offset) {
					below = true
				}
			}
			if !below {
				continue
			}
			judged = true
			found := false
			for _, a := range h.All() {
				if a.Kind == history.ProjectionApply && a.Group == g && oracleSame(a, e) {
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
// position; for a read model of a topic, every partition's last
// checkpoint is past every record of the partition.
func oracleBoundedStaleness(h *history.History) Verdict {
	models := map[string]bool{}
	for _, r := range h.All() {
		switch r.Kind {
		case history.ProjectionApply, history.Checkpoint, history.StalenessSLO, history.QueryReturn, history.Query,
			history.ProjectionReset, history.ProjectionSkip:
			if r.Group != "" {
				models[r.Group] = true
			}
		case history.Subscribe:
			if r.Style == history.StyleProjection {
				models[r.Group] = true
			}
		}
	}
	committed, violated := false, false
	for g := range models {
		_, fed := oracleTopics(h, g)
		for _, e := range oracleEntries(h, g) {
			if !fed && e.Position <= 0 {
				continue // no position: no checkpoint is compared with it
			}
			committed = true
			cp := int64(0) // the last checkpoint (of e's partition), back to 0 at a stop-then-rebuild
			for _, r := range h.All() {
				if r.Kind == history.Checkpoint && r.Group == g {
					if !fed {
						cp = r.Position
					} else if r.Topic == e.Topic && r.Partition == e.Partition {
						cp = r.Offset
					}
				}
				if r.Kind == history.ProjectionReset && r.Group == g && r.Rebuild == history.RebuildStopFirst {
					cp = 0
				}
			}
			if !fed && e.Position > cp || fed && e.Offset >= cp {
				violated = true
			}
		}
	}
	if !committed {
		return Unknown
	}
	return verdictOf(violated, true)
}

// staleness-within-slo: for each read model with an SLO, no entry of its
// log is still unapplied more than SLO after it was committed, up to the
// end of the run; a truncation of the read model (a reset other than
// blue-green) makes every entry missing again. Checked on a
// half-millisecond grid: a record at t counts from t on.
func oracleStalenessWithinSLO(h *history.History) Verdict {
	slos := map[string]int64{}
	var end int64
	for _, r := range h.All() {
		if r.Kind == history.StalenessSLO {
			slos[r.Group] = r.SLO
		}
		end = max(end, r.At)
	}
	committed := false
	for g := range slos {
		committed = committed || len(oracleEntries(h, g)) > 0
	}
	if !committed {
		return Unknown
	}
	for g, slo := range slos {
		for _, e := range oracleEntries(h, g) {
			for t := e.At; t <= end; t += ms / 2 {
				// the read model at t: the records up to t, applies since its last truncation
				applied := false
				for _, a := range h.All() {
					if a.At > t || a.Group != g {
						continue
					}
					if a.Kind == history.ProjectionApply && oracleSame(a, e) {
						applied = true
					}
					if a.Kind == history.ProjectionReset && a.Rebuild != history.RebuildBlueGreen {
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
// at the version of that session's last successful write to it that
// records a version (a write without one gives nothing to compare).
func oracleReadYourWrites(h *history.History) Verdict {
	violated, judged := false, false
	for i, r := range h.All() {
		if r.Kind != history.QueryReturn || !(r.Outcome == history.OutcomeOK || r.Outcome == "") {
			continue
		}
		for j := i - 1; j >= 0; j-- {
			w := h.At(j)
			if w.Kind == history.Crash && w.Node == r.Node {
				break
			}
			if w.Kind == history.CommandReturn && w.Node == r.Node && w.Key == r.Key && w.Outcome == history.OutcomeOK && w.Version > 0 {
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
	for _, r := range h.All() {
		if r.Kind != history.Snapshot && r.Kind != history.Load {
			continue
		}
		judged = true
		var events []history.Entry
		for v := int64(1); v <= r.Version; v++ {
			for _, e := range h.All() {
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
// three rounds of histories (-rapid.checks each), and up to three more
// until every verdict has occurred.
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
	for round := 0; round < 6 && (round < 3 || len(missing()) > 0) && !t.Failed(); round++ {
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
	for _, r := range h.All() {
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

// withoutSomePositions is h with the position of every third stored
// event left out, as a store that records none would write it.
func withoutSomePositions(h *history.History) *history.History {
	es := h.Entries()
	for i := range es {
		if es[i].Kind == history.StoreAppend && es[i].Position%3 == 0 {
			es[i].Position = 0
		}
	}
	return history.FromEntries(es)
}

func TestOracleNoHoleEventsWithoutPosition(t *testing.T) {
	oracleAgreement(t, func(h *history.History) Result { return NoHoleBelowCheckpoint(withoutSomePositions(h)) },
		func(h *history.History) Verdict { return oracleNoHole(withoutSomePositions(h)) }, Holds, Violated, Unknown)
}

func TestOracleBoundedStalenessEventsWithoutPosition(t *testing.T) {
	oracleAgreement(t, func(h *history.History) Result { return BoundedStaleness(withoutSomePositions(h)) },
		func(h *history.History) Verdict { return oracleBoundedStaleness(withoutSomePositions(h)) }, Holds, Violated, Unknown)
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
