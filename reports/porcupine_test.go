package reports

import (
	"fmt"
	"os"

	"github.com/anishathalye/porcupine"
	"path/filepath"
	"strings"
	"testing"
)

func TestDressPorcupine(t *testing.T) {
	path := filepath.Join(t.TempDir(), "p.html")
	if err := os.WriteFile(path, []byte("<html><head><style></style></head><body><div id=\"legend\"></div></body></html>"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := DressPorcupine(path, "demo: <linearizable> witness", "report.html", nil); err != nil {
		t.Fatal(err)
	}
	b, _ := os.ReadFile(path)
	out := string(b)
	for _, want := range []string{"<head><title>evsim: demo: &lt;linearizable&gt; witness</title>", `<body><nav `, `href="report.html"`, "<h1 ", "<div id=\"legend\">"} {
		if !strings.Contains(out, want) {
			t.Errorf("page lacks %q:\n%s", want, out)
		}
	}
}

// registerModel is a one-value register for porcupine: an input of -1
// reads, any other writes.
var registerModel = porcupine.Model{
	Init: func() any { return 0 },
	Step: func(state, input, output any) (bool, any) {
		if in := input.(int); in >= 0 {
			return true, in
		}
		return output.(int) == state.(int), state
	},
	DescribeOperation: func(input, output any) string { return fmt.Sprint(input, output) },
}

// TestDressPorcupineNamesLanes runs DressPorcupine on a page the porcupine
// of go.mod generates: its rows get the client names, through both places
// its script labels a row. If an upgrade changes that script, this test
// fails (DressPorcupine refuses the page) and porcupineLabels needs
// updating.
func TestDressPorcupineNamesLanes(t *testing.T) {
	ops := []porcupine.Operation{
		{ClientId: 0, Input: 1, Call: 0, Output: 0, Return: 10},
		{ClientId: 1, Input: -1, Call: 20, Output: 2, Return: 30},
	}
	res, info := porcupine.CheckOperationsVerbose(registerModel, ops, 0)
	if res != porcupine.Illegal {
		t.Fatalf("check: %v, want illegal", res)
	}
	path := filepath.Join(t.TempDir(), "p.html")
	if err := porcupine.VisualizePath(registerModel, info, path); err != nil {
		t.Fatal(err)
	}
	if err := DressPorcupine(path, "demo", "report.html", []string{"teller-0", "dashboard-</script>"}); err != nil {
		t.Fatal(err)
	}
	b, _ := os.ReadFile(path)
	out := string(b)
	for _, l := range porcupineLabels {
		if strings.Contains(out, l.old) || !strings.Contains(out, l.new) {
			t.Errorf("row label %q not replaced", l.old)
		}
	}
	if !strings.Contains(out, `const evsimLanes = ["teller-0","dashboard-\u003c/script\u003e"];`) {
		t.Errorf("page lacks the lane names, escaped for a script")
	}
}

// TestDressPorcupineRefusesChangedPage: a page without porcupine's row
// labelling code cannot get names, and DressPorcupine says so instead of
// leaving numbers.
func TestDressPorcupineRefusesChangedPage(t *testing.T) {
	path := filepath.Join(t.TempDir(), "p.html")
	if err := os.WriteFile(path, []byte("<html><head></head><body><script>text.textContent = i</script></body></html>"), 0o644); err != nil {
		t.Fatal(err)
	}
	err := DressPorcupine(path, "demo", "report.html", []string{"teller-0"})
	if err == nil || !strings.Contains(err.Error(), "did porcupine's page change?") {
		t.Fatalf("got %v, want a refusal", err)
	}
}
