package dmatest_test

import (
	"context"
	"errors"
	"strings"
	"sync"
	"testing"
	"time"

	"go.uber.org/goleak"

	"github.com/rppkit/rppkit/dma"
	"github.com/rppkit/rppkit/dma/dmatest"
	"github.com/rppkit/rppkit/examples"
	"github.com/rppkit/rppkit/lync"
	"github.com/rppkit/rppkit/lync/lynctest"
	"github.com/rppkit/rppkit/rpp"
)

func lab(t testing.TB, example string) (*lynctest.Server, *rpp.Deployment) {
	t.Helper()
	d, err := rpp.LoadFS(context.Background(), examples.FS, example)
	if err != nil {
		t.Fatal(err)
	}
	s, err := lynctest.NewServer(context.Background(), &d.Lync, lynctest.WithLogger(quiet))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s, d
}

// startLabDMA makes and starts the stand-in of sys for s (quiet unless opts
// say otherwise) and tells s where it takes MTLS. Close it before goleak's
// check.
func startLabDMA(t testing.TB, s *lynctest.Server, sys dma.System, opts ...dmatest.Option) *dmatest.DMA {
	t.Helper()
	dm, err := dmatest.ForLab(s, sys, append([]dmatest.Option{dmatest.WithLogger(quiet)}, opts...)...)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := dm.Start(context.Background()); err != nil {
		dm.Close()
		t.Fatal(err)
	}
	s.SetComputerAddress(sys.FQDN, sys.SIPPort(), dm.TLSAddr())
	return dm
}

func alice(t testing.TB) lync.SIPAddress {
	a, err := lync.ParseSIPAddress("sip:alice@contoso.com")
	if err != nil {
		t.Fatal(err)
	}
	return a
}

// recordingMCU is an MCU that records the focus URIs it is asked to join
// and answers with err: it stands for the RMX where a test is about the
// DMA's side only (the RMX's own cascade is tested in rmxtest).
type recordingMCU struct {
	mu     sync.Mutex
	joined []lync.ConferenceURI
	hungUp int
	err    error
}

func (m *recordingMCU) Cascade(_ context.Context, focus lync.ConferenceURI) (dmatest.Link, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.joined = append(m.joined, focus)
	if m.err != nil {
		return nil, m.err
	}
	return m, nil
}

func (m *recordingMCU) Hangup(context.Context) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.hungUp++
	return nil
}

func (m *recordingMCU) state() ([]lync.ConferenceURI, int) {
	m.mu.Lock()
	defer m.mu.Unlock()
	return append([]lync.ConferenceURI(nil), m.joined...), m.hungUp
}

// The DMA resolves a dialled conference ID through its Lync peer over
// mutual TLS — a C3P getConference SERVICE to the focus factory, From and
// Contact its peer's Service GRUU — and has its MCU join the meeting's
// focus; the endpoint's call connects, and its BYE hangs the cascade up.
// With the dial prefix configured, the prefix is taken off first.
func TestRealConnectResolves(t *testing.T) {
	defer goleak.VerifyNone(t, goleak.IgnoreCurrent())
	for _, prefix := range []string{"", "77"} {
		t.Run("prefix "+prefix, func(t *testing.T) {
			s, d := lab(t, "two-site.yaml")
			m, err := s.CreateMeeting(alice(t), lynctest.WithDialInID("4411223"))
			if err != nil {
				t.Fatal(err)
			}
			sys := d.RPP.DMA[0]
			sys.RealConnect.DialPrefix = prefix
			mcu := &recordingMCU{}
			dm := startLabDMA(t, s, sys, dmatest.WithMCU("rmx-east", mcu))
			defer dm.Close()
			addr := dm.Addr()
			ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
			defer cancel()
			call, err := dmatest.Dial(ctx, addr, prefix+"4411223", dmatest.WithDialLogger(quiet))
			if err != nil {
				t.Fatalf("Dial: %v\n%s", err, s.Ladder())
			}
			defer call.Close()
			c := dm.Calls()[0]
			if c.Kind != dmatest.KindRealConnect || c.DialInID != "4411223" || c.Peer != "fe-east" || !c.Focus.Equal(m.Focus) || c.MCU != "rmx-east" || c.Status != 200 {
				t.Errorf("call log %+v, want RealConnect to %s via fe-east on rmx-east", c, m.Focus)
			}
			if joined, _ := mcu.state(); len(joined) != 1 || !joined[0].Equal(m.Focus) {
				t.Errorf("the MCU was asked to join %v, want %s", joined, m.Focus)
			}
			if err := call.Hangup(ctx); err != nil {
				t.Fatal(err)
			}
			waitCalls(t, dm, func(cs []dmatest.Call) bool { return cs[0].Ended })
			if _, hungUp := mcu.state(); hungUp != 1 {
				t.Errorf("the cascade was hung up %d times, want 1", hungUp)
			}
			// On the wire: one SERVICE from dma-east, answered 200, with the
			// peer's Service GRUU as From and Contact.
			var service []lynctest.Message
			for _, msg := range s.Messages() {
				if strings.HasPrefix(msg.StartLine, "SERVICE ") {
					service = append(service, msg)
				}
			}
			if len(service) != 1 || service[0].Peer != "dma-east.contoso.com" ||
				!strings.Contains(service[0].Text, "Contact: <"+sys.LyncPeers[0].ServiceGRUU+">") ||
				!strings.Contains(service[0].Text, "opaque=app:conf:focusfactory") {
				t.Errorf("SERVICE to the focus factory:\n%s", s.Ladder())
			}
		})
	}
}

// What goes wrong between the DMA and Lync, and what the DMA answers the
// endpoint: each failure has its phase, its sentinel and, where Lync
// answered, Lync's status and ms-diagnostics.
func TestRealConnectFailures(t *testing.T) {
	defer goleak.VerifyNone(t, goleak.IgnoreCurrent())
	otherGRUU := "sip:rpp-west.contoso.com@contoso.com;opaque=srvr:video:Xq3mZ0pLr8uNw2dKfE1sYgAA;gruu"
	for _, tc := range []struct {
		name       string
		number     string
		mutate     func(*dma.System)
		mcuErr     error
		noMCU      bool
		wantStatus int // the DMA's answer to the endpoint
		wantPhase  dmatest.Phase
		wantErr    error
		lyncStatus int    // Lync's answer to the SERVICE, 0 when none was sent
		lyncDiag   string // in the Error's Detail
	}{
		{name: "unknown conference ID", number: "9999999",
			wantStatus: 404, wantPhase: dmatest.PhaseResolve, wantErr: dmatest.ErrConferenceNotFound, lyncStatus: 404, lyncDiag: "7002"},
		{name: "Service GRUU without sip:", number: "4411223",
			mutate: func(s *dma.System) {
				s.LyncPeers[0].ServiceGRUU = strings.TrimPrefix(s.LyncPeers[0].ServiceGRUU, "sip:")
			},
			wantStatus: 404, wantPhase: dmatest.PhaseResolve, wantErr: dmatest.ErrServiceGRUU},
		{name: "no Service GRUU", number: "4411223",
			mutate:     func(s *dma.System) { s.LyncPeers[0].ServiceGRUU = "" },
			wantStatus: 404, wantPhase: dmatest.PhaseResolve, wantErr: dmatest.ErrServiceGRUU},
		{name: "the other pool's Service GRUU", number: "4411223",
			mutate:     func(s *dma.System) { s.LyncPeers[0].ServiceGRUU = otherGRUU },
			wantStatus: 404, wantPhase: dmatest.PhaseResolve, wantErr: dmatest.ErrPeerRefused, lyncStatus: 403, lyncDiag: "4004"},
		{name: "no Lync peer", number: "4411223",
			mutate:     func(s *dma.System) { s.LyncPeers = nil },
			wantStatus: 404, wantPhase: dmatest.PhaseResolve, wantErr: dmatest.ErrNoLyncPeer},
		{name: "certificate naming no trusted computer", number: "4411223",
			mutate: func(s *dma.System) {
				s.Certificate = &lync.Certificate{Subject: "dma.example.com", SAN: []string{"dma.example.com"}}
			},
			wantStatus: 404, wantPhase: dmatest.PhaseResolve, wantErr: dmatest.ErrPeerUnreachable},
		{name: "the MCU cannot join", number: "4411223", mcuErr: errors.New("video not accepted"),
			wantStatus: 503, wantPhase: dmatest.PhaseCascade},
		{name: "no MCU", number: "4411223", noMCU: true,
			wantStatus: 503, wantPhase: dmatest.PhaseCascade, wantErr: dmatest.ErrNoMCU},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s, d := lab(t, "two-site.yaml")
			if _, err := s.CreateMeeting(alice(t), lynctest.WithDialInID("4411223")); err != nil {
				t.Fatal(err)
			}
			sys := d.RPP.DMA[0]
			sys.LyncPeers = append([]dma.LyncPeer(nil), sys.LyncPeers...)
			if tc.mutate != nil {
				tc.mutate(&sys)
			}
			opts := []dmatest.Option{dmatest.WithLogger(quiet), dmatest.WithTimeout(2 * time.Second)}
			mcu := &recordingMCU{err: tc.mcuErr}
			if !tc.noMCU {
				opts = append(opts, dmatest.WithMCU("rmx-east", mcu))
			}
			dm := startLabDMA(t, s, sys, opts...)
			defer dm.Close()
			addr := dm.Addr()
			ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
			defer cancel()
			call, err := dmatest.Dial(ctx, addr, tc.number, dmatest.WithDialLogger(quiet))
			if err == nil {
				call.Close()
				t.Fatal("the call connected")
			}
			var refused *dmatest.RefusedError
			if !errors.As(err, &refused) || refused.Status != tc.wantStatus {
				t.Fatalf("Dial: %v, want the DMA's %d", err, tc.wantStatus)
			}
			c := dm.Calls()[0]
			var e *dmatest.Error
			if !errors.As(c.Err, &e) || e.Phase != tc.wantPhase || c.Status != tc.wantStatus {
				t.Fatalf("call log %+v (err %v), want %d at phase %s", c, c.Err, tc.wantStatus, tc.wantPhase)
			}
			if tc.wantErr != nil && !errors.Is(c.Err, tc.wantErr) {
				t.Errorf("err %v, want %v", c.Err, tc.wantErr)
			}
			if tc.mcuErr != nil && !errors.Is(c.Err, tc.mcuErr) {
				t.Errorf("err %v, want the MCU's %v", c.Err, tc.mcuErr)
			}
			if e.Status != tc.lyncStatus || !strings.Contains(e.Detail, tc.lyncDiag) {
				t.Errorf("Lync's answer in the error: %d %q, want %d with %q\n%s", e.Status, e.Detail, tc.lyncStatus, tc.lyncDiag, s.Ladder())
			}
			sent := strings.Contains(s.Ladder(), "SERVICE")
			if wantSent := tc.lyncStatus != 0 || tc.wantPhase == dmatest.PhaseCascade; sent != wantSent {
				t.Errorf("SERVICE sent to Lync: %v, want %v\n%s", sent, wantSent, s.Ladder())
			}
		})
	}
}

// Lync calls the DMA back as a trusted application computer: the Front End
// opens mutual TLS to it and sends OPTIONS, checking the DMA's server
// certificate against the FQDN it dialled. The DMA's own certificate
// passes; one naming another computer (a certificate shared with the RMX)
// fails there.
func TestLyncProbesTheDMA(t *testing.T) {
	defer goleak.VerifyNone(t, goleak.IgnoreCurrent())
	for _, tc := range []struct {
		name string
		cert *lync.Certificate
		ok   bool
	}{
		{"its own certificate", nil, true},
		{"the RMX's certificate", &lync.Certificate{Subject: "rmx-east.contoso.com", SAN: []string{"rmx-east.contoso.com"}}, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s, d := lab(t, "two-site.yaml")
			sys := d.RPP.DMA[0]
			if tc.cert != nil {
				sys.Certificate = tc.cert
			}
			dm := startLabDMA(t, s, sys)
			defer dm.Close()
			r := s.ProbeComputer(context.Background(), sys.FQDN, sys.SIPPort())
			if tc.ok && (r.Err != nil || r.Status != 200) {
				t.Errorf("probe: %+v", r)
			}
			if !tc.ok && (!errors.Is(r.Err, lynctest.ErrDeviceCertificate) || !errors.Is(r.Err, lynctest.ErrNameMismatch)) {
				t.Errorf("probe: %+v, want ErrDeviceCertificate (name mismatch)", r)
			}
		})
	}
}
