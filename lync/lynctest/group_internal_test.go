package lynctest

import (
	"testing"
	"time"
)

// A group's close waits for the goroutines running, and once it has begun
// the group starts none: a handler sipgo runs late cannot leave work
// behind a closed lab.
func TestGroupRefusesAfterClose(t *testing.T) {
	var g group
	release := make(chan struct{})
	finished := make(chan struct{})
	if !g.Go(func() { <-release; close(finished) }) {
		t.Fatal("Go refused before close")
	}
	closed := make(chan struct{})
	go func() { g.close(); close(closed) }()
	select {
	case <-closed:
		t.Fatal("close returned with a goroutine running")
	case <-time.After(50 * time.Millisecond):
	}
	// close has begun (it is waiting): the group takes nothing new.
	for deadline := time.Now().Add(5 * time.Second); ; {
		g.mu.Lock()
		begun := g.closed
		g.mu.Unlock()
		if begun {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("close did not begin")
		}
		time.Sleep(time.Millisecond)
	}
	ran := make(chan struct{}, 1)
	if g.Go(func() { ran <- struct{}{} }) {
		t.Error("Go accepted a goroutine while closing")
	}
	close(release)
	<-closed
	<-finished
	if g.Go(func() { ran <- struct{}{} }) {
		t.Error("Go accepted a goroutine after close")
	}
	select {
	case <-ran:
		t.Error("a refused function ran")
	default:
	}
}

// An AV MCU INVITE that the lab gets to while it closes starts no media
// session: its agents are closed and the participant's media has ended.
func TestMediaAfterCloseStartsNothing(t *testing.T) {
	c := newConferencing(nil)
	if err := c.close(); err != nil {
		t.Fatal(err)
	}
	pt := &participant{}
	c.startMedia(pt, nil)
	select {
	case <-pt.session.done:
	case <-time.After(5 * time.Second):
		t.Fatal("the session of a closed lab is not done")
	}
	if got := pt.snapshot().Media; got != MediaEnded {
		t.Errorf("media %v, want %v", got, MediaEnded)
	}
}
