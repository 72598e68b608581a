package main

import (
	"fmt"
	"sort"
	"strings"
)

// suggest returns up to three candidates close to word, closest first: a
// small edit distance for its length, then the same first hyphenated word,
// or containing it, or contained in it.
func suggest(word string, candidates []string) []string {
	type scored struct {
		name string
		d    int
	}
	var close []scored
	limit := max(2, len(word)/3)
	for _, c := range candidates {
		d := editDistance(word, c)
		w0, _, _ := strings.Cut(word, "-")
		c0, _, _ := strings.Cut(c, "-")
		if len(w0) >= 4 && w0 == c0 && w0 != word {
			d = min(d, limit+1) // the same first word: after the close spellings
		} else if d > limit && !(len(word) >= 4 && (strings.Contains(c, word) || strings.Contains(word, c))) {
			continue
		}
		close = append(close, scored{c, d})
	}
	sort.Slice(close, func(i, j int) bool {
		if close[i].d != close[j].d {
			return close[i].d < close[j].d
		}
		return close[i].name < close[j].name
	})
	var out []string
	for i := 0; i < len(close) && i < 3; i++ {
		out = append(out, close[i].name)
	}
	return out
}

// didYouMean phrases suggest's answer for an error message: empty when
// nothing is close.
func didYouMean(word string, candidates []string) string {
	s := suggest(word, candidates)
	if len(s) == 0 {
		return ""
	}
	return fmt.Sprintf("; did you mean %s?", strings.Join(s, ", "))
}

// editDistance is the Levenshtein distance between a and b.
func editDistance(a, b string) int {
	ra, rb := []rune(a), []rune(b)
	prev := make([]int, len(rb)+1)
	cur := make([]int, len(rb)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(ra); i++ {
		cur[0] = i
		for j := 1; j <= len(rb); j++ {
			cost := 1
			if ra[i-1] == rb[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(rb)]
}
