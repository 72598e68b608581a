package reports

import "gonum.org/v1/plot/vg/vgimg"

// chartColumns is the pixel width of the time charts (9 inches at
// vgimg's resolution): no series needs more columns of points than that.
const chartColumns = 9 * vgimg.DefaultDPI

// downsample reduces a series of more points than columns (the pixel
// columns of the chart, spanning simulated times from to to) to at most
// four points per column: the first, the lowest, the highest and the
// last of the points whose time falls in the column, in their original
// order (the M4 aggregation). A line drawn through them covers the same
// pixels as one through every point: spikes and dips stay visible, and
// a step line leaves each column at the value it left it at. A series
// of at most columns points is returned unchanged.
func downsample(pts []Point, from, to int64, columns int) []Point {
	if columns < 1 || len(pts) <= columns {
		return pts
	}
	span := float64(max(to-from, 1))
	column := func(at int64) int {
		c := int(float64(at-from) / span * float64(columns))
		return min(max(c, 0), columns-1)
	}
	out := make([]Point, 0, 4*columns)
	for i := 0; i < len(pts); {
		c := column(pts[i].At)
		j := i + 1
		for j < len(pts) && column(pts[j].At) == c {
			j++
		}
		// pts[i:j] fall in column c (times only grow).
		lo, hi := i, i
		for k := i + 1; k < j; k++ {
			if pts[k].Value < pts[lo].Value {
				lo = k
			}
			if pts[k].Value > pts[hi].Value {
				hi = k
			}
		}
		keep := [4]int{i, min(lo, hi), max(lo, hi), j - 1}
		for n, k := range keep {
			if n == 0 || k != keep[n-1] {
				out = append(out, pts[k])
			}
		}
		i = j
	}
	return out
}
