package lab

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/rppkit/rppkit/dma"
	"github.com/rppkit/rppkit/dma/dmatest"
	"github.com/rppkit/rppkit/lync"
	"github.com/rppkit/rppkit/lync/lynctest"
	"github.com/rppkit/rppkit/rmx"
	"github.com/rppkit/rppkit/rmx/rmxtest"
	"github.com/rppkit/rppkit/rpp"
)

// sampleOrganizer is the organizer of the lab's sample meeting when the
// topology lists no Lync user: lab convention, added to the lab's copy of
// the topology only (the caller's deployment is not touched).
const sampleOrganizer = "rpp-lab-organizer"

// sampleTopology returns the topology the lab serves and the organizer of
// its sample meeting: the first Lync user, or a user the lab adds.
func sampleTopology(d *rpp.Deployment) (*lync.Topology, lync.SIPAddress, error) {
	topo := d.Lync
	if len(topo.Users) > 0 {
		return &topo, topo.Users[0], nil
	}
	if len(topo.SIPDomains) == 0 {
		return &topo, lync.SIPAddress{}, nil // NewServer says why
	}
	org, err := lync.MakeSIPAddress(sampleOrganizer, string(topo.SIPDomains[0]))
	if err != nil {
		return nil, lync.SIPAddress{}, err
	}
	topo.Users = []lync.SIPAddress{org}
	return &topo, org, nil
}

// readyRMX is an RMX stand-in that reached ICE ready, kept running for the
// calls.
type readyRMX struct {
	sys rmx.System
	r   *rmxtest.RMX
}

// dmaRun is one DMA stand-in in the lab and its test call.
type dmaRun struct {
	l    *runner
	sys  dma.System
	dm   *dmatest.DMA
	mu   sync.Mutex
	link map[string]*rmxtest.Cascade // the cascades its MCUs made, by RMX name
}

// startDMA starts the stand-in of sys with the ready RMXs it manages as its
// MCUs, tells the Lync stand-in where it listens for MTLS, and returns its
// status, with Lync's OPTIONS probe of it.
func (l *runner) startDMA(ctx context.Context, sys dma.System, ready []readyRMX) (*dmaRun, System, error) {
	run := &dmaRun{l: l, sys: sys, link: map[string]*rmxtest.Cascade{}}
	opts := []dmatest.Option{dmatest.WithLogger(l.log), dmatest.WithTimeout(l.opts.Timeout)}
	if l.d.DNS != nil {
		opts = append(opts, dmatest.WithResolver(l.resolve))
	}
	for _, rr := range ready {
		if !sys.Manages(rr.sys.Name, rr.sys.Site) {
			continue
		}
		rr := rr
		opts = append(opts, dmatest.WithVMRHost(rr.sys.Name, dmatest.VMRHostFunc(
			func(ctx context.Context, vmr string, offer []byte) ([]byte, dmatest.Link, error) {
				c, err := rr.r.HostVMR(ctx, vmr, offer)
				if err != nil {
					return nil, nil, err
				}
				return c.Answer, c, nil
			})))
		opts = append(opts, dmatest.WithMCU(rr.sys.Name, dmatest.MCUFunc(func(ctx context.Context, focus lync.ConferenceURI) (dmatest.Link, error) {
			c, err := rr.r.Cascade(ctx, focus)
			if err != nil {
				return nil, err
			}
			run.mu.Lock()
			run.link[rr.sys.Name] = c
			run.mu.Unlock()
			return c, nil
		})))
	}
	dm, err := dmatest.ForLab(l.srv, sys, opts...)
	if err != nil {
		return nil, System{}, fmt.Errorf("%w: DMA %s: %w", ErrLab, sys.Name, err)
	}
	addr, err := dm.Start(context.WithoutCancel(ctx)) // closed by the lab, in order: see runner.run
	if err != nil {
		dm.Close()
		return nil, System{}, fmt.Errorf("%w: DMA %s: %w", ErrLab, sys.Name, err)
	}
	run.dm = dm
	st := System{Kind: KindDMA, Name: sys.Name, State: "up", Detail: "SIP from endpoints on " + addr + " (UDP, TCP)"}
	l.probe(ctx, "dma/"+sys.Name, sys.FQDN, sys.SIPPort(), dm.TLSAddr(), &st)
	return run, st, nil
}

// call places the DMA's test call: a standards endpoint dials the DMA's
// dial prefix and the meeting's dial-in conference ID; the DMA resolves it
// through Lync and has an RMX cascade into the meeting.
func (run *dmaRun) call(ctx context.Context, m *lynctest.Meeting) Call {
	l := run.l
	number := run.sys.RealConnect.DialPrefix + string(m.DialInID)
	c := Call{Workflow: rpp.RealConnect, DMA: run.sys.Name, Number: number, Meeting: m.Focus.String()}
	ctx, cancel := context.WithTimeout(ctx, 4*l.opts.Timeout)
	defer cancel()
	ec, err := dmatest.Dial(ctx, run.dm.Addr(), number, dmatest.WithDialLogger(l.log))
	log := run.dm.Calls()
	var entry *dmatest.Call
	if len(log) > 0 {
		entry = &log[len(log)-1]
		c.RMX = entry.MCU
	}
	if err != nil {
		c.Failure = l.callFailure(run.sys, entry, err)
		return c
	}
	defer ec.Close()
	run.mu.Lock()
	link := run.link[c.RMX]
	run.mu.Unlock()
	if link != nil {
		st := run.mediaFlowing(ctx, link)
		c.BytesSent, c.BytesReceived = st.BytesSent, st.BytesReceived
		c.LocalCandidate, c.RemoteCandidate = st.Local.Type, st.Remote.Type
	}
	switch {
	case link == nil:
		c.Failure = &Failure{Phase: "cascade", Symptom: "the DMA answered the call but no RMX cascaded into the meeting", Rules: []string{}}
	case c.BytesSent == 0 || c.BytesReceived == 0:
		c.Failure = &Failure{Phase: "media", Symptom: "the cascade carried no media both ways", Rules: []string{},
			Detail: fmt.Sprintf("%d bytes sent, %d received", c.BytesSent, c.BytesReceived)}
	default:
		c.Connected = true
	}
	if err := ec.Hangup(ctx); err != nil {
		l.log.Warn("hanging the test call up", "dma", run.sys.Name, "err", err)
	}
	run.waitEnded(ctx)
	return c
}

// mediaPackets is how many packets each way the lab waits for on a
// cascade before it reports the call connected: media that flows, not one
// packet that happened to come back.
const mediaPackets = 10

// mediaFlowing waits until the cascade carried mediaPackets each way (or
// the context ends) and returns its counts.
func (run *dmaRun) mediaFlowing(ctx context.Context, link *rmxtest.Cascade) rmxtest.MediaStats {
	tick := time.NewTicker(5 * time.Millisecond)
	defer tick.Stop()
	for {
		st := link.Stats()
		if st.PacketsSent >= mediaPackets && st.PacketsReceived >= mediaPackets {
			return st
		}
		select {
		case <-ctx.Done():
			return st
		case <-tick.C:
		}
	}
}

// waitEnded waits until the DMA has released every call (its cascades hung
// up), so that the ladder shows the BYEs and Close finds nothing in flight.
func (run *dmaRun) waitEnded(ctx context.Context) {
	tick := time.NewTicker(5 * time.Millisecond)
	defer tick.Stop()
	for {
		if !slices.ContainsFunc(run.dm.Calls(), func(c dmatest.Call) bool { return !c.Ended }) {
			return
		}
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
		}
	}
}

// callFailure describes a test call the DMA did not connect, as the admin
// meets it: the endpoint's call refused, at the DMA's phase, and — when the
// cascade failed at the RMX — the RMX's own symptom.
func (l *runner) callFailure(sys dma.System, entry *dmatest.Call, err error) *Failure {
	f := &Failure{Phase: "call", Err: err, Rules: []string{}}
	var refused *dmatest.RefusedError
	if errors.As(err, &refused) {
		f.Symptom = fmt.Sprintf("the endpoint's call is refused: %d %s", refused.Status, refused.Reason)
	} else {
		f.Symptom = "the endpoint's call fails: " + err.Error()
	}
	if entry == nil || entry.Err == nil {
		f.Rules = l.ex.findingsAbout("dma/"+sys.Name, sys.FQDN)
		return f
	}
	f.Err = entry.Err
	var de *dmatest.Error
	if errors.As(entry.Err, &de) {
		f.Phase, f.Detail = string(de.Phase), de.Detail
		if f.Detail == "" && de.Err != nil {
			f.Detail = de.Err.Error()
		}
	}
	var re *rmxtest.Error
	if errors.As(entry.Err, &re) && re.Symptom != nil {
		// The RMX failed to cascade: its symptom, and the rules about it.
		f.symptom, f.Where = re.Symptom, string(re.Symptom.Where)
		f.Symptom += "; the RMX shows " + fmt.Sprintf("%q", re.Symptom.Text)
		if i := slices.IndexFunc(l.d.RPP.RMX, func(r rmx.System) bool { return r.Name == entry.MCU }); i >= 0 {
			f.Rules = l.ex.explain("rmx/"+entry.MCU, l.d.RPP.RMX[i].FQDN, re.Symptom)
		}
		return f
	}
	f.Rules = l.ex.findingsAbout("dma/"+sys.Name, sys.FQDN)
	if errors.Is(entry.Err, dmatest.ErrNoMCU) {
		// No MCU because those the DMA manages failed to come up: their
		// failures, and the rules that explain them, explain the call.
		var down []string
		for _, st := range l.res.Systems {
			if st.Kind != KindRMX || st.Failure == nil {
				continue
			}
			i := slices.IndexFunc(l.d.RPP.RMX, func(r rmx.System) bool { return r.Name == st.Name })
			if i < 0 || !sys.Manages(st.Name, l.d.RPP.RMX[i].Site) {
				continue
			}
			down = append(down, fmt.Sprintf("%s (%s: %s)", st.Name, st.Failure.Phase, st.Failure.Symptom))
			f.Rules = append(f.Rules, st.Failure.Rules...)
		}
		if len(down) > 0 {
			f.Symptom += "; the MCUs the DMA manages did not come up: " + strings.Join(down, "; ")
			slices.Sort(f.Rules)
			f.Rules = slices.Compact(f.Rules)
		}
	}
	return f
}
