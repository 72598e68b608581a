package checks

import (
	"fmt"
	"math"
	"sort"
	"strings"

	"github.com/evsim/evsim/model/history"
)

// witnessMaxOps bounds the operations shown in a witness.
const witnessMaxOps = 8

// Linearizable checks that the accounts' write side is linearizable:
// every command's answer and every strong read (a read of the stream) is
// explained by one order of the operations that respects real time, per
// account. The search is bounded by [LinearizableSteps] per account.
func Linearizable(h *history.History) Result { return linearizableJ(NewJudgement(h)) }

func linearizableJ(j *Judgement) Result {
	return linearizableOf(j, false, "linearizable", LinearizableSteps)
}

// LinearizableReads is [Linearizable] with the reads served by the read
// models included: a stale read makes it fail, which is what "eventually
// consistent" means. It describes what a correct eventual design may show.
func LinearizableReads(h *history.History) Result { return linearizableReadsJ(NewJudgement(h)) }

func linearizableReadsJ(j *Judgement) Result {
	return linearizableOf(j, true, "linearizable-reads", LinearizableSteps)
}

// accountVerdict is the search's verdict on one account.
type accountVerdict struct {
	key string
	res searchResult
}

func linearizable(h *history.History, readModel bool, name string, budget int) Result {
	return linearizableOf(NewJudgement(h), readModel, name, budget)
}

func linearizableOf(j *Judgement, readModel bool, name string, budget int) Result {
	h := j.h
	res := Result{Check: name}
	ah := j.accountOps().view(readModel)
	what := "commands or strong reads"
	if readModel {
		what = "commands or reads"
	}
	if len(ah.keys) == 0 {
		res.Verdict = Unknown
		res.Explanation = fmt.Sprintf("Not applicable: the history has no %s of an aggregate to judge%s.", what, unread(ah.unreadQueries))
		return res
	}
	nops, maxSteps := 0, 0
	var violated, outOfSteps []accountVerdict
	var excluded []string
	byWhy := map[string][]string{}
	// The operations of one account at a time, and the search's buffers,
	// sized for the largest account.
	most := 0
	for _, refs := range ah.refs {
		most = max(most, len(refs))
	}
	// sized once for the linearizability checks of the judgement
	most = max(most, j.opPairs().most)
	sc := j.linScratch()
	buf := grow(sc.ops, most)
	defer func() { sc.ops = buf[:0] }()
	search := &sc.search
	search.reserve(most)
	for _, k := range ah.keys {
		if why, ok := ah.excluded[k]; ok {
			if byWhy[why] == nil {
				excluded = append(excluded, why)
			}
			byWhy[why] = append(byWhy[why], k)
			continue
		}
		ops := ah.opsInto(buf, k)
		buf = ops
		nops += len(ops)
		r := search.run(ops, budget)
		maxSteps = max(maxSteps, r.steps)
		if !readModel {
			if sc.illegal == nil || sc.illegalBudget != budget {
				sc.illegal, sc.illegalBudget = map[string]bool{}, budget
			}
			sc.illegal[k] = r.verdict == searchIllegal
		}
		switch r.verdict {
		case searchIllegal:
			violated = append(violated, accountVerdict{k, r})
		case searchOutOfSteps:
			outOfSteps = append(outOfSteps, accountVerdict{k, r})
		}
	}
	judged := len(ah.keys) - len(ah.excluded)
	scope := fmt.Sprintf("%d operation(s) on %d aggregate(s)%s%s", nops, judged, lostNote(ah), unread(ah.unreadQueries))
	if len(violated) > 0 {
		res.Verdict = Violated
		v := violated[0]
		ops := ah.opsInto(buf, v.key)
		prefix := witness(search, ops, budget)
		first := max(0, prefix-witnessMaxOps)
		var lines []string
		var idx []int
		for i := first; i < prefix; i++ {
			op := &ops[i]
			lines = append(lines, fmt.Sprintf("%s [%s..%s]", op.describe(), at(op.callAt()), retAt(op.returnAt())))
			for _, r := range op.Recs {
				if r >= 0 {
					idx = append(idx, int(r))
				}
			}
		}
		sort.Ints(idx)
		for j, i := range idx {
			if j > 0 && idx[j-1] == i {
				continue
			}
			res.Witness = append(res.Witness, h.At(i))
		}
		why := "the write side answered as if it had seen a state that no order of the commands produces"
		if readModel && !writesIllegal(sc, ops, v.key, budget) {
			why = "a read returned a state the aggregate had already left (or had not reached), which no order of the operations explains"
		}
		others := ""
		if len(violated) > 1 {
			others = fmt.Sprintf(" %d aggregate(s) of %d are not linearizable: %s.", len(violated), judged, keysOf(violated))
		}
		res.Explanation = fmt.Sprintf("No order of the operations on %s respecting real time explains their answers: %s. "+
			"The smallest prefix of %s's history that is still not linearizable has %d operation(s)%s: %s.%s",
			v.key, why, v.key, prefix, tail(prefix, prefix-first), strings.Join(lines, "; "), others)
		return res
	}
	var gaps []string
	if len(outOfSteps) > 0 {
		gaps = append(gaps, fmt.Sprintf("the search spent its budget of %d steps on %d aggregate(s) without deciding: %s",
			budget, len(outOfSteps), keysOf(outOfSteps)))
	}
	for _, why := range excluded {
		ks := byWhy[why]
		gaps = append(gaps, fmt.Sprintf("%d aggregate(s) not judged, %s, because %s", len(ks), strings.Join(ks, ", "), why))
	}
	if len(gaps) > 0 {
		res.Verdict = Unknown
		res.Explanation = fmt.Sprintf("Undecided: %s.", strings.Join(gaps, "; "))
		if judged > 0 {
			res.Explanation += fmt.Sprintf(" No violation among the %s.", scope)
		}
		return res
	}
	res.Verdict = Holds
	res.Explanation = fmt.Sprintf("The %s are linearizable: one order of them per aggregate, respecting real time, explains every answer (at most %d search steps on one aggregate).",
		scope, maxSteps)
	return res
}

// writesIllegal reports whether the operations of account k but the
// reads of the read models (ops, all of them) are not linearizable
// either: what linearizable found, when it searched k in the same
// judgement with the same budget, or the search's answer.
func writesIllegal(sc *linScratch, ops []linOp, k string, budget int) bool {
	if illegal, ok := sc.illegal[k]; ok && sc.illegalBudget == budget {
		return illegal
	}
	return sc.search.runOf(ops, writeSide(ops), budget).verdict == searchIllegal
}

// writeSide returns the indexes of the operations of ops that are not
// reads of a read model.
func writeSide(ops []linOp) []int32 {
	n := 0
	for i := range ops {
		if !ops[i].ReadModel {
			n++
		}
	}
	w := make([]int32, 0, n)
	for i := range ops {
		if !ops[i].ReadModel {
			w = append(w, int32(i))
		}
	}
	return w
}

func keysOf(vs []accountVerdict) string {
	const most = 5
	var ks []string
	for i, v := range vs {
		if i == most {
			ks = append(ks, fmt.Sprintf("and %d more", len(vs)-most))
			break
		}
		ks = append(ks, v.key)
	}
	return strings.Join(ks, ", ")
}

func lostNote(ah accountHistory) string {
	if ah.lostApplied+ah.lostUndone+ah.lostMaybe == 0 {
		return ""
	}
	return fmt.Sprintf(" (of the commands whose answer was lost, %d were appended by the store, %d undone by it and left out, %d may or may not have taken effect)",
		ah.lostApplied, ah.lostUndone, ah.lostMaybe)
}

func unread(n int) string {
	if n == 0 {
		return ""
	}
	return fmt.Sprintf("; %d query(ies) that read nothing (timed out or lost) are not judged", n)
}

func tail(all, shown int) string {
	if all == shown {
		return ""
	}
	return fmt.Sprintf(", the last %d of them", shown)
}

func retAt(ns int64) string {
	if ns == math.MaxInt64 {
		return "never"
	}
	return at(ns)
}

// witness returns the length of the smallest closed prefix of ops (the
// operations of a non-linearizable account in invocation order) that the
// search still finds not linearizable. A prefix is closed
// when every operation after it was invoked after every operation in it
// that returned had returned, so its illegality implies the whole
// history's, and a longer closed prefix of an illegal one is illegal too.
func witness(search *linSearch, ops []linOp, budget int) int {
	var cuts []int32
	maxRet := int64(math.MinInt64)
	for n := 1; n <= len(ops); n++ {
		if r := ops[n-1].Return; r != math.MaxInt64 {
			maxRet = max(maxRet, r)
		}
		if n == len(ops) || ops[n].Call > maxRet {
			cuts = append(cuts, int32(n))
		}
	}
	lo, hi := 0, len(cuts)-1
	for lo < hi {
		mid := (lo + hi) / 2
		if search.run(ops[:int(cuts[mid])], budget).verdict == searchIllegal {
			hi = mid
		} else {
			lo = mid + 1
		}
	}
	return int(cuts[lo])
}
