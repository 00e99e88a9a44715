package pionlog

import (
	"bytes"
	"log/slog"
	"strings"
	"testing"
)

func TestFactory(t *testing.T) {
	var b bytes.Buffer
	l := Factory{slog.New(slog.NewTextHandler(&b, &slog.HandlerOptions{Level: slog.LevelInfo}))}.NewLogger("turn")
	l.Debugf("hidden %d", 1)
	l.Warnf("relay %s", "up")
	l.Error("down")
	out := b.String()
	if strings.Contains(out, "hidden") || !strings.Contains(out, `msg="relay up" pion=turn`) || !strings.Contains(out, "level=ERROR msg=down") {
		t.Errorf("log:\n%s", out)
	}
	Factory{}.NewLogger("x").Info("to nowhere")
}
