package scenarios

import (
	"strings"
	"testing"
	"time"
)

func TestESParseErrorsHavePositions(t *testing.T) {
	src := `name: bad
duration: 1s
event-store:
  position: sometimes
  lost-answers: 1/2
clients:
  - name: teller
    rate: 10/s
    commands:
      - type: Deposit
    retry-ids: fresh
checks: [stream-integrity]
`
	_, err := Parse("bad.yaml", []byte(src))
	if err == nil {
		t.Fatal("want errors")
	}
	for _, want := range []string{
		`bad.yaml:4:13: event-store.position: unknown value "sometimes"`,
		`bad.yaml:5:3: event-store: unknown key "lost-answers"`,
		`bad.yaml:11:16: clients[0].retry-ids: unknown value "fresh"`,
	} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error lacks %q:\n%v", want, err)
		}
	}
}

// TestESParseStalenessSLO: an SLO must be a positive duration, and the
// check that judges it needs a read model that has one.
func TestESParseStalenessSLO(t *testing.T) {
	src := `name: slo
duration: 1s
projections:
  - name: balances
    staleness-slo: soon
  - name: totals
    staleness-slo: 0s
clients:
  - name: teller
    rate: 10/s
    commands:
      - type: Deposit
checks: [bounded-staleness, staleness-within-slo]
`
	_, err := Parse("slo.yaml", []byte(src))
	if err == nil {
		t.Fatal("want errors")
	}
	for _, want := range []string{
		`slo.yaml:5:20: projections[0].staleness-slo: "soon" is not a duration`,
		`slo.yaml:7:20: projections[1].staleness-slo: 0s: want a positive duration`,
		`slo.yaml:13:29: checks: staleness-within-slo needs a read model with a staleness SLO`,
	} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error lacks %q:\n%v", want, err)
		}
	}
	ok := strings.Replace(strings.Replace(src, "staleness-slo: soon", "staleness-slo: 200ms", 1), "    staleness-slo: 0s\n", "", 1)
	s, err := Parse("slo.yaml", []byte(ok))
	if err != nil {
		t.Fatal(err)
	}
	if got := s.ES.Projectors[0].StalenessSLO; got != 200*time.Millisecond {
		t.Errorf("staleness SLO %v, want 200ms", got)
	}
}

// TestESDeterminism: the same seed gives the same checksum and history,
// another seed a different one.
func TestESDeterminism(t *testing.T) {
	for _, name := range []string{"gap-no-live-writer", "transactional-outbox", "rebuild-blue-green", "retry-new-ids"} {
		s, err := Builtin(name)
		if err != nil {
			t.Fatal(err)
		}
		a, _ := s.Run(7)
		b, _ := s.Run(7)
		c, _ := s.Run(8)
		if a.Checksum != b.Checksum || a.History.Len() != b.History.Len() {
			t.Errorf("%s: seed 7 twice gave checksums %x and %x", name, a.Checksum, b.Checksum)
		}
		if a.Checksum == c.Checksum {
			t.Errorf("%s: seeds 7 and 8 gave the same checksum", name)
		}
	}
}
