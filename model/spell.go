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
		s.keys[i] = numbered(s.cfg.Prefix, "", i)
	}
	return s.keys[i]
}
