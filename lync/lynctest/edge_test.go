package lynctest_test

import (
	"context"
	"crypto/tls"
	"errors"
	"io"
	"log/slog"
	"sync"
	"testing"
	"time"

	"go.uber.org/goleak"

	"github.com/rppkit/rppkit/lync/lynctest"
	"github.com/rppkit/rppkit/rmx/rmxtest"
)

// clock is a test clock that moves only when told.
type clock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *clock) Now() time.Time      { c.mu.Lock(); defer c.mu.Unlock(); return c.now }
func (c *clock) Add(d time.Duration) { c.mu.Lock(); c.now = c.now.Add(d); c.mu.Unlock() }

// The relay accepts credentials MRAS minted, until they expire, and no
// others.
func TestRelayAcceptsOnlyLiveMintedCredentials(t *testing.T) {
	defer goleak.VerifyNone(t, goleak.IgnoreCurrent())
	clk := &clock{now: time.Now()}
	s, _ := start(t, "two-site.yaml", lynctest.WithClock(clk.Now), lynctest.WithCredentialLifetime(10*time.Minute))
	defer s.Close()
	quiet := slog.New(slog.NewTextHandler(io.Discard, nil))
	ctx := context.Background()
	gather := func(user, pass string) error {
		agent, _, err := rmxtest.GatherRelay(ctx, s.Edge("edge-east.contoso.com").RelayUDPAddr(), user, pass, 3*time.Second, quiet)
		if agent != nil {
			agent.Close()
		}
		return err
	}
	cr, err := s.UserCredentials("sip:alice@contoso.com", "edge-east.contoso.com")
	if err != nil {
		t.Fatal(err)
	}
	if cr.Credentials.Duration != 10 {
		t.Errorf("duration %d minutes, want 10", cr.Credentials.Duration)
	}
	if err := gather(cr.Credentials.Username, cr.Credentials.Password); err != nil {
		t.Fatalf("fresh credentials refused: %v", err)
	}
	if err := gather(cr.Credentials.Username, "not-the-password"); err == nil {
		t.Error("a wrong password was accepted")
	}
	if err := gather("made-up-user", cr.Credentials.Password); err == nil {
		t.Error("credentials MRAS never minted were accepted")
	}
	clk.Add(11 * time.Minute)
	if err := gather(cr.Credentials.Username, cr.Credentials.Password); err == nil {
		t.Error("expired credentials were accepted")
	}
	if _, err := s.UserCredentials("sip:nobody@contoso.com", "edge-east.contoso.com"); err == nil {
		t.Error("credentials minted for a user of no topology")
	}
}

// The Edge refuses a trusted application's SIP in the TLS handshake: the
// RMX must not register to the Edge.
func TestEdgeRefusesTrustedApplications(t *testing.T) {
	defer goleak.VerifyNone(t, goleak.IgnoreCurrent())
	s, _ := start(t, "two-site.yaml")
	defer s.Close()
	cert, _ := s.CA.Issue("rmx-east.contoso.com", "rmx-east.contoso.com")
	addr, ok := s.Resolve("edge-east.contoso.com")
	if !ok {
		t.Fatal("the Edge does not resolve")
	}
	conn, err := tls.Dial("tcp", addr, s.ClientTLSConfig(cert, "edge-east.contoso.com"))
	if err == nil {
		_, err = conn.Read(make([]byte, 1))
		conn.Close()
	}
	if err == nil {
		t.Fatal("the Edge accepted a trusted application")
	}
	s.Close()
	msgs := s.Messages()
	if len(msgs) != 1 || msgs[0].Direction != lynctest.Refused || !errors.Is(msgs[0].Err, lynctest.ErrEdgeRefusesApplications) {
		t.Errorf("recorded %+v", msgs)
	}
}

// Close is safe to call twice, and cancelling the context given to
// NewServer closes the server too.
func TestCloseAndContext(t *testing.T) {
	defer goleak.VerifyNone(t, goleak.IgnoreCurrent())
	d := loadExample(t, "single-site.yaml")
	ctx, cancel := context.WithCancel(context.Background())
	s, err := lynctest.NewServer(ctx, &d.Lync)
	if err != nil {
		t.Fatal(err)
	}
	addr := s.FrontEnds()[0].Addr
	cancel()
	// Closing is done by the context's goroutine; wait for it by closing
	// again, which waits for the first Close to finish.
	if err := s.Close(); err != nil {
		t.Errorf("Close after cancel: %v", err)
	}
	if err := s.Close(); err != nil {
		t.Errorf("second Close: %v", err)
	}
	if c, err := tls.Dial("tcp", addr, &tls.Config{InsecureSkipVerify: true}); err == nil {
		c.Close()
		t.Error("the Front End still accepts connections after Close")
	}
	if _, err := lynctest.NewServer(context.Background(), nil); !errors.Is(err, lynctest.ErrNoFrontEndPool) {
		t.Errorf("NewServer(nil topology): %v, want %v", err, lynctest.ErrNoFrontEndPool)
	}
}
