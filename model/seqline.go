package model

import "sort"

// sequenceLine is what a broker knows of one idempotent producer's
// records in one partition: the epoch they belong to and the offset of
// each sequence number of it (numbered from 0 in the epoch). It keeps
// the offsets as runs, one per stretch of consecutive sequence numbers
// at consecutive offsets: a batch is one run, and the batches of a
// producer that has its partition to itself join into one.
type sequenceLine struct {
	epoch int
	runs  []seqRun
}

// seqRun is n consecutive sequence numbers from seq, at the consecutive
// offsets from off.
type seqRun struct {
	seq, off, n int64
}

// len returns the number of sequence numbers of the line: the next one
// expected.
func (l *sequenceLine) len() int64 {
	if len(l.runs) == 0 {
		return 0
	}
	r := &l.runs[len(l.runs)-1]
	return r.seq + r.n
}

// offset returns the offset of sequence number seq, below l.len().
func (l *sequenceLine) offset(seq int64) int64 {
	i := sort.Search(len(l.runs), func(i int) bool { return l.runs[i].seq+l.runs[i].n > seq })
	r := &l.runs[i]
	return r.off + seq - r.seq
}

// add appends the next n sequence numbers, at the consecutive offsets
// from off.
func (l *sequenceLine) add(off, n int64) {
	if k := len(l.runs) - 1; k >= 0 && l.runs[k].off+l.runs[k].n == off {
		l.runs[k].n += n
		return
	}
	l.runs = append(l.runs, seqRun{seq: l.len(), off: off, n: n})
}

// restart empties the line for a new epoch.
func (l *sequenceLine) restart(epoch int) {
	l.epoch, l.runs = epoch, l.runs[:0]
}

// cut drops the sequence numbers at offsets n and above (a truncated
// log). Offsets grow with sequence numbers, so they are a suffix.
func (l *sequenceLine) cut(n int64) {
	k := len(l.runs)
	for k > 0 && l.runs[k-1].off >= n {
		k--
	}
	l.runs = l.runs[:k]
	if k > 0 {
		r := &l.runs[k-1]
		r.n = min(r.n, n-r.off)
	}
}
