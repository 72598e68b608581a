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
