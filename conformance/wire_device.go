package conformance

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/emiago/sipgo/sip"

	"github.com/rppkit/rppkit/examples"
	"github.com/rppkit/rppkit/lync"
	"github.com/rppkit/rppkit/lync/lynctest"
	"github.com/rppkit/rppkit/lync/mras"
	"github.com/rppkit/rppkit/lync/provision"
	"github.com/rppkit/rppkit/rmx"
	"github.com/rppkit/rppkit/rpp"
)

// DeviceEnv is what the kit hands a device under test for one run: its
// configuration, its certificate, whom to trust and where its SIP server
// is, and the timing that keeps a run short.
type DeviceEnv struct {
	// System is the device's configuration: rmx-east of the kit's
	// deployment (examples/two-site.yaml) — its FQDN, SIP server (a Front
	// End pool), Server Domain Name, Server User Name, ICE environment and
	// SIP_CONTACT_OVERRIDE_STR (the Service GRUU without sip:). The device
	// takes it as its own configuration.
	System rmx.System
	// Certificate is the device's certificate, from the lab's CA, naming
	// System.FQDN as subject and SAN; RootCAs trusts the lab's servers.
	Certificate tls.Certificate
	RootCAs     *x509.CertPool
	// Resolve maps the SIP server's name to the Front End's loopback
	// address, as DNS would; ServerAddr is that address, host:port, for a
	// device that takes an address.
	Resolve    func(host string) (addr string, ok bool)
	ServerAddr string
	// RequestTimeout bounds each request; Retries and RetryInterval are
	// how often and how far apart to try the provisioning SUBSCRIBE when
	// it goes unanswered. The device's own values (the RMX waits about
	// 40 s, 5 times) make runs minutes long; a device that cannot take
	// these still passes, slowly, as long as it gives up within the kit's
	// bound of DeviceRunLimit.
	RequestTimeout time.Duration
	Retries        int
	RetryInterval  time.Duration
	// Logger takes the device's logs, if it wants to log.
	Logger *slog.Logger
}

// DeviceRunLimit bounds how long a device's Start may take in one
// scenario.
const DeviceRunLimit = 30 * time.Second

// DeviceUnderTest is one run of a device.
type DeviceUnderTest interface {
	// Start brings the device up against env — register, provisioning,
	// MRAS credentials, relay — and returns once it is up (nil), or has
	// given up, with an error that wraps the rmx.Symptom the device shows
	// (rmx.SymptomSubscribe, rmx.SymptomCredentialDenied, …). The device
	// keeps running, keep-alives included, until Close.
	Start(ctx context.Context, env DeviceEnv) error
	// Close stops the device and releases everything.
	Close() error
}

// MeetingJoiner is a device that cascades into Lync meetings (RealConnect):
// once Start has brought it up, Join joins the meeting whose focus URI is
// focus — C3P addUser to the focus, then the media INVITE to the AV MCU —
// and returns once media flows, or with an error. A device without it is
// not asked the device/conference/… cases (they are skipped).
type MeetingJoiner interface {
	Join(ctx context.Context, focus string) error
}

// NewDevice makes a fresh device for each scenario of a run.
type NewDevice func() DeviceUnderTest

// RunDevice runs the device/… wire cases against the devices newDevice
// makes, one per scenario, each started against a Lync stand-in
// (lync/lynctest) that the kit runs on loopback, and reports each case as
// a subtest named by its ID:
//
//	func TestWireConformance(t *testing.T) {
//		res := conformance.RunDevice(t, func() conformance.DeviceUnderTest { return mydevice.New() })
//		res.WriteJUnit(junitFile)
//	}
//
// The kit judges what the device sent from the lab's recording: the
// provisioning SUBSCRIBE (Event, Accept, ms-piggyback-first-notify), the
// MRAS SERVICE (content type, identity, the Service GRUU as Contact), its
// keep-alives, and the status it reports when provisioning goes unanswered,
// MRAS refuses, or there is no Edge. Options select and excuse cases as
// for the vectors.
func RunDevice(t *testing.T, newDevice NewDevice, opts ...Option) *Result {
	t.Helper()
	res, err := EvaluateDevice(context.Background(), newDevice, opts...)
	if err != nil {
		t.Fatal(err)
	}
	reportWire(t, res)
	return res
}

// EvaluateDevice is RunDevice outside go test: it returns the outcome of
// each case, and an error only for unusable options or when ctx ends.
func EvaluateDevice(ctx context.Context, newDevice NewDevice, opts ...Option) (*Result, error) {
	if newDevice == nil {
		return nil, fmt.Errorf("%w: no device", ErrNoSubject)
	}
	var about []About
	for _, c := range deviceCases() {
		about = append(about, c.About)
	}
	cfg, selected, err := selectWire(opts, about)
	if err != nil {
		return nil, err
	}
	res := &Result{Subject: "device under test"}
	err = runScenarios(ctx, cfg, selected, deviceCases(), func(ctx context.Context, sc string) (*deviceEvidence, error) {
		return runDeviceScenario(ctx, deviceScenarios[sc], newDevice)
	}, res)
	return res, err
}

// deviceScenario is one run of a device: the lab it meets.
type deviceScenario struct {
	labOpts []lynctest.Option
	noEdge  bool
	// linger is how long the device runs after Start returns, so its
	// keep-alives can be judged.
	linger time.Duration
	// meeting: the lab hosts a meeting, which a MeetingJoiner is asked to
	// join.
	meeting bool
}

// keepAliveTimeout is the ms-keep-alive timeout of the bring-up scenario:
// two seconds, so two and a half of them make a short run, and a device
// that pings at half the timeout (as the reference device does) may be a
// second late on a loaded machine without being judged.
const keepAliveTimeout = 2 * time.Second

var deviceScenarios = map[string]deviceScenario{
	"bring-up":                {labOpts: []lynctest.Option{lynctest.WithKeepAliveTimeout(keepAliveTimeout)}, linger: 5 * keepAliveTimeout / 2},
	"provisioning-unanswered": {labOpts: []lynctest.Option{lynctest.WithUnansweredProvisioning()}},
	"mras-forbidden":          {labOpts: []lynctest.Option{lynctest.WithMRASFault(func(*mras.Request) mras.ReasonPhrase { return mras.Forbidden })}},
	"mras-busy":               {labOpts: []lynctest.Option{lynctest.WithMRASFault(func(*mras.Request) mras.ReasonPhrase { return mras.ServerBusy })}},
	"no-edge":                 {noEdge: true},
	"join":                    {meeting: true},
}

// deviceEvidence is what a scenario's run left: what the lab recorded from
// the device's computer, and what Start returned.
type deviceEvidence struct {
	computer string
	msgs     []lynctest.Message
	startErr error
	mrasURI  string    // the MRAS URI the lab provisions ("" without an Edge)
	gruu     lync.GRUU // the Service GRUU of the device's pool
	identity string    // sip:Server-User-Name@Server-Domain-Name
	// focus and avmcu are the URIs of the meeting of the join scenario;
	// joiner says whether the device joins meetings, joinErr what Join
	// returned.
	focus, avmcu lync.ConferenceURI
	joiner       bool
	joinErr      error
}

// requests returns the requests of method the device sent, parsed.
func (ev *deviceEvidence) requests(method string) []*sip.Request {
	var out []*sip.Request
	for _, m := range ev.msgs {
		if m.Direction != lynctest.In || !strings.HasPrefix(m.StartLine, method+" ") {
			continue
		}
		if msg, err := sip.ParseMessage([]byte(m.Text)); err == nil {
			if req, ok := msg.(*sip.Request); ok {
				out = append(out, req)
			}
		}
	}
	return out
}

// kitDeployment is the deployment the kit runs devices in: the bundled
// two-site example, rmx-east as the device.
func kitDeployment(ctx context.Context, noEdge bool) (*rpp.Deployment, error) {
	d, err := rpp.LoadFS(ctx, examples.FS, "two-site.yaml")
	if err != nil {
		return nil, err
	}
	if noEdge {
		d.Lync.EdgePools = nil
		for i := range d.Lync.FrontEndPools {
			d.Lync.FrontEndPools[i].EdgePool = ""
		}
	}
	return d, nil
}

func runDeviceScenario(ctx context.Context, sc deviceScenario, newDevice NewDevice) (*deviceEvidence, error) {
	d, err := kitDeployment(ctx, sc.noEdge)
	if err != nil {
		return nil, err
	}
	lab, err := lynctest.NewServer(ctx, &d.Lync, sc.labOpts...)
	if err != nil {
		return nil, err
	}
	defer lab.Close()
	sys := d.RPP.RMX[0]
	cert, err := lab.CA.Issue(string(sys.FQDN), string(sys.FQDN))
	if err != nil {
		return nil, err
	}
	addr, _ := lab.Resolve(string(sys.SIP.Server))
	env := DeviceEnv{System: sys, Certificate: cert, RootCAs: lab.CA.Pool(), Resolve: lab.Resolve, ServerAddr: addr,
		RequestTimeout: time.Second, Retries: 3, RetryInterval: 100 * time.Millisecond,
		Logger: slog.New(slog.NewTextHandler(io.Discard, nil))}
	ev := &deviceEvidence{computer: string(sys.FQDN), identity: "sip:" + sys.SIP.ServerUserName + "@" + sys.SIP.ServerDomainName}
	if fe := lab.FrontEnd(sys.SIP.Server); fe != nil && fe.Edge != nil {
		ev.mrasURI = fe.Edge.MRASURI
	}
	if v, ok := sys.Flags.ContactOverride(); ok {
		ev.gruu, _ = lync.ParseGRUU(v)
	}
	if sc.meeting {
		m, err := lab.CreateMeeting(mustAddress("sip:alice@contoso.com"))
		if err != nil {
			return nil, err
		}
		ev.focus, ev.avmcu = m.Focus, m.AVMCU
	}
	dev := newDevice()
	if dev == nil {
		return nil, fmt.Errorf("%w: NewDevice returned nil", ErrNoSubject)
	}
	runCtx, cancel := context.WithTimeout(ctx, DeviceRunLimit)
	ev.startErr = startProtected(runCtx, dev, env)
	if j, ok := dev.(MeetingJoiner); ok && sc.meeting {
		ev.joiner = true
		if ev.startErr == nil {
			ev.joinErr = j.Join(runCtx, ev.focus.String())
		}
	}
	if sc.linger > 0 {
		select {
		case <-time.After(sc.linger):
		case <-runCtx.Done():
		}
	}
	cancel()
	closeErr := dev.Close()
	lab.Close()
	for _, m := range lab.Messages() {
		if m.Peer == ev.computer {
			ev.msgs = append(ev.msgs, m)
		}
	}
	if closeErr != nil {
		return ev, fmt.Errorf("the device's Close: %w", closeErr)
	}
	return ev, nil
}

func mustAddress(s string) lync.SIPAddress {
	a, err := lync.ParseSIPAddress(s)
	if err != nil {
		panic(err) // a constant of the kit
	}
	return a
}

// invites returns the INVITEs the device sent to uri, in order, with their
// place among all the messages recorded from the device.
func (ev *deviceEvidence) invites(uri lync.ConferenceURI) (at []int, reqs []*sip.Request) {
	for i, m := range ev.msgs {
		if m.Direction != lynctest.In || !strings.HasPrefix(m.StartLine, "INVITE ") {
			continue
		}
		msg, err := sip.ParseMessage([]byte(m.Text))
		req, ok := msg.(*sip.Request)
		if err != nil || !ok {
			continue
		}
		if got, err := lync.ParseConferenceURI(req.Recipient.String()); err == nil && got.Equal(uri) {
			at, reqs = append(at, i), append(reqs, req)
		}
	}
	return at, reqs
}

// joined checks the preconditions of the conference cases.
func (ev *deviceEvidence) joined() error {
	switch {
	case !ev.joiner:
		return skipf("the device does not implement MeetingJoiner")
	case ev.startErr != nil:
		// Other cases say why; joining needs relay credentials.
		return skipf("the device did not come up, so could not join: %v", ev.startErr)
	}
	return nil
}

// startProtected runs Start, turning a panic into an error.
func startProtected(ctx context.Context, dev DeviceUnderTest, env DeviceEnv) (err error) {
	defer func() {
		if v := recover(); v != nil {
			err = fmt.Errorf("the device panicked: %v", v)
		}
	}()
	return dev.Start(ctx, env)
}

const (
	srcSIPREGE   = "MS-SIPREGE §2.2.2 (in-band provisioning); PROTOCOLS.md §2"
	srcAVEDGEA   = "MS-AVEDGEA (MRAS); RMX Administrator's Guide, ICE; PROTOCOLS.md §3"
	srcCONMGMT   = "MS-CONMGMT (ms-keep-alive); RFC 5626 §4.4.1"
	srcRMXAlarms = "RMX Administrator's Guide, appendix \"ICE Active Alarms\"; PROTOCOLS.md §2-3"
)

// header returns the value of a request's header, "" when absent.
func header(req *sip.Request, name string) string {
	if h := req.GetHeader(name); h != nil {
		return strings.TrimSpace(h.Value())
	}
	return ""
}

// eachSubscribe checks every provisioning SUBSCRIBE; fails when there is
// none.
func eachSubscribe(ev *deviceEvidence, f func(*sip.Request) error) error {
	subs := ev.requests("SUBSCRIBE")
	if len(subs) == 0 {
		return failf("the device sent no SUBSCRIBE")
	}
	for _, s := range subs {
		if err := f(s); err != nil {
			return err
		}
	}
	return nil
}

// eachService checks every MRAS SERVICE; fails when there is none.
func eachService(ev *deviceEvidence, f func(*sip.Request) error) error {
	svcs := ev.requests("SERVICE")
	if len(svcs) == 0 {
		return failf("the device sent no SERVICE to MRAS")
	}
	for _, s := range svcs {
		if err := f(s); err != nil {
			return err
		}
	}
	return nil
}

// statusIs checks that Start failed with symptom.
func statusIs(ev *deviceEvidence, symptom *rmx.Symptom) error {
	if !errors.Is(ev.startErr, symptom) {
		return failf("Start returned %v; want an error wrapping the symptom %q", ev.startErr, symptom.Text)
	}
	return nil
}

func deviceCases() []wireCase[*deviceEvidence] {
	must := func(id, scenario, title, source string, check func(*deviceEvidence) error) wireCase[*deviceEvidence] {
		return wireCase[*deviceEvidence]{About: About{ID: id, Title: title, Subject: SubjectDevice, Level: Must, Source: source}, scenario: scenario, check: check}
	}
	should := func(id, scenario, title, source string, check func(*deviceEvidence) error) wireCase[*deviceEvidence] {
		c := must(id, scenario, title, source, check)
		c.Level = Should
		return c
	}
	return []wireCase[*deviceEvidence]{
		must("device/provisioning/event", "bring-up", "the provisioning SUBSCRIBE carries Event: vnd-microsoft-provisioning-v2", srcSIPREGE,
			func(ev *deviceEvidence) error {
				return eachSubscribe(ev, func(s *sip.Request) error {
					if ev, _, _ := strings.Cut(header(s, "Event"), ";"); !strings.EqualFold(strings.TrimSpace(ev), provision.Event) {
						return failf("Event %q, want %q", header(s, "Event"), provision.Event)
					}
					return nil
				})
			}),
		must("device/provisioning/accept", "bring-up", "the provisioning SUBSCRIBE accepts "+provision.ContentType, srcSIPREGE,
			func(ev *deviceEvidence) error {
				return eachSubscribe(ev, func(s *sip.Request) error {
					if !listHas(s, "Accept", provision.ContentType) {
						return failf("Accept %q, want %q", header(s, "Accept"), provision.ContentType)
					}
					return nil
				})
			}),
		must("device/provisioning/piggyback", "bring-up", "the provisioning SUBSCRIBE says Supported: ms-piggyback-first-notify", srcSIPREGE,
			func(ev *deviceEvidence) error {
				return eachSubscribe(ev, func(s *sip.Request) error {
					if !listHas(s, "Supported", provision.PiggybackFirstNotify) {
						return failf("Supported %q, want it to list %s", header(s, "Supported"), provision.PiggybackFirstNotify)
					}
					return nil
				})
			}),
		must("device/mras/requested", "bring-up", "the device asks the provisioned MRAS URI for credentials", srcAVEDGEA,
			func(ev *deviceEvidence) error {
				return eachService(ev, func(s *sip.Request) error {
					got, err := lync.ParseGRUU(s.Recipient.String())
					want, _ := lync.ParseGRUU(ev.mrasURI)
					if err != nil || !got.Equal(want) {
						return failf("SERVICE to %s, want the MRAS URI %s", s.Recipient.String(), ev.mrasURI)
					}
					return nil
				})
			}),
		must("device/mras/content-type", "bring-up", "the MRAS SERVICE carries Content-Type: "+mras.ContentType, srcAVEDGEA,
			func(ev *deviceEvidence) error {
				return eachService(ev, func(s *sip.Request) error {
					if ct, _, _ := strings.Cut(header(s, "Content-Type"), ";"); !strings.EqualFold(strings.TrimSpace(ct), mras.ContentType) {
						return failf("Content-Type %q, want %q", header(s, "Content-Type"), mras.ContentType)
					}
					return nil
				})
			}),
		must("device/mras/identity", "bring-up", "the MRAS SERVICE comes From the Server User Name at the Server Domain Name, and asks for that identity", srcAVEDGEA,
			func(ev *deviceEvidence) error {
				want, _ := lync.ParseSIPAddress(ev.identity)
				return eachService(ev, func(s *sip.Request) error {
					from := s.From()
					if from == nil {
						return failf("a SERVICE without From")
					}
					if got, err := lync.MakeSIPAddress(from.Address.User, from.Address.Host); err != nil || !got.Equal(want) {
						return failf("From %s, want %s", from.Address.String(), ev.identity)
					}
					r, err := mras.ParseRequest(s.Body())
					if r == nil {
						return failf("the SERVICE body is not a credentials request: %v", err)
					}
					for _, cr := range r.Credentials {
						if got, err := lync.ParseSIPAddress(cr.Identity); err != nil || !got.Equal(want) {
							return failf("credentials asked for %q, want %s", cr.Identity, ev.identity)
						}
					}
					return nil
				})
			}),
		must("device/mras/contact", "bring-up", "the MRAS SERVICE's Contact is the pool's Service GRUU (the flag's value, written once with sip:)", srcAVEDGEA,
			func(ev *deviceEvidence) error {
				return eachService(ev, func(s *sip.Request) error {
					c := s.Contact()
					if c == nil {
						return failf("a SERVICE without Contact")
					}
					got, err := lync.ParseGRUU(c.Address.String())
					if err != nil || !got.Equal(ev.gruu) {
						return failf("Contact %s, want the Service GRUU %s", c.Address.String(), ev.gruu)
					}
					return nil
				})
			}),
		must("device/keep-alive/within-timeout", "bring-up", "the device keeps its connection alive within the ms-keep-alive timeout", srcCONMGMT,
			func(ev *deviceEvidence) error {
				if len(ev.requests("REGISTER")) == 0 {
					return failf("the device did not register, so was never told the keep-alive timeout")
				}
				for _, m := range ev.msgs {
					if m.Direction == lynctest.Closed && errors.Is(m.Err, lynctest.ErrKeepAliveTimeout) {
						return failf("the lab closed the device's connection: %v (timeout %v)", m.Err, keepAliveTimeout)
					}
				}
				return nil
			}),
		should("device/provisioning/retries", "provisioning-unanswered", "an unanswered provisioning SUBSCRIBE is tried again", srcRMXAlarms,
			func(ev *deviceEvidence) error {
				if n := len(ev.requests("SUBSCRIBE")); n < 2 {
					return failf("%d SUBSCRIBE sent, want it tried again", n)
				}
				return nil
			}),
		must("device/provisioning/unanswered-status", "provisioning-unanswered", "unanswered provisioning ends in \"Failed to subscribe with the OCS…\"", srcRMXAlarms,
			func(ev *deviceEvidence) error { return statusIs(ev, rmx.SymptomSubscribe) }),
		must("device/mras/forbidden-status", "mras-forbidden", "MRAS's Forbidden ends in \"Service credential denied\"", srcRMXAlarms,
			func(ev *deviceEvidence) error { return statusIs(ev, rmx.SymptomCredentialDenied) }),
		must("device/mras/failure-status", "mras-busy", "MRAS's Server Busy ends in the A/V Edge failure alarm", srcRMXAlarms,
			func(ev *deviceEvidence) error { return statusIs(ev, rmx.SymptomMRASFailure) }),
		must("device/conference/focus-first", "join", "the device joins the focus with C3P addUser before it INVITEs the AV MCU", "MS-CONFBAS §2.2.3.4 (addUser, then the MCU); PROTOCOLS.md §5",
			func(ev *deviceEvidence) error {
				if err := ev.joined(); err != nil {
					return err
				}
				fAt, focus := ev.invites(ev.focus)
				aAt, _ := ev.invites(ev.avmcu)
				if len(aAt) == 0 {
					return failf("no INVITE to the AV MCU %s (Join: %v)", ev.avmcu, ev.joinErr)
				}
				if len(fAt) == 0 || fAt[0] > aAt[0] {
					return failf("the AV MCU was INVITEd before any INVITE to the focus %s", ev.focus)
				}
				if ct := header(focus[0], "Content-Type"); !strings.EqualFold(ct, "application/cccp+xml") || !strings.Contains(string(focus[0].Body()), "addUser") {
					return failf("the focus INVITE carries %q without a C3P addUser", ct)
				}
				return nil
			}),
		must("device/conference/avmcu-sdp", "join", "the AV MCU INVITE carries Content-Type: application/sdp, and media flows", "MS-CONFAV; MS-OCER 7004; PROTOCOLS.md §5",
			func(ev *deviceEvidence) error {
				if err := ev.joined(); err != nil {
					return err
				}
				_, reqs := ev.invites(ev.avmcu)
				if len(reqs) == 0 {
					return failf("no INVITE to the AV MCU %s (Join: %v)", ev.avmcu, ev.joinErr)
				}
				for _, r := range reqs {
					if ct := header(r, "Content-Type"); !strings.EqualFold(ct, "application/sdp") {
						return failf("the AV MCU INVITE carries Content-Type %q", ct)
					}
				}
				return nil
			}),
		must("device/provisioning/no-edge", "no-edge", "provisioning without an MRAS URI is \"no Edge here\": no SERVICE, and the device comes up", srcRMXAlarms+"; newer firmware",
			func(ev *deviceEvidence) error {
				if n := len(ev.requests("SERVICE")); n > 0 {
					return failf("%d SERVICE sent with no MRAS URI provisioned", n)
				}
				if ev.startErr != nil {
					return failf("Start returned %v; want the device up without an Edge", ev.startErr)
				}
				return nil
			}),
	}
}

// listHas reports whether a list header (Accept, Supported) of req names
// v.
func listHas(req *sip.Request, name, v string) bool {
	for _, h := range req.GetHeaders(name) {
		for _, item := range strings.Split(h.Value(), ",") {
			if item, _, _ = strings.Cut(item, ";"); strings.EqualFold(strings.TrimSpace(item), v) {
				return true
			}
		}
	}
	return false
}
