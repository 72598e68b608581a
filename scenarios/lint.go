package scenarios

import (
	"fmt"

	"github.com/evsim/evsim/checks"
)

// Warning is a problem at a place in a scenario file that does not stop
// it from running.
type Warning struct {
	File      string
	Line, Col int
	Msg       string
}

func (w Warning) String() string {
	return fmt.Sprintf("%s:%d:%d: warning: %s", w.File, w.Line, w.Col, w.Msg)
}

// Lint returns the warnings about s, in file order: event types named
// like commands (SendWelcomeEmail) or with no past-tense verb, since
// events are past-tense facts (see [checks.EventName]). Each event type is
// judged once, where the file first names it.
func Lint(s *Scenario) []Warning {
	var out []Warning
	seen := map[string]bool{}
	for _, t := range s.eventTypes {
		if seen[t.name] {
			continue
		}
		seen[t.name] = true
		if problem, ok := checks.EventName(t.name); !ok {
			out = append(out, Warning{File: s.File, Line: t.line, Col: t.col, Msg: problem})
		}
	}
	return out
}
