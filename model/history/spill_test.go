package history

import (
	"bytes"
	"errors"
	"os"
	"slices"
	"strings"
	"testing"

	"pgregory.net/rapid"
)

// variant returns the i-th entry of a history drawn from pool: pool's
// entries in turn, each at its own time, so that records differ.
func variant(pool []Entry, i int) Entry {
	e := pool[i%len(pool)]
	e.At = int64(i)
	return e
}

// TestSpillAgreesWithMemory: a history that spills past a budget (from
// nothing to a few chunks) answers Add, At, Record, Set, All, Range,
// OfKind, Count and Compact as a history in memory does, over runs of
// many chunks, across Resets, and writes the same JSON Lines.
func TestSpillAgreesWithMemory(t *testing.T) {
	dir := t.TempDir()
	var spilled, reread int
	rapid.Check(t, func(t *rapid.T) {
		pool := rapid.SliceOfN(entryGen(), 1, 20).Draw(t, "pool")
		budget := rapid.SampledFrom([]int64{1, recChunkBytes, 6 * recChunkBytes, 1 << 30}).Draw(t, "budget")
		h, ref := &History{}, &History{}
		h.SpillOver(budget, dir)
		var want []Entry
		steps := rapid.IntRange(1, 10).Draw(t, "steps")
		for range steps {
			switch rapid.IntRange(0, 6).Draw(t, "op") {
			case 0, 1: // add
				n := rapid.IntRange(1, 2*chunkLen+1).Draw(t, "n")
				for range n {
					e := variant(pool, len(want))
					h.Add(e)
					ref.Add(e)
					want = append(want, e)
				}
			case 2: // set
				if len(want) == 0 {
					continue
				}
				i := rapid.IntRange(0, len(want)-1).Draw(t, "set")
				e := entryGen().Draw(t, "replacement")
				h.Set(i, e)
				ref.Set(i, e)
				want[i] = e
			case 3: // at, record
				if len(want) == 0 {
					continue
				}
				for range 20 {
					i := rapid.IntRange(0, len(want)-1).Draw(t, "at")
					if got := h.At(i); got != want[i] {
						t.Fatalf("At(%d) = %+v, want %+v", i, got, want[i])
					}
					if got, w := h.Record(i), ref.Record(i); got.Kind() != w.Kind() || h.unpack(&got) != want[i] {
						t.Fatalf("Record(%d) differs", i)
					}
				}
			case 4: // range
				lo := rapid.IntRange(-1, len(want)+1).Draw(t, "lo")
				hi := rapid.IntRange(-1, len(want)+1).Draw(t, "hi")
				var got []Entry
				for i, e := range h.Range(lo, hi) {
					if i != max(lo, 0)+len(got) {
						t.Fatalf("Range(%d, %d) yields index %d after %d records", lo, hi, i, len(got))
					}
					got = append(got, e)
				}
				if w := want[min(max(lo, 0), len(want)):max(min(hi, len(want)), min(max(lo, 0), len(want)))]; !slices.Equal(got, w) {
					t.Fatalf("Range(%d, %d): %d records, want %d", lo, hi, len(got), len(w))
				}
			case 5: // by kind
				k := pool[rapid.IntRange(0, len(pool)-1).Draw(t, "kind")].Kind
				var got, w []int
				for i := range h.OfKind(k) {
					got = append(got, i)
				}
				for i, c := range h.Compact(k) {
					if c.Kind() != k || h.unpack(c) != want[i] {
						t.Fatalf("Compact(%s) yields record %d wrong", k, i)
					}
				}
				for i, e := range want {
					if e.Kind == k {
						w = append(w, i)
					}
				}
				if !slices.Equal(got, w) || h.Count(k) != len(w) {
					t.Fatalf("OfKind(%s): %d records, Count %d, want %d", k, len(got), h.Count(k), len(w))
				}
			case 6: // reset
				if rapid.IntRange(0, 3).Draw(t, "reset") != 0 {
					continue
				}
				h.Reset()
				ref.Reset()
				want = want[:0]
			}
		}
		if h.DiskBytes() > 0 {
			spilled++
		}
		if h.SpillReads() > 0 {
			reread++
		}
		if h.Len() != len(want) || !slices.Equal(h.Entries(), want) {
			t.Fatalf("All: %d records differ from the %d added", h.Len(), len(want))
		}
		if h.Size() != h.Bytes()-h.spillDelta() || h.Size() < h.DiskBytes() {
			t.Fatalf("Size %d, Bytes %d, disk %d", h.Size(), h.Bytes(), h.DiskBytes())
		}
		var a, b bytes.Buffer
		if err := h.WriteJSONL(&a); err != nil {
			t.Fatal(err)
		}
		if err := ref.WriteJSONL(&b); err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(a.Bytes(), b.Bytes()) {
			t.Fatal("spilled and unspilled histories write different JSON Lines")
		}
		if err := h.Close(); err != nil {
			t.Fatal(err)
		}
	})
	if spilled == 0 || reread == 0 {
		t.Fatalf("%d histories spilled, %d read chunks back: the test does not spill", spilled, reread)
	}
	if left, _ := os.ReadDir(dir); len(left) != 0 {
		t.Errorf("spill files left behind: %v", left)
	}
}

// TestSpillBudget: a history spilling past a budget holds no more than
// the budget plus the chunks being filled and its cache, and its Size
// counts memory and disk.
func TestSpillBudget(t *testing.T) {
	pool := []Entry{{Kind: Publish, Node: "p", Event: "e"}, {Kind: Effect, Node: "c", Key: "k", Payload: "x"}}
	h := &History{}
	const budget = 2 * recChunkBytes
	h.SpillOver(budget, t.TempDir())
	peak := int64(0)
	for i := range 40 * chunkLen {
		h.Add(variant(pool, i))
		peak = max(peak, h.Bytes())
	}
	limit := budget + recChunkBytes + sideChunkBytes + spillCacheLen*(recChunkBytes+sideChunkBytes)
	if peak > limit {
		t.Errorf("peak memory %d bytes, budget %d, limit %d", peak, int64(budget), limit)
	}
	if h.DiskBytes() < 30*recChunkBytes || h.Size() != h.DiskBytes()+h.Bytes() {
		t.Errorf("disk %d, memory %d, size %d", h.DiskBytes(), h.Bytes(), h.Size())
	}
	for i, e := range h.All() { // reading back costs at most the cache
		if e != variant(pool, i) {
			t.Fatalf("record %d = %+v", i, e)
		}
	}
	if h.Bytes() > limit {
		t.Errorf("after a pass, memory %d bytes, limit %d", h.Bytes(), limit)
	}
	if r := h.SpillReads(); r > int64(h.DiskBytes()/recChunkBytes)+1 {
		t.Errorf("a pass in order read %d chunks back for %d spilled", r, h.DiskBytes()/recChunkBytes)
	}
}

// TestSpillNestedReads: a pass over compact records that reads records
// of other chunks meanwhile (evicting the pass's chunk from the cache)
// still sees its own records.
func TestSpillNestedReads(t *testing.T) {
	pool := []Entry{{Kind: Publish, Node: "p", Event: "e"}, {Kind: Effect, Node: "c", Key: "k"}}
	h := &History{}
	h.SpillOver(1, t.TempDir())
	n := 10 * chunkLen
	for i := range n {
		h.Add(variant(pool, i))
	}
	seen := 0
	for i, r := range h.Compact(Effect) {
		if r.At != int64(i) {
			t.Fatalf("record %d has At %d", i, r.At)
		}
		for j := range spillCacheLen + 1 {
			if i%1024 != 1 {
				break
			}
			k := (i + (j+1)*chunkLen) % n
			if h.At(k).At != int64(k) {
				t.Fatalf("At(%d) wrong", k)
			}
		}
		seen++
	}
	if seen != n/2 {
		t.Fatalf("%d effects, want %d", seen, n/2)
	}
}

// failFile is a spill file that fails once it holds more than room bytes,
// or on every read.
type failFile struct {
	data      []byte
	room      int
	failReads bool
}

var errDiskFull = errors.New("no space left on device")

func (f *failFile) WriteAt(b []byte, off int64) (int, error) {
	if int(off)+len(b) > f.room {
		return 0, errDiskFull
	}
	if end := int(off) + len(b); end > len(f.data) {
		f.data = append(f.data, make([]byte, end-len(f.data))...)
	}
	return copy(f.data[off:], b), nil
}

func (f *failFile) ReadAt(b []byte, off int64) (int, error) {
	if f.failReads {
		return 0, errors.New("input/output error")
	}
	return copy(b, f.data[off:]), nil
}

func (f *failFile) Close() error { return nil }

func withSpillFile(t *testing.T, f spillFile) {
	old := openSpill
	openSpill = func(string) (spillFile, error) { return f, nil }
	t.Cleanup(func() { openSpill = old })
}

// TestSpillDiskFull: when the disk fills, the history keeps the chunks it
// could not write in memory, loses nothing, stops spilling and says why.
func TestSpillDiskFull(t *testing.T) {
	withSpillFile(t, &failFile{room: int(3 * recChunkBytes)})
	pool := []Entry{{Kind: Publish, Node: "p", Event: "e"}, {Kind: Effect, Node: "c", Key: "k", Payload: "x"}}
	h := &History{}
	h.SpillOver(1, "")
	for i := range 12 * chunkLen {
		h.Add(variant(pool, i))
	}
	if err := h.Err(); err == nil || !errors.Is(err, errDiskFull) || !strings.Contains(err.Error(), "spill file") {
		t.Fatalf("Err() = %v, want the disk-full error", err)
	}
	h.Set(1, Entry{Kind: Ack, Node: "n"}) // a spilled chunk
	h.Set(5*chunkLen, Entry{Kind: Ack, Node: "m", Payload: "p"})
	for i, e := range h.All() {
		w := variant(pool, i)
		switch i {
		case 1:
			w = Entry{Kind: Ack, Node: "n"}
		case 5 * chunkLen:
			w = Entry{Kind: Ack, Node: "m", Payload: "p"}
		}
		if e != w {
			t.Fatalf("record %d = %+v, want %+v", i, e, w)
		}
	}
	if h.DiskBytes() == 0 {
		t.Fatalf("nothing spilled before the disk filled")
	}
}

// TestSpillSetWriteFails: a Set whose write-back fails brings the chunk
// back to memory with the change.
func TestSpillSetWriteFails(t *testing.T) {
	f := &failFile{room: 1 << 30}
	withSpillFile(t, f)
	h := &History{}
	h.SpillOver(1, "")
	for i := range 3 * chunkLen {
		h.Add(Entry{Kind: Publish, At: int64(i)})
	}
	if h.DiskBytes() == 0 {
		t.Fatal("nothing spilled")
	}
	f.room = 0
	h.Set(7, Entry{Kind: Ack, At: -1})
	if h.Err() == nil {
		t.Fatal("a failed write-back is not reported")
	}
	if got := h.At(7); got != (Entry{Kind: Ack, At: -1}) {
		t.Fatalf("record 7 = %+v after a failed write-back", got)
	}
}

// TestSpillReadFails: a spill file that cannot be read back makes
// WriteJSONL fail with the file's error instead of writing zero records.
func TestSpillReadFails(t *testing.T) {
	f := &failFile{room: 1 << 30}
	withSpillFile(t, f)
	h := &History{}
	h.SpillOver(1, "")
	for i := range 3 * chunkLen {
		h.Add(Entry{Kind: Publish, At: int64(i)})
	}
	f.failReads = true
	var b bytes.Buffer
	if err := h.WriteJSONL(&b); err == nil || !strings.Contains(err.Error(), "input/output error") {
		t.Fatalf("WriteJSONL = %v, want the read error", err)
	}
}

// TestSpillNoFolder: a spill folder that does not exist is an error of the
// history, which then keeps everything in memory.
func TestSpillNoFolder(t *testing.T) {
	h := &History{}
	h.SpillOver(1, t.TempDir()+"/missing")
	for i := range 3 * chunkLen {
		h.Add(Entry{Kind: Publish, At: int64(i)})
	}
	if err := h.Err(); err == nil || !strings.Contains(err.Error(), "make spill file") {
		t.Fatalf("Err() = %v", err)
	}
	if h.DiskBytes() != 0 || h.At(5).At != 5 {
		t.Fatal("records lost")
	}
}
