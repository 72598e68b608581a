package model

import (
	"testing"

	"github.com/evsim/evsim/model/domain"
	"pgregory.net/rapid"
)

// TestReplayCacheIsFullReplay reads streams back at random lengths, each
// read a prefix of its stream, under either apply logic: the cached
// replay always gives the state a full replay of the read gives.
func TestReplayCacheIsFullReplay(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		types := []string{"Opened", "Deposited", "Withdrawn"}
		streams := map[string][]StoredEvent{}
		for _, key := range []string{"a", "b"} {
			n := rapid.IntRange(0, 30).Draw(t, key+"-len")
			for i := range n {
				streams[key] = append(streams[key], StoredEvent{Stream: key, Version: int64(i + 1),
					Type: rapid.SampledFrom(types).Draw(t, "type"), Amount: rapid.Int64Range(1, 100).Draw(t, "amount")})
			}
		}
		e := &esEnv{}
		for range rapid.IntRange(1, 20).Draw(t, "reads") {
			key := rapid.SampledFrom([]string{"a", "b"}).Draw(t, "key")
			read := streams[key][:rapid.IntRange(0, len(streams[key])).Draw(t, "read")]
			var stored streamEvents
			for _, ev := range streams[key] {
				stored.add(ev)
			}
			logic := rapid.IntRange(1, 2).Draw(t, "logic")
			account, _ := domain.Lookup("account")
			agg := account(logic)
			if got, want := e.replay(agg, logic, key, streamView{&stored, len(read)}), fold(agg, agg.Initial(), read); got != want {
				t.Fatalf("%s read at version %d under logic %d: cached replay %v, full replay %v", key, len(read), logic, got, want)
			}
		}
	})
}
