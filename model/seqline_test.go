package model

import (
	"testing"

	"pgregory.net/rapid"
)

// TestSequenceLineMatchesOffsetList draws additions of batches at
// increasing offsets (consecutive or not), cuts and restarts, and
// requires the line kept as runs to give, for every sequence number, the
// offset a plain list of one offset per sequence number gives.
func TestSequenceLineMatchesOffsetList(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		var line sequenceLine
		var ref []int64  // the offset of each sequence number
		next := int64(0) // the lowest offset the next batch may take
		for i := range rapid.IntRange(1, 30).Draw(t, "steps") {
			switch rapid.IntRange(0, 5).Draw(t, "op") {
			case 0: // a truncation of the log at n
				n := rapid.Int64Range(0, next).Draw(t, "cut")
				line.cut(n)
				k := len(ref)
				for k > 0 && ref[k-1] >= n {
					k--
				}
				ref, next = ref[:k], n
			case 1:
				line.restart(i)
				ref = ref[:0]
			default:
				off := next + rapid.Int64Range(0, 2).Draw(t, "gap")
				n := rapid.Int64Range(1, 4).Draw(t, "n")
				line.add(off, n)
				for k := range n {
					ref = append(ref, off+k)
				}
				next = off + n
			}
			if line.len() != int64(len(ref)) {
				t.Fatalf("len %d, want %d", line.len(), len(ref))
			}
			for seq, want := range ref {
				if got := line.offset(int64(seq)); got != want {
					t.Fatalf("offset of sequence number %d is %d, want %d (runs %v)", seq, got, want, line.runs)
				}
			}
		}
	})
}

// TestSequenceLineOneRunPerProducer checks that the batches of a
// producer alone in its partition join into one run.
func TestSequenceLineOneRunPerProducer(t *testing.T) {
	var line sequenceLine
	for off := int64(0); off < 1000; off += 10 {
		line.add(off, 10)
	}
	if len(line.runs) != 1 || line.len() != 1000 || line.offset(999) != 999 {
		t.Fatalf("runs %v, want one run of 1000", line.runs)
	}
}
