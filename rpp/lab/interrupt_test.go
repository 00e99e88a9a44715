package lab_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"go.uber.org/goleak"

	"github.com/rppkit/rppkit/examples"
	"github.com/rppkit/rppkit/rpp"
	"github.com/rppkit/rppkit/rpp/lab"
)

// TestRunInterrupted ends the context at several points of a run of the
// bundled example — bringing ICE up, resolving, cascading, with media
// flowing — and checks that Run returns the context's error promptly (no
// SIP timer left to run out) and leaves no goroutine behind.
func TestRunInterrupted(t *testing.T) {
	defer goleak.VerifyNone(t, goleak.IgnoreCurrent())
	d, err := rpp.LoadFS(context.Background(), examples.FS, examples.Default)
	if err != nil {
		t.Fatal(err)
	}
	for _, after := range []time.Duration{time.Millisecond, 20 * time.Millisecond, 100 * time.Millisecond, 200 * time.Millisecond, 350 * time.Millisecond, 500 * time.Millisecond} {
		ctx, cancel := context.WithTimeout(context.Background(), after)
		start := time.Now()
		res, err := lab.Run(ctx, d, lab.Options{})
		took := time.Since(start)
		cancel()
		if err == nil && res.OK() {
			continue // finished before the end: nothing to check
		}
		if !errors.Is(err, context.DeadlineExceeded) || res != nil {
			t.Errorf("interrupted after %v: %v, %v; want the context's error and no result", after, res, err)
		}
		// Generous: what matters is that no SIP timer (32 s) is waited out.
		if took > after+5*time.Second {
			t.Errorf("interrupted after %v, Run returned only after %v", after, took)
		}
	}
}
