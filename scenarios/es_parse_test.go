package scenarios

import (
	"strings"
	"testing"
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
