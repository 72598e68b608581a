package scenarios

import (
	"embed"
	"fmt"
	"io/fs"
	"path"
	"sort"
	"strings"
)

//go:embed *.yaml
var builtinFS embed.FS

// Builtins returns every built-in scenario, sorted by name. They are parsed
// from the embedded files; a parse error is a bug caught by the tests.
func Builtins() ([]*Scenario, error) {
	files, err := fs.Glob(builtinFS, "*.yaml")
	if err != nil {
		return nil, err
	}
	var out []*Scenario
	for _, f := range files {
		src, err := builtinFS.ReadFile(f)
		if err != nil {
			return nil, err
		}
		s, err := Parse("scenarios/"+f, src)
		if err != nil {
			return nil, err
		}
		if want := strings.TrimSuffix(path.Base(f), ".yaml"); s.Name != want {
			return nil, fmt.Errorf("scenarios/%s: name %q does not match the file name", f, s.Name)
		}
		out = append(out, s)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out, nil
}

// Builtin returns the built-in scenario with the given name.
func Builtin(name string) (*Scenario, error) {
	all, err := Builtins()
	if err != nil {
		return nil, err
	}
	var names []string
	for _, s := range all {
		if s.Name == name {
			return s, nil
		}
		names = append(names, s.Name)
	}
	return nil, fmt.Errorf("no built-in scenario %q: `evsim list` shows them (%s)", name, strings.Join(names, ", "))
}
