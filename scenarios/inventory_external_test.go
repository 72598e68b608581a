package scenarios_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/evsim/evsim/checks"
	"github.com/evsim/evsim/faults"
	"github.com/evsim/evsim/model"
	"github.com/evsim/evsim/model/domain"
	"github.com/evsim/evsim/model/history"
	"github.com/evsim/evsim/scenarios"
)

// A third domain, written here and nowhere else: an inventory of stock
// units per SKU. Its events carry their quantities in a payload of their
// own type (Amount stays 0), so a check that folded the built-in rules
// or the Amount would judge it wrong. Every event-sourcing check judges
// it through the interfaces alone: the aggregate's Decide and Apply
// (registered as "inventory"), its value projection (the stock), and a
// projection of its own (units reserved, registered as
// "inventory-reserved").

// stockEvent is the inventory's event payload.
type stockEvent struct {
	Qty      int64  `json:"qty"`
	Customer string `json:"customer,omitempty"`
}

// stockCommand is the inventory's command payload (the quantity is the
// command's Amount).
type stockCommand struct {
	Customer string `json:"customer"`
}

type inventory struct{}

type inventoryState struct {
	Stock, Reserved int64
}

func (inventory) Initial() any { return inventoryState{} }

func (inventory) Apply(state any, e domain.Event) any {
	s := state.(inventoryState)
	var p stockEvent
	if err := json.Unmarshal([]byte(e.Payload), &p); err != nil {
		panic(fmt.Sprintf("inventory: event %s: %v", e.ID, err))
	}
	switch e.Type {
	case "Restocked":
		s.Stock += p.Qty
	case "Reserved":
		s.Stock -= p.Qty
		s.Reserved += p.Qty
	}
	return s
}

func (inventory) Decide(state any, c domain.Command) ([]domain.Change, string) {
	s := state.(inventoryState)
	var p stockCommand
	if c.Payload != "" {
		if err := json.Unmarshal([]byte(c.Payload), &p); err != nil {
			return nil, "bad payload"
		}
	}
	payload := func(e stockEvent) string {
		b, _ := json.Marshal(e)
		return string(b)
	}
	switch c.Type {
	case "Restock":
		return []domain.Change{{Type: "Restocked", Payload: payload(stockEvent{Qty: c.Amount})}}, ""
	case "Reserve":
		if s.Stock < c.Amount {
			return nil, "out of stock"
		}
		return []domain.Change{{Type: "Reserved", Payload: payload(stockEvent{Qty: c.Amount, Customer: p.Customer})}}, ""
	}
	return nil, domain.UnknownCommand(c)
}

func (inventory) Describe(state any) string {
	s := state.(inventoryState)
	return fmt.Sprintf("stock=%d reserved=%d", s.Stock, s.Reserved)
}

func (inventory) Value(state any) int64 { return state.(inventoryState).Stock }

func (inventory) FromRow(value, _ int64) any { return inventoryState{Stock: value} }

// reservedUnits is the inventory's own projection: units reserved so far.
func reservedUnits(row int64, e domain.Event) int64 {
	if e.Type != "Reserved" {
		return row
	}
	var p stockEvent
	if err := json.Unmarshal([]byte(e.Payload), &p); err != nil {
		panic(err)
	}
	return row + p.Qty
}

func init() {
	checks.RegisterDomain("inventory", func(int) domain.Aggregate { return inventory{} })
	checks.RegisterProjection("inventory-reserved", domain.ProjectionFunc(reservedUnits))
}

// inventoryChecks are the event-sourcing checks the inventory is judged by.
var inventoryChecks = []string{"stream-integrity", "no-overdraft", "linearizable", "snapshot-replay",
	"projection-equals-fold", "no-hole-below-checkpoint", "read-your-writes", "bounded-staleness"}

// shop is the inventory under load: four clerk sessions restock and
// reserve units of two SKUs, deciding on the write model, reading back
// their writes from the stock read model; an auditor reads the stock from
// the write side; snapshots every 3 events. concurrency is the expected
// version the clerks append with.
func shop(concurrency model.Concurrency, checkpoint model.Checkpointing, crashes []faults.Fault) *scenarios.Scenario {
	const d = time.Second
	return &scenarios.Scenario{
		File: "inventory_external_test.go", Name: "shop", Duration: d, Drain: 10 * time.Second,
		ES: model.ESConfig{
			Store: model.StoreConfig{Position: model.PositionAtCommit, CommitDelayMin: time.Millisecond,
				CommitDelayMax: 5 * time.Millisecond},
			Aggregate: "inventory", SnapshotEvery: 3,
			Clients: []model.ClientConfig{{Name: "clerk", Sessions: 4, Keys: 2, Prefix: "sku-", Interval: 10 * time.Millisecond,
				Commands: []model.CommandSpec{{Type: "Restock", AmountMin: 1, AmountMax: 3, Weight: 1},
					{Type: "Reserve", AmountMin: 1, AmountMax: 3, Payload: `{"customer":"acme"}`, Weight: 2}},
				Concurrency: concurrency, Validate: model.ValidateWriteModel, Retries: 5, RetryIDs: model.RetrySameIDs,
				ReadAfterWrite: model.ReadYourWrites, Projection: "stock", Token: model.TokenPosition, Stop: d}},
			Projectors: []model.ProjectorConfig{
				{Name: "stock", Batch: 5, PollInterval: 5 * time.Millisecond, ProcessingMax: time.Millisecond,
					Checkpoint: checkpoint, Gap: model.GapWait},
				{Name: "reserved", Projection: "inventory-reserved", Batch: 5, PollInterval: 5 * time.Millisecond,
					ProcessingMax: time.Millisecond, Checkpoint: checkpoint, Gap: model.GapWait},
			},
			Queries: []model.QueryConfig{{Name: "auditor", Sessions: 1, Keys: 2, Prefix: "sku-", Interval: 20 * time.Millisecond,
				Consistency: model.ReadStrong, Stop: d}},
		},
		Faults: faults.Plan{Faults: crashes, Until: d},
		Checks: inventoryChecks,
	}
}

func verdicts(o *scenarios.Outcome) map[string]checks.Result {
	out := map[string]checks.Result{}
	for _, r := range o.Results {
		out[r.Check] = r
	}
	return out
}

// TestInventoryFixedHolds: with exact expected versions, every
// event-sourcing check judges the inventory and finds it sound: no unit
// oversold, the write side linearizable by the inventory's own rules,
// snapshots equal to the fold of the payloads, both read models (the
// stock and the user's units-reserved projection) equal to their own
// folds of the log.
func TestInventoryFixedHolds(t *testing.T) {
	o := run(t, shop(model.ConcurrencyExact, model.CheckpointSameTx, nil), 1)
	if !o.Drained {
		t.Fatal("did not drain")
	}
	for _, c := range inventoryChecks {
		r := verdicts(o)[c]
		if r.Verdict != checks.Holds {
			t.Errorf("%s: %s, want holds: %s", c, r.Verdict, r.Explanation)
		}
	}
	kinds := map[history.Kind]int{}
	for _, r := range o.History.All() {
		kinds[r.Kind]++
	}
	for _, k := range []history.Kind{history.Load, history.Snapshot, history.QueryReturn, history.CommandReturn} {
		if kinds[k] == 0 {
			t.Errorf("no %s record: the check had nothing of that kind to judge", k)
		}
	}
}

// TestInventoryMutations: the checks read the inventory's payloads and
// states, not the built-in rules: a stored reservation whose payload
// says one unit more makes the reserved-units read model and the loads
// after it differ from the fold of the log, and a snapshot altered
// differs from it too.
func TestInventoryMutations(t *testing.T) {
	o := run(t, shop(model.ConcurrencyExact, model.CheckpointSameTx, nil), 1)
	h := o.History
	for _, c := range []string{"projection-equals-fold", "snapshot-replay"} {
		esWant(t, h, c, checks.Holds)
	}
	i := esFind(t, h, "a stored reservation", func(r history.Entry) bool {
		return r.Kind == history.StoreAppend && r.Type == "Reserved"
	})
	more := esMutate(h, 0)
	e := more.At(i)
	var p stockEvent
	if err := json.Unmarshal([]byte(e.Payload), &p); err != nil {
		t.Fatal(err)
	}
	p.Qty++
	b, _ := json.Marshal(p)
	e.Payload = string(b)
	more.Set(i, e)
	esWant(t, more, "projection-equals-fold", checks.Violated, "read model reserved")
	esWant(t, more, "snapshot-replay", checks.Violated)

	j := esFind(t, h, "a snapshot", func(r history.Entry) bool { return r.Kind == history.Snapshot })
	bad := esMutate(h, 0)
	s := bad.At(j)
	s.State = "stock=999 reserved=0"
	bad.Set(j, s)
	esWant(t, bad, "snapshot-replay", checks.Violated, `holding "stock=999 reserved=0"`)
}

// TestInventoryWithoutExpectedVersionOversells: the planted bug. Clerks
// that append with expected version any decide on a stock another clerk
// is reserving from at the same time: both reservations land, units are
// oversold, and the checks say so by the inventory's own rules.
func TestInventoryWithoutExpectedVersionOversells(t *testing.T) {
	o := run(t, shop(model.ConcurrencyAny, model.CheckpointSameTx, nil), 1)
	v := verdicts(o)
	for c, phrase := range map[string]string{
		"no-overdraft":     "went to -",
		"stream-integrity": "Both commands won on the same version",
		"linearizable":     "No order of the operations",
	} {
		if v[c].Verdict != checks.Violated {
			t.Errorf("%s: %s, want violated: %s", c, v[c].Verdict, v[c].Explanation)
		} else if !strings.Contains(v[c].Explanation, phrase) {
			t.Errorf("%s: explanation %q does not mention %q", c, v[c].Explanation, phrase)
		}
	}
	// The read side stays true to the (oversold) log.
	for _, c := range []string{"projection-equals-fold", "snapshot-replay"} {
		if v[c].Verdict != checks.Holds {
			t.Errorf("%s: %s, want holds: %s", c, v[c].Verdict, v[c].Explanation)
		}
	}
}

// TestInventoryProjectionCrashDoubleApplies: a second planted bug, on the
// read side: projectors that commit their checkpoint after the rows,
// crashing in between, apply a batch twice; projection-equals-fold finds
// it in the user's own projection by folding the log with it.
func TestInventoryProjectionCrashDoubleApplies(t *testing.T) {
	var crash []faults.Fault
	for _, nth := range []int{3, 7, 11} {
		crash = append(crash, faults.CrashNth{Target: "reserved", Point: model.PointAfterApply, Nth: nth, RestartAfter: 50 * time.Millisecond})
	}
	o := run(t, shop(model.ConcurrencyExact, model.CheckpointSeparateTx, crash), 1)
	r := verdicts(o)["projection-equals-fold"]
	if r.Verdict != checks.Violated || !strings.Contains(r.Explanation, "read model reserved") {
		t.Fatalf("projection-equals-fold: %s, want violated on read model reserved: %s", r.Verdict, r.Explanation)
	}
	fixed := run(t, shop(model.ConcurrencyExact, model.CheckpointSameTx, crash), 1)
	if r := verdicts(fixed)["projection-equals-fold"]; r.Verdict != checks.Holds {
		t.Fatalf("same-tx checkpoints: projection-equals-fold %s: %s", r.Verdict, r.Explanation)
	}
}

// TestInventoryPayloadRoundTrips: the events' payloads are the
// inventory's own type; the history keeps them, and they survive the
// JSON Lines form.
func TestInventoryPayloadRoundTrips(t *testing.T) {
	o := run(t, shop(model.ConcurrencyExact, model.CheckpointSameTx, nil), 1)
	var buf bytes.Buffer
	if err := o.History.WriteJSONL(&buf); err != nil {
		t.Fatal(err)
	}
	back, err := history.ReadJSONL("shop.jsonl", &buf)
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, r := range back.All() {
		if r.Kind != history.StoreAppend || r.Type != "Reserved" {
			continue
		}
		var p stockEvent
		if err := json.Unmarshal([]byte(r.Payload), &p); err != nil || p.Qty < 1 || p.Customer != "acme" || r.Amount != 0 {
			t.Fatalf("store-append %s: payload %q (%v), amount %d", r.Event, r.Payload, err, r.Amount)
		}
		n++
	}
	if n == 0 {
		t.Fatal("no reservation was stored")
	}
	if r := checks.Linearizable(back); r.Verdict != checks.Holds {
		t.Errorf("linearizable after the round trip: %s: %s", r.Verdict, r.Explanation)
	}
}

// TestInventoryUnregisteredIsUnknown: the same system under a name no one
// registered: the checks that need the inventory's rules say unknown and
// why, never a verdict by another domain's rules; no-overdraft still
// judges the values the store recorded.
func TestInventoryUnregisteredIsUnknown(t *testing.T) {
	s := shop(model.ConcurrencyExact, model.CheckpointSameTx, nil)
	s.ES.Aggregate, s.ES.Custom = "inventory-v2", func(int) domain.Aggregate { return inventory{} }
	s.ES.Projectors = s.ES.Projectors[:1]
	o := run(t, s, 1)
	v := verdicts(o)
	for _, c := range []string{"linearizable", "snapshot-replay", "projection-equals-fold"} {
		if v[c].Verdict == checks.Violated || v[c].Verdict == checks.Holds && c != "snapshot-replay" {
			t.Errorf("%s: %s, want unknown: %s", c, v[c].Verdict, v[c].Explanation)
		}
		if v[c].Verdict == checks.Unknown && !strings.Contains(v[c].Explanation, `"inventory-v2" is not registered`) {
			t.Errorf("%s: explanation %q does not say the aggregate is not registered", c, v[c].Explanation)
		}
	}
	if v["no-overdraft"].Verdict != checks.Holds {
		t.Errorf("no-overdraft: %s: %s", v["no-overdraft"].Verdict, v["no-overdraft"].Explanation)
	}
}
