package rmxtest

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"time"

	"github.com/pion/ice/v2"
	"github.com/pion/stun"

	"github.com/rppkit/rppkit/internal/pionlog"
)

// GatherRelay makes a relay-only ICE agent that uses the TURN server at
// relay (host:port, UDP) with user and pass, and gathers its candidates,
// waiting at most timeout. It returns the agent (to be closed by the
// caller, even on error) and the relay candidates; a relay that refuses
// the credentials yields none, which is an error.
func GatherRelay(ctx context.Context, relay, user, pass string, timeout time.Duration, logger *slog.Logger) (*ice.Agent, []ice.Candidate, error) {
	host, port, err := net.SplitHostPort(relay)
	if err != nil {
		return nil, nil, fmt.Errorf("relay %q: %w", relay, err)
	}
	u, err := stun.ParseURI(fmt.Sprintf("turn:%s?transport=udp", net.JoinHostPort(host, port)))
	if err != nil {
		return nil, nil, err
	}
	u.Username, u.Password = user, pass
	wait, check := 100*time.Millisecond, 50*time.Millisecond
	agent, err := ice.NewAgent(&ice.AgentConfig{
		Urls:                   []*stun.URI{u},
		NetworkTypes:           []ice.NetworkType{ice.NetworkTypeUDP4},
		CandidateTypes:         []ice.CandidateType{ice.CandidateTypeRelay},
		RelayAcceptanceMinWait: &wait, // 2 s by default; loopback needs no patience
		CheckInterval:          &check,
		IncludeLoopback:        true,
		LoggerFactory:          pionlog.Factory{Logger: logger},
	})
	if err != nil {
		return nil, nil, err
	}
	// Callbacks run on pion's goroutines: hand results over a channel.
	found := make(chan ice.Candidate, 8)
	done := make(chan struct{})
	if err := agent.OnCandidate(func(c ice.Candidate) {
		if c == nil {
			close(done)
			return
		}
		select {
		case found <- c:
		default:
		}
	}); err != nil {
		return agent, nil, err
	}
	if err := agent.GatherCandidates(); err != nil {
		return agent, nil, err
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	select {
	case <-done:
	case <-ctx.Done():
	}
	var cands []ice.Candidate
	for len(found) > 0 {
		cands = append(cands, <-found)
	}
	if len(cands) == 0 {
		return agent, nil, errors.New("no relay candidate: the relay refused the credentials or did not answer")
	}
	return agent, cands, nil
}

// Connect runs ICE between two agents that have gathered their candidates,
// a (controlling) and b (controlled), exchanging credentials and candidates
// as SDP would, and returns the two ends of the connection.
func Connect(ctx context.Context, a, b *ice.Agent) (net.Conn, net.Conn, error) {
	for _, pair := range [][2]*ice.Agent{{a, b}, {b, a}} {
		cands, err := pair[0].GetLocalCandidates()
		if err != nil {
			return nil, nil, err
		}
		for _, c := range cands {
			if err := pair[1].AddRemoteCandidate(c); err != nil {
				return nil, nil, err
			}
		}
	}
	aUfrag, aPwd, err := a.GetLocalUserCredentials()
	if err != nil {
		return nil, nil, err
	}
	bUfrag, bPwd, err := b.GetLocalUserCredentials()
	if err != nil {
		return nil, nil, err
	}
	type result struct {
		conn *ice.Conn
		err  error
	}
	accepted := make(chan result, 1)
	go func() {
		c, err := b.Accept(ctx, aUfrag, aPwd)
		accepted <- result{c, err}
	}()
	ca, err := a.Dial(ctx, bUfrag, bPwd)
	rb := <-accepted
	if err != nil || rb.err != nil {
		return nil, nil, errors.Join(err, rb.err)
	}
	return ca, rb.conn, nil
}
