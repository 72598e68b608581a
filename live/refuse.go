package live

import (
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/evsim/evsim/faults"
	"github.com/evsim/evsim/model"
	"github.com/evsim/evsim/scenarios"
)

// CrashPoints are the consumer crash points a live run can strike: a
// member's client is closed hard at them.
var CrashPoints = model.PointsOf(model.KindMember)

// Refusals lists every knob and fault of s that a live run with options o
// cannot apply, each naming the knob and why. An empty list means s can
// run live. Lost requests and acknowledgements need the embedded
// cluster's request control: they are refused with o.Brokers.
func Refusals(s *scenarios.Scenario, o Options) []string {
	embedded := len(o.Brokers) == 0
	var out []string
	no := func(format string, args ...any) { out = append(out, fmt.Sprintf(format, args...)) }
	if s.ES.Enabled() {
		no("event-store, aggregate, clients, projections, queries, outbox: event sourcing has no live counterpart (live mode drives Kafka clients only)")
	}
	c := s.System
	if c.LatencyMin != 0 || c.LatencyMax != 0 {
		no("latency: the network latency is the real one; it cannot be set")
	}
	if len(c.Consumers) == 0 {
		no("consumers: a live run needs at least one consumer group to judge")
	}
	for _, t := range c.Topics {
		at := "topic " + t.Name
		if t.Retention != 0 || t.Segment != 0 {
			no("%s: retention, segment: not applied to the live topic yet", at)
		}
		if t.ReplicationFactor > 1 || t.MinInsyncReplicas != 0 || t.UncleanLeaderElection || t.ReplicaLagTimeMax != 0 || t.BrokerSessionTimeout != 0 {
			no("%s: replication knobs (replication-factor, min-insync-replicas, unclean-leader-election, replica-lag, broker-session-timeout): the embedded cluster does not replicate", at)
		}
		if t.FlushInterval != 0 {
			no("%s: flush: a broker's disk flush cannot be set from a client", at)
		}
	}
	for _, p := range c.Producers {
		at := "producer " + p.Name
		if p.Orders != nil {
			no("%s: orders: the saga workload has no live counterpart", at)
		}
		lossy := p.RequestLoss.Num != 0 || p.AckLoss.Num != 0
		if lossy && !embedded {
			no("%s: request-loss, ack-loss: requests and acknowledgements are lost through the embedded cluster's request control; a real broker's are not evsim's to drop (run without --brokers)", at)
		}
		if lossy && embedded && p.Acks == model.AcksNone {
			no("%s: request-loss, ack-loss with acks none: the embedded cluster's control loses a request by holding its answer, and a request with acks none has none", at)
		}
		if p.ErrorResponses.Num != 0 {
			no("%s: error-responses: retriable error answers have no live counterpart yet", at)
		}
		if p.Poison.Num != 0 || len(p.PoisonEvents) != 0 {
			no("%s: poison: handler failures are not run live yet", at)
		}
		if p.RequestTimeout != 0 && (!lossy || !embedded) {
			no("%s: request-timeout: applied live only as how long a lost request or acknowledgement goes unanswered (with request-loss or ack-loss, on the embedded cluster); franz-go's own timeouts are not the simulated client's", at)
		}
		if p.BatchMax != 0 {
			no("%s: batch-max: franz-go batches by bytes, not by a record count", at)
		}
		if p.Idempotent && p.MaxInFlight != 0 && p.MaxInFlight != 1 && p.MaxInFlight != model.MaxInFlightIdempotent {
			no("%s: max-in-flight %d: franz-go's idempotent producer keeps up to %d requests in flight (1 is kept by sending one record at a time)", at, p.MaxInFlight, model.MaxInFlightIdempotent)
		}
		if p.Acks != "" && p.Acks != model.AcksAll && p.Idempotent {
			no("%s: idempotent with acks %s: an idempotent producer needs acks all", at, p.Acks)
		}
		if p.TransactionalID != "" {
			no("%s: transactional-id: transactional producers are not run live yet", at)
		}
		if p.HotKey.Num != 0 {
			no("%s: hot-key: the live producer draws its keys uniformly", at)
		}
		if p.MetadataMaxAge != 0 {
			no("%s: metadata-max-age: franz-go refreshes its metadata on its own schedule (MetadataMaxAge), which the live driver does not set", at)
		}
	}
	for _, g := range c.Consumers {
		at := "consumer group " + g.Group
		if g.Service != "" && g.Service != g.Group {
			no("%s: service: several services in one group are not run live yet", at)
		}
		if g.Custom != nil || (g.Handler != "" && !slices.Contains(Handlers, g.Handler)) {
			no("%s: handler %q: only the handlers %v run live", at, g.Handler, Handlers)
		}
		switch g.Dedup {
		case "", model.DedupNone, model.DedupSameTx:
		default:
			no("%s: dedup %s: only none and same-tx run live", at, g.Dedup)
		}
		if g.DedupScope == model.ScopeMember || g.DedupWindow != 0 {
			no("%s: dedup-scope member, dedup-window: only a shared store that keeps ids forever runs live", at)
		}
		switch g.Commit {
		case "", model.CommitAfterHandle, model.CommitBeforeHandle:
		default:
			no("%s: commit %s: only after-handle and before-handle run live", at, g.Commit)
		}
		if g.Concurrency > 1 || g.Ordering != "" {
			no("%s: concurrency, ordering: members handle one record at a time live", at)
		}
		if g.Assignor == model.AssignCooperativeSticky {
			no("%s: assignor cooperative-sticky: the cooperative protocol is not run live yet", at)
		}
		if g.StaticMembership {
			no("%s: static-membership: live members join as dynamic members, without a group.instance.id", at)
		}
		if g.OffsetsRetention != 0 {
			no("%s: offsets-retention: offsets.retention.minutes is the broker's setting, not a client's", at)
		}
		if g.InitialRebalanceDelay != 0 {
			no("%s: initial-rebalance-delay: group.initial.rebalance.delay.ms is the broker's setting, not a client's", at)
		}
		if g.WorkerThread {
			no("%s: worker-thread: live members handle each batch before they poll again", at)
		}
		if g.MaxPollInterval != 0 {
			no("%s: max-poll-interval: franz-go has no client-side poll deadline to set", at)
		}
		if g.Style == model.StyleQueue || g.AckTimeout != 0 || g.MaxDeliveries != 0 {
			no("%s: style queue, ack-timeout, max-deliveries: queue subscriptions are not Kafka groups", at)
		}
		if g.Fencing != "" && g.Fencing != model.FenceOffsets {
			no("%s: fencing %s: a Kafka broker fences offset commits (offsets) and nothing else", at, g.Fencing)
		}
		if g.OnError != "" || g.MaxAttempts != 0 || g.RetryBackoff != 0 || g.Failures.Num != 0 {
			no("%s: on-error, max-attempts, retry-backoff, failures: handler failures are not run live yet", at)
		}
		if g.Saga != "" {
			no("%s: saga: the saga handler has no live counterpart", at)
		}
		if g.Isolation != "" || g.Output != "" {
			no("%s: isolation, output: transactions are not run live yet", at)
		}
	}
	for i, f := range s.Faults.Faults {
		at := fmt.Sprintf("faults[%d] %v", i, f)
		var target string
		var point model.CrashPoint
		var powerLoss bool
		switch cr := f.(type) {
		case faults.Crash:
			target, point, powerLoss = cr.Target, cr.Point, cr.PowerLoss
		case faults.CrashNth:
			target, point, powerLoss = cr.Target, cr.Point, cr.PowerLoss
		case faults.CrashAt:
			no("%s: a crash at a set time: a live member crashes only at a crash point of its work", at)
			continue
		case faults.AddPartitions:
			no("%s: add-partitions: the live driver does not alter topics (kafka-topics --alter --partitions) or stop its producers mid-run", at)
			continue
		default:
			no("%s: only crash faults of a consumer group or one of its members run live (%T has no live counterpart)", at, f)
			continue
		}
		if isBroker(target) {
			no("%s: crash target %q is a broker: the embedded cluster keeps one log per partition for the whole cluster, with no replication and no disk, so a broker restart there loses nothing and elects no one; a real cluster's brokers are not evsim's to restart", at, target)
			continue
		}
		if !isMember(c, target) {
			no("%s: crash target %q: only consumer groups and their members are crashed live (producers are not)", at, target)
		}
		if !slices.Contains(CrashPoints, point) {
			no("%s: point %s: a live member can crash only at %v", at, point, CrashPoints)
		}
		if powerLoss {
			no("%s: power-loss: a broker's page cache cannot be lost live", at)
		}
	}
	return out
}

// refused returns the refusals of s as one error, or nil.
func refused(s *scenarios.Scenario, o Options) error {
	r := Refusals(s, o)
	if len(r) == 0 {
		return nil
	}
	errs := []error{fmt.Errorf("scenario %s cannot run live:", s.Name)}
	for _, m := range r {
		errs = append(errs, errors.New("  refused: "+m))
	}
	return errors.Join(errs...)
}

// isMember reports whether name is a consumer group of c or one of its
// members (GROUP-i).
func isMember(c model.Config, name string) bool {
	for _, g := range c.Consumers {
		if g.Group == name {
			return true
		}
		for i := range g.Members {
			if name == fmt.Sprintf("%s-%d", g.Group, i) {
				return true
			}
		}
	}
	return false
}

// isBroker reports whether name is the cluster or one of its brokers
// (the simulation names them broker, broker-1, broker-2...).
func isBroker(name string) bool {
	return name == "broker" || strings.HasPrefix(name, "broker-")
}
