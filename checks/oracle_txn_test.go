package checks

import (
	"fmt"
	"strconv"
	"strings"
	"testing"

	"pgregory.net/rapid"

	"github.com/evsim/evsim/model/history"
)

// The oracles of the transaction checks: each is written from the
// check's definition in scenarios/FORMAT.md, by brute force over the
// records, and shares no code with the checks.
// TestTxnChecksAgreeWithOracles draws small histories of a tiny
// transactional system (producers that interleave transactions over two
// partitions, readers, a consume-transform-produce loop with zombies and
// lost outputs planted) and requires each check and its oracle to agree.

// oracleFate returns the kind of the marker that ends the transaction of
// the transactional append a (the first commit or abort marker of its
// producer id in its partition at a higher offset), or "" if none does.
func oracleFate(h *history.History, a history.Entry) history.Kind {
	if a.Kind != history.Append || a.ProducerID == 0 {
		return ""
	}
	var best *history.Entry
	for _, m := range h.All() {
		if (m.Kind == history.TxnCommit || m.Kind == history.TxnAbort) && m.Topic == a.Topic && m.Partition == a.Partition &&
			m.ProducerID == a.ProducerID && m.Offset > a.Offset && (best == nil || m.Offset < best.Offset) {
			best = &m
		}
	}
	if best == nil {
		return ""
	}
	return best.Kind
}

// oracleAborted reports whether offset o of topic/partition holds a
// record of an aborted transaction.
func oracleAborted(h *history.History, topic string, p int, o int64) bool {
	for _, a := range h.All() {
		if a.Kind == history.Append && a.Topic == topic && a.Partition == p && a.Offset == o && oracleFate(h, a) == history.TxnAbort {
			return true
		}
	}
	return false
}

func oracleAbortedRead(h *history.History) Verdict {
	anyTxn, anyAborted := false, false
	for _, r := range h.All() {
		switch r.Kind {
		case history.TxnInit, history.TxnBegin, history.TxnCommit, history.TxnAbort, history.ProducerFenced:
			anyTxn = true
		case history.Append:
			if oracleFate(h, r) == history.TxnAbort {
				anyAborted = true
			}
		}
	}
	if !anyTxn || !anyAborted {
		return Unknown
	}
	for _, r := range h.All() {
		if (r.Kind == history.Deliver || r.Kind == history.Effect || r.Kind == history.ProjectionApply) &&
			oracleAborted(h, r.Topic, r.Partition, r.Offset) {
			return Violated
		}
	}
	return Holds
}

func oracleExactlyOnceOutput(h *history.History) Verdict {
	var outs []history.Entry
	for _, r := range h.All() {
		if r.Kind == history.Append && r.Input != "" {
			outs = append(outs, r)
		}
	}
	if len(outs) == 0 {
		return Unknown
	}
	committedOutputs := func(group, service, input string) int {
		n := 0
		for _, o := range outs {
			if o.Group == group && o.Service == service && o.Input == input && oracleFate(h, o) == history.TxnCommit {
				n++
			}
		}
		return n
	}
	anyCommitted := false
	for _, o := range outs {
		if committedOutputs(o.Group, o.Service, o.Input) > 1 {
			return Violated
		}
		if oracleFate(h, o) == history.TxnCommit {
			anyCommitted = true
		}
	}
	consumed := false
	subscribed := func(group, service, topic string) bool {
		for _, s := range h.All() {
			if s.Kind == history.Subscribe && s.Group == group && s.Service == service && s.Topic == topic {
				return true
			}
		}
		return false
	}
	for _, o := range outs {
		for _, in := range h.All() {
			if in.Kind != history.Append || in.Event == "" || !subscribed(o.Group, o.Service, in.Topic) || oracleFate(h, in) == history.TxnAbort {
				continue
			}
			last, ok := int64(0), false
			for _, c := range h.All() {
				if c.Kind == history.OffsetCommit && c.Group == o.Group && c.Topic == in.Topic && c.Partition == in.Partition {
					last, ok = c.Offset, true
				}
			}
			if !ok || in.Offset >= last {
				continue
			}
			consumed = true
			if committedOutputs(o.Group, o.Service, in.Event) == 0 {
				return Violated
			}
		}
	}
	if !anyCommitted && !consumed {
		return Unknown
	}
	return Holds
}

// tinyTxnLog builds a history of the tiny transactional system.
type tinyTxnLog struct {
	h    history.History
	ends map[string]int64 // log end per "topic/partition"
	open map[int64][]int  // per producer id: partitions of "in" written in its open transaction
	at   int64
}

func (l *tinyTxnLog) add(r history.Entry) {
	l.at++
	r.At = l.at
	l.h.Add(r)
}

// appendTo appends a record to topic/p and returns its offset.
func (l *tinyTxnLog) appendTo(r history.Entry, topic string, p int) int64 {
	k := topic + "/" + strconv.Itoa(p)
	off := l.ends[k]
	l.ends[k]++
	r.Kind, r.Topic, r.Partition, r.Offset = history.Append, topic, p, off
	l.add(r)
	return off
}

// end writes pid's markers in the partitions of topic it wrote.
func (l *tinyTxnLog) end(topic string, pid int64, parts []int, commit bool) {
	kind := history.TxnAbort
	if commit {
		kind = history.TxnCommit
	}
	for _, p := range parts {
		k := topic + "/" + strconv.Itoa(p)
		off := l.ends[k]
		l.ends[k]++
		l.add(history.Entry{Kind: kind, Node: "p", TxnID: "t" + strconv.FormatInt(pid, 10), ProducerID: pid, Topic: topic, Partition: p, Offset: off})
	}
}

// drawTinyTxnReads draws producers 1 and 2 interleaving transactions
// (and plain appends, pid 0) over two partitions of "in", then readers
// that read offsets of it: only committed and plain records, unless the
// draw plants an aborted read.
func drawTinyTxnReads(t *rapid.T) *history.History {
	l := &tinyTxnLog{ends: map[string]int64{}, open: map[int64][]int{}}
	type data struct {
		p   int
		off int64
		pid int64
	}
	var recs []data
	n := 0
	for range rapid.IntRange(0, 14).Draw(t, "steps") {
		switch rapid.IntRange(0, 3).Draw(t, "step") {
		case 0: // a plain append
			p := rapid.IntRange(0, 1).Draw(t, "p")
			n++
			off := l.appendTo(history.Entry{Node: "broker", Event: "e" + strconv.Itoa(n)}, "in", p)
			recs = append(recs, data{p, off, 0})
		case 1, 2: // a transactional write by producer 1 or 2
			pid := int64(rapid.IntRange(1, 2).Draw(t, "pid"))
			p := rapid.IntRange(0, 1).Draw(t, "p")
			if len(l.open[pid]) == 0 {
				l.add(history.Entry{Kind: history.TxnBegin, Node: "p", TxnID: "t" + strconv.FormatInt(pid, 10), ProducerID: pid})
			}
			seen := false
			for _, q := range l.open[pid] {
				seen = seen || q == p
			}
			if !seen {
				l.open[pid] = append(l.open[pid], p)
			}
			n++
			off := l.appendTo(history.Entry{Node: "broker", Event: "e" + strconv.Itoa(n), ProducerID: pid}, "in", p)
			recs = append(recs, data{p, off, pid})
		case 3: // a producer ends its transaction
			pid := int64(rapid.IntRange(1, 2).Draw(t, "pid"))
			if len(l.open[pid]) > 0 {
				l.end("in", pid, l.open[pid], rapid.Bool().Draw(t, "commit"))
				l.open[pid] = nil
			}
		}
	}
	plant := rapid.Bool().Draw(t, "plant")
	for range rapid.IntRange(0, 4).Draw(t, "reads") {
		if len(recs) == 0 {
			break
		}
		d := recs[rapid.IntRange(0, len(recs)-1).Draw(t, "read")]
		if oracleAborted(&l.h, "in", d.p, d.off) != plant {
			// a read-committed reader skips aborted records; a planted
			// anomaly reads one (if there is one)
			for _, x := range recs {
				if oracleAborted(&l.h, "in", x.p, x.off) == plant {
					d = x
				}
			}
			if !plant && oracleAborted(&l.h, "in", d.p, d.off) {
				continue
			}
		}
		kind := rapid.SampledFrom([]history.Kind{history.Deliver, history.Effect, history.ProjectionApply}).Draw(t, "kind")
		l.add(history.Entry{Kind: kind, Node: "c-0", Group: "c", Topic: "in", Partition: d.p, Offset: d.off})
	}
	return &l.h
}

// drawTinyLoop draws a consume-transform-produce loop over inputs of one
// partition of one or two topics: transactions of instances (producer ids 1 and 2) each take
// the next inputs from the committed offset, write their outputs to
// "out" and end committed (offsets too), aborted or open. Planted
// anomalies: a zombie transaction that repeats committed inputs and
// commits; an offset committed past inputs whose outputs were aborted.
func drawTinyLoop(t *rapid.T) *history.History {
	l := &tinyTxnLog{ends: map[string]int64{}, open: map[int64][]int{}}
	// the loop may read a second topic, in2, subscribed first
	topics := []string{"in"}
	if rapid.Bool().Draw(t, "two topics") {
		topics = []string{"in2", "in"}
	}
	inputsOf := map[string]int{}
	for _, topic := range topics {
		l.add(history.Entry{Kind: history.Subscribe, Group: "g", Topic: topic})
	}
	for _, topic := range topics {
		inputsOf[topic] = rapid.IntRange(0, 5).Draw(t, "inputs")
		for i := range inputsOf[topic] {
			l.appendTo(history.Entry{Node: "broker", Event: topic + "-" + strconv.Itoa(i)}, topic, 0)
		}
	}
	committedOf := map[string]int64{}
	for range rapid.IntRange(0, 4).Draw(t, "txns") {
		pid := int64(rapid.IntRange(1, 2).Draw(t, "pid"))
		topic := rapid.SampledFrom(topics).Draw(t, "topic")
		committed, inputs := committedOf[topic], inputsOf[topic]
		from := committed
		zombie := committed > 0 && rapid.IntRange(0, 5).Draw(t, "zombie") == 0
		if zombie {
			from = int64(rapid.IntRange(0, int(committed)-1).Draw(t, "from"))
		}
		k := int64(rapid.IntRange(0, 2).Draw(t, "k"))
		to := min(from+k, int64(inputs))
		l.add(history.Entry{Kind: history.TxnBegin, Node: "g-0", TxnID: "g-0", ProducerID: pid})
		for o := from; o < to; o++ {
			in := topic + "-" + strconv.FormatInt(o, 10)
			l.appendTo(history.Entry{Node: "broker", Group: "g", Event: "g:" + in, Input: in, ProducerID: pid}, "out", 0)
		}
		switch end := rapid.IntRange(0, 3).Draw(t, "end"); {
		case end <= 1 || zombie: // commit, with the offsets
			l.end("out", pid, []int{0}, true)
			if to > from {
				l.add(history.Entry{Kind: history.OffsetCommit, Node: "g-0", Group: "g", Topic: topic, Offset: to})
				committed = max(committed, to)
			}
		case end == 2: // abort; a planted bug commits the offsets anyway
			l.end("out", pid, []int{0}, false)
			if to > from && rapid.IntRange(0, 3).Draw(t, "lose") == 0 {
				l.add(history.Entry{Kind: history.OffsetCommit, Node: "g-0", Group: "g", Topic: topic, Offset: to})
				committed = max(committed, to)
			}
		default: // left open
		}
		committedOf[topic] = committed
	}
	return &l.h
}

func TestTxnChecksAgreeWithOracles(t *testing.T) {
	for _, c := range []struct {
		name   string
		draw   func(*rapid.T) *history.History
		check  func(*history.History) Result
		oracle func(*history.History) Verdict
	}{
		{"aborted-read", drawTinyTxnReads, AbortedRead, oracleAbortedRead},
		{"exactly-once-output", drawTinyLoop, ExactlyOnceOutput, oracleExactlyOnceOutput},
	} {
		t.Run(c.name, func(t *testing.T) {
			counts := map[Verdict]int{}
			rapid.Check(t, func(t *rapid.T) {
				h := c.draw(t)
				got, want := c.check(h), c.oracle(h)
				if got.Verdict != want {
					var b strings.Builder
					for _, r := range h.All() {
						fmt.Fprintln(&b, r)
					}
					t.Fatalf("%s says %s (%s), its oracle %s, on\n%s", c.name, got.Verdict, got.Explanation, want, b.String())
				}
				counts[want]++
			})
			for _, v := range []Verdict{Holds, Violated, Unknown} {
				if counts[v] == 0 {
					t.Errorf("%s: no history drawn was %s (counts %v)", c.name, v, counts)
				}
			}
			t.Logf("%s: %v", c.name, counts)
		})
	}
}
