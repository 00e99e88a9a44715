package dmatest

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"net"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/emiago/sipgo"
	"github.com/emiago/sipgo/sip"

	"github.com/rppkit/rppkit/dma"
	"github.com/rppkit/rppkit/internal/sipgolog"
	"github.com/rppkit/rppkit/lync"
	"github.com/rppkit/rppkit/lync/c3p"
)

// lyncSide is the DMA's connection to its Lync peers: SIP over mutual TLS
// with the DMA's certificate, one SIP stack per peer address (each checks
// its peer's certificate against that name), made at the first lookup.
type lyncSide struct {
	d   *DMA
	seq atomic.Uint64 // C3P requestId

	mu     sync.Mutex
	stacks map[string]*sipStack
}

type sipStack struct {
	ua     *sipgo.UserAgent
	client *sipgo.Client
}

func newLyncSide(d *DMA) *lyncSide { return &lyncSide{d: d, stacks: map[string]*sipStack{}} }

// stack returns the SIP client for the peer named server, making it at
// the first use.
func (l *lyncSide) stack(server string) (*sipgo.Client, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if s := l.stacks[server]; s != nil {
		return s.client, nil
	}
	d := l.d
	if d.o.cert == nil {
		return nil, ErrNoCertificate
	}
	conf := &tls.Config{Certificates: []tls.Certificate{*d.o.cert}, RootCAs: d.o.roots, ServerName: server, MinVersion: tls.VersionTLS12}
	log := d.log.With("side", "lync")
	ua, err := sipgo.NewUA(
		sipgo.WithUserAgent("Polycom RealPresence DMA/"+d.sys.Version.String()),
		sipgo.WithUserAgentHostname(string(d.sys.FQDN)),
		sipgo.WithUserAgenTLSConfig(conf),
		sipgo.WithUserAgentTransportLayerOptions(sip.WithTransportLayerLogger(log)),
		sipgo.WithUserAgentTransactionLayerOptions(sip.WithTransactionLayerLogger(log), sipgolog.UnhandledResponses(log)),
	)
	if err != nil {
		return nil, err
	}
	client, err := sipgo.NewClient(ua, sipgo.WithClientHostname(string(d.sys.FQDN)), sipgo.WithClientLogger(log))
	if err != nil {
		ua.Close()
		return nil, err
	}
	l.stacks[server] = &sipStack{ua, client}
	return client, nil
}

func (l *lyncSide) close() error {
	l.mu.Lock()
	defer l.mu.Unlock()
	var errs []error
	for _, s := range l.stacks {
		s.client.Close()
		if err := s.ua.Close(); err != nil && !errors.Is(err, net.ErrClosed) {
			errs = append(errs, err)
		}
	}
	l.stacks = map[string]*sipStack{}
	return errors.Join(errs...)
}

// resolve asks each Lync peer in turn for the meeting with dial-in ID id,
// as the DMA's "Dial by Lync Conference ID" rule does, and returns its
// focus URI and the peer that answered. When no peer resolves it, the
// error is the first peer's failure other than "no such conference", or
// ErrConferenceNotFound.
func (l *lyncSide) resolve(ctx context.Context, number string, id lync.DialInID) (lync.ConferenceURI, string, *Error) {
	peers := l.d.sys.LyncPeers
	if len(peers) == 0 {
		return lync.ConferenceURI{}, "", &Error{Phase: PhaseResolve, Number: number, Err: ErrNoLyncPeer}
	}
	var first *Error
	for _, p := range peers {
		focus, e := l.ask(ctx, p, number, id)
		if e == nil {
			return focus, p.Name, nil
		}
		l.d.log.Info("conference lookup failed", "peer", p.Name, "error", e)
		if first == nil || errors.Is(first, ErrConferenceNotFound) && !errors.Is(e, ErrConferenceNotFound) {
			first = e
		}
	}
	return lync.ConferenceURI{}, first.Peer, first
}

// ask sends one peer the C3P getConference SERVICE (lab convention, see
// the package documentation) and reads its answer.
func (l *lyncSide) ask(ctx context.Context, p dma.LyncPeer, number string, id lync.DialInID) (lync.ConferenceURI, *Error) {
	fail := func(status int, detail string, err error) *Error {
		return &Error{Phase: PhaseResolve, Number: number, Peer: p.Name, Status: status, Detail: detail, Err: err}
	}
	gruu, err := peerGRUU(p)
	if err != nil {
		return lync.ConferenceURI{}, fail(0, "", err)
	}
	// The DMA's application identity is the Service GRUU's address; its
	// focus factory is where conference lookups go.
	app, err := lync.MakeSIPAddress(gruu.User, gruu.Host)
	if err != nil {
		return lync.ConferenceURI{}, fail(0, "", fmt.Errorf("%w: %w", ErrServiceGRUU, err))
	}
	ffText := lync.FocusFactoryURI(app)
	var ff sip.Uri
	if err := sip.ParseUri(ffText, &ff); err != nil {
		return lync.ConferenceURI{}, fail(0, "", err)
	}
	addr, ok := l.d.resolveHost(string(p.Address))
	if !ok {
		return lync.ConferenceURI{}, fail(0, "", fmt.Errorf("%w: %s does not resolve", ErrPeerUnreachable, p.Address))
	}
	client, err := l.stack(string(p.Address))
	if err != nil {
		return lync.ConferenceURI{}, fail(0, "", fmt.Errorf("%w: %w", ErrPeerUnreachable, err))
	}
	rid := strconv.FormatUint(l.seq.Add(1), 10)
	body, err := (&c3p.Request{To: ffText, From: gruu.String(), RequestID: rid,
		GetConference: &c3p.GetConference{DialInID: string(id)}}).Marshal()
	if err != nil {
		return lync.ConferenceURI{}, fail(0, "", err)
	}
	req := sip.NewRequest("SERVICE", ff)
	from := sip.NewParams()
	from.Add("tag", sip.GenerateTagN(16))
	req.AppendHeader(&sip.FromHeader{Address: gruu, Params: from})
	req.AppendHeader(&sip.ToHeader{Address: ff, Params: sip.NewParams()})
	req.AppendHeader(&sip.ContactHeader{Address: gruu, Params: sip.NewParams()})
	req.AppendHeader(sip.NewHeader("Content-Type", c3p.ContentType))
	req.SetBody(body)
	req.SetTransport("TLS")
	req.SetDestination(addr)
	ctx, cancel := context.WithTimeout(ctx, l.d.o.timeout)
	defer cancel()
	res, err := client.Do(ctx, req)
	if err != nil {
		return lync.ConferenceURI{}, fail(0, "", fmt.Errorf("%w: %w", ErrPeerUnreachable, err))
	}
	detail := diagnostics(res)
	if res.StatusCode != 200 {
		if diagCode(res) == diagConferenceNotFound {
			return lync.ConferenceURI{}, fail(res.StatusCode, detail, ErrConferenceNotFound)
		}
		return lync.ConferenceURI{}, fail(res.StatusCode, detail, ErrPeerRefused)
	}
	ans, err := c3p.ParseResponse(res.Body())
	if err != nil {
		return lync.ConferenceURI{}, fail(res.StatusCode, detail, fmt.Errorf("%w: %w", ErrPeerRefused, err))
	}
	if ans.Code != c3p.CodeSuccess {
		return lync.ConferenceURI{}, fail(res.StatusCode, joinDetail(detail, "C3P "+string(ans.Code)+" "+ans.Reason), ErrPeerRefused)
	}
	focus, err := lync.ParseConferenceURI(ans.FocusURI)
	if err != nil {
		return lync.ConferenceURI{}, fail(res.StatusCode, detail, fmt.Errorf("%w: the focus URI: %w", ErrPeerRefused, err))
	}
	return focus, nil
}

// diagConferenceNotFound is MS-OCER's "The specified conference does not
// exist."
const diagConferenceNotFound = 7002

// diagCode returns the code of a response's ms-diagnostics header, 0 when
// there is none.
func diagCode(res *sip.Response) int {
	h := res.GetHeader("ms-diagnostics")
	if h == nil {
		return 0
	}
	code, _, _ := strings.Cut(h.Value(), ";")
	n, err := strconv.Atoi(strings.TrimSpace(code))
	if err != nil {
		return 0
	}
	return n
}

// diagnostics renders what a response said: status, ms-diagnostics and
// Warning.
func diagnostics(res *sip.Response) string {
	parts := []string{fmt.Sprintf("%d %s", res.StatusCode, res.Reason)}
	for _, name := range []string{"ms-diagnostics", "Warning"} {
		if h := res.GetHeader(name); h != nil {
			parts = append(parts, name+": "+h.Value())
		}
	}
	return strings.Join(parts, "; ")
}

func joinDetail(a, b string) string {
	if a == "" {
		return b
	}
	return a + "; " + b
}
