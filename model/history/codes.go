package history

import (
	"fmt"
	"strings"
	"unsafe"
)

// kinds lists every record kind once; a kind's code in a [Record] is its
// index here plus one (0 is no kind). Reading a history accepts exactly
// these kinds.
var kinds = []Kind{
	Subscribe, Publish, PublishAck, Append, Deliver, Effect, Dedup, OffsetCommit, Crash, Restart, End,
	// event sourcing and CQRS
	Command, CommandReturn, StoreAppend, StoreReserve, StoreRollback, StoreDuplicate, Snapshot, Load,
	ProjectionApply, Checkpoint, StalenessSLO, ProjectionSkip, ProjectionReset, Query, QueryReturn, LostAnswer,
	StorePublisher,
	// pub/sub
	PublishRetry, PublishFail, Poll, Join, Leave, Expire, Rebalance, Assign, CommitFenced, Fenced,
	HandlerError, DeadLetter, Ack, Pause,
	// sagas
	SagaStart, SagaTransition, SagaCompleted, SagaCompensated, SagaConflict,
	// replication
	PartitionChange, Truncate,
	// transactions
	TxnInit, TxnBegin, TxnCommit, TxnAbort, ProducerFenced,
	// domains
	StoreAggregate, ReadModelProjection,
	// live runs
	Revoke,
	// event sourcing: an event type a projector has no handler for
	ProjectionUnhandled,
	// topics
	AddPartitions,
}

// outcomes, modes and styles list their value sets the same way; the
// empty value has code 0.
var (
	outcomes = []Outcome{OutcomeOK, OutcomeRejected, OutcomeConflict, OutcomeUnknown, OutcomeRolledBack, OutcomeTimeout, OutcomeFenced, OutcomeRebalancing}
	modes    = []Mode{ModeWriteModel, ModeReadModel, ModeEventual, ModeReadYourWrites, ModeStrong, ModeAsOf}
	styles   = []Style{StyleQueue, StyleProjection}
)

// codeTable maps the values of one set to their codes and back.
//
// A recorder names values by the package's constants, whose bytes sit at
// fixed addresses: byAddr finds those by address without hashing the
// string; any other string (one read from a file) goes through codes.
type codeTable[T ~string] struct {
	name   string
	codes  map[T]uint8
	vals   []T
	byAddr [codeAddrLen]addrCode[T]
}

type addrCode[T ~string] struct {
	v T
	c uint8
}

const (
	codeAddrBits = 8
	codeAddrLen  = 1 << codeAddrBits
)

// addrSlot returns the byAddr slot of v.
func addrSlot[T ~string](v T) uint64 {
	p := uint64(uintptr(unsafe.Pointer(unsafe.StringData(string(v)))))
	return (p * 0x9e3779b97f4a7c15) >> (64 - codeAddrBits)
}

func newCodeTable[T ~string](name string, vals []T) *codeTable[T] {
	t := &codeTable[T]{name: name, codes: make(map[T]uint8, len(vals)), vals: append([]T{""}, vals...)}
	for i, v := range vals {
		if _, dup := t.codes[v]; dup || v == "" || i >= 254 {
			panic(fmt.Sprintf("history: %s %q listed twice, empty, or one too many", name, v))
		}
		t.codes[v] = uint8(i + 1)
		if a := &t.byAddr[addrSlot(v)]; a.v == "" {
			*a = addrCode[T]{v, uint8(i + 1)}
		}
	}
	return t
}

// code returns v's code; ok is false when v is not in the set.
func (t *codeTable[T]) code(v T) (c uint8, ok bool) {
	if v == "" {
		return 0, true
	}
	if a := &t.byAddr[addrSlot(v)]; unsafe.StringData(string(a.v)) == unsafe.StringData(string(v)) && len(a.v) == len(v) {
		return a.c, true
	}
	c, ok = t.codes[v]
	return c, ok
}

func (t *codeTable[T]) value(c uint8) T { return t.vals[c] }

// check returns an error naming the set and its values when v is not in
// it.
func (t *codeTable[T]) check(v T) error {
	if _, ok := t.code(v); ok {
		return nil
	}
	names := make([]string, 0, len(t.vals)-1)
	for _, x := range t.vals[1:] {
		names = append(names, string(x))
	}
	return fmt.Errorf("unknown %s %q: want one of %s", t.name, v, strings.Join(names, ", "))
}

var (
	kindCodes    = newCodeTable("record kind", kinds)
	outcomeCodes = newCodeTable("outcome", outcomes)
	modeCodes    = newCodeTable("mode", modes)
	styleCodes   = newCodeTable("style", styles)
)

// Kinds returns every record kind, in a fixed order.
func Kinds() []Kind { return append([]Kind(nil), kinds...) }

// Known reports whether k is a record kind.
func (k Kind) Known() bool {
	_, ok := kindCodes.code(k)
	return ok && k != ""
}
