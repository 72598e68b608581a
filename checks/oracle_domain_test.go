package checks

import (
	"fmt"
	"math"
	"sort"
	"strconv"
	"testing"

	"pgregory.net/rapid"

	"github.com/evsim/evsim/model/domain"
	"github.com/evsim/evsim/model/history"
)

// The linearizable check on a domain that is neither the account nor the
// cart: a stock of units with a capacity of 5, whose commands carry their
// quantity in a payload (Amount stays 0). The oracle replays every order
// of the operations that respects real time against the stock's rules
// written here on their own, from the definition in scenarios/FORMAT.md.

// stockCap is the most units the stock holds.
const stockCap = 5

// stockAgg is the stock as an aggregate: Put adds units up to the
// capacity, Take removes units it holds; events Put and Taken carry the
// quantity in their payload. Its state is the number of units.
type stockAgg struct{}

func (stockAgg) Initial() any { return int64(0) }
func (stockAgg) Apply(s any, e domain.Event) any {
	q, _ := strconv.ParseInt(e.Payload, 10, 64)
	if e.Type == "Taken" {
		q = -q
	}
	return s.(int64) + q
}
func (stockAgg) Decide(s any, c domain.Command) ([]domain.Change, string) {
	q, err := strconv.ParseInt(c.Payload, 10, 64)
	if err != nil {
		return nil, "bad payload"
	}
	switch c.Type {
	case "Put":
		if s.(int64)+q > stockCap {
			return nil, "full"
		}
		return []domain.Change{{Type: "Put", Payload: c.Payload}}, ""
	case "Take":
		if s.(int64) < q {
			return nil, "short"
		}
		return []domain.Change{{Type: "Taken", Payload: c.Payload}}, ""
	}
	return nil, domain.UnknownCommand(c)
}
func (stockAgg) Describe(s any) string      { return fmt.Sprintf("units=%d", s.(int64)) }
func (stockAgg) Value(s any) int64          { return s.(int64) }
func (stockAgg) FromRow(value, _ int64) any { return value }

func init() {
	RegisterDomain("oracle-stock", func(int) domain.Aggregate { return stockAgg{} })
}

// stockOp is one drawn operation on the stock.
type stockOp struct {
	read           bool
	typ            string
	qty            int64
	call, lin, ret int64
	ok             bool
	value          int64
	found          bool
	lost           bool
}

// drawStockHistory draws clients running one operation at a time on one
// stock; each takes effect at a point inside its interval, so the answers
// are linearizable unless a planted anomaly (a value off, an answer
// flipped) says otherwise. Some answers are lost, with or without the
// store's append on record.
func drawStockHistory(t *rapid.T) *history.History {
	clients := rapid.IntRange(1, 3).Draw(t, "clients")
	n := rapid.IntRange(1, 6).Draw(t, "ops")
	clock := make([]int64, clients)
	var ops []*stockOp
	var who []int
	for range n {
		c := rapid.IntRange(0, clients-1).Draw(t, "client")
		o := &stockOp{}
		switch rapid.IntRange(0, 2).Draw(t, "kind") {
		case 0:
			o.read = true
		case 1:
			o.typ = "Put"
		default:
			o.typ = "Take"
		}
		o.qty = int64(rapid.IntRange(1, 3).Draw(t, "qty"))
		o.call = clock[c] + int64(rapid.IntRange(1, 3).Draw(t, "think"))
		o.lin = o.call + int64(rapid.IntRange(1, 3).Draw(t, "lin"))
		o.ret = o.lin + int64(rapid.IntRange(1, 3).Draw(t, "ret"))
		clock[c] = o.ret
		ops = append(ops, o)
		who = append(who, c)
	}
	order := append([]*stockOp(nil), ops...)
	sort.SliceStable(order, func(a, b int) bool { return order[a].lin < order[b].lin })
	var units, version int64
	for _, o := range order {
		switch {
		case o.read:
			o.ok, o.found, o.value = true, version > 0, units
			continue
		case o.typ == "Put" && units+o.qty <= stockCap:
			units += o.qty
			version++
			o.ok = true
		case o.typ == "Take" && units >= o.qty:
			units -= o.qty
			version++
			o.ok = true
		}
		o.value = units
	}
	for _, o := range ops {
		if !o.read && rapid.IntRange(0, 4).Draw(t, "lost") == 0 {
			o.lost = true
		}
	}
	if rapid.Bool().Draw(t, "plant") {
		o := ops[rapid.IntRange(0, n-1).Draw(t, "which")]
		switch {
		case o.read || rapid.Bool().Draw(t, "value"):
			o.value += int64(rapid.IntRange(1, 2).Draw(t, "delta"))
		case !o.lost:
			o.ok = !o.ok
		}
	}
	var recs []history.Entry
	for i, o := range ops {
		node, id := fmt.Sprintf("c%d", who[i]), fmt.Sprintf("op%d", i)
		if o.read {
			v := int64(0)
			if o.found {
				v = 1
			}
			recs = append(recs,
				history.Entry{At: o.call, Kind: history.Query, Node: node, Command: id, Key: "s", Mode: history.ModeStrong},
				history.Entry{At: o.ret, Kind: history.QueryReturn, Node: node, Command: id, Key: "s", Mode: history.ModeStrong,
					Value: o.value, Version: v, Outcome: history.OutcomeOK})
			continue
		}
		q := strconv.FormatInt(o.qty, 10)
		recs = append(recs, history.Entry{At: o.call, Kind: history.Command, Node: node, Command: id, Key: "s", Type: o.typ, Payload: q})
		if o.lost {
			if o.ok {
				recs = append(recs, history.Entry{At: o.lin, Kind: history.StoreAppend, Node: "store", Key: "s", Command: id})
			}
			recs = append(recs, history.Entry{At: o.ret, Kind: history.CommandReturn, Node: node, Command: id, Key: "s", Type: o.typ,
				Payload: q, Outcome: history.OutcomeUnknown})
			continue
		}
		out := history.OutcomeRejected
		if o.ok {
			out = history.OutcomeOK
		}
		recs = append(recs, history.Entry{At: o.ret, Kind: history.CommandReturn, Node: node, Command: id, Key: "s", Type: o.typ,
			Payload: q, Outcome: out, Value: o.value})
	}
	sort.SliceStable(recs, func(a, b int) bool { return recs[a].At < recs[b].At })
	return history.FromEntries(append([]history.Entry{{Kind: history.StoreAggregate, Node: "store", Type: "oracle-stock"}}, recs...))
}

// oracleStockLinearizable judges a stock history by brute force: some
// order of the operations (a lost command with no append on record in it
// or not, one with an append in it, by its append) respects real time and
// replays legally from an empty stock.
func oracleStockLinearizable(h *history.History) Verdict {
	type op struct {
		read, maybe, known, ok bool
		typ                    string
		qty, value             int64
		found                  bool
		call, ret              int64
	}
	calls, rets := map[string]int{}, map[string]int{}
	appended := map[string]int{}
	var ids []string
	for i, r := range h.All() {
		switch r.Kind {
		case history.Command, history.Query:
			calls[r.Command] = i
			ids = append(ids, r.Command)
		case history.CommandReturn, history.QueryReturn:
			rets[r.Command] = i
		case history.StoreAppend:
			appended[r.Command] = i
		}
	}
	var ops []op
	for _, id := range ids {
		c, r := h.At(calls[id]), h.At(rets[id])
		q, _ := strconv.ParseInt(c.Payload, 10, 64)
		o := op{read: c.Kind == history.Query, typ: c.Type, qty: q, call: int64(calls[id]), ret: int64(rets[id]),
			value: r.Value, found: r.Version > 0}
		switch {
		case o.read:
		case r.Outcome == history.OutcomeUnknown:
			if at, ok := appended[id]; ok {
				o.ret = int64(at)
			} else {
				o.maybe, o.ret = true, math.MaxInt64
			}
		default:
			o.known, o.ok = true, r.Outcome == history.OutcomeOK
		}
		ops = append(ops, o)
	}
	if len(ops) == 0 {
		return Unknown
	}
	var try func(placed []bool, left int, units, version int64) bool
	try = func(placed []bool, left int, units, version int64) bool {
		if left == 0 {
			return true
		}
		for i, o := range ops {
			if placed[i] {
				continue
			}
			ready := true
			for j := range ops {
				if !placed[j] && j != i && ops[j].ret < o.call {
					ready = false
				}
			}
			if !ready {
				continue
			}
			placed[i] = true
			allowed := o.typ == "Put" && units+o.qty <= stockCap || o.typ == "Take" && units >= o.qty
			after := units + o.qty
			if o.typ == "Take" {
				after = units - o.qty
			}
			switch {
			case o.read:
				if o.found == (version > 0) && (!o.found || o.value == units) && try(placed, left-1, units, version) {
					return true
				}
			case o.maybe:
				if try(placed, left-1, units, version) || allowed && try(placed, left-1, after, version+1) {
					return true
				}
			case !o.known || o.ok:
				if allowed && (!o.known || o.value == after) && try(placed, left-1, after, version+1) {
					return true
				}
			default:
				if !allowed && o.value == units && try(placed, left-1, units, version) {
					return true
				}
			}
			placed[i] = false
		}
		return false
	}
	if try(make([]bool, len(ops)), len(ops), 0, 0) {
		return Holds
	}
	return Violated
}

// TestOracleLinearizableOtherDomain: the linearizable check judges a
// domain of its own by that domain's rules, as the brute-force oracle
// does; both verdicts occur.
func TestOracleLinearizableOtherDomain(t *testing.T) {
	seen := esVerdicts{}
	rapid.Check(t, func(t *rapid.T) {
		h := drawStockHistory(t)
		seen.agree(t, h, Linearizable(h), oracleStockLinearizable(h))
	})
	seen.require(t, "linearizable", Holds, Violated)
}
