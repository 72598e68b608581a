package usermodule

import (
	"bufio"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
)

// TestUserModule builds a throwaway module outside the repository that
// requires github.com/evsim/evsim by its module path (a replace directive
// points at this checkout) and runs its property test: a user's
// aggregate, projection and consumer handler under fault schedules rapid
// draws, judged by the checks. It runs offline: the module cache the
// checkout builds with already holds every dependency (GOPROXY=off), and
// go.sum is the checkout's.
func TestUserModule(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and tests a module of its own")
	}
	root, err := filepath.Abs("../..")
	if err != nil {
		t.Fatal(err)
	}
	touchSources(t, root)
	gobin := filepath.Join(runtime.GOROOT(), "bin", "go")
	dir := t.TempDir()
	write := func(name, text string) {
		t.Helper()
		if err := os.WriteFile(filepath.Join(dir, name), []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	for _, f := range []string{"points.go", "shop_test.go"} {
		src, err := os.ReadFile(filepath.Join("testdata", "shop", f+".txt"))
		if err != nil {
			t.Fatal(err)
		}
		write(f, string(src))
	}
	write("go.mod", "module example.com/shop\n\ngo "+goVersion(t, root)+"\n\n"+
		"require (\n\tgithub.com/evsim/evsim v0.0.0\n\tpgregory.net/rapid "+requiredVersion(t, root, "pgregory.net/rapid")+"\n)\n\n"+
		"replace github.com/evsim/evsim => "+root+"\n")
	sum, err := os.ReadFile(filepath.Join(root, "go.sum"))
	if err != nil {
		t.Fatal(err)
	}
	write("go.sum", string(sum))

	cmd := exec.Command(gobin, "test", "-count=1", "-rapid.checks=15", "./...")
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "GOFLAGS=-mod=mod", "GOPROXY=off", "GOSUMDB=off", "GOWORK=off", "GOTOOLCHAIN=local")
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("go test in the user's module: %v\n%s", err, out)
	}
	if !strings.Contains(string(out), "ok  \texample.com/shop") {
		t.Fatalf("go test in the user's module did not pass:\n%s", out)
	}
	t.Logf("%s", out)
}

// touchSources reads every Go file of the checkout, so that go test's
// cache of this test's result goes stale when one of them changes: the
// user's module compiles them in a process of its own, which the cache
// does not see.
func touchSources(t *testing.T, root string) {
	t.Helper()
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && (d.Name() == ".git" || d.Name() == "testdata" && path != root) {
			return filepath.SkipDir
		}
		if !d.IsDir() && (strings.HasSuffix(path, ".go") || d.Name() == "go.mod" || d.Name() == "go.sum") {
			_, err = os.ReadFile(path)
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
}

// goVersion returns the go directive of the checkout's go.mod.
func goVersion(t *testing.T, root string) string {
	return modLine(t, root, "go ")
}

// requiredVersion returns the version of mod the checkout requires.
func requiredVersion(t *testing.T, root, mod string) string {
	return modLine(t, root, mod+" ")
}

func modLine(t *testing.T, root, prefix string) string {
	t.Helper()
	f, err := os.Open(filepath.Join(root, "go.mod"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		if rest, ok := strings.CutPrefix(line, prefix); ok {
			return strings.Fields(rest)[0]
		}
	}
	t.Fatalf("go.mod has no line starting %q", prefix)
	return ""
}
