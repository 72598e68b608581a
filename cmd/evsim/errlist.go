package main

import (
	"errors"
	"fmt"
	"regexp"
	"sort"
	"strconv"
	"strings"
)

// maxErrors bounds the errors printed for one scenario file.
const maxErrors = 50

// errPos matches the file:line:column that starts an error line.
var errPos = regexp.MustCompile(`^(.*?):(\d+):(\d+): `)

// tidy makes a parse error readable: its lines sorted by file, line and
// column, at most maxErrors of them with a count of the rest, and a hint
// where the YAML library's message about a tab would puzzle a newcomer.
func tidy(err error) error {
	if err == nil {
		return nil
	}
	lines := strings.Split(err.Error(), "\n")
	type pos struct {
		file      string
		line, col int
	}
	at := func(s string) pos {
		m := errPos.FindStringSubmatch(s)
		if m == nil {
			return pos{}
		}
		l, _ := strconv.Atoi(m[2])
		c, _ := strconv.Atoi(m[3])
		return pos{m[1], l, c}
	}
	sort.SliceStable(lines, func(i, j int) bool {
		a, b := at(lines[i]), at(lines[j])
		if a.file != b.file {
			return a.file < b.file
		}
		if a.line != b.line {
			return a.line < b.line
		}
		return a.col < b.col
	})
	for i, l := range lines {
		if strings.Contains(l, "found character that cannot start any token") || strings.Contains(l, "found a tab character") {
			lines[i] = l + " (a tab? YAML indents with spaces only: replace the tabs at the start of the line with spaces)"
		}
	}
	if n := len(lines); n > maxErrors {
		lines = append(lines[:maxErrors], fmt.Sprintf("... and %d more errors", n-maxErrors))
	}
	return errors.New(strings.Join(lines, "\n"))
}
