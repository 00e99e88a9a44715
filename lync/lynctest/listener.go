package lynctest

import (
	"crypto/tls"
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
}

func (l *tlsListener) Accept() (net.Conn, error) {
	c, err := l.Listener.Accept()
	if err != nil {
		return nil, err
	}
	return &serverConn{Conn: tls.Server(c, l.conf), onFail: l.onFail}, nil
}

// serverConn completes its handshake on the first Read and reports a
// failure before returning it.
type serverConn struct {
	*tls.Conn
	once   sync.Once
	err    error
	onFail func(remote string, err error)
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
	return c.Conn.Read(b)
}
