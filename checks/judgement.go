package checks

import (
	"time"

	"github.com/evsim/evsim/model/history"
)

// Judgement is one judgement of a history: the checks run through it
// ([Judgement.Run]) share the passes over the history that several of
// them make (the aggregates and projections the history names, the topics
// that feed read models and their logs, the transactions, the staleness
// of the read models, the accounts' operations), each made once, on
// first use. A check run on its own ([Check.Run]) makes them for itself,
// with the same verdict.
//
// The passes are of the history as it is while the judgement is used: a
// history that grew ([history.History.Len]) or was changed in place
// ([history.History.Changes]: Set, Reset, SetEntries) since is read
// afresh. A Judgement is used by one goroutine at a time.
type Judgement struct {
	h       *history.History
	n       int    // h.Len() when the passes below were made
	changes uint64 // h.Changes() then

	doms   *domains
	topics map[string]string // nil until read
	logs   map[string]*topicLog
	txns   *txnLog
	// stale is the staleness of the read models, with what staleKeep
	// says it kept (staleDone: computed).
	stale     StalenessReport
	staleKeep int
	staleDone bool

	lin      *linScratch
	pairs    *opPairs
	accounts *accountGathering
	effects  *effectIndex
	subs     map[string][]subscriber
	reads    *readLog
}

// readLog returns [reads] of the history: the caller must not change it.
func (j *Judgement) readLog() *readLog {
	if j.reads == nil {
		j.reads = reads(j.h)
	}
	return j.reads
}

// subscriptions returns [subscriptions] of the history: the caller must
// not change them.
func (j *Judgement) subscriptions() map[string][]subscriber {
	if j.subs == nil {
		j.subs = subscriptions(j.h)
	}
	return j.subs
}

// opPairs returns [readOpPairs] of the history: the caller must not
// change it.
func (j *Judgement) opPairs() *opPairs {
	if j.pairs == nil {
		j.pairs = readOpPairs(j.h)
	}
	return j.pairs
}

// accountOps returns [gatherAccountOps] of the history: the operations
// both linearizability checks judge, each its view. The caller must not
// change it.
func (j *Judgement) accountOps() *accountGathering {
	if j.accounts == nil {
		j.accounts = gatherAccountOps(j.h, j.domains(), j.opPairs())
	}
	return j.accounts
}

// firstEffects returns [firstEffects] of the history: the caller must not
// change it.
func (j *Judgement) firstEffects() *effectIndex {
	if j.effects == nil {
		j.effects = firstEffects(j.h)
	}
	return j.effects
}

// linScratch is the memory of the linearizability searches, kept for
// the next one: linearizable and linearizable-reads search the same
// accounts, one after the other.
type linScratch struct {
	ops    []linOp
	search linSearch
	// illegal says, of each account linearizable searched (with a
	// budget of illegalBudget steps), whether the search found its
	// operations not linearizable: the operations of linearizable-reads
	// but the reads of the read models, which it asks of a violation.
	illegal       map[string]bool
	illegalBudget int
}

// linScratch returns the judgement's search memory.
func (j *Judgement) linScratch() *linScratch {
	if j.lin == nil {
		j.lin = new(linScratch)
	}
	return j.lin
}

// NewJudgement returns a judgement of h with none of its passes made yet.
func NewJudgement(h *history.History) *Judgement {
	return &Judgement{h: h, n: h.Len(), changes: h.Changes()}
}

// Run runs check c on the judgement's history, sharing the passes made
// for the checks run before it.
func (j *Judgement) Run(c Check) Result {
	j.fresh()
	if c.judge != nil {
		return c.judge(j)
	}
	return c.Run(j.h)
}

// History returns the history judged.
func (j *Judgement) History() *history.History { return j.h }

// fresh forgets the passes made of a history that has since grown or
// changed.
func (j *Judgement) fresh() {
	if n, c := j.h.Len(), j.h.Changes(); n != j.n || c != j.changes {
		*j = Judgement{h: j.h, n: n, changes: c}
	}
}

// domains returns [domainsOf] the history.
func (j *Judgement) domains() *domains {
	if j.doms == nil {
		j.doms = domainsOf(j.h)
	}
	return j.doms
}

// projectionTopics returns [projectionTopics] of the history: the caller
// must not change it.
func (j *Judgement) projectionTopics() map[string]string {
	if j.topics == nil {
		j.topics = projectionTopics(j.h)
	}
	return j.topics
}

// topicLogs returns the logs ([topicLogsOf]) of the topics that feed the history's
// read models: the caller must not change them.
func (j *Judgement) topicLogs() map[string]*topicLog {
	if j.logs == nil {
		j.logs = topicLogsOf(j.h, j.projectionTopics(), j.transactions)
	}
	return j.logs
}

// transactions returns [transactions] of the history: the caller must not
// change it.
func (j *Judgement) transactions() *txnLog {
	if j.txns == nil {
		j.txns = transactions(j.h)
	}
	return j.txns
}

// staleness returns [staleness] of the history keeping at least what keep
// says: a report made for one caller serves another that keeps less (the
// series or the samples it did not ask for are left out). The caller must
// not change the report's slices.
func (j *Judgement) staleness(keep int) StalenessReport {
	if !j.staleDone || keep&^j.staleKeep != 0 {
		j.staleKeep |= keep
		j.stale = stalenessOf(j.h, j.projectionTopics(), j.transactions(), j.staleKeep)
		j.staleDone = true
	}
	rep := j.stale
	if keep&stalenessSeries == 0 {
		rep.Series = nil
	}
	if keep&stalenessQueries == 0 {
		rep.Queries = nil
	}
	return rep
}

// Staleness is [Staleness] of the judgement's history, shared with the
// checks that measured it (staleness-within-slo): the caller must not
// change the report's slices.
func (j *Judgement) Staleness() StalenessReport {
	j.fresh()
	return j.staleness(stalenessSeries | stalenessQueries)
}

// WorstQueryStaleness returns the worst staleness a query of the
// judgement's history saw ([StalenessReport.MaxTime]) and whether any
// query that read something was measured, sharing the measure with the
// checks that made it (bounded-staleness).
func (j *Judgement) WorstQueryStaleness() (time.Duration, bool) {
	j.fresh()
	rep := j.staleness(0)
	return rep.MaxTime, rep.sampled > 0
}
