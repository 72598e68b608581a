package history

import (
	"bytes"
	"strings"
	"testing"
)

// A store append's basis survives a write and a read in version 2,
// whether known (0 included) or unknown, with or without a state; the
// form evsim's store writes (a state, a basis of 0) keeps leaving the
// basis out.
func TestJSONLStoreBasisKnownOrUnknownRoundTrips(t *testing.T) {
	app := func(basis int64, state string) Entry {
		return Entry{At: 1, Kind: StoreAppend, Node: "s", Event: "e", Key: "k", Version: 2, Position: 2,
			Expected: "any", Basis: basis, Command: "c", State: state}
	}
	es := []Entry{app(0, ""), app(BasisUnknown, ""), app(3, ""), app(0, "balance=0"), app(BasisUnknown, "balance=0"), app(1, "balance=0")}
	var buf bytes.Buffer
	if err := FromEntries(es).WriteJSONL(&buf); err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(buf.String(), "\n")
	if want := `{"at":1,"kind":"store-append","node":"s","event":"e","key":"k","version":2,"position":2,"expected":"any","command":"c","state":"balance=0"}`; lines[4] != want {
		t.Errorf("store's own record written as\n%s\nwant\n%s", lines[4], want)
	}
	h, err := ReadJSONL("rt", &buf)
	if err != nil {
		t.Fatal(err)
	}
	for i, e := range h.All() {
		if e.Basis != es[i].Basis {
			t.Errorf("record %d: basis %d read back as %d (line %s)", i, es[i].Basis, e.Basis, lines[i+1])
		}
	}
}

// A version 2 store append that gives neither basis nor state reads as
// unknown; one with a state, or from a version 1.1 file, reads as 0.
func TestReadJSONLAbsentStoreBasisIsUnknownUnlessStoreOrLegacy(t *testing.T) {
	for _, c := range []struct {
		text string
		want int64
	}{
		{`{"schema":"evsim.history/v2"}` + "\n" + `{"at":1,"kind":"store-append","key":"k","version":2,"command":"c"}`, BasisUnknown},
		{`{"schema":"evsim.history/v2"}` + "\n" + `{"at":1,"kind":"store-append","key":"k","version":2,"command":"c","state":"x"}`, 0},
		{`{"schema":"evsim.history/v2"}` + "\n" + `{"at":1,"kind":"store-append","key":"k","version":2,"command":"c","basis":0}`, 0},
		{`{"schema":"evsim.history/v1.1"}` + "\n" + `{"at":1,"kind":"store-append","key":"k","version":2,"command":"c"}`, 0},
		{`{"schema":"evsim.history/v2"}` + "\n" + `{"at":1,"kind":"saga-start","key":"k","version":2,"to":"started"}`, 0},
	} {
		h, err := ReadJSONL("x", strings.NewReader(c.text))
		if err != nil {
			t.Fatal(err)
		}
		if got := h.At(0).Basis; got != c.want {
			t.Errorf("%s: basis %d, want %d", c.text, got, c.want)
		}
	}
}

// A basis below -1 is no version and no "unknown": it is refused.
func TestReadJSONLRefusesBasisBelowUnknown(t *testing.T) {
	_, err := ReadJSONL("x", strings.NewReader(`{"schema":"evsim.history/v2"}`+"\n"+`{"at":1,"kind":"store-append","key":"k","version":2,"basis":-2}`))
	if err == nil || !strings.Contains(err.Error(), "x:2: basis -2") {
		t.Fatalf("err = %v, want a refusal naming line 2 and the basis", err)
	}
}
