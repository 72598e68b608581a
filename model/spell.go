package model

import (
	"strconv"
	"unsafe"
)

// numbered returns name + sep + the decimal n (n ≥ 0), spelled in one
// allocation of its exact size: the ids of commands, queries and events,
// made millions of times in a sweep.
func numbered(name, sep string, n int) string {
	digits := 1
	for v := n; v >= 10; v /= 10 {
		digits++
	}
	if n < 0 {
		return name + sep + strconv.Itoa(n)
	}
	b := make([]byte, len(name)+len(sep)+digits)
	copy(b[copy(b, name):], sep)
	for i, v := len(b)-1, n; i >= len(name)+len(sep); i, v = i-1, v/10 {
		b[i] = byte('0' + v%10)
	}
	return unsafe.String(unsafe.SliceData(b), len(b))
}

// idBlock spells the ids of commands, queries and events into blocks of
// bytes it never writes over, many ids to a block: one allocation per
// idBlockSize bytes instead of one per id. A block lives as long as any
// of its ids does (the history keeps them all for the run anyway).
type idBlock struct{ b []byte }

// idBlockSize is the bytes of a block.
const idBlockSize = 4096

// numbered returns name + sep + the decimal n, as [numbered] does,
// spelled in the block.
func (ib *idBlock) numbered(name, sep string, n int) string {
	size := len(name) + len(sep) + 20
	if n < 0 || size > idBlockSize/4 {
		return numbered(name, sep, n)
	}
	if cap(ib.b)-len(ib.b) < size {
		ib.b = make([]byte, 0, idBlockSize)
	}
	digits := 1
	for v := n; v >= 10; v /= 10 {
		digits++
	}
	start := len(ib.b)
	b := ib.b[:start+len(name)+len(sep)+digits]
	copy(b[start+copy(b[start:], name):], sep)
	for i, v := len(b)-1, n; i >= start+len(name)+len(sep); i, v = i-1, v/10 {
		b[i] = byte('0' + v%10)
	}
	ib.b = b
	return unsafe.String(&b[start], len(b)-start)
}

// sessionKeysMax is the most keys a session keeps the names of.
const sessionKeysMax = 1 << 12

// keyName returns the name of key number i, cfg.Prefix + i, spelled the
// first time the session draws it: a session draws a few keys over and
// over.
func (s *Session) keyName(i int) string {
	if s.keys == nil && s.cfg.Keys <= sessionKeysMax {
		s.keys = make([]string, s.cfg.Keys)
	}
	if i >= len(s.keys) {
		return numbered(s.cfg.Prefix, "", i)
	}
	if s.keys[i] == "" {
		if s.env != nil {
			s.keys[i] = s.env.ids.numbered(s.cfg.Prefix, "", i)
		} else {
			s.keys[i] = numbered(s.cfg.Prefix, "", i)
		}
	}
	return s.keys[i]
}
