package dmatest_test

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"testing"
	"time"

	"go.uber.org/goleak"

	"github.com/rppkit/rppkit/dma"
	"github.com/rppkit/rppkit/dma/dmatest"
)

var quiet = slog.New(slog.NewTextHandler(io.Discard, nil))

// eastDMA is dma-east of examples/two-site.yaml.
func eastDMA() dma.System {
	return dma.System{
		Name: "dma-east", FQDN: "dma-east.contoso.com", Site: "East",
		Version:     dma.MustParseVersion("6.4.1"),
		LyncPeers:   []dma.LyncPeer{{Name: "fe-east", Address: "fe-east.contoso.com", ServiceGRUU: "sip:rpp-east.contoso.com@contoso.com;gruu;opaque=srvr:video:Tggd9yw0FFyNjnRqleNLwQAA"}},
		RealConnect: dma.RealConnect{Enabled: true},
		VMRs:        []string{"1000", "1001"},
	}
}

func startDMA(t *testing.T, sys dma.System, opts ...dmatest.Option) (*dmatest.DMA, string) {
	t.Helper()
	d := dmatest.New(sys, append([]dmatest.Option{dmatest.WithLogger(quiet)}, opts...)...)
	addr, err := d.Start(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return d, addr
}

// waitCalls waits until the DMA's call log has n calls that satisfy ok.
func waitCalls(t *testing.T, d *dmatest.DMA, ok func([]dmatest.Call) bool) []dmatest.Call {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for {
		calls := d.Calls()
		if ok(calls) {
			return calls
		}
		if time.Now().After(deadline) {
			t.Fatalf("call log never got there: %+v", calls)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// A VMR number connects without Lync, over UDP and over TCP: 200, ACK,
// media both ways counted on both sides, BYE.
func TestVMRCall(t *testing.T) {
	defer goleak.VerifyNone(t, goleak.IgnoreCurrent())
	for _, transport := range []string{"udp", "tcp"} {
		t.Run(transport, func(t *testing.T) {
			d, addr := startDMA(t, eastDMA())
			defer d.Close()
			ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
			defer cancel()
			call, err := dmatest.Dial(ctx, addr, "1001", dmatest.WithTransport(transport), dmatest.WithDialLogger(quiet))
			if err != nil {
				t.Fatal(err)
			}
			defer call.Close()
			const packets = 25
			if err := call.SendMedia(packets); err != nil {
				t.Fatal(err)
			}
			want := int64(packets * (12 + 160))
			got := waitCalls(t, d, func(c []dmatest.Call) bool { return len(c) == 1 && c[0].BytesReceived == want && c[0].Acked })
			for deadline := time.Now().Add(5 * time.Second); call.Stats().BytesReceived < want && time.Now().Before(deadline); {
				time.Sleep(10 * time.Millisecond)
			}
			if st := call.Stats(); st.BytesSent != want || st.BytesReceived != want {
				t.Errorf("endpoint media %+v, want %d bytes each way", st, want)
			}
			if err := call.Hangup(ctx); err != nil {
				t.Fatal(err)
			}
			c := got[0]
			if c.Kind != dmatest.KindVMR || c.Status != 200 || !c.Connected() || c.Err != nil || c.Number != "1001" || c.Transport != map[string]string{"udp": "UDP", "tcp": "TCP"}[transport] {
				t.Errorf("call log %+v", c)
			}
			waitCalls(t, d, func(c []dmatest.Call) bool { return len(c) == 1 && c[0].Ended })
		})
	}
}

// A number that is no VMR and cannot be a conference ID behind the dial
// prefix is refused with 404 at the route phase; so is everything but a
// VMR when RealConnect is off.
func TestNoRoute(t *testing.T) {
	defer goleak.VerifyNone(t, goleak.IgnoreCurrent())
	prefixed := eastDMA()
	prefixed.RealConnect.DialPrefix = "77"
	off := eastDMA()
	off.RealConnect.Enabled = false
	for _, tc := range []struct {
		name   string
		sys    dma.System
		number string
	}{
		{"letters", eastDMA(), "alice"},
		{"too short for a dial-in ID", eastDMA(), "12"},
		{"without the dial prefix", prefixed, "4411223"},
		{"RealConnect off", off, "4411223"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			d, addr := startDMA(t, tc.sys)
			defer d.Close()
			ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
			defer cancel()
			call, err := dmatest.Dial(ctx, addr, tc.number, dmatest.WithDialLogger(quiet))
			if err == nil {
				call.Close()
				t.Fatal("the call connected")
			}
			var refused *dmatest.RefusedError
			if !errors.As(err, &refused) || refused.Status != 404 || refused.Warning == "" {
				t.Fatalf("Dial: %v, want a 404 refusal with a Warning", err)
			}
			c := waitCalls(t, d, func(c []dmatest.Call) bool { return len(c) == 1 && c[0].Status != 0 })[0]
			var e *dmatest.Error
			if !errors.As(c.Err, &e) || e.Phase != dmatest.PhaseRoute || !errors.Is(c.Err, dmatest.ErrNoRoute) || c.Status != 404 || c.Kind != dmatest.KindNone {
				t.Errorf("call log %+v (err %v), want 404 at the route phase with ErrNoRoute", c, c.Err)
			}
		})
	}
}
