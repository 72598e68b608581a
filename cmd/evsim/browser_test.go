package main

import (
	"context"
	"flag"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/log"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"
)

// chromiumPath is Debian's headless Chromium (apt-get install chromium).
const chromiumPath = "/usr/bin/chromium"

var browserOut = flag.String("browser.out", "", "folder for TestBrowser's outputs and screenshots (default: a temporary folder)")

// pageFacts is what TestBrowser reads off a page in the browser.
type pageFacts struct {
	Title    string   `json:"title"`
	Headings []string `json:"headings"`
	Images   []struct {
		Alt    string `json:"alt"`
		Loaded bool   `json:"loaded"`
	} `json:"images"`
	Lanes    []string `json:"lanes"`
	Witness  []string `json:"witness"`
	Overflow []string `json:"overflow"`
	Back     bool     `json:"back"`
}

const factsJS = `(() => ({
  title: document.title,
  headings: Array.from(document.querySelectorAll('h1,h2,h3,h4,h5,h6')).map(h => h.tagName),
  images: Array.from(document.images).map(i => ({alt: i.alt, loaded: i.complete && i.naturalWidth > 0})),
  lanes: Array.from(document.querySelectorAll('svg.diagram .lane')).map(g => g.dataset.lane + ':' + g.dataset.role),
  witness: Array.from(document.querySelectorAll('svg.diagram [data-witness]')).map(g => g.dataset.witness),
  overflow: Array.from(document.querySelectorAll('ol.witness li, p')).filter(e => e.scrollWidth > e.clientWidth + 1).map(e => e.textContent.slice(0, 60)),
  back: !!document.querySelector('a[href$="index.html"], a[href$="report.html"]'),
}))()`

// TestBrowser drives headless Chromium through the outputs as a reader
// would: the index (and its filter), a report with its space-time
// diagram, a porcupine page and a sweep page. Each page loads with no
// console error and no request but its own file, every image loads and
// has alt text, headings never skip a level, no witness line or
// paragraph is cut, and the diagram has its lanes and witness marks.
func TestBrowser(t *testing.T) {
	if _, err := os.Stat(chromiumPath); err != nil {
		t.Skipf("%s missing (apt-get install chromium): %v", chromiumPath, err)
	}
	out := *browserOut
	if out == "" {
		out = t.TempDir()
	} else if err := os.MkdirAll(out, 0o755); err != nil {
		t.Fatal(err)
	}
	out, _ = filepath.Abs(out)
	if code, _, stderr := evsim(t, "run", "double-credit", "idempotent-consumer", "lost-update", "--out", out); code != exitOK {
		t.Fatalf("run: exit %d %s", code, stderr)
	}
	if code, _, stderr := evsim(t, "sweep", "staleness-slo-breached", "--seeds", "21..22", "--out", out); code != exitFailed {
		t.Fatalf("sweep: exit %d %s", code, stderr)
	}

	var mu sync.Mutex
	var problems, requests []string
	listen := func(ev any) {
		mu.Lock()
		defer mu.Unlock()
		switch e := ev.(type) {
		case *runtime.EventConsoleAPICalled:
			if e.Type == "error" || e.Type == "assert" || e.Type == "warning" {
				var args []string
				for _, a := range e.Args {
					args = append(args, string(a.Value)+a.Description)
				}
				problems = append(problems, fmt.Sprintf("console %s: %s", e.Type, strings.Join(args, " ")))
			}
		case *runtime.EventExceptionThrown:
			problems = append(problems, "exception: "+e.ExceptionDetails.Text)
		case *log.EventEntryAdded:
			if e.Entry.Level == log.EntryLevelError {
				problems = append(problems, "log: "+e.Entry.Text+" "+e.Entry.URL)
			}
		case *network.EventRequestWillBeSent:
			requests = append(requests, e.Request.URL)
		}
	}
	actx, cancel := chromedp.NewExecAllocator(context.Background(),
		chromedp.ExecPath(chromiumPath),
		chromedp.Headless, chromedp.NoSandbox, chromedp.DisableGPU, chromedp.NoFirstRun,
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.UserDataDir(t.TempDir()),
		chromedp.WindowSize(1200, 900),
	)
	defer cancel()
	ctx, cancel := chromedp.NewContext(actx, chromedp.WithListener(listen))
	defer cancel()
	ctx, cancelTime := context.WithTimeout(ctx, 60*time.Second)
	defer cancelTime()

	visit := func(rel, shot string) pageFacts {
		t.Helper()
		page := "file://" + filepath.ToSlash(filepath.Join(out, rel))
		mu.Lock()
		problems, requests = nil, nil
		mu.Unlock()
		if err := chromedp.Do(ctx, chromedp.Navigate(page), chromedp.WaitReady("body")); err != nil {
			t.Fatalf("%s: %v", rel, err)
		}
		facts, err := chromedp.Run(ctx, chromedp.Evaluate[pageFacts](factsJS))
		if err != nil {
			t.Fatalf("%s: %v", rel, err)
		}
		png, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
		if err != nil {
			t.Fatalf("%s: screenshot: %v", rel, err)
		}
		if err := os.WriteFile(filepath.Join(out, shot), png, 0o644); err != nil {
			t.Fatal(err)
		}
		mu.Lock()
		defer mu.Unlock()
		for _, p := range problems {
			t.Errorf("%s: %s", rel, p)
		}
		self, _ := url.Parse(page)
		if len(requests) == 0 {
			t.Errorf("%s: no request seen, not even the page's own: the listener is deaf", rel)
		}
		for _, r := range requests {
			u, err := url.Parse(r)
			if err != nil || (u.Scheme != "data" && (u.Scheme != "file" || u.Path != self.Path)) {
				t.Errorf("%s: requested %q, not its own file", rel, r)
			}
		}
		if facts.Title == "" {
			t.Errorf("%s: no title", rel)
		}
		for i, img := range facts.Images {
			if !img.Loaded || strings.TrimSpace(img.Alt) == "" {
				t.Errorf("%s: image %d loaded %v, alt %q", rel, i, img.Loaded, img.Alt)
			}
		}
		level := 0
		for _, h := range facts.Headings {
			l := int(h[1] - '0')
			if l > level+1 {
				t.Errorf("%s: heading %s after h%d skips a level", rel, h, level)
			}
			level = l
		}
		for _, o := range facts.Overflow {
			t.Errorf("%s: text cut off: %q", rel, o)
		}
		return facts
	}

	ix := visit("index.html", "shot-index.png")
	// The listener hears console errors.
	if _, err := chromedp.Run(ctx, chromedp.Evaluate[chromedp.Void](`console.error("probe")`)); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(5 * time.Second)
	for {
		mu.Lock()
		heard := strings.Contains(strings.Join(problems, "\n"), "probe")
		mu.Unlock()
		if heard {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("console.error not heard: the listener is deaf")
		}
		time.Sleep(20 * time.Millisecond)
	}
	if ix.Title != "evsim runs" {
		t.Errorf("index title %q", ix.Title)
	}
	// The filter hides the runs that do not violate the chosen check.
	shown, err := chromedp.Run(ctx, chromedp.Evaluate[[]string](`(() => {
		const s = document.getElementById('filter'); s.value = 'exactly-once-effects'; s.dispatchEvent(new Event('change'));
		return Array.from(document.querySelectorAll('.run')).filter(r => !r.hidden).map(r => r.querySelector('a').textContent);
	})()`))
	if err != nil {
		t.Fatal(err)
	}
	if strings.Join(shown, ",") != "double-credit" {
		t.Errorf("filter on exactly-once-effects shows %v, want [double-credit]", shown)
	}

	rep := visit("double-credit/report.html", "shot-report.png")
	if !rep.Back {
		t.Error("report: no link back to the index")
	}
	lanes := strings.Join(rep.Lanes, " ")
	for _, want := range []string{":producer", "account-events/0:partition", "ledger-0:member", "ledger-1:member"} {
		if !strings.Contains(lanes, want) {
			t.Errorf("report diagram: lanes %q lack %q", lanes, want)
		}
	}
	if len(rep.Witness) == 0 || rep.Witness[0] != "W1" {
		t.Errorf("report diagram: witness marks %v", rep.Witness)
	}
	if len(rep.Images) == 0 {
		t.Error("report: no chart")
	}

	if por := visit("lost-update/linearizable.html", "shot-porcupine.png"); !por.Back || !strings.Contains(por.Title, "lost-update") {
		t.Errorf("porcupine page: title %q, back-link %v", por.Title, por.Back)
	}
	// Its rows are labelled with the sessions' names, not porcupine's numbers.
	rows, err := chromedp.Run(ctx, chromedp.Evaluate[[]string](`Array.from(document.querySelectorAll('#canvas svg text[text-anchor="end"]')).map(t => t.textContent)`))
	if err != nil {
		t.Fatal(err)
	}
	sessions := 0
	for _, r := range rows {
		if strings.HasPrefix(r, "teller-") {
			sessions++
		} else if _, err := strconv.Atoi(r); err == nil {
			t.Errorf("porcupine page: row labelled %q, a number", r)
		}
	}
	if sessions < 2 {
		t.Errorf("porcupine page: rows %q, want the teller sessions", rows)
	}

	sw := visit("staleness-slo-breached/sweep.html", "shot-sweep.png")
	if len(sw.Images) == 0 || !strings.Contains(sw.Title, "staleness-slo-breached") {
		t.Errorf("sweep page: title %q, %d images", sw.Title, len(sw.Images))
	}
	t.Logf("pages and screenshots in %s", out)
}
