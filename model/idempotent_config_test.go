package model

import (
	"strings"
	"testing"
	"time"
)

// TestIdempotentProducerConfigRules: Validate refuses what Kafka's
// ProducerConfig refuses with enable.idempotence=true (retries=0, or
// max.in.flight.requests.per.connection above 5, or acks other than all)
// and accepts retries with up to five requests in flight.
func TestIdempotentProducerConfigRules(t *testing.T) {
	base := func() Config {
		return Config{
			Topics: []TopicConfig{{Name: "accounts", Partitions: 2}},
			Producers: []ProducerConfig{{Name: "teller", Topic: "accounts", Interval: 10 * time.Millisecond, Keys: 3,
				Idempotent: true, Retries: 3, MaxInFlight: 5, Events: []EventSpec{{Type: "Deposited", AmountMin: 1, AmountMax: 9}}}},
		}
	}
	ok := base()
	if err := ok.Validate(); err != nil {
		t.Fatalf("idempotent, retries 3, five in flight: %v", err)
	}
	for _, c := range []struct {
		name string
		edit func(*ProducerConfig)
		want string
	}{
		{"retries 0", func(p *ProducerConfig) { p.Retries = 0 }, "needs retries above 0"},
		{"six in flight", func(p *ProducerConfig) { p.MaxInFlight = 6 }, "at most 5 requests in flight, not 6"},
		{"acks 1", func(p *ProducerConfig) { p.Acks = AcksLeader }, "needs acks all"},
	} {
		cfg := base()
		c.edit(&cfg.Producers[0])
		err := cfg.Validate()
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: got %v, want an error saying %q", c.name, err, c.want)
		}
		cfg.Producers[0].Idempotent = false
		if err := cfg.Validate(); err != nil {
			t.Errorf("%s without idempotence: %v", c.name, err)
		}
	}
}
