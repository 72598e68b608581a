package history

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
)

// Schema is the version of the JSON Lines form, written in the header line
// as {"schema":"evsim.history/v1.1"}. Version 1.1 adds the records and
// fields a check needs to judge without guessing: store-publisher records,
// the subscribe record's stateful flag, the producer's epoch, replication's
// partition changes and truncations.
const Schema = "evsim.history/v1.1"

// SchemaV1 is the first version of the form. ReadJSONL still reads it and
// fills in what version 1.1 records explicitly (see [upgradeV1]).
const SchemaV1 = "evsim.history/v1"

type header struct {
	Schema string `json:"schema"`
	// Source is [History.Source] (absent for a simulated run).
	Source string `json:"source,omitempty"`
}

// WriteJSONL writes h as JSON Lines: a header, then one record per line.
// The output depends only on the records and the source, byte for byte.
func (h *History) WriteJSONL(w io.Writer) error {
	bw := bufio.NewWriter(w)
	enc := json.NewEncoder(bw)
	if err := enc.Encode(header{Schema: Schema, Source: h.Source}); err != nil {
		return fmt.Errorf("write history header: %w", err)
	}
	for i := range h.Records {
		if err := enc.Encode(&h.Records[i]); err != nil {
			return fmt.Errorf("write history record %d: %w", i, err)
		}
	}
	if err := bw.Flush(); err != nil {
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
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64*1024), 16*1024*1024)
	h := &History{}
	line := 0
	sawHeader, v1 := false, false
	var prevAt int64
	prevLine := 0
	for sc.Scan() {
		line++
		b := bytes.TrimSpace(sc.Bytes())
		if len(b) == 0 {
			continue
		}
		if !sawHeader {
			var hd header
			if err := strict(b, &hd); err != nil || hd.Schema == "" {
				return nil, fmt.Errorf("%s:%d: want the header line {\"schema\":%q} first", name, line, Schema)
			}
			if hd.Schema != Schema && hd.Schema != SchemaV1 {
				return nil, fmt.Errorf("%s:%d: unsupported schema %q: this evsim reads %q and %q", name, line, hd.Schema, Schema, SchemaV1)
			}
			v1 = hd.Schema == SchemaV1
			h.Source = hd.Source
			sawHeader = true
			continue
		}
		var rec Record
		if err := strict(b, &rec); err != nil {
			return nil, fmt.Errorf("%s:%d: bad record: %v", name, line, err)
		}
		if !knownKinds[rec.Kind] {
			return nil, fmt.Errorf("%s:%d: unknown record kind %q", name, line, rec.Kind)
		}
		if rec.At < 0 {
			return nil, fmt.Errorf("%s:%d: negative time %d: times are nanoseconds since the start of the run", name, line, rec.At)
		}
		if rec.At < prevAt {
			return nil, fmt.Errorf("%s:%d: time goes back: at %d is earlier than %d on line %d; records must be in the order they happened", name, line, rec.At, prevAt, prevLine)
		}
		prevAt, prevLine = rec.At, line
		h.Records = append(h.Records, rec)
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("%s:%d: %w", name, line+1, err)
	}
	if !sawHeader {
		return nil, fmt.Errorf("%s: empty history: want the header line {\"schema\":%q} first", name, Schema)
	}
	if v1 {
		upgradeV1(h)
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

var knownKinds = map[Kind]bool{
	Subscribe: true, Publish: true, PublishAck: true, Append: true, Deliver: true,
	Effect: true, Dedup: true, OffsetCommit: true, Crash: true, Restart: true, End: true,
	// event sourcing and CQRS
	Command: true, CommandReturn: true, StoreAppend: true, StoreReserve: true, StoreRollback: true,
	StoreDuplicate: true, Snapshot: true, Load: true, ProjectionApply: true, Checkpoint: true,
	ProjectionSkip: true, ProjectionReset: true, Query: true, QueryReturn: true, LostAnswer: true,
	StalenessSLO: true,
	// sagas (P3)
	SagaStart: true, SagaTransition: true, SagaCompleted: true, SagaCompensated: true, SagaConflict: true,
}
