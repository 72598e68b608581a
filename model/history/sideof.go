package history

import "runtime"

// sideOf returns field f of record r's side row, the zero T for a record
// without one: how a check reads a field few records have in place,
// without unpacking the record.
func sideOf[T any](h *History, r *Record, f func(*extra) T) T {
	if r.ext == 0 {
		var zero T
		return zero
	}
	v := f(h.side(r.ext - 1))
	runtime.KeepAlive(h) // see chunkMem
	return v
}

// CommandOf returns the symbol of record r's Command (0: none), which
// lives in place of its Topic or in its side row: for a check that pairs
// a command's or query's records by symbol without unpacking them.
func (h *History) CommandOf(r *Record) Sym {
	if r.flags&flagCommand != 0 {
		return r.Topic
	}
	return sideOf(h, r, func(x *extra) Sym { return x.Command })
}

// PayloadOf returns the symbol of record r's Payload (0: none), which
// lives in its side row.
func (h *History) PayloadOf(r *Record) Sym {
	return sideOf(h, r, func(x *extra) Sym { return x.Payload })
}

// Symbols returns the number of symbols in the history's table, the empty
// string's included: every [Sym] of its records is below it, so a check
// may index a table by symbol.
func (h *History) Symbols() int { return max(h.syms.n, 1) }

// ProducerIDOf returns record r's ProducerID (0: none), which lives in
// place of its Version on a producer's record that needs no side row,
// and in its side row otherwise.
func (h *History) ProducerIDOf(r *Record) int64 {
	if r.flags&flagProducer != 0 {
		return r.Version
	}
	return sideOf(h, r, func(x *extra) int64 { return x.ProducerID })
}

// BasisOf returns record r's Basis (0: none), which lives in place of its
// Offset on a store's append that needs no side row, and in its side row
// otherwise.
func (h *History) BasisOf(r *Record) int64 {
	if r.flags&flagStore != 0 {
		return r.Offset
	}
	return sideOf(h, r, func(x *extra) int64 { return x.Basis })
}

// TxnIDOf returns the symbol of record r's TxnID (0: none), which lives
// in its side row: for a check that skips the records of transactions
// without unpacking every record.
func (h *History) TxnIDOf(r *Record) Sym {
	return sideOf(h, r, func(x *extra) Sym { return x.TxnID })
}

// InputOf returns the symbol of record r's Input (0: none), which lives
// in its side row: for a check that pairs a loop's outputs with its
// inputs without unpacking every append.
func (h *History) InputOf(r *Record) Sym {
	return sideOf(h, r, func(x *extra) Sym { return x.Input })
}

// StateOf returns the symbol of record r's State (0: none), which lives
// in place of its Count on a store's append that needs no side row, and
// in its side row otherwise.
func (h *History) StateOf(r *Record) Sym {
	if r.flags&flagStore != 0 {
		return Sym(uint32(r.Count))
	}
	return sideOf(h, r, func(x *extra) Sym { return x.State })
}
