package faults

import (
	"fmt"
	"slices"
	"testing"

	"github.com/evsim/evsim/sim"
)

// passes sends node through point n times and returns the passes (from
// 1) at which the injector crashed it.
func passes(in *Injector, n int) []int {
	w := sim.New(1)
	var crashed []int
	for i := 1; i <= n; i++ {
		if crash, _ := in.Crash(w, 0, "p"); crash {
			crashed = append(crashed, i)
		}
	}
	return crashed
}

func nthRules(nths ...int) *Injector {
	in := &Injector{rng: sim.New(2).Stream(), struck: make([]int, len(nths))}
	for i, n := range nths {
		in.crashes = append(in.crashes, crashRule{fault: i, nodes: []sim.NodeID{0}, point: "p", nth: n})
	}
	return in
}

// TestCrashNthCountsEveryPassWhateverOtherRulesDo: a crash at the n-th
// pass strikes at the n-th pass of its target through its point, whether
// or not another rule crashed the node at an earlier pass, so that a
// schedule that loses one crash (as rapid shrinks it) keeps the meaning
// of the others. Two crashes naming the same pass are one crash, struck
// by the first.
func TestCrashNthCountsEveryPassWhateverOtherRulesDo(t *testing.T) {
	for _, c := range []struct {
		nths   []int
		want   []int
		struck []int
	}{
		{[]int{5}, []int{5}, []int{1}},
		{[]int{3, 5}, []int{3, 5}, []int{1, 1}},
		{[]int{5, 3}, []int{3, 5}, []int{1, 1}},
		{[]int{3, 3}, []int{3}, []int{1, 0}},
	} {
		in := nthRules(c.nths...)
		got := passes(in, 10)
		if !slices.Equal(got, c.want) || fmt.Sprint(in.struck) != fmt.Sprint(c.struck) {
			t.Errorf("crashes at hits %v: crashed at passes %v, struck %v; want passes %v, struck %v", c.nths, got, in.struck, c.want, c.struck)
		}
	}
	// A rule by probability that strikes first does not hide the pass
	// from a rule by hit.
	in := nthRules(2)
	in.crashes = append([]crashRule{{fault: 0, nodes: []sim.NodeID{0}, point: "p", probability: sim.Ratio{Num: 1, Den: 1}}}, in.crashes...)
	in.crashes[1].fault = 1
	in.struck = make([]int, 2)
	if got := passes(in, 3); !slices.Equal(got, []int{1, 2, 3}) || in.crashes[1].hits != 3 {
		t.Errorf("with a certain crash first: crashed at %v, the hit rule counted %d passes; want every pass and 3", got, in.crashes[1].hits)
	}
}
