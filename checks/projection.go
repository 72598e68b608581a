package checks

import (
	"fmt"
	"sort"
	"time"

	"github.com/evsim/evsim/model/domain"
	"github.com/evsim/evsim/model/history"
)

// storeAppendsByKey returns the indexes of each stream's
// history.StoreAppend records, in history order.
func storeAppendsByKey(h *history.History) map[string][]int {
	n := map[history.Sym]int{}
	for _, r := range h.Compact(history.StoreAppend) {
		n[r.Key]++
	}
	out := make(map[string][]int, len(n))
	for y, c := range n {
		out[h.Str(y)] = make([]int, 0, c)
	}
	for i, r := range h.Compact(history.StoreAppend) {
		k := h.Str(r.Key)
		out[k] = append(out[k], i)
	}
	return out
}

// streamFold returns projection p's fold of each prefix of a stream, from
// its history.StoreAppend records (indexes into h, in history order):
// f[n] is the row after its first n events by version. A version
// recorded twice is folded from the one recorded last.
func streamFold(h *history.History, p domain.Projection, appends []int) []int64 {
	f := make([]int64, 1, len(appends)+1) // a version per append, as a rule
	// One copy of a record for all of them: a copy on the stack would
	// move to the heap, once per record, as the history's side-row
	// accessors keep its address.
	r := new(history.Record)
	for _, i := range appends {
		*r = h.Record(i)
		v := r.Version
		if v < 1 {
			continue
		}
		for int64(len(f)) <= v {
			f = append(f, f[len(f)-1])
		}
		f[v] = p.Apply(f[v-1], storedEventOf(h, r))
	}
	return f
}

// ProjectionEqualsFold checks each read model against the log: every row
// a projector applied (a history.ProjectionApply record's Value at its
// Version) and every row a query read (a history.QueryReturn that
// answered) equals the fold of that prefix of its stream, and, when the
// run drained, every final row equals the fold of its whole stream. The
// fold is the read model's own projection, looked up by the name the
// history gives it (history.ReadModelProjection; [RegisterProjection]),
// by default the value projection of the stream's aggregate (for the
// built-in account and cart: deposits and added items add, withdrawals
// and removed items subtract). Rows of a read model whose projection
// cannot be looked up are not judged, and said so. A query that timed out or whose
// answer never came read nothing and is not judged; a read that reports a
// value but no version (0 or below) has no prefix to equal, and is
// counted and said so, not judged. A read model fed by a
// topic is judged against the topic's log: a row at version n equals the
// fold of the first n records of its key in the topic (keys spread over
// several partitions have no such prefix, and only their final rows are
// judged), and each final row the fold of all of them, every offset
// counted once.
func ProjectionEqualsFold(h *history.History) Result { return projectionEqualsFold(NewJudgement(h)) }

func projectionEqualsFold(j *Judgement) Result {
	h := j.h
	res := Result{Check: "projection-equals-fold"}
	appends := storeAppendsByKey(h)
	sources := j.projectionTopics()
	logs := j.topicLogs()
	doms := j.domains()
	type gk struct{ group, key string }
	folds := map[gk][]int64{}
	unfoldable, whyNot := 0, ""
	// foldsOf returns the prefix folds of key in the log of read model g
	// and says what a prefix is made of; ok is false when the read
	// model's projection cannot be looked up.
	foldsOf := func(g, key string) ([]int64, string, string, bool) {
		p, why := doms.projectionOf(g, key)
		if p == nil {
			unfoldable++
			if whyNot == "" {
				whyNot = why
			}
			return nil, "", "", false
		}
		f, done := folds[gk{g, key}]
		if t, ok := sources[g]; ok {
			if !done {
				f = topicFold(h, p, logs[t].recs[key])
				folds[gk{g, key}] = f
			}
			return f, "records of " + key + " in " + sourceName(t), "record", true
		}
		if !done {
			f = streamFold(h, p, appends[key])
			folds[gk{g, key}] = f
		}
		return f, "events of the stream", "event", true
	}
	// foldsOfSym is foldsOf by the symbols of the read model and the key,
	// looked up once per pair (and counted as foldsOf counts every call).
	type foldsOfPair struct {
		f        []int64
		of, unit string
		ok       bool
	}
	bySym := map[uint64]*foldsOfPair{}
	foldsOfSym := func(gy, ky history.Sym) ([]int64, string, string, bool) {
		c := bySym[symPair(gy, ky)]
		if c == nil {
			f, of, unit, ok := foldsOf(h.Str(gy), h.Str(ky))
			bySym[symPair(gy, ky)] = &foldsOfPair{f, of, unit, ok}
			return f, of, unit, ok
		}
		if !c.ok {
			unfoldable++
		}
		return c.f, c.of, c.unit, c.ok
	}
	spreadOf := func(g, key string) bool {
		t, ok := sources[g]
		return ok && logs[t].spread[key]
	}
	// foldAt renders the fold of the first n entries of f.
	foldAt := func(f []int64, n int64) string {
		if n >= 0 && n < int64(len(f)) {
			return fmt.Sprintf("%d", f[n])
		}
		return "nothing: there are fewer"
	}
	spread := 0
	final := map[gk]int{}
	drained := false
	reads, rows, unanswered, unversioned, bad := 0, 0, 0, 0, 0
	flag := func(why string, recs ...history.Entry) {
		bad++
		if res.Witness == nil {
			res.Witness, res.Explanation = recs, why
		}
	}
	// The records are read in place; one that differs from the fold is
	// unpacked to be explained.
	for i, y := range h.Compact(history.ProjectionApply, history.ProjectionReset, history.QueryReturn, history.End) {
		switch y.KindCode() {
		case codeProjectionApply:
			group, key := h.Str(y.Group), h.Str(y.Key)
			final[gk{group, key}] = i
			if spreadOf(group, key) {
				spread++
				continue
			}
			f, of, _, ok := foldsOfSym(y.Group, y.Key)
			if !ok {
				continue
			}
			rows++
			if y.Version >= 0 && y.Version < int64(len(f)) && f[y.Version] == y.Value {
				continue
			}
			if res.Witness != nil {
				bad++ // only the first is explained: its witness costs a scan of the history
				continue
			}
			r := h.At(i)
			witness, why := applyWitness(h, i)
			if len(witness) == 1 && r.Topic == "" { // no repeated or skipped event explains the row
				p, _ := doms.projectionOf(r.Group, r.Key)
				if e, y, ok := notUpcast(h, p, appends[r.Key], r.Version, r.Value); ok {
					witness, why = []history.Entry{e, r}, y
				}
			}
			flag(fmt.Sprintf("At %s %s applied %s (%s to %s) to read model %s, making the row %d at version %d, but the fold of the first %d %s is %s. %s",
				at(r.At), r.Node, r.Event, eventWhat(r.Type, r.Amount), r.Key, r.Group, r.Value, r.Version, r.Version, of, foldAt(f, r.Version), why), witness...)
		case codeProjectionReset:
			if h.At(i).Rebuild == history.RebuildBlueGreen {
				continue
			}
			group := h.Str(y.Group)
			for k := range final {
				if k.group == group {
					delete(final, k)
				}
			}
		case codeQueryReturn:
			if y.Group == 0 || y.Version == 0 && y.Value == 0 {
				continue
			}
			if o := y.Outcome(); o != history.OutcomeOK && o != history.OutcomeNone { // see answered
				unanswered++
				continue
			}
			if y.Version <= 0 {
				unversioned++
				continue
			}
			group, key := h.Str(y.Group), h.Str(y.Key)
			if spreadOf(group, key) {
				spread++
				continue
			}
			f, of, unit, ok := foldsOfSym(y.Group, y.Key)
			if !ok {
				continue
			}
			reads++
			if y.Version < int64(len(f)) && f[y.Version] == y.Value {
				continue
			}
			if res.Witness != nil {
				bad++ // only the first is explained
				continue
			}
			r := h.At(i)
			why, witness := fmt.Sprintf("The read model applied %s %s twice or skipped one.", article(unit), unit), []history.Entry{r}
			if _, topic := sources[r.Group]; res.Witness == nil && !topic {
				p, _ := doms.projectionOf(r.Group, r.Key)
				if e, y, ok := notUpcast(h, p, appends[r.Key], r.Version, r.Value); ok {
					why, witness = y, []history.Entry{e, r}
				} else if u, ok := lastUnhandled(h, i, r.Group, r.Key, "", r.Version); ok {
					why, witness = unhandledWhy(u), []history.Entry{u, r}
				}
			}
			flag(fmt.Sprintf("At %s %s read %s from read model %s: value %d at version %d, but the fold of the first %d %s is %s. %s",
				at(r.At), r.Node, r.Key, r.Group, r.Value, r.Version, r.Version, of, foldAt(f, r.Version), why), witness...)
		case codeEnd:
			drained = y.Drained()
		}
	}
	keys := make([]gk, 0, len(final))
	for k := range final {
		keys = append(keys, k)
	}
	sort.Slice(keys, func(a, b int) bool {
		if keys[a].group != keys[b].group {
			return keys[a].group < keys[b].group
		}
		return keys[a].key < keys[b].key
	})
	finals := 0
	// Only a history with a projection-unhandled record needs a scan for one.
	anyUnhandled := drained && h.Count(history.ProjectionUnhandled) > 0
	if drained {
		for _, k := range keys {
			f, of, unit, ok := foldsOf(k.group, k.key)
			if !ok {
				continue
			}
			finals++
			var want int64
			if len(f) > 0 {
				want = f[len(f)-1]
			}
			if h.Record(final[k]).Value != want {
				if res.Witness != nil {
					bad++ // only the first is explained
					continue
				}
				r := h.At(final[k])
				why, witness := fmt.Sprintf("The read model applied %s %s twice or never applied one.", article(unit), unit), []history.Entry{r}
				if anyUnhandled && r.Topic == "" {
					if u, ok := lastUnhandled(h, h.Len(), k.group, k.key, r.Node, int64(len(f))); ok {
						why, witness = unhandledWhy(u), []history.Entry{u, r}
					}
				}
				flag(fmt.Sprintf("After the run drained, read model %s holds %d for %s (last applied %s at %s), but the fold of its %d %s is %d. %s",
					k.group, r.Value, k.key, r.Event, at(r.At), max(0, len(f)-1), of, want, why), witness...)
			}
		}
	}
	noVersion := ""
	if unversioned > 0 {
		noVersion = fmt.Sprintf(" %d read(s) report a value but no version, so no prefix of the stream is theirs to equal: they were not judged.", unversioned)
	}
	if bad > 0 {
		res.Verdict = Violated
		res.Explanation += fmt.Sprintf(" %d row(s) or read(s) in all differed from the fold of the log.", bad) + noVersion
		return res
	}
	if rows+reads+finals == 0 {
		res.Verdict = Unknown
		res.Explanation = "Not applicable: no read model applied an event or answered a query."
		if spread+unanswered > 0 {
			res.Explanation = fmt.Sprintf("Not applicable: no row could be judged: %d row(s) and read(s) of keys spread over several partitions of a topic have no defined prefix, "+
				"and %d query(ies) timed out or never got an answer.", spread, unanswered)
		}
		if unfoldable > 0 {
			res.Explanation = fmt.Sprintf("Not applicable: no row could be judged: %s.", whyNot)
		}
		if unversioned > 0 {
			if spread+unanswered+unfoldable == 0 {
				res.Explanation = "Not applicable: no row or read could be judged."
			}
			res.Explanation += noVersion
		}
		return res
	}
	res.Verdict = Holds
	res.Explanation = fmt.Sprintf("Each of the %d row(s) applied to a read model and each of the %d read(s) from one equalled the fold of a prefix of its stream (or of its key's records in the topic it reads)", rows, reads)
	if drained {
		res.Explanation += fmt.Sprintf(", and each of the %d final row(s) the fold of its whole stream.", finals)
	} else {
		res.Explanation += "; the run did not drain, so the final rows were not compared with the whole stream."
	}
	if spread > 0 {
		res.Explanation += fmt.Sprintf(" %d row(s) and read(s) of keys spread over several partitions of a topic have no defined prefix and were not compared.", spread)
	}
	if unanswered > 0 {
		res.Explanation += fmt.Sprintf(" %d query(ies) timed out or never got an answer: they read nothing and were not judged.", unanswered)
	}
	if unfoldable > 0 {
		res.Explanation += fmt.Sprintf(" %d row(s) and read(s) were not judged: %s.", unfoldable, whyNot)
	}
	res.Explanation += noVersion
	return res
}

// applyWitness explains the applied row of record i that differs from the
// fold: the event was applied to the read model before (with the crash of
// its projector in between, if any), or a version of the key below it
// never was (the stored event that was skipped).
func applyWitness(h *history.History, i int) ([]history.Entry, string) {
	r := h.At(i)
	if r.Topic == "" {
		if u, ok := lastUnhandled(h, i, r.Group, r.Key, r.Node, r.Version); ok {
			return []history.Entry{u, r}, unhandledWhy(u)
		}
	}
	applied := map[int64]bool{}
	rr := h.Record(i) // compared in place with the records before it
	for j := i - 1; j >= 0; j-- {
		q := h.Record(j)
		if q.Group != rr.Group {
			continue
		}
		if q.KindCode() == codeProjectionReset && h.At(j).Rebuild != history.RebuildBlueGreen {
			break
		}
		if q.KindCode() != codeProjectionApply || q.Key != rr.Key {
			continue
		}
		if q.Event == rr.Event && q.Topic == rr.Topic && q.Partition == rr.Partition && q.Offset == rr.Offset {
			q := h.At(j)
			witness := []history.Entry{q}
			why := fmt.Sprintf("It had applied that event to the row already, at %s (%s): the row counts it twice.", at(q.At), q.Node)
			for x := j + 1; x < i; x++ {
				if c := h.Record(x); c.KindCode() == codeCrash && c.Group == rr.Group {
					c := h.At(x)
					witness = append(witness, c)
					why += fmt.Sprintf(" %s crashed at %s (%s) in between, after the rows were committed and before the checkpoint passed the event, and read it again.",
						c.Node, at(c.At), c.CrashPoint)
					break
				}
			}
			return append(witness, r), why
		}
		applied[q.Version] = true
	}
	if r.Topic == "" {
		s := storedVersions(h, r.Key)
		for v := int64(1); v < r.Version && v <= int64(len(s)); v++ {
			if j := s[v-1]; j >= 0 && !applied[v] {
				e := h.At(j)
				return []history.Entry{e, r}, fmt.Sprintf("Version %d of %s (event %s, %s, position %d) was never applied to the row before it: the projector skipped it.",
					v, r.Key, e.Event, eventWhat(e.Type, e.Amount), e.Position)
			}
		}
	}
	return []history.Entry{r}, "The read model applied an event twice or skipped one."
}

func article(unit string) string {
	if unit == "event" {
		return "an"
	}
	return "a"
}

// NoHoleBelowCheckpoint checks that a projection never checkpoints past an
// event it did not apply: every committed event at or below a read
// model's highest checkpoint was applied to it.
//
// A read model fed by a topic checkpoints each partition: every record of
// the partition below its highest checkpoint (the next offset to read)
// must have been applied to it.
func NoHoleBelowCheckpoint(h *history.History) Result { return noHoleBelowCheckpoint(NewJudgement(h)) }

func noHoleBelowCheckpoint(j *Judgement) Result {
	h := j.h
	res := Result{Check: "no-hole-below-checkpoint"}
	sources := j.projectionTopics()
	type ge struct{ group, event history.Sym }
	applied := make(map[ge]bool, h.Count(history.ProjectionApply))
	maxCP := map[history.Sym]int64{}
	firstCP := map[history.Sym][]int{} // group -> checkpoint record indexes in order
	var groups []history.Sym
	var commits []int
	unpositioned := 0
	for i, r := range h.Compact(history.ProjectionApply, history.Checkpoint, history.StoreAppend) {
		k := r.Kind()
		if k != history.StoreAppend {
			if _, ok := sources[h.Str(r.Group)]; ok {
				continue // judged by topicHoles
			}
		}
		switch k {
		case history.ProjectionApply:
			applied[ge{r.Group, r.Event}] = true
		case history.Checkpoint:
			if _, ok := maxCP[r.Group]; !ok {
				groups = append(groups, r.Group)
			}
			maxCP[r.Group] = max(maxCP[r.Group], r.Position)
			firstCP[r.Group] = append(firstCP[r.Group], i)
		case history.StoreAppend:
			if r.Position <= 0 {
				unpositioned++ // no position: no checkpoint is known to pass it
				continue
			}
			commits = append(commits, i)
		}
	}
	sort.Slice(groups, func(a, b int) bool { return h.Str(groups[a]) < h.Str(groups[b]) })
	holes, judged := 0, 0
	unhandledHole := false
	for _, gy := range groups {
		g := h.Str(gy)
		for _, i := range commits {
			c := h.Record(i)
			if c.Position > maxCP[gy] {
				continue
			}
			judged++
			if applied[ge{gy, c.Event}] {
				continue
			}
			holes++
			if res.Witness != nil {
				continue
			}
			e := h.At(i)
			var passed history.Entry
			for _, j := range firstCP[gy] {
				if h.Record(j).Position >= e.Position {
					passed = h.At(j)
					break
				}
			}
			var recs []history.Entry
			var reserve, skip, unhandled *history.Entry
			for j, r := range h.Compact(history.ProjectionUnhandled, history.StoreReserve, history.ProjectionSkip, history.StoreAppend) {
				k := r.Kind()
				if k == history.ProjectionUnhandled && r.Group == gy && r.Event == c.Event && unhandled == nil {
					unhandled = addr(h.At(j))
					recs = append(recs, *unhandled)
				}
				if k == history.StoreReserve && r.Position == c.Position && reserve == nil {
					reserve = addr(h.At(j))
					recs = append(recs, *reserve)
				}
				if k == history.ProjectionSkip && r.Group == gy && r.Position == c.Position && skip == nil {
					skip = addr(h.At(j))
					recs = append(recs, *skip)
				}
				if j == i {
					recs = append(recs, e)
				}
			}
			recs = append(recs, passed)
			sort.SliceStable(recs, func(a, b int) bool { return recs[a].At < recs[b].At })
			res.Witness = recs
			why := "it never applied it"
			held := ""
			if reserve != nil {
				held = fmt.Sprintf(" (the append held the position for %v, from %s)", time.Duration(e.At-reserve.At), at(reserve.At))
			}
			switch {
			case unhandled != nil:
				why = fmt.Sprintf("%s read it at %s and skipped it: its code has no handler for event type %s", unhandled.Node, at(unhandled.At), e.Type)
				unhandledHole = true
			case skip != nil && skip.At < e.At:
				why = fmt.Sprintf("the projector skipped position %d as a gap (%s) at %s, and the event committed into it later, at %s%s",
					e.Position, skip.GapPolicy, at(skip.At), at(e.At), held)
			case skip != nil:
				why = fmt.Sprintf("the projector skipped position %d as a gap (%s) at %s, on a read of the log answered before the event committed at %s%s: "+
					"the commit was still on its way to the projector", e.Position, skip.GapPolicy, at(skip.At), at(e.At), held)
			case passed.At < e.At:
				why = fmt.Sprintf("the checkpoint passed position %d at %s, before the event committed at %s: the position was reserved before the commit and a later one committed first", e.Position, at(passed.At), at(e.At))
			}
			res.Explanation = fmt.Sprintf("Read model %s checkpointed %d, but event %s of %s at position %d is missing from it: %s. "+
				"The projector will never read below its checkpoint again, so the event is lost to it.",
				g, passed.Position, e.Event, e.Key, e.Position, why)
		}
	}
	if holes > 0 {
		res.Verdict = Violated
		res.Explanation += fmt.Sprintf(" %d hole(s) in all.", holes)
		if unhandledHole {
			res.Explanation += " Deploy a projector that handles every event type before any writer emits a new one."
		} else {
			res.Explanation += " Skip a gap only when no transaction holding it is alive (or only after a delay longer than any transaction can hold a position), or assign positions at commit."
		}
		return res
	}
	n, topicJudged, witness, why := topicHoles(h, sources, j.topicLogs())
	if n > 0 {
		res.Verdict = Violated
		res.Witness, res.Explanation = witness, why+fmt.Sprintf(" %d hole(s) in all.", n)
		return res
	}
	if judged+topicJudged == 0 {
		res.Verdict = Unknown
		res.Explanation = "Not applicable: no read model checkpointed past a committed event (no checkpoint records, or none at or above a committed position)."
		if unpositioned > 0 {
			res.Explanation += " " + unpositionedNote(unpositioned)
		}
		return res
	}
	res.Verdict = Holds
	switch {
	case topicJudged == 0:
		res.Explanation = fmt.Sprintf("Every committed event at or below the checkpoints of the %d read model(s) was applied (%d event(s) judged).", len(groups), judged)
	case judged == 0:
		res.Explanation = fmt.Sprintf("Every record below the checkpoints of the %d read model(s) fed by a topic was applied (%d record(s) judged).", len(sources), topicJudged)
	default:
		res.Explanation = fmt.Sprintf("Every committed event at or below the checkpoints of the %d read model(s) of the event store was applied, "+
			"and every record below the checkpoints of the %d read model(s) fed by a topic (%d event(s) and %d record(s) judged).", len(groups), len(sources), judged, topicJudged)
	}
	if unpositioned > 0 {
		res.Explanation += " " + unpositionedNote(unpositioned)
	}
	return res
}

// ReadYourWrites checks that every read a session makes of an aggregate
// after its own last successful write to it (a history.CommandReturn with
// Outcome ok) reflects that write: the row it read is at least at the
// stream version the write returned. Eventual reads of a lagging read
// model fail it; read-your-writes reads that wait for the write's
// position pass. Only reads that returned are judged: a query that timed
// out or whose answer never came read nothing. A crash of the session
// ends it: its reads after the restart belong to a new session, which
// has written nothing yet. The witness is the write, the read, and what
// shows the read model was not there yet: a reset of it since its last
// checkpoint (a rebuild), and the checkpoint that reached the write only
// after the read. A successful write that records no version (a
// stream's versions start at 1) gives a read nothing to be compared with:
// it is counted and told, not judged.
func ReadYourWrites(h *history.History) Result {
	res := Result{Check: "read-your-writes"}
	last := map[history.Sym]map[history.Sym]int{} // session -> aggregate -> its last write
	reads, bad, unanswered, unversioned := 0, 0, 0, 0
	for i, r := range h.Compact(history.CommandReturn, history.Crash, history.QueryReturn) {
		switch k := r.Kind(); {
		case k == history.CommandReturn && r.Outcome() == history.OutcomeOK && r.Version <= 0:
			unversioned++
		case k == history.CommandReturn && r.Outcome() == history.OutcomeOK:
			if last[r.Node] == nil {
				last[r.Node] = map[history.Sym]int{}
			}
			last[r.Node][r.Key] = i
		case k == history.Crash:
			delete(last, r.Node)
		case k == history.QueryReturn:
			j, ok := last[r.Node][r.Key]
			if !ok {
				continue
			}
			if o := r.Outcome(); o != history.OutcomeOK && o != history.OutcomeNone { // see answered
				unanswered++
				continue
			}
			reads++
			if r.Version >= h.Record(j).Version {
				continue
			}
			bad++
			if res.Witness == nil {
				res.Witness, res.Explanation = ryWitness(h, h.At(j), h.At(i), i)
			}
		}
	}
	skipped := ""
	if unanswered > 0 {
		skipped = fmt.Sprintf(" %d read(s) after a write timed out or never got an answer: they read nothing and were not judged.", unanswered)
	}
	if unversioned > 0 {
		skipped += fmt.Sprintf(" %d successful write(s) record no version (the stream version the write returned), so no read was judged against them.", unversioned)
	}
	if bad > 0 {
		res.Verdict = Violated
		res.Explanation += fmt.Sprintf("%d of %d read(s) after a write missed the session's own write.", bad, reads) + skipped
		return res
	}
	if reads == 0 {
		res.Verdict = Unknown
		res.Explanation = "Not applicable: no session read an aggregate back after its own successful write." + skipped
		return res
	}
	res.Verdict = Holds
	res.Explanation = fmt.Sprintf("Each of the %d read(s) after a session's own write reflected it.", reads) + skipped
	return res
}

// ryWitness explains the read r (record i) that missed the write wr.
func ryWitness(h *history.History, wr, r history.Entry, i int) ([]history.Entry, string) {
	witness := []history.Entry{wr}
	why := fmt.Sprintf("%s wrote %s (%s) at %s, getting version %d at position %d, then read it back (%s) "+
		"and got version %d, value %d, at %s: its own write was missing. ",
		r.Node, r.Key, eventWhat(wr.Type, wr.Amount), at(wr.At), wr.Version, wr.Position, r.Mode, r.Version, r.Value, at(r.At))
	// The read model's state at the read: a reset since its last
	// checkpoint, and the first checkpoint at or past the write after it.
	var reset *history.Entry
	g := h.Record(i).Group // compared in place with the records around the read
	for j := i - 1; j >= 0 && g != 0; j-- {
		q := h.Record(j)
		if q.Group != g {
			continue
		}
		if q.KindCode() == codeCheckpoint {
			break
		}
		if q.KindCode() == codeProjectionReset {
			if e := h.At(j); e.Rebuild != history.RebuildBlueGreen {
				reset = &e
				witness = append(witness, e)
				break
			}
		}
	}
	witness = append(witness, r)
	var reached *history.Entry
	for j := i + 1; j < h.Len() && g != 0 && r.Position < wr.Position; j++ {
		if q := h.Record(j); q.KindCode() == codeCheckpoint && q.Group == g && q.Position >= wr.Position {
			reached = addr(h.At(j))
			witness = append(witness, *reached)
			break
		}
	}
	sort.SliceStable(witness, func(a, b int) bool { return witness[a].At < witness[b].At })
	switch {
	case r.Mode == history.ModeEventual:
		why += "An eventual read returns whatever the read model holds; the projector had not applied the write yet. Wait for the write's position token (read-your-writes). "
	case r.Mode != history.ModeReadYourWrites:
	case r.Token != wr.Position:
		why += fmt.Sprintf("The wait compared the read model's checkpoint (a global position, %d here) with a token that is not the write's global position. ", r.Position)
	case r.Position == 0 && reset != nil:
		why += fmt.Sprintf("The read model had no checkpoint: a %s rebuild reset it at %s. The wait took a projection without a checkpoint as caught up and read at once; "+
			"it must wait until the checkpoint reaches the token, whatever state the projection is in. ", reset.Rebuild, at(reset.At))
	case r.Position == 0:
		why += "The read model had no checkpoint yet: its projector had not started. The wait took a projection without a checkpoint as caught up and read at once; " +
			"it must wait until the checkpoint reaches the token, whatever state the projection is in. "
	case r.Position >= r.Token:
		why += fmt.Sprintf("The read model's checkpoint (%d) had reached the token %d, yet the row it answered with is older than the write: "+
			"the row does not reflect the checkpoint (the rows and the checkpoint are not committed together, or the read model lost the write). ", r.Position, r.Token)
	default:
		why += fmt.Sprintf("The read model answered with checkpoint %d, below the token %d: the wait returned too early. ", r.Position, r.Token)
	}
	if reached != nil {
		why += fmt.Sprintf("The read model's checkpoint reached the write only at %s. ", at(reached.At))
	}
	return witness, why
}

// BoundedStaleness checks liveness: by the end of the run (after the heal
// phase), every read model's checkpoint has reached every committed event.
// Events lost below a checkpoint are no-hole-below-checkpoint's business;
// this check asks only whether the projector kept moving. A read model is
// known from any record that names it ([readModelSym]): one whose
// projector never applied an event or checkpointed is behind every
// committed event, and so is one reset by a stop-then-rebuild
// (history.RebuildStopFirst, which sets its checkpoint back to 0) that
// has not checkpointed since.
//
// A read model fed by a topic must have checkpointed, for every partition
// of the topic, the end of the partition's log.
func BoundedStaleness(h *history.History) Result { return boundedStaleness(NewJudgement(h)) }

func boundedStaleness(j *Judgement) Result {
	h := j.h
	res := Result{Check: "bounded-staleness"}
	sources := j.projectionTopics()
	lastCP := map[string]int{}
	reset := map[string]int{} // a stop-then-rebuild reset since the last checkpoint
	var groups []string
	commits := make([]int, 0, h.Count(history.StoreAppend))
	unpositioned := 0
	for i, r := range h.Compact(append([]history.Kind{history.StoreAppend}, readModelKinds...)...) {
		if y, ok := readModelSym(h, i, r); ok {
			g := h.Str(y)
			if _, fed := sources[g]; !fed {
				if _, seen := lastCP[g]; !seen {
					lastCP[g] = -1
					groups = append(groups, g)
				}
				switch {
				case r.KindCode() == codeCheckpoint:
					lastCP[g] = i
					delete(reset, g)
				case r.KindCode() == codeProjectionReset && h.At(i).Rebuild == history.RebuildStopFirst:
					lastCP[g], reset[g] = -1, i
				}
			}
		}
		if r.KindCode() == codeStoreAppend {
			if r.Position <= 0 {
				unpositioned++ // no position: no checkpoint is known to reach it
				continue
			}
			commits = append(commits, i)
		}
	}
	sort.Strings(groups)
	logs := j.topicLogs()
	if len(groups)+len(sources) == 0 {
		res.Verdict = Unknown
		res.Explanation = "Not applicable: the history has no read model (no projection, checkpoint, staleness-slo or query of a read model)."
		return res
	}
	committed := 0
	if len(groups) > 0 {
		committed += len(commits)
	}
	for _, l := range logs {
		committed += len(l.appends)
	}
	if committed == 0 {
		res.Verdict = Unknown
		res.Explanation = fmt.Sprintf("Not applicable: nothing was committed for the %d read model(s) to catch up with.", len(groups)+len(sources))
		if unpositioned > 0 {
			res.Explanation = fmt.Sprintf("Not applicable: nothing with a position was committed for the %d read model(s) to catch up with. %s", len(groups)+len(sources), unpositionedNote(unpositioned))
		}
		return res
	}
	end := lastAt(h)
	st := j.staleness(0) // only the worst a query saw
	var behind []string
	for _, g := range groups {
		var cp history.Entry
		if i := lastCP[g]; i >= 0 {
			cp = h.At(i)
		}
		n, oldest := 0, -1
		var oldestPos int64
		for _, i := range commits {
			if p := h.Record(i).Position; p > cp.Position {
				n++
				if oldest < 0 || p < oldestPos {
					oldest, oldestPos = i, p
				}
			}
		}
		if n == 0 {
			continue
		}
		o := h.At(oldest)
		behind = append(behind, fmt.Sprintf("read model %s has checkpointed %d: %d committed event(s) above it, the oldest (position %d) committed %v ago",
			g, cp.Position, n, o.Position, time.Duration(end-o.At)))
		if res.Witness != nil {
			continue
		}
		if cp.Kind != "" {
			res.Witness = append(res.Witness, cp)
		}
		j, wasReset := reset[g]
		if wasReset {
			res.Witness = append(res.Witness, h.At(j))
		}
		var rollback *history.Entry
		for i, r := range h.Compact(history.StoreRollback) {
			if r.Position == cp.Position+1 {
				res.Witness = append(res.Witness, h.At(i))
				rollback = addr(h.At(i))
				break
			}
		}
		res.Witness = append(res.Witness, o)
		sort.SliceStable(res.Witness, func(a, b int) bool { return res.Witness[a].At < res.Witness[b].At })
		switch {
		case rollback != nil:
			res.Explanation = fmt.Sprintf("It is stuck at position %d, which was reserved for an append to %s that rolled back at %s: "+
				"that position will never commit, and a projector that waits for it waits forever. "+
				"Skip a gap once no transaction holding it is alive.", rollback.Position, rollback.Key, at(rollback.At))
		case wasReset:
			res.Explanation = fmt.Sprintf("Read model %s never checkpointed after its %s reset at %s, which set its checkpoint back to 0: the rebuild never got past the first event.",
				g, history.RebuildStopFirst, at(h.At(j).At))
		case cp.Kind == "":
			res.Explanation = fmt.Sprintf("Read model %s never checkpointed: its projector never got past the first event (or never started).", g)
		default:
			res.Explanation = "The projector never got past it."
		}
	}
	tb, tw, twhy := topicBehind(h, sources, logs, end)
	if len(tb) > 0 {
		behind = append(behind, tb...)
		if res.Witness == nil {
			res.Witness, res.Explanation = tw, twhy
		}
	}
	if len(behind) == 0 {
		res.Verdict = Holds
		res.Explanation = fmt.Sprintf("Each of the %d read model(s) had checkpointed every committed event (or every record of its topic) by the end; the worst staleness a query saw was %d event(s), %v.",
			len(groups)+len(sources), st.MaxEvents, st.MaxTime)
		if unpositioned > 0 {
			res.Explanation += " " + unpositionedNote(unpositioned)
		}
		return res
	}
	res.Verdict = Violated
	res.Explanation = fmt.Sprintf("At the end of the run, after the faults stopped and the heal phase, %s. %s", joinAnd(behind), res.Explanation)
	return res
}

// unpositionedNote tells of n committed events (store-append records)
// that carry no position: a store's positions start at 1, and a
// checkpoint cannot be compared with an event that has none.
func unpositionedNote(n int) string {
	return fmt.Sprintf("%d committed event(s) carry no position (a store-append without \"position\"), so no checkpoint could be compared with them: they were not judged.", n)
}

func joinAnd(s []string) string {
	switch len(s) {
	case 0:
		return ""
	case 1:
		return s[0]
	}
	out := s[0]
	for _, x := range s[1 : len(s)-1] {
		out += ", " + x
	}
	return out + " and " + s[len(s)-1]
}
