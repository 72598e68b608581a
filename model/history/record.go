package history

import (
	"fmt"
	"math"
	"runtime"
)

// Record is an [Entry] as a history keeps it in memory: 96 bytes with no
// pointers, so that a history of millions of records costs the garbage
// collector nothing to scan. Its strings are symbols of the history's
// table ([History.Str]); its kind, outcome and mode are small codes; the
// fields few kinds use (the event store's expected version and basis, a
// query's token, a producer's id and sequence, a saga's states, the
// reasons and crash points, a payload) live in a side row that only the
// records which use them have. A producer's record (publish, append,
// acknowledgement, retry, failure) whose only such fields are its
// producer id, sequence and epoch keeps them in place of its Version,
// Position and Value, which it does not use: it needs no side row. Likewise
// a record of a command or a query (the invocation, its return, the
// store's append, reservation, rollback, duplicate and lost answer) keeps
// its Command in place of its Topic, which it does not use, so that most
// need no side row; and a store's append whose other side fields are its
// Basis, Expected and State keeps them in place of its Offset, Group and
// Count. Read a record's fields through [History.At], which returns its
// Entry; [History.Record] gives the compact form to code that compares
// symbols in place (its Value, Version and Position mean nothing on a
// producer's record, nor its Topic on a command's: read its Command with
// [History.CommandOf]; nor a store append's Offset, Group and Count).
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

// Stateful returns the record's Stateful flag.
func (r Record) Stateful() bool { return r.flags&flagStateful != 0 }

// Drained returns the record's Drained flag.
func (r Record) Drained() bool { return r.flags&flagDrained != 0 }

// The flags of a Record.
const (
	flagDrained = 1 << iota
	flagStateful
	flagInferred
	flagSwitched
	flagPowerLoss
	// flagProducer: Version, Position and Value hold the producer id,
	// sequence and epoch.
	flagProducer
	// flagCommand: Topic holds the Command.
	flagCommand
	// flagStore: Offset, Group and Count hold a store append's Basis,
	// Expected and State.
	flagStore
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

// packRecord writes e's record into r (every field of it but ext, which
// it sets to 0) and reports whether e needs a side row, which
// [History.packExtra] then fills. ev and key are hints of the symbols of
// e.Event and e.Key ([History.PutSyms]). It panics on a value outside its set:
// the recorder's bug (ReadJSONL checks a file's entries with fits first).
func (h *History) packRecord(e *Entry, r *Record, ev, key Sym) bool {
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
	r.At, r.Offset, r.Amount, r.Value, r.Version, r.Position = e.At, e.Offset, e.Amount, e.Value, e.Version, e.Position
	r.Node = t.internLast(&t.last[0], e.Node)
	r.Group = t.internLast(&t.last[1], e.Group)
	r.Topic = t.internLast(&t.last[2], e.Topic)
	if t.is(ev, e.Event) {
		r.Event = ev
	} else {
		r.Event = t.internLast(&t.last[3], e.Event)
	}
	if t.is(key, e.Key) {
		r.Key = key
	} else {
		r.Key = t.intern(e.Key)
	}
	r.Type = t.internLast(&t.last[4], e.Type)
	r.Partition, r.Attempt, r.Generation, r.Count = int32(e.Partition), int32(e.Attempt), int32(e.Generation), int32(e.Count)
	r.ext, r.kind, r.outcome, r.mode = 0, k, o, m
	var f uint8
	if e.Drained {
		f |= flagDrained
	}
	if e.Stateful {
		f |= flagStateful
	}
	if e.Inferred {
		f |= flagInferred
	}
	if e.Switched {
		f |= flagSwitched
	}
	if e.PowerLoss {
		f |= flagPowerLoss
	}
	cmd := e.Command != ""
	if cmd && e.Topic == "" && commandKind[k] {
		r.Topic = t.intern(e.Command)
		f |= flagCommand
		cmd = false
	}
	r.flags = f
	prod := e.ProducerID != 0 || e.Seq != 0 || e.Epoch != 0
	store := e.Basis != 0 || e.Expected != "" || e.State != ""
	more := cmd || e.Token != 0 || e.SLO != 0 || e.Until != 0 || e.Logic != 0 || s != 0 ||
		e.Payload != "" || e.Reason != "" || e.CrashPoint != "" ||
		e.Service != "" || e.Replay != "" || e.From != "" || e.To != "" || e.Partitions != "" ||
		e.GapPolicy != "" || e.Rebuild != "" || e.ErrorKind != "" || e.LeaveReason != "" || e.Election != "" || e.Member != "" ||
		e.TxnID != "" || e.Input != ""
	switch {
	case more:
	case prod && !store && producerKind[k] && e.Version == 0 && e.Position == 0 && e.Value == 0 &&
		e.Epoch >= math.MinInt32 && e.Epoch <= math.MaxInt32:
		r.Version, r.Position, r.Value = e.ProducerID, e.Seq, int64(e.Epoch)
		r.flags |= flagProducer
		return false
	case store && !prod && k == storeAppendCode && e.Offset == 0 && e.Group == "" && e.Count == 0:
		r.Offset, r.Group, r.Count = e.Basis, t.intern(e.Expected), int32(t.intern(e.State))
		r.flags |= flagStore
		return false
	}
	return more || prod || store
}

// storeAppendCode is the code of StoreAppend.
var storeAppendCode, _ = kindCodes.code(StoreAppend)

// producerKind says, by kind code, whether a record of the kind is a
// producer's, which may keep its producer fields in place.
var producerKind = func() (is [256]bool) {
	for _, k := range []Kind{Publish, Append, PublishAck, PublishRetry, PublishFail} {
		c, _ := kindCodes.code(k)
		is[c] = true
	}
	return is
}()

// commandKind says, by kind code, whether a record of the kind is a
// command's or a query's, which may keep its Command in place.
var commandKind = func() (is [256]bool) {
	for _, k := range []Kind{Command, CommandReturn, Query, QueryReturn, StoreAppend, StoreReserve,
		StoreRollback, StoreDuplicate, LostAnswer} {
		c, _ := kindCodes.code(k)
		is[c] = true
	}
	return is
}()

// packExtra writes the side row of e, whose record is r, into x. Only the
// record's producer fields and a few names are common; the rest are
// interned only when set. A Command that r keeps in place is not repeated.
func (h *History) packExtra(e *Entry, r *Record, x *extra) {
	t := &h.syms
	s, _ := styleCodes.code(e.Style)
	*x = extra{
		Basis: e.Basis, Token: e.Token, SLO: e.SLO, Until: e.Until, ProducerID: e.ProducerID, Seq: e.Seq,
		Epoch: int32(e.Epoch), Logic: int32(e.Logic),
		style: s,
	}
	x.Payload, x.Service = t.intern(e.Payload), t.internLast(&t.last[5], e.Service)
	if e.Command != "" || e.Expected != "" || e.Reason != "" || e.CrashPoint != "" || e.State != "" || e.Replay != "" ||
		e.From != "" || e.To != "" || e.Partitions != "" || e.GapPolicy != "" || e.Rebuild != "" || e.ErrorKind != "" ||
		e.LeaveReason != "" || e.Election != "" || e.Member != "" || e.TxnID != "" || e.Input != "" {
		if r.flags&flagCommand == 0 {
			x.Command = t.intern(e.Command)
		}
		x.Expected = t.intern(e.Expected)
		x.Reason, x.CrashPoint = t.intern(e.Reason), t.intern(string(e.CrashPoint))
		x.State, x.Replay, x.From, x.To = t.intern(e.State), t.intern(e.Replay), t.intern(e.From), t.intern(e.To)
		x.Partitions, x.GapPolicy = t.intern(e.Partitions), t.intern(string(e.GapPolicy))
		x.Rebuild, x.ErrorKind = t.intern(string(e.Rebuild)), t.intern(string(e.ErrorKind))
		x.LeaveReason, x.Election = t.intern(string(e.LeaveReason)), t.intern(string(e.Election))
		x.Member, x.TxnID, x.Input = t.intern(e.Member), t.intern(e.TxnID), t.intern(e.Input)
	}
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
	if r.flags&flagProducer != 0 {
		e.ProducerID, e.Seq, e.Epoch = r.Version, r.Position, int(r.Value)
		e.Version, e.Position, e.Value = 0, 0, 0
	}
	if r.flags&flagCommand != 0 {
		e.Command, e.Topic = e.Topic, ""
	}
	if r.flags&flagStore != 0 {
		e.Basis, e.Expected, e.State = r.Offset, t.str(r.Group), t.str(Sym(uint32(r.Count)))
		e.Offset, e.Group, e.Count = 0, "", 0
	}
	if r.ext == 0 {
		runtime.KeepAlive(h) // see chunkMem
		return e
	}
	x := h.side(r.ext - 1)
	e.Basis, e.Token, e.SLO, e.Until, e.ProducerID, e.Seq = x.Basis, x.Token, x.SLO, x.Until, x.ProducerID, x.Seq
	e.Epoch, e.Logic = int(x.Epoch), int(x.Logic)
	e.Payload, e.Expected, e.Reason = t.str(x.Payload), t.str(x.Expected), t.str(x.Reason)
	if r.flags&flagCommand == 0 {
		e.Command = t.str(x.Command)
	}
	e.CrashPoint, e.Service = CrashPoint(t.str(x.CrashPoint)), t.str(x.Service)
	e.State, e.Replay, e.From, e.To, e.Partitions = t.str(x.State), t.str(x.Replay), t.str(x.From), t.str(x.To), t.str(x.Partitions)
	e.GapPolicy, e.Rebuild = GapPolicy(t.str(x.GapPolicy)), RebuildMode(t.str(x.Rebuild))
	e.ErrorKind, e.LeaveReason = ErrorKind(t.str(x.ErrorKind)), LeaveReason(t.str(x.LeaveReason))
	e.Election, e.Member = Election(t.str(x.Election)), t.str(x.Member)
	e.TxnID, e.Input = t.str(x.TxnID), t.str(x.Input)
	e.Style = styleCodes.value(x.style)
	runtime.KeepAlive(h)
	return e
}
