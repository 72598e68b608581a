package history

// Sym is a string interned in a history's symbol table: a name, an event
// id, a key, a crash point. Symbol 0 is the empty string.
type Sym uint32

// symbols interns strings: each distinct string is kept once, and a
// record refers to it by number.
type symbols struct {
	strs  []string
	index map[string]Sym
}

// intern returns s's symbol, adding s to the table the first time.
func (t *symbols) intern(s string) Sym {
	if s == "" {
		return 0
	}
	if t.index == nil {
		t.index = make(map[string]Sym, 256)
		t.strs = append(t.strs[:0], "")
	}
	if y, ok := t.index[s]; ok {
		return y
	}
	y := Sym(len(t.strs))
	t.strs = append(t.strs, s)
	t.index[s] = y
	return y
}

// str returns the string of symbol y.
func (t *symbols) str(y Sym) string {
	if y == 0 {
		return ""
	}
	return t.strs[y]
}

// bytes estimates the memory the table holds: each string's bytes and
// header, and its index entry.
func (t *symbols) bytes() int64 {
	var n int64
	for _, s := range t.strs {
		n += int64(len(s)) + 16 + 24
	}
	return n
}
