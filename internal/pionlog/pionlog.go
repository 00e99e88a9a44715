// Package pionlog routes the logs of pion's ICE and TURN libraries to a
// log/slog.Logger, so the lab logs in one place and one format.
package pionlog

import (
	"context"
	"fmt"
	"io"
	"log/slog"

	"github.com/pion/logging"
)

// Factory makes pion loggers that write to a slog.Logger, with the scope as
// an attribute. Pion's trace level maps to slog's debug level minus 4.
type Factory struct{ Logger *slog.Logger }

// NewLogger implements logging.LoggerFactory.
func (f Factory) NewLogger(scope string) logging.LeveledLogger {
	l := f.Logger
	if l == nil {
		l = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	return logger{l.With("pion", scope)}
}

type logger struct{ l *slog.Logger }

const levelTrace = slog.LevelDebug - 4

func (g logger) log(level slog.Level, msg string) { g.l.Log(context.Background(), level, msg) }
func (g logger) logf(level slog.Level, format string, args ...any) {
	if g.l.Enabled(context.Background(), level) {
		g.log(level, fmt.Sprintf(format, args...))
	}
}

func (g logger) Trace(msg string)                  { g.log(levelTrace, msg) }
func (g logger) Tracef(format string, args ...any) { g.logf(levelTrace, format, args...) }
func (g logger) Debug(msg string)                  { g.log(slog.LevelDebug, msg) }
func (g logger) Debugf(format string, args ...any) { g.logf(slog.LevelDebug, format, args...) }
func (g logger) Info(msg string)                   { g.log(slog.LevelInfo, msg) }
func (g logger) Infof(format string, args ...any)  { g.logf(slog.LevelInfo, format, args...) }
func (g logger) Warn(msg string)                   { g.log(slog.LevelWarn, msg) }
func (g logger) Warnf(format string, args ...any)  { g.logf(slog.LevelWarn, format, args...) }
func (g logger) Error(msg string)                  { g.log(slog.LevelError, msg) }
func (g logger) Errorf(format string, args ...any) { g.logf(slog.LevelError, format, args...) }
