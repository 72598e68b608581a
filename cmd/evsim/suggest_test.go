package main

import (
	"strings"
	"testing"
)

func TestDidYouMean(t *testing.T) {
	code, _, stderr := evsim(t, "run", "dubble-credit")
	if code != exitUsage || !strings.Contains(stderr, `no built-in scenario "dubble-credit"; did you mean double-credit?`) {
		t.Errorf("exit %d, stderr %q", code, stderr)
	}
	code, _, stderr = evsim(t, "run", "poison-pill")
	if code != exitUsage || !strings.Contains(stderr, "did you mean poison-dead-letter, poison-retry-forever, poison-skip?") {
		t.Errorf("exit %d, stderr %q", code, stderr)
	}
	code, _, stderr = evsim(t, "swep")
	if code != exitUsage || !strings.Contains(stderr, `unknown command "swep"; did you mean sweep?`) {
		t.Errorf("exit %d, stderr %q", code, stderr)
	}
	if got := suggest("zzzzzz", []string{"run", "sweep"}); len(got) != 0 {
		t.Errorf("suggested %v for nonsense", got)
	}
}

func TestSubcommandHelpExits0(t *testing.T) {
	for _, args := range [][]string{{"run", "--help"}, {"sweep", "-h"}, {"explore", "--help"}, {"check", "-help"}, {"list", "--help"}, {"--help"}} {
		code, stdout, _ := evsim(t, args...)
		if code != exitOK || !strings.Contains(stdout, "usage") && !strings.Contains(stdout, "Usage") {
			t.Errorf("evsim %q: exit %d, stdout %q", args, code, stdout)
		}
	}
}

func TestBuiltinsGroupedByFailureMode(t *testing.T) {
	list, err := load(nil)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, s := range list {
		names = append(names, s.Name)
	}
	all := strings.Join(names, " ")
	if !strings.HasPrefix(all, "fan-out-shared-group fan-out double-credit idempotent-consumer snapshot-drift") {
		t.Errorf("built-ins not grouped broken beside fixed: %s", all)
	}
	seen := map[string]bool{}
	for _, n := range names {
		if seen[n] {
			t.Errorf("%s listed twice", n)
		}
		seen[n] = true
	}
	var buf strings.Builder
	modes := modeOf()
	g := groupHeader(&buf, list[0], modes, "")
	groupHeader(&buf, list[1], modes, g)
	if buf.String() != "##### C1 fan-out\n\n" {
		t.Errorf("headers %q", buf.String())
	}
}
