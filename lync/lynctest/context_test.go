package lynctest_test

import (
	"context"
	"net"
	"testing"
	"time"

	"go.uber.org/goleak"

	"github.com/rppkit/rppkit/lync/lynctest"
)

// A context that has ended by the time NewServer returns — an interrupted
// `rpp lab` — closes the lab at once: no data race between the watch on
// the context and NewServer, and nothing left running.
func TestNewServerContextEndsDuringStart(t *testing.T) {
	defer goleak.VerifyNone(t, goleak.IgnoreCurrent())
	d := loadExample(t, "two-site.yaml")
	for _, cancelAfter := range []time.Duration{-1, 0, time.Millisecond, 5 * time.Millisecond} {
		ctx, cancel := context.WithCancel(context.Background())
		if cancelAfter < 0 {
			cancel()
		} else {
			time.AfterFunc(cancelAfter, cancel)
		}
		s, err := lynctest.NewServer(ctx, &d.Lync)
		if err != nil {
			t.Fatalf("cancel after %v: %v", cancelAfter, err)
		}
		<-ctx.Done()
		// The lab closes by itself: its Front End stops taking
		// connections.
		addr := s.FrontEnds()[0].Addr
		for deadline := time.Now().Add(5 * time.Second); ; time.Sleep(time.Millisecond) {
			c, err := net.Dial("tcp", addr)
			if err != nil {
				break
			}
			c.Close()
			if time.Now().After(deadline) {
				t.Fatalf("cancel after %v: the Front End still takes connections", cancelAfter)
			}
		}
		if err := s.Close(); err != nil {
			t.Errorf("cancel after %v: Close: %v", cancelAfter, err)
		}
		cancel()
	}
}
