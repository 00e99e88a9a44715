package lynctest_test

import (
	"context"
	"log/slog"
	"strings"
	"sync"
	"testing"

	"go.uber.org/goleak"

	"github.com/rppkit/rppkit/lync/lynctest"
)

// recordingHandler keeps the messages of the records it handles.
type recordingHandler struct {
	mu   *sync.Mutex
	msgs *[]string
}

func newRecordingHandler() recordingHandler {
	return recordingHandler{mu: &sync.Mutex{}, msgs: &[]string{}}
}

func (h recordingHandler) Enabled(context.Context, slog.Level) bool { return true }
func (h recordingHandler) Handle(_ context.Context, r slog.Record) error {
	h.mu.Lock()
	defer h.mu.Unlock()
	*h.msgs = append(*h.msgs, r.Message)
	return nil
}
func (h recordingHandler) WithAttrs([]slog.Attr) slog.Handler { return h }
func (h recordingHandler) WithGroup(string) slog.Handler      { return h }
func (h recordingHandler) messages() []string {
	h.mu.Lock()
	defer h.mu.Unlock()
	return append([]string(nil), *h.msgs...)
}

// TestSipgoLogsRouted checks that what sipgo logs about the lab's
// connections — a message it cannot parse, with the whole message, and
// the reference counting of the connections, which sipgo writes through
// its package default logger — reaches the lab's logger, and nothing
// reaches the process's default logger (standard error). The test stands
// in for standard error with slog.SetDefault.
func TestSipgoLogsRouted(t *testing.T) {
	defer goleak.VerifyNone(t, goleak.IgnoreCurrent())
	stderr := newRecordingHandler()
	old := slog.Default()
	slog.SetDefault(slog.New(stderr))
	defer slog.SetDefault(old)

	lab := newRecordingHandler()
	s := rawStartBare(t, lynctest.WithLogger(slog.New(lab)))
	fe := s.FrontEnd("fe-east.contoso.com")
	for _, data := range [][]byte{
		[]byte("HELLO THERE, THIS IS NOT SIP\r\n\r\n"),
		rawTorture(t, "invalid/badaspec.dat"),
		rawTorture(t, "invalid/ltgtruri.dat"),
	} {
		c := rawDial(t, s, fe)
		_ = c.write(data)
		for {
			if _, dropped := c.finalOrDrop(); dropped {
				break
			}
		}
		c.close()
	}
	rawAlive(t, s, fe)
	if err := s.Close(); err != nil {
		t.Errorf("Close: %v", err)
	}
	got := lab.messages()
	for _, want := range []string{"failed to parse", "TCP reference decrement"} {
		found := false
		for _, m := range got {
			found = found || strings.Contains(m, want)
		}
		if !found {
			t.Errorf("the lab's logger got no %q record; it got %q", want, got)
		}
	}
	if msgs := stderr.messages(); len(msgs) > 0 {
		t.Errorf("sipgo wrote to the default logger (standard error): %q", msgs)
	}
}
