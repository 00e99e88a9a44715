package lynctest

import (
	"errors"
	"sync"
)

// group runs goroutines that the lab's Close waits for. Unlike a bare
// sync.WaitGroup it refuses new ones once closing has begun: sipgo runs
// each handler on a goroutine of its own, which can still be starting work
// (a NOTIFY, an AV MCU media session) while the lab closes — when its
// context ends, say — and a WaitGroup.Add from zero concurrent with Wait is
// a data race, and a goroutine started after Wait returned is left running.
type group struct {
	mu     sync.Mutex
	closed bool
	wg     sync.WaitGroup
}

// Go runs f on a new goroutine, unless the group is closed: then it
// reports false and f does not run.
func (g *group) Go(f func()) bool {
	if !g.enter() {
		return false
	}
	go func() {
		defer g.leave()
		f()
	}()
	return true
}

// enter counts in work the caller does on its own goroutine, which close
// waits for until leave, unless the group is closed: then it reports
// false and the work must not begin.
func (g *group) enter() bool {
	g.mu.Lock()
	defer g.mu.Unlock()
	if g.closed {
		return false
	}
	g.wg.Add(1)
	return true
}

// leave ends work that enter counted in.
func (g *group) leave() { g.wg.Done() }

// close refuses new goroutines and waits for those running.
func (g *group) close() {
	g.mu.Lock()
	g.closed = true
	g.mu.Unlock()
	g.wg.Wait()
}

// errLabClosed is why work refused by a closed group did not run.
var errLabClosed = errors.New("the lab is closing")
