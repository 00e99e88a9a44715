package rmxtest_test

import (
	"context"
	"testing"
	"time"

	"go.uber.org/goleak"

	"github.com/rppkit/rppkit/rmx/rmxtest"
)

// The cascade's media loop, against a plain pion/ice peer that echoes
// (the AV MCU does the same): packets flow both ways through the Edge
// relay, the counts agree with what the peer saw, and the selected pair is
// relay on both sides.
func TestMediaLoopCountsBothWays(t *testing.T) {
	defer goleak.VerifyNone(t, goleak.IgnoreCurrent())
	s, d := lab(t, "two-site.yaml")
	defer s.Close()
	r, err := rmxtest.ForLab(s, d.RPP.RMX[0], rmxtest.WithLogger(quiet))
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	if _, err := r.Start(ctx); err != nil {
		t.Fatal(err)
	}
	cr, err := s.UserCredentials("sip:alice@contoso.com", "edge-east.contoso.com")
	if err != nil {
		t.Fatal(err)
	}
	peer, _, err := rmxtest.GatherRelay(ctx, cr.Relays[0].Address(), cr.Credentials.Username, cr.Credentials.Password, 5*time.Second, quiet)
	if peer != nil {
		defer peer.Close()
	}
	if err != nil {
		t.Fatal(err)
	}
	a, b, err := rmxtest.Connect(ctx, r.Agent(), peer)
	if err != nil {
		t.Fatal(err)
	}
	echoed := make(chan int64, 1)
	go func() {
		var n int64
		buf := make([]byte, 1500)
		for {
			k, err := b.Read(buf)
			if err != nil {
				echoed <- n
				return
			}
			if _, err := b.Write(buf[:k]); err != nil {
				echoed <- n
				return
			}
			n += int64(k)
		}
	}()
	m := rmxtest.StartMediaForTest(a, r.Agent())
	for deadline := time.Now().Add(5 * time.Second); m.Stats().PacketsReceived < 10 && time.Now().Before(deadline); {
		time.Sleep(20 * time.Millisecond)
	}
	if err := m.Close(); err != nil {
		t.Fatal(err)
	}
	b.Close()
	peerGot := <-echoed
	st := m.Stats()
	if st.PacketsReceived < 10 || st.BytesReceived != st.PacketsReceived*1200 || st.BytesSent < st.BytesReceived || peerGot < st.BytesReceived {
		t.Errorf("stats %+v, the peer echoed %d bytes", st, peerGot)
	}
	if st.Local.Type != "relay" || st.Remote.Type != "relay" {
		t.Errorf("selected pair %+v / %+v, want relay on both sides", st.Local, st.Remote)
	}
}
