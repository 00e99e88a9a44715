package rmxtest

import (
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/emiago/sipgo/sip"
)

// keepAliveTimeout reads the timeout of the ms-keep-alive header of a 200
// to REGISTER (MS-CONMGMT: "UAS; tcp=no; hop-hop=yes; end-end=no;
// timeout=300"), in seconds.
func keepAliveTimeout(res *sip.Response) (time.Duration, bool) {
	h := res.GetHeader("ms-keep-alive")
	if h == nil {
		return 0, false
	}
	for _, part := range strings.Split(h.Value(), ";") {
		k, v, ok := strings.Cut(strings.TrimSpace(part), "=")
		if !ok || !strings.EqualFold(strings.TrimSpace(k), "timeout") {
			continue
		}
		n, err := strconv.Atoi(strings.TrimSpace(v))
		if err != nil || n <= 0 {
			return 0, false
		}
		return time.Duration(n) * time.Second, true
	}
	return 0, false
}

// startKeepAlive keeps the connection to the SIP server at addr alive as
// ms-keep-alive asks: a CRLFCRLF ping (RFC 5626 §4.4.1, which MS-CONMGMT's
// keep-alives follow) every half of the timeout, until Close. Half the
// timeout is the stand-in's choice; the device's interval is not
// published, only that it must be within the timeout.
func (r *RMX) startKeepAlive(res *sip.Response, addr string) {
	timeout, ok := keepAliveTimeout(res)
	if !ok || r.o.faults.noKeepAlive {
		return
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.stopKeepAlive != nil || r.ua == nil {
		return // already running (a second REGISTER), or closed
	}
	stop, done := make(chan struct{}), make(chan struct{})
	r.stopKeepAlive, r.keepAliveDone = stop, done
	tl := r.ua.TransportLayer()
	go func() {
		defer close(done)
		t := time.NewTicker(timeout / 2)
		defer t.Stop()
		for {
			select {
			case <-stop:
				return
			case <-t.C:
			}
			c, err := tl.GetConnection("TLS", addr)
			if err != nil {
				continue // no connection now: the next request opens one
			}
			if w, ok := c.(io.Writer); ok {
				_, _ = w.Write([]byte("\r\n\r\n"))
			}
		}
	}()
}
