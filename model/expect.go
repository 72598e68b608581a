package model

import "time"

// logReserveMax caps the records [System.Expect] makes room for in one
// partition log.
const logReserveMax = 1 << 16

// Expect sizes the partition logs for d of simulated time: room for the
// records the system's producers publish to each partition in d at their
// mean rates (at most logReserveMax records a partition), so that a run
// of about that length appends without copying its logs, and as much
// room for its groups' delivery counts of each partition. It takes the
// arrays from the stock of released systems where it can. It changes no
// behaviour: a log that outgrows its room grows as before.
func (s *System) Expect(d time.Duration) {
	for _, t := range s.Broker.topics {
		var events float64
		for _, p := range s.Producers {
			if p.t != t || p.cfg.Interval <= 0 {
				continue
			}
			span := d
			if p.cfg.Stop > 0 {
				span = min(d, p.cfg.Stop)
			}
			n := float64(span) / float64(p.cfg.Interval)
			if p.cfg.Count > 0 {
				n = min(n, float64(p.cfg.Count))
			}
			if p.cfg.Orders != nil {
				n *= 3 // an order's follow-ups
			}
			events += n
		}
		if events == 0 || len(t.partitions) == 0 {
			continue
		}
		// The keys do not spread evenly: leave a quarter more.
		room := int(min(events/float64(len(t.partitions))*1.25+64, logReserveMax))
		for _, g := range t.groups {
			for i := range g.attempts {
				g.attempts[i] = countStock.reserve(g.attempts[i], room)
			}
		}
		if t.repl == nil {
			for i := range t.partitions {
				t.partitions[i].records = logStock.reserve(t.partitions[i].records, room)
			}
			continue
		}
		for _, ps := range t.repl {
			for _, r := range s.Broker.cluster.brokers {
				if l := r.logs[ps.idx]; l != nil {
					l.records = logStock.reserve(l.records, room)
				}
			}
		}
	}
}

// reserve returns s with room for n elements.
func reserve[T any](s []T, n int) []T {
	if cap(s) >= n {
		return s
	}
	ns := make([]T, len(s), n)
	copy(ns, s)
	return ns
}
