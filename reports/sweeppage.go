package reports

import (
	"bytes"
	"fmt"
	"html/template"
	"io"

	"github.com/evsim/evsim/checks"
)

// SweepPage is what a sweep's HTML page shows: the verdicts across seeds,
// the failing seeds with the command that reruns each, and the charts
// across seeds.
type SweepPage struct {
	Scenario, Title string
	Seeds, Shard    string
	Runs, Met       int
	// Interrupted says Ctrl-C cut the sweep short.
	Interrupted bool
	Checks      []SweepCheck
	Failing     []FailingSeed
	Charts      []Chart
	// Back, if set, links the index.
	Back string
}

// SweepCheck counts one check's verdicts across the seeds.
type SweepCheck struct {
	Check                    string
	Holds, Violated, Unknown int
	Expected                 checks.Verdict
}

// FailingSeed is a seed whose run did not meet the expectations.
type FailingSeed struct {
	Seed  uint64
	Repro string
}

var sweepTmpl = template.Must(template.New("sweep").Funcs(template.FuncMap{"symbol": verdictSymbol}).Parse(`<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>evsim sweep: {{.Scenario}}</title>
<style>
body{font-family:system-ui,sans-serif;max-width:70rem;margin:2rem auto;padding:0 1rem;color:#222;line-height:1.45}
table{border-collapse:collapse;margin:1rem 0}td,th{border:1px solid #ccc;padding:.3rem .6rem;text-align:left}
td.n{text-align:right}img{max-width:100%;border:1px solid #ddd}figure{margin:1rem 0}figcaption{font-size:.9rem;color:#444}
.warn{background:#fff4d6;padding:.4rem .6rem}
</style></head><body>
{{if .Back}}<nav><a href="{{.Back}}">&larr; all runs (index)</a></nav>{{end}}
<h1>Sweep of {{.Scenario}}</h1>
{{if .Title}}<p><b>{{.Title}}</b></p>{{end}}
{{if .Interrupted}}<p class="warn">⚠ Interrupted (Ctrl-C): the counts cover the {{.Runs}} runs that finished.</p>{{end}}
<p>{{.Runs}} runs, seeds {{.Seeds}}{{if .Shard}}, shard {{.Shard}}{{end}}: expectations met in {{.Met}} of {{.Runs}}.</p>
<h2>Verdicts across seeds</h2>
<table><tr><th scope="col">check</th><th scope="col">✔ holds</th><th scope="col">✘ violated</th><th scope="col">? unknown</th><th scope="col">expected</th></tr>
{{range .Checks}}<tr><td>{{.Check}}</td><td class="n">{{.Holds}}</td><td class="n">{{.Violated}}</td><td class="n">{{.Unknown}}</td><td>{{symbol .Expected}} {{.Expected}}</td></tr>
{{end}}</table>
<h2>Failing seeds</h2>
{{if .Failing}}<p>{{len .Failing}} seed(s) did not meet the expectations; each command reruns one, with its report:</p>
<ul>{{range .Failing}}<li>seed {{.Seed}}: <code>{{.Repro}}</code></li>{{end}}</ul>
{{else}}<p>None: every seed met the expectations.</p>{{end}}
{{if .Images}}<h2>Charts across seeds</h2>{{range .Images}}
<figure><img alt="{{.Alt}}" src="{{.Src}}"><figcaption>{{.Caption}}</figcaption></figure>{{end}}{{end}}
<h2>Files</h2><ul><li><a href="sweep.json">summary (JSON)</a></li></ul>
</body></html>
`))

// WriteSweepHTML writes p as one self-contained HTML page: charts are
// embedded.
func WriteSweepHTML(w io.Writer, p *SweepPage) error {
	data := struct {
		*SweepPage
		Images []embeddedImage
	}{SweepPage: p}
	imgs, err := embed(p.Charts)
	if err != nil {
		return fmt.Errorf("sweep page: %w", err)
	}
	data.Images = imgs
	var buf bytes.Buffer
	if err := sweepTmpl.Execute(&buf, data); err != nil {
		return fmt.Errorf("sweep page: %w", err)
	}
	_, err = w.Write(buf.Bytes())
	return err
}
