package rmxtest

import (
	"context"
	"fmt"
	"time"

	"github.com/emiago/sipgo"
	"github.com/emiago/sipgo/sip"

	"github.com/rppkit/rppkit/rmx"
)

// faults make the stand-in behave wrongly on purpose, for tests that prove
// a checker catches the mistake (package conformance's wrong devices).
// Each option names the firmware behaviour it imitates.
type faults struct {
	noKeepAlive        bool
	noPiggyback        bool
	serviceContentType string
}

// WithoutKeepAlive makes the stand-in send no CRLF keep-alives, whatever
// the ms-keep-alive header of its REGISTER's answer asks: firmware whose
// connection the server closes when idle.
func WithoutKeepAlive() Option { return func(o *options) { o.faults.noKeepAlive = true } }

// WithoutPiggyback makes the provisioning SUBSCRIBE leave out
// Supported: ms-piggyback-first-notify, so the answer comes in a NOTIFY,
// which the stand-in then waits for and answers: older clients' way.
func WithoutPiggyback() Option { return func(o *options) { o.faults.noPiggyback = true } }

// WithServiceContentType makes the MRAS SERVICE carry ct as its
// Content-Type instead of application/msrtc-media-relay-auth+xml.
func WithServiceContentType(ct string) Option {
	return func(o *options) { o.faults.serviceContentType = ct }
}

// notifyServer answers the NOTIFYs that come on the stand-in's connection
// and hands their bodies on: the provisioning answer of a SUBSCRIBE without
// ms-piggyback-first-notify.
func (r *RMX) notifyServer(ua *sipgo.UserAgent) error {
	srv, err := sipgo.NewServer(ua, sipgo.WithServerLogger(r.o.logger))
	if err != nil {
		return err
	}
	r.notifies = make(chan []byte, 4)
	srv.OnNotify(func(req *sip.Request, tx sip.ServerTransaction) {
		_ = tx.Respond(sip.NewResponseFromRequest(req, 200, "OK", nil))
		select {
		case r.notifies <- req.Body():
		default:
		}
	})
	return nil
}

// awaitNotify waits for the provisioning NOTIFY's body.
func (r *RMX) awaitNotify(ctx context.Context) ([]byte, *Error) {
	if r.notifies == nil {
		return nil, fail(PhaseSubscribe, rmx.SymptomNoMRASURI, "the 200 carries no provisioning and no NOTIFY is awaited", nil)
	}
	select {
	case b := <-r.notifies:
		return b, nil
	case <-time.After(r.o.timeout):
		return nil, fail(PhaseSubscribe, rmx.SymptomSubscribe, fmt.Sprintf("no provisioning NOTIFY within %v", r.o.timeout), nil)
	case <-ctx.Done():
		return nil, fail(PhaseSubscribe, rmx.SymptomSubscribe, "", ctx.Err())
	}
}
