// Package sipgolog routes the log records that sipgo writes through its
// package-wide default logger to the logger of the lab they concern.
//
// sipgo v1.7.2 takes a logger for each user agent, server, client and
// transport layer, but some records still go through sip.DefaultLogger():
// the reference counting of TCP and TLS connections ("TCP ref went
// negative") and the parse failures of a transport handed in with
// sip.WithTransportLayerTransports ("failed to parse", with the whole
// message). Unset, that logger is slog.Default(), which writes to
// standard error — where a lab that promises to discard its logs by
// default must not write.
//
// The package installs, once, when it is initialised, a default logger for
// sipgo whose handler sends each record to the logger registered for the
// local address the record names (its "ip", "laddr" or "src" attribute: a
// lab's listening address, for the connections it accepted), or else for
// the remote address it names ("dst": the connections a client opened to
// a stand-in, whose local port is one the system chose), and any other
// record to slog.Default() as sipgo would have. The registry is process-wide because sipgo's default logger
// is; nothing else here is.
package sipgolog

import (
	"context"
	"log/slog"
	"slices"
	"sync"

	"github.com/emiago/sipgo/sip"
)

var (
	mu     sync.RWMutex
	routes = map[string]*slog.Logger{}
	// retired are the addresses whose routes were unregistered, oldest
	// first: they stay routed a while, since sipgo logs the last steps of
	// a connection after its server has closed.
	retired []string
)

// keepRetired is how many unregistered routes stay.
const keepRetired = 1024

func init() {
	// Only when nobody has set a default logger of their own: then
	// sip.DefaultLogger() is slog.Default() itself.
	if sip.DefaultLogger() == slog.Default() {
		sip.SetDefaultLogger(slog.New(handler{}))
	}
}

// Register sends sipgo's default-logger records about connections whose
// local address is addr (host:port, as net.Addr.String writes it) to l,
// and those about connections to addr whose local address is registered
// by nobody.
// After unregister is called the route stays until keepRetired other
// routes have been unregistered (or addr is registered again), because
// sipgo writes the last records of a connection after the server that
// accepted it has closed.
func Register(addr string, l *slog.Logger) (unregister func()) {
	mu.Lock()
	routes[addr] = l
	retired = slices.DeleteFunc(retired, func(a string) bool { return a == addr })
	mu.Unlock()
	return func() {
		mu.Lock()
		defer mu.Unlock()
		retired = append(retired, addr)
		if len(retired) > keepRetired {
			delete(routes, retired[0])
			retired = retired[1:]
		}
	}
}

// localKeys are the attributes that name a local address in sipgo's
// records, remoteKeys those that name the remote one.
var (
	localKeys  = []string{"ip", "laddr", "src"}
	remoteKeys = []string{"dst"}
)

type handler struct {
	attrs []slog.Attr
}

// target returns the logger registered for the record, or nil.
func (h handler) target(r *slog.Record) *slog.Logger {
	mu.RLock()
	defer mu.RUnlock()
	if len(routes) == 0 {
		return nil
	}
	// The local address decides; the remote one only when the local one
	// is not registered.
	var local, remote *slog.Logger
	match := func(a slog.Attr) bool {
		if slices.Contains(localKeys, a.Key) {
			if l, ok := routes[a.Value.String()]; ok {
				local = l
				return false
			}
		} else if remote == nil && slices.Contains(remoteKeys, a.Key) {
			remote = routes[a.Value.String()]
		}
		return true
	}
	for _, a := range h.attrs {
		if !match(a) {
			return local
		}
	}
	if r != nil {
		r.Attrs(match)
	}
	if local != nil {
		return local
	}
	return remote
}

func (h handler) Enabled(ctx context.Context, level slog.Level) bool {
	if slog.Default().Enabled(ctx, level) {
		return true
	}
	mu.RLock()
	defer mu.RUnlock()
	for _, l := range routes {
		if l.Enabled(ctx, level) {
			return true
		}
	}
	return false
}

func (h handler) Handle(ctx context.Context, r slog.Record) error {
	l := h.target(&r)
	if l == nil {
		l = slog.Default()
	}
	if !l.Enabled(ctx, r.Level) {
		return nil
	}
	hd := l.Handler()
	if len(h.attrs) > 0 {
		hd = hd.WithAttrs(h.attrs)
	}
	return hd.Handle(ctx, r)
}

func (h handler) WithAttrs(attrs []slog.Attr) slog.Handler {
	return handler{attrs: append(append([]slog.Attr(nil), h.attrs...), attrs...)}
}

// WithGroup keeps the records flat: sipgo's default-logger records use no
// groups.
func (h handler) WithGroup(string) slog.Handler { return h }

// UnhandledResponses sends the responses that answer no transaction of a
// user agent — a late 100 Trying, a retransmission — to l. Without it
// sipgo writes them to its default logger with no address to route them
// by, and so to standard error.
func UnhandledResponses(l *slog.Logger) sip.TransactionLayerOption {
	return sip.WithTransactionLayerUnhandledResponseHandler(func(r *sip.Response) {
		l.Debug("a response that answers no request", "response", r.Short(), "source", r.Source())
	})
}
