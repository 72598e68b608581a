package model

import "time"

// Isolation is what a consumer reads of transactional records (Kafka's
// isolation.level).
type Isolation string

// The isolation levels.
const (
	// ReadUncommitted: every record up to the log end, records of open
	// and aborted transactions included (Kafka's default).
	ReadUncommitted Isolation = "read-uncommitted"
	// ReadCommitted: only records below the last stable offset (the first
	// offset of the oldest open transaction), and none of an aborted
	// transaction.
	ReadCommitted Isolation = "read-committed"
)

// DefaultTransactionTimeout is Kafka's transaction.timeout.ms.
const DefaultTransactionTimeout = 60 * time.Second

// HandlerNone is the handler of a consume-transform-produce loop that
// writes nothing outside Kafka: its only effect is its output record.
const HandlerNone = "none"

// validateTxn adds the problems of the transactional knobs to bad.
func (c *Config) validateTxn(bad func(format string, args ...any)) {
	topics := map[string]TopicConfig{}
	for _, t := range c.Topics {
		topics[t.Name] = t
	}
	written := map[string]bool{} // topics with transactional writers
	ids := map[string]bool{}
	for _, p := range c.Producers {
		if p.TransactionalID == "" {
			if p.TransactionSize != 0 || p.Abort.Num != 0 || p.TransactionTimeout != 0 {
				bad("producer %q: transaction-size, abort and transaction-timeout need a transactional-id", p.Name)
			}
			continue
		}
		if ids[p.TransactionalID] {
			bad("producer %q: transactional id %q is used twice", p.Name, p.TransactionalID)
		}
		ids[p.TransactionalID] = true
		written[p.Topic] = true
		if topics[p.Topic].replicated() {
			bad("producer %q: transactions on a replicated topic are not modelled yet", p.Name)
		}
		if p.Orders != nil || p.Count != 0 || p.RequestLoss.Num != 0 || p.AckLoss.Num != 0 || p.Retries != 0 ||
			p.MaxInFlight != 0 || p.Poison.Num != 0 || len(p.PoisonEvents) != 0 || p.Acks != "" && p.Acks != AcksAll {
			bad("producer %q: a transactional producer takes no orders, count, request-loss, ack-loss, retries, max-in-flight, poison or acks other than all", p.Name)
		}
		if p.TransactionSize < 0 || p.TransactionTimeout < 0 {
			bad("producer %q: transaction-size and transaction-timeout must not be negative", p.Name)
		}
	}
	for _, g := range c.Consumers {
		switch g.Isolation {
		case "", ReadUncommitted, ReadCommitted:
		default:
			bad("consumer group %q: unknown isolation %q: want read-uncommitted or read-committed", g.Group, g.Isolation)
		}
		if g.Handler == HandlerNone && g.Output == "" && g.Custom == nil {
			bad("consumer group %q: handler none goes with output: a consumer must do something", g.Group)
		}
		if g.Output == "" {
			if g.TransactionalID != "" {
				bad("consumer group %q: transactional-id goes with output", g.Group)
			}
			continue
		}
		written[g.Output] = true
		t, ok := topics[g.Output]
		switch {
		case !ok:
			bad("consumer group %q: unknown output topic %q", g.Group, g.Output)
		case t.replicated():
			bad("consumer group %q: transactions on a replicated topic are not modelled yet", g.Group)
		}
		if g.TransactionalID == "" || ids[g.TransactionalID] {
			bad("consumer group %q: output needs a transactional-id of its own", g.Group)
		}
		ids[g.TransactionalID] = true
		if g.Style == StyleQueue || g.Commit != "" && g.Commit != CommitAfterHandle || g.Concurrency > 1 || g.Saga != "" {
			bad("consumer group %q: a consume-transform-produce loop is a log subscription handling one record at a time, its offsets sent to its transaction (commit after-handle, concurrency 1, no saga)", g.Group)
		}
	}
	for _, g := range c.Consumers {
		if written[g.Topic] && g.Style == StyleQueue {
			bad("consumer group %q: a queue subscription to a topic with transactions is not modelled", g.Group)
		}
	}
}
