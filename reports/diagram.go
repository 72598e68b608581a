package reports

import (
	"fmt"
	"html/template"
	"sort"
	"strings"
	"time"

	"github.com/evsim/evsim/model/history"
)

// maxDiagramRows bounds the records a space-time diagram draws.
const maxDiagramRows = 60

// Lane roles, in the order lanes are drawn left to right.
const (
	roleProducer = iota
	rolePartition
	roleCoordinator
	roleMember
	roleStore
	roleProjector
	roleClient
	roleOther
)

var roleNames = []string{"producer", "partition", "coordinator", "member", "store", "projector", "client", "node"}

// Lane is one column of a space-time diagram: a node, or a partition of
// a topic on the broker.
type Lane struct {
	Name string
	Role string
	role int
	// first is the row the lane first appears in, to order lanes of a role.
	first int
}

// Row is one record drawn in a space-time diagram, on its own row.
type Row struct {
	Record history.Entry
	// Lane is the index of the lane the record sits on.
	Lane int
	// From is the row an arrow comes from (the record that caused this
	// one), -1 for none.
	From int
	// Witness numbers witness records from 1 (W1, W2...); 0 for others.
	Witness int
}

// Diagram is the space-time diagram of a witness: the witness records
// and the records around them that tell their story (the publish, append,
// deliveries and effects of the same events, commits, crashes, restarts,
// rebalances and expiries in between), one lane per node, time going
// down.
type Diagram struct {
	Lanes []Lane
	Rows  []Row
	// Omitted counts the records of the story left out to keep the
	// diagram readable.
	Omitted int
}

// NewDiagram builds the diagram of witness in h. It returns nil when the
// witness has no record of h.
func NewDiagram(h *history.History, witness []history.Entry) *Diagram {
	// Indices of the witness records in h, in order.
	var wIdx []int
	wi := 0
	for i, r := range h.All() {
		if wi < len(witness) && r == witness[wi] {
			wIdx = append(wIdx, i)
			wi++
		}
	}
	if len(wIdx) == 0 {
		return nil
	}
	wnum := map[int]int{}
	events, commands := map[string]bool{}, map[string]bool{}
	nodes := map[string]bool{}
	groups := map[string]bool{}
	parts := map[string]bool{}
	for n, i := range wIdx {
		r := h.At(i)
		wnum[i] = n + 1
		if r.Event != "" {
			events[r.Event] = true
		}
		if r.Command != "" {
			commands[r.Command] = true
		}
	}
	// The story: every record of the same events and commands.
	pick := map[int]int{} // record index -> priority (lower is kept first)
	for i := range wIdx {
		pick[wIdx[i]] = 0
	}
	lo, hi := h.At(wIdx[0]).At, h.At(wIdx[len(wIdx)-1]).At
	// Two rounds: the events of the witness's commands, and the commands
	// of its events, join the story.
	for range 2 {
		for i, r := range h.All() {
			if (r.Event != "" && events[r.Event]) || (r.Command != "" && commands[r.Command]) {
				if _, ok := pick[i]; !ok {
					pick[i] = 1
				}
				if r.Event != "" {
					events[r.Event] = true
				}
				if r.Command != "" {
					commands[r.Command] = true
				}
			}
		}
	}
	for i := range pick {
		r := h.At(i)
		lo, hi = min(lo, r.At), max(hi, r.At)
		if r.Node != "" {
			nodes[r.Node] = true
		}
		if r.Group != "" {
			groups[r.Group] = true
		}
		if r.Topic != "" {
			parts[partitionLane(r)] = true
		}
	}
	// Faults and membership changes while the story unfolds, and the
	// commits of the partitions involved.
	for i, r := range h.All() {
		if r.At < lo || r.At > hi {
			continue
		}
		if _, ok := pick[i]; ok {
			continue
		}
		switch r.Kind {
		case history.Crash, history.Restart, history.Pause:
			pick[i] = 2
		case history.Rebalance, history.Expire, history.Leave, history.Join:
			if groups[r.Group] || nodes[r.Node] {
				pick[i] = 2
			}
		}
	}
	// After each delivery, effect or projection of the story, the first
	// commit (or checkpoint) that covers it, by the same member: whether
	// its offset was committed is often the whole story.
	type pending struct {
		node, lane string
		offset     int64
		position   int64
	}
	var waiting []pending
	for i, r := range h.All() {
		if p, ok := pick[i]; ok && p <= 1 {
			switch r.Kind {
			case history.Deliver, history.Effect, history.Dedup:
				waiting = append(waiting, pending{node: r.Node, lane: partitionLane(r), offset: r.Offset})
			case history.ProjectionApply:
				waiting = append(waiting, pending{node: r.Node, lane: partitionLane(r), offset: r.Offset, position: r.Position})
			}
			continue
		}
		if r.Kind != history.OffsetCommit && r.Kind != history.Checkpoint && r.Kind != history.CommitFenced {
			continue
		}
		kept := waiting[:0]
		for _, w := range waiting {
			covers := r.Node == w.node && ((r.Topic != "" && partitionLane(r) == w.lane && r.Offset > w.offset) ||
				(r.Topic == "" && r.Kind == history.Checkpoint && r.Position >= w.position && w.position > 0))
			if covers {
				if _, ok := pick[i]; !ok {
					pick[i] = 3
				}
			} else {
				kept = append(kept, w)
			}
		}
		waiting = kept
	}
	idx := make([]int, 0, len(pick))
	for i := range pick {
		idx = append(idx, i)
	}
	d := &Diagram{}
	if len(idx) > maxDiagramRows {
		sort.Slice(idx, func(a, b int) bool {
			if pick[idx[a]] != pick[idx[b]] {
				return pick[idx[a]] < pick[idx[b]]
			}
			return idx[a] < idx[b]
		})
		d.Omitted = len(idx) - maxDiagramRows
		idx = idx[:maxDiagramRows]
	}
	sort.Ints(idx)
	// A lane's role is the most specific one of its records: a crash
	// sits on the lane of the member that crashed.
	roles := map[string]int{}
	for _, i := range idx {
		name, role := laneOf(h.At(i))
		if old, ok := roles[name]; !ok || role < old {
			roles[name] = role
		}
	}
	lanes := map[string]int{}
	for row, i := range idx {
		r := h.At(i)
		name, _ := laneOf(r)
		l, ok := lanes[name]
		if !ok {
			l = len(d.Lanes)
			lanes[name] = l
			d.Lanes = append(d.Lanes, Lane{Name: name, Role: roleNames[roles[name]], role: roles[name], first: row})
		}
		d.Rows = append(d.Rows, Row{Record: r, Lane: l, From: -1, Witness: wnum[i]})
	}
	// Order lanes by role, then by first appearance, and renumber.
	order := make([]int, len(d.Lanes))
	for i := range order {
		order[i] = i
	}
	sort.SliceStable(order, func(a, b int) bool {
		la, lb := d.Lanes[order[a]], d.Lanes[order[b]]
		if la.role != lb.role {
			return la.role < lb.role
		}
		return la.first < lb.first
	})
	renum := make([]int, len(order))
	sorted := make([]Lane, len(order))
	for to, from := range order {
		renum[from] = to
		sorted[to] = d.Lanes[from]
	}
	d.Lanes = sorted
	for i := range d.Rows {
		d.Rows[i].Lane = renum[d.Rows[i].Lane]
	}
	d.link()
	return d
}

// partitionLane names the broker lane of a record's partition.
func partitionLane(r history.Entry) string {
	return fmt.Sprintf("%s/%d", r.Topic, r.Partition)
}

// laneOf returns the lane a record is drawn on and the lane's role.
func laneOf(r history.Entry) (string, int) {
	switch r.Kind {
	case history.Publish, history.PublishRetry, history.PublishFail, history.PublishAck:
		return r.Node, roleProducer
	case history.Append:
		return partitionLane(r), rolePartition
	case history.Rebalance:
		return "group " + r.Group, roleCoordinator
	case history.Deliver, history.Effect, history.Dedup, history.OffsetCommit, history.CommitFenced,
		history.Fenced, history.HandlerError, history.DeadLetter, history.Ack, history.Poll,
		history.Join, history.Leave, history.Expire, history.Assign, history.SagaStart,
		history.SagaTransition, history.SagaCompleted, history.SagaCompensated, history.SagaConflict:
		return r.Node, roleMember
	case history.StoreAppend, history.StoreReserve, history.StoreRollback, history.StoreDuplicate,
		history.LostAnswer, history.Snapshot, history.Load:
		return r.Node, roleStore
	case history.ProjectionApply, history.Checkpoint, history.ProjectionSkip, history.ProjectionUnhandled,
		history.ProjectionReset, history.StalenessSLO:
		return r.Node, roleProjector
	case history.Command, history.CommandReturn, history.Query, history.QueryReturn:
		return r.Node, roleClient
	}
	if r.Node == "" {
		return "broker", roleOther
	}
	return r.Node, roleOther
}

// link draws an arrow into each row from the record that caused it:
// publish to append, append to delivery, delivery to effect, effect to
// the commit of its offset, command to store append, store append to
// projection and answer.
func (d *Diagram) link() {
	last := func(row int, match func(r history.Entry) bool) int {
		for j := row - 1; j >= 0; j-- {
			if match(d.Rows[j].Record) {
				return j
			}
		}
		return -1
	}
	for i := range d.Rows {
		r := d.Rows[i].Record
		same := func(kinds ...history.Kind) func(history.Entry) bool {
			return func(p history.Entry) bool {
				if p.Event != r.Event || r.Event == "" {
					return false
				}
				for _, k := range kinds {
					if p.Kind == k {
						return true
					}
				}
				return false
			}
		}
		switch r.Kind {
		case history.Append:
			d.Rows[i].From = last(i, same(history.Publish, history.PublishRetry))
		case history.PublishAck:
			d.Rows[i].From = last(i, same(history.Append))
		case history.Deliver:
			d.Rows[i].From = last(i, same(history.Append))
		case history.Effect, history.Dedup, history.HandlerError, history.Fenced, history.DeadLetter, history.Ack:
			d.Rows[i].From = last(i, func(p history.Entry) bool {
				return p.Kind == history.Deliver && p.Event == r.Event && p.Node == r.Node
			})
		case history.OffsetCommit:
			d.Rows[i].From = last(i, func(p history.Entry) bool {
				return (p.Kind == history.Effect || p.Kind == history.Dedup || p.Kind == history.Deliver) &&
					p.Node == r.Node && p.Topic == r.Topic && p.Partition == r.Partition && p.Offset < r.Offset
			})
		case history.StoreAppend, history.StoreDuplicate, history.StoreRollback:
			d.Rows[i].From = last(i, func(p history.Entry) bool {
				return p.Kind == history.Command && p.Command == r.Command && r.Command != ""
			})
		case history.CommandReturn:
			d.Rows[i].From = last(i, func(p history.Entry) bool {
				return (p.Kind == history.StoreAppend || p.Kind == history.StoreDuplicate) && p.Command == r.Command && r.Command != ""
			})
		case history.ProjectionApply, history.ProjectionUnhandled:
			d.Rows[i].From = last(i, same(history.StoreAppend, history.Append))
		}
	}
}

// Geometry of the drawing, in pixels.
const (
	laneWidth  = 120
	rowHeight  = 26
	headHeight = 48
	labelWidth = 400
	marginX    = 16
)

// SVG renders the diagram as an inline SVG element, self-contained (no
// external assets): lanes as labelled vertical lines, one row per record
// with a mark on its lane (a dot; a cross for a crash, a triangle for a
// restart, a bar for a rebalance, an hourglass for an expiry, two bars
// for a pause, a square for a commit), arrows from cause to effect, and each witness record drawn
// larger as a diamond with its label W1, W2... on the mark and in the
// row's text, so that neither depends on colour. Each row's full record
// is its tooltip.
func (d *Diagram) SVG(title string) template.HTML {
	width := marginX*2 + len(d.Lanes)*laneWidth + labelWidth
	height := headHeight + len(d.Rows)*rowHeight + 16
	var b strings.Builder
	x := func(lane int) int { return marginX + lane*laneWidth + laneWidth/2 }
	y := func(row int) int { return headHeight + row*rowHeight + rowHeight/2 }
	var laneNames []string
	for _, l := range d.Lanes {
		laneNames = append(laneNames, l.Name+" ("+l.Role+")")
	}
	nw := 0
	for _, r := range d.Rows {
		if r.Witness > 0 {
			nw++
		}
	}
	desc := fmt.Sprintf("Space-time diagram, time going down: %d lanes (%s); %d records, the %d witness records drawn as diamonds labelled W1 to W%d.",
		len(d.Lanes), strings.Join(laneNames, ", "), len(d.Rows), nw, nw)
	fmt.Fprintf(&b, `<svg class="diagram" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 %d %d" width="%d" role="img" aria-label="%s">`,
		width, height, width, template.HTMLEscapeString(title+". "+desc))
	fmt.Fprintf(&b, `<title>%s</title><desc>%s</desc>`, template.HTMLEscapeString(title), template.HTMLEscapeString(desc))
	b.WriteString(`<defs><marker id="arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse"><path d="M0,0L10,5L0,10z" fill="#444"/></marker></defs>`)
	b.WriteString(`<style>.diagram text{font:12px system-ui,sans-serif;fill:#222}.diagram .role{font-size:10px;fill:#555}.diagram .rowtext{font:11px ui-monospace,monospace}.diagram .wlabel{font-weight:bold}</style>`)
	// Lanes.
	for i, l := range d.Lanes {
		fmt.Fprintf(&b, `<g class="lane" data-lane="%s" data-role="%s"><text x="%d" y="16" text-anchor="middle">%s</text><text class="role" x="%d" y="30" text-anchor="middle">%s</text><line x1="%d" y1="38" x2="%d" y2="%d" stroke="#bbb" stroke-dasharray="3 3"/></g>`,
			template.HTMLEscapeString(l.Name), l.Role, x(i), template.HTMLEscapeString(shorten(l.Name, 18)), x(i), l.Role, x(i), x(i), height-8)
	}
	// Alternate row bands, and the witness rows outlined.
	for i, r := range d.Rows {
		if r.Witness > 0 {
			fmt.Fprintf(&b, `<rect x="2" y="%d" width="%d" height="%d" fill="#fff3c4" stroke="#7a5b00" stroke-width="1"/>`, y(i)-rowHeight/2+1, width-4, rowHeight-2)
		} else if i%2 == 1 {
			fmt.Fprintf(&b, `<rect x="2" y="%d" width="%d" height="%d" fill="#f6f6f6"/>`, y(i)-rowHeight/2, width-4, rowHeight)
		}
	}
	// Arrows.
	for i, r := range d.Rows {
		if r.From < 0 {
			continue
		}
		x1, y1, x2, y2 := x(d.Rows[r.From].Lane), y(r.From), x(r.Lane), y(i)
		if x1 == x2 {
			x1 += 8
			x2 += 8
		}
		fmt.Fprintf(&b, `<line class="arrow" x1="%d" y1="%d" x2="%d" y2="%d" stroke="#444" stroke-width="1.2" marker-end="url(#arrow)"/>`, x1, y1, x2, y2-6)
	}
	// Commits point at their partition's lane when it is drawn.
	for i, r := range d.Rows {
		if r.Record.Kind != history.OffsetCommit {
			continue
		}
		for j, l := range d.Lanes {
			if l.Role == roleNames[rolePartition] && l.Name == partitionLane(r.Record) {
				fmt.Fprintf(&b, `<line class="arrow" x1="%d" y1="%d" x2="%d" y2="%d" stroke="#444" stroke-width="1" stroke-dasharray="4 2" marker-end="url(#arrow)"/>`, x(r.Lane), y(i), x(j), y(i))
			}
		}
	}
	// Marks and row text.
	labelX := marginX + len(d.Lanes)*laneWidth + 8
	for i, r := range d.Rows {
		cx, cy := x(r.Lane), y(i)
		fmt.Fprintf(&b, `<g class="rec" data-kind="%s"%s><title>%s</title>`, r.Record.Kind, witnessAttr(r.Witness), template.HTMLEscapeString(r.Record.String()))
		b.WriteString(mark(r, cx, cy))
		text := fmt.Sprintf("+%s %s", shortDuration(r.Record.At), rowText(r.Record))
		if r.Witness > 0 {
			fmt.Fprintf(&b, `<text class="rowtext wlabel" x="%d" y="%d">W%d</text>`, labelX, cy+4, r.Witness)
		}
		fmt.Fprintf(&b, `<text class="rowtext" x="%d" y="%d">%s</text></g>`, labelX+28, cy+4, template.HTMLEscapeString(shorten(text, 60)))
	}
	b.WriteString(`</svg>`)
	return template.HTML(b.String())
}

func witnessAttr(n int) string {
	if n == 0 {
		return ""
	}
	return fmt.Sprintf(` data-witness="W%d"`, n)
}

// mark draws a record's symbol at (cx, cy).
func mark(r Row, cx, cy int) string {
	if r.Witness > 0 {
		return fmt.Sprintf(`<path d="M%d,%dL%d,%dL%d,%dL%d,%dz" fill="#ffd24d" stroke="#000" stroke-width="2"/><text class="wlabel" x="%d" y="%d" font-size="10">W%d</text>`,
			cx, cy-10, cx+10, cy, cx, cy+10, cx-10, cy, cx+12, cy-4, r.Witness) + kindMark(r.Record.Kind, cx, cy, true)
	}
	return kindMark(r.Record.Kind, cx, cy, false)
}

// kindMark is the symbol of a record kind; small draws it inside a
// witness diamond.
func kindMark(k history.Kind, cx, cy int, small bool) string {
	s := 6
	if small {
		s = 3
	}
	switch k {
	case history.Crash:
		return fmt.Sprintf(`<path d="M%d,%dL%d,%dM%d,%dL%d,%d" stroke="#b00" stroke-width="3"/>`, cx-s, cy-s, cx+s, cy+s, cx-s, cy+s, cx+s, cy-s)
	case history.Restart:
		return fmt.Sprintf(`<path d="M%d,%dL%d,%dL%d,%dz" fill="#fff" stroke="#060" stroke-width="2"/>`, cx, cy-s, cx+s, cy+s, cx-s, cy+s)
	case history.Rebalance:
		return fmt.Sprintf(`<rect x="%d" y="%d" width="%d" height="4" fill="#555"/>`, cx-2*s, cy-2, 4*s)
	case history.Expire:
		return fmt.Sprintf(`<path d="M%d,%dL%d,%dL%d,%dL%d,%dz" fill="#fff" stroke="#640" stroke-width="2"/>`, cx-s, cy-s, cx+s, cy-s, cx-s, cy+s, cx+s, cy+s)
	case history.Pause:
		return fmt.Sprintf(`<rect x="%d" y="%d" width="%d" height="%d" fill="#555"/><rect x="%d" y="%d" width="%d" height="%d" fill="#555"/>`,
			cx-s+1, cy-s, max(1, s/2), 2*s, cx+s/2, cy-s, max(1, s/2), 2*s)
	case history.OffsetCommit, history.Checkpoint:
		return fmt.Sprintf(`<rect x="%d" y="%d" width="%d" height="%d" fill="#fff" stroke="#225" stroke-width="1.5"/>`, cx-s+1, cy-s+1, 2*s-2, 2*s-2)
	}
	r := 4
	if small {
		r = 2
	}
	return fmt.Sprintf(`<circle cx="%d" cy="%d" r="%d" fill="#333"/>`, cx, cy, r)
}

// rowText is a record's short description in a diagram row.
func rowText(r history.Entry) string {
	parts := []string{string(r.Kind)}
	switch r.Kind {
	case history.Crash:
		parts = append(parts, r.Node, "at", string(r.CrashPoint))
	case history.Restart, history.Expire, history.Join, history.Leave:
		parts = append(parts, r.Node)
	case history.Rebalance:
		parts = append(parts, fmt.Sprintf("%s gen %d", r.Group, r.Generation))
	case history.OffsetCommit, history.Checkpoint:
		if r.Topic != "" {
			parts = append(parts, fmt.Sprintf("%s next=%d", partitionLane(r), r.Offset))
		} else {
			parts = append(parts, fmt.Sprintf("position %d", r.Position))
		}
	default:
		if r.Event != "" {
			parts = append(parts, r.Event)
		}
		if r.Key != "" {
			parts = append(parts, r.Key)
		}
		if r.Kind == history.Effect || r.Kind == history.ProjectionApply {
			parts = append(parts, fmt.Sprintf("=%d", r.Value))
		}
		if r.Kind == history.Deliver && r.Attempt > 1 {
			parts = append(parts, fmt.Sprintf("attempt %d", r.Attempt))
		}
	}
	return strings.Join(parts, " ")
}

// shortDuration renders a time since the start to the microsecond.
func shortDuration(ns int64) string {
	return time.Duration(ns).Round(time.Microsecond).String()
}

// shorten cuts s to n runes with an ellipsis; the full text stays in the
// tooltip and the witness list.
func shorten(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n-1]) + "…"
}
