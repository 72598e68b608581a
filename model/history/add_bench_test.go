package history

import (
	"strconv"
	"testing"
)

// BenchmarkAdd measures History.Add of a delivery record whose names
// repeat and whose event id is new every 8 records, as a model records.
func BenchmarkAdd(b *testing.B) {
	ids := make([]string, 1<<16)
	for i := range ids {
		ids[i] = "p-" + strconv.Itoa(i)
	}
	h := &History{}
	i := 0
	for b.Loop() {
		if h.Len() == 1<<20 {
			h.Reset()
		}
		h.Add(Entry{At: int64(i), Kind: Deliver, Node: "ledger-0", Group: "ledger", Topic: "account-events",
			Partition: 2, Offset: int64(i), Event: ids[(i/8)&(len(ids)-1)], Key: "acct-3", Type: "Deposited",
			Amount: 42, Attempt: 1, Generation: 1})
		i++
	}
}
