package sim

import (
	"fmt"
	"time"
)

// Time is simulated time: nanoseconds since the start of the run.
type Time int64

// Duration converts t to a time.Duration since the start of the run.
func (t Time) Duration() time.Duration { return time.Duration(t) }

// Add returns t plus d.
func (t Time) Add(d time.Duration) Time { return t + Time(d) }

// String prints t relative to the start of the run, like "+1.5s".
func (t Time) String() string { return fmt.Sprintf("+%v", time.Duration(t)) }
