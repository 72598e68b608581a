package scenarios_test

import (
	"bytes"
	"fmt"
	"strings"
	"testing"

	"github.com/evsim/evsim/checks"
	"github.com/evsim/evsim/model/history"
	"github.com/evsim/evsim/scenarios"
)

// TestV11HistoriesJudgedTheSame: every built-in scenario's history,
// written in the version 1.1 form that earlier evsim releases wrote and
// read back (its "point" field split into the typed fields of version 2),
// gets the same verdict and explanation from every check as the history
// itself; a history with Kafka transactions, which version 1.1 cannot
// carry, is refused.
func TestV11HistoriesJudgedTheSame(t *testing.T) {
	names := checks.Names()
	for _, s := range allScenarios(t) {
		t.Run(s.Name, func(t *testing.T) {
			t.Parallel()
			o := run(t, s, s.Seed)
			var v11 bytes.Buffer
			if err := o.History.WriteJSONLAs(&v11, history.SchemaV11); err != nil {
				if hasTxn(o.History) && strings.Contains(err.Error(), "version 1.1 cannot carry") {
					return // version 1.1 has no transactions: refused, as it must be
				}
				t.Fatal(err)
			}
			if hasTxn(o.History) {
				t.Fatal("a history with transactions was written as version 1.1")
			}
			if bytes.Contains(v11.Bytes(), []byte(`"crash_point"`)) {
				t.Fatal("the version 1.1 form has a version 2 field")
			}
			back, err := history.ReadJSONL(s.Name+".jsonl", &v11)
			if err != nil {
				t.Fatal(err)
			}
			want, got := scenarios.Judge(o.History, names), scenarios.Judge(back, names)
			for i := range want {
				if fmt.Sprint(want[i]) != fmt.Sprint(got[i]) {
					t.Errorf("%s after the version 1.1 round trip:\n got %v\nwant %v", names[i], got[i], want[i])
				}
			}
		})
	}
}

// hasTxn reports whether h has anything of Kafka transactions, which
// version 1.1 cannot carry.
func hasTxn(h *history.History) bool {
	for _, e := range h.All() {
		if e.TxnID != "" || e.Input != "" || e.Kind == history.TxnInit || e.Kind == history.TxnBegin ||
			e.Kind == history.TxnCommit || e.Kind == history.TxnAbort || e.Kind == history.ProducerFenced {
			return true
		}
	}
	return false
}
