package scenarios

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	"go.yaml.in/yaml/v3"
)

// pairException says why a broken scenario differs from its fixed twin
// in more than one knob. With via set, the broken scenario is one knob
// from via, itself a scenario one knob from the fix, so the pair is a
// chain of one-knob steps.
type pairException struct {
	via    string
	reason string
}

// pairExceptions are the broken scenarios whose fixed twin differs in
// more than one knob.
var pairExceptions = map[string]pairException{
	"fan-out-shared-group": {reason: "the fix is structural: each service gets a consumer group of its own " +
		"(the group and service of both entries change together), and fan-out adds a third group, audit, " +
		"deployed late to show that a new group reads the topic from the start"},
	"stale-validation": {via: "stale-validation-expected-version", reason: "two fixes in turn: concurrency: exact " +
		"stops the overdraft but leaves the decision on a stale row (not linearizable), then validate: write-model " +
		"decides on the stream itself"},
	"saga-optimistic": {via: "saga-race", reason: "a partial fix shown beside the race: saga-concurrency: " +
		"optimistic keeps one instance per order but not the order of its events; the fix, ordering: key, is " +
		"one knob from saga-race"},
	"acks-one-leader-crash": {reason: "acks=all is durable only with min.insync.replicas above 1, so the fix " +
		"sets both (acks: all, min-insync-replicas: 2); and the fixed twin turns on the idempotent producer, " +
		"which Kafka refuses with acks=1, so that the retries across the leader change neither duplicate nor " +
		"reorder and the twin holds every default check"},
	"unclean-leader-election": {reason: "the fixed twin also turns on the idempotent producer, so that its " +
		"retries across the leader changes neither duplicate nor reorder and it holds every default check; " +
		"the broken one stays without it because an idempotent producer stalls on the sequence gap an unclean " +
		"election leaves, and its run would not drain"},
	"min-isr-one": {reason: "the fixed twin also turns on the idempotent producer, so that its retries " +
		"while writes are refused neither duplicate nor reorder and it holds every default check; the broken " +
		"one stays without it because an idempotent producer stalls on the sequence gap a lost write leaves"},
	"aborted-read": {reason: "isolation is a setting of each reader: the fix sets isolation: read-committed " +
		"on both readers of the topic, the consumer group and the projection"},
	"partition-leader-acks-one": {reason: "the same fix as acks-one-leader-crash's, for the same reasons: acks: all " +
		"with min-insync-replicas: 2 (acks=all alone would acknowledge on the leader alone had the ISR shrunk to it " +
		"before the cut), and the idempotent producer, which Kafka refuses with acks=1, so that the retries across " +
		"the leader change neither duplicate nor reorder"},
	"dual-write-before": {reason: "publishing first needs no crash to fail: a rollback after the publish is a " +
		"phantom, so it runs without crashes and without retries (a retry with the same ids commits what was " +
		"published); with transactional-outbox's crashes and retries, direct-before fails on only 18 of 200 " +
		"seeds. Its twin in one knob is dual-write-after's (outbox.mode)"},
}

// knobLeaves flattens a scenario file into its leaves: "consumers[0].batch"
// to "5". The teaching text, the checks and the expectations are left out,
// and so are the name and the seed.
func knobLeaves(t *testing.T, name string) map[string]string {
	t.Helper()
	src, err := builtinFS.ReadFile(name + ".yaml")
	if err != nil {
		t.Fatal(err)
	}
	var doc yaml.Node
	if err := yaml.Unmarshal(src, &doc); err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	out := map[string]string{}
	var walk func(n *yaml.Node, path string)
	walk = func(n *yaml.Node, path string) {
		switch n.Kind {
		case yaml.DocumentNode:
			for _, c := range n.Content {
				walk(c, path)
			}
		case yaml.MappingNode:
			for i := 0; i+1 < len(n.Content); i += 2 {
				k := n.Content[i].Value
				if path == "" && slices.Contains([]string{"name", "title", "teaches", "seed", "checks", "expect", "charts"}, k) {
					continue
				}
				p := k
				if path != "" {
					p = path + "." + k
				}
				walk(n.Content[i+1], p)
			}
		case yaml.SequenceNode:
			for i, c := range n.Content {
				walk(c, fmt.Sprintf("%s[%d]", path, i))
			}
		default:
			out[path] = n.Value
		}
	}
	walk(&doc, "")
	return out
}

// knobDiff lists the leaves in which two scenarios differ.
func knobDiff(a, b map[string]string) []string {
	var d []string
	for k, v := range a {
		if w, ok := b[k]; !ok || w != v {
			if !ok {
				w = "(none)"
			}
			d = append(d, fmt.Sprintf("%s: %q -> %q", k, v, w))
		}
	}
	for k, v := range b {
		if _, ok := a[k]; !ok {
			d = append(d, fmt.Sprintf("%s: (none) -> %q", k, v))
		}
	}
	slices.Sort(d)
	return d
}

// closestTwin returns the fixed scenario that differs least from broken,
// and the knobs they differ in.
func closestTwin(t *testing.T, broken string, fixed []string) (string, []string) {
	t.Helper()
	lb := knobLeaves(t, broken)
	var twin string
	var diff []string
	for _, f := range fixed {
		if d := knobDiff(lb, knobLeaves(t, f)); twin == "" || len(d) < len(diff) {
			twin, diff = f, d
		}
	}
	return twin, diff
}

// TestPairsDifferInOneKnob: each scenario that shows a failure differs
// from its fixed twin in exactly one knob (one leaf of the file, leaving
// out its name, texts, seed, checks and expectations), so the pair
// teaches what that knob does, unless pairExceptions says why not. The
// twin of a broken scenario is the fixed one of its failure mode closest
// to it.
func TestPairsDifferInOneKnob(t *testing.T) {
	seen := map[string]bool{}
	for _, m := range FailureModes {
		for _, b := range m.Broken {
			if seen[b] {
				continue
			}
			seen[b] = true
			twin, diff := closestTwin(t, b, m.Fixed)
			ex, excepted := pairExceptions[b]
			switch {
			case len(diff) == 1 && excepted:
				t.Errorf("%s and %s differ in one knob now (%s): drop the exception %q", b, twin, diff[0], ex.reason)
			case len(diff) != 1 && !excepted:
				t.Errorf("%s and its twin %s differ in %d knobs, want 1:\n  %s", b, twin, len(diff), strings.Join(diff, "\n  "))
			case excepted && ex.via != "":
				if d := knobDiff(knobLeaves(t, b), knobLeaves(t, ex.via)); len(d) != 1 {
					t.Errorf("%s and %s (the step on the way to %s) differ in %d knobs, want 1:\n  %s", b, ex.via, twin, len(d), strings.Join(d, "\n  "))
				}
				if v, d := closestTwin(t, ex.via, m.Fixed); len(d) != 1 {
					t.Errorf("%s and its twin %s differ in %d knobs, want 1:\n  %s", ex.via, v, len(d), strings.Join(d, "\n  "))
				}
			}
		}
	}
	for b := range pairExceptions {
		if !seen[b] {
			t.Errorf("pairExceptions names %s, which is not a broken scenario", b)
		}
	}
}
