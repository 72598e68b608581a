package sim

import (
	"fmt"
	"math/rand/v2"
	"strconv"
	"strings"
)

// Ratio is a probability as an integer fraction Num/Den, so that no float
// sits on the decision path. The zero value means "never".
type Ratio struct {
	Num, Den uint64
}

// ParseRatio reads "1/20", "0", "1" or a per-mille-free plain fraction.
func ParseRatio(s string) (Ratio, error) {
	s = strings.TrimSpace(s)
	num, den, found := strings.Cut(s, "/")
	if !found {
		den = "1"
	}
	n, err := strconv.ParseUint(strings.TrimSpace(num), 10, 64)
	if err != nil {
		return Ratio{}, fmt.Errorf("bad ratio %q: want a fraction like 1/20", s)
	}
	d, err := strconv.ParseUint(strings.TrimSpace(den), 10, 64)
	if err != nil || d == 0 {
		return Ratio{}, fmt.Errorf("bad ratio %q: want a fraction like 1/20 with a positive denominator", s)
	}
	if n > d {
		return Ratio{}, fmt.Errorf("bad ratio %q: a probability is at most 1", s)
	}
	return Ratio{Num: n, Den: d}, nil
}

// Chance draws one trial from r: true with probability Num/Den.
func (q Ratio) Chance(r *rand.Rand) bool {
	if q.Num == 0 || q.Den == 0 {
		return false
	}
	if q.Num >= q.Den {
		return true
	}
	return r.Uint64N(q.Den) < q.Num
}

// String prints q as "num/den".
func (q Ratio) String() string { return fmt.Sprintf("%d/%d", q.Num, q.Den) }
