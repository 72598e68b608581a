package model

import (
	"math"
	"math/rand/v2"
	"strconv"
	"strings"
	"testing"
	"unsafe"

	"github.com/evsim/evsim/model/history"
	"github.com/evsim/evsim/sim"
)

// TestNameNumberSpellsTheDecimal: an id spelled in the table is the name,
// a dash and the decimal number, for numbers of every length and sign,
// and each keeps its spelling as more are spelled after it.
func TestNameNumberSpellsTheDecimal(t *testing.T) {
	var st strTab
	ns := []int64{0, 1, 9, 10, 11, 99, 100, 12345, math.MaxInt64, -1, -10, math.MinInt64}
	for n := int64(1); n < 3000; n += 7 {
		ns = append(ns, n)
	}
	var got []string
	for _, n := range ns {
		got = append(got, st.nameNumber("producer-1", n))
	}
	for i, n := range ns {
		if want := "producer-1-" + strconv.FormatInt(n, 10); got[i] != want {
			t.Errorf("nameNumber(%d) = %q, want %q", n, got[i], want)
		}
	}
}

// TestIDSpellerSpellsTheDecimal: the ids a producer spells by carrying
// the last one's digits are name-n for every n, across a number that
// gains a digit, a jump and a name that ends in digits, and each keeps
// its spelling as more are spelled after it (in the same blocks as other
// strings spelled).
func TestIDSpellerSpellsTheDecimal(t *testing.T) {
	var st strTab
	for _, name := range []string{"p", "producer-9", "x-99"} {
		var sp idSpeller
		var ns []int64
		for n := int64(1); n <= 1200; n++ {
			ns = append(ns, n)
		}
		ns = append(ns, 99_999, 100_000, 100_001, 5, 6, 999_999_999, 1_000_000_000)
		var got []string
		for _, n := range ns {
			got = append(got, sp.spell(&st, name, n))
			st.nameNumber("other", n) // other strings spelled between the ids
		}
		for i, n := range ns {
			if want := name + "-" + strconv.FormatInt(n, 10); got[i] != want {
				t.Errorf("spell(%q, %d) = %q, want %q", name, n, got[i], want)
			}
		}
	}
}

// TestStrTabAcrossGrowingBlocks: ids spelled in a table whose blocks
// grow from small to full size, each put as it is spelled, and other
// strings put between them (short, long, some again at the same address,
// one spelled alike at another), each read back from its place as it was
// put and at the address it was put with; no block is larger than a place
// can address, and a string put again reads back at its address.
func TestStrTabAcrossGrowingBlocks(t *testing.T) {
	var st strTab
	var refs []strRef
	var want []string
	keys := []string{"acct-1", "acct-2", strings.Repeat("k", strLongMax+5)}
	for i := range 20000 {
		id := st.nameNumber("producer-1", int64(i))
		refs = append(refs, st.put(id))
		want = append(want, id)
		s := keys[i%len(keys)]
		if i%997 == 0 {
			s = strings.Repeat(strconv.Itoa(i%10), 1+i%50)
		}
		refs = append(refs, st.put(s))
		want = append(want, s)
	}
	if len(st.blocks) < 6 {
		t.Fatalf("%d blocks: the test did not reach full-size blocks", len(st.blocks))
	}
	for i, b := range st.blocks {
		if cap(b) > strBlockSize {
			t.Errorf("block %d holds %d bytes, more than %d", i, cap(b), strBlockSize)
		}
	}
	for i, ref := range refs {
		if got := st.str(ref); got != want[i] || unsafe.StringData(got) != unsafe.StringData(want[i]) {
			t.Fatalf("string %d reads back as %q at %p, want %q at %p", i, got, unsafe.StringData(got), want[i], unsafe.StringData(want[i]))
		}
	}
	for _, k := range keys {
		if got := st.str(st.put(k)); unsafe.StringData(got) != unsafe.StringData(k) {
			t.Fatalf("%.10q put again reads back at another address", k)
		}
	}
	if other := strings.Clone(keys[0]); st.str(st.put(other)) != keys[0] {
		t.Fatal("a string spelled alike at another address reads back otherwise")
	}
}

// TestLogRecordIsNarrow: a log record takes 56 bytes, and a Record 120:
// the partition logs and the copies of records on the delivery path are
// sized by them.
func TestLogRecordIsNarrow(t *testing.T) {
	if n := unsafe.Sizeof(logRecord{}); n > 56 {
		t.Errorf("a logRecord takes %d bytes, want at most 56", n)
	}
	if n := unsafe.Sizeof(Record{}); n > 120 {
		t.Errorf("a Record takes %d bytes, want at most 120", n)
	}
}

// TestPackUnpackRoundTrip: a record packed into a log record reads back
// as it was, at the partition and offset it is read at, with its type
// (one of many, equal spellings at other addresses sharing an index),
// payload and flags; a producer's id and epoch are kept in the extras,
// shared by the records of one producer epoch, and a record with neither
// a payload nor a producer takes no extra.
func TestPackUnpackRoundTrip(t *testing.T) {
	tp := &topic{name: "orders"}
	var lrs []logRecord
	var want []Record
	for i := range 500 {
		r := Record{ID: "p-" + strconv.Itoa(i), Key: "k-" + strconv.Itoa(i%7), Type: "T" + strconv.Itoa(i%40),
			Amount: int64(i - 250), Poison: i%11 == 0, tag: history.Hints(3, 4)}
		if i%5 == 0 {
			r.Payload = `{"n":` + strconv.Itoa(i) + `}`
		}
		if i%9 == 0 {
			r.control = controlCommit
		}
		var lr logRecord
		pid := int64(0)
		if i >= 300 {
			pid = 7
		}
		tp.packAt(&lr, &r, sim.Time(i), pid, i/400)
		lrs = append(lrs, lr)
		r.Topic, r.Partition, r.Offset = "orders", 3, int64(i)
		want = append(want, r)
	}
	for i := range lrs {
		var got Record
		tp.unpack(&got, &lrs[i], 3, int64(i))
		if got != want[i] {
			t.Fatalf("record %d reads back as %+v, want %+v", i, got, want[i])
		}
		if lrs[i].appended != sim.Time(i) {
			t.Fatalf("record %d appended at %d, want %d", i, lrs[i].appended, i)
		}
		var wantPid int64
		var wantEpoch int32
		if i >= 300 {
			wantPid, wantEpoch = 7, int32(i/400)
		}
		e := tp.extras[lrs[i].extra]
		if e.pid != wantPid || e.pepoch != wantEpoch {
			t.Fatalf("record %d: extra %d %+v, want producer %d epoch %d", i, lrs[i].extra, e, wantPid, wantEpoch)
		}
		if none := want[i].Payload == "" && wantPid == 0; none != (lrs[i].extra == 0) {
			t.Fatalf("record %d takes extra %d", i, lrs[i].extra)
		}
	}
	if len(tp.types) != 41 {
		t.Errorf("%d types kept, want the 40 spelled and none", len(tp.types))
	}
	// 100 payloads, and one extra per producer epoch for the rest (index 0 is none)
	if n := len(tp.extras); n > 1+100+2+40 {
		t.Errorf("%d extras for 100 payloads and 2 producer epochs", n)
	}
}

// TestStrTabKeepsAKeyOnce: keys put over and over, in a random order,
// are found again by their address nearly always: the table keeps few
// more places than keys.
func TestStrTabKeepsAKeyOnce(t *testing.T) {
	var st strTab
	keys := make([]string, 100)
	for i := range keys {
		keys[i] = "acct-" + strconv.Itoa(i)
	}
	rng := rand.New(rand.NewPCG(1, 2))
	for range 100_000 {
		k := keys[rng.IntN(len(keys))]
		if got := st.str(st.put(k)); unsafe.StringData(got) != unsafe.StringData(k) {
			t.Fatalf("%q reads back at another address", k)
		}
	}
	if len(st.kept) > 2*len(keys) {
		t.Errorf("%d places kept for %d keys put 100000 times", len(st.kept), len(keys))
	}
}
