package model

import (
	"strconv"
	"unsafe"
)

// strArena spells many short strings into shared blocks: one allocation
// per block instead of one per string. A string made here never changes
// (nothing is written over the bytes it covers) and keeps its block
// alive.
type strArena struct {
	block []byte
}

// strArenaBlock is the size of an arena's blocks.
const strArenaBlock = 4096

// nameNumber returns name + "-" + the decimal n, as a string of the arena.
func (a *strArena) nameNumber(name string, n int64) string {
	if cap(a.block)-len(a.block) < len(name)+21 {
		a.block = make([]byte, 0, max(strArenaBlock, len(name)+21))
	}
	start := len(a.block)
	a.block = strconv.AppendInt(append(append(a.block, name...), '-'), n, 10)
	return unsafe.String(&a.block[start], len(a.block)-start)
}
