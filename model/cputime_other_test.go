//go:build !unix

package model

import "time"

// cpuTime returns 0: the process's CPU time is not read on this system,
// and the CPU rates of the benchmarks are not reported.
func cpuTime() time.Duration { return 0 }
