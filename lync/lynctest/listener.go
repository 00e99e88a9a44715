package lynctest

import (
	"crypto/tls"
	"errors"
	"fmt"
	"net"
	"sync"
	"time"
)

// handshakeTimeout bounds a TLS handshake, so a peer that connects and
// says nothing cannot hold a connection open.
const handshakeTimeout = 10 * time.Second

// tlsListener is a TLS listener that reports every failed handshake — no
// certificate, another CA's, or one the trust check refuses — which a plain
// tls.Listen cannot: the handshake happens on the connection's first read,
// inside sipgo.
type tlsListener struct {
	net.Listener
	conf   *tls.Config
	onFail func(remote string, err error)
	// idle is the keep-alive timeout: a connection on which nothing
	// arrives for this long is closed, and onIdle told.
	idle   time.Duration
	onIdle func(remote string, cs tls.ConnectionState)
	// maxMessage is the largest message read; a larger request is
	// answered 513 and onTooLarge told (answered false when no answer
	// could be built).
	maxMessage int
	onTooLarge func(remote string, cs tls.ConnectionState, start string, answered bool)
}

func (l *tlsListener) Accept() (net.Conn, error) {
	c, err := l.Listener.Accept()
	if err != nil {
		return nil, err
	}
	return &serverConn{Conn: tls.Server(c, l.conf), onFail: l.onFail, idle: l.idle, onIdle: l.onIdle,
		fr: framer{max: l.maxMessage}, onTooLarge: l.onTooLarge}, nil
}

// serverConn completes its handshake on the first Read and reports a
// failure before returning it; then each Read waits at most the keep-alive
// timeout for data.
type serverConn struct {
	*tls.Conn
	once   sync.Once
	err    error
	onFail func(remote string, err error)
	idle   time.Duration
	onIdle func(remote string, cs tls.ConnectionState)

	fr         framer
	onTooLarge func(remote string, cs tls.ConnectionState, start string, answered bool)
	buf        []byte
	pending    []byte // octets read and passed by the framer, not yet returned
	readErr    error  // the error that ended reading, returned once pending is empty

	peerOnce sync.Once
	peer     *peer // the trusted computer, found once per connection
}

// trusted returns the trusted application computer of the connection, or
// nil: s.trust of its certificate, decided once, since a connection's
// certificate does not change.
func (c *serverConn) trusted(s *Server) *peer {
	c.peerOnce.Do(func() {
		if p, err := s.trust(c.Conn.ConnectionState()); err == nil {
			c.peer = p
		}
	})
	return c.peer
}

func (c *serverConn) Read(b []byte) (int, error) {
	c.once.Do(func() {
		_ = c.Conn.SetDeadline(time.Now().Add(handshakeTimeout))
		if c.err = c.Conn.Handshake(); c.err != nil {
			c.onFail(c.RemoteAddr().String(), c.err)
		}
		_ = c.Conn.SetDeadline(time.Time{})
	})
	if c.err != nil {
		return 0, c.err
	}
	for len(c.pending) == 0 {
		if c.readErr != nil {
			return 0, c.readErr
		}
		c.fill()
	}
	n := copy(b, c.pending)
	c.pending = c.pending[n:]
	return n, nil
}

// fill reads once from the connection and runs what it read through the
// framer, answering a message too large with 513.
func (c *serverConn) fill() {
	if c.buf == nil {
		c.buf = make([]byte, 16<<10)
	}
	if c.idle > 0 {
		_ = c.Conn.SetReadDeadline(time.Now().Add(c.idle))
	}
	n, err := c.Conn.Read(c.buf)
	if n > 0 {
		r := c.fr.feed(c.pending[:0], c.buf[:n])
		c.pending = r.pass
		for i, res := range r.answers {
			_, _ = c.Conn.Write(res)
			c.onTooLarge(c.RemoteAddr().String(), c.Conn.ConnectionState(), r.starts[i], true)
		}
		if r.close {
			if len(r.answers) == 0 {
				c.onTooLarge(c.RemoteAddr().String(), c.Conn.ConnectionState(), "", false)
			}
			c.drain()
			// sipgo closes a connection whose read fails only while its
			// reference count is positive, which its own bookkeeping
			// sometimes leaves negative ("TCP ref went negative"): close
			// it here.
			_ = c.Conn.Close()
			c.readErr = ErrMessageTooLarge
			return
		}
	}
	var ne net.Error
	switch {
	case err == nil:
	case n == 0 && errors.As(err, &ne) && ne.Timeout():
		c.onIdle(c.RemoteAddr().String(), c.Conn.ConnectionState())
		_ = c.Conn.Close() // as above
		c.readErr = fmt.Errorf("%w (%v)", ErrKeepAliveTimeout, c.idle)
	default:
		c.readErr = err
	}
}

// drainTime bounds how long a connection about to be closed is read and
// its input dropped.
const drainTime = time.Second

// drain reads and drops what the peer still sends, for at most drainTime,
// before the connection is closed: closing a socket with unread input
// makes the kernel reset the connection, and the peer may lose the answer
// it has not read yet (the lingering close of HTTP servers).
func (c *serverConn) drain() {
	_ = c.Conn.SetReadDeadline(time.Now().Add(drainTime))
	for {
		if _, err := c.Conn.Read(c.buf); err != nil {
			return
		}
	}
}

// ErrKeepAliveTimeout is why the lab closed a connection on which nothing
// arrived — neither a message, nor a CRLF keep-alive, nor the rest of a
// message begun — within the keep-alive timeout it advertises in
// ms-keep-alive (MS-CONMGMT). It is recorded in Message.Err of a Closed
// message.
var ErrKeepAliveTimeout = errors.New("nothing arrived within the keep-alive timeout")
