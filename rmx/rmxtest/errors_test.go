package rmxtest_test

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"go/build"
	"net"
	"strings"
	"sync"
	"testing"
	"time"

	"go.uber.org/goleak"

	"github.com/rppkit/rppkit/lync"
	"github.com/rppkit/rppkit/lync/lynctest"
	"github.com/rppkit/rppkit/rmx"
	"github.com/rppkit/rppkit/rmx/rmxtest"
)

// A stand-in that cannot open TLS to its SIP server fails at the connect
// phase with rmx.SymptomTLS, and says why with errors a caller tests with
// errors.Is and errors.As — the cause, and crypto/tls's and net's own.
func TestConnectFailures(t *testing.T) {
	defer goleak.VerifyNone(t, goleak.IgnoreCurrent())
	s, d := lab(t, "single-site.yaml")
	sys := d.RPP.RMX[0] // rmx1, 8.5, new method, registers to lyncpool.fabrikam.com
	other, err := lynctest.NewCA()
	if err != nil {
		t.Fatal(err)
	}
	closedPort := func() string {
		l, err := net.Listen("tcp4", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		addr := l.Addr().String()
		l.Close()
		return addr
	}()
	notTLS, stop := plainTCPServer(t, []byte("SIP/2.0 400 Bad Request\r\nContent-Length: 0\r\n\r\n"))
	defer stop()
	frontEnd := func(string) (string, bool) { return s.Resolve("lyncpool.fabrikam.com") }
	var (
		op       *net.OpError
		verify   *tls.CertificateVerificationError
		unknown  x509.UnknownAuthorityError
		hostname x509.HostnameError
		record   tls.RecordHeaderError
	)
	for _, tc := range []struct {
		name   string
		mutate func(sys *rmx.System)
		opts   []rmxtest.Option // nil: New, without the lab's certificate
		want   error
		as     []any // errors.As targets that must match
	}{
		{"no certificate", nil, nil, rmxtest.ErrNoCertificate, nil},
		{"no SIP server", func(sys *rmx.System) { sys.SIP.Server = "" }, []rmxtest.Option{}, rmxtest.ErrNoSIPServer, nil},
		{"SIP server not in DNS", func(sys *rmx.System) { sys.SIP.Server = "lync.fabrikam.com" }, []rmxtest.Option{}, rmxtest.ErrUnresolved, nil},
		{"nothing listening", nil, []rmxtest.Option{rmxtest.WithResolver(func(string) (string, bool) { return closedPort, true })},
			rmxtest.ErrUnreachable, []any{&op}},
		{"CN-only certificate refused by the Front End", func(sys *rmx.System) {
			sys.Certificate = &lync.Certificate{Subject: string(sys.FQDN)}
		}, []rmxtest.Option{}, rmxtest.ErrCertificateRefused, []any{&op}},
		{"certificate refused by the Edge", func(sys *rmx.System) { sys.SIP.Server = "lyncedge.fabrikam.com" }, []rmxtest.Option{},
			rmxtest.ErrCertificateRefused, []any{&op}},
		{"Front End certificate of an unknown CA", nil, []rmxtest.Option{rmxtest.WithRootCAs(other.Pool())},
			rmxtest.ErrServerNotTrusted, []any{&verify, &unknown}},
		{"Front End certificate naming another host", func(sys *rmx.System) { sys.SIP.Server = "rpp.fabrikam.com" },
			[]rmxtest.Option{rmxtest.WithResolver(frontEnd)}, rmxtest.ErrServerNotTrusted, []any{&verify, &hostname}},
		{"SIP server that does not speak TLS", nil, []rmxtest.Option{rmxtest.WithResolver(func(string) (string, bool) { return notTLS, true })},
			rmxtest.ErrHandshake, []any{&record}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			sys := sys
			if tc.mutate != nil {
				tc.mutate(&sys)
			}
			if tc.opts == nil {
				r := rmxtest.New(sys, rmxtest.WithLogger(quiet))
				defer r.Close()
				_, err := r.Start(context.Background())
				checkConnectFailure(t, err, tc.want)
				return
			}
			opts := append([]rmxtest.Option{rmxtest.WithLogger(quiet), rmxtest.WithSubscribeRetries(1, 0), rmxtest.WithTimeout(2 * time.Second)}, tc.opts...)
			r, err := rmxtest.ForLab(s, sys, opts...)
			if err != nil {
				t.Fatal(err)
			}
			defer r.Close()
			_, err = r.Start(context.Background())
			checkConnectFailure(t, err, tc.want)
			for _, target := range tc.as {
				if !errors.As(err, target) {
					t.Errorf("errors.As(%v, %T) is false", err, target)
				}
			}
		})
	}
	s.Close()
}

func checkConnectFailure(t *testing.T, err, want error) {
	t.Helper()
	var e *rmxtest.Error
	if !errors.As(err, &e) || e.Phase != rmxtest.PhaseConnect || e.Symptom != rmx.SymptomTLS ||
		!errors.Is(err, rmx.SymptomTLS) || !errors.Is(err, want) {
		t.Errorf("%v; want an *rmxtest.Error at the connect phase, with %v and %v", err, rmx.SymptomTLS, want)
	}
}

// plainTCPServer answers every connection with reply, without TLS, until
// stopped.
func plainTCPServer(t *testing.T, reply []byte) (addr string, stop func()) {
	t.Helper()
	l, err := net.Listen("tcp4", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		for {
			c, err := l.Accept()
			if err != nil {
				return
			}
			_, _ = c.Write(reply)
			c.Close()
		}
	}()
	return l.Addr().String(), func() { l.Close(); wg.Wait() }
}

// The stand-in uses the ICE method the rules infer (rmx.InferICEMethod),
// with the lab's topology in ForLab and with none in New, and no method at
// all when ICE is not configured.
func TestICEMethodAsTheRules(t *testing.T) {
	defer goleak.VerifyNone(t, goleak.IgnoreCurrent())
	s, d := lab(t, "single-site.yaml")
	for _, tc := range []struct {
		name   string
		rmx    int
		mutate func(sys *rmx.System)
	}{
		{"flag set: new", 0, nil},
		{"iceMethod legacy", 1, nil},
		{"Server User Name of a Lync user, no iceMethod", 1, func(sys *rmx.System) { sys.SIP.ICEMethod = "" }},
		{"Server User Name of an endpoint, no flag", 0, func(sys *rmx.System) { sys.Flags = nil }},
		{"no ICE on 8.4", 1, func(sys *rmx.System) {
			sys.SIP.ICEMethod, sys.SIP.ServerUserName, sys.SIP.ICEEnvironment = "", "", rmx.ICENone
		}},
	} {
		sys := d.RPP.RMX[tc.rmx]
		if tc.mutate != nil {
			tc.mutate(&sys)
		}
		for _, topo := range []*lync.Index{s.Index(), nil} {
			r, err := rmxtest.ForLab(s, sys, rmxtest.WithLogger(quiet), rmxtest.WithSubscribeRetries(1, 0), rmxtest.WithTopology(topo))
			if err != nil {
				t.Fatal(err)
			}
			st, _ := r.Start(context.Background())
			r.Close()
			if want := rmx.InferICEMethod(&sys, topo); st.Method != want {
				t.Errorf("%s (topology known: %v): the stand-in uses the %q method, the rules infer %q", tc.name, topo != nil, st.Method, want)
			}
		}
	}
	// The case where knowing the topology matters: a Lync user as Server
	// User Name means the legacy method, and ICE comes up.
	sys := d.RPP.RMX[1]
	sys.SIP.ICEMethod = ""
	r, err := rmxtest.ForLab(s, sys, rmxtest.WithLogger(quiet), rmxtest.WithSubscribeRetries(1, 0))
	if err != nil {
		t.Fatal(err)
	}
	st, err := r.Start(context.Background())
	r.Close()
	if err != nil || st.Method != rmx.ICELegacy || st.State != rmxtest.StateReady {
		t.Errorf("rmx2 without iceMethod: %+v, %v; want %s on the legacy method", st, err, rmxtest.StateReady)
	}
	s.Close()
}

// The stand-ins import their system and lync, never the rpp package that
// drives them (DESIGN.md).
func TestStandInsDoNotImportRPP(t *testing.T) {
	const module = "github.com/rppkit/rppkit/"
	seen := map[string]bool{}
	var visit func(path, dir string, chain []string)
	visit = func(path, dir string, chain []string) {
		if seen[path] {
			return
		}
		seen[path] = true
		p, err := build.Import(path, dir, 0)
		if err != nil {
			t.Fatal(err)
		}
		for _, imp := range p.Imports {
			if !strings.HasPrefix(imp, module) {
				continue
			}
			if imp == module+"rpp" || strings.HasPrefix(imp, module+"rpp/") {
				t.Errorf("%s imports %s", strings.Join(append(chain, path), " → "), imp)
			}
			visit(imp, p.Dir, append(chain, path))
		}
	}
	visit(module+"rmx/rmxtest", ".", nil)
	visit(module+"lync/lynctest", ".", nil)
}
