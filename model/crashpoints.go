package model

import (
	"slices"

	"github.com/evsim/evsim/model/history"
	"github.com/evsim/evsim/sim"
)

// CrashPoint is a point of a node's work where a crash fault may strike:
// the node calls [sim.World.CrashPoint] there, and the Crash entry of the
// history names it.
type CrashPoint = history.CrashPoint

// The crash points, by the node kind that passes them.
const (
	// PointBeforeSend: a producer is about to send a new record.
	PointBeforeSend CrashPoint = "before-send"
	// PointAfterSend: a producer has sent a new record; no answer yet.
	PointAfterSend CrashPoint = "after-send"

	// PointBeforeEffect: a member is about to run its handler.
	PointBeforeEffect CrashPoint = "before-effect"
	// PointAfterEffect: a member's handler transaction is committed (or
	// the record was recognised as a duplicate); the offset is not.
	PointAfterEffect CrashPoint = "after-effect"
	// PointBeforeCommit: a member is about to commit an offset (or to
	// acknowledge a queue message).
	PointBeforeCommit CrashPoint = "before-commit"
	// PointAfterCommit: a member has sent its commit (or acknowledgement).
	PointAfterCommit CrashPoint = "after-commit"

	// PointLeaderAppend: the partition leader has appended a produce
	// request to its log (and, with acks 1, answered it); no follower has
	// fetched it yet.
	PointLeaderAppend CrashPoint = "after-leader-append"
	// PointFollowerFetch: a follower has appended what a fetch brought.
	PointFollowerFetch CrashPoint = "after-follower-fetch"

	// PointAfterAppend: a session's append was acknowledged; it has not
	// published the events yet (direct-after publishing).
	PointAfterAppend = history.PointAfterAppend
	// PointAfterPublish: a session published before appending
	// (direct-before), or a relay published rows it has not marked sent.
	PointAfterPublish CrashPoint = "after-publish"
	// PointBeforeApply: a projector is about to write a batch.
	PointBeforeApply CrashPoint = "before-apply"
	// PointAfterApply: a projector committed a batch to the read model;
	// its checkpoint is committed too with same-tx checkpoints, not yet
	// with separate-tx ones.
	PointAfterApply CrashPoint = "after-apply"
)

// PointProcessing is where a member can stall (a pause fault): as it
// starts handling a record. It is a stall point, not a crash point.
const PointProcessing = "processing"

// NodeKind names a kind of node that a fault can target.
type NodeKind string

// The node kinds.
const (
	KindProducer       NodeKind = "producer"
	KindTxnProducer    NodeKind = "transactional producer"
	KindMember         NodeKind = "consumer member"
	KindBroker         NodeKind = "broker of the cluster"
	KindCommandSession NodeKind = "command session"
	KindQuerySession   NodeKind = "query session"
	KindProjector      NodeKind = "projector"
	KindRelay          NodeKind = "outbox relay"
	KindEventStore     NodeKind = "event store"
	KindReadModel      NodeKind = "read model"
)

// kindPoints declares, per node kind, the crash points its nodes pass, in
// the order a unit of work meets them. A node kind that is not listed
// passes none: a crash can strike it only at a set time.
var kindPoints = []struct {
	kind   NodeKind
	points []CrashPoint
}{
	{KindMember, []CrashPoint{PointBeforeEffect, PointAfterEffect, PointBeforeCommit, PointAfterCommit}},
	{KindProducer, []CrashPoint{PointBeforeSend, PointAfterSend}},
	{KindTxnProducer, []CrashPoint{PointBeforeSend, PointAfterSend}},
	{KindBroker, []CrashPoint{PointLeaderAppend, PointFollowerFetch}},
	{KindCommandSession, []CrashPoint{PointAfterAppend, PointAfterPublish}},
	{KindProjector, []CrashPoint{PointBeforeApply, PointAfterApply}},
	{KindRelay, []CrashPoint{PointAfterPublish}},
}

// CrashPoints lists every crash point of every node kind, each once, in
// the order the kinds declare them.
var CrashPoints = func() []CrashPoint {
	var all []CrashPoint
	seen := map[CrashPoint]bool{}
	for _, k := range kindPoints {
		for _, p := range k.points {
			if !seen[p] {
				seen[p] = true
				all = append(all, p)
			}
		}
	}
	return all
}()

// KindOf returns the kind of node n ("" for a node no fault can target,
// such as the group coordinator).
func KindOf(n sim.Node) NodeKind {
	switch n := n.(type) {
	case *Producer:
		return KindProducer
	case *TxnProducer:
		return KindTxnProducer
	case *Member:
		return KindMember
	case *Replica:
		return KindBroker
	case *Session:
		if n.queries != "" {
			return KindQuerySession
		}
		return KindCommandSession
	case *Projector:
		return KindProjector
	case *Relay:
		return KindRelay
	case *EventStore:
		return KindEventStore
	case *ReadModel:
		return KindReadModel
	}
	return ""
}

// PointsOf returns the crash points a node of kind k passes (nil: none),
// in the order a unit of work meets them, in a slice of the caller's own.
func PointsOf(k NodeKind) []CrashPoint {
	for _, d := range kindPoints {
		if d.kind == k {
			return slices.Clone(d.points)
		}
	}
	return nil
}

// crashPoint is where node id of w may crash at point p.
func crashPoint(w *sim.World, id sim.NodeID, p CrashPoint) { w.CrashPoint(id, string(p)) }
