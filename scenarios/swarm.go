package scenarios

import (
	"bytes"
	"fmt"
	"math"
	"math/bits"
	"math/rand/v2"
	"strconv"
	"strings"
	"time"

	"go.yaml.in/yaml/v3"

	"github.com/evsim/evsim/sim"
)

// Knob is one entry of a scenario's `swarm:` block: a place in the file
// and the values a swarm run draws for it, as FoundationDB's and
// TigerBeetle's swarm testing draw a configuration per seed. The file
// without its swarm block is a scenario of its own (its values are one
// draw among many).
type Knob struct {
	// Path is where the value goes: keys and list indices from the top of
	// the file, like consumers[0].members or faults[1].probability.
	Path string
	// Line is the knob's line in the file, for errors.
	Line int

	kind    knobKind
	lo, hi  int64 // whole numbers, durations in nanoseconds, fractions' numerators
	den     int64 // fractions' denominator
	choices []*yaml.Node
}

type knobKind int

const (
	knobInt knobKind = iota
	knobFraction
	knobDuration
	knobChoice
)

// Drawn is the value a swarm run drew for a knob.
type Drawn struct {
	Path, Value string
}

// swarmSalt separates the stream of knob draws from the world's.
const swarmSalt = 0x5357_4152_4d21 // "SWARM!"

// swarm reads the swarm block: each key a path into the document root,
// each value a range (lo..hi of whole numbers, fractions or durations) or
// a list of values to pick from.
func (d *decoder) swarm(n *yaml.Node, root *yaml.Node) []Knob {
	m := d.mapping(n, "swarm")
	var out []Knob
	for _, f := range m.fields {
		f.used = true
		k := Knob{Path: f.key.Value, Line: f.key.Line}
		if _, _, err := resolve(root, k.Path); err != nil {
			d.errorf(f.key, "swarm: %s: %v", k.Path, err)
			continue
		}
		switch first, _, _ := strings.Cut(k.Path, "."); strings.TrimRight(first, "[0123456789]") {
		case "swarm", "name", "seed", "checks", "expect":
			d.errorf(f.key, "swarm: %s: a swarm draws knobs and faults, not the %s", k.Path, first)
			continue
		}
		if f.val.Kind == yaml.SequenceNode {
			if len(f.val.Content) == 0 {
				d.errorf(f.val, "swarm.%s: an empty list: give the values to pick from", k.Path)
				continue
			}
			k.kind, k.choices = knobChoice, f.val.Content
			out = append(out, k)
			continue
		}
		s, ok := d.scalar(f.val, "swarm."+k.Path)
		if !ok {
			continue
		}
		lo, hi, isRange := strings.Cut(s, "..")
		lo, hi = strings.TrimSpace(lo), strings.TrimSpace(hi)
		bad := func() {
			d.errorf(f.val, "swarm.%s: %q: want a range like 1..4, 1/50..1/5 (or 0.02..0.2) or 10ms..2s (min <= max), or a list of values like [after-handle, interval]", k.Path, s)
		}
		if !isRange {
			bad()
			continue
		}
		if a, err1 := strconv.ParseInt(lo, 10, 64); err1 == nil {
			b, err2 := strconv.ParseInt(hi, 10, 64)
			if err2 != nil || a > b || !drawable(a, b) {
				bad()
				continue
			}
			k.kind, k.lo, k.hi = knobInt, a, b
		} else if a, err1 := fraction(lo); err1 == nil {
			b, err2 := fraction(hi)
			if err2 != nil {
				bad()
				continue
			}
			k.kind, k.den = knobFraction, 1000
			if a.Den == b.Den && a.Den <= maxSwarmDen {
				k.den = int64(a.Den)
			}
			k.lo, k.hi = scaleUp(a, k.den), scaleDown(b, k.den) // round into the range
			if k.lo > k.hi {
				bad()
				continue
			}
		} else if a, err1 := time.ParseDuration(lo); err1 == nil {
			b, err2 := time.ParseDuration(hi)
			if err2 != nil || a > b || a < 0 || !drawable(int64(a), int64(b)) {
				bad()
				continue
			}
			k.kind, k.lo, k.hi = knobDuration, int64(a), int64(b)
		} else {
			bad()
			continue
		}
		out = append(out, k)
	}
	return out
}

// resolve finds the node at path under root: the mapping or list that
// holds it and, when it exists, the node itself. The last key of a path
// may be missing from its mapping (a swarm may set a key the file leaves
// to its default); every step before it must exist.
func resolve(root *yaml.Node, path string) (parent, node *yaml.Node, err error) {
	cur := root
	steps := strings.Split(path, ".")
	for i, step := range steps {
		key, rest, _ := strings.Cut(step, "[")
		last := i == len(steps)-1
		if key == "" {
			return nil, nil, fmt.Errorf("%q: want a key before an index", step)
		}
		if cur.Kind != yaml.MappingNode {
			return nil, nil, fmt.Errorf("%s is not a mapping", strings.Join(steps[:i], "."))
		}
		var next *yaml.Node
		for j := 0; j+1 < len(cur.Content); j += 2 {
			if cur.Content[j].Value == key {
				next = cur.Content[j+1]
			}
		}
		if next == nil {
			if last && rest == "" {
				return cur, nil, nil
			}
			return nil, nil, fmt.Errorf("the file has no %s", strings.Join(append(steps[:i:i], key), "."))
		}
		parent = cur
		for rest != "" {
			idx, after, ok := strings.Cut(rest, "]")
			n, err := strconv.Atoi(idx)
			if !ok || err != nil || (after != "" && after[0] != '[') {
				return nil, nil, fmt.Errorf("%q: want an index like [0]", step)
			}
			if next.Kind != yaml.SequenceNode || n < 0 || n >= len(next.Content) {
				return nil, nil, fmt.Errorf("%s has no item [%d]", key, n)
			}
			parent, next = next, next.Content[n]
			rest = strings.TrimPrefix(after, "[")
		}
		cur = next
	}
	return parent, cur, nil
}

// draw picks the knob's value for one run.
func (k *Knob) draw(r *rand.Rand) *yaml.Node {
	switch k.kind {
	case knobInt:
		return scalar(strconv.FormatInt(k.lo+r.Int64N(k.hi-k.lo+1), 10))
	case knobFraction:
		return scalar(fmt.Sprintf("%d/%d", k.lo+r.Int64N(k.hi-k.lo+1), k.den))
	case knobDuration:
		v := k.lo + r.Int64N(k.hi-k.lo+1)
		if k.lo%int64(time.Millisecond) == 0 && k.hi%int64(time.Millisecond) == 0 {
			v = v / int64(time.Millisecond) * int64(time.Millisecond)
		}
		return scalar(time.Duration(v).String())
	default:
		c := *k.choices[r.IntN(len(k.choices))]
		c.Line, c.Column, c.HeadComment, c.LineComment, c.FootComment = 0, 0, "", "", ""
		return &c
	}
}

// Draw returns the concrete scenario a swarm run of seed runs: the file
// with every knob of its swarm block set to a value drawn from the seed,
// the swarm block removed and the seed pinned. The file it returns
// (the scenario's Source) reproduces the run alone: `evsim run` it.
func (s *Scenario) Draw(seed uint64) (*Scenario, []Drawn, error) {
	if len(s.Swarm) == 0 {
		return nil, nil, fmt.Errorf("%s: no swarm block: add one, like swarm: {consumers[0].members: 1..4}", s.File)
	}
	var doc yaml.Node
	if err := yaml.Unmarshal(s.Source, &doc); err != nil || len(doc.Content) == 0 {
		return nil, nil, fmt.Errorf("swarm: %s: %v", s.File, err)
	}
	root := doc.Content[0]
	for i := 0; i+1 < len(root.Content); i += 2 {
		if root.Content[i].Value == "swarm" {
			root.Content = append(root.Content[:i], root.Content[i+2:]...)
			break
		}
	}
	r := rand.New(rand.NewPCG(seed, swarmSalt))
	drawn := make([]Drawn, 0, len(s.Swarm))
	for _, k := range s.Swarm {
		v := k.draw(r)
		parent, node, err := resolve(root, k.Path)
		if err != nil {
			return nil, nil, fmt.Errorf("%s:%d: swarm: %s: %v", s.File, k.Line, k.Path, err)
		}
		if node == nil {
			last := k.Path[strings.LastIndex(k.Path, ".")+1:]
			parent.Content = append(parent.Content, scalar(last), v)
		} else {
			v.HeadComment, v.LineComment = node.HeadComment, node.LineComment
			*node = *v
		}
		var b strings.Builder
		if err := yaml.NewEncoder(&b).Encode(v); err != nil {
			return nil, nil, fmt.Errorf("swarm: %s: %w", k.Path, err)
		}
		drawn = append(drawn, Drawn{Path: k.Path, Value: strings.TrimSpace(b.String())})
	}
	set(root, "seed", scalar(strconv.FormatUint(seed, 10)))
	var sheet strings.Builder
	fmt.Fprintf(&sheet, "Drawn by evsim swarm from %s, seed %d:", s.File, seed)
	for _, d := range drawn {
		fmt.Fprintf(&sheet, "\n  %s: %s", d.Path, d.Value)
	}
	root.HeadComment = sheet.String()
	var buf bytes.Buffer
	enc := yaml.NewEncoder(&buf)
	enc.SetIndent(2)
	if err := enc.Encode(&doc); err != nil {
		return nil, nil, fmt.Errorf("swarm: %w", err)
	}
	if err := enc.Close(); err != nil {
		return nil, nil, fmt.Errorf("swarm: %w", err)
	}
	file := fmt.Sprintf("%s (swarm seed %d)", s.File, seed)
	c, err := Parse(file, buf.Bytes())
	if err != nil {
		return nil, drawn, fmt.Errorf("the swarm of %s drew a scenario that does not parse: narrow the ranges: %w", s.File, err)
	}
	return c, drawn, nil
}

// maxSwarmDen is the largest denominator a fraction knob draws over; a
// range of fractions with a larger one is drawn in thousandths.
const maxSwarmDen = 1_000_000

// drawable says whether the whole numbers lo..hi (lo <= hi) are few enough
// to draw one from: hi-lo+1 fits 64 bits.
func drawable(lo, hi int64) bool {
	w := uint64(hi) - uint64(lo)
	return w < math.MaxInt64
}

// scaleUp returns q in units of 1/den, rounded up: the smallest n with
// n/den >= q. A ratio is at most 1, so n is at most den.
func scaleUp(q sim.Ratio, den int64) int64 {
	hi, lo := bits.Mul64(q.Num, uint64(den))
	n, rem := bits.Div64(hi, lo, q.Den)
	if rem != 0 {
		n++
	}
	return int64(n)
}

// scaleDown returns q in units of 1/den, rounded down.
func scaleDown(q sim.Ratio, den int64) int64 {
	hi, lo := bits.Mul64(q.Num, uint64(den))
	n, _ := bits.Div64(hi, lo, q.Den)
	return int64(n)
}

// fraction reads a probability written as a fraction (1/20) or a decimal
// (0.05, read to the thousandth).
func fraction(s string) (sim.Ratio, error) {
	if strings.Contains(s, "/") {
		return sim.ParseRatio(s)
	}
	f, err := strconv.ParseFloat(s, 64)
	if err != nil || f < 0 || f > 1 {
		return sim.Ratio{}, fmt.Errorf("bad fraction %q", s)
	}
	return sim.Ratio{Num: uint64(math.Round(f * 1000)), Den: 1000}, nil
}
