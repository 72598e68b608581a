// Package checks judges a recorded [history.History]: each check is a pure
// function from a history to a [Result] with a verdict, a minimal witness
// and a plain-language explanation. Checks see only the history, never the
// world that produced it, so a history recorded anywhere can be judged.
package checks

import (
	"fmt"
	"time"

	"github.com/evsim/evsim/model/history"
)

// Verdict is the outcome of a check.
type Verdict string

// The verdicts.
const (
	// Holds: the property holds on this history.
	Holds Verdict = "holds"
	// Violated: the history proves the property false; the witness shows how.
	Violated Verdict = "violated"
	// Unknown: the history cannot settle it (a run that ended before it
	// drained, a search that spent its step budget, nothing to judge).
	Unknown Verdict = "unknown"
)

// ParseVerdict reads a verdict name.
func ParseVerdict(s string) (Verdict, error) {
	switch v := Verdict(s); v {
	case Holds, Violated, Unknown:
		return v, nil
	}
	return "", fmt.Errorf("unknown verdict %q: want holds, violated or unknown", s)
}

// Result is the judgement of one check on one history.
type Result struct {
	Check   string  `json:"check"`
	Verdict Verdict `json:"verdict"`
	// Explanation says in plain language why the verdict is what it is.
	Explanation string `json:"explanation"`
	// Witness holds the few records that prove a violation, in history order.
	Witness []history.Entry `json:"witness,omitempty"`
}

// at prints a record time as simulated time since the start of the run.
func at(ns int64) string { return "+" + time.Duration(ns).String() }

func itoa(n int) string { return fmt.Sprint(n) }

// eventWhat names an event in an explanation by its type and, when it
// has one, its amount: "Deposited 5", "OrderPlaced" (a user's event
// without an amount), "untyped" when it has neither.
func eventWhat(typ string, amount int64) string {
	switch {
	case amount != 0 && typ != "":
		return fmt.Sprintf("%s %d", typ, amount)
	case amount != 0:
		return fmt.Sprintf("amount %d", amount)
	case typ != "":
		return typ
	}
	return "untyped"
}
