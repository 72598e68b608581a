package model

import "github.com/evsim/evsim/sim"

// commitPolicy is when a member commits offsets (or acknowledges queue
// messages): one value per [Commit] policy, chosen when the member is
// built. The hooks a policy does not need are the no-ops of commitHooks.
type commitPolicy interface {
	// start is called when the member starts or restarts.
	start(m *Member, w *sim.World)
	// beforeHandle is called before the first attempt at record r.
	beforeHandle(m *Member, w *sim.World, r *Record)
	// finished is called when batch record r is finished.
	finished(m *Member, w *sim.World, r *Record)
	// polled is called as the member polls, inside poll() as Kafka's
	// auto-commit runs, and at each tick of a worker-thread member's poll
	// loop.
	polled(m *Member, w *sim.World)
	// revoked is called before the member rejoins or leaves its group
	// (Kafka's onPartitionsRevoked).
	revoked(m *Member, w *sim.World)
}

// commitPolicies maps each [Commit] to its policy.
var commitPolicies = map[Commit]commitPolicy{
	CommitBeforeHandle:     commitBefore{},
	CommitAfterHandle:      commitAfter{},
	CommitInterval:         commitInterval{},
	CommitMaxCompleted:     commitMaxCompleted{},
	CommitContiguousPrefix: commitPrefix{},
}

// commitHooks are the hooks that do nothing.
type commitHooks struct{}

func (commitHooks) start(*Member, *sim.World)                 {}
func (commitHooks) beforeHandle(*Member, *sim.World, *Record) {}
func (commitHooks) finished(*Member, *sim.World, *Record)     {}
func (commitHooks) polled(*Member, *sim.World)                {}
func (commitHooks) revoked(*Member, *sim.World)               {}

// commitBefore commits a record before its first attempt
// ([CommitBeforeHandle]).
type commitBefore struct{ commitHooks }

func (commitBefore) beforeHandle(m *Member, w *sim.World, r *Record) { m.src.ack(m, w, r) }

// commitAfter commits a record once it is finished ([CommitAfterHandle]).
type commitAfter struct{ commitHooks }

func (commitAfter) finished(m *Member, w *sim.World, r *Record) { m.src.ack(m, w, r) }

// commitMaxCompleted commits one past the highest record finished
// ([CommitMaxCompleted]).
type commitMaxCompleted struct{ commitHooks }

func (commitMaxCompleted) finished(m *Member, w *sim.World, _ *Record) {
	if m.maxDone > m.committed[m.bpart] {
		m.commitOffset(w, m.bpart, m.maxDone)
	}
}

// commitPrefix commits one past the longest prefix of finished records
// ([CommitContiguousPrefix]).
type commitPrefix struct{ commitHooks }

func (commitPrefix) finished(m *Member, w *sim.World, _ *Record) {
	if m.handled[m.bpart] > m.committed[m.bpart] {
		m.commitOffset(w, m.bpart, m.handled[m.bpart])
	}
}

// commitInterval is Kafka's auto-commit ([CommitInterval]): inside
// poll(), once CommitInterval has passed since the last one, it commits
// for every assigned partition the position consumed so far (the offset
// after the last record a poll returned), handled or not; on revoke or
// leave, the offset below which every record is handled. A loop that
// handles a batch before it polls again has handled all of it; with
// WorkerThread the poll loop runs on (a timer of PollInterval) while a
// worker handles the batch, and commits records still unhandled.
type commitInterval struct{ commitHooks }

func (commitInterval) start(m *Member, w *sim.World) {
	m.autoAt = w.Now()
	if m.cfg.WorkerThread {
		m.ciChain++
		w.After(m.id, sim.Time(m.cfg.PollInterval), kindCommitTick, 0, m.ciChain, nil)
	}
}

func (commitInterval) polled(m *Member, w *sim.World) {
	if m.phase != phaseActive || m.g.queue != nil || m.polledOut || w.Now()-m.autoAt < sim.Time(m.cfg.CommitInterval) {
		return
	}
	m.autoAt = w.Now()
	for j := range m.parts {
		if m.pos[j] > m.committed[j] {
			m.commitOffset(w, j, m.pos[j])
		}
	}
}

func (commitInterval) revoked(m *Member, w *sim.World) {
	if m.phase != phaseActive {
		return
	}
	for j := range m.parts {
		if m.handled[j] > m.committed[j] {
			m.commitOffset(w, j, m.handled[j])
		}
	}
}
