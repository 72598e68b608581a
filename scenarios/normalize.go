package scenarios

import (
	"github.com/evsim/evsim/checks"
)

// DefaultHandler is the handler of a consumer group that names none.
const DefaultHandler = "balance"

// Normalize fills in every default a scenario file may leave out, so that
// a Scenario built in Go runs as its YAML twin does: the drain phase, the
// end of the fault window and of the producers, clients and queries (the
// end of Duration), each consumer group's handler and size (one member) and an empty set of
// expectations. Parse and Run both call it; a value already set is kept.
func (s *Scenario) Normalize() {
	if s.Drain == 0 {
		s.Drain = DefaultDrain
	}
	if s.Faults.Until == 0 {
		s.Faults.Until = s.Duration
	}
	if s.Expect == nil {
		s.Expect = map[string]checks.Verdict{}
	}
	for i := range s.System.Producers {
		if s.System.Producers[i].Stop == 0 {
			s.System.Producers[i].Stop = s.Duration
		}
	}
	for i := range s.System.Consumers {
		c := &s.System.Consumers[i]
		if c.Handler == "" && c.Custom == nil {
			c.Handler = DefaultHandler
		}
		if c.Members == 0 {
			c.Members = 1
		}
	}
	for i := range s.ES.Clients {
		if s.ES.Clients[i].Stop == 0 {
			s.ES.Clients[i].Stop = s.Duration
		}
	}
	for i := range s.ES.Queries {
		if s.ES.Queries[i].Stop == 0 {
			s.ES.Queries[i].Stop = s.Duration
		}
	}
}
