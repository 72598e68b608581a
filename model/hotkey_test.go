package model

import (
	"math/rand/v2"
	"testing"

	"github.com/evsim/evsim/sim"
)

// TestHotKeyShare: with a hot key share of 1/4 over 30 keys, acct-0 gets
// a quarter of the events plus its even share of the rest (27.5%), every
// other key about 2.5%; without one, every key alike.
func TestHotKeyShare(t *testing.T) {
	keys := make([]string, 30)
	for i := range keys {
		keys[i] = "acct-" + string(rune('a'+i))
	}
	events := []EventSpec{{Type: "Deposited", AmountMin: 1, AmountMax: 1}}
	for _, c := range []struct {
		hot           sim.Ratio
		first, others float64 // expected shares
	}{
		{sim.Ratio{Num: 1, Den: 4}, 0.25 + 0.75/30, 0.75 / 30},
		{sim.Ratio{}, 1.0 / 30, 1.0 / 30},
	} {
		rng := rand.New(rand.NewPCG(1, 2))
		const n = 60000
		count := map[string]int{}
		for range n {
			k, _, _ := drawEvent(rng, events, keys, c.hot)
			count[k]++
		}
		if got := float64(count[keys[0]]) / n; got < c.first-0.01 || got > c.first+0.01 {
			t.Errorf("hot %v: first key's share %.3f, want %.3f", c.hot, got, c.first)
		}
		if got := float64(count[keys[1]]) / n; got < c.others-0.01 || got > c.others+0.01 {
			t.Errorf("hot %v: another key's share %.3f, want %.3f", c.hot, got, c.others)
		}
	}
}
