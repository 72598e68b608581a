package scenarios

import (
	"os"
	"regexp"
	"slices"
	"strings"
	"testing"
)

// knobTable is one table of knobs and the real settings they stand for:
// the keys its first column names (each backticked word up to a colon,
// so "`fencing: none` with `output`" names fencing and output), and each
// row's first cell with its real-setting cell.
type knobTable struct {
	keys  map[string]bool
	rows  map[string]string
	lines map[string]string // each row whole, by its first cell
}

// knobTables reads the tables that follow each heading of file for which
// want returns a name, up to the next heading, keyed by that name.
func knobTables(t *testing.T, file string, want func(heading string) string) map[string]knobTable {
	t.Helper()
	b, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	ticks := regexp.MustCompile("`([^`]+)`")
	out := map[string]knobTable{}
	section := ""
	for _, line := range strings.Split(string(b), "\n") {
		if strings.HasPrefix(line, "#") {
			section = want(strings.TrimSpace(strings.TrimLeft(line, "#")))
			continue
		}
		if section == "" || !strings.HasPrefix(line, "|") {
			continue
		}
		cells := strings.Split(strings.Trim(strings.TrimSpace(line), "|"), "|")
		if len(cells) < 2 || strings.TrimSpace(cells[0]) == "knob" || strings.HasPrefix(cells[0], "---") {
			continue
		}
		tab, ok := out[section]
		if !ok {
			tab = knobTable{keys: map[string]bool{}, rows: map[string]string{}, lines: map[string]string{}}
			out[section] = tab
		}
		first := strings.TrimSpace(cells[0])
		tab.rows[first] = strings.TrimSpace(cells[1])
		tab.lines[first] = strings.TrimSpace(line)
		for _, m := range ticks.FindAllStringSubmatch(first, -1) {
			key, _, _ := strings.Cut(m[1], ":")
			tab.keys[strings.TrimSpace(key)] = true
		}
	}
	return out
}

// notKnobs are keys that set nothing of a real system: the scenario's own
// names and texts, what it checks, and the sections that hold the knobs.
var notKnobs = []string{"name", "title", "teaches", "seed", "checks", "expect", "charts", "swarm",
	"topics", "producers", "consumers", "event-store", "aggregate", "clients", "projections", "queries", "outbox"}

// TestKnobTablesNameEveryKey: every key the decoder accepts (beyond
// notKnobs and the parameters of a model-only fault) is in FORMAT.md's
// table of what each knob stands for, pub/sub keys in the pub/sub one and
// event-sourcing keys in the event-sourcing one, and every row names the
// real setting or says it is model-only, a what-if or the application's.
// README's two knob tables have the same rows as FORMAT.md's, word for
// word.
func TestKnobTablesNameEveryKey(t *testing.T) {
	n := 0
	format := knobTables(t, "FORMAT.md", func(h string) string {
		if h != "What each knob stands for" {
			return ""
		}
		n++
		return []string{"", "pub/sub", "event sourcing"}[min(n, 2)]
	})
	readme := knobTables(t, "../README.md", func(h string) string {
		switch h {
		case "Pub/sub":
			return "pub/sub"
		case "Event sourcing":
			return "event sourcing"
		}
		return ""
	})
	lists := map[string][][]string{
		"pub/sub":        {topKeys, topicKeys, producerKeys, producerTxnKeys, consumerKeys, consumerTxnKeys, ordersKeys},
		"event sourcing": {storeKeys, aggregateKeys, outboxKeys, projectionKeys, clientKeys, queryKeys},
	}
	for section, keyLists := range lists {
		tab, ok := format[section]
		if !ok || len(tab.keys) == 0 {
			t.Fatalf("FORMAT.md: no %s table of what each knob stands for", section)
		}
		for _, keys := range keyLists {
			for _, k := range keys {
				if !tab.keys[k] && !slices.Contains(notKnobs, k) {
					t.Errorf("FORMAT.md, %s knob table: no row names key %q", section, k)
				}
			}
		}
		for first, real := range tab.rows {
			if real == "" {
				t.Errorf("FORMAT.md, %s knob table: row %s names no real setting", section, first)
			}
		}
		var fr, rr []string
		for first := range tab.rows {
			fr = append(fr, first)
		}
		for first := range readme[section].rows {
			rr = append(rr, first)
		}
		slices.Sort(fr)
		slices.Sort(rr)
		for _, f := range fr {
			if !slices.Contains(rr, f) {
				t.Errorf("README %s knob table lacks FORMAT.md's row %s", section, f)
			}
		}
		for _, r := range rr {
			if !slices.Contains(fr, r) {
				t.Errorf("README %s knob table has a row FORMAT.md lacks: %s", section, r)
			} else if got, want := readme[section].lines[r], tab.lines[r]; got != want {
				t.Errorf("README %s knob table's row %s differs from FORMAT.md's; copy FORMAT.md's:\n%s", section, r, want)
			}
		}
	}
}
