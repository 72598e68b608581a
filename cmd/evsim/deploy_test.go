package main

import (
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"go.yaml.in/yaml/v3"
)

// small narrows a deploy example's sweep to one scenario over four seeds:
// every flag it gives is kept.
func small(args []string) []string {
	var out []string
	for _, a := range args {
		switch {
		case a == "--all":
			a = "idempotent-consumer"
		default:
			a = regexp.MustCompile(`^(--seeds=)?1\.\.10000$`).ReplaceAllString(a, "${1}1..4")
		}
		out = append(out, a)
	}
	return out
}

// inDir rewrites the example's folders (summaries/, /results/,
// evsim-out) into dir.
func inDir(args []string, dir string) []string {
	var out []string
	for _, a := range args {
		a = strings.Replace(a, "/results/", dir+"/", 1)
		if strings.HasPrefix(a, "summaries/") || a == "evsim-out" {
			a = dir + "/" + a
		}
		out = append(out, a)
	}
	return out
}

func TestDeployExamplesRunAsWritten(t *testing.T) {
	// GitHub Actions: four shards, then the merge, as the workflow's run
	// lines say.
	b, err := os.ReadFile("../../deploy/github-matrix.yml")
	if err != nil {
		t.Fatal(err)
	}
	var sweep, merge []string
	for _, line := range strings.Split(string(b), "\n") {
		cmd, ok := strings.CutPrefix(strings.TrimSpace(line), "- run: ./evsim ")
		if !ok {
			continue
		}
		cmd, _, _ = strings.Cut(cmd, " ||")
		cmd = strings.ReplaceAll(cmd, "${{ matrix.shard }}", "${{matrix.shard}}")
		switch f := strings.Fields(strings.ReplaceAll(cmd, `""`, "''")); f[0] { // '' stands for an empty argument until the split
		case "sweep":
			sweep = f
		case "merge":
			merge = f
		}
	}
	if sweep == nil || merge == nil {
		t.Fatalf("no sweep or merge command in the workflow")
	}
	dir := t.TempDir()
	for i := range 4 {
		args := small(inDir(sweep, dir))
		for k, a := range args {
			args[k] = strings.ReplaceAll(strings.ReplaceAll(a, "${{matrix.shard}}", fmt.Sprint(i)), "''", "")
		}
		if code, _, stderr := evsim(t, args...); code != exitOK && code != exitFailed {
			t.Fatalf("shard %d: evsim %q: exit %d: %s", i, args, code, stderr)
		}
	}
	args := inDir(merge, dir)
	var expanded []string
	for _, a := range args {
		if strings.Contains(a, "*") {
			m, _ := filepath.Glob(a)
			if len(m) != 4 {
				t.Fatalf("%s matches %v, want the 4 summaries the shards wrote", a, m)
			}
			expanded = append(expanded, m...)
			continue
		}
		expanded = append(expanded, a)
	}
	if code, stdout, stderr := evsim(t, expanded...); code != exitOK || !strings.Contains(stdout, "gate passed") {
		t.Errorf("evsim %q: exit %d\n%s%s", expanded, code, stdout, stderr)
	}

	// Kubernetes: the Job's args with the pod's environment.
	b, err = os.ReadFile("../../deploy/k8s-indexed-job.yaml")
	if err != nil {
		t.Fatal(err)
	}
	var job struct {
		Spec struct {
			Completions int
			Template    struct {
				Spec struct {
					Containers []struct {
						Args []string
						Env  []struct{ Name, Value string }
					}
				}
			}
		}
	}
	if err := yaml.Unmarshal(b, &job); err != nil {
		t.Fatal(err)
	}
	c := job.Spec.Template.Spec.Containers[0]
	for _, e := range c.Env {
		if e.Name == "EVSIM_SHARDS" && e.Value != fmt.Sprint(job.Spec.Completions) {
			t.Errorf("EVSIM_SHARDS %s, completions %d: the Job's shards must be its completions", e.Value, job.Spec.Completions)
		}
		t.Setenv(e.Name, e.Value)
	}
	dir = t.TempDir()
	t.Setenv("JOB_COMPLETION_INDEX", "2")
	args = small(inDir(c.Args, dir))
	if code, _, stderr := evsim(t, args...); code != exitOK {
		t.Fatalf("evsim %q: exit %d: %s", args, code, stderr)
	}
	if _, err := os.Stat(filepath.Join(dir, fmt.Sprintf("sweep-summary-2-of-%d.json", job.Spec.Completions))); err != nil {
		t.Errorf("the pod's summary is not where the Job's comment says: %v", err)
	}
}
