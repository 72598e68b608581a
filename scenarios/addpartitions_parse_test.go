package scenarios

import (
	"strings"
	"testing"
)

// TestParseAddPartitionsErrors: a bad add-partitions fault or
// metadata-max-age is an error that names the file, line and column.
func TestParseAddPartitionsErrors(t *testing.T) {
	fault := func(body string) string { return "faults:\n  - add-partitions: orders\n" + body + "checks:" }
	for _, c := range []struct{ name, old, new, want string }{
		{"no growth", "checks:", fault("    at: 1s\n    to: 2\n"),
			`t.yaml:16:21: faults[0]: add-partitions "orders": to 2: the topic has 2 partitions already, and a topic only grows`},
		{"unknown topic", "checks:", strings.Replace(fault("    at: 1s\n    to: 4\n"), "add-partitions: orders", "add-partitions: payments", 1),
			`t.yaml:16:21: faults[0]: add-partitions "payments": no such topic`},
		{"to not a number", "checks:", fault("    at: 1s\n    to: many\n"),
			`t.yaml:18:9: faults[0].to: "many" is not a whole number`},
		{"missing at", "checks:", fault("    to: 4\n"),
			`t.yaml:16:5: faults[0]: missing key "at"`},
		{"at zero", "checks:", fault("    at: 0s\n    to: 4\n"),
			`t.yaml:17:9: faults[0].at: 0s: want a positive duration`},
		{"drain-first not a truth", "checks:", fault("    at: 1s\n    to: 4\n    drain-first: maybe\n"),
			`t.yaml:19:18: faults[0].drain-first: "maybe": want true or false`},
		{"unknown key", "checks:", fault("    at: 1s\n    to: 4\n    drain: true\n"),
			`t.yaml:19:5: faults[0]: unknown key "drain"`},
		{"queue group", "    topic: orders\nchecks:", "    topic: orders\n    style: queue\n" + fault("    at: 1s\n    to: 4\n"),
			`t.yaml:17:21: faults[0]: add-partitions "orders": group billing reads it as a queue`},
		{"metadata-max-age zero", "    rate: 10/s\n", "    rate: 10/s\n    metadata-max-age: 0s\n",
			`t.yaml:10:23: producers[0].metadata-max-age: 0s: want a positive duration`},
		{"metadata-max-age not a duration", "    rate: 10/s\n", "    rate: 10/s\n    metadata-max-age: often\n",
			`t.yaml:10:23: producers[0].metadata-max-age: "often" is not a duration`},
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

// TestAddPartitionsDrainFirstStuckOutcomeNamesHeldProducers: the built-in
// drain-first scenario with its whole group crashed for good before the
// fault never drains; its outcome's strike report names the producer the
// operator still holds back and why, within the run's drain limit.
func TestAddPartitionsDrainFirstStuckOutcomeNamesHeldProducers(t *testing.T) {
	s, err := Builtin("add-partitions-drain-first")
	if err != nil {
		t.Fatal(err)
	}
	src := strings.Replace(string(s.Source), "faults:\n", "faults:\n  - crash: ledger\n    at: 900ms\n", 1)
	src = strings.Replace(src, "duration: 3s\n", "duration: 3s\ndrain: 2s\n", 1)
	s, err = Parse("stuck.yaml", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	o, err := s.Run(1)
	if err != nil {
		t.Fatal(err)
	}
	if o.Drained || o.Bounded {
		t.Fatalf("drained %v, bounded %v: want an undrained run within its bounds", o.Drained, o.Bounded)
	}
	note := o.FaultsStruck[1].Note
	for _, want := range []string{"teller (", "the operator's drain never reached lag 0", "group ledger", "6 of its 6 members down"} {
		if !strings.Contains(note, want) {
			t.Errorf("note %q: want %q in it", note, want)
		}
	}
}
