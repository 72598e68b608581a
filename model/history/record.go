package history

import (
	"fmt"
	"math"
)

// Record is an [Entry] as a history keeps it in memory: 96 bytes with no
// pointers, so that a history of millions of records costs the garbage
// collector nothing to scan. Its strings are symbols of the history's
// table ([History.Str]); its kind, outcome and mode are small codes; the
// fields few kinds use (the event store's expected version and basis, a
// query's token, a producer's id and sequence, a saga's states, the
// reasons and crash points, a payload) live in a side row that only the
// records which use them have. Read a record's fields through
// [History.At], which returns its Entry; [History.Record] gives the
// compact form to code that compares symbols in place.
type Record struct {
	At, Offset, Amount, Value, Version, Position int64

	Node, Group, Topic, Event, Key, Type Sym

	Partition, Attempt, Generation, Count int32

	ext                        uint32 // 1 + index of the side row; 0: none
	kind, outcome, mode, flags uint8
}

// Kind returns the record's kind.
func (r Record) Kind() Kind { return kindCodes.value(r.kind) }

// Outcome returns the record's outcome.
func (r Record) Outcome() Outcome { return outcomeCodes.value(r.outcome) }

// Mode returns the record's mode.
func (r Record) Mode() Mode { return modeCodes.value(r.mode) }

// The flags of a Record.
const (
	flagDrained = 1 << iota
	flagStateful
	flagInferred
	flagSwitched
	flagPowerLoss
)

// extra is the side row of a Record: the fields few kinds use.
type extra struct {
	Basis, Token, SLO, Until, ProducerID, Seq int64

	Epoch, Logic int32

	Payload, Command, Expected, Reason, CrashPoint, Service, State, Replay,
	From, To, Partitions, GapPolicy, Rebuild, ErrorKind, LeaveReason, Election, Member Sym

	TxnID, Input Sym

	style uint8
}

// fits returns an error when a field of e is outside what a Record holds:
// a kind, outcome, mode or style not in its value set, or a count that
// does not fit 32 bits.
func (e *Entry) fits() error {
	if err := kindCodes.check(e.Kind); err != nil || e.Kind == "" {
		if e.Kind == "" {
			return fmt.Errorf("unknown record kind \"\": the record has no kind")
		}
		return err
	}
	if err := outcomeCodes.check(e.Outcome); err != nil {
		return err
	}
	if err := modeCodes.check(e.Mode); err != nil {
		return err
	}
	if err := styleCodes.check(e.Style); err != nil {
		return err
	}
	for _, f := range []struct {
		name string
		v    int
	}{{"partition", e.Partition}, {"attempt", e.Attempt}, {"generation", e.Generation},
		{"count", e.Count}, {"epoch", e.Epoch}, {"logic", e.Logic}} {
		if f.v < math.MinInt32 || f.v > math.MaxInt32 {
			return fmt.Errorf("%s %d does not fit 32 bits", f.name, f.v)
		}
	}
	return nil
}

// pack returns e's record and side row; more says whether e needs the
// side row. It panics on a value outside its set: the recorder's bug
// (ReadJSONL checks a file's entries with fits first).
func (h *History) pack(e *Entry) (r Record, x extra, more bool) {
	t := &h.syms
	k, ok1 := kindCodes.code(e.Kind)
	o, ok2 := outcomeCodes.code(e.Outcome)
	m, ok3 := modeCodes.code(e.Mode)
	s, ok4 := styleCodes.code(e.Style)
	if !ok1 || !ok2 || !ok3 || !ok4 || k == 0 {
		if err := e.fits(); err != nil {
			panic("history: " + err.Error())
		}
	}
	r = Record{
		At: e.At, Offset: e.Offset, Amount: e.Amount, Value: e.Value, Version: e.Version, Position: e.Position,
		Node: t.intern(e.Node), Group: t.intern(e.Group), Topic: t.intern(e.Topic),
		Event: t.intern(e.Event), Key: t.intern(e.Key), Type: t.intern(e.Type),
		Partition: int32(e.Partition), Attempt: int32(e.Attempt), Generation: int32(e.Generation), Count: int32(e.Count),
		kind: k, outcome: o, mode: m,
	}
	for _, f := range []struct {
		on   bool
		flag uint8
	}{{e.Drained, flagDrained}, {e.Stateful, flagStateful}, {e.Inferred, flagInferred},
		{e.Switched, flagSwitched}, {e.PowerLoss, flagPowerLoss}} {
		if f.on {
			r.flags |= f.flag
		}
	}
	more = e.Basis != 0 || e.Token != 0 || e.SLO != 0 || e.Until != 0 || e.ProducerID != 0 || e.Seq != 0 ||
		e.Epoch != 0 || e.Logic != 0 || s != 0 ||
		e.Payload != "" || e.Command != "" || e.Expected != "" || e.Reason != "" || e.CrashPoint != "" ||
		e.Service != "" || e.State != "" || e.Replay != "" || e.From != "" || e.To != "" || e.Partitions != "" ||
		e.GapPolicy != "" || e.Rebuild != "" || e.ErrorKind != "" || e.LeaveReason != "" || e.Election != "" || e.Member != "" ||
		e.TxnID != "" || e.Input != ""
	if !more {
		return r, x, false
	}
	x = extra{
		Basis: e.Basis, Token: e.Token, SLO: e.SLO, Until: e.Until, ProducerID: e.ProducerID, Seq: e.Seq,
		Epoch: int32(e.Epoch), Logic: int32(e.Logic),
		Payload: t.intern(e.Payload), Command: t.intern(e.Command), Expected: t.intern(e.Expected),
		Reason: t.intern(e.Reason), CrashPoint: t.intern(string(e.CrashPoint)), Service: t.intern(e.Service),
		State: t.intern(e.State), Replay: t.intern(e.Replay), From: t.intern(e.From), To: t.intern(e.To),
		Partitions: t.intern(e.Partitions), GapPolicy: t.intern(string(e.GapPolicy)),
		Rebuild: t.intern(string(e.Rebuild)), ErrorKind: t.intern(string(e.ErrorKind)),
		LeaveReason: t.intern(string(e.LeaveReason)), Election: t.intern(string(e.Election)), Member: t.intern(e.Member),
		TxnID: t.intern(e.TxnID), Input: t.intern(e.Input),
		style: s,
	}
	return r, x, true
}

// unpack returns the Entry of record r.
func (h *History) unpack(r *Record) Entry {
	t := &h.syms
	e := Entry{
		At: r.At, Kind: kindCodes.value(r.kind), Node: t.str(r.Node), Group: t.str(r.Group), Topic: t.str(r.Topic),
		Partition: int(r.Partition), Offset: r.Offset, Event: t.str(r.Event), Key: t.str(r.Key), Type: t.str(r.Type),
		Amount: r.Amount, Attempt: int(r.Attempt), Version: r.Version, Position: r.Position,
		Outcome: outcomeCodes.value(r.outcome), Value: r.Value, Mode: modeCodes.value(r.mode),
		Generation: int(r.Generation), Count: int(r.Count),
		Drained: r.flags&flagDrained != 0, Stateful: r.flags&flagStateful != 0, Inferred: r.flags&flagInferred != 0,
		Switched: r.flags&flagSwitched != 0, PowerLoss: r.flags&flagPowerLoss != 0,
	}
	if r.ext == 0 {
		return e
	}
	x := h.side(r.ext - 1)
	e.Basis, e.Token, e.SLO, e.Until, e.ProducerID, e.Seq = x.Basis, x.Token, x.SLO, x.Until, x.ProducerID, x.Seq
	e.Epoch, e.Logic = int(x.Epoch), int(x.Logic)
	e.Payload, e.Command, e.Expected, e.Reason = t.str(x.Payload), t.str(x.Command), t.str(x.Expected), t.str(x.Reason)
	e.CrashPoint, e.Service = CrashPoint(t.str(x.CrashPoint)), t.str(x.Service)
	e.State, e.Replay, e.From, e.To, e.Partitions = t.str(x.State), t.str(x.Replay), t.str(x.From), t.str(x.To), t.str(x.Partitions)
	e.GapPolicy, e.Rebuild = GapPolicy(t.str(x.GapPolicy)), RebuildMode(t.str(x.Rebuild))
	e.ErrorKind, e.LeaveReason = ErrorKind(t.str(x.ErrorKind)), LeaveReason(t.str(x.LeaveReason))
	e.Election, e.Member = Election(t.str(x.Election)), t.str(x.Member)
	e.TxnID, e.Input = t.str(x.TxnID), t.str(x.Input)
	e.Style = styleCodes.value(x.style)
	return e
}
