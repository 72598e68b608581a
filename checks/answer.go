package checks

import "github.com/evsim/evsim/model/history"

// answered reports whether a history.QueryReturn is a read that returned:
// its Outcome is ok (or absent, in a hand-written history). A query that
// timed out or whose answer never came read nothing, and no check judges
// it as a read.
func answered(r history.Entry) bool {
	return r.Outcome == history.OutcomeOK || r.Outcome == history.OutcomeNone
}

// addr returns a pointer to a copy of e, for code that keeps an optional
// record as a pointer.
func addr(e history.Entry) *history.Entry { return &e }
