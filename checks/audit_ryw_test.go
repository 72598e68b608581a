package checks

import (
	"strings"
	"testing"
)

// A session's successful writes that record no version (a command-return
// without "version") say nothing a read could be compared with: the read
// after them is not judged, so read-your-writes has nothing to judge
// rather than holding vacuously.
func TestReadYourWritesWriteWithoutVersionIsNotJudged(t *testing.T) {
	h := readHist(t, `{"schema":"evsim.history/v2"}
{"at":1,"kind":"command","node":"s1","key":"a","type":"Deposit","amount":5,"command":"c1"}
{"at":2,"kind":"command-return","node":"s1","key":"a","type":"Deposit","amount":5,"command":"c1","outcome":"ok"}
{"at":3,"kind":"query","node":"s1","group":"rm","key":"a","command":"q1","mode":"eventual"}
{"at":4,"kind":"query-return","node":"s1","group":"rm","key":"a","command":"q1","outcome":"ok","mode":"eventual"}
`)
	res := ReadYourWrites(h)
	if res.Verdict != Unknown || !strings.Contains(res.Explanation, "record no version") {
		t.Fatalf("read-your-writes = %s (%s), want unknown naming the write without a version", res.Verdict, res.Explanation)
	}
}

// The same session with a versioned write and a read that missed it is
// still caught, and one that saw it holds.
func TestReadYourWritesVersionedWriteStillJudged(t *testing.T) {
	for _, c := range []struct {
		read string
		want Verdict
	}{{`"version":1,"value":5`, Holds}, {`"version":0`, Violated}} {
		h := readHist(t, `{"schema":"evsim.history/v2"}
{"at":1,"kind":"command","node":"s1","key":"a","type":"Deposit","amount":5,"command":"c1"}
{"at":2,"kind":"command-return","node":"s1","key":"a","type":"Deposit","amount":5,"command":"c1","outcome":"ok","version":1,"position":1}
{"at":3,"kind":"query","node":"s1","group":"rm","key":"a","command":"q1","mode":"eventual"}
{"at":4,"kind":"query-return","node":"s1","group":"rm","key":"a","command":"q1","outcome":"ok","mode":"eventual",`+c.read+`}
`)
		if res := ReadYourWrites(h); res.Verdict != c.want {
			t.Errorf("read %s: read-your-writes = %s (%s), want %s", c.read, res.Verdict, res.Explanation, c.want)
		}
	}
}
