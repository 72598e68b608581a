package main

import (
	"os"
	"os/signal"
	"sync"
	"syscall"
)

// exitInterrupted is the exit code after Ctrl-C: 128 + SIGINT.
const exitInterrupted = 130

// interrupt watches for Ctrl-C (SIGINT or SIGTERM) during a command. The
// first one asks the command to stop at the next safe point: the file
// being written is finished, nothing new starts. A second one ends the
// process at once; files written atomically are still whole or absent.
type interrupt struct {
	ch   chan os.Signal
	stop chan struct{}
	once sync.Once
	done chan struct{}
}

// watchInterrupt starts watching; release stops it.
func watchInterrupt() *interrupt {
	i := &interrupt{ch: make(chan os.Signal, 1), stop: make(chan struct{}), done: make(chan struct{})}
	signal.Notify(i.ch, os.Interrupt, syscall.SIGTERM)
	go func() {
		select {
		case <-i.ch:
			signal.Stop(i.ch) // the next Ctrl-C ends the process
			i.once.Do(func() { close(i.stop) })
		case <-i.done:
		}
	}()
	return i
}

// stopped says whether Ctrl-C came.
func (i *interrupt) stopped() bool {
	select {
	case <-i.stop:
		return true
	default:
		return false
	}
}

// release stops watching.
func (i *interrupt) release() {
	signal.Stop(i.ch)
	close(i.done)
}
