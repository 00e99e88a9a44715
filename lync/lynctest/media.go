package lynctest

import (
	"context"
	"errors"
	"fmt"
	"net"
	"strconv"
	"sync"
	"time"

	"github.com/pion/ice/v2"
	"github.com/pion/stun"

	"github.com/rppkit/rppkit/internal/pionlog"
)

// Bounds of the AV MCU's media sessions.
const (
	// gatherTimeout bounds the gathering of the AV MCU's candidates.
	gatherTimeout = 5 * time.Second
	// connectTimeout bounds ICE: a session not connected by then fails.
	connectTimeout = 30 * time.Second
	// maxPacket is the largest datagram the AV MCU echoes.
	maxPacket = 1500
)

// ErrRelayUnavailable: the AV MCU could not gather a relay candidate
// through its Front End's Edge.
var ErrRelayUnavailable = errors.New("lynctest: the AV MCU got no relay candidate from the Edge")

// iceAgent is one of the AV MCU's ICE agents and what it gathered.
type iceAgent struct {
	agent       *ice.Agent
	ufrag, pwd  string
	candidates  []ice.Candidate
	remoteUfrag string
	remotePwd   string
	closeOnce   sync.Once
}

// close closes the agent once: pion's Close panics when two calls race.
func (a *iceAgent) close() {
	a.closeOnce.Do(func() { _ = a.agent.Close() })
}

// newAgent makes an ICE agent for the AV MCU of a Front End and gathers
// its candidates: relay candidates through the Front End's Edge, with
// credentials from the lab's own credential store as MRAS mints them; host
// candidates on loopback when the Front End has no Edge.
//
// The lab's Close waits for it: pion gathers a relay candidate with a TURN
// Allocate that nothing cancels (Agent.Close waits for it), retransmitted
// for about 8 s when the relay has gone, so it must end while the Edge
// still answers — it then ends at once — and not outlive the lab.
func (fe *FrontEnd) newAgent(ctx context.Context, identity string) (*iceAgent, error) {
	s := fe.s
	if !s.conf.agents.enter() {
		return nil, fmt.Errorf("lynctest: AV MCU ICE agent: %w", errLabClosed)
	}
	defer s.conf.agents.leave()
	check := 50 * time.Millisecond
	cfg := &ice.AgentConfig{
		NetworkTypes:  []ice.NetworkType{ice.NetworkTypeUDP4},
		CheckInterval: &check,
		LoggerFactory: pionlog.Factory{Logger: s.log.With("avmcu", fe.FQDN)},
	}
	if e := fe.Edge; e != nil {
		c, err := s.creds.mint(identity, s.opts.lifetime)
		if err != nil {
			return nil, err
		}
		u, err := stun.ParseURI("turn:" + net.JoinHostPort(e.RelayHost, strconv.Itoa(e.RelayUDPPort)) + "?transport=udp")
		if err != nil {
			return nil, fmt.Errorf("lynctest: relay of %s: %w", e.FQDN, err)
		}
		u.Username, u.Password = c.Username, c.Password
		wait := 100 * time.Millisecond // 2 s by default; loopback needs no patience
		cfg.Urls = []*stun.URI{u}
		cfg.CandidateTypes = []ice.CandidateType{ice.CandidateTypeRelay}
		cfg.RelayAcceptanceMinWait = &wait
	} else {
		cfg.CandidateTypes = []ice.CandidateType{ice.CandidateTypeHost}
		cfg.IncludeLoopback = true
		cfg.IPFilter = func(ip net.IP) bool { return ip.IsLoopback() }
	}
	agent, err := ice.NewAgent(cfg)
	if err != nil {
		return nil, fmt.Errorf("lynctest: AV MCU ICE agent: %w", err)
	}
	a := &iceAgent{agent: agent}
	// Callbacks run on pion's goroutines: hand results over a channel.
	found := make(chan ice.Candidate, 16)
	done := make(chan struct{})
	var once sync.Once
	if err := agent.OnCandidate(func(c ice.Candidate) {
		if c == nil {
			once.Do(func() { close(done) })
			return
		}
		select {
		case found <- c:
		default:
		}
	}); err != nil {
		agent.Close()
		return nil, err
	}
	if err := agent.GatherCandidates(); err != nil {
		agent.Close()
		return nil, err
	}
	ctx, cancel := context.WithTimeout(ctx, gatherTimeout)
	defer cancel()
	select {
	case <-done:
	case <-ctx.Done():
	}
	for len(found) > 0 {
		a.candidates = append(a.candidates, <-found)
	}
	if len(a.candidates) == 0 {
		agent.Close()
		if fe.Edge != nil {
			return nil, fmt.Errorf("%w %s (relay %s)", ErrRelayUnavailable, fe.Edge.FQDN, fe.Edge.RelayUDPAddr())
		}
		return nil, errors.New("lynctest: the AV MCU gathered no loopback candidate")
	}
	if a.ufrag, a.pwd, err = agent.GetLocalUserCredentials(); err != nil {
		agent.Close()
		return nil, err
	}
	return a, nil
}

// mediaSession is the AV MCU's media with one participant: an ICE agent per
// set of ICE credentials in the offer, each echoing what it receives.
type mediaSession struct {
	cancel context.CancelFunc
	done   chan struct{}
}

// stop ends the session and waits for its goroutines.
func (m *mediaSession) stop() {
	m.cancel()
	<-m.done
}

// startMedia runs ICE as the controlled agent on each of agents, then
// echoes every datagram back, counting bytes in the participant's roster
// entry. The first agent's selected pair is recorded. It returns at once;
// the session runs until stop, the lab's Close, or connectTimeout without
// ICE.
func (c *conferencing) startMedia(pt *participant, agents []*iceAgent) {
	ctx, cancel := context.WithCancel(c.ctx)
	ms := &mediaSession{cancel: cancel, done: make(chan struct{})}
	pt.mu.Lock()
	old := pt.session
	pt.session = ms
	pt.p.Media, pt.p.MediaErr = MediaConnecting, nil
	pt.mu.Unlock()
	if old != nil {
		old.stop()
	}
	started := c.media.Go(func() {
		defer close(ms.done)
		var wg sync.WaitGroup
		for i, a := range agents {
			wg.Add(1)
			go func() {
				defer wg.Done()
				defer a.close()
				c.echo(ctx, pt, a, i == 0)
			}()
		}
		wg.Wait()
	})
	if !started {
		// The lab is closing: no session, and the agents go.
		cancel()
		for _, a := range agents {
			a.close()
		}
		pt.update(func(p *Participant) { p.Media = MediaEnded })
		close(ms.done)
	}
}

// echo connects one agent and echoes until ctx ends.
func (c *conferencing) echo(ctx context.Context, pt *participant, a *iceAgent, first bool) {
	connectCtx, cancel := context.WithTimeout(ctx, connectTimeout)
	// Close the agent when ctx ends, which unblocks Accept and Read.
	stop := context.AfterFunc(ctx, a.close)
	defer stop()
	defer pt.update(func(p *Participant) {
		if ctx.Err() != nil && (p.Media == MediaConnecting || p.Media == MediaConnected) {
			p.Media = MediaEnded // BYE, the focus left, or the lab closed
		}
	})
	conn, err := a.agent.Accept(connectCtx, a.remoteUfrag, a.remotePwd)
	cancel()
	if err != nil {
		pt.update(func(p *Participant) {
			if ctx.Err() == nil && p.Media == MediaConnecting {
				p.Media, p.MediaErr = MediaFailed, fmt.Errorf("lynctest: AV MCU ICE: %w", err)
			}
		})
		return
	}
	if first {
		if pair, err := a.agent.GetSelectedCandidatePair(); err == nil && pair != nil {
			pt.update(func(p *Participant) {
				p.LocalCandidate, p.RemoteCandidate = pair.Local.Type().String(), pair.Remote.Type().String()
			})
		}
	}
	pt.update(func(p *Participant) {
		if p.Media == MediaConnecting {
			p.Media = MediaConnected
		}
	})
	buf := make([]byte, maxPacket)
	for {
		n, err := conn.Read(buf)
		if err != nil {
			return
		}
		pt.in.Add(int64(n))
		// Counted before it is sent, so that a participant that got the
		// echo finds it in the roster; taken back if the send fails.
		pt.out.Add(int64(n))
		if _, err = conn.Write(buf[:n]); err != nil {
			pt.out.Add(-int64(n))
			return
		}
	}
}

// endMedia ends a participant's media session, if any.
func (c *conferencing) endMedia(pt *participant) {
	pt.mu.Lock()
	ms := pt.session
	pt.session = nil
	if ms != nil && pt.p.Media != MediaFailed {
		pt.p.Media = MediaEnded
	}
	pt.mu.Unlock()
	if ms != nil {
		ms.stop()
	}
}
