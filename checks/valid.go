package checks

import (
	"fmt"

	"github.com/evsim/evsim/model/history"
)

// refuse returns an Unknown result for check when h cannot be judged (its
// records are not in time order, see [history.History.Validate]), and
// false when it can. A shuffled history would otherwise yield false
// violations: a poll judged before the read it follows, an effect before
// its publish.
func refuse(h *history.History, check string) (Result, bool) {
	if err := h.Validate(); err != nil {
		return Result{Check: check, Verdict: Unknown,
			Explanation: fmt.Sprintf("Cannot judge this history: %v.", err)}, true
	}
	return Result{}, false
}

// notApplicable returns the Unknown result of a check with nothing to
// judge; why says what is missing.
func notApplicable(check, why string) Result {
	return Result{Check: check, Verdict: Unknown, Explanation: "Not applicable: " + why}
}
