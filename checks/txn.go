package checks

import "github.com/evsim/evsim/model/history"

// tpo names one offset of a partition.
type tpo struct {
	tp
	off int64
}

// txnFate is how the transaction of a transactional record ended.
type txnFate uint8

const (
	fateCommitted txnFate = iota + 1
	fateAborted
)

// txnLog is what a history shows of Kafka transactions. In a partition,
// the records of a producer id belong to the transaction that the next
// marker (TxnCommit or TxnAbort) of that producer id there ends, as a
// Kafka consumer reads them.
type txnLog struct {
	// fate holds the fate of every transactional record whose
	// transaction ended, by its offset; appended gives its Append record.
	fate     map[tpo]txnFate
	appended map[tpo]int
	// marker gives the index of the marker record at each marker offset.
	marker map[tpo]int
	// seen says the history has a transaction record at all.
	seen    bool
	aborted int // records of aborted transactions
}

// transactions reads the transactions of h.
func transactions(h *history.History) *txnLog {
	type tpp struct {
		tp
		pid int64
	}
	l := &txnLog{fate: map[tpo]txnFate{}, appended: map[tpo]int{}, marker: map[tpo]int{}}
	if h.Count(history.TxnCommit, history.TxnAbort) == 0 {
		// No marker ends a transaction: no record has a fate.
		l.seen = h.Count(history.TxnInit, history.TxnBegin, history.ProducerFenced) > 0
		return l
	}
	pending := map[tpp][]int{}
	for i, r := range h.Compact(history.Append, history.TxnInit, history.TxnBegin, history.ProducerFenced, history.TxnCommit, history.TxnAbort) {
		switch k := r.Kind(); k {
		case history.Append:
			if pid := h.ProducerIDOf(r); pid != 0 {
				k := tpp{tp{h.Str(r.Topic), int(r.Partition)}, pid}
				pending[k] = append(pending[k], i)
			}
		case history.TxnInit, history.TxnBegin, history.ProducerFenced:
			l.seen = true
		case history.TxnCommit, history.TxnAbort:
			l.seen = true
			if r.Topic == 0 {
				continue
			}
			f := fateCommitted
			if k == history.TxnAbort {
				f = fateAborted
			}
			k := tpp{tp{h.Str(r.Topic), int(r.Partition)}, h.ProducerIDOf(r)}
			l.marker[tpo{k.tp, r.Offset}] = i
			keep := pending[k][:0]
			for _, j := range pending[k] {
				off := h.Record(j).Offset
				if off > r.Offset {
					keep = append(keep, j)
					continue
				}
				o := tpo{k.tp, off}
				l.fate[o], l.appended[o] = f, j
				if f == fateAborted {
					l.aborted++
				}
			}
			pending[k] = keep
		}
	}
	return l
}

// skipped reports whether a consumer may step over offset o: it holds a
// marker or a record of an aborted transaction.
func (l *txnLog) skipped(o tpo) bool {
	if _, ok := l.marker[o]; ok {
		return true
	}
	return l.fate[o] == fateAborted
}

// abortedRecord reports whether r, a record of h naming an offset (an
// acknowledgement, an append), names a record of an aborted transaction:
// one that is not in the committed log, so no consumer is to read it.
func (l *txnLog) abortedRecord(h *history.History, r *history.Record) bool {
	return l.aborted > 0 && l.fate[tpo{tp{h.Str(r.Topic), int(r.Partition)}, r.Offset}] == fateAborted
}
