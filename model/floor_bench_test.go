package model

import (
	"math/rand/v2"
	"strconv"
	"testing"
	"time"
	"unsafe"

	"github.com/evsim/evsim/model/history"
	"github.com/evsim/evsim/sim"
)

// floorSystem is the least any model of benchConfig's system must do per
// delivery, with none of the model's machinery: one node draws a key and
// an amount every 10 us, spells the event's id, appends it to one of 8
// partition arrays and records its publish, append and acknowledgement;
// another node reads every partition each millisecond, adds each amount
// to its key's balance and records the delivery and the effect. No
// messages, requests, fetches, transactions, commits or faults. It
// records the same five records per delivery as the model, through the
// same [history.History.PutStamped] with stamps made once, so that it is the
// floor under the model's cost per delivery: the kernel's event, the
// draws and the history.
type floorSystem struct {
	h          *history.History
	record     bool
	rng        *rand.Rand
	prod, cons sim.NodeID
	n          int
	parts      [8][]floorRecord
	read       [8]int
	balance    [100]int64
	keys       [100]string
	keyNames   [100]history.Name
	ids        []byte   // the block the ids are spelled into
	blocks     [][]byte // every block spelled into, ids' block 1 + index
	names      [5]history.Name
	stamps     [5]history.Stamp // publish, append, ack, deliver, effect
	deliveries uint64
}

// floorRecord is a partition array's record: its id a place in the id
// blocks, and the tag of its symbols.
type floorRecord struct {
	amount     int64
	tag        history.Tag
	block, off uint32
	keyIdx, n  uint8
}

const (
	floorProducer = iota
	floorBroker
	floorMember
	floorGroup
	floorTopic
)

const (
	floorRun  = sim.Time(time.Second)
	floorType = "Deposited"
)

func newFloorSystem(w *sim.World, h *history.History, record bool) *floorSystem {
	f := &floorSystem{h: h, record: record, rng: rand.New(rand.NewPCG(1, 2))}
	for i, s := range []string{"p", "broker", "g-0", "g", "t"} {
		f.names[i] = history.NewName(s)
	}
	n := &f.names
	f.stamps = [5]history.Stamp{history.NewStamp(codePublish, &n[floorProducer], nil, nil, &n[floorTopic]),
		history.NewStamp(codeAppend, &n[floorBroker], nil, nil, &n[floorTopic]),
		history.NewStamp(codePublishAck, &n[floorProducer], nil, nil, &n[floorTopic]),
		history.NewStamp(codeDeliver, &n[floorMember], &n[floorGroup], nil, &n[floorTopic]),
		history.NewStamp(codeEffect, &n[floorMember], &n[floorGroup], nil, &n[floorTopic])}
	for i := range f.keys {
		f.keys[i] = "acct-" + strconv.Itoa(i)
		f.keyNames[i] = history.NewName(f.keys[i])
	}
	for i := range f.parts {
		f.parts[i] = make([]floorRecord, 0, 16_000)
	}
	f.prod = w.Add("p", f)
	f.cons = w.Add("g-0", f)
	w.After(f.prod, 0, 0, 0, 0, nil)
	w.After(f.cons, sim.Time(time.Millisecond), 0, 0, 0, nil)
	return f
}

// Handle implements sim.Node.
func (f *floorSystem) Handle(w *sim.World, ev *sim.Event) {
	if ev.Node == f.prod {
		f.publish(w)
		return
	}
	f.poll(w)
}

func (f *floorSystem) publish(w *sim.World) {
	if w.Now() >= floorRun {
		return
	}
	f.n++
	ki := int(f.rng.Uint64N(uint64(len(f.keys))))
	amount := 1 + int64(f.rng.Uint64N(100))
	part := ki & 7
	if len(f.ids)+24 > cap(f.ids) {
		f.ids = make([]byte, 0, 1<<16)
		f.blocks = append(f.blocks, f.ids)
	}
	start := len(f.ids)
	f.ids = strconv.AppendInt(append(f.ids, "p-"...), int64(f.n), 10)
	id := unsafe.String(&f.ids[start], len(f.ids)-start)
	at, off := int64(w.Now()), int64(len(f.parts[part]))
	var tag history.Tag
	if f.record {
		tag = f.h.PutStamped(&f.stamps[0], &history.Mark{At: at, Partition: part, Event: id, EventPrefix: "p",
			EventNumber: uint32(f.n), KeyName: &f.keyNames[ki], Type: floorType, Amount: amount}, tag)
		m := history.Mark{At: at, Partition: part, Offset: off, Event: id, Key: f.keys[ki], Type: floorType, Amount: amount,
			ProducerID: 1, Seq: off}
		f.h.PutStamped(&f.stamps[1], &m, tag)
		f.h.PutStamped(&f.stamps[2], &m, tag)
	}
	f.parts[part] = append(f.parts[part], floorRecord{amount: amount, tag: tag, block: uint32(len(f.blocks) - 1),
		off: uint32(start), keyIdx: uint8(ki), n: uint8(len(f.ids) - start)})
	w.After(f.prod, 10_000, 0, 0, 0, nil)
}

func (f *floorSystem) poll(w *sim.World) {
	at := int64(w.Now())
	for p := range f.parts {
		for i := f.read[p]; i < len(f.parts[p]); i++ {
			r := &f.parts[p][i]
			f.deliveries++
			f.balance[r.keyIdx] += r.amount
			if !f.record {
				continue
			}
			b := f.blocks[r.block]
			id := unsafe.String(&b[:cap(b)][r.off], int(r.n))
			m := history.Mark{At: at, Partition: p, Offset: int64(i), Event: id, Key: f.keys[r.keyIdx], Type: floorType,
				Amount: r.amount, Attempt: 1, Generation: 1}
			f.h.PutStamped(&f.stamps[3], &m, r.tag)
			m.Value = f.balance[r.keyIdx]
			f.h.PutStamped(&f.stamps[4], &m, r.tag)
		}
		f.read[p] = len(f.parts[p])
	}
	if w.Now() < floorRun {
		w.After(f.cons, sim.Time(time.Millisecond), 0, 0, 0, nil)
	}
}

// benchFloor runs the floor system for a second of simulated time per
// iteration: history "fresh" records into a new history each time,
// "reused" into one history reset, "none" records nothing.
func benchFloor(b *testing.B, hist string) {
	var h *history.History
	if hist == "reused" {
		h = &history.History{}
	}
	var deliveries uint64
	c0 := cpuTime()
	for b.Loop() {
		switch hist {
		case "reused":
			h.Reset()
		case "fresh":
			h = &history.History{}
		}
		w := sim.New(1)
		f := newFloorSystem(w, h, hist != "none")
		w.Run(floorRun+sim.Time(time.Millisecond), 0)
		deliveries += f.deliveries
	}
	reportCPU(b, "deliveries/cpu-s", float64(deliveries), c0)
}

// TestFloorSystem checks that the floor does what its benchmark claims:
// every event published is delivered, with five records each.
func TestFloorSystem(t *testing.T) {
	for _, record := range []bool{true, false} {
		w := sim.New(1)
		h := &history.History{}
		f := newFloorSystem(w, h, record)
		w.Run(floorRun+sim.Time(time.Millisecond), 0)
		if f.n != 100_000 || f.deliveries != uint64(f.n) {
			t.Fatalf("record %v: %d published, %d delivered, want 100000 each", record, f.n, f.deliveries)
		}
		want := 0
		if record {
			want = 5 * f.n
		}
		if h.Len() != want {
			t.Fatalf("record %v: %d records, want %d", record, h.Len(), want)
		}
		if record {
			if err := h.Validate(); err != nil {
				t.Fatal(err)
			}
			kinds := map[history.Kind]int{}
			var sum int64
			for _, e := range h.All() {
				kinds[e.Kind]++
				if e.Kind == history.Effect && e.Value > 0 {
					sum++
				}
			}
			for _, k := range []history.Kind{history.Publish, history.Append, history.PublishAck, history.Deliver, history.Effect} {
				if kinds[k] != f.n {
					t.Fatalf("%d %s records, want %d", kinds[k], k, f.n)
				}
			}
			if sum != int64(f.n) {
				t.Fatalf("%d effects with a positive balance, want %d", sum, f.n)
			}
		}
	}
}
