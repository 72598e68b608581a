package model

import (
	"fmt"
	"strconv"

	"github.com/evsim/evsim/model/history"
	"github.com/evsim/evsim/sim"
)

// readTables names the tables of one generation of a read model in its
// database: rows (value and version per aggregate) and the checkpoint.
type readTables struct {
	value, version string
	checkpointKey  string
}

// checkpointTable holds the checkpoints of every generation; activeTable
// says which generation readers use.
const (
	checkpointTable = "checkpoint"
	activeTable     = "active"
)

func tablesOf(projection string, gen int) readTables {
	g := strconv.Itoa(gen)
	return readTables{value: projection + "/" + g + "/value", version: projection + "/" + g + "/version", checkpointKey: g}
}

// tableNames remembers the table names of the last generation asked
// for, so that a read model or projector does not build them anew for
// every query and batch.
type tableNames struct {
	gen int
	ok  bool
	t   readTables
}

// of returns tablesOf(projection, gen); projection must be the same at
// every call.
func (n *tableNames) of(projection string, gen int) readTables {
	if !n.ok || n.gen != gen {
		n.gen, n.ok, n.t = gen, true, tablesOf(projection, gen)
	}
	return n.t
}

// activeGen returns the generation readers use.
func activeGen(tx interface {
	Get(table, key string) (int64, bool)
}) int {
	g, _ := tx.Get(activeTable, "gen")
	return int(g)
}

type queryMsg struct {
	from    sim.NodeID
	seq     int64
	key     string
	mode    Consistency
	token   int64
	started sim.Time
	// noCheckpoint is what the wait does while the read model has no
	// checkpoint.
	noCheckpoint NoCheckpoint
}

type queryReply struct {
	value, version, checkpoint int64
	outcome                    history.Outcome
}

// ReadModel is the node that answers queries from a projection's read
// model: eventual reads at once, read-your-writes reads once the
// checkpoint has reached the token (or a timeout passed), or at once while
// there is no checkpoint yet if the session's wait takes that as caught up
// ([NoCheckpointCaughtUp]). It reads only
// committed data, so it does not crash in this model.
type ReadModel struct {
	id    sim.NodeID
	name  string
	db    *DB
	hist  *history.History
	pools *msgPools
	// topic: the read model is fed by a topic. It has no global
	// checkpoint: its answers carry checkpoint 0.
	topic bool
	names tableNames
}

// Handle implements sim.Node.
func (r *ReadModel) Handle(w *sim.World, ev *sim.Event) {
	switch ev.Kind {
	case kindQueryRead:
		m := ev.Msg.(*queryMsg)
		m.started = w.Now()
		r.serve(w, m)
	case kindQueryWait:
		r.serve(w, ev.Msg.(*queryMsg))
	default:
		panic(fmt.Sprintf("model: read model %s got unknown event kind %d", r.name, ev.Kind))
	}
}

func (r *ReadModel) serve(w *sim.World, m *queryMsg) {
	t := r.names.of(r.name, activeGen(r.db))
	cp, _ := r.db.Get(checkpointTable, t.checkpointKey)
	outcome := history.OutcomeOK
	unstarted := cp == 0 && m.noCheckpoint == NoCheckpointCaughtUp
	if m.mode == ReadYourWrites && cp < m.token && !unstarted {
		if w.Now()-m.started < sim.Time(ryWaitMax) {
			w.After(r.id, sim.Time(ryWaitStep), kindQueryWait, 0, 0, m)
			return
		}
		outcome = history.OutcomeTimeout
	}
	value, _ := r.db.Get(t.value, m.key)
	version, _ := r.db.Get(t.version, m.key)
	a := r.pools.queryReplies.get()
	*a = queryReply{value: value, version: version, checkpoint: cp, outcome: outcome}
	w.Send(r.id, m.from, kindQueryReply, m.seq, 0, a)
	r.pools.queries.put(m)
}
