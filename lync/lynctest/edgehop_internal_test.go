package lynctest

import (
	"context"
	"errors"
	"testing"

	"go.uber.org/goleak"

	"github.com/rppkit/rppkit/lync"
)

// edgeHopTopology is one Front End pool paired with one Edge pool, whose
// internal certificate is cert.
func edgeHopTopology(cert *lync.Certificate) *lync.Topology {
	return &lync.Topology{
		Product:       lync.Lync2013,
		SIPDomains:    []lync.FQDN{"contoso.com"},
		FrontEndPools: []lync.FrontEndPool{{FQDN: "fe.contoso.com", EdgePool: "edge.contoso.com"}},
		EdgePools:     []lync.EdgePool{{FQDN: "edge.contoso.com", Certificate: cert}},
	}
}

// A Front End remembers a successful hop to an Edge (the connection Lync
// keeps open), so that MRAS requests do not pay a handshake each: with the
// Edge's listener closed, the next hop still succeeds. A failed hop is not
// remembered: each request tries again, and fails again.
func TestEdgeHopRemembersSuccessOnly(t *testing.T) {
	defer goleak.VerifyNone(t, goleak.IgnoreCurrent())
	for _, tc := range []struct {
		name string
		cert *lync.Certificate
		ok   bool
	}{
		{"trusted", nil, true},
		{"another name", &lync.Certificate{Subject: "edge01.contoso.com"}, false},
	} {
		s, err := NewServer(context.Background(), edgeHopTopology(tc.cert))
		if err != nil {
			t.Fatal(err)
		}
		fe, e := s.frontEnds[0], s.edges[0]
		for i := range 2 {
			err := fe.edgeHop(e)
			if (err == nil) != tc.ok || !tc.ok && !errors.Is(err, lync.ErrCertificateName) {
				t.Errorf("%s, hop %d: %v; want success %v", tc.name, i+1, err, tc.ok)
			}
		}
		fe.hops.mu.Lock()
		remembered := fe.hops.ok[e]
		fe.hops.mu.Unlock()
		if remembered != tc.ok {
			t.Errorf("%s: hop remembered %v; want %v", tc.name, remembered, tc.ok)
		}
		if tc.ok {
			_ = e.sipLn.Close()
			if err := fe.edgeHop(e); err != nil {
				t.Errorf("%s: a remembered hop dialled again: %v", tc.name, err)
			}
		}
		s.Close()
	}
}
