package lab

import (
	"context"
	"errors"
	"fmt"
	"slices"

	"github.com/rppkit/rppkit/dma/dmatest"
	"github.com/rppkit/rppkit/lync"
	"github.com/rppkit/rppkit/lync/lynctest"
	"github.com/rppkit/rppkit/rmx"
	"github.com/rppkit/rppkit/rmx/rmxtest"
	"github.com/rppkit/rppkit/rpp"
)

// serveLync has the RMX listen for Lync over mutual TLS, as every trusted
// application computer does, and lets Lync probe it.
func (l *runner) serveLync(ctx context.Context, r *rmxtest.RMX, sys rmx.System, st *System) error {
	addr, err := r.ServeLync(context.WithoutCancel(ctx)) // closed with the RMX
	if err != nil {
		return fmt.Errorf("%w: RMX %s: %w", ErrLab, sys.Name, err)
	}
	l.probe(ctx, "rmx/"+sys.Name, sys.FQDN, sys.SIPPort(), addr, st)
	return nil
}

// probe has Lync reach the computer at fqdn as it does every trusted
// application computer: over mutual TLS, on its trusted application's
// port, where the computer's own server certificate is checked. The
// computer listens (at addr) on its own SIP port, so a port Lync does not
// dial is found here too. The OPTIONS answer, or why Lync could not get
// one, goes into the computer's status.
func (l *runner) probe(ctx context.Context, object string, fqdn lync.FQDN, listenPort lync.Port, addr string, st *System) {
	if addr == "" {
		return // no certificate to listen with: the check says why
	}
	// Lync reaches the computer by its FQDN: one the deployment's DNS has
	// no address for, it cannot reach.
	if l.inDNS(fqdn) {
		l.srv.SetComputerAddress(fqdn, listenPort, addr)
	}
	port := l.applicationPort(fqdn)
	probe := l.srv.ProbeComputer(ctx, fqdn, port)
	if probe.Err != nil {
		st.State = "unreachable from Lync"
		st.Failure = &Failure{
			Phase:   "Lync call-back",
			Symptom: fmt.Sprintf("Lync cannot open MTLS to %s:%d: calls Lync routes to it fail", fqdn, port),
			Detail:  probe.Err.Error(),
			Rules:   l.ex.findingsAbout(object, fqdn),
			Err:     probe.Err,
		}
		return
	}
	st.Detail += fmt.Sprintf("; Lync's OPTIONS over MTLS to %s:%d answered %d", fqdn, port, probe.Status)
}

// applicationPort is the port of the trusted application of the computer's
// pool — where Lync reaches the computer — or 5061.
func (l *runner) applicationPort(computer lync.FQDN) lync.Port {
	x := l.d.Lync.Index()
	if p := x.PoolOf(computer); p >= 0 {
		for _, a := range x.Applications(l.d.Lync.TrustedApplicationPools[p].FQDN) {
			if port := l.d.Lync.TrustedApplications[a].Port; port != 0 {
				return port
			}
		}
	}
	return lync.DefaultTLSPort
}

// traditionalCall places the test call of one static route: the sample
// organizer calls the first VMR of the DMA the route leads to, at a host
// the route matches, and Lync routes it over MTLS.
func (l *runner) traditionalCall(ctx context.Context, from lync.SIPAddress, route lync.StaticRoute, runs []*dmaRun) Call {
	c := Call{Workflow: rpp.Traditional, Route: fmt.Sprintf("%s → %s:%d", route.MatchURI, route.Destination, route.Port.OrDefault(lync.DefaultTLSPort))}
	run := l.dmaFor(route.Destination, runs)
	var vmr string
	if run != nil {
		c.DMA = run.sys.Name
		if len(run.sys.VMRs) > 0 {
			vmr = run.sys.VMRs[0]
		}
	}
	if vmr == "" {
		c.NotPlaced = "the route leads to no DMA with a VMR to call"
		return c
	}
	c.Number = "sip:" + vmr + "@" + route.SampleHost()
	ctx, cancel := context.WithTimeout(ctx, 4*l.opts.Timeout)
	defer cancel()
	before := len(run.dm.Calls())
	call, err := l.srv.Route(ctx, from, c.Number)
	var entry *dmatest.Call
	if log := run.dm.Calls(); len(log) > before {
		entry = &log[len(log)-1]
		c.RMX = entry.MCU
	}
	switch {
	case err != nil:
		c.Failure = &Failure{Phase: "route", Symptom: "Lync cannot route the call: " + routeSymptom(err), Detail: err.Error(), Err: err,
			Rules: l.ex.findingsAbout("dma/"+run.sys.Name, run.sys.FQDN, "lync/route/"+string(route.Destination), "lync/staticRoutes")}
	case call.Status != 200:
		c.Failure = l.callFailure(run.sys, entry, &dmatest.RefusedError{Status: call.Status, Reason: call.Reason})
		if c.Failure.Detail == "" {
			c.Failure.Detail = call.Diagnostics
		}
		c.Failure.Symptom = fmt.Sprintf("the Lync user's call is refused: %d %s", call.Status, call.Reason)
		if s := c.Failure.symptom; s != nil {
			c.Failure.Symptom += fmt.Sprintf("; the client shows %q", s.Text)
			c.Failure.Where = "Lync client"
		}
	default:
		c.Connected = true
		if _, err := call.Hangup(ctx); err != nil {
			l.log.Warn("hanging the traditional test call up", "route", c.Route, "err", err)
		}
		run.waitEnded(ctx)
	}
	return c
}

// routeSymptom says in a few words why Lync could not route a call.
func routeSymptom(err error) string {
	switch {
	case errors.Is(err, lynctest.ErrNoStaticRoute):
		return "no static route matches"
	case errors.Is(err, lynctest.ErrDeviceCertificate):
		return "the destination's certificate is not trusted"
	default:
		return "the destination cannot be reached"
	}
}

// dmaFor returns the DMA stand-in a static route's destination names: the
// DMA itself, or a trusted application pool one of whose computers it is.
func (l *runner) dmaFor(dest lync.FQDN, runs []*dmaRun) *dmaRun {
	x := l.d.Lync.Index()
	pool := x.Pool(dest)
	for _, run := range runs {
		if run.sys.FQDN.Equal(dest) {
			return run
		}
		if pool >= 0 && slices.ContainsFunc(l.d.Lync.TrustedApplicationPools[pool].Computers, run.sys.FQDN.Equal) {
			return run
		}
	}
	return nil
}
