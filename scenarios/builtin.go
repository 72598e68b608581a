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

// Builtin returns the built-in scenario with the given name. It parses
// that scenario's file alone.
func Builtin(name string) (*Scenario, error) {
	f := name + ".yaml"
	src, err := builtinFS.ReadFile(f)
	if err != nil || strings.ContainsAny(name, "/*?[\\") {
		return nil, fmt.Errorf("no built-in scenario %q: `evsim list` shows them (%s)", name, strings.Join(BuiltinNames(), ", "))
	}
	s, err := Parse("scenarios/"+f, src)
	if err != nil {
		return nil, err
	}
	if s.Name != name {
		return nil, fmt.Errorf("scenarios/%s: name %q does not match the file name", f, s.Name)
	}
	return s, nil
}

// BuiltinNames returns the names of the built-in scenarios, sorted,
// without parsing them.
func BuiltinNames() []string {
	files, _ := fs.Glob(builtinFS, "*.yaml")
	names := make([]string, len(files))
	for i, f := range files {
		names[i] = strings.TrimSuffix(f, ".yaml")
	}
	sort.Strings(names)
	return names
}
