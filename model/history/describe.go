package history

import (
	"fmt"
	"strings"
	"time"
)

// String renders a record on one stable line, for transcripts and
// witnesses: its time since the start of the run, its kind, and the fields
// it uses.
func (r Entry) String() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%-14s %-13s", "+"+time.Duration(r.At).String(), r.Kind)
	if r.Node != "" {
		fmt.Fprintf(&b, " %s", r.Node)
	}
	if r.Group != "" && !strings.HasPrefix(r.Node, r.Group) {
		fmt.Fprintf(&b, " group=%s", r.Group)
	}
	if r.Event != "" {
		fmt.Fprintf(&b, " %s", r.Event)
	}
	if r.Type != "" {
		fmt.Fprintf(&b, " %s", r.Type)
		if r.Amount != 0 {
			fmt.Fprintf(&b, "(%d)", r.Amount)
		}
	}
	if r.Payload != "" {
		fmt.Fprintf(&b, " %s", r.Payload)
	}
	if r.Key != "" {
		fmt.Fprintf(&b, " key=%s", r.Key)
	}
	if r.Topic != "" {
		switch r.Kind {
		case Publish, StorePublisher:
			fmt.Fprintf(&b, " %s", r.Topic)
		case PublishRetry, PublishFail, PartitionChange:
			fmt.Fprintf(&b, " %s/%d", r.Topic, r.Partition)
		case Subscribe:
			fmt.Fprintf(&b, " %s", r.Topic)
		case AddPartitions:
			fmt.Fprintf(&b, " %s partitions=%d added=%s", r.Topic, r.Count, r.Partitions)
		case OffsetCommit, Checkpoint:
			fmt.Fprintf(&b, " %s/%d next=%d", r.Topic, r.Partition, r.Offset)
		default:
			fmt.Fprintf(&b, " %s/%d@%d", r.Topic, r.Partition, r.Offset)
		}
	}
	switch {
	case r.Kind == Deliver || r.Kind == Command || r.Kind == CommandReturn:
		if r.Attempt > 0 {
			fmt.Fprintf(&b, " attempt=%d", r.Attempt)
		}
	case r.Attempt > 1:
		fmt.Fprintf(&b, " try=%d", r.Attempt)
	}
	if point := toLegacy(r).Point; point != "" {
		if r.Kind == Crash {
			fmt.Fprintf(&b, " at %s", point)
		} else {
			fmt.Fprintf(&b, " (%s)", point)
		}
	}
	if r.Command != "" {
		fmt.Fprintf(&b, " cmd=%s", r.Command)
	}
	if r.Mode != "" {
		fmt.Fprintf(&b, " mode=%s", r.Mode)
	}
	if r.Mode == ModeAsOf && r.Until == UntilUnknown {
		b.WriteString(" as-of=?")
	} else if r.Mode == ModeAsOf {
		fmt.Fprintf(&b, " as-of=+%s", time.Duration(r.Until))
	}
	if r.Expected != "" {
		fmt.Fprintf(&b, " expected=%s", r.Expected)
	}
	if r.Basis != 0 {
		fmt.Fprintf(&b, " basis=%d", r.Basis)
	}
	switch {
	case r.From != "":
		fmt.Fprintf(&b, " %s->%s", r.From, r.To)
	case r.To != "":
		fmt.Fprintf(&b, " ->%s", r.To)
	}
	if r.Outcome != "" {
		fmt.Fprintf(&b, " -> %s", r.Outcome)
	}
	for _, f := range []struct {
		name string
		v    int64
	}{{"version", r.Version}, {"position", r.Position}, {"token", r.Token}, {"value", r.Value}, {"logic", int64(r.Logic)}} {
		if f.v != 0 {
			fmt.Fprintf(&b, " %s=%d", f.name, f.v)
		}
	}
	if r.SLO != 0 {
		fmt.Fprintf(&b, " slo=%s", time.Duration(r.SLO))
	}
	if r.State != "" {
		fmt.Fprintf(&b, " state=%s", r.State)
	}
	if r.Replay != "" {
		fmt.Fprintf(&b, " replay=%s", r.Replay)
	}
	switch r.Kind {
	case PartitionChange:
		fmt.Fprintf(&b, " epoch=%d isr=%s", r.Generation, r.Partitions)
	case Truncate:
		fmt.Fprintf(&b, " dropped=%d", r.Count)
	}
	if r.TxnID != "" {
		fmt.Fprintf(&b, " txn=%s pid=%d epoch=%d", r.TxnID, r.ProducerID, r.Epoch)
	}
	if r.Input != "" {
		fmt.Fprintf(&b, " input=%s", r.Input)
	}
	if r.Kind == End {
		fmt.Fprintf(&b, " drained=%v", r.Drained)
	}
	if r.Inferred {
		b.WriteString(" inferred")
	}
	return strings.TrimRight(b.String(), " ")
}
