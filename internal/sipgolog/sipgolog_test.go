package sipgolog

import (
	"bytes"
	"fmt"
	"io"
	"log/slog"
	"net"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/emiago/sipgo"
	"github.com/emiago/sipgo/sip"
)

// TestRouting checks that records naming a registered local address go to
// its logger, also a while after it is unregistered, and no more once
// keepRetired others have been.
func TestRouting(t *testing.T) {
	var lab bytes.Buffer
	unregister := Register("127.0.0.1:5061", slog.New(slog.NewTextHandler(&lab, &slog.HandlerOptions{Level: slog.LevelDebug})))
	sip.DefaultLogger().Warn("TCP ref went negative", "ip", "127.0.0.1:5061", "dst", "127.0.0.1:40000", "ref", -1)
	if !strings.Contains(lab.String(), "TCP ref went negative") {
		t.Fatalf("the lab's logger got %q", lab.String())
	}
	unregister()
	lab.Reset()
	sip.DefaultLogger().Debug("TCP closing", "ip", "127.0.0.1:5061")
	if !strings.Contains(lab.String(), "TCP closing") {
		t.Errorf("after unregister, the last records of a connection: the lab's logger got %q", lab.String())
	}
	for i := 0; i < keepRetired; i++ {
		Register(fmt.Sprintf("10.0.0.1:%d", i), slog.New(slog.NewTextHandler(&bytes.Buffer{}, nil)))()
	}
	mu.RLock()
	_, still := routes["127.0.0.1:5061"]
	n := len(routes)
	mu.RUnlock()
	if still || n != keepRetired {
		t.Errorf("route kept %v; %d routes, want %d", still, n, keepRetired)
	}
}

// A client's connection to a registered address (its local port chosen by
// the system) goes to the logger of that address; its local address, when
// registered, decides first.
func TestRoutingByRemote(t *testing.T) {
	var server, client bytes.Buffer
	defer Register("127.0.0.1:5071", slog.New(slog.NewTextHandler(&server, nil)))()
	sip.DefaultLogger().Warn("TCP ref went negative", "ip", "127.0.0.1:40001", "dst", "127.0.0.1:5071", "ref", -1)
	if !strings.Contains(server.String(), "ip=127.0.0.1:40001") {
		t.Errorf("the registered server's logger got %q", server.String())
	}
	server.Reset()
	defer Register("127.0.0.1:40002", slog.New(slog.NewTextHandler(&client, nil)))()
	sip.DefaultLogger().Warn("TCP ref went negative", "ip", "127.0.0.1:40002", "dst", "127.0.0.1:5071", "ref", -1)
	if !strings.Contains(client.String(), "ip=127.0.0.1:40002") || server.Len() != 0 {
		t.Errorf("registered local address: its logger got %q, the remote's %q", client.String(), server.String())
	}
	client.Reset()
	sip.DefaultLogger().Warn("UDP ref went negative on try close", "src", "127.0.0.1:40002", "ref", -1)
	if !strings.Contains(client.String(), "UDP ref went negative") {
		t.Errorf("src names the local address: its logger got %q", client.String())
	}
}

// A response that answers no transaction goes to the user agent's logger.
func TestUnhandledResponses(t *testing.T) {
	var buf syncBuffer
	l := slog.New(slog.NewTextHandler(&buf, &slog.HandlerOptions{Level: slog.LevelDebug}))
	ua, err := sipgo.NewUA(sipgo.WithUserAgentTransactionLayerOptions(UnhandledResponses(l)),
		sipgo.WithUserAgentTransportLayerOptions(sip.WithTransportLayerLogger(slog.New(slog.NewTextHandler(io.Discard, nil)))))
	if err != nil {
		t.Fatal(err)
	}
	srv, err := sipgo.NewServer(ua)
	if err != nil {
		t.Fatal(err)
	}
	pc, err := net.ListenPacket("udp4", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	served := make(chan struct{})
	go func() { defer close(served); _ = srv.ServeUDP(pc) }()
	defer func() { pc.Close(); <-served; ua.Close() }()
	c, err := net.Dial("udp4", pc.LocalAddr().String())
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	res := "SIP/2.0 100 Trying\r\nVia: SIP/2.0/UDP " + c.LocalAddr().String() + ";branch=z9hG4bK-nobody\r\n" +
		"From: <sip:a@127.0.0.1>;tag=1\r\nTo: <sip:b@127.0.0.1>\r\nCall-ID: late@test\r\nCSeq: 1 INVITE\r\nContent-Length: 0\r\n\r\n"
	if _, err := c.Write([]byte(res)); err != nil {
		t.Fatal(err)
	}
	for deadline := time.Now().Add(5 * time.Second); !strings.Contains(buf.String(), "answers no request"); time.Sleep(5 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("the user agent's logger got %q", buf.String())
		}
	}
}

// syncBuffer is a bytes.Buffer for loggers on other goroutines.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}
