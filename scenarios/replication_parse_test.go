package scenarios

import (
	"strings"
	"testing"
	"time"
)

// replicatedBase is pubsubBase on a replicated topic, with the producer
// retries a replicated topic needs.
var replicatedBase = strings.Replace(strings.Replace(pubsubBase, "    partitions: 2\n", `    partitions: 2
    replication-factor: 3
`, 1), "    rate: 10/s\n", "    rate: 10/s\n    retries: 20\n", 1)

func TestParseReplicationKeys(t *testing.T) {
	src := strings.Replace(replicatedBase, "    replication-factor: 3\n", `    replication-factor: 3
    min-insync-replicas: 2
    unclean-leader-election: true
    replica-lag-time-max: 2s
    broker-session-timeout: 500ms
    flush: 200ms
`, 1)
	src = strings.Replace(src, "checks:", `faults:
  - crash: broker-1
    point: after-follower-fetch
    probability: 1/2
    restart-after: 300ms
  - crash: broker-2
    point: after-leader-append
    at-hit: 3
    power-loss: true
  - crash: broker-3
    at: 400ms
    restart-after: 100ms
checks:`, 1)
	s, err := Parse("t.yaml", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	tc := s.System.Topics[0]
	if tc.ReplicationFactor != 3 || tc.MinInsyncReplicas != 2 || !tc.UncleanLeaderElection ||
		tc.ReplicaLagTimeMax != 2*time.Second || tc.BrokerSessionTimeout != 500*time.Millisecond ||
		tc.FlushInterval != 200*time.Millisecond {
		t.Errorf("topic: %+v", tc)
	}
	o, err := s.Run(1)
	if err != nil {
		t.Fatal(err)
	}
	var crashes int
	for _, r := range o.History.All() {
		if r.Kind == "crash" && strings.HasPrefix(r.Node, "broker-") {
			crashes++
		}
	}
	if crashes < 3 {
		t.Errorf("%d brokers crashed, want all three", crashes)
	}
}

func TestParseReplicationErrors(t *testing.T) {
	for _, c := range []struct {
		name, base, old, new, want string
	}{
		{"unknown topic key", pubsubBase, "    partitions: 2\n", "    partitions: 2\n    replicas: 3\n",
			`t.yaml:6:5: topics[0]: unknown key "replicas"`},
		{"replication factor zero", pubsubBase, "    partitions: 2\n", "    partitions: 2\n    replication-factor: 0\n",
			`t.yaml:6:25: topics[0].replication-factor: 0 is too small: want at least 1`},
		{"replication factor too large", pubsubBase, "    partitions: 2\n", "    partitions: 2\n    replication-factor: 10\n",
			`t.yaml:6:25: topics[0].replication-factor: 10 is too large: want at most 9`},
		{"replication factor not a number", pubsubBase, "    partitions: 2\n", "    partitions: 2\n    replication-factor: three\n",
			`t.yaml:6:25: topics[0].replication-factor: "three" is not a whole number`},
		{"min-insync above the factor", replicatedBase, "    replication-factor: 3\n", "    replication-factor: 3\n    min-insync-replicas: 4\n",
			`t.yaml:7:26: topics[0].min-insync-replicas: 4 is too large: want at most 3`},
		{"min-insync without replicas", pubsubBase, "    partitions: 2\n", "    partitions: 2\n    min-insync-replicas: 1\n",
			`t.yaml:6:26: topics[0].min-insync-replicas: needs replication-factor 2 or more`},
		{"unclean without replicas", pubsubBase, "    partitions: 2\n", "    partitions: 2\n    unclean-leader-election: false\n",
			`t.yaml:6:30: topics[0].unclean-leader-election: needs replication-factor 2 or more`},
		{"bad unclean", replicatedBase, "    replication-factor: 3\n", "    replication-factor: 3\n    unclean-leader-election: sometimes\n",
			`t.yaml:7:30: topics[0].unclean-leader-election: "sometimes": want true or false`},
		{"bad lag", replicatedBase, "    replication-factor: 3\n", "    replication-factor: 3\n    replica-lag-time-max: 0s\n",
			`t.yaml:7:27: topics[0].replica-lag-time-max`},
		{"bad session", replicatedBase, "    replication-factor: 3\n", "    replication-factor: 3\n    broker-session-timeout: soon\n",
			`t.yaml:7:29: topics[0].broker-session-timeout: "soon" is not a duration`},
		{"retention on a replicated topic", replicatedBase, "    replication-factor: 3\n", "    replication-factor: 3\n    retention: 1s\n",
			`t.yaml:6:25: topics[0].replication-factor: retention is not modelled on a replicated topic yet`},
		{"bad flush", replicatedBase, "    replication-factor: 3\n", "    replication-factor: 3\n    flush: sometimes\n",
			`t.yaml:7:12: topics[0].flush: "sometimes": want every-write, never or a duration`},
		{"flush without replicas", pubsubBase, "    partitions: 2\n", "    partitions: 2\n    flush: every-write\n",
			`t.yaml:6:12: topics[0].flush: needs replication-factor 2 or more`},
		{"power loss of a producer", replicatedBase, "checks:", "faults:\n  - crash: shop\n    point: after-send\n    probability: 1/2\n    power-loss: true\nchecks:",
			`t.yaml:21:17: faults[0].power-loss: only a broker of the cluster`},
		{"bad power loss", replicatedBase, "checks:", "faults:\n  - crash: broker-1\n    point: after-leader-append\n    at-hit: 1\n    power-loss: maybe\nchecks:",
			`t.yaml:21:17: faults[0].power-loss: "maybe": want true or false`},
		{"crash at a time and a point", replicatedBase, "checks:", "faults:\n  - crash: broker-1\n    at: 1s\n    point: after-leader-append\nchecks:",
			`t.yaml:18:5: faults[0]: a crash at a set time (at) takes no point, probability or at-hit`},
		{"crash at no time", replicatedBase, "checks:", "faults:\n  - crash: broker-1\n    at: 0s\nchecks:",
			`t.yaml:19:9: faults[0].at`},
		{"crash with neither point nor time", replicatedBase, "checks:", "faults:\n  - crash: broker-1\n    at-hit: 1\nchecks:",
			`t.yaml:18:5: faults[0]: missing key "point"`},
		{"crash an unknown broker", replicatedBase, "checks:", "faults:\n  - crash: broker-4\n    point: after-leader-append\n    at-hit: 1\nchecks:",
			`t.yaml:18:12: faults[0].crash: unknown target "broker-4"`},
		{"crash the controller", replicatedBase, "checks:", "faults:\n  - crash: controller\n    point: after-leader-append\n    at-hit: 1\nchecks:",
			`t.yaml:18:12: faults[0].crash: unknown target "controller"`},
	} {
		t.Run(c.name, func(t *testing.T) {
			src := strings.Replace(c.base, c.old, c.new, 1)
			if src == c.base {
				t.Fatal("replacement did not apply")
			}
			_, err := Parse("t.yaml", []byte(src))
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Fatalf("got %v, want an error containing %q", err, c.want)
			}
		})
	}
}
