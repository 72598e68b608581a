package main

import (
	"math"
	"strings"
	"testing"
)

func TestShardSeedCountWithoutListingThem(t *testing.T) {
	for _, c := range []struct {
		sh          shard
		first, last uint64
		want        uint64
	}{
		{whole, 1, 1, 1},
		{whole, 10, 20, 11},
		{shard{0, 4}, 10, 20, 3},
		{shard{3, 4}, 10, 20, 2},
		{shard{3, 4}, 10, 12, 0},
		{whole, 0, math.MaxUint64, math.MaxUint64}, // 2^64 seeds, saturated
		{shard{1, 2}, 0, math.MaxUint64, 1 << 63},
		{shard{0, 3}, math.MaxUint64 - 2, math.MaxUint64, 1},
	} {
		if got := c.sh.count(c.first, c.last); got != c.want {
			t.Errorf("%v of %d..%d: %d seeds, want %d", c.sh, c.first, c.last, got, c.want)
		}
		if c.want < 100 {
			if got := c.sh.seeds(c.first, c.last); uint64(len(got)) != c.want {
				t.Errorf("%v of %d..%d lists %d seeds, want %d", c.sh, c.first, c.last, len(got), c.want)
			}
		}
	}
}

func TestSweepRefusesMoreSeedsThanItCanHold(t *testing.T) {
	for _, seeds := range []string{"1..100000000000", "0..18446744073709551615"} {
		code, _, stderr := evsim(t, "sweep", "double-credit", "--seeds", seeds, "--out", "")
		if code != exitUsage || !strings.Contains(stderr, "--shard") {
			t.Errorf("--seeds %s: exit %d, stderr %q; want exit 2 and advice to split it with --shard", seeds, code, stderr)
		}
	}
	// A shard of such a range small enough runs; the merge counts the
	// whole range's seeds without listing them.
	if got := whole.count(1, 100000000000); got != 100000000000 {
		t.Errorf("count %d", got)
	}
}
