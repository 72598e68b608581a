package history

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"
)

// Schema is the version of the JSON Lines form, written in the header line
// as {"schema":"evsim.history/v2"}. Version 2 gives each meaning of
// version 1's "point" a field of its own (crash_point, reason, gap_policy,
// rebuild, switched, error_kind, leave_reason, election, power_loss) and
// adds an event's payload; it checks every kind, outcome, mode and style
// against its value set.
const Schema = "evsim.history/v2"

// SchemaV11 is version 1.1 of the form: version 1 plus the records and
// fields a check needs to judge without guessing (store-publisher records,
// the subscribe record's stateful flag, the producer's epoch, replication's
// partition changes and truncations). ReadJSONL reads it, and
// [History.WriteJSONLAs] still writes it.
const SchemaV11 = "evsim.history/v1.1"

// SchemaV1 is the first version of the form. ReadJSONL still reads it and
// fills in what version 1.1 records explicitly (see [upgradeV1]).
const SchemaV1 = "evsim.history/v1"

// legacyEntry is an entry of version 1 or 1.1, whose "point" field held
// whichever of version 2's fields the kind used.
type legacyEntry struct {
	Entry
	Point string `json:"point,omitempty"`
}

// fromLegacy moves a version 1 entry's point to the field its kind means
// by it.
func fromLegacy(l legacyEntry) Entry {
	e := l.Entry
	if l.Point == "" {
		return e
	}
	switch e.Kind {
	case Crash:
		e.CrashPoint = CrashPoint(l.Point)
	case ProjectionSkip:
		e.GapPolicy = GapPolicy(l.Point)
	case ProjectionReset:
		e.Rebuild = RebuildMode(l.Point)
	case Checkpoint:
		e.Switched = l.Point == "switched"
	case HandlerError:
		e.ErrorKind = ErrorKind(l.Point)
	case Leave, Expire:
		e.LeaveReason = LeaveReason(l.Point)
	case PartitionChange:
		e.Election = Election(l.Point)
	case Truncate:
		e.PowerLoss = l.Point == "power-loss"
	default:
		e.Reason = l.Point
	}
	return e
}

// toLegacy is fromLegacy's inverse, for writing version 1.1. A payload
// and a member id, which version 1.1 has no field for, are left out.
func toLegacy(e Entry) legacyEntry {
	l := legacyEntry{Entry: e}
	switch {
	case e.CrashPoint != "":
		l.Point = string(e.CrashPoint)
	case e.GapPolicy != "":
		l.Point = string(e.GapPolicy)
	case e.Rebuild != "":
		l.Point = string(e.Rebuild)
	case e.Switched:
		l.Point = "switched"
	case e.ErrorKind != "":
		l.Point = string(e.ErrorKind)
	case e.LeaveReason != "":
		l.Point = string(e.LeaveReason)
	case e.Election != "":
		l.Point = string(e.Election)
	case e.PowerLoss:
		l.Point = "power-loss"
	case e.Reason != "":
		l.Point = e.Reason
	}
	l.CrashPoint, l.GapPolicy, l.Rebuild, l.Switched, l.ErrorKind = "", "", "", false, ""
	l.LeaveReason, l.Election, l.PowerLoss, l.Reason, l.Payload, l.Member = "", "", false, "", "", ""
	return l
}

// fitsV11 returns an error naming the first record that version 1.1
// cannot carry: Kafka transactions came with version 2.
func (h *History) fitsV11() error {
	for i, e := range h.All() {
		what := ""
		switch {
		case e.Kind == TxnInit || e.Kind == TxnBegin || e.Kind == TxnCommit || e.Kind == TxnAbort || e.Kind == ProducerFenced:
			what = "kind " + string(e.Kind)
		case e.TxnID != "":
			what = "a txn_id"
		case e.Input != "":
			what = "an input"
		}
		if what != "" {
			return fmt.Errorf("write history as %s: record %d (at %d, %s) has %s, which version 1.1 cannot carry: write %s instead", SchemaV11, i, e.At, e.Kind, what, Schema)
		}
	}
	return nil
}

type header struct {
	Schema string `json:"schema"`
	// Source is [History.Source] (absent for a simulated run).
	Source string `json:"source,omitempty"`
}

// WriteJSONL writes h as JSON Lines: a header, then one record per line.
// The output depends only on the records and the source, byte for byte.
func (h *History) WriteJSONL(w io.Writer) error { return h.WriteJSONLAs(w, Schema) }

// WriteJSONLAs writes h as JSON Lines in the given schema version: [Schema]
// or [SchemaV11], for tools that read only the older form. Version 1.1
// has one point field where version 2 has a typed field per meaning, and
// no payload or member field: those two are left out. It has no
// transactions: a history with a transaction record, a txn_id or an input
// is refused whole, before anything is written, naming the first such
// record.
func (h *History) WriteJSONLAs(w io.Writer, schema string) error {
	if schema != Schema && schema != SchemaV11 {
		return fmt.Errorf("write history: cannot write schema %q: want %q or %q", schema, Schema, SchemaV11)
	}
	if schema == SchemaV11 {
		if err := h.fitsV11(); err != nil {
			return err
		}
	}
	bw := bufio.NewWriter(w)
	enc := json.NewEncoder(bw)
	if err := enc.Encode(header{Schema: schema, Source: h.Source}); err != nil {
		return fmt.Errorf("write history header: %w", err)
	}
	for i, e := range h.All() {
		var v any = &e
		if schema == SchemaV11 {
			l := toLegacy(e)
			v = &l
		} else if e.Kind == StoreAppend && e.State == "" {
			v = withBasis(e)
		} else if e.untilAmbiguous() && e.Until == 0 {
			v = &untilField{Entry: e, Until: &e.Until}
		}
		if err := enc.Encode(v); err != nil {
			return fmt.Errorf("write history record %d: %w", i, err)
		}
	}
	if err := bw.Flush(); err != nil {
		return fmt.Errorf("write history: %w", err)
	}
	if err := h.Err(); err != nil {
		return fmt.Errorf("write history: %w", err)
	}
	return nil
}

// ReadJSONL reads a history written by [History.WriteJSONL]. name is used in
// errors, which give the line and what is wrong: a missing or unknown
// schema, malformed JSON, an unknown field or kind, a negative time, or a
// time earlier than the record before it (records are in the order they
// happened; see [History.Validate]).
func ReadJSONL(name string, r io.Reader) (*History, error) {
	return ReadJSONLSpilling(name, r, 0, "")
}

// ReadJSONLSpilling is [ReadJSONL] into a history that spills to a file
// in dir past budget bytes of memory ([History.SpillOver]); a spill file
// that fails is an error.
func ReadJSONLSpilling(name string, r io.Reader, budget int64, dir string) (*History, error) {
	h := &History{}
	h.SpillOver(budget, dir)
	out, err := readJSONL(name, r, h, budget, dir)
	if err != nil {
		h.Close() // its spill file, if it made one, goes with it
		return nil, err
	}
	return out, nil
}

// readJSONL is [ReadJSONLSpilling] into h; it returns h, or for a version
// 1 history the upgraded history that replaces it.
func readJSONL(name string, r io.Reader, h *History, budget int64, dir string) (*History, error) {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64*1024), 16*1024*1024)
	line := 0
	sawHeader, v1, legacy := false, false, false
	var prevAt int64
	prevLine, headerLine := 0, 0
	for sc.Scan() {
		line++
		b := sc.Bytes()
		if line == 1 {
			b = bytes.TrimPrefix(b, byteOrderMark)
		}
		b = bytes.TrimSpace(b)
		if len(b) == 0 {
			continue
		}
		if !sawHeader {
			var hd header
			err := strict(b, &hd)
			if err != nil && bytes.Contains(b, []byte(`"schema"`)) {
				return nil, fmt.Errorf("%s:%d: bad header line: %v: want {\"schema\":%q}, with a \"source\" string at most", name, line, err, Schema)
			}
			if err != nil || hd.Schema == "" {
				return nil, fmt.Errorf("%s:%d: want the header line {\"schema\":%q} first", name, line, Schema)
			}
			if hd.Schema != Schema && hd.Schema != SchemaV11 && hd.Schema != SchemaV1 {
				return nil, fmt.Errorf("%s:%d: unsupported schema %q: this evsim reads %q, %q and %q", name, line, hd.Schema, Schema, SchemaV11, SchemaV1)
			}
			v1 = hd.Schema == SchemaV1
			legacy = hd.Schema != Schema
			h.Source = hd.Source
			sawHeader, headerLine = true, line
			continue
		}
		var rec Entry
		var err error
		if legacy {
			var l legacyEntry
			if err = strict(b, &l); err == nil {
				rec = fromLegacy(l)
			}
		} else {
			err = strict(b, &rec)
		}
		if err != nil {
			var hd header
			if strict(b, &hd) == nil && hd.Schema != "" {
				return nil, fmt.Errorf("%s:%d: a second header line (the first is on line %d): a file holds one history; were two files joined?", name, line, headerLine)
			}
			return nil, fmt.Errorf("%s:%d: bad record: %v", name, line, err)
		}
		if err := plainFields(b); err != nil {
			return nil, fmt.Errorf("%s:%d: %v", name, line, err)
		}
		if err := rec.fits(); err != nil {
			return nil, fmt.Errorf("%s:%d: %v", name, line, err)
		}
		if err := rec.known(); err != nil {
			return nil, fmt.Errorf("%s:%d: %v", name, line, err)
		}
		if err := rec.readBasis(b, legacy); err != nil {
			return nil, fmt.Errorf("%s:%d: %v", name, line, err)
		}
		if err := rec.readUntil(b, legacy); err != nil {
			return nil, fmt.Errorf("%s:%d: %v", name, line, err)
		}
		if rec.At < 0 {
			return nil, fmt.Errorf("%s:%d: negative time %d: times are nanoseconds since the start of the run", name, line, rec.At)
		}
		if rec.At < prevAt {
			return nil, fmt.Errorf("%s:%d: time goes back: at %d is earlier than %d on line %d; records must be in the order they happened", name, line, rec.At, prevAt, prevLine)
		}
		prevAt, prevLine = rec.At, line
		h.add(&rec)
	}
	if err := sc.Err(); err != nil {
		if line == 0 {
			return nil, fmt.Errorf("%s: %w", name, err) // not a file of lines, as a folder
		}
		return nil, fmt.Errorf("%s:%d: %w", name, line+1, err)
	}
	if !sawHeader {
		return nil, fmt.Errorf("%s: empty history: want the header line {\"schema\":%q} first", name, Schema)
	}
	if v1 {
		up, err := upgradeV1(h, budget, dir)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", name, err)
		}
		return up, nil
	}
	if err := h.Err(); err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	return h, nil
}

func strict(b []byte, v any) error {
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return err
	}
	if dec.More() {
		return errors.New("more than one JSON value on the line")
	}
	return nil
}

// byteOrderMark is UTF-8's byte-order mark, which some editors write at
// the start of a file; a history read skips it.
var byteOrderMark = []byte("\xef\xbb\xbf")

// plainFields returns an error for a record (a JSON object that decoded
// into an [Entry]) with a null value, which would read as zero, or a field
// given twice, of which the last would win; field names match in any
// letter case, as they decode.
func plainFields(b []byte) error {
	if len(b) == 0 || b[0] != '{' {
		return nil
	}
	var buf [64][]byte
	seen := buf[:0]
	i := 1
	for {
		i = skipSpace(b, i)
		if i >= len(b) || b[i] != '"' {
			return nil // the closing brace
		}
		end := stringEnd(b, i)
		key := b[i+1 : end-1]
		if bytes.IndexByte(key, '\\') >= 0 {
			var k string
			if err := json.Unmarshal(b[i:end], &k); err != nil {
				return nil // the decoder took the line: it is valid
			}
			key = []byte(k)
		}
		for _, k := range seen {
			if bytes.EqualFold(k, key) {
				return fmt.Errorf("field %q appears twice: give each field once", key)
			}
		}
		seen = append(seen, key)
		i = skipSpace(b, end)
		i = skipSpace(b, i+1) // the colon
		if i < len(b) && b[i] == 'n' {
			return fmt.Errorf("field %q is null: give it a value or leave it out", key)
		}
		if i < len(b) && b[i] == '"' {
			i = stringEnd(b, i)
		}
		for i < len(b) && b[i] != ',' && b[i] != '}' {
			i++
		}
		if i >= len(b) || b[i] == '}' {
			return nil
		}
		i++
	}
}

func skipSpace(b []byte, i int) int {
	for i < len(b) && (b[i] == ' ' || b[i] == '\t' || b[i] == '\r' || b[i] == '\n') {
		i++
	}
	return i
}

// stringEnd returns the index just past the JSON string that starts at
// b[i].
func stringEnd(b []byte, i int) int {
	for j := i + 1; j < len(b); j++ {
		switch b[j] {
		case '\\':
			j++
		case '"':
			return j + 1
		}
	}
	return len(b)
}

// known returns an error when a field of a closed value set holds a value
// outside it: a typo would otherwise read as another meaning (an unclean
// election as a clean one, a blue-green rebuild as one in place). The
// empty value is each set's absent one. A negative partition, or an
// offset below [OffsetUnknown], is an error too.
func (e *Entry) known() error {
	for _, f := range []struct {
		name, v string
		set     []string
	}{
		{"election", string(e.Election), []string{string(ElectionClean), string(ElectionUnclean), string(ElectionOffline), string(ISRChange)}},
		{"rebuild", string(e.Rebuild), []string{string(RebuildInPlace), string(RebuildStopFirst), string(RebuildBlueGreen)}},
		{"gap_policy", string(e.GapPolicy), []string{string(GapWait), string(GapSkipAfter), string(GapSkipNoWriter)}},
		{"error_kind", string(e.ErrorKind), []string{string(ErrorPoison), string(ErrorTransient)}},
		{"leave_reason", string(e.LeaveReason), []string{string(LeavePollTimeout), string(ExpireRebalanceTimeout),
			string(ExpireOffsetsRetention), string(LeaveStaticClose)}},
	} {
		if f.v != "" && !slices.Contains(f.set, f.v) {
			return fmt.Errorf("unknown %s %q: want one of %s", f.name, f.v, strings.Join(f.set, ", "))
		}
	}
	if e.Partition < 0 {
		return fmt.Errorf("partition %d: partitions count from 0", e.Partition)
	}
	if e.Offset < OffsetUnknown {
		return fmt.Errorf("offset %d: offsets count from 0 (-1: an offset the producer never learned)", e.Offset)
	}
	return nil
}

// basisField is a store append without a state as version 2 writes it:
// its basis written whenever known, 0 included, and left out when
// unknown, so that it reads back as it was (see [Entry.readBasis]).
type basisField struct {
	Entry
	Basis *int64 `json:"basis,omitempty"`
}

// withBasis returns e in the form [basisField] writes.
func withBasis(e Entry) *basisField {
	f := &basisField{Entry: e}
	if e.Basis != BasisUnknown {
		f.Basis = &f.Entry.Basis
	}
	return f
}

// readBasis completes the Basis of a record read from line b. A version 2
// store append with neither a "basis" nor a "state" did not say which
// version its command decided on: its basis is [BasisUnknown]. (evsim's
// store records the state each append leaves and omits a basis of 0 as
// any zero field; version 1 and 1.1 files meant 0 by an absent basis.) A
// basis below -1 is refused.
func (e *Entry) readBasis(b []byte, legacy bool) error {
	if e.Basis < BasisUnknown {
		return fmt.Errorf("basis %d: want the version the command decided on (0 or more), or -1 for unknown", e.Basis)
	}
	if legacy || e.Kind != StoreAppend || e.Basis != 0 || e.State != "" {
		return nil
	}
	var p struct {
		Basis *int64 `json:"basis"`
	}
	if err := json.Unmarshal(b, &p); err == nil && p.Basis == nil {
		e.Basis = BasisUnknown
	}
	return nil
}

// untilAmbiguous reports whether e is a record whose absent "until" reads
// as [UntilUnknown] in version 2: an ok as-of query-return with no apply
// logic (evsim's sessions record the logic of each as-of answer).
func (e *Entry) untilAmbiguous() bool {
	return e.Kind == QueryReturn && e.Mode == ModeAsOf && e.Outcome == OutcomeOK && e.Logic == 0
}

// untilField is an as-of answer without a logic as version 2 writes it:
// its time written even when 0, so that it reads back as time 0 and not
// as unknown (see [Entry.readUntil]).
type untilField struct {
	Entry
	Until *int64 `json:"until,omitempty"`
}

// readUntil completes the Until of a record read from line b. A version 2
// ok as-of query-return with neither an "until" nor a "logic" did not say
// which past time it asked about: its Until is [UntilUnknown]. (evsim's
// sessions record the logic of each as-of answer and omit a time of 0 as
// any zero field; version 1 and 1.1 files meant 0 by an absent until.)
// An until below -1 is refused.
func (e *Entry) readUntil(b []byte, legacy bool) error {
	if e.Until < UntilUnknown {
		return fmt.Errorf("until %d: want a time (0 or more nanoseconds since the start), or -1 for unknown", e.Until)
	}
	if legacy || e.Until != 0 || !e.untilAmbiguous() {
		return nil
	}
	var p struct {
		Until *int64 `json:"until"`
	}
	if err := json.Unmarshal(b, &p); err == nil && p.Until == nil {
		e.Until = UntilUnknown
	}
	return nil
}
