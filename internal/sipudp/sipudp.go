// Package sipudp lets a lab stand-in serve SIP over a UDP socket it owns,
// so that sipgo never opens a UDP socket of its own for it — a socket
// nobody would close, whose reader goroutine outlives the stand-in.
//
// sipgo v1.7.2 hands every request it reads to a goroutine of its own
// (TransactionLayer.handleMessage), which looks up the connection to
// answer on by the request's source address, and opens a new UDP socket
// (with a reader goroutine) when the pool has none. The served socket's
// pool entries go when its read loop ends; a request read just before the
// stand-in closed can be handled after, find no entry, and open a socket
// that is closed only if the pool is cleared later (ConnectionPool.Clear,
// from UserAgent.Close) — and never if that has already run. Its reference
// count then goes negative too ("UDP ref went negative on try close").
//
// Own registers, for every address a request came from and for the
// socket's own address, a connection of the caller's socket that sipgo
// can use but never closes (a listener, in sipgo's terms) and that its
// read loop does not remove. Close then ends the user agent without
// clearing that pool, so a late request always finds the caller's socket:
// its answer fails to send once the socket is closed, and nothing is
// opened.
package sipudp

import (
	"errors"
	"net"
	"strings"

	"github.com/emiago/sipgo"
	"github.com/emiago/sipgo/sip"
)

// Own makes ua answer requests that reach it over pc on pc itself, even
// after pc is closed (see the package doc). Call it before ua serves
// anything: sipgo reads its message handlers without a lock. Then serve pc
// with a sipgo.Server of ua (ServeUDP), close pc yourself, and end ua with
// Close, not UserAgent.Close.
func Own(ua *sipgo.UserAgent, pc net.PacketConn) {
	pool := ua.TransportLayer().Pool("udp")
	owned := &sip.UDPConnection{PacketConn: pc, PacketAddr: pc.LocalAddr().String(), Listener: true}
	local := owned.PacketAddr
	// sipgo's read loop maps each new source address to its own listener
	// connection before it parses the message, and hands the message to
	// the handlers in the same goroutine: replacing the entry here leaves
	// no moment when the source has none, and the loop's clean-up at its
	// end removes only its own entries.
	ua.TransportLayer().OnMessage(func(msg sip.Message) {
		if !strings.EqualFold(msg.Transport(), "UDP") {
			return
		}
		pool.Add(msg.Source(), owned)
		pool.Add(local, owned)
	})
}

// Close ends ua as UserAgent.Close does — it terminates the transactions
// and closes the TCP, TLS and WebSocket connections — but keeps the UDP
// pool, which UserAgent.Close would empty, and with it the entries Own
// made.
func Close(ua *sipgo.UserAgent) error {
	ua.TransactionLayer().Close()
	var errs []error
	for _, network := range []string{"tcp", "tls", "ws", "wss"} {
		if p := ua.TransportLayer().Pool(network); p != nil {
			if err := p.Clear(); err != nil && !errors.Is(err, net.ErrClosed) {
				errs = append(errs, err)
			}
		}
	}
	return errors.Join(errs...)
}
