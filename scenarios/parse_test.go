package scenarios

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/evsim/evsim/checks"
	"github.com/evsim/evsim/faults"
	"github.com/evsim/evsim/model"
	"github.com/evsim/evsim/sim"
)

// validYAML is a correct scenario; the table below breaks one line of it
// at a time. Line numbers matter: keep them in the comments in sync.
var validYAML = strings.Join([]string{
	"name: t",                                 // 1
	"duration: 10s",                           // 2
	"topics:",                                 // 3
	"  - name: orders",                        // 4
	"    partitions: 3",                       // 5
	"producers:",                              // 6
	"  - name: shop",                          // 7
	"    topic: orders",                       // 8
	"    rate: 100/s",                         // 9
	"    keys: 5",                             // 10
	"    events:",                             // 11
	"      - type: Ordered",                   // 12
	"        amount: 1..100",                  // 13
	"consumers:",                              // 14
	"  - group: billing",                      // 15
	"    topic: orders",                       // 16
	"    members: 2",                          // 17
	"    dedup: none",                         // 18
	"    commit: after-handle",                // 19
	"    processing: 2ms..10ms",               // 20
	"faults:",                                 // 21
	"  - crash: billing",                      // 22
	"    point: after-effect",                 // 23
	"    probability: 1/20",                   // 24
	"    restart-after: 500ms",                // 25
	"checks: [exactly-once-effects, no-loss]", // 26
	"expect:",                                 // 27
	"  exactly-once-effects: violated",        // 28
	"  no-loss: holds",                        // 29
}, "\n") + "\n"

// edit returns validYAML with line n (1-based) replaced by repl (which may
// hold several lines, or none to delete it). n = 0 appends repl.
func edit(n int, repl ...string) string {
	lines := strings.Split(strings.TrimSuffix(validYAML, "\n"), "\n")
	if n == 0 {
		lines = append(lines, repl...)
	} else {
		lines = append(lines[:n-1], append(repl, lines[n:]...)...)
	}
	return strings.Join(lines, "\n") + "\n"
}

func TestParseValid(t *testing.T) {
	s, err := Parse("t.yaml", []byte(validYAML))
	if err != nil {
		t.Fatal(err)
	}
	want := model.Config{
		Topics: []model.TopicConfig{{Name: "orders", Partitions: 3}},
		Producers: []model.ProducerConfig{{Name: "shop", Topic: "orders", Interval: 10 * time.Millisecond, Keys: 5,
			Events: []model.EventSpec{{Type: "Ordered", AmountMin: 1, AmountMax: 100}}, Stop: 10 * time.Second}},
		Consumers: []model.ConsumerConfig{{Group: "billing", Topic: "orders", Members: 2, Handler: "balance",
			Dedup: model.DedupNone, Commit: model.CommitAfterHandle, ProcessingMin: 2 * time.Millisecond, ProcessingMax: 10 * time.Millisecond}},
	}
	if fmt.Sprintf("%+v", s.System) != fmt.Sprintf("%+v", want) {
		t.Errorf("system\n got %+v\nwant %+v", s.System, want)
	}
	wantPlan := faults.Plan{Until: 10 * time.Second, Faults: []faults.Fault{faults.Crash{Target: "billing",
		Point: model.PointAfterEffect, Probability: sim.Ratio{Num: 1, Den: 20}, RestartAfter: 500 * time.Millisecond}}}
	if fmt.Sprintf("%+v", s.Faults) != fmt.Sprintf("%+v", wantPlan) {
		t.Errorf("faults\n got %+v\nwant %+v", s.Faults, wantPlan)
	}
	if s.Name != "t" || s.Seed != 1 || s.Duration != 10*time.Second || s.Drain != DefaultDrain ||
		strings.Join(s.Checks, ",") != "exactly-once-effects,no-loss" ||
		s.Expect["exactly-once-effects"] != checks.Violated || s.Expect["no-loss"] != checks.Holds {
		t.Errorf("scenario %+v", s)
	}
}

func TestParseErrors(t *testing.T) {
	for _, c := range []struct {
		name string
		src  string
		// line and token locate the problem: the error must say
		// t.yaml:line:col where col is where token starts on that line.
		line  int
		token string
		// phrases the error must contain besides the position.
		phrases []string
	}{
		{"unknown top-level key", edit(0, "colour: red"), 30, "colour",
			[]string{`unknown key "colour"`, "allowed keys are name"}},
		{"unknown nested key", edit(18, "    dedupe: none"), 18, "dedupe",
			[]string{`consumers[0]: unknown key "dedupe"`, "dedup"}},
		{"static membership of a queue", edit(18, "    style: queue", "    static-membership: true"), 19, "true",
			[]string{"consumers[0].static-membership", "a queue subscription has no group membership"}},
		{"cooperative-sticky with fencing writes", edit(18, "    assignor: cooperative-sticky", "    fencing: writes"), 18, "assignor",
			[]string{"consumers[0]: assignor cooperative-sticky goes with a log subscription"}},
		{"unknown key in event", edit(13, "        amont: 1..100"), 13, "amont",
			[]string{`producers[0].events[0]: unknown key "amont"`, "amount"}},
		{"wrong type partitions", edit(5, "    partitions: many"), 5, "many",
			[]string{"topics[0].partitions", `"many" is not a whole number`}},
		{"partitions too small", edit(5, "    partitions: 0"), 5, "0",
			[]string{"topics[0].partitions", "want at least 1"}},
		{"list expected", strings.Replace(validYAML, "topics:\n  - name: orders\n    partitions: 3\n", "topics: orders\n", 1), 3, "orders",
			[]string{"topics: want a list"}},
		{"mapping expected", strings.Replace(validYAML, "  - name: orders\n    partitions: 3\n", "  - orders\n", 1), 4, "orders",
			[]string{"topics[0]: want a mapping"}},
		{"scalar expected", edit(1, "name: [a, b]"), 1, "[",
			[]string{"name: want a single value"}},
		{"bad duration", edit(2, "duration: 10 seconds"), 2, "10 seconds",
			[]string{"duration", "not a duration", "30s"}},
		{"zero duration", edit(2, "duration: 0s"), 2, "0s",
			[]string{"duration", "want a positive duration"}},
		{"bad restart-after", edit(25, "    restart-after: soon"), 25, "soon",
			[]string{"faults[0].restart-after", "not a duration"}},
		{"bad rate", edit(9, "    rate: fast"), 9, "fast",
			[]string{"producers[0].rate", "want a rate like 100/s"}},
		{"bad rate unit", edit(9, "    rate: 100/day"), 9, "100/day",
			[]string{"producers[0].rate", "want a rate like 100/s"}},
		{"zero rate", edit(9, "    rate: 0/s"), 9, "0/s",
			[]string{"producers[0].rate", "positive count"}},
		{"bad ratio above one", edit(24, "    probability: 3/2"), 24, "3/2",
			[]string{"faults[0].probability", "at most 1"}},
		{"bad ratio zero denominator", edit(24, "    probability: 1/0"), 24, "1/0",
			[]string{"faults[0].probability", "positive denominator"}},
		{"bad ratio float", edit(24, "    probability: 0.05"), 24, "0.05",
			[]string{"faults[0].probability", "like 1/20"}},
		{"bad range", edit(13, "        amount: 10..1"), 13, "10..1",
			[]string{"producers[0].events[0].amount", "min <= max"}},
		{"bad duration range", edit(20, "    processing: 10ms..2ms"), 20, "10ms..2ms",
			[]string{"consumers[0].processing", "min <= max"}},
		{"unknown check", edit(26, "checks: [exactly-once-effects, no-loss, key-ordr]"), 26, "key-ordr",
			[]string{`unknown value "key-ordr"`, "exactly-once-effects", "no-loss"}},
		{"check listed twice", edit(26, "checks: [no-loss, exactly-once-effects, no-loss]"), 26, "no-loss]",
			[]string{`"no-loss" is listed twice`}},
		{"expect names a check not in checks", edit(26, "checks: [exactly-once-effects]"), 29, "no-loss",
			[]string{`expect: "no-loss" is not among the checks`}},
		{"bad verdict", edit(29, "  no-loss: fine"), 29, "fine",
			[]string{"expect.no-loss", `unknown verdict "fine"`, "holds, violated or unknown"}},
		{"unknown dedup", edit(18, "    dedup: sometimes"), 18, "sometimes",
			[]string{"consumers[0].dedup", `unknown value "sometimes"`, "same-tx"}},
		{"unknown commit", edit(19, "    commit: never"), 19, "never",
			[]string{"consumers[0].commit", "before-handle, after-handle"}},
		{"unknown crash point", edit(23, "    point: mid-air"), 23, "mid-air",
			[]string{"faults[0].point", "after-effect"}},
		{"unknown handler", edit(18, "    handler: magic"), 18, "magic",
			[]string{"consumers[0].handler", "balance"}},
		{"unknown chart", edit(0, "charts: [pie]"), 30, "pie",
			[]string{"charts", `unknown value "pie"`, "lag"}},
		{"bad name", edit(7, "  - name: my shop"), 7, "my shop",
			[]string{"producers[0].name", "not a valid name"}},
		{"negative seed", edit(0, "seed: -1"), 30, "-1",
			[]string{"seed", "not a whole number of at least 0"}},
		{"missing key", edit(2), 1, "name",
			[]string{`missing key "duration"`}},
		{"missing nested key", edit(9), 7, "name",
			[]string{`producers[0]: missing key "rate"`}},
		{"duplicate key", edit(2, "duration: 10s", "name: u"), 3, "name",
			[]string{`key "name" appears twice`}},
		{"duplicate nested key", edit(17, "    members: 2", "    members: 3"), 18, "members",
			[]string{`consumers[0]: key "members" appears twice`}},
		{"unknown topic referenced by producer", edit(8, "    topic: ordres"), 8, "ordres",
			[]string{"producers[0].topic", `unknown topic "ordres"`}},
		{"unknown topic referenced by consumer", edit(16, "    topic: ordres"), 16, "ordres",
			[]string{"consumers[0].topic", `unknown topic "ordres"`}},
		{"YAML syntax error", edit(2, "  duration: 10s"), 2, "",
			[]string{"malformed YAML"}},
		{"YAML tab", edit(12, "\t- type: Ordered"), 12, "",
			[]string{"malformed YAML", "cannot start any token"}},
	} {
		t.Run(c.name, func(t *testing.T) {
			_, err := Parse("t.yaml", []byte(c.src))
			if err == nil {
				t.Fatalf("no error for\n%s", c.src)
			}
			msg := err.Error()
			var pos string
			switch {
			case c.token == "":
				pos = fmt.Sprintf("t.yaml:%d:", c.line)
			default:
				text := strings.Split(c.src, "\n")[c.line-1]
				col := strings.Index(text, c.token) + 1
				if col == 0 {
					t.Fatalf("bad test: token %q is not on line %d %q", c.token, c.line, text)
				}
				pos = fmt.Sprintf("t.yaml:%d:%d: ", c.line, col)
			}
			var found string
			for _, l := range strings.Split(msg, "\n") {
				if strings.HasPrefix(l, pos) && containsAll(l, c.phrases) {
					found = l
				}
			}
			if found == "" {
				t.Fatalf("error\n%s\nhas no line starting with %q and containing %q", msg, pos, c.phrases)
			}
			for _, l := range strings.Split(msg, "\n") {
				if !strings.HasPrefix(l, "t.yaml:") {
					t.Errorf("error line %q does not start with the file name", l)
				}
			}
		})
	}
}

// TestParseYAMLParserErrors pins what go.yaml.in/yaml/v3 gives for errors
// of its parser (as opposed to its scanner): it reports the line before the
// enclosing block or flow collection starts, not the line of the problem,
// and no column. The scenario error keeps that line; the test bounds how far
// off it may be, so a regression to no line at all still fails.
func TestParseYAMLParserErrors(t *testing.T) {
	for _, c := range []struct {
		name       string
		src        string
		line, near int // the problem's line, and the line yaml/v3 reports
	}{
		{"bad indentation", edit(13, "       amount: 1..100"), 13, 11},
		{"unclosed flow list", edit(26, "checks: [exactly-once-effects, no-loss"), 26, 25},
	} {
		t.Run(c.name, func(t *testing.T) {
			_, err := Parse("t.yaml", []byte(c.src))
			if err == nil {
				t.Fatal("no error")
			}
			if want := fmt.Sprintf("t.yaml:%d:1: malformed YAML: ", c.near); !strings.HasPrefix(err.Error(), want) {
				t.Fatalf("error %q, want it to start with %q (the problem is on line %d)", err, want, c.line)
			}
		})
	}
}

func containsAll(s string, phrases []string) bool {
	for _, p := range phrases {
		if !strings.Contains(s, p) {
			return false
		}
	}
	return true
}

func TestParseEmpty(t *testing.T) {
	for _, src := range []string{"", "\n\n", "# only a comment\n"} {
		_, err := Parse("t.yaml", []byte(src))
		if err == nil || !strings.HasPrefix(err.Error(), "t.yaml: empty scenario") {
			t.Errorf("Parse(%q) = %v, want an empty-scenario error naming the file", src, err)
		}
	}
	_, err := Parse("t.yaml", []byte("- a\n- b\n"))
	if err == nil || !strings.HasPrefix(err.Error(), "t.yaml:1:1: scenario: want a mapping") {
		t.Errorf("a list as the document: %v", err)
	}
}

func TestParseReportsEveryProblem(t *testing.T) {
	src := edit(24, "    probability: 3/2")
	src = strings.Replace(src, "partitions: 3", "partitions: many", 1)
	src = strings.Replace(src, "rate: 100/s", "rate: fast", 1)
	src = strings.Replace(src, "dedup: none", "dedupe: none", 1)
	src = strings.Replace(src, "no-loss: holds", "no-loss: fine", 1)
	_, err := Parse("t.yaml", []byte(src))
	if err == nil {
		t.Fatal("no error")
	}
	var problems []*Error
	if j, ok := err.(interface{ Unwrap() []error }); ok {
		for _, e := range j.Unwrap() {
			var pe *Error
			if !errors.As(e, &pe) {
				t.Fatalf("problem %v is not an *Error", e)
			}
			problems = append(problems, pe)
		}
	}
	lines := map[int]bool{}
	for _, p := range problems {
		lines[p.Line] = true
	}
	for _, l := range []int{5, 9, 18, 24, 29} {
		if !lines[l] {
			t.Errorf("no problem reported on line %d; got\n%v", l, err)
		}
	}
	if len(problems) != 5 {
		t.Errorf("%d problems, want 5:\n%v", len(problems), err)
	}
}

func TestParseDuplicateNamesPointAtTheSecond(t *testing.T) {
	// A consumer group named like a producer is reported where the group
	// is named, not only by the model's validation.
	_, err := Parse("t.yaml", []byte(strings.Replace(validYAML, "  - group: billing", "  - group: shop", 1)))
	if err == nil || !strings.Contains(err.Error(), `t.yaml:15:12: consumers[0].group: "shop" is already the name`) {
		t.Fatalf("a group named like a producer: %v", err)
	}
}

func TestParseUnknownCrashTarget(t *testing.T) {
	_, err := Parse("t.yaml", []byte(strings.Replace(validYAML, "crash: billing", "crash: biling", 1)))
	if err == nil || !strings.Contains(err.Error(), `t.yaml:22:12: faults[0].crash: unknown target "biling"`) {
		t.Fatalf("unknown crash target: %v", err)
	}
}

func TestParseSecondDocument(t *testing.T) {
	_, err := Parse("t.yaml", []byte(validYAML+"---\nname: other\n"))
	if err == nil || !strings.Contains(err.Error(), "a second YAML document") {
		t.Fatalf("second document: %v", err)
	}
}

func TestBuiltinsParseAndAreNamedLikeTheirFiles(t *testing.T) {
	files, err := filepath.Glob("*.yaml")
	if err != nil || len(files) == 0 {
		t.Fatalf("no scenario files: %v", err)
	}
	for _, f := range files {
		src, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		s, err := Parse(f, src)
		if err != nil {
			t.Errorf("%v", err)
			continue
		}
		if want := strings.TrimSuffix(f, ".yaml"); s.Name != want {
			t.Errorf("%s: name %q, want the file name %q", f, s.Name, want)
		}
		if s.Title == "" || s.Teaches == "" {
			t.Errorf("%s: a teaching scenario needs a title and what it teaches", f)
		}
		for _, c := range s.Checks {
			if _, ok := s.Expect[c]; !ok {
				t.Errorf("%s: check %s has no expected verdict", f, c)
			}
		}
	}
	all, err := Builtins()
	if err != nil {
		t.Fatal(err)
	}
	if len(all) != len(files) {
		t.Fatalf("Builtins returned %d scenarios, the folder has %d files", len(all), len(files))
	}
	for i := 1; i < len(all); i++ {
		if all[i-1].Name >= all[i].Name {
			t.Errorf("Builtins not sorted by name: %s before %s", all[i-1].Name, all[i].Name)
		}
	}
	s, err := Builtin("double-credit")
	if err != nil || s.Name != "double-credit" {
		t.Fatalf("Builtin(double-credit) = %v, %v", s, err)
	}
	if _, err := Builtin("no-such"); err == nil || !strings.Contains(err.Error(), "double-credit") {
		t.Fatalf("Builtin(no-such) error %v, want one listing the built-in names", err)
	}
}

func TestParseCrashAtHit(t *testing.T) {
	s, err := Parse("t.yaml", []byte(strings.Replace(validYAML, "probability: 1/20", "at-hit: 3", 1)))
	if err != nil {
		t.Fatal(err)
	}
	if c, ok := s.Faults.Faults[0].(faults.CrashNth); !ok || c.Nth != 3 || c.Target != "billing" {
		t.Fatalf("fault %#v, want a crash at the third pass", s.Faults.Faults[0])
	}
	for _, tc := range []struct{ edit, want string }{
		{"probability: 1/20\n    at-hit: 3", "not both or neither"},
		{"at-hit: 0", "at-hit: 0 is too small"},
	} {
		_, err := Parse("t.yaml", []byte(strings.Replace(validYAML, "probability: 1/20", tc.edit, 1)))
		if err == nil || !strings.Contains(err.Error(), tc.want) || !strings.Contains(err.Error(), "t.yaml:") {
			t.Errorf("%q: got %v, want %q", tc.edit, err, tc.want)
		}
	}
}

func TestParseCountsAreBounded(t *testing.T) {
	_, err := Parse("t.yaml", []byte(strings.Replace(validYAML, "partitions: 3", "partitions: 5000000", 1)))
	if err == nil || !strings.Contains(err.Error(), "topics[0].partitions: 5000000 is too large: want at most 1024") {
		t.Fatalf("got %v", err)
	}
}

// TestParseAmountsAreBounded: an amount range so wide that drawing from it
// or summing its amounts would overflow is an error at the amount, not a
// panic in the middle of a run.
func TestParseAmountsAreBounded(t *testing.T) {
	for _, amount := range []string{"0..9223372036854775807", "-9223372036854775808..9223372036854775807", "1..2000000000", "-2000000000"} {
		_, err := Parse("t.yaml", []byte(strings.Replace(validYAML, "amount: 1..100", "amount: "+amount, 1)))
		if err == nil || !strings.Contains(err.Error(), "t.yaml:13:17: producers[0].events[0].amount") || !strings.Contains(err.Error(), "1000000000") {
			t.Errorf("amount %s: got %v", amount, err)
		}
	}
}

// TestParseCrashPointItsTargetNeverPasses: a crash aimed at a point its
// target never passes is refused by Parse at the point's line, as other
// fault errors are, not only later, without a line, when the world is
// built.
func TestParseCrashPointItsTargetNeverPasses(t *testing.T) {
	_, err := Parse("t.yaml", []byte(strings.Replace(validYAML, "crash: billing", "crash: shop", 1)))
	if err == nil || !strings.Contains(err.Error(), `t.yaml:23:12: faults[0]: crash "shop" at after-effect: shop is a producer`) {
		t.Fatalf("got %v", err)
	}
}

// TestParseAddPartitionsIsBounded: add-partitions cannot grow a topic past
// the bound a topic's partitions have.
func TestParseAddPartitionsIsBounded(t *testing.T) {
	_, err := Parse("t.yaml", []byte(edit(25, "    restart-after: 500ms", "  - add-partitions: orders", "    at: 1s", "    to: 5000")))
	if err == nil || !strings.Contains(err.Error(), "t.yaml:28:9: faults[1].to: 5000 is too large: want at most 1024") {
		t.Fatalf("got %v", err)
	}
}

// TestParseExpectOfWrongShapeIsOneError: an expectation given as a list
// is one error (want a single value), not also an unknown verdict "".
func TestParseExpectOfWrongShapeIsOneError(t *testing.T) {
	_, err := Parse("t.yaml", []byte(strings.Replace(validYAML, "  no-loss: holds", "  no-loss: [holds]", 1)))
	if err == nil || !strings.Contains(err.Error(), "expect.no-loss: want a single value") || strings.Contains(err.Error(), `unknown verdict ""`) {
		t.Fatalf("got %v", err)
	}
}

// TestParseAliasesSayWhatToDo: a YAML alias or merge key, which the strict
// reader does not follow, is an error that says to write the value out.
func TestParseAliasesSayWhatToDo(t *testing.T) {
	for _, c := range []struct{ src, want string }{
		{strings.Replace(validYAML, "name: t\n", "name: &n t\n", 1) + "title: *n\n", `t.yaml:30:8: title: want a single value, got an alias *n (a scenario takes no YAML anchors or aliases`},
		{strings.Replace(validYAML, "  - name: orders\n", "  - &o {name: orders}\n  - <<: *o\n", 1), `topics[1]: a YAML merge key <<: a scenario takes no YAML anchors or aliases`},
	} {
		if _, err := Parse("t.yaml", []byte(c.src)); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("got %v, want %q", err, c.want)
		}
	}
}

// TestParseModelErrorsAtTheirLines: what only the model's validation
// catches (a client or query naming an unknown projection, a name taken
// twice in the event-sourced part, a topic setting the model refuses) is
// reported at the line of the entry it is about, not for the file alone.
func TestParseModelErrorsAtTheirLines(t *testing.T) {
	es := strings.Join([]string{
		"name: t",                         // 1
		"duration: 1s",                    // 2
		"projections:",                    // 3
		"  - name: balances",              // 4
		"clients:",                        // 5
		"  - name: teller",                // 6
		"    rate: 10/s",                  // 7
		"    projection: balancez",        // 8
		"    commands: [{type: Deposit}]", // 9
		"queries:",                        // 10
		"  - name: teller",                // 11
		"    rate: 10/s",                  // 12
		"    consistency: eventual",       // 13
		"    projection: balances",        // 14
		"checks: [linearizable]",          // 15
	}, "\n") + "\n"
	for _, c := range []struct{ src, want string }{
		{strings.Replace(es, "  - name: teller\n    rate: 10/s\n    consistency", "  - name: dashboard\n    rate: 10/s\n    consistency", 1),
			`t.yaml:8:17: clients[0].projection: unknown projection "balancez": define it under projections (defined: balances)`},
		{strings.Replace(es, "balancez", "balances", 1), `t.yaml:11:11: queries[0].name: query client "teller": names must be unique`},
		{edit(10, "    keys: 5", "    partitioner: explicit", "    partition: 7"), `t.yaml:7:11: producers[0].name: producer "shop": partition 7: topic "orders" has partitions 0..2`},
	} {
		if _, err := Parse("t.yaml", []byte(c.src)); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("got %v, want %q", err, c.want)
		}
	}
}

// TestParseDurationsAreBounded: a duration past ten years of simulated
// time is an error at its line, so that sums of durations cannot
// overflow the clock (a fault's at plus for read as ending before it
// starts).
func TestParseDurationsAreBounded(t *testing.T) {
	for _, c := range []struct{ edit, want string }{
		{edit(2, "duration: 2562047h"), "t.yaml:2:11: duration: 2562047h is too long: want at most 87600h0m0s"},
		{edit(25, "    restart-after: 100000h"), "t.yaml:25:20: faults[0].restart-after: 100000h is too long"},
		{edit(20, "    processing: 1ms..90000h"), `t.yaml:20:17: consumers[0].processing: "1ms..90000h" is too long`},
	} {
		if _, err := Parse("t.yaml", []byte(c.edit)); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("got %v, want %q", err, c.want)
		}
	}
}

// TestParseNothingAfterTheDocument: text after the document's end marker
// (...) is not dropped unread: it is an error, as a second document is;
// a file of a bare --- is empty.
func TestParseNothingAfterTheDocument(t *testing.T) {
	for _, c := range []struct{ src, want string }{
		{validYAML + "...\nname: other\n", "t.yaml:30:1: malformed YAML"},
		{validYAML + "...\n  [unclosed\n", "t.yaml:"},
		{"---\n", "t.yaml: empty scenario"},
	} {
		if _, err := Parse("t.yaml", []byte(c.src)); err == nil || !strings.HasPrefix(err.Error(), c.want) {
			t.Errorf("%q: got %v, want %q", c.src[max(0, len(c.src)-30):], err, c.want)
		}
	}
}

// TestParseNamesThatAreNotPaths: a scenario's name names its output
// folder, so . and .. (which would write outside --out) are refused, as
// are control characters, in every name.
func TestParseNamesThatAreNotPaths(t *testing.T) {
	for _, c := range []struct{ edit, want string }{
		{edit(1, "name: .."), `t.yaml:1:7: name: ".." is not a valid name`},
		{edit(1, "name: ."), `t.yaml:1:7: name: "." is not a valid name`},
		{edit(4, `  - name: "ord\u0000ers"`), `t.yaml:4:11: topics[0].name: "ord\x00ers" is not a valid name`},
	} {
		if _, err := Parse("t.yaml", []byte(c.edit)); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("got %v, want %q", err, c.want)
		}
	}
}

// TestParseTotalsAreBounded: counts bounded per entry are bounded over
// all entries too: many topics of many partitions each, or many groups of
// many members, are refused at their list, not built until memory runs
// out.
func TestParseTotalsAreBounded(t *testing.T) {
	var b strings.Builder
	b.WriteString("name: t\nduration: 1s\ntopics:\n")
	for i := range 3 {
		fmt.Fprintf(&b, "  - {name: t%d, partitions: 1000}\n", i)
	}
	b.WriteString("consumers:\n")
	for i := range 3 {
		fmt.Fprintf(&b, "  - {group: g%d, topic: t%d, members: 1000}\n", i, i)
	}
	b.WriteString("producers:\n")
	for i := range 3 {
		fmt.Fprintf(&b, "  - {name: p%d, topic: t0, rate: 1/s, keys: 900000, events: [{type: Deposited}]}\n", i)
	}
	b.WriteString("checks: [no-loss]\n")
	_, err := Parse("t.yaml", []byte(b.String()))
	for _, want := range []string{"t.yaml:3:1: topics: 3000 partitions in all: want at most 1024 in all", "t.yaml:7:1: consumers: 3000 members in all",
		"t.yaml:11:1: producers: 2700000 keys in all: want at most 1000000 in all"} {
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("got %v, want %q", err, want)
		}
	}
}
