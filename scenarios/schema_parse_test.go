package scenarios

import (
	"strings"
	"testing"
)

// TestSchemaParse: `upcast` takes true or false, only on a projection
// that has an upcaster, and `projection` names a registered one; the
// errors carry file, line and column.
func TestSchemaParse(t *testing.T) {
	src := `name: bad
duration: 1s
aggregate:
  type: currency-account
projections:
  - name: a
    projection: eur-balances
    upcast: maybe
  - name: b
    upcast: false
  - name: c
    projection: dollars
clients:
  - name: teller
    rate: 10/s
    commands:
      - type: Deposit
checks: [projection-equals-fold]
`
	_, err := Parse("bad.yaml", []byte(src))
	if err == nil {
		t.Fatal("want errors")
	}
	for _, want := range []string{
		`bad.yaml:8:13: projections[0].upcast: "maybe": want true or false`,
		`bad.yaml:10:13: projections[1].upcast: the value projection of the aggregate has no upcaster`,
		`bad.yaml:12:17: projections[2].projection: unknown value "dollars"`,
	} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error lacks %q:\n%v", want, err)
		}
	}
	s, err := Parse("good.yaml", []byte(strings.NewReplacer("upcast: maybe", "upcast: false", "  - name: b\n    upcast: false\n", "",
		"  - name: c\n    projection: dollars\n", "").Replace(src)))
	if err != nil {
		t.Fatal(err)
	}
	if p := s.ES.Projectors[0]; p.Projection != "eur-balances" || !p.SkipUpcast {
		t.Errorf("projection %q, skip upcast %t; want eur-balances, true", p.Projection, p.SkipUpcast)
	}
}
