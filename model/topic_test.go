package model

import (
	"testing"

	"github.com/evsim/evsim/sim"
)

// TestRetentionDeletesWholeSegments: retention deletes a segment only
// once its newest record is past the cutoff, so an expired record lives
// on beside a newer one in its segment; a fully expired active segment
// goes too.
func TestRetentionDeletesWholeSegments(t *testing.T) {
	// Records appended at 0, 100, 200, 300 with 150-tick segments: the
	// segments are [0, 100] and [200, 300].
	log := func() *partitionLog {
		l := &partitionLog{}
		for _, at := range []int64{0, 100, 200, 300} {
			l.records = append(l.records, logRecord{appended: sim.Time(at)})
		}
		return l
	}
	for _, c := range []struct {
		cutoff int64
		start  int64
	}{
		{50, 0},  // record 0 is expired, but record 100 shares its segment
		{101, 2}, // the first segment is all expired
		{250, 2}, // record 200 is expired, but 300 shares its segment
		{301, 4}, // the active segment goes too
	} {
		l := log()
		l.expire(sim.Time(c.cutoff), 150)
		if l.start != c.start {
			t.Errorf("cutoff %d: start %d, want %d", c.cutoff, l.start, c.start)
		}
	}
}
