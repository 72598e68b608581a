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
	args, rest := splitAtDoubleDash(fs, args)
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
// the flags of fs and those after it (nil when there is none).
func splitAtDoubleDash(fs *flag.FlagSet, args []string) (before, after []string) {
	for i := 0; i < len(args); i++ {
		a := args[i]
		if a == "--" {
			return args[:i], append([]string{}, args[i+1:]...)
		}
		if len(a) < 2 || a[0] != '-' || strings.Contains(a, "=") {
			continue
		}
		if f := fs.Lookup(strings.TrimLeft(a, "-")); f != nil && !isBoolFlag(f) {
			i++ // its value, whatever it is
		}
	}
	return args, nil
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
