package checks

import (
	"fmt"
	"testing"

	"pgregory.net/rapid"

	"github.com/evsim/evsim/model/history"
)

// A tiny account store for as-of queries: two accounts whose events
// commit at increasing times, and as-of queries about a past time T
// answered later. A correct answer is the balance and the count of the
// events of its account committed at or before T. Planted anomalies: an
// answer that counts the account's next event (one stamped before T but
// committed after it, as a reader filtering on the writer's timestamp
// does), a value off, a version off. Some answers time out or are
// unknown, or do not say which time they asked about (not judged); some histories name an aggregate that is not
// registered (nothing can be judged).

// drawAsOfHistory draws the tiny store's history.
func drawAsOfHistory(t *rapid.T) *history.History {
	var recs []history.Entry
	switch rapid.IntRange(0, 5).Draw(t, "aggregate") {
	case 0:
		recs = append(recs, history.Entry{At: 0, Kind: history.StoreAggregate, Node: "event-store", Type: "oracle-no-such-aggregate"})
	case 1:
		// names none: judged as the account its types fit
	default:
		recs = append(recs, history.Entry{At: 0, Kind: history.StoreAggregate, Node: "event-store", Type: "account"})
	}
	type ev struct {
		at     int64
		typ    string
		amount int64
	}
	streams := map[string][]ev{}
	keys := []string{"acct-0", "acct-1"}
	now := int64(0)
	steps := rapid.IntRange(1, 10).Draw(t, "steps")
	for q := range steps {
		now += int64(rapid.IntRange(1, 3).Draw(t, "gap"))
		key := keys[rapid.IntRange(0, 1).Draw(t, "key")]
		if rapid.IntRange(0, 2).Draw(t, "what") > 0 {
			e := ev{at: now, typ: "Opened"}
			if len(streams[key]) > 0 {
				e.typ, e.amount = "Deposited", int64(rapid.IntRange(1, 9).Draw(t, "amount"))
				if rapid.Bool().Draw(t, "withdraw") {
					e.typ = "Withdrawn"
				}
			}
			streams[key] = append(streams[key], e)
			v := int64(len(streams[key]))
			recs = append(recs, history.Entry{At: now, Kind: history.StoreAppend, Node: "event-store", Key: key,
				Event: fmt.Sprintf("%s/e%d", key, v), Type: e.typ, Amount: e.amount, Version: v})
			continue
		}
		asOf := max(0, now-int64(rapid.IntRange(0, 6).Draw(t, "lookback")))
		id := fmt.Sprintf("auditor-0-q%d", q)
		recs = append(recs, history.Entry{At: now, Kind: history.Query, Node: "auditor-0", Command: id, Key: key,
			Mode: history.ModeAsOf, Until: asOf})
		var value, version int64
		for _, e := range streams[key] {
			if e.at > asOf {
				break
			}
			version++
			switch e.typ {
			case "Deposited":
				value += e.amount
			case "Withdrawn":
				value -= e.amount
			}
		}
		outcome, until := history.OutcomeOK, asOf
		switch rapid.IntRange(0, 7).Draw(t, "answer") {
		case 0:
			outcome = history.OutcomeTimeout
		case 1:
			outcome = history.OutcomeUnknown
		case 2:
			if int(version) < len(streams[key]) {
				e := streams[key][version]
				version++
				switch e.typ {
				case "Deposited":
					value += e.amount
				case "Withdrawn":
					value -= e.amount
				}
			}
		case 3:
			value += int64(rapid.IntRange(1, 3).Draw(t, "delta"))
		case 4:
			version += int64(rapid.IntRange(-1, 1).Draw(t, "vdelta"))
		case 5:
			until = history.UntilUnknown
			value += int64(rapid.IntRange(0, 3).Draw(t, "untimed delta"))
		}
		now += int64(rapid.IntRange(1, 3).Draw(t, "answer after"))
		recs = append(recs, history.Entry{At: now, Kind: history.QueryReturn, Node: "auditor-0", Command: id, Key: key,
			Mode: history.ModeAsOf, Until: until, Value: value, Version: version, Outcome: outcome})
	}
	return history.FromEntries(recs)
}

// oracleAsOfEqualsFold is as-of-equals-fold from its definition in
// scenarios/FORMAT.md, for histories of accounts (or of an aggregate
// that is not registered): each answered as-of query's value is the
// balance (Deposited adding, Withdrawn subtracting) of its stream's
// store-append records at or before its time, and its version their
// number; an answer that does not say its time is not judged.
func oracleAsOfEqualsFold(h *history.History) Verdict {
	es := h.Entries()
	for _, r := range es {
		if r.Kind == history.StoreAggregate && r.Type != "account" {
			return Unknown
		}
	}
	judged, bad := false, false
	for _, q := range es {
		if q.Kind != history.QueryReturn || q.Mode != history.ModeAsOf || q.Outcome != history.OutcomeOK || q.Until == history.UntilUnknown {
			continue
		}
		judged = true
		var value, version int64
		for _, r := range es {
			if r.Kind != history.StoreAppend || r.Key != q.Key || r.At > q.Until {
				continue
			}
			version++
			switch r.Type {
			case "Deposited":
				value += r.Amount
			case "Withdrawn":
				value -= r.Amount
			}
		}
		if value != q.Value || version != q.Version {
			bad = true
		}
	}
	switch {
	case bad:
		return Violated
	case judged:
		return Holds
	}
	return Unknown
}

func TestOracleAsOfEqualsFold(t *testing.T) {
	seen := esVerdicts{}
	rapid.Check(t, func(t *rapid.T) {
		h := drawAsOfHistory(t)
		seen.agree(t, h, AsOfEqualsFold(h), oracleAsOfEqualsFold(h))
	})
	seen.require(t, "as-of-equals-fold", Holds, Violated, Unknown)
}
