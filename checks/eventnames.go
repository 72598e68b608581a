package checks

import (
	"fmt"
	"strings"
	"unicode"

	"github.com/evsim/evsim/model/history"
)

// EventName judges an event type name: an event is a fact that happened,
// named in the past tense (AccountOpened, WelcomeEmailSent, EmailSent,
// InvoicePaid). A name that starts with an imperative verb and has no
// past-tense word after it (SendWelcomeEmail, PayInvoice, Deposit) is a
// command: it couples the producer to one reaction. Many nouns are verbs
// too (email, invoice, transfer, refund), so a first word that could be
// an imperative makes a command only when nothing after it says what
// happened. ok is false for a command-shaped name, or for one with no
// past-tense word at all; problem then says why and, when it can,
// suggests a past-tense name.
func EventName(name string) (problem string, ok bool) {
	words := splitWords(name)
	if len(words) == 0 {
		return "an empty name is not a fact", false
	}
	first := strings.ToLower(words[0])
	if imperative[first] && !isPastStrict(first) && !anyPastStrict(words[1:]) {
		if len(words) == 1 {
			return fmt.Sprintf("%q is a command, not a fact: name what happened, like %s", name, capitalize(pastOf(first))), false
		}
		suggest := strings.Join(words[1:], "") + capitalize(pastOf(first))
		return fmt.Sprintf("%q is shaped like a command (it starts with the verb %q): events are past-tense facts, so that any number of consumers can react to them; call it %s", name, words[0], suggest), false
	}
	for _, w := range words {
		if isPast(strings.ToLower(w)) {
			return "", true
		}
	}
	return fmt.Sprintf("%q has no past-tense verb: name the fact that happened, like AccountOpened or PaymentReceived", name), false
}

// anyPastStrict reports whether one of words is unmistakably in the past
// tense (see [isPastStrict]).
func anyPastStrict(words []string) bool {
	for _, w := range words {
		if isPastStrict(strings.ToLower(w)) {
			return true
		}
	}
	return false
}

// EventNames checks that every published event type, and every type an
// event store stored (history.StoreAppend), reads as a past-tense fact
// (see [EventName]): an event-sourced history may publish nothing. Its
// witness is the first publish or append of each badly named type. With
// no publish and no append it is not applicable.
func EventNames(h *history.History) Result {
	res := Result{Check: "event-names"}
	seen := map[string]bool{}
	var problems []string
	types, stored := 0, 0
	for _, r := range h.OfKind(history.Publish, history.StoreAppend) {
		if seen[r.Type] {
			continue
		}
		seen[r.Type] = true
		types++
		if r.Kind == history.StoreAppend {
			stored++
		}
		if p, ok := EventName(r.Type); !ok {
			res.Witness = append(res.Witness, r)
			problems = append(problems, p)
		}
	}
	if types == 0 {
		res.Verdict = Unknown
		res.Explanation = "Not applicable: no event was published or stored (no publish or store-append record)."
		return res
	}
	if len(problems) == 0 {
		res.Verdict = Holds
		res.Explanation = fmt.Sprintf("All %d published event type(s) read as past-tense facts.", types)
		if stored > 0 {
			res.Explanation = fmt.Sprintf("All %d published or stored event type(s) read as past-tense facts.", types)
		}
		return res
	}
	res.Verdict = Violated
	res.Explanation = strings.Join(problems, ". ") + ". A command names one reaction the sender wants; a fact names what happened and leaves the reactions to the subscribers (C7)."
	return res
}

// splitWords splits CamelCase, kebab-case and snake_case into words.
func splitWords(s string) []string {
	var words []string
	var cur []rune
	rs := []rune(s)
	flush := func() {
		if len(cur) > 0 {
			words = append(words, string(cur))
			cur = cur[:0]
		}
	}
	for i, r := range rs {
		switch {
		case r == '-' || r == '_' || r == '.' || unicode.IsSpace(r):
			flush()
			continue
		case unicode.IsUpper(r) && len(cur) > 0:
			prevLower := unicode.IsLower(cur[len(cur)-1]) || unicode.IsDigit(cur[len(cur)-1])
			nextLower := i+1 < len(rs) && unicode.IsLower(rs[i+1])
			if prevLower || nextLower {
				flush()
			}
		}
		cur = append(cur, r)
	}
	flush()
	return words
}

func capitalize(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}

// isPast reports whether a lower-case word is in the past tense,
// counting verbs whose past is their base form (set, reset, run).
func isPast(w string) bool { return isPastStrict(w) || samePast[w] }

// isPastStrict reports whether a lower-case word is unmistakably in the
// past tense: a regular -ed form or an irregular past.
func isPastStrict(w string) bool {
	if irregularPast[w] {
		return true
	}
	if notPast[w] {
		return false
	}
	if strings.HasSuffix(w, "eed") {
		return eedPast[w]
	}
	return len(w) > 3 && strings.HasSuffix(w, "ed")
}

// pastOf returns the past participle of a lower-case verb.
func pastOf(v string) string {
	if p, ok := irregular[v]; ok {
		return p
	}
	if samePast[v] {
		return v
	}
	if doubling[v] {
		return v + v[len(v)-1:] + "ed"
	}
	switch {
	case strings.HasSuffix(v, "e"):
		return v + "d"
	case strings.HasSuffix(v, "y") && len(v) > 1 && !strings.ContainsRune("aeiou", rune(v[len(v)-2])):
		return v[:len(v)-1] + "ied"
	}
	return v + "ed"
}

var irregular = map[string]string{
	"send": "sent", "make": "made", "do": "done", "pay": "paid", "build": "built", "sell": "sold", "buy": "bought",
	"hold": "held", "give": "given", "take": "taken", "write": "written", "begin": "begun", "withdraw": "withdrawn",
	"tell": "told", "leave": "left", "get": "got", "bring": "brought", "keep": "kept", "find": "found",
	"lend": "lent", "spend": "spent", "rebuild": "rebuilt", "rewrite": "rewritten", "draw": "drawn", "show": "shown",
	"freeze": "frozen", "choose": "chosen", "undo": "undone", "forgive": "forgiven", "throw": "thrown", "know": "known",
	"run": "run", "set": "set", "reset": "reset", "put": "put", "cut": "cut", "read": "read", "split": "split",
	"shut": "shut", "quit": "quit", "cancel": "cancelled", "deal": "dealt", "meet": "met", "lead": "led", "feed": "fed",
	"hide": "hidden", "break": "broken", "speak": "spoken", "wake": "woken", "forget": "forgotten", "win": "won",
	"lose": "lost", "steal": "stolen", "bind": "bound", "upset": "upset", "broadcast": "broadcast", "forecast": "forecast",
}

var irregularPast, samePast = func() (map[string]bool, map[string]bool) {
	past, same := map[string]bool{}, map[string]bool{}
	for v, p := range irregular {
		if v == p {
			same[v] = true
		} else {
			past[p] = true
		}
	}
	for _, p := range strings.Fields(`withdrew made paid built sold bought held gave took wrote began told left got
		brought kept found lent spent drew showed froze chose threw knew ran dealt met led fed hid broke spoke woke
		forgot won lost stole bound sent did`) {
		past[p] = true
	}
	return past, same
}()

// notPast lists words that end in -ed but are not past forms.
var notPast = map[string]bool{"embed": true, "shred": true, "hundred": true, "kindred": true, "naked": true,
	"sacred": true, "wicked": true, "rugged": true, "ragged": true, "beloved": true, "sled": true, "biped": true,
	"unembed": true, "infrared": true}

var eedPast = map[string]bool{"agreed": true, "freed": true, "guaranteed": true, "decreed": true, "refereed": true, "disagreed": true}

var doubling = map[string]bool{
	"ship": true, "stop": true, "drop": true, "log": true, "plan": true, "submit": true, "ban": true, "tag": true,
	"commit": true, "admit": true, "permit": true, "omit": true, "refer": true, "transfer": true, "prefer": true,
	"step": true, "shop": true, "chat": true, "map": true, "scan": true, "skip": true, "swap": true, "flag": true,
}

// imperative lists verbs that commands usually start with.
var imperative = func() map[string]bool {
	m := map[string]bool{}
	for _, v := range strings.Fields(`send create update delete remove add set reset process handle do make charge
		notify reserve cancel ship place submit register start stop book pay approve reject validate calculate compute
		generate publish execute run apply assign transfer withdraw deposit open close change modify save store load
		fetch get put post write read issue refund confirm complete finish begin activate deactivate enable disable
		schedule request invoice bill email mail sync import export upload download archive restore lock unlock grant
		revoke verify check mark move rename merge split allocate release deliver dispatch accept decline sign log
		login logout subscribe unsubscribe invite join leave capture authorize void credit debit increase decrease
		increment decrement raise trigger provision deploy build insert upsert replace clear flush purge tell give
		take buy sell pick pack hold print render convert resize clean commit rollback retry
		ping call invoke emit dispatch queue enqueue dequeue drop plan scan skip swap flag map throw show draw freeze
		choose undo forgive know cut shut quit deal meet lead feed hide break speak wake forget win lose steal bind
		upset broadcast forecast lend spend rebuild rewrite bring keep find`) {
		m[v] = true
	}
	return m
}()
