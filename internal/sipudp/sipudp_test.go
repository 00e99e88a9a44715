package sipudp_test

import (
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"strings"
	"testing"
	"time"

	"github.com/emiago/sipgo"
	"github.com/emiago/sipgo/sip"
	"go.uber.org/goleak"

	"github.com/rppkit/rppkit/internal/sipudp"
)

var quiet = slog.New(slog.NewTextHandler(io.Discard, nil))

// serve starts a sipgo server answering OPTIONS on a loopback socket of
// the test's, with or without Own.
func serve(t *testing.T, own bool) (*sipgo.UserAgent, net.PacketConn, chan struct{}) {
	t.Helper()
	ua, err := sipgo.NewUA(sipgo.WithUserAgentTransportLayerOptions(sip.WithTransportLayerLogger(quiet)),
		sipgo.WithUserAgentTransactionLayerOptions(sip.WithTransactionLayerLogger(quiet)))
	if err != nil {
		t.Fatal(err)
	}
	srv, err := sipgo.NewServer(ua, sipgo.WithServerLogger(quiet))
	if err != nil {
		t.Fatal(err)
	}
	srv.OnOptions(func(req *sip.Request, tx sip.ServerTransaction) {
		_ = tx.Respond(sip.NewResponseFromRequest(req, 200, "OK", nil))
	})
	pc, err := net.ListenPacket("udp4", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	if own {
		sipudp.Own(ua, pc)
	}
	served := make(chan struct{})
	go func() {
		defer close(served)
		_ = srv.ServeUDP(pc)
	}()
	return ua, pc, served
}

// options sends an OPTIONS from a socket of its own and waits for the
// answer; it returns the socket's address.
func options(t *testing.T, to net.Addr) string {
	t.Helper()
	c, err := net.ListenPacket("udp4", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	from := c.LocalAddr().String()
	req := fmt.Sprintf("OPTIONS sip:lab@%s SIP/2.0\r\nVia: SIP/2.0/UDP %s;branch=z9hG4bK-%d\r\nFrom: <sip:t@%s>;tag=1\r\nTo: <sip:lab@%s>\r\nCall-ID: %d@test\r\nCSeq: 1 OPTIONS\r\nMax-Forwards: 70\r\nContent-Length: 0\r\n\r\n",
		to, from, time.Now().UnixNano(), from, to, time.Now().UnixNano())
	if _, err := c.WriteTo([]byte(req), to); err != nil {
		t.Fatal(err)
	}
	_ = c.SetReadDeadline(time.Now().Add(5 * time.Second))
	buf := make([]byte, 2048)
	n, _, err := c.ReadFrom(buf)
	if err != nil {
		t.Fatalf("no answer to OPTIONS: %v", err)
	}
	if !strings.HasPrefix(string(buf[:n]), "SIP/2.0 200") {
		t.Fatalf("answer %q", buf[:n])
	}
	return from
}

// TestLateRequestFindsOwnedSocket checks what a request that sipgo handles
// after the socket closed looks up (the connection to its source): with
// Own it is the caller's socket, still after Close, so sipgo opens none;
// without, nothing, and sipgo would open a socket of its own.
func TestLateRequestFindsOwnedSocket(t *testing.T) {
	defer goleak.VerifyNone(t, goleak.IgnoreCurrent())
	for _, own := range []bool{true, false} {
		t.Run(fmt.Sprintf("own=%v", own), func(t *testing.T) {
			ua, pc, served := serve(t, own)
			from := options(t, pc.LocalAddr())
			pc.Close()
			<-served // sipgo's read loop has ended and removed its entries
			if err := sipudp.Close(ua); err != nil {
				t.Fatal(err)
			}
			for _, addr := range []string{from, pc.LocalAddr().String()} {
				c, err := ua.TransportLayer().GetConnection("udp", addr)
				if !own {
					if err == nil {
						t.Errorf("without Own, a connection for %s after the read loop ended: %v", addr, c.LocalAddr())
					}
					continue
				}
				if err != nil {
					t.Fatalf("connection for %s after Close: %v", addr, err)
				}
				if got := c.LocalAddr().String(); got != pc.LocalAddr().String() {
					t.Errorf("connection for %s is on %s, want the owned socket %s", addr, got, pc.LocalAddr())
				}
				// sipgo may try to answer on it: the write fails, and
				// closing it (as a transaction's end does) leaves the
				// socket to its owner.
				if _, err := c.TryClose(); err != nil {
					t.Errorf("TryClose: %v", err)
				}
				if err := c.WriteMsg(sip.NewResponseFromRequest(sip.NewRequest(sip.OPTIONS, sip.Uri{Host: "127.0.0.1"}), 200, "OK", nil)); !errors.Is(err, net.ErrClosed) {
					t.Errorf("answering on the closed owned socket: %v, want net.ErrClosed", err)
				}
			}
		})
	}
}
