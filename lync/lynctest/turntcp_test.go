package lynctest_test

import (
	"bytes"
	"io"
	"log/slog"
	"net"
	"strconv"
	"testing"
	"time"

	"github.com/pion/turn/v2"
	"go.uber.org/goleak"

	"github.com/rppkit/rppkit/internal/pionlog"
)

// TestRelayOverTCP allocates through the Edge relay's TCP listener (the
// port Lync's Edge serves on 443, Set-CsEdgeServer) with credentials MRAS
// minted, as a pion/turn client over a TCP connection, and relays data
// both ways between the allocation and a UDP peer; a wrong password gets
// no allocation.
func TestRelayOverTCP(t *testing.T) {
	defer goleak.VerifyNone(t, goleak.IgnoreCurrent())
	s, _ := start(t, "two-site.yaml")
	defer s.Close()
	edge := s.Edge("edge-east.contoso.com")
	cr, err := s.UserCredentials("sip:alice@contoso.com", "edge-east.contoso.com")
	if err != nil {
		t.Fatal(err)
	}
	relay := cr.Relays[0]
	if relay.TCPPort != edge.RelayTCPPort || relay.TCPPort == 0 {
		t.Fatalf("MRAS hands out TCP port %d, the relay listens on %d", relay.TCPPort, edge.RelayTCPPort)
	}
	addr := net.JoinHostPort(relay.HostName, strconv.Itoa(relay.TCPPort))
	allocate := func(password string) (*turn.Client, net.PacketConn, net.Conn, error) {
		conn, err := net.DialTimeout("tcp", addr, rawWait)
		if err != nil {
			t.Fatal(err)
		}
		c, err := turn.NewClient(&turn.ClientConfig{
			STUNServerAddr: addr, TURNServerAddr: addr,
			Username: cr.Credentials.Username, Password: password, Realm: cr.Credentials.Realm,
			Conn:          turn.NewSTUNConn(conn),
			LoggerFactory: pionlog.Factory{Logger: slog.New(slog.NewTextHandler(io.Discard, nil))},
		})
		if err != nil {
			conn.Close()
			return nil, nil, nil, err
		}
		if err := c.Listen(); err != nil {
			c.Close()
			conn.Close()
			return nil, nil, nil, err
		}
		rc, err := c.Allocate()
		if err != nil {
			c.Close()
			conn.Close()
			return nil, nil, nil, err
		}
		return c, rc, conn, nil
	}

	if c, _, conn, err := allocate("not-the-password"); err == nil {
		c.Close()
		conn.Close()
		t.Error("an allocation with a wrong password over TCP")
	}

	c, relayed, conn, err := allocate(cr.Credentials.Password)
	if err != nil {
		t.Fatalf("allocation over TCP with MRAS credentials: %v", err)
	}
	defer conn.Close()
	defer c.Close()
	defer relayed.Close()

	peer, err := net.ListenPacket("udp4", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer peer.Close()
	// Out: allocation → relay → peer (pion creates the permission).
	out := []byte("from the TCP allocation")
	if _, err := relayed.WriteTo(out, peer.LocalAddr()); err != nil {
		t.Fatal(err)
	}
	buf := make([]byte, 1500)
	_ = peer.SetReadDeadline(time.Now().Add(rawWait))
	n, from, err := peer.ReadFrom(buf)
	if err != nil || !bytes.Equal(buf[:n], out) {
		t.Fatalf("the peer got %q from %v: %v", buf[:n], from, err)
	}
	if from.String() != relayed.LocalAddr().String() {
		t.Errorf("the peer got the data from %v, not from the relayed address %v", from, relayed.LocalAddr())
	}
	// Back: peer → relay → allocation, over the TCP connection.
	back := []byte("back from the peer")
	if _, err := peer.WriteTo(back, from); err != nil {
		t.Fatal(err)
	}
	_ = relayed.SetReadDeadline(time.Now().Add(rawWait))
	n, src, err := relayed.ReadFrom(buf)
	if err != nil || !bytes.Equal(buf[:n], back) || src.String() != peer.LocalAddr().String() {
		t.Fatalf("the allocation got %q from %v: %v", buf[:n], src, err)
	}
}
