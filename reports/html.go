package reports

import (
	"bytes"
	"cmp"
	"encoding/base64"
	"fmt"
	"html/template"
	"io"
	"os"
	"strings"

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
	"symbol": verdictSymbol,
	"inc":    func(i int) int { return i + 1 },
}).Parse(`<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>evsim: {{.Name}}</title>
<style>
body{font-family:system-ui,sans-serif;max-width:70rem;margin:2rem auto;padding:0 1rem;color:#222;line-height:1.45}
table{border-collapse:collapse;margin:1rem 0}td,th{border:1px solid #ccc;padding:.3rem .6rem;text-align:left}
.holds{background:#e3f6e3}.violated{background:#fbe0e0}.unknown{background:#fff4d6}
pre{background:#f6f6f6;padding:.6rem;font-size:.85rem;white-space:pre-wrap;overflow-wrap:anywhere}
ol.witness{background:#f6f6f6;padding:.6rem .6rem .6rem 3.2rem;font:.85rem ui-monospace,monospace;white-space:pre-wrap;overflow-wrap:anywhere}
ol.witness li{margin:.15rem 0}ol.witness li::marker{content:"W" counter(list-item) "  ";font-weight:bold}
.w{background:#fff0b3;font-weight:bold}img{max-width:100%;border:1px solid #ddd}
.diagram-wrap{overflow-x:auto;border:1px solid #ddd;margin:.5rem 0}
figure{margin:1rem 0}figcaption{font-size:.9rem;color:#444}
nav a{font-size:.95rem}
</style></head><body>
{{if .Back}}<nav><a href="{{.Back}}">&larr; all runs (index)</a></nav>{{end}}
<h1>{{.Name}}</h1>
<p><b>{{.Title}}</b></p>
{{if .Paragraphs}}<h2>What this scenario teaches</h2>
{{range .Paragraphs}}<p>{{.}}</p>
{{end}}{{end}}
<p>seed {{.Seed}} · checksum {{.Checksum}} · repro: <code>{{.Repro}}</code></p>
<h2>Verdicts</h2>
<table><tr><th scope="col">check</th><th scope="col">verdict</th><th scope="col">expected</th><th scope="col">as expected?</th></tr>
{{range .Results}}{{$exp := expected $.Expected .Check}}<tr><td>{{if ne .Verdict "holds"}}<a href="#check-{{.Check}}">{{.Check}}</a>{{else}}{{.Check}}{{end}}</td><td class="{{.Verdict}}">{{symbol .Verdict}} {{.Verdict}}</td><td>{{symbol $exp}} {{$exp}}</td><td>{{if eq .Verdict $exp}}✔ yes{{else}}✘ NO{{end}}</td></tr>
{{end}}</table>
<p>✔ holds · ✘ violated · ? unknown (the check had too little to judge)</p>
{{range .Failures}}<p class="violated">✘ FAILED: {{.}}</p>{{end}}
{{range .Sections}}
<section id="check-{{.Result.Check}}">
<h2>{{symbol .Result.Verdict}} {{.Result.Check}}: {{.Result.Verdict}}</h2>
<p>{{.Result.Explanation}}</p>
{{if .Result.Witness}}<h3>Witness of {{.Result.Check}}</h3>
<ol class="witness">{{range .Result.Witness}}<li>{{.}}</li>{{end}}</ol>{{end}}
{{if .Diagram}}<h3>Space-time diagram of the witness</h3>
<p>Time goes down, one lane per node; arrows run from a record to the one it caused (publish → append → delivery → effect, commit → partition). The witness records are the diamonds W1, W2…; ✕ is a crash, △ a restart, a bar a rebalance, an hourglass a session expiry, ‖ a pause, a square a commit. Hover a row for the full record.{{if .Omitted}} {{.Omitted}} records of the story are left out.{{end}}</p>
<div class="diagram-wrap">{{.Diagram}}</div>{{end}}
{{if .Timeline}}<details><summary>Timeline around the witness of {{.Result.Check}} ({{len .Timeline}} lines)</summary>
<pre>{{range .Timeline}}{{if .Witness}}<span class="w">▶ {{.Text}}</span>{{else}}  {{.Text}}{{end}}
{{end}}</pre></details>{{end}}
</section>
{{end}}
{{if .Windows}}<h2>Consistency window</h2>
{{range .Windows}}<p>{{.}}</p>
{{end}}{{end}}
{{if .Images}}<h2>Charts</h2>{{range .Images}}
<figure><img alt="{{.Alt}}" src="{{.Src}}"><figcaption>{{.Caption}}</figcaption></figure>{{end}}{{end}}
{{if .Links}}<h2>Files</h2><ul>{{range .Links}}<li><a href="{{.Href}}">{{.Caption}}</a></li>{{end}}</ul>{{end}}
</body></html>
`))

type embeddedImage struct {
	Caption, Alt string
	Src          template.URL
}

// embed reads each chart's PNG into an image the page carries inline, its
// alt text the chart's Alt, or its caption when it has none.
func embed(charts []Chart) ([]embeddedImage, error) {
	var out []embeddedImage
	for _, c := range charts {
		b, err := os.ReadFile(c.Path)
		if err != nil {
			return nil, err
		}
		out = append(out, embeddedImage{c.Caption, cmp.Or(c.Alt, c.Caption), template.URL("data:image/png;base64," + base64.StdEncoding.EncodeToString(b))})
	}
	return out, nil
}

type timelineLine struct {
	Text    string
	Witness bool
}

// section is what the report shows of one check that did not hold.
type section struct {
	Result   checks.Result
	Diagram  template.HTML
	Omitted  int
	Timeline []timelineLine
}

// WriteHTML writes p as one self-contained HTML page that reads top-down
// as the story of the run: a link back to the index, what the scenario
// teaches, the verdicts, then for each check that did not hold its
// explanation, its witness, a space-time diagram of the witness (inline
// SVG) and the timeline around it folded away, then the consistency window
// the queries of each read model saw ([checks.ConsistencyWindows]), the
// charts (embedded) and the run's files.
func WriteHTML(w io.Writer, p *Page) error {
	data := struct {
		*Page
		Paragraphs []string
		Images     []embeddedImage
		Sections   []section
		Windows    []string
	}{Page: p, Paragraphs: Paragraphs(p.Teaches)}
	if p.History != nil {
		for _, cw := range checks.ConsistencyWindows(p.History) {
			data.Windows = append(data.Windows, cw.Sentence())
		}
	}
	imgs, err := embed(p.Charts)
	if err != nil {
		return fmt.Errorf("html report: %w", err)
	}
	data.Images = imgs
	for _, r := range p.Results {
		if r.Verdict == checks.Holds {
			continue
		}
		sec := section{Result: r}
		if p.History != nil && len(r.Witness) > 0 {
			if d := NewDiagram(p.History, r.Witness); d != nil && r.Verdict == checks.Violated {
				sec.Diagram = d.SVG("Space-time diagram of the witness of " + r.Check)
				sec.Omitted = d.Omitted
			}
			sec.Timeline = around(p.History, r.Witness)
		}
		data.Sections = append(data.Sections, sec)
	}
	var buf bytes.Buffer
	if err := pageTmpl.Execute(&buf, data); err != nil {
		return fmt.Errorf("html report: %w", err)
	}
	_, err = w.Write(buf.Bytes())
	return err
}

// verdictSymbol marks a verdict by shape, so that it reads without colour.
func verdictSymbol(v checks.Verdict) string {
	switch v {
	case checks.Holds:
		return "✔"
	case checks.Violated:
		return "✘"
	}
	return "?"
}

// Paragraphs splits prose wrapped over lines into paragraphs: a blank
// line, or a line opening with "Fix:", starts a new one.
func Paragraphs(text string) []string {
	var out []string
	var cur []string
	flush := func() {
		if len(cur) > 0 {
			out = append(out, strings.Join(cur, " "))
			cur = nil
		}
	}
	for _, line := range strings.Split(text, "\n") {
		line = strings.TrimSpace(line)
		if line == "" {
			flush()
			continue
		}
		if strings.HasPrefix(line, "Fix:") {
			flush()
		}
		cur = append(cur, line)
	}
	flush()
	return out
}

// around returns the records near the witness records in h, marking them,
// with "..." between distant stretches.
func around(h *history.History, witness []history.Entry) []timelineLine {
	show := map[int]bool{}
	mark := map[int]bool{}
	wi := 0
	for i, r := range h.All() {
		if wi < len(witness) && r == witness[wi] {
			mark[i] = true
			for j := max(0, i-timelineSpan); j <= min(h.Len()-1, i+timelineSpan); j++ {
				show[j] = true
			}
			wi++
		}
	}
	var out []timelineLine
	prev := -1
	for i := range h.All() {
		if !show[i] {
			continue
		}
		if prev >= 0 && i != prev+1 {
			out = append(out, timelineLine{Text: "..."})
		}
		out = append(out, timelineLine{Text: h.At(i).String(), Witness: mark[i]})
		prev = i
	}
	return out
}
