package rmxtest_test

import (
	"context"
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

// The lab's context (the one given to lynctest.NewServer) may end at any
// moment of an RMX's Start or of a cascade: the lab stops under the
// requests in flight without a data race, a panic or a goroutine left, and
// the RMX's Start and Cascade return.
func TestLabContextEndsMidway(t *testing.T) {
	defer goleak.VerifyNone(t, goleak.IgnoreCurrent())
	d, err := rpp.LoadFS(context.Background(), examples.FS, "two-site.yaml")
	if err != nil {
		t.Fatal(err)
	}
	alice, _ := lync.ParseSIPAddress("sip:alice@contoso.com")
	// The delays spread over Start (provisioning, MRAS, ICE) and the
	// cascade (focus, AV MCU, ICE, media) on loopback.
	for _, delay := range []time.Duration{0, 2 * time.Millisecond, 40 * time.Millisecond, 150 * time.Millisecond} {
		func() {
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			s, err := lynctest.NewServer(ctx, &d.Lync, lynctest.WithLogger(quiet))
			if err != nil {
				t.Fatal(err)
			}
			defer s.Close()
			m, err := s.CreateMeeting(alice)
			if err != nil {
				t.Fatal(err)
			}
			sys := d.RPP.RMX[0]
			sys.ConferenceProfiles = []rmx.ConferenceProfile{{Name: "lync", Encryption: rmx.EncryptWhenAvailable}}
			r, err := rmxtest.ForLab(s, sys, rmxtest.WithLogger(quiet), rmxtest.WithTimeout(2*time.Second))
			if err != nil {
				t.Fatal(err)
			}
			defer r.Close()
			time.AfterFunc(delay, cancel)
			rctx, rcancel := context.WithTimeout(context.Background(), 10*time.Second)
			defer rcancel()
			t0 := time.Now()
			_, err = r.Start(rctx)
			t.Logf("cancel after %v: Start %v: %v", delay, time.Since(t0), err)
			if err != nil {
				return
			}
			t0 = time.Now()
			c, err := r.Cascade(rctx, m.Focus)
			t.Logf("cancel after %v: Cascade %v: %v", delay, time.Since(t0), err)
			if err == nil {
				_ = c.Hangup(rctx)
			}
		}()
	}
}
