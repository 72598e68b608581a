package checks

import (
	"bytes"
	"fmt"
	"slices"
	"sort"
	"testing"

	"pgregory.net/rapid"

	"github.com/evsim/evsim/model/history"
)

// Oracles of the event-store, outbox, saga and naming checks. Each oracle
// is written from the check's definition in scenarios/FORMAT.md, by brute
// force over a tiny history; each rapid test draws histories from a tiny
// abstract system with planted anomalies, requires the fast check and
// the oracle to agree on the verdict, and requires every verdict the
// check can give to occur.

// esVerdicts counts the verdicts seen over one rapid test.
type esVerdicts map[Verdict]int

// agree fails t unless the fast result and the oracle's verdict agree, and
// counts the verdict.
func (c esVerdicts) agree(t *rapid.T, h *history.History, fast Result, oracle Verdict) {
	t.Helper()
	if fast.Verdict != oracle {
		for _, r := range h.All() {
			t.Log(r.String())
		}
		t.Fatalf("%s: fast check %s (%s), oracle %s", fast.Check, fast.Verdict, fast.Explanation, oracle)
	}
	if fast.Verdict == Unknown && fast.Explanation == "" {
		t.Fatalf("%s: unknown with no reason", fast.Check)
	}
	c[fast.Verdict]++
}

// require fails t unless each of the verdicts occurred.
func (c esVerdicts) require(t *testing.T, check string, vs ...Verdict) {
	t.Helper()
	t.Logf("%s: holds %d, violated %d, unknown %d", check, c[Holds], c[Violated], c[Unknown])
	for _, v := range vs {
		if c[v] == 0 {
			t.Errorf("%s: no history drawn was %s", check, v)
		}
	}
}

// A tiny event store: two accounts, commands of one or two events, each
// decided on the stream's version and balance. The store stamps a
// batch's events at one instant or each 1 ns after the last; the history
// records each attempt of a command (a command record, after a lost
// answer) or none. Planted anomalies: a decision on a stale read that
// lands anyway (a lost update), a withdrawal not validated, a skipped or
// reused version, a retry that appends the command again with new ids or
// with the same ids, after reloading the stream or not, later or at the
// same instant, and another stream's append between the events of one
// batch.
func drawStoreHistory(t *rapid.T) *history.History {
	h := &history.History{}
	type stream struct {
		version  int64
		balances []int64 // balance at each version, from 0
	}
	streams := map[string]*stream{"a": {balances: []int64{0}}, "b": {balances: []int64{0}}}
	var at int64
	unrecorded := false                                      // the command's appends record no basis
	attempts := rapid.IntRange(0, 3).Draw(t, "attempts") > 0 // the history records each attempt of a command
	var step int64                                           // between the stamps of a batch's events
	appendBatch := func(key, command, idPrefix, typ string, amount int64, events int, version, basis int64) {
		s := streams[key]
		if unrecorded {
			basis = history.BasisUnknown
		}
		for i := range events {
			v := version + int64(i)
			h.Add(history.Entry{At: at + int64(i)*step, Kind: history.StoreAppend, Node: "store", Key: key,
				Event: fmt.Sprintf("%s/e%d", idPrefix, i+1), Type: typ, Amount: amount, Version: v,
				Command: command, Basis: basis, Expected: "any"})
			bal := s.balances[len(s.balances)-1] + balanceOf(typ, amount)
			s.balances = append(s.balances, bal)
		}
		s.version = max(s.version, version+int64(events)-1)
		at += int64(events-1) * step
	}
	n := rapid.IntRange(0, 6).Draw(t, "commands")
	for c := range n {
		at += 10
		key := rapid.SampledFrom([]string{"a", "b"}).Draw(t, "key")
		typ := rapid.SampledFrom([]string{"Deposited", "Withdrawn", "Withdrawn", "Opened", "FeeCharged"}).Draw(t, "type")
		amount := rapid.Int64Range(1, 3).Draw(t, "amount")
		if typ == "Opened" {
			amount = 0
		}
		events := rapid.IntRange(1, 2).Draw(t, "events")
		anomaly := rapid.SampledFrom([]string{"none", "none", "none", "none", "stale-read", "no-validation", "no-validation",
			"skip-version", "reuse-version", "retry-new-ids", "retry-same-ids", "retry-same-instant", "retry-no-reload",
			"retry-no-reload-same-instant", "interleaved"}).Draw(t, "anomaly")
		command := fmt.Sprintf("c%d", c)
		unrecorded = rapid.IntRange(0, 4).Draw(t, "no-basis") == 0
		step = int64(rapid.IntRange(0, 1).Draw(t, "step"))
		if attempts {
			h.Add(history.Entry{At: at, Kind: history.Command, Node: "s", Command: command, Key: key, Type: typ, Amount: amount, Attempt: 1})
		}
		retry := func() { // the records of a retry after a lost answer
			if !attempts {
				return
			}
			if rapid.Bool().Draw(t, "lost-answer") {
				h.Add(history.Entry{At: at, Kind: history.LostAnswer, Node: "store", Command: command, Key: key, Outcome: history.OutcomeOK})
			}
			h.Add(history.Entry{At: at, Kind: history.Command, Node: "s", Command: command, Key: key, Type: typ, Amount: amount,
				Attempt: 2, Outcome: history.OutcomeUnknown})
		}
		s := streams[key]
		read := s.version
		balance := s.balances[len(s.balances)-1]
		if anomaly == "stale-read" && read > 0 {
			read = rapid.Int64Range(0, read-1).Draw(t, "read")
			balance = s.balances[min(read, int64(len(s.balances)-1))]
		}
		if (typ == "Withdrawn" || typ == "FeeCharged") && anomaly != "no-validation" && balance < amount*int64(events) {
			continue // rejected
		}
		version := s.version + 1
		switch {
		case anomaly == "skip-version":
			version++
		case anomaly == "reuse-version" && s.version > 0:
			version--
		}
		appendBatch(key, command, command, typ, amount, events, version, read)
		switch anomaly {
		case "retry-new-ids":
			at += 5
			retry()
			appendBatch(key, command, command+".2", typ, amount, events, s.version+1, s.version)
		case "retry-same-ids":
			at += 5
			retry()
			appendBatch(key, command, command, typ, amount, events, s.version+1, s.version)
		case "retry-same-instant":
			retry()
			appendBatch(key, command, command+".2", typ, amount, events, s.version+1, s.version)
		case "retry-no-reload", "retry-no-reload-same-instant":
			// decided again on the state it first loaded: the same basis
			if anomaly == "retry-no-reload" {
				at += 5
			}
			retry()
			appendBatch(key, command, command+".2", typ, amount, events, s.version+1, read)
		case "interleaved":
			// Another stream's append between the events of this batch,
			// at the same instant: still one batch of each command.
			other := "a"
			if key == "a" {
				other = "b"
			}
			o := streams[other]
			last := h.At(h.Len() - 1)
			h.Set(h.Len()-1, history.Entry{At: last.At, Kind: history.StoreAppend, Node: "store", Key: other,
				Event: command + "-other/e1", Type: "Opened", Version: o.version + 1, Command: command + "-other",
				Basis: o.version, Expected: "any"})
			h.Add(last)
			o.version++
			o.balances = append(o.balances, o.balances[len(o.balances)-1])
		}
	}
	if rapid.Bool().Draw(t, "ended") {
		h.Add(history.Entry{At: at + 10, Kind: history.End, Drained: rapid.Bool().Draw(t, "drained")})
	}
	return h
}

// balanceOf is the account's rule as FORMAT.md states it: Deposited (and
// a cart's ItemAdded) adds its amount, Withdrawn and FeeCharged (and
// ItemRemoved) subtract it, any other type leaves the balance.
func balanceOf(typ string, amount int64) int64 {
	switch typ {
	case "Deposited", "ItemAdded":
		return amount
	case "Withdrawn", "FeeCharged", "ItemRemoved":
		return -amount
	}
	return 0
}

// storeAppends returns the store-append records of h by stream, each in
// history order, and the streams sorted.
func storeAppends(h *history.History) (map[string][]history.Entry, []string) {
	by := map[string][]history.Entry{}
	var keys []string
	for _, r := range h.All() {
		if r.Kind != history.StoreAppend {
			continue
		}
		if _, ok := by[r.Key]; !ok {
			keys = append(keys, r.Key)
		}
		by[r.Key] = append(by[r.Key], r)
	}
	sort.Strings(keys)
	return by, keys
}

// oracleStreamIntegrity: with no store-append, not applicable. Violated
// when, in some stream, the k-th append (in history order) is not at
// version k; an event id occurs twice; the events of one command are not
// one batch; or a command's batch is not at the version after the one it
// decided on (Basis + 1), when the history records that version (Basis
// is not history.BasisUnknown). Two appends of a command to a stream, one
// after the other among its appends to it, are one batch when the second
// is at the next version, both have one basis, no command, command-return,
// lost-answer, store-duplicate or store-rollback record of the command
// lies between them, and either a command record of it comes before
// them, or no other append lies between them, or both are at one instant.
func oracleStreamIntegrity(h *history.History) Verdict {
	es := h.Entries()
	if !slices.ContainsFunc(es, func(r history.Entry) bool { return r.Kind == history.StoreAppend }) {
		return Unknown
	}
	oneBatch := func(p, y int) bool {
		a, b := es[p], es[y]
		if b.Version != a.Version+1 || b.Basis != a.Basis {
			return false
		}
		recorded, contiguous := false, true
		for i, r := range es[:y] {
			if r.Command != a.Command {
				if i > p && r.Kind == history.StoreAppend {
					contiguous = false
				}
				continue
			}
			switch r.Kind {
			case history.Command:
				recorded = true
				if i > p {
					return false
				}
			case history.CommandReturn, history.LostAnswer, history.StoreDuplicate, history.StoreRollback:
				if i > p {
					return false
				}
			case history.StoreAppend:
				if i > p {
					contiguous = false
				}
			}
		}
		return recorded || contiguous || a.At == b.At
	}
	by := map[string][]int{} // stream -> indices of its appends
	for i, r := range es {
		if r.Kind == history.StoreAppend {
			by[r.Key] = append(by[r.Key], i)
		}
	}
	for _, idx := range by {
		for n, i := range idx {
			if es[i].Version != int64(n+1) {
				return Violated
			}
			for _, j := range idx[:n] {
				if es[j].Event == es[i].Event {
					return Violated
				}
			}
		}
		cmds := map[string][]int{}
		for _, i := range idx {
			if c := es[i].Command; c != "" {
				cmds[c] = append(cmds[c], i)
			}
		}
		for _, batch := range cmds {
			f := es[batch[0]]
			if f.Basis != history.BasisUnknown && f.Version != f.Basis+1 {
				return Violated
			}
			for k := 1; k < len(batch); k++ {
				if !oneBatch(batch[k-1], batch[k]) {
					return Violated
				}
			}
		}
	}
	return Holds
}

// commandsOf lists the non-empty command ids of recs.
func commandsOf(recs []history.Entry) []string {
	var out []string
	for _, r := range recs {
		if r.Command != "" && !slices.Contains(out, r.Command) {
			out = append(out, r.Command)
		}
	}
	return out
}

// oracleNoOverdraft: with no store-append of a type that changes a
// balance, not applicable; violated when some prefix of a stream folds to
// a balance below zero.
func oracleNoOverdraft(h *history.History) Verdict {
	by, keys := storeAppends(h)
	judged := false
	for _, k := range keys {
		recs := by[k]
		for i := range recs {
			var sum int64
			for _, r := range recs[:i+1] {
				sum += balanceOf(r.Type, r.Amount)
			}
			if sum < 0 {
				return Violated
			}
			if balanceOf(recs[i].Type, 1) != 0 {
				judged = true
			}
		}
	}
	if !judged {
		return Unknown
	}
	return Holds
}

func TestOracleStreamIntegrity(t *testing.T) {
	seen := esVerdicts{}
	rapid.Check(t, func(t *rapid.T) {
		h := drawStoreHistory(t)
		if rapid.Bool().Draw(t, "through-jsonl") {
			h = throughJSONL(t, h) // an unknown basis stays unknown, a basis of 0 stays 0
		}
		seen.agree(t, h, StreamIntegrity(h), oracleStreamIntegrity(h))
	})
	seen.require(t, "stream-integrity", Holds, Violated, Unknown)
}

// throughJSONL writes h as JSON Lines and reads it back.
func throughJSONL(t *rapid.T, h *history.History) *history.History {
	var buf bytes.Buffer
	if err := h.WriteJSONL(&buf); err != nil {
		t.Fatal(err)
	}
	back, err := history.ReadJSONL("drawn", &buf)
	if err != nil {
		t.Fatal(err)
	}
	return back
}

func TestOracleNoOverdraft(t *testing.T) {
	seen := esVerdicts{}
	rapid.Check(t, func(t *rapid.T) {
		h := drawStoreHistory(t)
		seen.agree(t, h, NoOverdraft(h), oracleNoOverdraft(h))
	})
	seen.require(t, "no-overdraft", Holds, Violated, Unknown)
}

// A tiny outbox: a store commits events to streams a and b, with ids
// unique across streams or numbered per stream ("e1" in a and in b); a
// relay (declared as the store's publisher, or not declared at all)
// publishes them to topic t, where the broker appends them, naming each
// event's stream as its key, or none, or only the broker's append names it. Planted anomalies: a committed event the relay never
// publishes, a publish the broker never appends, a publish to another
// topic, a publish of an event never committed (a phantom: an id never
// committed, or a committed id of another stream), and a duplicate
// publish (which the definition counts and does not judge). An ordinary
// producer may publish its own events to t and to u. The run ends
// drained, undrained, or the history has no end.
func drawOutboxHistory(t *rapid.T) *history.History {
	h := &history.History{}
	var at int64
	relay := rapid.SampledFrom([]string{"relay-0", "session-0"}).Draw(t, "publisher")
	if rapid.IntRange(0, 4).Draw(t, "declared") > 0 {
		h.Add(history.Entry{Kind: history.StorePublisher, Node: relay, Topic: "t"})
	}
	perStream := rapid.Bool().Draw(t, "per-stream ids")
	keys := rapid.SampledFrom([]string{"both", "both", "none", "append"}).Draw(t, "keys") // which records name the stream
	offsets := map[string]int64{}
	versions := map[string]int64{}
	publish := func(node, topic, stream, id string, appended bool) {
		pk, ak := stream, stream
		switch keys {
		case "none":
			pk, ak = "", ""
		case "append":
			pk = ""
		}
		at++
		h.Add(history.Entry{At: at, Kind: history.Publish, Node: node, Topic: topic, Event: id, Key: pk, Type: "Deposited", Amount: 1})
		if appended {
			at++
			h.Add(history.Entry{At: at, Kind: history.Append, Node: "broker", Topic: topic, Offset: offsets[topic], Event: id,
				Key: ak, Type: "Deposited", Amount: 1})
			offsets[topic]++
		}
	}
	n := rapid.IntRange(0, 4).Draw(t, "committed")
	for i := range n {
		at++
		key := rapid.SampledFrom([]string{"a", "b"}).Draw(t, "stream")
		versions[key]++
		id := fmt.Sprintf("c%d/e1", i)
		if perStream {
			id = fmt.Sprintf("e%d", versions[key])
		}
		h.Add(history.Entry{At: at, Kind: history.StoreAppend, Node: "store", Key: key, Event: id, Type: "Deposited",
			Amount: 1, Version: versions[key], Basis: versions[key] - 1, Command: fmt.Sprintf("c%d", i)})
		switch rapid.SampledFrom([]string{"published", "published", "published", "never-published", "never-appended", "duplicated",
			"other-topic"}).Draw(t, "fate") {
		case "published":
			publish(relay, "t", key, id, true)
		case "other-topic":
			publish(relay, "u", key, id, true)
		case "never-appended":
			publish(relay, "t", key, id, false)
		case "duplicated":
			publish(relay, "t", key, id, true)
			publish(relay, "t", key, id, true)
		}
		if rapid.IntRange(0, 3).Draw(t, "producer") == 0 {
			publish("producer", rapid.SampledFrom([]string{"t", "u"}).Draw(t, "topic"), "a", fmt.Sprintf("p%d", i), true)
		}
	}
	switch rapid.IntRange(0, 5).Draw(t, "phantom") {
	case 0:
		publish(relay, "t", "a", "x/e1", rapid.Bool().Draw(t, "phantom appended"))
	case 1:
		// an id committed to one stream, published as another's
		publish(relay, "t", rapid.SampledFrom([]string{"a", "b", "c"}).Draw(t, "phantom stream"), "e1", true)
	}
	switch rapid.SampledFrom([]string{"drained", "drained", "undrained", "no end"}).Draw(t, "end") {
	case "drained":
		h.Add(history.Entry{At: at + 1, Kind: history.End, Drained: true})
	case "undrained":
		h.Add(history.Entry{At: at + 1, Kind: history.End})
	}
	return h
}

// oracleOutboxEquivalence: not applicable when no node is declared a
// publisher of the store's events, or when nothing was committed and
// nothing of theirs reached a declared topic; unknown unless the run
// drained; violated unless the events their publishes put on a declared
// topic (appended by the broker) are exactly the committed events. An
// event is its stream and id: a store-append's key; the key its publish
// names, or its append's when the publish names none (the two must agree
// when both name one). A published event that names no stream is matched
// by id alone.
func oracleOutboxEquivalence(h *history.History) Verdict {
	type place struct{ node, topic string }
	type event struct{ stream, id string }
	var declared []place
	drained := false
	for _, r := range h.All() {
		switch r.Kind {
		case history.StorePublisher:
			declared = append(declared, place{r.Node, r.Topic})
		case history.End:
			drained = r.Drained
		}
	}
	if len(declared) == 0 {
		return Unknown
	}
	var committed, published []event
	for _, r := range h.All() {
		if r.Kind == history.StoreAppend && !slices.Contains(committed, event{r.Key, r.Event}) {
			committed = append(committed, event{r.Key, r.Event})
		}
		if r.Kind != history.Append {
			continue
		}
		for _, q := range h.All() {
			if q.Kind == history.Publish && q.Event == r.Event && q.Topic == r.Topic && slices.Contains(declared, place{q.Node, q.Topic}) &&
				(q.Key == r.Key || q.Key == "" || r.Key == "") {
				e := event{q.Key, r.Event}
				if e.stream == "" {
					e.stream = r.Key
				}
				if !slices.Contains(published, e) {
					published = append(published, e)
				}
			}
		}
	}
	if len(committed) == 0 && len(published) == 0 {
		return Unknown
	}
	if !drained {
		return Unknown
	}
	matches := func(p, c event) bool { return p.id == c.id && (p.stream == c.stream || p.stream == "") }
	for _, c := range committed {
		if !slices.ContainsFunc(published, func(p event) bool { return matches(p, c) }) {
			return Violated
		}
	}
	for _, p := range published {
		if !slices.ContainsFunc(committed, func(c event) bool { return matches(p, c) }) {
			return Violated
		}
	}
	return Holds
}

func TestOracleOutboxEquivalence(t *testing.T) {
	seen := esVerdicts{}
	rapid.Check(t, func(t *rapid.T) {
		h := drawOutboxHistory(t)
		seen.agree(t, h, OutboxEquivalence(h), oracleOutboxEquivalence(h))
	})
	seen.require(t, "outbox-equivalence", Holds, Violated, Unknown)
}

// A tiny saga system: two orders, each with its story (OrderPlaced, then
// PaymentSucceeded, or PaymentTimedOut and a late PaymentSucceeded),
// interleaved (or in any order: the order in which concurrent handlers'
// writes land), handled one event at a time by the order saga's rule.
// Planted anomaly: an event decided on a stale read of the saga's row
// (any version written before, the absent row included), which the write
// either lands anyway (no version check) or rejects (a saga-conflict,
// then a reload). A prefix of the events is handled; the run ends
// drained when all were, or undrained, or the history has no end.
func drawSagaHistory(t *rapid.T) *history.History {
	h := &history.History{}
	type row struct {
		state   string
		version int64
	}
	const absent = "absent"
	var stories [][]string
	for range 2 {
		if rapid.Bool().Draw(t, "timeout") {
			stories = append(stories, []string{"OrderPlaced", "PaymentTimedOut", "PaymentSucceeded"})
		} else {
			stories = append(stories, []string{"OrderPlaced", "PaymentSucceeded"})
		}
	}
	// The second order is another saga: another key in the group, or the
	// same key in another group.
	sagas := [][2]string{{"g", "order-1"}, rapid.SampledFrom([][2]string{{"g", "order-2"}, {"h", "order-1"}}).Draw(t, "second saga")}
	var events [][3]string // group, key, type
	next := []int{0, 0}
	for next[0] < len(stories[0]) || next[1] < len(stories[1]) {
		o := rapid.IntRange(0, 1).Draw(t, "order")
		if next[o] == len(stories[o]) {
			o = 1 - o
		}
		events = append(events, [3]string{sagas[o][0], sagas[o][1], stories[o][next[o]]})
		next[o]++
	}
	if rapid.Bool().Draw(t, "reordered") {
		events = rapid.Permutation(events).Draw(t, "order of writes")
	}
	handled := len(events)
	if rapid.IntRange(0, 2).Draw(t, "partial") == 0 {
		handled = rapid.IntRange(0, len(events)).Draw(t, "handled")
	}
	// The handler may name its states itself, as a user's saga does: the
	// records then carry its names, and only its end records say which
	// write ended the saga.
	name := func(state string) string { return state }
	if rapid.IntRange(0, 2).Draw(t, "user's names") == 0 {
		names := map[string]string{history.SagaStateStarted: "placed", history.SagaStateCompleted: "shipped", history.SagaStateCompensated: "refunded"}
		name = func(state string) string { return names[state] }
	}
	written := map[[2]string][]row{} // every row written, by saga, the absent row first
	var at int64
	for i, e := range events[:handled] {
		saga, group, key, typ := [2]string{e[0], e[1]}, e[0], e[1], e[2]
		if written[saga] == nil {
			written[saga] = []row{{absent, 0}}
		}
		rows := written[saga]
		cur := rows[len(rows)-1]
		read := cur
		if rapid.Bool().Draw(t, "stale") {
			read = rows[rapid.IntRange(0, len(rows)-1).Draw(t, "read")]
		}
		at++
		base := history.Entry{At: at, Node: group + "-0", Group: group, Topic: "orders", Event: fmt.Sprintf("e%d", i), Key: key, Type: typ}
		if read != cur && rapid.Bool().Draw(t, "optimistic") {
			c := base
			c.Kind, c.Basis, c.Version = history.SagaConflict, read.version, cur.version
			h.Add(c)
			read = cur
		}
		from, start := read.state, false
		if from == absent {
			from, start = history.SagaStateStarted, true
		}
		to := from
		switch {
		case from == history.SagaStateCompleted || from == history.SagaStateCompensated:
		case typ == "PaymentSucceeded":
			to = history.SagaStateCompleted
		case typ == "PaymentTimedOut":
			to = history.SagaStateCompensated
		}
		if to == read.state && !start {
			continue
		}
		v := read.version + 1
		if start {
			r := base
			r.Kind, r.To, r.Version, r.Basis = history.SagaStart, name(history.SagaStateStarted), v, read.version
			h.Add(r)
		}
		if to != from {
			r := base
			r.Kind, r.From, r.To, r.Version, r.Basis = history.SagaTransition, name(from), name(to), v, read.version
			h.Add(r)
		}
		if to == history.SagaStateCompleted || to == history.SagaStateCompensated {
			r := base
			r.Kind, r.Version = history.SagaCompleted, v
			if to == history.SagaStateCompensated {
				r.Kind = history.SagaCompensated
			}
			h.Add(r)
		}
		written[saga] = append(rows, row{to, v})
	}
	switch rapid.IntRange(0, 3).Draw(t, "end") {
	case 0:
	case 1:
		h.Add(history.Entry{At: at + 1, Kind: history.End})
	default:
		h.Add(history.Entry{At: at + 1, Kind: history.End, Drained: handled == len(events)})
	}
	return h
}

// sagaRecords returns the saga records (start, transition, completed,
// compensated) of h by saga (group and key), and the sagas in order.
func sagaRecords(h *history.History) (map[[2]string][]history.Entry, [][2]string) {
	by := map[[2]string][]history.Entry{}
	var keys [][2]string
	for _, r := range h.All() {
		switch r.Kind {
		case history.SagaStart, history.SagaTransition, history.SagaCompleted, history.SagaCompensated:
		default:
			continue
		}
		k := [2]string{r.Group, r.Key}
		if _, ok := by[k]; !ok {
			keys = append(keys, k)
		}
		by[k] = append(by[k], r)
	}
	return by, keys
}

// oracleSagaSingleInstance: not applicable with no saga-start; violated
// when a saga has two saga-start records.
func oracleSagaSingleInstance(h *history.History) Verdict {
	by, keys := sagaRecords(h)
	started := false
	for _, k := range keys {
		starts := 0
		for _, r := range by[k] {
			if r.Kind == history.SagaStart {
				starts++
			}
		}
		if starts > 1 {
			return Violated
		}
		started = started || starts > 0
	}
	if !started {
		return Unknown
	}
	return Holds
}

// endsOnly is h without the saga writes (saga-start, saga-transition) of
// the first saga that has an end record: a saga, as a user's may, that
// logs only how it ended.
func endsOnly(h *history.History) *history.History {
	var key [2]string
	for _, r := range h.All() {
		if r.Kind == history.SagaCompleted || r.Kind == history.SagaCompensated {
			key = [2]string{r.Group, r.Key}
			break
		}
	}
	var es []history.Entry
	for _, r := range h.All() {
		if (r.Kind == history.SagaStart || r.Kind == history.SagaTransition) && [2]string{r.Group, r.Key} == key {
			continue
		}
		es = append(es, r)
	}
	return history.FromEntries(es)
}

// oracleSagaOutcome: not applicable with no saga; violated when a saga
// has both a saga-completed and a saga-compensated record, or when the
// run drained and a saga's last write (start or transition) leaves it in
// a state that is not completed or compensated and no end record of the
// saga follows it; unknown when such an open saga is left by a run that
// did not drain.
func oracleSagaOutcome(h *history.History) Verdict {
	by, keys := sagaRecords(h)
	if len(keys) == 0 {
		return Unknown
	}
	drained := false
	for _, r := range h.All() {
		if r.Kind == history.End {
			drained = r.Drained
		}
	}
	open := false
	for _, k := range keys {
		var completed, compensated, endAfter bool
		state := ""
		for _, r := range by[k] {
			switch r.Kind {
			case history.SagaCompleted:
				completed, endAfter = true, true
			case history.SagaCompensated:
				compensated, endAfter = true, true
			default:
				state, endAfter = r.To, false
			}
		}
		if completed && compensated {
			return Violated
		}
		if state != history.SagaStateCompleted && state != history.SagaStateCompensated && !endAfter {
			open = true
		}
	}
	switch {
	case open && drained:
		return Violated
	case open:
		return Unknown
	}
	return Holds
}

func TestOracleSagaSingleInstance(t *testing.T) {
	seen := esVerdicts{}
	rapid.Check(t, func(t *rapid.T) {
		h := drawSagaHistory(t)
		if rapid.Bool().Draw(t, "ends-only") {
			h = endsOnly(h)
		}
		seen.agree(t, h, SagaSingleInstance(h), oracleSagaSingleInstance(h))
	})
	seen.require(t, "saga-single-instance", Holds, Violated, Unknown)
}

func TestOracleSagaOutcome(t *testing.T) {
	seen := esVerdicts{}
	rapid.Check(t, func(t *rapid.T) {
		h := drawSagaHistory(t)
		if rapid.Bool().Draw(t, "ends-only") {
			h = endsOnly(h)
		}
		seen.agree(t, h, SagaOutcome(h), oracleSagaOutcome(h))
	})
	seen.require(t, "saga-outcome", Holds, Violated, Unknown)
}

// The event-name vocabulary, labelled by hand: facts, and names that are
// not (commands, and names with no past-tense verb).
var (
	esFacts = []string{"OrderPlaced", "EmailSent", "InvoicePaid", "TransferCompleted", "RefundIssued", "Deposited",
		"Withdrew", "PasswordReset", "CartCheckedOut", "PaymentFailed", "WelcomeEmailSent", "DepositReceived"}
	esNotFacts = []string{"SendEmail", "PayInvoice", "CompleteTransfer", "IssueRefund", "Deposit", "CreateOrder",
		"ResetPassword", "ShipOrder", "AccountBalance", "EmailCustomer"}
)

// Histories of a producer publishing events named from the vocabulary
// (mostly facts; a planted name that is not), beside broker appends
// (whose types are the published ones) and an event store's append,
// whose type is judged too.
func drawNamesHistory(t *rapid.T) *history.History {
	h := &history.History{}
	n := rapid.IntRange(0, 4).Draw(t, "publishes")
	for i := range n {
		typ := rapid.SampledFrom(esFacts).Draw(t, "fact")
		if rapid.IntRange(0, 5).Draw(t, "planted") == 0 {
			typ = rapid.SampledFrom(esNotFacts).Draw(t, "not a fact")
		}
		id := fmt.Sprintf("p%d", i)
		h.Add(history.Entry{At: int64(2 * i), Kind: history.Publish, Node: "p", Topic: "t", Event: id, Type: typ})
		h.Add(history.Entry{At: int64(2*i + 1), Kind: history.Append, Node: "broker", Topic: "t", Event: id, Type: typ})
	}
	if rapid.Bool().Draw(t, "store") {
		typ := rapid.SampledFrom(esFacts).Draw(t, "stored")
		if rapid.Bool().Draw(t, "stored planted") {
			typ = rapid.SampledFrom(esNotFacts).Draw(t, "stored not a fact")
		}
		h.Add(history.Entry{At: int64(2 * n), Kind: history.StoreAppend, Node: "store", Key: "a", Event: "c1/e1",
			Type: typ, Version: 1, Command: "c1"})
	}
	return h
}

// oracleEventNames: not applicable with no publish and no store append;
// violated when a published or stored type is not one of the facts.
func oracleEventNames(h *history.History) Verdict {
	published := false
	for _, r := range h.All() {
		if r.Kind != history.Publish && r.Kind != history.StoreAppend {
			continue
		}
		published = true
		if !slices.Contains(esFacts, r.Type) {
			return Violated
		}
	}
	if !published {
		return Unknown
	}
	return Holds
}

func TestOracleEventNames(t *testing.T) {
	seen := esVerdicts{}
	rapid.Check(t, func(t *rapid.T) {
		h := drawNamesHistory(t)
		seen.agree(t, h, EventNames(h), oracleEventNames(h))
	})
	seen.require(t, "event-names", Holds, Violated, Unknown)
}
