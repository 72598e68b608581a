package reports

import (
	"fmt"
	"html"
	"os"
	"strings"
)

// DressPorcupine gives the porcupine visualization at path a title and a
// link back to the report (back, relative to the page).
func DressPorcupine(path, title, back string) error {
	b, err := os.ReadFile(path)
	if err != nil {
		return fmt.Errorf("porcupine page: %w", err)
	}
	s := string(b)
	t := html.EscapeString(title)
	head := fmt.Sprintf("<title>evsim: %s</title>", t)
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
