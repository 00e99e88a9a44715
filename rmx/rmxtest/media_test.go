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
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	r, a, b, stop := relaySession(t, ctx)
	defer stop()
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
