package reports

import (
	"encoding/json"
	"fmt"
	"html"
	"os"
	"strings"
)

// porcupineLabels are the two places porcupine v1.3.1's page script
// labels a client row with its number (measuring the label, then drawing
// it), and what DressPorcupine puts in their place: the client's name
// from evsimLanes. If an upgrade of porcupine changes them,
// DressPorcupine fails rather than leaving numbered rows (a test runs it on
// a page porcupine generates).
var porcupineLabels = []struct{ old, new string }{
	{"const tag = i < realClients ? i.toString() : sortedTags[i - realClients]",
		"const tag = i < realClients ? evsimLane(i) : sortedTags[i - realClients]"},
	{"text.textContent = i < realClients ? i : sortedTags[i - realClients]",
		"text.textContent = i < realClients ? evsimLane(i) : sortedTags[i - realClients]"},
}

// DressPorcupine gives the porcupine visualization at path a title, a
// link back to the report (back, relative to the page) and, when lanes
// is not empty, client names for its rows instead of porcupine's numbers:
// lanes[i] labels row i (a row past the end keeps its number).
func DressPorcupine(path, title, back string, lanes []string) error {
	b, err := os.ReadFile(path)
	if err != nil {
		return fmt.Errorf("porcupine page: %w", err)
	}
	s := string(b)
	t := html.EscapeString(title)
	head := fmt.Sprintf("<title>evsim: %s</title>", t)
	if len(lanes) > 0 {
		for _, l := range porcupineLabels {
			if n := strings.Count(s, l.old); n != 1 {
				return fmt.Errorf("porcupine page %s: found %d times, not once, the code that numbers its rows (%q): did porcupine's page change?", path, n, l.old)
			}
			s = strings.Replace(s, l.old, l.new, 1)
		}
		names, err := json.Marshal(lanes) // escapes <, > and &: safe in a script
		if err != nil {
			return fmt.Errorf("porcupine page: %w", err)
		}
		head += fmt.Sprintf("<script>const evsimLanes = %s; function evsimLane(i) { return evsimLanes[i] ?? i.toString() }</script>", names)
	}
	banner := fmt.Sprintf(`<nav style="font-family:system-ui,sans-serif;position:fixed;top:10px;right:10px;background:#fff;padding:.3rem .6rem;border:1px solid #ccc;border-radius:4px;z-index:10"><a href="%s">&larr; back to the report</a></nav><h1 style="font-family:system-ui,sans-serif;margin:3rem 1rem 0">%s</h1>`,
		html.EscapeString(back), t)
	if i := strings.Index(s, "<head>"); i >= 0 {
		s = s[:i+len("<head>")] + head + s[i+len("<head>"):]
	} else {
		s = head + s
	}
	if i := strings.Index(s, "<body>"); i >= 0 {
		s = s[:i+len("<body>")] + banner + s[i+len("<body>"):]
	} else if j := strings.Index(s, "<body"); j >= 0 {
		if k := strings.Index(s[j:], ">"); k >= 0 {
			s = s[:j+k+1] + banner + s[j+k+1:]
		}
	}
	if err := os.WriteFile(path, []byte(s), 0o644); err != nil {
		return fmt.Errorf("porcupine page: %w", err)
	}
	return nil
}
