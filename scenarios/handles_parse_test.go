package scenarios

import (
	"slices"
	"strings"
	"testing"
	"time"
)

// TestHandlesParse: a projection's `handles` is a non-empty list of event
// types the aggregate knows, each named once, only on a projection of the
// event store without an in-place rebuild, and a client's `start-at` is a duration; the errors carry
// file, line and column, and the types named are linted as event names.
func TestHandlesParse(t *testing.T) {
	src := `name: bad
duration: 1s
topics:
  - name: t
projections:
  - name: a
    handles: [Opened, Deposted, Opened]
  - name: b
    handles: []
  - name: c
    handles: Opened
  - name: d
    source: topic
    topic: t
    handles: [Opened]
  - name: e
    handles: [Opened]
    rebuild:
      at: 1s
      mode: in-place
clients:
  - name: teller
    rate: 10/s
    start-at: soon
    commands:
      - type: Deposit
checks: [projection-equals-fold]
`
	_, err := Parse("bad.yaml", []byte(src))
	if err == nil {
		t.Fatal("want errors")
	}
	for _, want := range []string{
		`bad.yaml:7:23: projections[0].handles[1]: aggregate account has no event type "Deposted"`,
		`bad.yaml:7:33: projections[0].handles[2]: "Opened" is named twice`,
		`bad.yaml:9:14: projections[1].handles: want the event types the projector has a handler for`,
		`bad.yaml:11:14: projections[2].handles: want a list`,
		`bad.yaml:15:14: projections[3].handles: only for a projection of the event store`,
		`bad.yaml:17:14: projections[4].handles: an in-place rebuild replays into the rows the live projector keeps writing`,
		`bad.yaml:24:15: clients[0].start-at: "soon" is not a duration`,
	} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error lacks %q:\n%v", want, err)
		}
	}
	good := `name: good
duration: 1s
projections:
  - name: a
    handles: [Opened, Deposited, Withdrawn]
clients:
  - name: billing
    rate: 10/s
    start-at: 500ms
    commands:
      - type: ChargeFee
checks: [projection-equals-fold]
`
	s, err := Parse("good.yaml", []byte(good))
	if err != nil {
		t.Fatal(err)
	}
	if h := s.ES.Projectors[0].Handles; !slices.Equal(h, []string{"Opened", "Deposited", "Withdrawn"}) {
		t.Errorf("handles %v", h)
	}
	if st := s.ES.Clients[0].Start; st != 500*time.Millisecond {
		t.Errorf("start %v, want 500ms", st)
	}
	lint := strings.Replace(good, "Withdrawn]", "Withdraw]", 1)
	if s, err = Parse("lint.yaml", []byte(lint)); err != nil {
		t.Fatal(err)
	}
	if w := Lint(s); len(w) != 1 || w[0].Line != 5 || !strings.Contains(w[0].String(), "Withdraw") {
		t.Errorf("lint: got %v, want one warning about Withdraw at line 5", w)
	}
}
