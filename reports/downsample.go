package reports

// downsample returns at most limit of pts (limit at least 4), keeping the
// first and last point and, from each of (limit-2)/2 equal runs of the
// points between them, the lowest and the highest in their original order,
// so that spikes survive. pts is returned unchanged if it is short enough.
func downsample(pts []Point, limit int) []Point {
	limit = max(limit, 4)
	if len(pts) <= limit {
		return pts
	}
	inner := pts[1 : len(pts)-1]
	buckets := (limit - 2) / 2
	out := make([]Point, 0, limit)
	out = append(out, pts[0])
	for b := range buckets {
		run := inner[b*len(inner)/buckets : (b+1)*len(inner)/buckets]
		if len(run) == 0 {
			continue
		}
		lo, hi := 0, 0
		for i, p := range run {
			if p.Value < run[lo].Value {
				lo = i
			}
			if p.Value > run[hi].Value {
				hi = i
			}
		}
		first, second := min(lo, hi), max(lo, hi)
		out = append(out, run[first])
		if second != first {
			out = append(out, run[second])
		}
	}
	return append(out, pts[len(pts)-1])
}
