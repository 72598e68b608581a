package model

import (
	"slices"
	"testing"
)

// epochLog builds a replica log whose records carry the given epochs.
func epochLog(epochs ...int) *replicaLog {
	l := &replicaLog{seqs: map[int64]*sequenceLine{}}
	for i, e := range epochs {
		l.add(&logRecord{epoch: int32(e), Amount: int64(i)}, 0)
	}
	return l
}

// TestFollowerTruncatesByLeaderEpoch walks a follower to the leader's log
// by leader epochs, fetch by fetch, on the cases KIP-101 and KIP-279
// describe, and requires it to keep exactly the common prefix.
func TestFollowerTruncatesByLeaderEpoch(t *testing.T) {
	for _, c := range []struct {
		name             string
		leader, follower []int
		want             int64 // the common prefix the follower keeps
	}{
		{"follower behind", []int{0, 0, 0, 1, 1}, []int{0, 0, 0}, 3},
		{"follower has an unreplicated tail of the old epoch", []int{0, 0, 0, 1}, []int{0, 0, 0, 0, 0}, 3},
		// KIP-279: the follower led epoch 1 from offset 3 without the
		// leader ever seeing it; the leader's epoch 0 runs to 5.
		{"diverged over an epoch the leader never had", []int{0, 0, 0, 0, 0, 2, 2, 2}, []int{0, 0, 0, 1, 1, 1}, 3},
		{"the leader has nothing of the follower's epochs", []int{2, 2}, []int{1, 1, 1}, 0},
		{"same log", []int{0, 1, 1}, []int{0, 1, 1}, 3},
	} {
		t.Run(c.name, func(t *testing.T) {
			leader, follower := epochLog(c.leader...), epochLog(c.follower...)
			for range 10 {
				div, e, end := leader.diverges(follower.lastEpoch(), follower.end())
				if !div {
					break
				}
				follower.truncate(follower.truncationPoint(e, end))
			}
			if div, _, _ := leader.diverges(follower.lastEpoch(), follower.end()); div {
				t.Fatalf("still diverging after 10 rounds at %d", follower.end())
			}
			if follower.end() != c.want {
				t.Fatalf("follower kept %d records, want %d", follower.end(), c.want)
			}
			for o := range follower.records {
				if follower.records[o].epoch != leader.records[o].epoch {
					t.Fatalf("offset %d: follower epoch %d, leader %d", o, follower.records[o].epoch, leader.records[o].epoch)
				}
			}
		})
	}
}

// TestAddAllIsAddOfEach: a follower appending a fetched batch at once
// keeps the records, epoch cache and producer sequence lines that
// appending them one by one keeps, across an array that must grow and a
// truncation before it.
func TestAddAllIsAddOfEach(t *testing.T) {
	part := &partitionState{t: &topic{name: "t"}}
	var recs []logRecord
	for i := range 300 {
		r := logRecord{epoch: int32(i / 70), Amount: int64(i)}
		if i%3 != 0 {
			r.extra = part.t.addExtra(logExtra{pid: int64(1 + i%2), pepoch: int32(i / 150)})
		}
		recs = append(recs, r)
	}
	one := &replicaLog{part: part, seqs: map[int64]*sequenceLine{}}
	all := &replicaLog{part: part, seqs: map[int64]*sequenceLine{}}
	for _, l := range []*replicaLog{one, all} {
		for i := range 40 {
			l.add(&recs[i], 1)
		}
		l.truncate(30)
	}
	for i := 30; i < len(recs); i++ {
		one.add(&recs[i], 7)
	}
	all.addAll(recs[30:100], 7)
	all.addAll(recs[100:], 7)
	if !slices.Equal(one.records, all.records) || !slices.Equal(one.epochs, all.epochs) {
		t.Fatal("addAll's records or epochs differ from add's")
	}
	for pid, line := range one.seqs {
		if o := all.seqs[pid]; o == nil || o.epoch != line.epoch || !slices.Equal(o.runs, line.runs) {
			t.Fatalf("addAll's sequence line of producer %d differs from add's", pid)
		}
	}
	if len(all.seqs) != len(one.seqs) {
		t.Fatal("addAll keeps other producers' lines than add")
	}
}
