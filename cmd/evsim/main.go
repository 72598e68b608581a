// Command evsim runs evsim's scenarios: deterministic simulations of
// event-driven systems under faults, judged by property checks.
//
// Usage:
//
//	evsim run [FILE|NAME...] [--seed N] [--out DIR] [--json]
//	evsim sweep FILE|NAME...|--all --seeds A..B [--shard i/n] [--workers N] [--gate] [--json] [--out DIR]
//	evsim merge SUMMARY... [--gate] [--json] [--out DIR]
//	evsim explore FILE|NAME [--runs N] [--seed N] [--check NAME] [--out DIR]
//	evsim swarm FILE|NAME --seeds A..B [--out DIR]
//	evsim list
//	evsim show NAME
//	evsim lint FILE...
//	evsim check HISTORY.jsonl [--checks a,b]
//	evsim live FILE|NAME... [--compare] [--brokers h:p,...] [--runs N] [--timeout D] [--out DIR]
//
// Exit codes: 0 every expectation met, 1 a check or expectation failed,
// 2 bad input or usage. With live --compare: 0 every live verdict is the
// simulated one, 1 a check differs.
package main

import (
	"fmt"
	"io"
	"os"
	"slices"
	"strings"
)

// Exit codes.
const (
	exitOK     = 0
	exitFailed = 1
	exitUsage  = 2
)

func main() {
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

const usage = `evsim: a deterministic simulator and property tester for event-driven systems

Usage:
  evsim run [FILE|NAME...] [--seed N] [--out DIR] [--json]
                           run scenarios (no argument: every built-in one)
  evsim sweep FILE|NAME...|--all --seeds A..B [--shard i/n] [--workers N] [--gate] [--json] [--out DIR]
                           run many seeds on all cores; summary per check, failing seeds,
                           faults struck. --all: every built-in scenario. --gate: exit 0
                           only if every fixed twin meets its expectations on every seed
                           and every broken scenario is caught on at least one.
                           --shard i/n (0 <= i < n): only the seeds at positions
                           i, i+n... of the range; writes DIR/sweep-summary-I-of-N.json
  evsim merge SUMMARY... [--gate] [--json] [--out DIR]
                           combine the summaries of every shard of a sweep into the
                           whole sweep's summary, tables, charts and gate verdict
  evsim explore FILE|NAME [--runs N] [--check NAME]
                           draw exact crash plans; shrink the first that breaks a check
                           and write a scenario file that reproduces it
  evsim swarm FILE|NAME --seeds A..B [--out DIR]
                           per seed, draw the knobs of the file's swarm block from their
                           ranges, print them, run; write each failing seed's scenario
  evsim list               list the built-in scenarios
  evsim show NAME          print a built-in scenario, to copy and edit
  evsim lint FILE...       validate scenario files
  evsim check HISTORY.jsonl [--checks a,b]
                           judge a recorded history
  evsim live FILE|NAME... [--compare] [--brokers h:p,...] [--runs N] [--timeout D] [--out DIR]
                           run scenarios as real Kafka clients against an in-process
                           cluster (or --brokers), judge the history, compare with the
                           simulation. --compare: the verdicts side by side and the
                           checks that differ (no name: every built-in pair that runs live)

Bounds: run, sweep, swarm and explore take --max-events N, --max-history SIZE,
--memory SIZE and --spill-dir DIR (check: --memory and --spill-dir); every run
stops at its bounds, in every phase, and says which it hit.

Exit codes: 0 every expectation met, 1 a check or expectation failed, 2 bad input or usage;
live --compare: 0 every live verdict is the simulated one, 1 a check differs.
`

// commands are the subcommands, for suggestions.
var commands = []string{"run", "sweep", "merge", "explore", "swarm", "list", "show", "lint", "check", "live", "help"}

// isHelp says whether a is a request for help.
func isHelp(a string) bool { return a == "-h" || a == "--help" || a == "-help" }

// run is the whole command, testable: it returns the exit code.
func run(args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		fmt.Fprint(stderr, usage)
		return exitUsage
	}
	opts := args[1:]
	if i := slices.Index(opts, "--"); i >= 0 {
		opts = opts[:i] // after --, a --help is a file's name
	}
	if slices.ContainsFunc(opts, isHelp) && slices.Contains(commands, args[0]) {
		// `evsim run --help` asks for help: the command's usage on stdout,
		// exit 0, as for `evsim --help`.
		if slices.Contains([]string{"run", "sweep", "merge", "explore", "swarm", "check", "live"}, args[0]) {
			dispatch([]string{args[0], "--help"}, stdout, stdout)
		} else {
			fmt.Fprint(stdout, usage)
		}
		return exitOK
	}
	return dispatch(args, stdout, stderr)
}

// dispatch runs the command args[0] names.
func dispatch(args []string, stdout, stderr io.Writer) int {
	switch args[0] {
	case "run":
		return cmdRun(args[1:], stdout, stderr)
	case "sweep":
		return cmdSweep(args[1:], stdout, stderr)
	case "merge":
		return cmdMerge(args[1:], stdout, stderr)
	case "explore":
		return cmdExplore(args[1:], stdout, stderr)
	case "swarm":
		return cmdSwarm(args[1:], stdout, stderr)
	case "list":
		return cmdList(args[1:], stdout, stderr)
	case "show":
		return cmdShow(args[1:], stdout, stderr)
	case "lint":
		return cmdLint(args[1:], stdout, stderr)
	case "check":
		return cmdCheck(args[1:], stdout, stderr)
	case "live":
		return cmdLive(args[1:], stdout, stderr)
	case "help", "-h", "--help", "-help":
		fmt.Fprint(stdout, usage)
		return exitOK
	}
	if strings.HasPrefix(args[0], "-") {
		if i := slices.IndexFunc(args, func(a string) bool { return slices.Contains(commands, a) }); i > 0 {
			fmt.Fprintf(stderr, "evsim: %s comes before the command: flags go after it, as in evsim %s %s\n", args[0], args[i], strings.Join(args[:i], " "))
			return exitUsage
		}
	}
	fmt.Fprintf(stderr, "evsim: unknown command %q%s\n\n%s", args[0], didYouMean(args[0], commands), usage)
	return exitUsage
}
