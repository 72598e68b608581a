package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/evsim/evsim/checks"
	"github.com/evsim/evsim/model/history"
	"github.com/evsim/evsim/scenarios"
)

// FuzzCheck: whatever history file `evsim check` is given, it reads it and
// judges it with every check without a panic, or refuses it with an error
// that names the file. Run longer with:
// go test ./cmd/evsim -run '^$' -fuzz FuzzCheck -fuzztime 60s -fuzzminimizetime 5s
func FuzzCheck(f *testing.F) {
	for _, name := range []string{"stale-read.jsonl", "transactional-outbox.jsonl"} {
		b, err := os.ReadFile(filepath.Join("..", "..", "checks", "testdata", "v1", name))
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	hdr := `{"schema":"` + history.Schema + `"}` + "\n"
	for _, body := range []string{
		`{"at":1,"kind":"subscribe","group":"g","topic":"t","node":"c-0"}
{"at":2,"kind":"publish","node":"p","topic":"t","partition":0,"event":"e1","key":"k","amount":5}
{"at":3,"kind":"append","node":"b","topic":"t","partition":0,"offset":0,"event":"e1","key":"k","amount":5}
{"at":4,"kind":"publish-ack","node":"p","topic":"t","partition":0,"offset":0,"event":"e1"}
{"at":5,"kind":"assign","node":"c-0","group":"g","topic":"t","partitions":"0","generation":1}
{"at":6,"kind":"deliver","node":"c-0","group":"g","topic":"t","partition":0,"offset":0,"event":"e1","key":"k","amount":5}
{"at":7,"kind":"effect","node":"c-0","group":"g","topic":"t","partition":0,"offset":0,"event":"e1","key":"k","amount":5,"value":5}
{"at":8,"kind":"offset-commit","node":"c-0","group":"g","topic":"t","partition":0,"offset":1}
{"at":9,"kind":"end"}
`,
		`{"at":1,"kind":"command","node":"s","command":"c1","key":"a","type":"Deposit","amount":3}
{"at":2,"kind":"store-append","node":"store","event":"e1","key":"a","type":"Deposited","version":1,"position":1,"amount":3,"value":3}
{"at":3,"kind":"command-return","node":"s","command":"c1","outcome":"ok","version":1}
{"at":4,"kind":"checkpoint","node":"p","group":"rm","position":1}
{"at":5,"kind":"query","node":"q","key":"a","mode":"read-your-writes","token":1}
{"at":6,"kind":"query-return","node":"q","key":"a","mode":"read-your-writes","value":3,"position":1,"outcome":"ok"}
`,
		`{"at":1,"kind":"txn-begin","node":"p","txn_id":"t1"}
{"at":2,"kind":"txn-abort","node":"p","txn_id":"t1"}
{"at":3,"kind":"partition-change","topic":"t","partition":-1,"generation":2,"partitions":"b1","election":"unclean"}
{"at":4,"kind":"truncate","topic":"t","partition":0,"offset":-5}
`,
	} {
		f.Add([]byte(hdr + body))
	}
	names := checks.Names()
	f.Fuzz(func(t *testing.T, in []byte) {
		h, err := history.ReadJSONL("fuzz.jsonl", bytes.NewReader(in))
		if err != nil {
			if !strings.HasPrefix(err.Error(), "fuzz.jsonl") {
				t.Fatalf("error without the file name: %v", err)
			}
			return
		}
		defer h.Close()
		for _, r := range scenarios.Judge(h, names) {
			if r.Verdict == checks.Violated && len(r.Explanation) == 0 {
				t.Fatalf("%s: violated without an explanation", r.Check)
			}
		}
	})
}
