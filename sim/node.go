package sim

// NodeID names a node of a [World]; ids are dense, in the order nodes were added.
type NodeID int32

// Node is a state machine driven by the events addressed to it: its timers
// and the messages sent to it. Handle runs only while the node is up.
type Node interface {
	Handle(w *World, ev *Event)
}

// Crasher is implemented by nodes with volatile state: Crash drops it. It is
// called when the node goes down, after the kernel has cancelled its timers.
type Crasher interface {
	Crash(w *World, point string)
}

// Restarter is implemented by nodes that rebuild themselves from durable
// state when they come back up; Restart may schedule timers and send.
type Restarter interface {
	Restart(w *World)
}

// CrashHook decides, at a crash point, whether the node crashes there and
// when it comes back. A negative restartAfter means it stays down.
type CrashHook interface {
	Crash(w *World, node NodeID, point string) (crash bool, restartAfter Time)
}

type slot struct {
	node Node
	name string
	up   bool
	inc  uint32
}

// crashSignal is the sentinel panic that unwinds a handler at a crash point.
type crashSignal struct {
	node         NodeID
	point        string
	restartAfter Time
}
