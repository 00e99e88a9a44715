package lynctest

import (
	"context"
	"errors"
	"sync"

	"github.com/rppkit/rppkit/lync"
)

// confOptions are the options of conferencing and of the calls back to
// trusted application computers.
type confOptions struct {
	resolver ComputerResolver
}

// conferencing is the state the Front Ends share for meetings and for
// their connections to trusted application computers. Everything it
// starts ends with close.
type conferencing struct {
	s      *Server
	ctx    context.Context // ends at close: AV MCU sessions, calls back
	cancel context.CancelFunc
	media  group // AV MCU sessions
	// agents are the AV MCU's ICE agents being made: gathering their
	// relay candidates needs the Edge until it ends (see newAgent).
	agents group

	mu        sync.Mutex
	closed    bool
	computers map[computerKey]string // addresses given with SetComputerAddress
	links     map[computerKey]*link  // open connections to computers
	meetings  map[string]*Meeting    // by focus URI Key
	byDialIn  map[lync.DialInID]*Meeting
	dialogs   map[string]*confDialog // focus and AV MCU dialogs, by Call-ID
	calls     map[string]*Call       // calls routed to computers, by Call-ID
}

func newConferencing(s *Server) *conferencing {
	c := &conferencing{s: s, computers: map[computerKey]string{}, links: map[computerKey]*link{},
		meetings: map[string]*Meeting{}, byDialIn: map[lync.DialInID]*Meeting{}, dialogs: map[string]*confDialog{},
		calls: map[string]*Call{}}
	c.ctx, c.cancel = context.WithCancel(context.Background())
	return c
}

// close ends every AV MCU session and every connection to a computer, and
// waits for them.
func (c *conferencing) close() error {
	c.cancel()
	// Before the Edges close (Server.shutdown closes them last).
	c.agents.close()
	c.mu.Lock()
	c.closed = true
	links := c.links
	c.links = map[computerKey]*link{}
	c.mu.Unlock()
	var errs []error
	for _, l := range links {
		errs = append(errs, l.close())
	}
	c.media.close()
	return errors.Join(errs...)
}

// computerKey names a trusted application computer on one port: what the
// Front End dials.
type computerKey struct {
	computer string // lync.FQDN.Key()
	port     lync.Port
}

func keyOf(computer lync.FQDN, port lync.Port) computerKey {
	return computerKey{computer.Key(), port}
}
