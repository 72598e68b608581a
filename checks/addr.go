package checks

import "github.com/evsim/evsim/model/history"

// addr returns a pointer to a copy of e, for code that keeps an optional
// record as a pointer.
func addr(e history.Entry) *history.Entry { return &e }
