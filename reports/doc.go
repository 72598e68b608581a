// Package reports draws charts from the history of a run.
//
// It reads only [history.History], so a history recorded by the simulator
// or by a real broker can be charted the same way. [LagSeries] turns a
// history into consumer lag over simulated time, one step series per
// consumer group, and [LagChart] renders those series, with crashes
// marked, as a PNG image.
package reports
