package reports

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestDressPorcupine(t *testing.T) {
	path := filepath.Join(t.TempDir(), "p.html")
	if err := os.WriteFile(path, []byte("<html><head><style></style></head><body><div id=\"legend\"></div></body></html>"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := DressPorcupine(path, "demo: <linearizable> witness", "report.html"); err != nil {
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
