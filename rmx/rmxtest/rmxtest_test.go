package rmxtest_test

import (
	"bytes"
	"context"
	"errors"
	"io"
	"log/slog"
	"net"
	"strings"
	"testing"
	"time"

	"go.uber.org/goleak"

	"github.com/rppkit/rppkit/examples"
	"github.com/rppkit/rppkit/lync"
	"github.com/rppkit/rppkit/lync/lynctest"
	"github.com/rppkit/rppkit/rmx"
	"github.com/rppkit/rppkit/rmx/rmxtest"
	"github.com/rppkit/rppkit/rpp"
)

func lab(t testing.TB, example string, opts ...lynctest.Option) (*lynctest.Server, *rpp.Deployment) {
	t.Helper()
	d, err := rpp.LoadFS(context.Background(), examples.FS, example)
	if err != nil {
		t.Fatal(err)
	}
	s, err := lynctest.NewServer(context.Background(), &d.Lync, opts...)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s, d
}

var quiet = slog.New(slog.NewTextHandler(io.Discard, nil))

func TestCleanExamplesReachICEReady(t *testing.T) {
	defer goleak.VerifyNone(t, goleak.IgnoreCurrent())
	for _, ex := range []string{"two-site.yaml", "single-site.yaml"} {
		s, d := lab(t, ex)
		for _, sys := range d.RPP.RMX {
			r, err := rmxtest.ForLab(s, sys, rmxtest.WithLogger(quiet), rmxtest.WithSubscribeRetries(1, 0))
			if err != nil {
				t.Fatal(err)
			}
			st, err := r.Start(context.Background())
			if err != nil || st.State != rmxtest.StateReady || len(st.Candidates) == 0 {
				t.Errorf("%s %s: %+v, %v\n%s", ex, sys.Name, st, err, s.Ladder())
			}
			r.Close()
		}
		s.Close()
	}
}

// relaySession brings rmx-east's ICE up in the two-site lab and connects it
// over ICE, through the Edge relay, to a relay-only pion agent playing a
// Lync client with alice's MRAS credentials. a is the RMX's side, b the
// client's; stop releases everything (call it before goleak's check).
func relaySession(t *testing.T, ctx context.Context) (r *rmxtest.RMX, a, b net.Conn, stop func()) {
	t.Helper()
	s, d := lab(t, "two-site.yaml")
	var undo []func()
	stop = func() {
		for i := len(undo) - 1; i >= 0; i-- {
			undo[i]()
		}
	}
	undo = append(undo, func() { s.Close() })
	fail := func(err error) {
		stop()
		t.Fatal(err)
	}
	r, err := rmxtest.ForLab(s, d.RPP.RMX[0], rmxtest.WithLogger(quiet))
	if err != nil {
		fail(err)
	}
	undo = append(undo, func() { r.Close() })
	if _, err := r.Start(ctx); err != nil {
		fail(err)
	}
	cr, err := s.UserCredentials("sip:alice@contoso.com", "edge-east.contoso.com")
	if err != nil {
		fail(err)
	}
	client, _, err := rmxtest.GatherRelay(ctx, cr.Relays[0].Address(), cr.Credentials.Username, cr.Credentials.Password, 5*time.Second, quiet)
	if client != nil {
		undo = append(undo, func() { client.Close() })
	}
	if err != nil {
		fail(err)
	}
	a, b, err = rmxtest.Connect(ctx, r.Agent(), client)
	if err != nil {
		fail(err)
	}
	return r, a, b, stop
}

// TestMediaThroughTheRelay: an ICE session between the RMX stand-in and a
// Lync client, both relay-only with credentials minted by MRAS, carries
// bytes both ways.
func TestMediaThroughTheRelay(t *testing.T) {
	defer goleak.VerifyNone(t, goleak.IgnoreCurrent())
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	_, a, b, stop := relaySession(t, ctx)
	defer stop()
	for _, dir := range []struct {
		from, to interface {
			Write([]byte) (int, error)
			Read([]byte) (int, error)
		}
		msg string
	}{{a, b, "video from the RMX"}, {b, a, "video from Lync"}} {
		if _, err := dir.from.Write([]byte(dir.msg)); err != nil {
			t.Fatal(err)
		}
		buf := make([]byte, 64)
		n, err := dir.to.Read(buf)
		if err != nil || !bytes.Equal(buf[:n], []byte(dir.msg)) {
			t.Fatalf("read %q, %v; want %q", buf[:n], err, dir.msg)
		}
	}
	a.Close()
	b.Close()
}

// TestEdgeNameUnresolved: an RMX whose resolver has no address for the
// Edge pool's FQDN in the MRAS URI fails the service phase with "edge
// server resolve failed on the service request" and sends no SERVICE; the
// same RMX with the other site's Edge unresolvable reaches ICE ready.
func TestEdgeNameUnresolved(t *testing.T) {
	defer goleak.VerifyNone(t, goleak.IgnoreCurrent())
	for _, tc := range []struct {
		missing string
		fails   bool
	}{{"EDGE-EAST.contoso.com", true}, {"edge-west.contoso.com", false}} {
		t.Run(tc.missing, func(t *testing.T) {
			s, d := lab(t, "two-site.yaml")
			defer s.Close()
			resolve := func(host string) (string, bool) {
				if lync.FQDN(host).Equal(lync.FQDN(tc.missing)) {
					return "", false
				}
				return s.Resolve(host)
			}
			r, err := rmxtest.ForLab(s, d.RPP.RMX[0], rmxtest.WithLogger(quiet), rmxtest.WithSubscribeRetries(1, 0), rmxtest.WithResolver(resolve))
			if err != nil {
				t.Fatal(err)
			}
			defer r.Close()
			st, err := r.Start(context.Background())
			services := 0
			for _, m := range s.Messages() {
				if strings.HasPrefix(m.StartLine, "SERVICE ") {
					services++
				}
			}
			if !tc.fails {
				if err != nil || st.State != rmxtest.StateReady || services != 1 {
					t.Errorf("%+v, %v, %d SERVICE requests; want ICE ready after one\n%s", st, err, services, s.Ladder())
				}
				return
			}
			var e *rmxtest.Error
			if !errors.As(err, &e) || e.Phase != rmxtest.PhaseService || !errors.Is(err, rmx.SymptomEdgeResolve) || !errors.Is(err, rmxtest.ErrEdgeUnresolved) {
				t.Fatalf("Start = %v; want a service-phase failure with %q wrapping ErrEdgeUnresolved", err, rmx.SymptomEdgeResolve.Text)
			}
			if st.MRASURI == "" || services != 0 || !strings.Contains(err.Error(), "edge-east.contoso.com") {
				t.Errorf("MRAS URI %q, %d SERVICE requests, error %v; want the URI learnt, no SERVICE, the Edge named\n%s", st.MRASURI, services, err, s.Ladder())
			}
		})
	}
}
