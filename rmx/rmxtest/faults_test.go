package rmxtest_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"go.uber.org/goleak"

	"github.com/rppkit/rppkit/lync/lynctest"
	"github.com/rppkit/rppkit/rmx"
	"github.com/rppkit/rppkit/rmx/rmxtest"
)

// TestKeepAlive checks that the stand-in keeps its connection alive as the
// ms-keep-alive header of the REGISTER's answer asks, so the lab, which
// closes connections idle past that timeout, never closes it; and that
// WithoutKeepAlive makes it firmware whose connection is closed.
func TestKeepAlive(t *testing.T) {
	// A Cleanup, not a defer: it runs once the parallel subtests are done.
	ignore := goleak.IgnoreCurrent()
	t.Cleanup(func() { goleak.VerifyNone(t, ignore) })
	for _, tc := range []struct {
		name   string
		opts   []rmxtest.Option
		closed bool
	}{
		{"keep-alives", nil, false},
		{"WithoutKeepAlive", []rmxtest.Option{rmxtest.WithoutKeepAlive()}, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			// 2 s, so that the RMX's pings (every second) may be late
			// by up to a second on a loaded machine; in parallel, so
			// that the two waits overlap.
			t.Parallel()
			s, d := lab(t, "two-site.yaml", lynctest.WithKeepAliveTimeout(2*time.Second))
			defer s.Close()
			r, err := rmxtest.ForLab(s, d.RPP.RMX[0], append(tc.opts, rmxtest.WithLogger(quiet))...)
			if err != nil {
				t.Fatal(err)
			}
			defer r.Close()
			if st, err := r.Start(context.Background()); err != nil || st.State != rmxtest.StateReady {
				t.Fatalf("%+v %v", st, err)
			}
			time.Sleep(5 * time.Second) // two and a half timeouts
			closed := false
			for _, m := range s.Messages() {
				closed = closed || m.Direction == lynctest.Closed && errors.Is(m.Err, lynctest.ErrKeepAliveTimeout)
			}
			if closed != tc.closed {
				t.Errorf("closed for idleness: %v, want %v\n%s", closed, tc.closed, s.Ladder())
			}
		})
	}
}

// TestWithoutPiggyback checks that a stand-in that leaves out
// ms-piggyback-first-notify takes its provisioning from the NOTIFY and
// still reaches ICE ready.
func TestWithoutPiggyback(t *testing.T) {
	defer goleak.VerifyNone(t, goleak.IgnoreCurrent())
	s, d := lab(t, "two-site.yaml")
	defer s.Close()
	r, err := rmxtest.ForLab(s, d.RPP.RMX[0], rmxtest.WithoutPiggyback(), rmxtest.WithLogger(quiet))
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	if st, err := r.Start(context.Background()); err != nil || st.State != rmxtest.StateReady {
		t.Fatalf("%+v %v\n%s", st, err, s.Ladder())
	}
	var supported, notified bool
	for _, m := range s.Messages() {
		if m.Direction == lynctest.In && strings.HasPrefix(m.StartLine, "SUBSCRIBE") && strings.Contains(m.Text, "ms-piggyback-first-notify") {
			supported = true
		}
		notified = notified || m.Direction == lynctest.Out && strings.HasPrefix(m.StartLine, "NOTIFY")
	}
	if supported || !notified {
		t.Errorf("Supported: ms-piggyback-first-notify sent %v, NOTIFY sent %v\n%s", supported, notified, s.Ladder())
	}
}

// TestWithServiceContentType checks that a wrong content type on the MRAS
// SERVICE is refused (415) and the stand-in reports the MRAS failure.
func TestWithServiceContentType(t *testing.T) {
	defer goleak.VerifyNone(t, goleak.IgnoreCurrent())
	s, d := lab(t, "two-site.yaml")
	defer s.Close()
	r, err := rmxtest.ForLab(s, d.RPP.RMX[0], rmxtest.WithServiceContentType("application/xml"), rmxtest.WithLogger(quiet))
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	_, err = r.Start(context.Background())
	var e *rmxtest.Error
	if !errors.As(err, &e) || e.Phase != rmxtest.PhaseService || !errors.Is(err, rmx.SymptomMRASFailure) || !strings.HasPrefix(e.Detail, "415") {
		t.Fatalf("%v, want a service-phase MRAS failure with 415", err)
	}
}
