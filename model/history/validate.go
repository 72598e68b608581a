package history

import "fmt"

// Validate checks that h is a history checks can judge: its records are in
// the order they happened, so no record's At is negative or earlier than
// the At of the record before it. A shuffled or time-reversed history would
// otherwise yield false verdicts (an effect judged before its publish, a
// poll before the read it follows). The error names the first record out
// of order, counting from 1.
func (h *History) Validate() error {
	var prev int64
	for i, r := range h.All() {
		if r.At < 0 {
			return fmt.Errorf("record %d (%s) has negative time %d: times are nanoseconds since the start of the run", i+1, r.Kind, r.At)
		}
		if r.At < prev {
			return fmt.Errorf("record %d (%s at %d) is earlier than the record before it (at %d): records must be in the order they happened", i+1, r.Kind, r.At, prev)
		}
		prev = r.At
	}
	return nil
}
