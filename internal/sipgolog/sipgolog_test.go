package sipgolog

import (
	"bytes"
	"fmt"
	"log/slog"
	"strings"
	"testing"

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
