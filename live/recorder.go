package live

import (
	"fmt"
	"sync"
	"time"

	"github.com/evsim/evsim/model/history"
)

// recorder is the one observer of a live run: every client goroutine hands
// it what it saw, and it stamps each record with the wall-clock time since
// the start under one lock, so that times never go back and the order is
// the order it saw things in.
type recorder struct {
	mu       sync.Mutex
	start    time.Time
	h        history.History
	appended map[string]bool // topic/partition/offset whose append is recorded
	attempts map[delivery]int
}

// delivery is a record of a topic's partition delivered to a group: the
// simulation counts a delivery's attempt by its offset in the group, so
// that an event the log holds twice (a retry's duplicate) is delivered
// once at each offset.
type delivery struct {
	group, topic string
	partition    int
	offset       int64
}

func newRecorder(source string) *recorder {
	return &recorder{start: time.Now(), h: history.History{Source: source},
		appended: map[string]bool{}, attempts: map[delivery]int{}}
}

// add records r now.
func (rc *recorder) add(r history.Entry) {
	rc.mu.Lock()
	defer rc.mu.Unlock()
	rc.addLocked(r)
}

func (rc *recorder) addLocked(r history.Entry) {
	r.At = int64(time.Since(rc.start))
	if n := rc.h.Len(); n > 0 && r.At < rc.h.At(n-1).At {
		r.At = rc.h.At(n - 1).At
	}
	rc.h.Add(r)
}

// appendSeen records the inferred append of the record a at its topic,
// partition and offset the first time an acknowledgement or a fetch shows
// it: no client sees the broker append. It reports whether the append is
// new.
func (rc *recorder) appendSeen(a history.Entry) bool {
	rc.mu.Lock()
	defer rc.mu.Unlock()
	k := fmt.Sprintf("%s/%d/%d", a.Topic, a.Partition, a.Offset)
	if rc.appended[k] {
		return false
	}
	rc.appended[k] = true
	rc.addLocked(history.Entry{Kind: history.Append, Node: "broker", Topic: a.Topic, Partition: a.Partition,
		Offset: a.Offset, Event: a.Event, Key: a.Key, Type: a.Type, Amount: a.Amount, Inferred: true})
	return true
}

// deliver records the delivery d, counting its attempt in its group by
// its offset, as the simulation does: the observer knows how often the
// group got the record, the member does not.
func (rc *recorder) deliver(d history.Entry) history.Entry {
	rc.appendSeen(d)
	rc.mu.Lock()
	defer rc.mu.Unlock()
	k := delivery{d.Group, d.Topic, d.Partition, d.Offset}
	rc.attempts[k]++
	d.Kind, d.Attempt = history.Deliver, rc.attempts[k]
	rc.addLocked(d)
	return d
}

// history returns a copy of what was recorded so far.
func (rc *recorder) history() *history.History {
	rc.mu.Lock()
	defer rc.mu.Unlock()
	h := history.FromEntries(rc.h.Entries())
	h.Source = rc.h.Source
	return h
}
