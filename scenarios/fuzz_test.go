package scenarios

import (
	"io/fs"
	"testing"
)

// FuzzParse: no input makes Parse panic; whatever parses also builds.
// Run longer with: go test ./scenarios -run '^$' -fuzz FuzzParse -fuzztime 60s
func FuzzParse(f *testing.F) {
	files, _ := fs.Glob(builtinFS, "*.yaml")
	for _, name := range files {
		src, err := builtinFS.ReadFile(name)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(src)
	}
	f.Add([]byte("name: x\nduration: 1s\ntopics: [{name: t}]\nchecks: [no-loss]\n"))
	f.Fuzz(func(t *testing.T, src []byte) {
		s, err := Parse("fuzz.yaml", src)
		if err != nil {
			return
		}
		if _, err := s.build(s.Seed); err != nil {
			t.Fatalf("parsed but does not build: %v", err)
		}
	})
}

// FuzzDraw: no swarm block makes Parse or Draw panic, and a drawn
// scenario that parses builds. Run longer with:
// go test ./scenarios -run '^$' -fuzz FuzzDraw -fuzztime 60s -fuzzminimizetime 5s
func FuzzDraw(f *testing.F) {
	src, err := builtinFS.ReadFile("swarm-idempotent-ledger.yaml")
	if err != nil {
		f.Fatal(err)
	}
	f.Add(src)
	base := "name: x\nduration: 1s\ntopics: [{name: t}]\nproducers: [{name: p, topic: t, rate: 10/s, events: [{type: Deposited}]}]\n" +
		"consumers: [{group: g, topic: t, members: 2}]\nfaults: [{crash: g, point: after-effect, probability: 1/10}]\nchecks: [no-loss]\n"
	for _, block := range []string{
		"swarm: {consumers[0].members: 1..3}",
		"swarm: {faults[0].probability: 1/100..1/10}",
		"swarm: {faults[0].probability: 0.01..0.2}",
		"swarm: {producers[0].rate: [10/s, 100/s]}",
		"swarm: {faults[0].restart-after: 10ms..1s}",
	} {
		f.Add([]byte(base + block + "\n"))
	}
	f.Fuzz(func(t *testing.T, src []byte) {
		s, err := Parse("fuzz.yaml", src)
		if err != nil || len(s.Swarm) == 0 {
			return
		}
		for seed := uint64(1); seed <= 2; seed++ {
			c, _, err := s.Draw(seed)
			if err != nil {
				continue
			}
			if _, err := c.build(c.Seed); err != nil {
				t.Fatalf("seed %d drew a scenario that parses but does not build: %v", seed, err)
			}
		}
	})
}
