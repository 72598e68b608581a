package scenarios

import (
	"strings"
	"testing"
)

// TestParseHotPartitionErrors: a bad hot-key or lag-slo, or lag-within-slo
// without a lag SLO to judge, is an error that names the file, line and
// column.
func TestParseHotPartitionErrors(t *testing.T) {
	for _, c := range []struct{ name, old, new, want string }{
		{"hot-key not a fraction", "    rate: 10/s\n", "    rate: 10/s\n    keys: 4\n    hot-key: half\n",
			`t.yaml:11:14: producers[0].hot-key: bad ratio "half"`},
		{"hot-key above 1", "    rate: 10/s\n", "    rate: 10/s\n    keys: 4\n    hot-key: 3/2\n",
			`t.yaml:11:14: producers[0].hot-key: bad ratio "3/2": a probability is at most 1`},
		{"hot-key with one key", "    rate: 10/s\n", "    rate: 10/s\n    hot-key: 1/2\n",
			`t.yaml:10:14: producers[0].hot-key: a hot key needs other keys: set keys to 2 or more`},
		{"lag-slo zero", "    topic: orders\nchecks", "    topic: orders\n    lag-slo: 0s\nchecks",
			`t.yaml:15:14: consumers[0].lag-slo: 0s: want a positive duration`},
		{"lag-slo not a duration", "    topic: orders\nchecks", "    topic: orders\n    lag-slo: soon\nchecks",
			`t.yaml:15:14: consumers[0].lag-slo: "soon" is not a duration`},
		{"lag-within-slo without an SLO", "checks: [no-loss]", "checks: [no-loss, lag-within-slo]",
			`t.yaml:15:19: checks: lag-within-slo needs a consumer with a lag SLO: set lag-slo on a consumer`},
	} {
		t.Run(c.name, func(t *testing.T) {
			src := strings.Replace(pubsubBase, c.old, c.new, 1)
			if src == pubsubBase {
				t.Fatal("replacement did not apply")
			}
			_, err := Parse("t.yaml", []byte(src))
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Fatalf("got %v, want an error containing %q", err, c.want)
			}
		})
	}
}
