package checks

import (
	"time"

	"github.com/anishathalye/porcupine"

	"github.com/evsim/evsim/model/history"
)

// LinearizableAccountsAgainstPorcupine judges each account of h with the
// step-bounded search and with porcupine, and returns the accounts on
// which the two disagree, porcupine's unknowns skipped, and how many
// accounts each decided as linearizable and not.
func LinearizableAccountsAgainstPorcupine(h *history.History, readModel bool) (disagree []string, ok, illegal int) {
	ah := accountOps(h, readModel)
	for _, k := range ah.keys {
		ops := ah.opsOf(k)
		mine := searchAccount(ops, LinearizableSteps).verdict
		theirs := porcupine.CheckOperationsTimeout(AggregateModel, porcupineOps(ops), 20*time.Second)
		if theirs == porcupine.Unknown || mine == searchOutOfSteps {
			continue
		}
		if (mine == searchOK) != (theirs == porcupine.Ok) {
			disagree = append(disagree, k)
		}
		if mine == searchOK {
			ok++
		} else {
			illegal++
		}
	}
	return disagree, ok, illegal
}
