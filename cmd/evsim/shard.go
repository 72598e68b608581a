package main

import (
	"fmt"
	"math"
	"os"
	"strconv"
	"strings"
)

// shard is one slice of a sweep, for running a sweep on several
// machines: a batch engine starts n workers and gives each its index i,
// counted from 0 as a Kubernetes Indexed Job's JOB_COMPLETION_INDEX is.
// Shard i of n runs, for every scenario of the sweep, the seeds at
// positions i, i+n, i+2n... of the range (position p is seed first+p):
// a fixed partition that depends only on the range and n, so shards
// never overlap and together cover every seed. The zero shard, 0 of 1,
// is the whole sweep.
type shard struct {
	Index, Count int
}

// whole is the shard that is the whole sweep.
var whole = shard{0, 1}

// String is "i/n", as --shard takes it, or "" for the whole sweep.
func (s shard) String() string {
	if s.Count <= 1 {
		return ""
	}
	return fmt.Sprintf("%d/%d", s.Index, s.Count)
}

// shardFlag reads --shard: "i/n" with 0 <= i < n, or "env", which takes
// i from JOB_COMPLETION_INDEX (set by a Kubernetes Indexed Job) and n from
// EVSIM_SHARDS.
func shardFlag(v string) (shard, error) {
	if v == "env" {
		i, n := os.Getenv("JOB_COMPLETION_INDEX"), os.Getenv("EVSIM_SHARDS")
		if i == "" || n == "" {
			return shard{}, fmt.Errorf("env: want JOB_COMPLETION_INDEX (the worker's index, from 0) and EVSIM_SHARDS (the number of workers) in the environment; got %q and %q", i, n)
		}
		v = i + "/" + n
	}
	return parseShard(v)
}

// parseShard reads "i/n" with 0 <= i < n; "" is the whole sweep.
func parseShard(v string) (shard, error) {
	if v == "" {
		return whole, nil
	}
	a, b, ok := strings.Cut(v, "/")
	i, err1 := strconv.Atoi(strings.TrimSpace(a))
	n, err2 := strconv.Atoi(strings.TrimSpace(b))
	if !ok || err1 != nil || err2 != nil || n < 1 || i < 0 {
		return shard{}, fmt.Errorf("%q: want i/n with 0 <= i < n, like 0/4 ... 3/4 (i counts from 0, as a Kubernetes JOB_COMPLETION_INDEX)", v)
	}
	if i >= n {
		return shard{}, fmt.Errorf("%q: the index counts from 0, so shard i of %d needs 0 <= i <= %d (as a Kubernetes JOB_COMPLETION_INDEX)", v, n, n-1)
	}
	return shard{i, n}, nil
}

// seeds lists the seeds of first..last that belong to the shard.
func (s shard) seeds(first, last uint64) []uint64 {
	n := s.count(first, last)
	out := make([]uint64, 0, n)
	for k := range n {
		out = append(out, first+uint64(s.Index)+k*uint64(s.Count))
	}
	return out
}

// count is how many seeds of first..last belong to the shard, without
// listing them: the positions p of 0..last-first with p = i mod n. The
// 2^64 seeds of the whole range 0..2^64-1 count as 2^64-1.
func (s shard) count(first, last uint64) uint64 {
	span, i, n := last-first, uint64(s.Index), uint64(max(s.Count, 1))
	if last < first || i > span {
		return 0
	}
	return min((span-i)/n, math.MaxUint64-1) + 1
}
