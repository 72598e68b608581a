package scenarios

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"
	"unicode"

	"go.yaml.in/yaml/v3"

	"github.com/evsim/evsim/sim"
)

// Error is a problem at a place in a scenario file.
type Error struct {
	File      string
	Line, Col int
	Msg       string
}

func (e *Error) Error() string {
	if e.Line == 0 {
		return fmt.Sprintf("%s: %s", e.File, e.Msg)
	}
	return fmt.Sprintf("%s:%d:%d: %s", e.File, e.Line, e.Col, e.Msg)
}

// decoder walks a YAML node tree strictly, collecting every problem with
// its position instead of stopping at the first.
type decoder struct {
	file string
	errs []error
}

func (d *decoder) errorf(n *yaml.Node, format string, args ...any) {
	e := &Error{File: d.file, Msg: fmt.Sprintf(format, args...)}
	if n != nil {
		e.Line, e.Col = n.Line, n.Column
	}
	d.errs = append(d.errs, e)
}

func (d *decoder) err() error { return errors.Join(d.errs...) }

// field is one key of a mapping with its value node.
type field struct {
	key  *yaml.Node
	val  *yaml.Node
	used bool
}

// mapping checks that n is a mapping with unique keys and returns its fields.
type mapping struct {
	d      *decoder
	node   *yaml.Node
	what   string
	fields []*field
}

func (d *decoder) mapping(n *yaml.Node, what string) *mapping {
	m := &mapping{d: d, node: n, what: what}
	if n == nil {
		return m
	}
	if n.Kind != yaml.MappingNode {
		d.errorf(n, "%s: want a mapping of keys to values, got %s", what, describe(n))
		return m
	}
	seen := map[string]bool{}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], n.Content[i+1]
		if seen[k.Value] {
			d.errorf(k, "%s: key %q appears twice", what, k.Value)
			continue
		}
		seen[k.Value] = true
		m.fields = append(m.fields, &field{key: k, val: v})
	}
	return m
}

// get returns the value of key, or nil if it is absent.
func (m *mapping) get(key string) *yaml.Node {
	for _, f := range m.fields {
		if f.key.Value == key {
			f.used = true
			return f.val
		}
	}
	return nil
}

// need returns the value of key, reporting it missing.
func (m *mapping) need(key, hint string) *yaml.Node {
	v := m.get(key)
	if v == nil && m.node != nil && m.node.Kind == yaml.MappingNode {
		m.d.errorf(m.node, "%s: missing key %q (%s)", m.what, key, hint)
	}
	return v
}

// done reports every key that no one asked for, naming the keys allowed.
func (m *mapping) done(allowed ...string) {
	for _, f := range m.fields {
		if !f.used && f.key.Value == "<<" {
			m.d.errorf(f.key, "%s: a YAML merge key <<: a scenario takes no YAML anchors or aliases: write the keys out", m.what)
		} else if !f.used {
			m.d.errorf(f.key, "%s: unknown key %q: allowed keys are %s", m.what, f.key.Value, strings.Join(allowed, ", "))
		}
	}
}

func describe(n *yaml.Node) string {
	switch n.Kind {
	case yaml.MappingNode:
		return "a mapping"
	case yaml.SequenceNode:
		return "a list"
	case yaml.ScalarNode:
		return fmt.Sprintf("%q", n.Value)
	case yaml.AliasNode:
		return fmt.Sprintf("an alias *%s (a scenario takes no YAML anchors or aliases: write the value out)", n.Value)
	}
	return "nothing"
}

func (d *decoder) scalar(n *yaml.Node, what string) (string, bool) {
	if n == nil {
		return "", false
	}
	if n.Kind != yaml.ScalarNode {
		d.errorf(n, "%s: want a single value, got %s", what, describe(n))
		return "", false
	}
	return n.Value, true
}

func (d *decoder) str(n *yaml.Node, what string) string {
	s, _ := d.scalar(n, what)
	return s
}

func (d *decoder) name(n *yaml.Node, what string) string {
	s, ok := d.scalar(n, what)
	if !ok {
		return ""
	}
	if s == "" || s == "." || s == ".." || strings.ContainsAny(s, " \t/\\") || strings.ContainsFunc(s, func(r rune) bool { return !unicode.IsPrint(r) }) {
		d.errorf(n, "%s: %q is not a valid name: use letters, digits and dashes", what, s)
	}
	return s
}

// Bounds on counts in a scenario: a run is simulated on one core and its
// history is kept in memory, so a typo like partitions: 1000000 is an
// error, not an out-of-memory crash.
const (
	maxCount = 1_000_000 // any count
	maxNodes = 1024      // partitions, members, sessions, relays
)

// bounded lists the keys whose count makes nodes or partitions.
var bounded = []string{".partitions", ".members", ".sessions", ".relays"}

// totals reports, at the list that gives them, counts bounded per entry
// whose sum over the file's entries passes the bound of one: a file of
// thousands of topics of 1024 partitions each is an error too, not an
// out-of-memory crash when its world is built.
func (d *decoder) totals(root *yaml.Node, s *Scenario) {
	sum := func(n int, f func(i int) int) int {
		t := 0
		for i := range n {
			t += f(i)
		}
		return t
	}
	topics, groups, es := s.System.Topics, s.System.Consumers, s.ES
	producers := s.System.Producers
	for _, c := range []struct {
		list, what   string
		total, limit int
	}{
		{"topics", "partitions", sum(len(topics), func(i int) int { return topics[i].Partitions }), maxNodes},
		{"consumers", "members", sum(len(groups), func(i int) int { return groups[i].Members }), maxNodes},
		{"clients", "sessions", sum(len(es.Clients), func(i int) int { return es.Clients[i].Sessions }), maxNodes},
		{"queries", "sessions", sum(len(es.Queries), func(i int) int { return es.Queries[i].Sessions }), maxNodes},
		{"producers", "producers", len(producers), maxNodes},
		{"projections", "projections", len(es.Projectors), maxNodes},
		{"faults", "faults", len(s.Faults.Faults), maxNodes},
		// The keys of each producer and client are made up front.
		{"producers", "keys", sum(len(producers), func(i int) int { return producers[i].Keys }), maxCount},
		{"clients", "keys", sum(len(es.Clients), func(i int) int { return es.Clients[i].Keys }), maxCount},
		{"queries", "keys", sum(len(es.Queries), func(i int) int { return es.Queries[i].Keys }), maxCount},
	} {
		if c.total <= c.limit {
			continue
		}
		at := root
		for i := 0; i+1 < len(root.Content); i += 2 {
			if root.Content[i].Value == c.list {
				at = root.Content[i]
			}
		}
		d.errorf(at, "%s: %d %s in all: want at most %d in all (a run is simulated on one core and kept in memory)", c.list, c.total, c.what, c.limit)
	}
}

func (d *decoder) integer(n *yaml.Node, what string, min int64) int64 {
	limit := int64(maxCount)
	for _, b := range bounded {
		if strings.HasSuffix(what, b) {
			limit = maxNodes
		}
	}
	return d.integerIn(n, what, min, limit)
}

// integerIn reads a whole number in [min, max].
func (d *decoder) integerIn(n *yaml.Node, what string, min, max int64) int64 {
	s, ok := d.scalar(n, what)
	if !ok {
		return 0
	}
	v, err := strconv.ParseInt(strings.ReplaceAll(s, "_", ""), 10, 64)
	if err != nil {
		d.errorf(n, "%s: %q is not a whole number", what, s)
		return 0
	}
	if v < min {
		d.errorf(n, "%s: %d is too small: want at least %d", what, v, min)
	}
	if v > max {
		d.errorf(n, "%s: %d is too large: want at most %d", what, v, max)
		return max
	}
	return v
}

func (d *decoder) uinteger(n *yaml.Node, what string) uint64 {
	s, ok := d.scalar(n, what)
	if !ok {
		return 0
	}
	v, err := strconv.ParseUint(strings.ReplaceAll(s, "_", ""), 10, 64)
	if err != nil {
		d.errorf(n, "%s: %q is not a whole number of at least 0", what, s)
	}
	return v
}

func (d *decoder) duration(n *yaml.Node, what string, positive bool) time.Duration {
	s, ok := d.scalar(n, what)
	if !ok {
		return 0
	}
	v, err := time.ParseDuration(s)
	if err != nil {
		d.errorf(n, "%s: %q is not a duration: write it like 30s, 500ms or 2m", what, s)
		return 0
	}
	if v < 0 || positive && v == 0 {
		d.errorf(n, "%s: %s: want a positive duration", what, s)
	}
	if v > maxDuration {
		d.errorf(n, "%s: %s is too long: want at most %v (ten years of simulated time)", what, s, maxDuration)
		return maxDuration
	}
	return v
}

// maxDuration bounds every duration of a scenario, so that sums of them
// (a fault's at and for, a run's duration and drain) cannot overflow the
// simulated clock, which counts nanoseconds in 64 bits up to 292 years.
const maxDuration = 10 * 8760 * time.Hour

// durationRange reads "2ms..10ms" or a single duration.
func (d *decoder) durationRange(n *yaml.Node, what string) (time.Duration, time.Duration) {
	s, ok := d.scalar(n, what)
	if !ok {
		return 0, 0
	}
	lo, hi, isRange := strings.Cut(s, "..")
	if !isRange {
		hi = lo
	}
	a, err1 := time.ParseDuration(strings.TrimSpace(lo))
	b, err2 := time.ParseDuration(strings.TrimSpace(hi))
	if err1 != nil || err2 != nil || a < 0 || a > b {
		d.errorf(n, "%s: %q: want a duration or a range like 2ms..10ms with 0 <= min <= max", what, s)
		return 0, 0
	}
	if b > maxDuration {
		d.errorf(n, "%s: %q is too long: want at most %v (ten years of simulated time)", what, s, maxDuration)
		return 0, 0
	}
	return a, b
}

// maxAmount bounds an amount: a run sums millions of them into balances
// and stocks, which must not overflow.
const maxAmount = 1_000_000_000

// intRange reads an amount range, "1..100", or a single amount.
func (d *decoder) intRange(n *yaml.Node, what string) (int64, int64) {
	s, ok := d.scalar(n, what)
	if !ok {
		return 0, 0
	}
	lo, hi, isRange := strings.Cut(s, "..")
	if !isRange {
		hi = lo
	}
	a, err1 := strconv.ParseInt(strings.TrimSpace(lo), 10, 64)
	b, err2 := strconv.ParseInt(strings.TrimSpace(hi), 10, 64)
	if err1 != nil || err2 != nil || a > b {
		d.errorf(n, "%s: %q: want a whole number or a range like 1..100 with min <= max", what, s)
		return 0, 0
	}
	if a < -maxAmount || b > maxAmount {
		d.errorf(n, "%s: %q: want amounts from -%d to %d", what, s, maxAmount, maxAmount)
		return 0, 0
	}
	return a, b
}

// rate reads "100/s" (also /ms, /m, /h) as the mean interval between two events.
func (d *decoder) rate(n *yaml.Node, what string) time.Duration {
	s, ok := d.scalar(n, what)
	if !ok {
		return 0
	}
	num, unit, found := strings.Cut(s, "/")
	units := map[string]time.Duration{"ms": time.Millisecond, "s": time.Second, "m": time.Minute, "h": time.Hour}
	per, okUnit := units[strings.TrimSpace(unit)]
	count, err := strconv.ParseInt(strings.TrimSpace(num), 10, 64)
	if !found || !okUnit || err != nil || count < 1 || per/time.Duration(count) < 1 {
		d.errorf(n, "%s: %q: want a rate like 100/s (a positive count per ms, s, m or h)", what, s)
		return 0
	}
	return per / time.Duration(count)
}

func (d *decoder) truth(n *yaml.Node, what string) bool {
	s, ok := d.scalar(n, what)
	if !ok {
		return false
	}
	switch s {
	case "true":
		return true
	case "false":
		return false
	}
	d.errorf(n, "%s: %q: want true or false", what, s)
	return false
}

func (d *decoder) ratio(n *yaml.Node, what string) sim.Ratio {
	s, ok := d.scalar(n, what)
	if !ok {
		return sim.Ratio{}
	}
	r, err := sim.ParseRatio(s)
	if err != nil {
		d.errorf(n, "%s: %v", what, err)
	}
	return r
}

func (d *decoder) oneOf(n *yaml.Node, what string, allowed ...string) string {
	s, ok := d.scalar(n, what)
	if !ok {
		return ""
	}
	for _, a := range allowed {
		if s == a {
			return s
		}
	}
	d.errorf(n, "%s: unknown value %q: want one of %s", what, s, strings.Join(allowed, ", "))
	return s
}

// list checks that n is a sequence and returns its items.
func (d *decoder) list(n *yaml.Node, what string) []*yaml.Node {
	if n == nil {
		return nil
	}
	if n.Kind != yaml.SequenceNode {
		d.errorf(n, "%s: want a list, got %s", what, describe(n))
		return nil
	}
	return n.Content
}
