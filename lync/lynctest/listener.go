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
}

func (l *tlsListener) Accept() (net.Conn, error) {
	c, err := l.Listener.Accept()
	if err != nil {
		return nil, err
	}
	return &serverConn{Conn: tls.Server(c, l.conf), onFail: l.onFail, idle: l.idle, onIdle: l.onIdle}, nil
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
	if c.idle > 0 {
		_ = c.Conn.SetReadDeadline(time.Now().Add(c.idle))
	}
	n, err := c.Conn.Read(b)
	var ne net.Error
	if n == 0 && errors.As(err, &ne) && ne.Timeout() {
		c.onIdle(c.RemoteAddr().String(), c.Conn.ConnectionState())
		return 0, fmt.Errorf("%w (%v)", ErrKeepAliveTimeout, c.idle)
	}
	return n, err
}

// ErrKeepAliveTimeout is why the lab closed a connection on which nothing
// arrived — neither a message, nor a CRLF keep-alive, nor the rest of a
// message begun — within the keep-alive timeout it advertises in
// ms-keep-alive (MS-CONMGMT). It is recorded in Message.Err of a Closed
// message.
var ErrKeepAliveTimeout = errors.New("nothing arrived within the keep-alive timeout")
