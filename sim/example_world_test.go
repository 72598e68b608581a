package sim_test

import (
	"fmt"
	"time"

	"github.com/evsim/evsim/sim"
)

const (
	kindTick uint32 = iota + 1
	kindPing
	kindPong
)

// pinger sends a ping to its peer every 10ms, four times, and counts the
// pongs.
type pinger struct {
	id, peer sim.NodeID
	pongs    int
}

func (p *pinger) Handle(w *sim.World, ev *sim.Event) {
	switch ev.Kind {
	case kindTick:
		fmt.Printf("%-13v %s sends ping %d\n", w.Now(), w.Name(p.id), ev.A)
		w.Send(p.id, p.peer, kindPing, ev.A, 0, p.id)
		if ev.A < 4 {
			w.After(p.id, sim.Time(10*time.Millisecond), kindTick, ev.A+1, 0, nil)
		}
	case kindPong:
		p.pongs++
		fmt.Printf("%-13v %s got pong %d\n", w.Now(), w.Name(p.id), ev.A)
	}
}

// ponger answers each ping after asking its crash point.
type ponger struct{ id sim.NodeID }

func (p *ponger) Handle(w *sim.World, ev *sim.Event) {
	w.CrashPoint(p.id, fmt.Sprintf("ping-%d", ev.A))
	w.Send(p.id, ev.Msg.(sim.NodeID), kindPong, ev.A, 0, nil)
}

func (p *ponger) Crash(w *sim.World, point string) {
	fmt.Printf("%-13v %s crashed at %s\n", w.Now(), w.Name(p.id), point)
}

func (p *ponger) Restart(w *sim.World) {
	fmt.Printf("%-13v %s restarted\n", w.Now(), w.Name(p.id))
}

// crashOnPing2 is a crash hook: crash at "ping-2", restart 15ms later.
type crashOnPing2 struct{}

func (crashOnPing2) Crash(w *sim.World, node sim.NodeID, point string) (bool, sim.Time) {
	return point == "ping-2", sim.Time(15 * time.Millisecond)
}

// A seeded world of two nodes on a link of 1ms to 3ms latency. The ponger
// crashes at its crash point while handling ping 2, so pong 2 is never
// sent, and ping 3 is lost because it is sent while the ponger is down. The same seed
// gives the same transcript and checksum, byte for byte.
func ExampleWorld() {
	w := sim.New(1)
	w.Network().Default = sim.Link{LatencyMin: sim.Time(time.Millisecond), LatencyMax: sim.Time(3 * time.Millisecond)}
	a, b := &pinger{}, &ponger{}
	a.id = w.Add("a", a)
	b.id = w.Add("b", b)
	a.peer = b.id
	w.SetCrashHook(crashOnPing2{})
	w.After(a.id, 0, kindTick, 1, 0, nil)

	stop := w.Run(sim.Time(time.Second), 1000)
	fmt.Printf("%v at %v after %d events, %d pongs, checksum %016x\n", stop, w.Now(), w.Steps(), a.pongs, w.Checksum())
	// Output:
	// +0s           a sends ping 1
	// +5.23936ms    a got pong 1
	// +10ms         a sends ping 2
	// +11.10546ms   b crashed at ping-2
	// +20ms         a sends ping 3
	// +26.10546ms   b restarted
	// +30ms         a sends ping 4
	// +34.190843ms  a got pong 4
	// drained at +34.190843ms after 10 events, 2 pongs, checksum 4b3c8062e8a304f1
}
