package history

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"reflect"
	"runtime"
	"strings"
	"testing"
)

// sample has one record of every kind, with every field set somewhere.
func sample() *History {
	return FromEntries([]Entry{
		{At: 0, Kind: Subscribe, Group: "ledger", Topic: "account-events", Stateful: true},
		{At: 1_000, Kind: Publish, Node: "teller", Topic: "account-events", Event: "teller-1", Key: "acct-3", Type: "Deposited", Amount: 42},
		{At: 2_000, Kind: Append, Node: "broker", Topic: "account-events", Partition: 2, Offset: 7, Event: "teller-1", Key: "acct-3", Type: "Deposited", Amount: 42},
		{At: 3_000, Kind: PublishAck, Node: "teller", Topic: "account-events", Partition: 2, Offset: 7, Event: "teller-1", Key: "acct-3", Type: "Deposited", Amount: 42},
		{At: 4_000, Kind: Deliver, Node: "ledger-0", Group: "ledger", Topic: "account-events", Partition: 2, Offset: 7, Event: "teller-1", Key: "acct-3", Type: "Deposited", Amount: 42, Attempt: 1},
		{At: 5_000, Kind: Effect, Node: "ledger-0", Group: "ledger", Topic: "account-events", Partition: 2, Offset: 7, Event: "teller-1", Key: "acct-3", Type: "Deposited", Amount: -42},
		{At: 6_000, Kind: Crash, Node: "ledger-0", Group: "ledger", CrashPoint: "after-effect"},
		{At: 7_000, Kind: Restart, Node: "ledger-0", Group: "ledger"},
		{At: 8_000, Kind: Deliver, Node: "ledger-0", Group: "ledger", Topic: "account-events", Partition: 2, Offset: 7, Event: "teller-1", Attempt: 2},
		{At: 9_000, Kind: Dedup, Node: "ledger-0", Group: "ledger", Topic: "account-events", Partition: 2, Offset: 7, Event: "teller-1"},
		{At: 10_000, Kind: OffsetCommit, Node: "ledger-0", Group: "ledger", Topic: "account-events", Partition: 2, Offset: 8},
		// sagas (P3)
		{At: 11_000, Kind: SagaStart, Node: "saga-0", Group: "saga", Event: "shop-1", Key: "order-1", Type: "OrderPlaced", To: "started", Version: 1},
		{At: 12_000, Kind: SagaTransition, Node: "saga-0", Group: "saga", Event: "shop-2", Key: "order-1", Type: "PaymentSucceeded", From: "started", To: "completed", Basis: 1, Version: 2},
		{At: 12_000, Kind: SagaCompleted, Node: "saga-0", Group: "saga", Event: "shop-2", Key: "order-1", Version: 2},
		{At: 13_000, Kind: SagaConflict, Node: "saga-1", Group: "saga", Event: "shop-3", Key: "order-1", Basis: 1, Version: 2},
		{At: 14_000, Kind: SagaCompensated, Node: "saga-1", Group: "saga", Event: "shop-5", Key: "order-2", Version: 2},
		{At: 1 << 62, Kind: End, Drained: true},
	})
}

func TestJSONLRoundTrip(t *testing.T) {
	for name, h := range map[string]*History{"sample": sample(), "empty": {}} {
		t.Run(name, func(t *testing.T) {
			var buf bytes.Buffer
			if err := h.WriteJSONL(&buf); err != nil {
				t.Fatal(err)
			}
			if first, _, _ := strings.Cut(buf.String(), "\n"); first != `{"schema":"`+Schema+`"}` {
				t.Fatalf("header line %q, want the schema %q", first, Schema)
			}
			if lines := strings.Count(buf.String(), "\n"); lines != 1+h.Len() {
				t.Fatalf("%d lines for %d records, want a header and one line per record", lines, h.Len())
			}
			got, err := ReadJSONL("h.jsonl", bytes.NewReader(buf.Bytes()))
			if err != nil {
				t.Fatal(err)
			}
			if !same(got, h) {
				t.Fatalf("round trip changed the history\n got %+v\nwant %+v", got.Entries(), h.Entries())
			}
			var again bytes.Buffer
			if err := got.WriteJSONL(&again); err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(buf.Bytes(), again.Bytes()) {
				t.Fatalf("writing the read history gave different bytes")
			}
		})
	}
}

func TestJSONLOmitsUnusedFields(t *testing.T) {
	h := FromEntries([]Entry{{At: 5, Kind: Restart, Node: "n"}})
	var buf bytes.Buffer
	if err := h.WriteJSONL(&buf); err != nil {
		t.Fatal(err)
	}
	want := `{"schema":"` + Schema + `"}` + "\n" + `{"at":5,"kind":"restart","node":"n"}` + "\n"
	if buf.String() != want {
		t.Fatalf("got\n%s\nwant\n%s", buf.String(), want)
	}
}

func TestReadJSONLToleratesBlankLines(t *testing.T) {
	in := "\n" + `{"schema":"` + Schema + `"}` + "\n\n  \n" + `{"at":1,"kind":"restart","node":"n"}` + "\r\n\n"
	h, err := ReadJSONL("h.jsonl", strings.NewReader(in))
	if err != nil {
		t.Fatal(err)
	}
	if want := []Entry{{At: 1, Kind: Restart, Node: "n"}}; !reflect.DeepEqual(h.Entries(), want) {
		t.Fatalf("got %+v, want %+v", h.Entries(), want)
	}
}

const hdr = `{"schema":"` + Schema + `"}`

func TestReadJSONLErrors(t *testing.T) {
	good := `{"at":1,"kind":"restart","node":"n"}`
	for _, c := range []struct {
		name, in string
		// want are phrases the error must contain; the first is its
		// file:line prefix.
		want []string
	}{
		{"empty input", "", []string{"bad.jsonl: ", "empty history", Schema}},
		{"only blank lines", "\n \n\t\n", []string{"bad.jsonl: ", "empty history"}},
		{"missing header", good + "\n" + good + "\n", []string{"bad.jsonl:1: ", "header line", Schema}},
		{"missing header after blank line", "\n" + good + "\n", []string{"bad.jsonl:2: ", "header line"}},
		{"header with extra field", `{"schema":"` + Schema + `","x":1}` + "\n", []string{"bad.jsonl:1: ", "header line"}},
		{"wrong schema version", `{"schema":"evsim.history/v9"}` + "\n" + good + "\n", []string{"bad.jsonl:1: ", "unsupported schema", "evsim.history/v9", Schema}},
		{"malformed JSON on line 3", hdr + "\n" + good + "\n" + `{"at":1,"kind":` + "\n" + good + "\n", []string{"bad.jsonl:3: ", "bad record"}},
		{"not an object", hdr + "\n" + `[1,2]` + "\n", []string{"bad.jsonl:2: ", "bad record"}},
		{"two values on a line", hdr + "\n" + good + good + "\n", []string{"bad.jsonl:2: ", "more than one JSON value"}},
		{"unknown field", hdr + "\n" + good + "\n" + `{"at":1,"kind":"crash","colour":"red"}` + "\n", []string{"bad.jsonl:3: ", "unknown field", "colour"}},
		{"wrong field type", hdr + "\n" + `{"at":"soon","kind":"crash"}` + "\n", []string{"bad.jsonl:2: ", "bad record", "at"}},
		{"unknown kind", hdr + "\n" + `{"at":1,"kind":"explode"}` + "\n", []string{"bad.jsonl:2: ", "unknown record kind", "explode"}},
		{"missing kind", hdr + "\n" + `{"at":1}` + "\n", []string{"bad.jsonl:2: ", "unknown record kind"}},
		{"negative time", hdr + "\n" + good + "\n" + `{"at":-5,"kind":"crash"}` + "\n", []string{"bad.jsonl:3: ", "negative time", "-5"}},
		{"time goes back", hdr + "\n" + `{"at":7,"kind":"crash"}` + "\n\n" + `{"at":5,"kind":"crash"}` + "\n", []string{"bad.jsonl:4: ", "time goes back", "at 5", "7 on line 2"}},
		{"line numbers count blank lines", hdr + "\n\n\n" + `{"at":-1,"kind":"crash"}` + "\n", []string{"bad.jsonl:4: ", "negative time"}},
	} {
		t.Run(c.name, func(t *testing.T) {
			h, err := ReadJSONL("bad.jsonl", strings.NewReader(c.in))
			if err == nil {
				t.Fatalf("no error; read %+v", h)
			}
			if h != nil {
				t.Errorf("a history came back with the error")
			}
			msg := err.Error()
			if !strings.HasPrefix(msg, c.want[0]) {
				t.Errorf("error %q does not start with %q", msg, c.want[0])
			}
			for _, phrase := range c.want[1:] {
				if !strings.Contains(msg, phrase) {
					t.Errorf("error %q does not mention %q", msg, phrase)
				}
			}
		})
	}
}

func TestReadJSONLLineTooLong(t *testing.T) {
	long := hdr + "\n" + `{"at":1,"kind":"crash","node":"` + strings.Repeat("x", 17<<20) + `"}` + "\n"
	_, err := ReadJSONL("big.jsonl", strings.NewReader(long))
	if err == nil || !strings.HasPrefix(err.Error(), "big.jsonl:2: ") {
		t.Fatalf("error %v, want one naming big.jsonl:2", err)
	}
}

type failingReader struct{}

func (failingReader) Read([]byte) (int, error) { return 0, errors.New("disk on fire") }

func TestReadJSONLReaderError(t *testing.T) {
	_, err := ReadJSONL("h.jsonl", failingReader{})
	if err == nil || !strings.Contains(err.Error(), "h.jsonl") || !strings.Contains(err.Error(), "disk on fire") {
		t.Fatalf("error %v, want one naming the file and the cause", err)
	}
}

type failingWriter struct{}

func (failingWriter) Write([]byte) (int, error) { return 0, errors.New("disk full") }

func TestWriteJSONLWriterError(t *testing.T) {
	if err := sample().WriteJSONL(failingWriter{}); err == nil || !strings.Contains(err.Error(), "disk full") {
		t.Fatalf("error %v, want the writer's error", err)
	}
}

// FuzzReadJSONL: reading never panics, and whatever reads without error
// writes and reads back to the same history.
func FuzzReadJSONL(f *testing.F) {
	var buf bytes.Buffer
	if err := sample().WriteJSONL(&buf); err != nil {
		f.Fatal(err)
	}
	f.Add(buf.Bytes())
	f.Add([]byte(""))
	f.Add([]byte(hdr + "\n{\"at\":1,\"kind\":"))
	f.Add([]byte(hdr + "\n{\"at\":1e400,\"kind\":\"crash\"}"))
	f.Add([]byte(hdr + "\n{\"at\":1,\"kind\":\"crash\",\"node\":\"\xff\"}"))
	f.Add([]byte(hdr + "\nnull\n"))
	f.Fuzz(func(t *testing.T, in []byte) {
		h, err := ReadJSONL("fuzz.jsonl", bytes.NewReader(in))
		if err != nil {
			if h != nil || !strings.HasPrefix(err.Error(), "fuzz.jsonl") {
				t.Fatalf("error %q without the file name, or with a history", err)
			}
			return
		}
		var out bytes.Buffer
		if err := h.WriteJSONL(&out); err != nil {
			t.Fatal(err)
		}
		back, err := ReadJSONL("again.jsonl", &out)
		if err != nil {
			t.Fatalf("re-reading a written history: %v", err)
		}
		if !same(back, h) {
			t.Fatalf("round trip changed the history")
		}
	})
}

// TestReadJSONLRefusesTimeGoingBack: a record whose time goes back is
// refused with its line, and equal times (records of one instant) are
// read.
func TestReadJSONLRefusesTimeGoingBack(t *testing.T) {
	same := hdr + "\n" + `{"at":3,"kind":"crash","node":"a"}` + "\n" + `{"at":3,"kind":"restart","node":"a"}` + "\n"
	h, err := ReadJSONL("ok.jsonl", strings.NewReader(same))
	if err != nil || h.Len() != 2 {
		t.Fatalf("equal times refused: %v", err)
	}
	back := hdr + "\n" + `{"at":9,"kind":"crash","node":"a"}` + "\n" + `{"at":10,"kind":"restart","node":"a"}` + "\n" + `{"at":2,"kind":"end"}` + "\n"
	if _, err := ReadJSONL("back.jsonl", strings.NewReader(back)); err == nil || !strings.HasPrefix(err.Error(), "back.jsonl:4: ") {
		t.Fatalf("error %v, want one naming back.jsonl:4", err)
	}
}

// TestValidate: a history in time order is valid; one with a record
// earlier than the one before it, or a negative time, is not, and the
// error names the record.
func TestValidate(t *testing.T) {
	ok := FromEntries([]Entry{{At: 0, Kind: Publish}, {At: 0, Kind: Append}, {At: 5, Kind: End}})
	if err := ok.Validate(); err != nil {
		t.Fatalf("valid history refused: %v", err)
	}
	if err := (&History{}).Validate(); err != nil {
		t.Fatalf("empty history refused: %v", err)
	}
	back := FromEntries([]Entry{{At: 4, Kind: Publish}, {At: 9, Kind: Append}, {At: 3, Kind: Poll}})
	if err := back.Validate(); err == nil || !strings.Contains(err.Error(), "record 3 (poll at 3)") {
		t.Fatalf("error %v, want one naming record 3", err)
	}
	neg := FromEntries([]Entry{{At: -1, Kind: Publish}})
	if err := neg.Validate(); err == nil || !strings.Contains(err.Error(), "negative time") {
		t.Fatalf("error %v, want negative time", err)
	}
}

// same reports whether a and b hold the same source and records.
func same(a, b *History) bool {
	return a.Source == b.Source && a.Len() == b.Len() && reflect.DeepEqual(a.Entries(), b.Entries())
}

// TestReadJSONLRefusesSilentValues: a record that would be read as
// something it does not say is refused with its line and field: a null
// value (read as zero), a field given twice (the last would win, in any
// letter case), a second header (two histories joined), a value of a
// closed set that is not in it (a typo would read as another meaning) and
// a negative partition or offset (but -1, an unknown offset).
func TestReadJSONLRefusesSilentValues(t *testing.T) {
	ok := `{"at":1,"kind":"crash","node":"a"}`
	for _, c := range []struct{ line, want string }{
		{`{"at":null,"kind":"crash","node":"a"}`, `bad.jsonl:3: field "at" is null`},
		{`{"at":1,"kind":"crash","node":null}`, `bad.jsonl:3: field "node" is null`},
		{`{"at":5,"kind":"crash","node":"a","at":1}`, `bad.jsonl:3: field "at" appears twice`},
		{`{"at":5,"kind":"crash","node":"a","AT":1}`, `bad.jsonl:3: field "AT" appears twice`},
		{`{"at":5,"kind":"crash","node":"a","n\u006fde":"b"}`, `bad.jsonl:3: field "node" appears twice`},
		{hdr, `bad.jsonl:3: a second header line`},
		{`{"at":1,"kind":"partition-change","topic":"t","election":"uncleen"}`, `bad.jsonl:3: unknown election "uncleen"`},
		{`{"at":1,"kind":"projection-reset","node":"p","rebuild":"bluegreen"}`, `bad.jsonl:3: unknown rebuild "bluegreen"`},
		{`{"at":1,"kind":"leave","node":"c","leave_reason":"max-poll"}`, `bad.jsonl:3: unknown leave_reason "max-poll"`},
		{`{"at":1,"kind":"handler-error","node":"c","error_kind":"poisoned"}`, `bad.jsonl:3: unknown error_kind "poisoned"`},
		{`{"at":1,"kind":"projection-skip","node":"p","gap_policy":"skip"}`, `bad.jsonl:3: unknown gap_policy "skip"`},
		{`{"at":1,"kind":"append","node":"b","topic":"t","partition":-1,"offset":0}`, `bad.jsonl:3: partition -1: partitions count from 0`},
		{`{"at":1,"kind":"append","node":"b","topic":"t","offset":-7}`, `bad.jsonl:3: offset -7: offsets count from 0`},
	} {
		_, err := ReadJSONL("bad.jsonl", strings.NewReader(hdr+"\n"+ok+"\n"+c.line+"\n"))
		if err == nil || !strings.HasPrefix(err.Error(), c.want) {
			t.Errorf("%s: got %v, want an error starting %q", c.line, err, c.want)
		}
	}
}

// TestReadJSONLByteOrderMark: a history saved with a UTF-8 byte-order
// mark, as some editors on Windows save, reads as without one.
func TestReadJSONLByteOrderMark(t *testing.T) {
	h, err := ReadJSONL("bom.jsonl", strings.NewReader("\xef\xbb\xbf"+hdr+"\r\n"+`{"at":1,"kind":"crash","node":"a"}`+"\r\n"))
	if err != nil || h.Len() != 1 {
		t.Fatalf("got %v", err)
	}
}

// TestReadJSONLClosesItsSpillFileOnError: a history refused part way,
// after its records had begun to spill, leaves no spill file open (nor on
// disk): reading many bad files does not run out of descriptors or space.
func TestReadJSONLClosesItsSpillFileOnError(t *testing.T) {
	if runtime.GOOS != "linux" {
		t.Skip("counts /proc/self/fd")
	}
	var b strings.Builder
	b.WriteString(hdr + "\n")
	for i := range 20000 {
		fmt.Fprintf(&b, `{"at":%d,"kind":"crash","node":"n%d"}`+"\n", i, i)
	}
	b.WriteString(`{"at":1,"kind":"crash"` + "\n") // truncated
	fds := func() int {
		es, err := os.ReadDir("/proc/self/fd")
		if err != nil {
			t.Fatal(err)
		}
		return len(es)
	}
	dir := t.TempDir()
	before := fds()
	for range 5 {
		if _, err := ReadJSONLSpilling("bad.jsonl", strings.NewReader(b.String()), 64<<10, dir); err == nil || !strings.HasPrefix(err.Error(), "bad.jsonl:20002: ") {
			t.Fatalf("got %v", err)
		}
	}
	if after := fds(); after > before {
		t.Fatalf("%d descriptors open before, %d after five refused reads", before, after)
	}
	if left, _ := os.ReadDir(dir); len(left) != 0 {
		t.Fatalf("left in the spill folder: %v", left)
	}
	// A folder given as a history is named without a line.
	if _, err := ReadJSONL(dir, mustOpen(t, dir)); err == nil || strings.HasPrefix(err.Error(), dir+":1:") {
		t.Fatalf("a folder: %v", err)
	}
}

func mustOpen(t *testing.T, name string) *os.File {
	t.Helper()
	f, err := os.Open(name)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { f.Close() })
	return f
}

// TestReadJSONLUnknownOffset: an acknowledgement that carries no offset
// (an acks=0 send) reads with offset -1.
func TestReadJSONLUnknownOffset(t *testing.T) {
	h, err := ReadJSONL("ack.jsonl", strings.NewReader(hdr+"\n"+`{"at":1,"kind":"publish-ack","node":"p","topic":"t","offset":-1,"event":"e"}`+"\n"))
	if err != nil || h.At(0).Offset != OffsetUnknown {
		t.Fatalf("got %v", err)
	}
}

// TestReadJSONLFieldScanSkipsStrings: a string value that holds quotes,
// backslashes, colons, commas, braces and the word null is a value, not a
// field or a null.
func TestReadJSONLFieldScanSkipsStrings(t *testing.T) {
	rec := `{ "at" : 1 , "kind":"crash","node":"a\\","reason":"x\",\"at\":null,}{","event" :"null"}`
	h, err := ReadJSONL("ok.jsonl", strings.NewReader(hdr+"\n"+rec+"\n"))
	if err != nil {
		t.Fatal(err)
	}
	if e := h.At(0); e.Node != `a\` || e.Reason != `x","at":null,}{` || e.Event != "null" {
		t.Fatalf("read %+v", e)
	}
}

// TestReadJSONLBadHeaderSaysWhy: a header line with a field it does not
// have, or a field of the wrong kind, says what is wrong with it rather
// than that the header is missing.
func TestReadJSONLBadHeaderSaysWhy(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{`{"schema":"evsim.history/v2","sorce":"live"}`, `h.jsonl:1: bad header line: json: unknown field "sorce"`},
		{`{"schema":"evsim.history/v2","source":7}`, `h.jsonl:1: bad header line: json: cannot unmarshal number`},
	} {
		if _, err := ReadJSONL("h.jsonl", strings.NewReader(c.in+"\n")); err == nil || !strings.HasPrefix(err.Error(), c.want) {
			t.Errorf("%s: got %v, want %q", c.in, err, c.want)
		}
	}
}
