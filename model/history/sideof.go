package history

import "runtime"

// CommandOf returns the symbol of record r's Command (0: none), which
// lives in place of its Topic or in its side row: for a check that pairs
// a command's or query's records by symbol without unpacking them.
func (h *History) CommandOf(r *Record) Sym {
	if r.flags&flagCommand != 0 {
		return r.Topic
	}
	if r.ext == 0 {
		return 0
	}
	y := h.side(r.ext - 1).Command
	runtime.KeepAlive(h) // see chunkMem
	return y
}

// PayloadOf returns the symbol of record r's Payload (0: none), which
// lives in its side row.
func (h *History) PayloadOf(r *Record) Sym {
	if r.ext == 0 {
		return 0
	}
	y := h.side(r.ext - 1).Payload
	runtime.KeepAlive(h) // see chunkMem
	return y
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
	if r.ext == 0 {
		return 0
	}
	id := h.side(r.ext - 1).ProducerID
	runtime.KeepAlive(h) // see chunkMem
	return id
}

// BasisOf returns record r's Basis (0: none), which lives in place of its
// Offset on a store's append that needs no side row, and in its side row
// otherwise.
func (h *History) BasisOf(r *Record) int64 {
	if r.flags&flagStore != 0 {
		return r.Offset
	}
	if r.ext == 0 {
		return 0
	}
	b := h.side(r.ext - 1).Basis
	runtime.KeepAlive(h) // see chunkMem
	return b
}
