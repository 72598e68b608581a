package reports

import (
	"strings"
	"testing"

	"github.com/evsim/evsim/model/history"
)

// redelivery is a double credit: ledger-0 applies e1, crashes before
// committing, is expired; after the rebalance ledger-1 gets e1 again.
func redelivery() (*history.History, []history.Entry) {
	h := &history.History{}
	for _, r := range []history.Entry{
		{At: 1, Kind: history.Publish, Node: "teller", Topic: "t", Event: "e1", Key: "k"},
		{At: 2, Kind: history.Append, Node: "broker", Topic: "t", Partition: 0, Offset: 0, Event: "e1", Key: "k"},
		{At: 2, Kind: history.Publish, Node: "teller", Topic: "t", Event: "e2", Key: "k"}, // another event: not in the story
		{At: 3, Kind: history.Deliver, Node: "ledger-0", Group: "ledger", Topic: "t", Event: "e1", Attempt: 1},
		{At: 4, Kind: history.Effect, Node: "ledger-0", Group: "ledger", Topic: "t", Event: "e1", Value: 5},
		{At: 4, Kind: history.Crash, Node: "ledger-0", CrashPoint: "after-effect"},
		{At: 6, Kind: history.Expire, Node: "ledger-0", Group: "ledger"},
		{At: 7, Kind: history.Rebalance, Group: "ledger", Generation: 2, Count: 1},
		{At: 8, Kind: history.Deliver, Node: "ledger-1", Group: "ledger", Topic: "t", Event: "e1", Attempt: 2},
		{At: 9, Kind: history.Effect, Node: "ledger-1", Group: "ledger", Topic: "t", Event: "e1", Value: 10},
		{At: 10, Kind: history.OffsetCommit, Node: "ledger-1", Group: "ledger", Topic: "t", Partition: 0, Offset: 1},
		{At: 50, Kind: history.Crash, Node: "teller", CrashPoint: "later"}, // after the story: left out
	} {
		h.Add(r)
	}
	return h, []history.Entry{h.At(4), h.At(5), h.At(9)}
}

func TestDiagramLanesAndArrows(t *testing.T) {
	h, w := redelivery()
	d := NewDiagram(h, w)
	if d == nil {
		t.Fatal("no diagram")
	}
	var lanes []string
	for _, l := range d.Lanes {
		lanes = append(lanes, l.Name+":"+l.Role)
	}
	want := "teller:producer t/0:partition group ledger:coordinator ledger-0:member ledger-1:member"
	if got := strings.Join(lanes, " "); got != want {
		t.Errorf("lanes %q, want %q", got, want)
	}
	var kinds []string
	arrows := map[history.Kind]history.Kind{}
	witnesses := 0
	for _, r := range d.Rows {
		kinds = append(kinds, string(r.Record.Kind))
		if r.From >= 0 {
			arrows[r.Record.Kind] = d.Rows[r.From].Record.Kind
		}
		if r.Witness > 0 {
			witnesses++
		}
	}
	if got := strings.Join(kinds, " "); got != "publish append deliver effect crash expire rebalance deliver effect offset-commit" {
		t.Errorf("rows %q", got)
	}
	for to, from := range map[history.Kind]history.Kind{history.Append: history.Publish, history.Deliver: history.Append,
		history.Effect: history.Deliver, history.OffsetCommit: history.Effect} {
		if arrows[to] != from {
			t.Errorf("arrow into %s from %q, want from %s", to, arrows[to], from)
		}
	}
	if witnesses != 3 || d.Rows[3].Witness != 1 || d.Rows[4].Witness != 2 || d.Rows[8].Witness != 3 {
		t.Errorf("witness rows: %+v", d.Rows)
	}
	svg := string(d.SVG("demo"))
	for _, want := range []string{`data-lane="teller"`, `data-lane="t/0"`, `data-lane="ledger-1"`, `data-witness="W1"`, `data-witness="W3"`,
		`data-kind="crash"`, `data-kind="expire"`, `data-kind="rebalance"`, `class="arrow"`, `role="img"`, "<title>demo</title>", ">W2</text>"} {
		if !strings.Contains(svg, want) {
			t.Errorf("svg lacks %q", want)
		}
	}
	if strings.Contains(svg, "http://") && strings.Count(svg, "http://") != 1 { // the xmlns only
		t.Error("svg refers to something outside the page")
	}
}

func TestDiagramEventSourcing(t *testing.T) {
	h := &history.History{}
	for _, r := range []history.Entry{
		{At: 1, Kind: history.Command, Node: "alice", Key: "acct", Command: "c1", Type: "Deposit"},
		{At: 2, Kind: history.StoreAppend, Node: "store", Key: "acct", Command: "c1", Event: "ev1", Version: 1, Position: 1},
		{At: 3, Kind: history.CommandReturn, Node: "alice", Key: "acct", Command: "c1", Outcome: history.Outcome("ok")},
		{At: 4, Kind: history.ProjectionApply, Node: "projector", Group: "balances", Key: "acct", Event: "ev1", Position: 1},
	} {
		h.Add(r)
	}
	d := NewDiagram(h, []history.Entry{h.At(3)})
	var lanes []string
	for _, l := range d.Lanes {
		lanes = append(lanes, l.Name+":"+l.Role)
	}
	if got := strings.Join(lanes, " "); got != "store:store projector:projector alice:client" {
		t.Errorf("lanes %q", got)
	}
	if d.Rows[1].From != 0 || d.Rows[2].From != 1 || d.Rows[3].From != 1 {
		t.Errorf("arrows %+v", d.Rows)
	}
	if NewDiagram(h, []history.Entry{{Kind: history.Crash}}) != nil {
		t.Error("a witness not in the history got a diagram")
	}
}

func TestDiagramBounded(t *testing.T) {
	h := &history.History{}
	for i := 0; i < 200; i++ {
		h.Add(history.Entry{At: int64(i), Kind: history.Deliver, Node: "m", Group: "g", Topic: "t", Event: "e", Attempt: i + 1})
	}
	d := NewDiagram(h, []history.Entry{h.At(199)})
	if len(d.Rows) != maxDiagramRows || d.Omitted != 200-maxDiagramRows || d.Rows[len(d.Rows)-1].Witness != 1 {
		t.Errorf("%d rows, %d omitted, last witness %d", len(d.Rows), d.Omitted, d.Rows[len(d.Rows)-1].Witness)
	}
}
