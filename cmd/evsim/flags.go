package main

import (
	"flag"
	"fmt"
	"io"
	"strings"
)

// parseInterleaved parses flags that may come before, between or after the
// positional arguments, as in `evsim run double-credit --seed 3`. A --
// ends the flags: every argument after it is positional, even one that
// starts with a dash (a -- that is a flag's value is that value).
func parseInterleaved(fs *flag.FlagSet, args []string) ([]string, error) {
	args, rest, err := splitAtDoubleDash(fs, args)
	if err != nil {
		fmt.Fprintln(fs.Output(), err)
		fs.Usage()
		return nil, err
	}
	var pos []string
	for {
		if err := fs.Parse(args); err != nil {
			return nil, err
		}
		args = fs.Args()
		if len(args) == 0 {
			return append(pos, rest...), nil
		}
		pos = append(pos, args[0])
		args = args[1:]
	}
}

// splitAtDoubleDash returns the arguments before the first -- that ends
// the flags of fs and those after it (nil when there is none). A flag
// given twice is an error: the last would silently win.
func splitAtDoubleDash(fs *flag.FlagSet, args []string) (before, after []string, err error) {
	seen := map[string]string{}
	for i := 0; i < len(args); i++ {
		a := args[i]
		if a == "--" {
			return args[:i], append([]string{}, args[i+1:]...), nil
		}
		if len(a) < 2 || a[0] != '-' {
			continue
		}
		name, _, hasValue := strings.Cut(strings.TrimLeft(a, "-"), "=")
		f := fs.Lookup(name)
		if f == nil {
			continue // the flag package reports it
		}
		if first, ok := seen[f.Name]; ok {
			return nil, nil, fmt.Errorf("flag -%s is given twice (%s and %s): give it once", f.Name, first, a)
		}
		seen[f.Name] = a
		if !hasValue && !isBoolFlag(f) {
			i++ // its value, whatever it is
		}
	}
	return args, nil, nil
}

// isBoolFlag says whether f takes no value, as a -json switch.
func isBoolFlag(f *flag.Flag) bool {
	b, ok := f.Value.(interface{ IsBoolFlag() bool })
	return ok && b.IsBoolFlag()
}

func newFlagSet(name string, stderr io.Writer) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() {
		fmt.Fprintf(stderr, "usage: evsim %s\n", name)
		fs.PrintDefaults()
	}
	return fs
}
