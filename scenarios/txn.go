package scenarios

import (
	"github.com/evsim/evsim/model"
)

// The keys of Kafka transactions: a producer's and a consumer entry's.
var (
	producerTxnKeys = []string{"transactional-id", "transaction-size", "abort", "transaction-timeout"}
	consumerTxnKeys = []string{"isolation", "output", "transactional-id"}
)

// producerTxn reads a producer's transactional keys into p.
func (d *decoder) producerTxn(m *mapping, what string, p *model.ProducerConfig) {
	if v := m.get("transactional-id"); v != nil {
		p.TransactionalID = d.name(v, what+".transactional-id")
	}
	if v := m.get("transaction-size"); v != nil {
		p.TransactionSize = int(d.integer(v, what+".transaction-size", 1))
	}
	if v := m.get("abort"); v != nil {
		p.Abort = d.ratio(v, what+".abort")
	}
	if v := m.get("transaction-timeout"); v != nil {
		p.TransactionTimeout = d.duration(v, what+".transaction-timeout", true)
	}
	if p.TransactionalID == "" {
		for _, k := range producerTxnKeys[1:] {
			if m.get(k) != nil {
				d.errorf(m.key(k), "%s.%s goes with transactional-id", what, k)
			}
		}
	}
}

// consumerTxn reads a consumer entry's transactional keys into c.
func (d *decoder) consumerTxn(m *mapping, what string, c *model.ConsumerConfig) {
	if v := m.get("isolation"); v != nil {
		c.Isolation = model.Isolation(d.oneOf(v, what+".isolation", string(model.ReadUncommitted), string(model.ReadCommitted)))
	}
	if v := m.get("output"); v != nil {
		c.Output = d.name(v, what+".output")
	}
	if v := m.get("transactional-id"); v != nil {
		c.TransactionalID = d.name(v, what+".transactional-id")
	}
	if (c.Output == "") != (c.TransactionalID == "") {
		d.errorf(m.key("output", "transactional-id"), "%s: output and transactional-id go together: a consume-transform-produce loop writes its output in transactions", what)
	}
	if c.Handler == model.HandlerNone && c.Output == "" {
		d.errorf(m.key("handler"), "%s: handler none goes with output: the loop's only effect is its output", what)
	}
}
