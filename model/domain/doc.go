// Package domain holds what a system's business logic is made of, apart
// from the simulation that runs it and the checks that judge it: events
// and commands, the [Aggregate] (a fold, a decision and the number it
// reports) and the [Projection] (the fold of a read model's row). The
// simulator ([github.com/evsim/evsim/model]) runs them; the checks
// ([github.com/evsim/evsim/checks]) look them up by the name the history
// records ([Register], [Lookup]) to decide what a linearizable answer, a
// snapshot or a read model row should have been.
//
// The built-in [Account] and [Cart] are written against these interfaces
// like any user's aggregate; their value projections are the built-in
// read models. The package imports nothing of evsim's, so that both the
// model and the checks can.
package domain
