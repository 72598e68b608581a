package reports

import (
	"bytes"
	"encoding/base64"
	"fmt"
	"html/template"
	"io"
	"os"

	"github.com/evsim/evsim/checks"
	"github.com/evsim/evsim/model/history"
)

// Page is what one run's HTML report shows.
type Page struct {
	Name, Title, Teaches string
	Seed                 uint64
	Checksum             string
	Repro                string
	Results              []checks.Result
	// Expected maps a check to the verdict the scenario pins.
	Expected map[string]checks.Verdict
	// Failures are the expectations not met.
	Failures []string
	// Charts are PNG files to embed, by caption.
	Charts []Chart
	// Links are other files of the run (history, visualizations), by caption.
	Links []Link
	// History, if set, gives the timeline around each witness.
	History *history.History
	// Back, if set, links the index the report belongs to.
	Back string
}

// Chart is a PNG file to embed in a page.
type Chart struct {
	Caption string
	Path    string
	// Alt says in words what the chart shows.
	Alt string
}

// Link is a file beside the report.
type Link struct {
	Caption string
	Href    string
}

// timelineSpan is how many records around a witness the timeline shows.
const timelineSpan = 6

var pageTmpl = template.Must(template.New("page").Funcs(template.FuncMap{
	"expected": func(exp map[string]checks.Verdict, check string) checks.Verdict {
		if v, ok := exp[check]; ok {
			return v
		}
		return checks.Holds
	},
}).Parse(`<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<title>evsim: {{.Name}}</title>
<style>
body{font-family:system-ui,sans-serif;max-width:70rem;margin:2rem auto;padding:0 1rem;color:#222}
table{border-collapse:collapse;margin:1rem 0}td,th{border:1px solid #ccc;padding:.3rem .6rem;text-align:left}
.holds{background:#e3f6e3}.violated{background:#fbe0e0}.unknown{background:#fff4d6}
pre{background:#f6f6f6;padding:.6rem;overflow-x:auto;font-size:.85rem}
.w{background:#fff0b3}img{max-width:100%;border:1px solid #ddd}
</style></head><body>
<h1>{{.Name}}</h1><p><b>{{.Title}}</b></p>
{{if .Teaches}}<pre>{{.Teaches}}</pre>{{end}}
<p>seed {{.Seed}} · checksum {{.Checksum}} · repro: <code>{{.Repro}}</code></p>
<table><tr><th>check</th><th>verdict</th><th>expected</th></tr>
{{range .Results}}<tr><td>{{.Check}}</td><td class="{{.Verdict}}">{{.Verdict}}</td><td>{{expected $.Expected .Check}}</td></tr>
{{end}}</table>
{{range .Failures}}<p class="violated">FAILED: {{.}}</p>{{end}}
{{range $i, $r := .Results}}{{if ne $r.Verdict "holds"}}
<h2>{{$r.Check}}: {{$r.Verdict}}</h2><p>{{$r.Explanation}}</p>
{{if $r.Witness}}<h3>Witness</h3><pre>{{range $r.Witness}}{{.}}
{{end}}</pre>{{end}}
{{end}}{{end}}
{{range .Timelines}}<h3>Timeline around {{.Check}}</h3><pre>{{range .Lines}}{{if .Witness}}<span class="w">{{.Text}}</span>{{else}}{{.Text}}{{end}}
{{end}}</pre>{{end}}
{{range .Images}}<h2>{{.Caption}}</h2><img alt="{{.Caption}}" src="{{.Src}}">{{end}}
{{if .Links}}<h2>Files</h2><ul>{{range .Links}}<li><a href="{{.Href}}">{{.Caption}}</a></li>{{end}}</ul>{{end}}
</body></html>
`))

type image struct {
	Caption string
	Src     template.URL
}

type timelineLine struct {
	Text    string
	Witness bool
}

type timeline struct {
	Check string
	Lines []timelineLine
}

// WriteHTML writes p as one self-contained HTML page: charts are embedded.
func WriteHTML(w io.Writer, p *Page) error {
	data := struct {
		*Page
		Images    []image
		Timelines []timeline
	}{Page: p}
	for _, c := range p.Charts {
		b, err := os.ReadFile(c.Path)
		if err != nil {
			return fmt.Errorf("html report: %w", err)
		}
		data.Images = append(data.Images, image{c.Caption, template.URL("data:image/png;base64," + base64.StdEncoding.EncodeToString(b))})
	}
	if p.History != nil {
		for _, r := range p.Results {
			if len(r.Witness) > 0 {
				data.Timelines = append(data.Timelines, timeline{r.Check, around(p.History, r.Witness)})
			}
		}
	}
	var buf bytes.Buffer
	if err := pageTmpl.Execute(&buf, data); err != nil {
		return fmt.Errorf("html report: %w", err)
	}
	_, err := w.Write(buf.Bytes())
	return err
}

// around returns the records near the witness records in h, marking them,
// with "..." between distant stretches.
func around(h *history.History, witness []history.Record) []timelineLine {
	show := map[int]bool{}
	mark := map[int]bool{}
	wi := 0
	for i, r := range h.Records {
		if wi < len(witness) && r == witness[wi] {
			mark[i] = true
			for j := max(0, i-timelineSpan); j <= min(len(h.Records)-1, i+timelineSpan); j++ {
				show[j] = true
			}
			wi++
		}
	}
	var out []timelineLine
	prev := -1
	for i := range h.Records {
		if !show[i] {
			continue
		}
		if prev >= 0 && i != prev+1 {
			out = append(out, timelineLine{Text: "..."})
		}
		out = append(out, timelineLine{Text: h.Records[i].String(), Witness: mark[i]})
		prev = i
	}
	return out
}
