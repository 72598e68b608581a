package reports

import (
	"bytes"
	"fmt"
	"html/template"
	"io"
	"slices"
	"sort"
	"strings"

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

// Mode is a failure mode: the scenarios that show it beside the fixed
// twins that avoid it.
type Mode struct {
	ID, Failure   string
	Broken, Fixed []string
}

// SweepEntry is one sweep on the index page.
type SweepEntry struct {
	Name        string
	Runs, Met   int
	Seeds       string
	Failing     int
	Interrupted bool
	Href        string
}

// Index is what the index page shows: every run, the runs of a failure
// mode side by side (broken beside fixed), the others after them, and the
// sweeps.
type Index struct {
	Entries []IndexEntry
	Modes   []Mode
	Sweeps  []SweepEntry
}

// indexRun is an entry as the page draws it.
type indexRun struct {
	IndexEntry
	// Violated lists the violated checks, space-separated, for the filter.
	Violated string
}

type indexMode struct {
	Mode
	Broken, Fixed []indexRun
}

var indexTmpl = template.Must(template.New("index").Funcs(template.FuncMap{
	"expected": func(exp map[string]checks.Verdict, check string) checks.Verdict {
		if v, ok := exp[check]; ok {
			return v
		}
		return checks.Holds
	},
	"symbol": verdictSymbol,
}).Parse(`{{define "run"}}<div class="run{{if not .Met}} bad{{end}}" data-violated="{{.Violated}}" data-met="{{.Met}}">
<a href="{{.Href}}">{{.Name}}</a> {{if .Met}}<span title="expectations met">✔ met</span>{{else}}<b>✘ NOT met</b>{{end}} <span class="seed">seed {{.Seed}}</span>
<div class="title">{{.Title}}</div>
<ul class="verdicts">{{$e := .}}{{range .Results}}{{$x := expected $e.Expected .Check}}<li class="{{.Verdict}}">{{symbol .Verdict}} {{.Check}}: {{.Verdict}}{{if ne .Verdict $x}} (expected {{$x}}){{end}}</li>{{end}}</ul>
</div>{{end}}<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>evsim runs</title>
<style>
body{font-family:system-ui,sans-serif;max-width:80rem;margin:2rem auto;padding:0 1rem;color:#222;line-height:1.4}
table{border-collapse:collapse;width:100%}td,th{border:1px solid #ccc;padding:.4rem .6rem;text-align:left;vertical-align:top}
.run{margin:.2rem 0 .6rem}.run .title{font-size:.9rem;color:#444}.seed{font-size:.8rem;color:#666}
ul.verdicts{margin:.2rem 0;padding-left:1.2rem;font-size:.85rem}
.holds{color:#1a5f1a}.violated{color:#9b1c1c}.unknown{color:#7a5200}.bad{background:#fbe0e0}
.summary{font-size:1.05rem}.filter{margin:1rem 0;padding:.5rem;background:#f4f4f4}
[hidden]{display:none!important}
</style></head><body>
<h1>evsim runs</h1>
<p class="summary" id="summary">{{.Summary}}</p>
{{if .Checks}}<div class="filter"><label for="filter">Show runs in which this check is violated:</label>
<select id="filter"><option value="">(every run)</option>{{range .Checks}}<option value="{{.}}">{{.}}</option>{{end}}</select>
<label><input type="checkbox" id="unmet"> only runs whose expectations are not met</label>
<span id="shown" aria-live="polite"></span></div>{{end}}
{{if .Modes}}<h2>Failure modes: broken beside fixed</h2>
<table id="modes"><tr><th scope="col">failure mode</th><th scope="col">shows it (broken)</th><th scope="col">fixed twin</th></tr>
{{range .Modes}}<tr class="mode"><th scope="row">{{if .ID}}{{.ID}} · {{end}}{{.Failure}}</th>
<td>{{range .Broken}}{{template "run" .}}{{end}}</td><td>{{range .Fixed}}{{template "run" .}}{{end}}</td></tr>
{{end}}</table>{{end}}
{{if .Others}}<h2>{{if .Modes}}Other runs{{else}}Runs{{end}}</h2>
<div id="others">{{range .Others}}{{template "run" .}}{{end}}</div>{{end}}
{{if .Sweeps}}<h2>Sweeps</h2><ul>{{range .Sweeps}}<li><a href="{{.Href}}">{{.Name}}</a>: {{.Runs}} runs (seeds {{.Seeds}}), expectations met in {{.Met}}{{if .Failing}}, <b>{{.Failing}} failing seed(s)</b>{{end}}{{if .Interrupted}} (interrupted){{end}}</li>{{end}}</ul>{{end}}
<script>
(function(){
  var sel=document.getElementById('filter'), unmet=document.getElementById('unmet'), shown=document.getElementById('shown');
  if(!sel){return}
  function apply(){
    var c=sel.value, n=0, runs=document.querySelectorAll('.run');
    runs.forEach(function(r){
      var ok=(!c||(' '+r.dataset.violated+' ').indexOf(' '+c+' ')>=0)&&(!unmet.checked||r.dataset.met==='false');
      r.hidden=!ok; if(ok){n++}
    });
    document.querySelectorAll('tr.mode').forEach(function(tr){tr.hidden=!tr.querySelector('.run:not([hidden])')});
    shown.textContent=(c||unmet.checked)?n+' of '+runs.length+' runs shown':'';
  }
  sel.addEventListener('change',apply); unmet.addEventListener('change',apply);
})();
</script>
</body></html>
`))

// WriteIndex writes a page listing runs, their verdicts and links to
// their reports.
func WriteIndex(w io.Writer, entries []IndexEntry) error {
	return WriteIndexPage(w, Index{Entries: entries})
}

// WriteIndexPage writes the index: a summary line, a filter on violated
// checks, the runs of each failure mode side by side (the broken
// scenarios beside their fixed twins), the other runs, and the sweeps.
func WriteIndexPage(w io.Writer, ix Index) error {
	byName := map[string]IndexEntry{}
	for _, e := range ix.Entries {
		byName[e.Name] = e
	}
	placed := map[string]bool{}
	run := func(e IndexEntry) indexRun {
		var v []string
		for _, r := range e.Results {
			if r.Verdict == checks.Violated {
				v = append(v, r.Check)
			}
		}
		return indexRun{e, strings.Join(v, " ")}
	}
	var modes []indexMode
	for _, m := range ix.Modes {
		im := indexMode{Mode: m}
		for _, n := range m.Broken {
			if e, ok := byName[n]; ok {
				im.Broken = append(im.Broken, run(e))
				placed[n] = true
			}
		}
		for _, n := range m.Fixed {
			if e, ok := byName[n]; ok {
				im.Fixed = append(im.Fixed, run(e))
				placed[n] = true
			}
		}
		if len(im.Broken)+len(im.Fixed) > 0 {
			modes = append(modes, im)
		}
	}
	var others []indexRun
	checkSet := map[string]bool{}
	met, violating := 0, 0
	for _, e := range ix.Entries {
		if e.Met {
			met++
		}
		r := run(e)
		if r.Violated != "" {
			violating++
			for _, c := range strings.Fields(r.Violated) {
				checkSet[c] = true
			}
		}
		if !placed[e.Name] {
			others = append(others, r)
		}
	}
	var checksViolated []string
	for c := range checkSet {
		checksViolated = append(checksViolated, c)
	}
	sort.Strings(checksViolated)
	summary := fmt.Sprintf("%d runs: %d met their expectations", len(ix.Entries), met)
	if n := len(ix.Entries) - met; n > 0 {
		summary += fmt.Sprintf(", ✘ %d did NOT", n)
	} else if len(ix.Entries) > 0 {
		summary += " (all ✔)"
	}
	summary += fmt.Sprintf("; %d show a violated check, %d hold every check", violating, len(ix.Entries)-violating)
	if len(modes) > 0 {
		summary += fmt.Sprintf("; %d failure mode(s) shown broken beside fixed", len(modes))
	}
	if len(ix.Sweeps) > 0 {
		summary += fmt.Sprintf("; %d sweep(s)", len(ix.Sweeps))
	}
	summary += "."
	data := struct {
		Summary string
		Checks  []string
		Modes   []indexMode
		Others  []indexRun
		Sweeps  []SweepEntry
	}{summary, checksViolated, modes, others, slices.Clone(ix.Sweeps)}
	var buf bytes.Buffer
	if err := indexTmpl.Execute(&buf, data); err != nil {
		return fmt.Errorf("index page: %w", err)
	}
	_, err := w.Write(buf.Bytes())
	return err
}
