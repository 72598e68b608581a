// Package rapidtest helps tests assert that a rapid property fails: that
// rapid finds a counterexample and shrinks it, as it must for a planted bug.
package rapidtest

import (
	"flag"
	"fmt"
	"testing"

	"pgregory.net/rapid"
)

// Fails runs rapid.Check on prop without failing t and returns the
// messages of the failure rapid reported after shrinking, or nil if prop
// held. It writes no fail file: the failure is the expected outcome.
func Fails(t *testing.T, prop func(*rapid.T)) []string {
	t.Helper()
	if err := flag.Set("rapid.nofailfile", "true"); err != nil {
		t.Fatal(err)
	}
	defer flag.Set("rapid.nofailfile", "false")
	rec := &recorder{T: t}
	func() {
		defer func() {
			if r := recover(); r != nil {
				if _, ok := r.(stop); !ok {
					panic(r)
				}
			}
		}()
		rapid.Check(rec, prop)
	}()
	if !rec.failed {
		return nil
	}
	if len(rec.msgs) == 0 {
		return []string{"(no message)"}
	}
	return rec.msgs
}

// recorder is a rapid.TB that records a failure instead of failing the test.
type recorder struct {
	*testing.T
	failed bool
	msgs   []string
}

type stop struct{}

func (r *recorder) Errorf(format string, args ...any) {
	r.failed = true
	r.msgs = append(r.msgs, fmt.Sprintf(format, args...))
}
func (r *recorder) Error(args ...any)                 { r.Errorf("%s", fmt.Sprint(args...)) }
func (r *recorder) Fatalf(format string, args ...any) { r.Errorf(format, args...); r.FailNow() }
func (r *recorder) Fatal(args ...any)                 { r.Error(args...); r.FailNow() }
func (r *recorder) Fail()                             { r.failed = true }
func (r *recorder) FailNow()                          { r.failed = true; panic(stop{}) }
func (r *recorder) Failed() bool                      { return r.failed }
func (r *recorder) Logf(string, ...any)               {}
func (r *recorder) Log(...any)                        {}
