package reports

import (
	"bytes"
	"fmt"
	"html/template"
	"io"

	"github.com/evsim/evsim/checks"
)

// IndexEntry is one run on the index page.
type IndexEntry struct {
	Name, Title string
	Seed        uint64
	// Met says whether every expectation was met.
	Met      bool
	Results  []checks.Result
	Expected map[string]checks.Verdict
	// Href links the run's report.
	Href string
}

var indexTmpl = template.Must(template.New("index").Funcs(template.FuncMap{
	"expected": func(exp map[string]checks.Verdict, check string) checks.Verdict {
		if v, ok := exp[check]; ok {
			return v
		}
		return checks.Holds
	},
}).Parse(`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>evsim runs</title>
<style>
body{font-family:system-ui,sans-serif;max-width:80rem;margin:2rem auto;padding:0 1rem;color:#222}
table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:.3rem .6rem;text-align:left;vertical-align:top}
.holds{color:#1a7f1a}.violated{color:#b01c1c}.unknown{color:#9a6a00}.bad{background:#fbe0e0}
</style></head><body>
<h1>evsim runs</h1>
<table><tr><th>scenario</th><th>what it shows</th><th>seed</th><th>verdicts</th><th>expectations</th></tr>
{{range .}}<tr{{if not .Met}} class="bad"{{end}}><td><a href="{{.Href}}">{{.Name}}</a></td><td>{{.Title}}</td><td>{{.Seed}}</td>
<td>{{$e := .}}{{range .Results}}<span class="{{.Verdict}}">{{.Check}}: {{.Verdict}}</span>{{if ne .Verdict (expected $e.Expected .Check)}} (expected {{expected $e.Expected .Check}}){{end}}<br>{{end}}</td>
<td>{{if .Met}}met{{else}}NOT met{{end}}</td></tr>
{{end}}</table></body></html>
`))

// WriteIndex writes a page listing runs, their verdicts and links to
// their reports.
func WriteIndex(w io.Writer, entries []IndexEntry) error {
	var buf bytes.Buffer
	if err := indexTmpl.Execute(&buf, entries); err != nil {
		return fmt.Errorf("index page: %w", err)
	}
	_, err := w.Write(buf.Bytes())
	return err
}
