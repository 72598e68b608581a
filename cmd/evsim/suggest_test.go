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
