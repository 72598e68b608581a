// Package usermodule holds the test that evsim works as a library: it
// writes a module of its own outside the repository, which requires
// github.com/evsim/evsim (replaced by this checkout) and tests a user's
// handler, aggregate and projection under rapid-drawn fault schedules,
// and that one seed and schedule give the same history twice.
package usermodule
