package scenarios

import (
	"strings"
	"testing"
	"time"

	"github.com/evsim/evsim/faults"
	"github.com/evsim/evsim/sim"
)

func TestParseNetworkFaults(t *testing.T) {
	src := strings.Replace(replicatedBase, "checks:", `faults:
  - partition: [broker-1, [broker-2, broker-3, controller]]
    at: 200ms
    for: 300ms
  - partition: [shop, broker-2]
    one-way: true
    at: 100ms
  - link: [[broker-2, broker-3], controller]
    delay: 5ms..20ms
    drop: 1/10
    until: 800ms
checks:`, 1)
	s, err := Parse("t.yaml", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	want := []faults.Fault{
		faults.Partition{A: []string{"broker-1"}, B: []string{"broker-2", "broker-3", "controller"}, At: 200 * time.Millisecond, Until: 500 * time.Millisecond},
		faults.Partition{A: []string{"shop"}, B: []string{"broker-2"}, OneWay: true, At: 100 * time.Millisecond},
		faults.Link{A: []string{"broker-2", "broker-3"}, B: []string{"controller"}, Until: 800 * time.Millisecond,
			DelayMin: 5 * time.Millisecond, DelayMax: 20 * time.Millisecond, Drop: sim.Ratio{Num: 1, Den: 10}},
	}
	for i, f := range s.Faults.Faults {
		if got, w := f.(interface{ String() string }).String(), want[i].(interface{ String() string }).String(); got != w {
			t.Errorf("faults[%d] = %s, want %s", i, got, w)
		}
	}
	o, err := s.Run(1)
	if err != nil {
		t.Fatal(err)
	}
	// In this one-second run the brokers send the controller no heartbeat
	// (one per 2s) and broker-1 exchanges nothing with the others between
	// 200ms and 500ms: the first partition and the link fault touch no
	// message and never strike; the shop's requests to broker-2 are cut.
	for i, times := range []int{0, 1, 0} {
		if st := o.FaultsStruck[i]; st.Times != times || !strings.HasPrefix(st.Fault, "faults[") {
			t.Errorf("strike %d: %+v, want struck %d times", i, st, times)
		}
	}
	if got := o.FaultsStruck[0].Fault; got != "faults[0] partition [broker-1] from [broker-2 broker-3 controller] both ways, from 200ms until 500ms" {
		t.Errorf("the partition is named %q", got)
	}
}

func TestParseNetworkFaultErrors(t *testing.T) {
	fault := func(s string) string { return "faults:\n" + s + "checks:" }
	for _, c := range []struct {
		name, base, new, want string
	}{
		{"one side", replicatedBase, fault("  - partition: broker-1\n"),
			`t.yaml:18:16: faults[0].partition: want the two sides the network splits`},
		{"three sides", replicatedBase, fault("  - partition: [broker-1, broker-2, broker-3]\n"),
			`t.yaml:18:16: faults[0].partition: want the two sides`},
		{"empty side", replicatedBase, fault("  - partition: [broker-1, []]\n"),
			`t.yaml:18:27: faults[0].partition[1]: an empty side`},
		{"a consumer", replicatedBase, fault("  - partition: [broker-1, billing-0]\n"),
			`t.yaml:18:27: faults[0].partition: "billing-0" is not a node a network fault can cut off: want one of shop, broker-1, broker-2, broker-3, controller`},
		{"the coordinator", replicatedBase, fault("  - partition: [broker-1, broker]\n"),
			`t.yaml:18:27: faults[0].partition: "broker" is not a node a network fault can cut off`},
		{"no cluster", pubsubBase, fault("  - partition: [shop, broker]\n"),
			`t.yaml:16:16: faults[0].partition: network faults cut the links of the broker cluster: give a topic replication-factor 2 or more`},
		{"on both sides", replicatedBase, fault("  - partition: [[broker-1, broker-2], broker-2]\n"),
			`t.yaml:18:5: faults[0]: partition: broker-2 is on both sides`},
		{"ends before it starts", replicatedBase, fault("  - partition: [broker-1, broker-2]\n    at: 1s\n    until: 500ms\n"),
			`t.yaml:20:12: faults[0].until: 500ms is not after at (1s)`},
		{"until and for", replicatedBase, fault("  - partition: [broker-1, broker-2]\n    until: 1s\n    for: 1s\n"),
			`t.yaml:18:5: faults[0]: give until (when it heals) or for (how long it lasts), not both`},
		{"bad one-way", replicatedBase, fault("  - partition: [broker-1, broker-2]\n    one-way: left\n"),
			`t.yaml:19:14: faults[0].one-way: "left": want true or false`},
		{"unknown key", replicatedBase, fault("  - partition: [broker-1, broker-2]\n    drop: 1/2\n"),
			`t.yaml:19:5: faults[0]: unknown key "drop": allowed keys are partition, one-way, at, until, for`},
		{"a link that changes nothing", replicatedBase, fault("  - link: [broker-1, broker-2]\n"),
			`t.yaml:18:5: faults[0]: give delay (extra latency, like 20ms..200ms) or drop`},
		{"bad delay", replicatedBase, fault("  - link: [broker-1, broker-2]\n    delay: 9ms..2ms\n"),
			`t.yaml:19:12: faults[0].delay: "9ms..2ms"`},
		{"overlapping links", replicatedBase, fault("  - link: [broker-1, broker-2]\n    drop: 1/2\n  - link: [broker-2, broker-1]\n    delay: 1ms\n    one-way: true\n"),
			`t.yaml:20:5: faults[1]: link: the link from broker-2 to broker-1 is degraded by faults[0] at the same time`},
		{"two kinds", replicatedBase, fault("  - partition: [broker-1, broker-2]\n    crash: broker-1\n"),
			`t.yaml:18:5: faults[0]: want exactly one of crash, pause, churn, partition, link or add-partitions`},
	} {
		t.Run(c.name, func(t *testing.T) {
			src := strings.Replace(c.base, "checks:", c.new, 1)
			_, err := Parse("t.yaml", []byte(src))
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Fatalf("got %v, want an error containing %q", err, c.want)
			}
		})
	}
}
