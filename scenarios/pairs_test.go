package scenarios

import (
	"os"
	"regexp"
	"strings"
	"testing"
)

// TestFailureModesMatchREADME: the pairs of broken and fixed scenarios
// are the README's table of built-in scenarios, row for row (a challenge
// without a naive twin has an empty "shows it" cell), and name built-in
// scenarios only.
func TestFailureModesMatchREADME(t *testing.T) {
	b, err := os.ReadFile("../README.md")
	if err != nil {
		t.Fatal(err)
	}
	names := regexp.MustCompile("`([^`]+)`")
	list := func(cell string) string {
		var out []string
		for _, m := range names.FindAllStringSubmatch(cell, -1) {
			out = append(out, m[1])
		}
		return strings.Join(out, ",")
	}
	var rows []string
	for _, line := range strings.Split(string(b), "\n") {
		cells := strings.Split(strings.Trim(strings.TrimSpace(line), "|"), "|")
		if len(cells) != 5 || !strings.Contains(cells[2]+cells[3], "`") {
			continue
		}
		rows = append(rows, strings.TrimSpace(cells[0])+"|"+strings.TrimSpace(cells[1])+"|"+list(cells[2])+"|"+list(cells[3]))
	}
	var modes []string
	for _, m := range FailureModes {
		modes = append(modes, m.ID+"|"+m.Failure+"|"+strings.Join(m.Broken, ",")+"|"+strings.Join(m.Fixed, ","))
		for _, n := range append(append([]string{}, m.Broken...), m.Fixed...) {
			if _, err := Builtin(n); err != nil {
				t.Errorf("%s: %v", m.Failure, err)
			}
		}
	}
	if got, want := strings.Join(modes, "\n"), strings.Join(rows, "\n"); got != want {
		t.Errorf("FailureModes:\n%s\nREADME table:\n%s", got, want)
	}
}
