package checks

import (
	"math/rand/v2"
	"slices"
	"testing"
)

// TestSortByInvocation: an account's operations, in the order of their
// returns, come out in the order of their invocations, whether a few
// overlap (sorted by insertion) or commands that never returned, invoked
// first, come last (sorted by comparison).
func TestSortByInvocation(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	for n := range 200 {
		size := 1 + n%60
		invs := r.Perm(4 * size)[:size]
		slices.Sort(invs)
		refs := make([]accountRef, size)
		for i, inv := range invs {
			refs[i] = accountRef{opRef: opRef{inv: int32(inv), ret: int32(i)}}
		}
		if n%2 == 0 { // overlapping neighbours: swap a few
			for range size / 4 {
				i := r.IntN(size)
				j := min(size-1, i+1+r.IntN(3))
				refs[i], refs[j] = refs[j], refs[i]
			}
		} else { // the first ones never returned: they come last
			k := r.IntN(size)
			refs = append(refs[k:], refs[:k]...)
		}
		sortByInvocation(refs)
		for i := range refs {
			if refs[i].inv != int32(invs[i]) {
				t.Fatalf("list %d: position %d has invocation %d, want %d", n, i, refs[i].inv, invs[i])
			}
		}
	}
}
