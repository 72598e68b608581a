package main

import (
	"fmt"
	"io"
	"text/tabwriter"

	"github.com/evsim/evsim/scenarios"
)

func cmdList(args []string, stdout, stderr io.Writer) int {
	if len(args) > 0 {
		fmt.Fprintf(stderr, "evsim list: takes no arguments, got %q\n", args)
		return exitUsage
	}
	all, err := scenarios.Builtins()
	if err != nil {
		fmt.Fprintf(stderr, "evsim list: %v\n", err)
		return exitUsage
	}
	tw := tabwriter.NewWriter(stdout, 0, 0, 2, ' ', 0)
	for _, s := range all {
		fmt.Fprintf(tw, "%s\t%s\n", s.Name, s.Title)
	}
	tw.Flush()
	return exitOK
}

func cmdShow(args []string, stdout, stderr io.Writer) int {
	if len(args) != 1 {
		fmt.Fprintln(stderr, "usage: evsim show NAME (`evsim list` shows the names)")
		return exitUsage
	}
	s, err := scenarios.Builtin(args[0])
	if err != nil {
		fmt.Fprintf(stderr, "evsim show: %v\n", err)
		return exitUsage
	}
	stdout.Write(s.Source)
	return exitOK
}

func cmdLint(args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		fmt.Fprintln(stderr, "usage: evsim lint FILE...")
		return exitUsage
	}
	list, err := load(args)
	if err != nil {
		fmt.Fprintf(stderr, "evsim lint: %v\n", err)
		return exitUsage
	}
	bad := false
	for _, s := range list {
		if err := s.Validate(); err != nil {
			fmt.Fprintf(stderr, "evsim lint: %v\n", err)
			bad = true
			continue
		}
		for _, w := range s.Warnings {
			fmt.Fprintln(stdout, w)
		}
		fmt.Fprintf(stdout, "%s: ok, %d warning(s)\n", s.File, len(s.Warnings))
	}
	if bad {
		return exitUsage
	}
	return exitOK
}
