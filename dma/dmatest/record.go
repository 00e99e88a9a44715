package dmatest

import (
	"sync"
	"time"

	"github.com/emiago/sipgo"
	"github.com/emiago/sipgo/sip"

	"github.com/rppkit/rppkit/lync/lynctest"
)

// maxRecorded bounds the recording, so that a flood of calls cannot exhaust
// memory.
const maxRecorded = 10000

// recorder keeps the SIP messages the DMA exchanges with endpoints — the
// side of a call no Lync stand-in sees — in the order they happened.
type recorder struct {
	mu      sync.Mutex
	msgs    []lynctest.Message
	dropped int
	// seen are the requests recorded: the transport's hook and the
	// request's handler both record it, whichever comes first, since sipgo
	// runs the handler on a goroutine of its own that may answer before the
	// hook has run — and the hook alone sees requests in the order they
	// were read (an ACK before the BYE that follows it).
	seen map[*sip.Request]struct{}
}

func (r *recorder) add(m lynctest.Message) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.addLocked(m)
}

func (r *recorder) addLocked(m lynctest.Message) {
	if len(r.msgs) >= maxRecorded {
		r.dropped++
		return
	}
	r.msgs = append(r.msgs, m)
}

// request records req once.
func (r *recorder) request(req *sip.Request, m lynctest.Message) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if _, ok := r.seen[req]; ok {
		delete(r.seen, req) // both places have run: no need to remember it
		return
	}
	if r.seen == nil {
		r.seen = map[*sip.Request]struct{}{}
	}
	if len(r.msgs) < maxRecorded {
		r.seen[req] = struct{}{}
	}
	r.addLocked(m)
}

// Messages returns the SIP messages the DMA exchanged with endpoints, in
// order: each request received (Direction lynctest.In) and each answer
// sent (lynctest.Out), with Server the DMA's FQDN and Peer the endpoint's
// From URI. What Lync sends over mutual TLS is not repeated here: the Lync
// stand-in records it. Together they make the whole ladder of a call.
func (d *DMA) Messages() []lynctest.Message {
	d.rec.mu.Lock()
	defer d.rec.mu.Unlock()
	return append([]lynctest.Message(nil), d.rec.msgs...)
}

// fromEndpoint reports whether req came from an endpoint rather than from
// Lync, which reaches the DMA over TLS only.
func fromEndpoint(req *sip.Request) bool { return req.Transport() != "TLS" }

// peerName names the endpoint in the recording: its From URI.
func peerName(req *sip.Request) string {
	if f := req.From(); f != nil {
		return f.Address.String()
	}
	return req.Source()
}

// recordIn records a request from an endpoint, once: it is called both
// from the transport layer's hook (installed before the DMA serves) and
// from the request's handler.
func (d *DMA) recordIn(req *sip.Request) {
	if fromEndpoint(req) {
		d.rec.request(req, lynctest.Message{Time: time.Now(), Direction: lynctest.In, Server: string(d.sys.FQDN),
			Peer: peerName(req), StartLine: req.StartLine(), Text: req.String()})
	}
}

// recordRequests is the transport layer's hook that records requests in
// the order they are read.
func (d *DMA) recordRequests(m sip.Message) {
	if req, ok := m.(*sip.Request); ok {
		d.recordIn(req)
	}
}

// recording wraps h so that the request and every answer the handler gives
// through its transaction are recorded.
func (d *DMA) recording(h sipgo.RequestHandler) sipgo.RequestHandler {
	return func(req *sip.Request, tx sip.ServerTransaction) {
		d.recordIn(req)
		if fromEndpoint(req) {
			tx = &recordingTx{ServerTransaction: tx, d: d, peer: peerName(req)}
		}
		h(req, tx)
	}
}

// recordingTx records the responses sent through a server transaction.
type recordingTx struct {
	sip.ServerTransaction
	d    *DMA
	peer string
}

func (t *recordingTx) Respond(res *sip.Response) error {
	t.d.rec.add(lynctest.Message{Time: time.Now(), Direction: lynctest.Out, Server: string(t.d.sys.FQDN),
		Peer: t.peer, StartLine: res.StartLine(), Text: res.String()})
	return t.ServerTransaction.Respond(res)
}
