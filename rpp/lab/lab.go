package lab

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"slices"
	"time"

	"github.com/rppkit/rppkit/lync"
	"github.com/rppkit/rppkit/lync/lynctest"
	"github.com/rppkit/rppkit/rmx"
	"github.com/rppkit/rppkit/rmx/rmxtest"
	"github.com/rppkit/rppkit/rpp"
)

// Options configure Run. The zero value is ready to use.
type Options struct {
	// Logger receives the lab's logs (and the stand-ins'); nil discards
	// them.
	Logger *slog.Logger
	// Check configures the static check whose rules explain failures.
	Check rpp.Options
	// Timeout bounds each exchange of a stand-in (a TLS handshake, a
	// transaction); 0 means 5 seconds.
	Timeout time.Duration
	// Lync and RMX are extra options for the Lync stand-in and for every RMX
	// stand-in, after the lab's own: to model a firmware quirk, say
	// (rmxtest.WithSchemeStripping).
	Lync []lynctest.Option
	RMX  []rmxtest.Option
}

// Kinds of system in a Result.
const (
	KindFrontEnd = "front end"
	KindEdge     = "edge"
	KindRMX      = "rmx"
	KindDMA      = "dma"
)

// System is the status of one system of the deployment in the lab.
type System struct {
	Kind string `json:"kind"`
	// Name is the RMX's or DMA's name, or a pool's FQDN.
	Name string `json:"name"`
	// State is what the system reached, in the device's words: "up",
	// "ICE ready", "ICE ready (no Edge)", "failed".
	State string `json:"state"`
	// Detail says more: the addresses a pool listens on, the ICE method and
	// relay an RMX got.
	Detail string `json:"detail,omitempty"`
	// Failure is why the system did not come up; nil when it did.
	Failure *Failure `json:"failure,omitempty"`
}

// OK reports whether the system came up.
func (s System) OK() bool { return s.Failure == nil }

// Failure is a failure on the wire, as an admin would meet it.
type Failure struct {
	// Phase is where it failed: "TLS", "register", "provisioning", "MRAS",
	// "relay", "configuration", or a call's phase.
	Phase string `json:"phase"`
	// Symptom is what the admin sees, word for word, and Where where they
	// see it (an RMX alarm, its ICE status, …).
	Symptom string `json:"symptom"`
	Where   string `json:"where,omitempty"`
	// Detail is what the other side said: ms-diagnostics, an MRAS
	// reasonPhrase, a TLS alert.
	Detail string `json:"detail,omitempty"`
	// Rules are the rules `rpp check` reports for the same deployment that
	// explain the failure. Empty when none does: then the static check
	// missed what the wire shows.
	Rules []string `json:"rules"`
	// Err is the stand-in's error, for errors.Is and errors.As.
	Err error `json:"-"`

	symptom *rmx.Symptom
}

// Result is what a run of the lab showed.
type Result struct {
	Systems []System `json:"systems"`
	Calls   []Call   `json:"calls,omitempty"`
	Ladder  []Step   `json:"ladder"`
	// Disagreements are rules `rpp check` reports as breaking a system on
	// the wire, for systems that came up all the same.
	Disagreements []string `json:"disagreements,omitempty"`
}

// OK reports whether every system came up and every test call connected.
func (r *Result) OK() bool {
	for _, s := range r.Systems {
		if !s.OK() {
			return false
		}
	}
	for _, c := range r.Calls {
		if !c.OK() {
			return false
		}
	}
	return true
}

// ErrLab is wrapped by the errors of Run for a lab that could not be built
// at all (a socket that would not open, a certificate that could not be
// issued): not a finding about the deployment.
var ErrLab = errors.New("lab: could not build the lab")

// Run brings d up on loopback, as the package documentation describes, and
// returns what it saw. A failure on the wire is in the Result (Result.OK is
// false), not an error; the error is for a deployment Run refuses
// (rpp.ErrNoDeployment, or invalid when built in code — see
// (*rpp.Deployment).Validate), a lab it could not build (ErrLab) and the
// context's end.
func Run(ctx context.Context, d *rpp.Deployment, opts Options) (*Result, error) {
	if d == nil {
		return nil, rpp.ErrNoDeployment
	}
	report := rpp.Check(ctx, d, opts.Check)
	if report.Err != nil {
		return nil, report.Err
	}
	if opts.Timeout <= 0 {
		opts.Timeout = 5 * time.Second
	}
	l := &runner{d: d, opts: opts, log: opts.Logger, ex: newExplainer(d, report), res: &Result{}, dns: d.DNS.Index()}
	if l.log == nil {
		l.log = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	err := l.run(ctx)
	if err == nil {
		err = ctx.Err()
	}
	if err != nil {
		return nil, err
	}
	return l.res, nil
}

// runner is one run of the lab.
type runner struct {
	d    *rpp.Deployment
	opts Options
	log  *slog.Logger
	ex   *explainer
	srv  *lynctest.Server
	res  *Result
	// dns is the deployment's dns: section ready for lookups, which the
	// stand-ins make for every request they send; nil without one.
	dns *rpp.DNSIndex
}

func (l *runner) run(ctx context.Context) error {
	topo, organizer, err := sampleTopology(l.d)
	if err != nil {
		return fmt.Errorf("%w: %w", ErrLab, err)
	}
	lyncOpts := append([]lynctest.Option{lynctest.WithLogger(l.log)}, l.opts.Lync...)
	// The stand-ins outlive ctx: when it ends (Ctrl-C), the lab stops what
	// it is doing and then closes them itself, DMAs first, then RMXs, then
	// Lync, so that each hang-up is still answered and nothing waits out a
	// SIP timer for a peer that is already gone.
	l.srv, err = lynctest.NewServer(context.WithoutCancel(ctx), topo, lyncOpts...)
	if err != nil {
		return fmt.Errorf("%w: %w", ErrLab, err)
	}
	defer l.srv.Close()
	for _, fe := range l.srv.FrontEnds() {
		l.res.Systems = append(l.res.Systems, System{Kind: KindFrontEnd, Name: string(fe.FQDN), State: "up", Detail: "SIP over TLS on " + fe.Addr})
	}
	for _, e := range l.srv.Edges() {
		l.res.Systems = append(l.res.Systems, System{Kind: KindEdge, Name: string(e.FQDN), State: "up",
			Detail: fmt.Sprintf("MRAS %s; relay UDP %s:%d, TCP %s:%d", e.MRASURI, e.RelayHost, e.RelayUDPPort, e.RelayHost, e.RelayTCPPort)})
	}

	ready, err := l.startRMXs(ctx)
	defer func() {
		for _, rr := range ready {
			rr.r.Close()
		}
	}()
	if err != nil {
		return err
	}

	var runs []*dmaRun
	defer func() {
		for _, run := range runs {
			run.dm.Close()
		}
	}()
	for _, sys := range l.d.RPP.DMA {
		run, st, err := l.startDMA(ctx, sys, ready)
		if err != nil {
			return err
		}
		runs = append(runs, run)
		l.res.Systems = append(l.res.Systems, st)
	}
	if l.d.RPP.Has(rpp.Traditional) {
		for _, route := range topo.StaticRoutes {
			l.res.Calls = append(l.res.Calls, l.traditionalCall(ctx, organizer, route, runs))
		}
	}
	if l.d.RPP.Has(rpp.RealConnect) && len(runs) > 0 {
		m, err := l.srv.CreateMeeting(organizer)
		if err != nil {
			return fmt.Errorf("%w: the sample meeting: %w", ErrLab, err)
		}
		for _, run := range runs {
			l.res.Calls = append(l.res.Calls, run.call(ctx, m))
		}
	}
	// The ladder is Lync's recording and each DMA's (the endpoints' side of
	// the calls, which Lync never sees), in time order.
	msgs := l.srv.Messages()
	for _, run := range runs {
		msgs = append(msgs, run.dm.Messages()...)
	}
	slices.SortStableFunc(msgs, func(a, b lynctest.Message) int { return a.Time.Compare(b.Time) })
	l.res.Ladder = stepsOf(msgs)
	return nil
}

// resolve is the lab's DNS for the RMX and DMA stand-ins: the lab's own
// (lynctest.Server.Resolve, which knows where each Front End and Edge
// listens), except that a name the deployment's dns: section judges and
// finds no address for does not resolve, as on the real network. Used only
// when the deployment has a dns: section.
func (l *runner) resolve(host string) (string, bool) {
	if !l.inDNS(lync.FQDN(host)) {
		return "", false
	}
	return l.srv.Resolve(host)
}

// inDNS reports whether name resolves by the deployment's dns: section:
// true for a name it does not judge, or when there is no section.
func (l *runner) inDNS(name lync.FQDN) bool {
	addrs, judged, err := l.dns.Lookup(name)
	return !judged || len(addrs) > 0 && err == nil
}

// startRMXs brings every RMX's ICE up, one after the other, and returns the
// stand-ins that reached ICE ready, still running.
func (l *runner) startRMXs(ctx context.Context) ([]readyRMX, error) {
	var ready []readyRMX
	rmxOpts := []rmxtest.Option{rmxtest.WithLogger(l.log), rmxtest.WithTimeout(l.opts.Timeout), rmxtest.WithSubscribeRetries(1, 0)}
	if l.d.DNS != nil {
		rmxOpts = append(rmxOpts, rmxtest.WithResolver(l.resolve))
	}
	rmxOpts = append(rmxOpts, l.opts.RMX...)
	for _, sys := range l.d.RPP.RMX {
		st := System{Kind: KindRMX, Name: sys.Name}
		r, err := rmxtest.ForLab(l.srv, sys, rmxOpts...)
		if err != nil {
			return ready, fmt.Errorf("%w: RMX %s: %w", ErrLab, sys.Name, err)
		}
		status, err := r.Start(ctx)
		if ctx.Err() != nil {
			r.Close()
			return ready, ctx.Err()
		}
		object := "rmx/" + sys.Name
		if err != nil {
			r.Close()
			st.State = "failed"
			st.Failure = failureOf(err)
			if st.Failure.symptom != nil {
				st.Failure.Rules = l.ex.explain(object, sys.FQDN, st.Failure.symptom)
			}
		} else {
			st.State = status.State
			st.Detail = describeICE(status)
			ready = append(ready, readyRMX{sys: sys, r: r})
			if err := l.serveLync(ctx, r, sys, &st); err != nil {
				return ready, err
			}
			// An RMX that Lync cannot reach did not come up either (its
			// failure names the rules about it); one that did, with a
			// rule against it that lists an ICE symptom, is a
			// disagreement.
			if st.Failure == nil {
				for _, id := range l.ex.iceRulesAbout(object, sys.FQDN) {
					l.res.Disagreements = append(l.res.Disagreements, fmt.Sprintf("%s reached %s, but rpp check reports %s for it", sys.Name, status.State, id))
				}
			}
		}
		l.res.Systems = append(l.res.Systems, st)
	}
	return ready, nil
}

// Call is a RealConnect test call placed through a DMA.
type Call struct {
	// Workflow is realconnect (an endpoint dials a meeting's conference ID
	// at the DMA) or traditional (a Lync user calls a VMR through a static
	// route).
	Workflow rpp.Workflow `json:"workflow"`
	// DMA is the DMA the call went through; Route, for a traditional call,
	// the static route Lync took (MATCHURI → DESTINATION:PORT).
	DMA   string `json:"dma,omitempty"`
	Route string `json:"route,omitempty"`
	// Number is what the endpoint dialled: the DMA's dial prefix and the
	// meeting's dial-in conference ID.
	Number string `json:"number"`
	// Meeting is the sample meeting's focus URI (RealConnect).
	Meeting string `json:"meeting,omitempty"`
	// RMX is the RMX the DMA chose to cascade into the meeting.
	RMX string `json:"rmx,omitempty"`
	// Connected is set when the call was answered: for RealConnect, when
	// besides the RMX's cascade carried media both ways.
	Connected bool `json:"connected"`
	// NotPlaced says why the lab placed no call where the workflow wants
	// one (a static route to a system with no VMR to call); such a call is
	// neither connected nor failed, and the report says so.
	NotPlaced string `json:"notPlaced,omitempty"`
	// BytesSent and BytesReceived are the cascade's media, counted at the
	// RMX; LocalCandidate and RemoteCandidate the types of the selected
	// ICE candidate pair (relay on both sides through the Edge).
	BytesSent       int64    `json:"bytesSent"`
	BytesReceived   int64    `json:"bytesReceived"`
	LocalCandidate  string   `json:"localCandidate,omitempty"`
	RemoteCandidate string   `json:"remoteCandidate,omitempty"`
	Failure         *Failure `json:"failure,omitempty"`
}

// OK reports whether the call connected, or was not placed for a reason
// the report gives.
func (c Call) OK() bool { return (c.Connected || c.NotPlaced != "") && c.Failure == nil }
