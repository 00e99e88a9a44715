package rpp

import (
	"context"
	"fmt"
	"strings"

	"github.com/rppkit/rppkit/lync"
	"github.com/rppkit/rppkit/rmx"
)

// settledByPlan are the rules about values Lync assigns: the Service GRUU
// and the settings that carry it. A plan never takes those from the file
// for an application it creates (Lync assigns a new one); it reads the
// GRUU back and has the RMX and DMA steps paste it, so their findings on
// the desired deployment do not stop it.
var settledByPlan = map[string]bool{
	"lync-gruu-missing":             true,
	"lync-gruu-malformed":           true,
	"rpp-gruu-whitespace":           true,
	"rmx-contact-override-missing":  true,
	"rmx-contact-override-prefix":   true,
	"rmx-contact-override-mismatch": true,
	"dma-gruu-missing":              true,
	"dma-gruu-prefix":               true,
	"dma-gruu-mismatch":             true,
}

// maxFixRounds bounds how often settle re-checks after applying fixes: a
// fix may make another rule's finding (and its fix) appear, but never
// more than a couple deep.
const maxFixRounds = 4

// settle returns desired as the plan builds it: a copy with what the
// guidance derives filled in and every error's mechanical fix applied, and
// the corrections made. It returns an *UnplannableError when errors remain.
func settle(ctx context.Context, desired *Deployment) (*Deployment, []Correction, []string, error) {
	first := Check(ctx, desired, Options{})
	if first.Err != nil {
		return nil, nil, nil, first.Err
	}
	d := desired.clone()
	s := &settler{d: d, desired: desired}
	s.complete()
	final := first // the copy holds what desired does until something changes it
	if len(s.corrections) > 0 {
		final = Check(ctx, d, Options{})
	}
	for round := 0; final.Err == nil && round < maxFixRounds && s.applyFixes(final.Findings); round++ {
		final = Check(ctx, d, Options{})
	}
	if final.Err != nil {
		return nil, nil, nil, final.Err
	}
	var unfixable []Finding
	var notes []string
	asWritten := map[string]Finding{}
	for _, f := range first.Findings {
		if _, ok := asWritten[f.Rule+" "+f.Object]; !ok {
			asWritten[f.Rule+" "+f.Object] = f
		}
	}
	for _, f := range final.Findings {
		switch {
		case f.Severity == Error && !settledByPlan[f.Rule]:
			// Point at what the admin wrote, when the finding was there
			// before the corrections.
			if o, ok := asWritten[f.Rule+" "+f.Object]; ok {
				f = o
			}
			unfixable = append(unfixable, f)
		case f.Severity == Warning:
			notes = append(notes, fmt.Sprintf("not planned: %s (%s, rpp check warns: %s)", f.Object, f.Rule, f.Message))
		}
	}
	if len(unfixable) > 0 {
		return nil, nil, nil, &UnplannableError{Findings: unfixable}
	}
	return d, s.corrections, notes, nil
}

type settler struct {
	d, desired  *Deployment
	corrections []Correction

	// Endpoints addEndpoints added (indexes by pool key), and their
	// addresses, which the topology's index does not know.
	added map[string][]int
	taken map[string]bool
}

func (s *settler) correct(rule, object, field, format string, args ...any) {
	p := s.desired.Position(field)
	s.corrections = append(s.corrections, Correction{
		Rule: rule, Object: object, Field: field,
		Message: fmt.Sprintf(format, args...), File: p.File, Line: p.Line,
	})
}

// applyFixes applies the first fix of each error that has one, and reports
// whether any changed the deployment.
func (s *settler) applyFixes(findings []Finding) bool {
	changed := false
	for _, f := range findings {
		if f.Severity != Error || len(f.Fixes) == 0 || settledByPlan[f.Rule] {
			continue
		}
		for _, e := range f.Fixes[0].Edits {
			field := e.Field
			if field == "" {
				field = f.Field
			}
			if s.d.Set(field, e.Value) == nil {
				changed = true
				s.correct(f.Rule, f.Object, field, "%s set to %q", field, e.Value)
			}
		}
	}
	return changed
}

// complete fills in what the guidance derives from the RPP systems, so
// that an admin can describe a new integration by its systems alone.
func (s *settler) complete() {
	s.placeComputers()
	s.addApplications()
	s.addEndpoints()
	s.moveVMRs()
}

// placeComputers puts an RMX or DMA that no trusted application pool holds
// into the pool PlanPools says its site's systems belong in, if the
// deployment has that pool (a multiple-computer pool registered with that
// Front End pool).
func (s *settler) placeComputers() {
	t := &s.d.Lync
	plans, err := PlanPools(s.d)
	if err != nil {
		return
	}
	x := t.Index() // adding a computer changes no other computer's pool
	registrarOf := map[string]lync.FQDN{}
	for _, pp := range plans {
		for _, c := range pp.Computers {
			registrarOf[c.Key()] = pp.Registrar
		}
	}
	poolOf := map[string]int{} // registrar → its first multiple-computer pool
	for i := range t.TrustedApplicationPools {
		pool := &t.TrustedApplicationPools[i]
		if _, ok := poolOf[pool.Registrar.Key()]; !ok && !pool.IsSingleComputer() {
			poolOf[pool.Registrar.Key()] = i
		}
	}
	for _, c := range rppComputers(s.d) {
		if x.PoolOf(c.fqdn) >= 0 {
			continue
		}
		reg, ok := registrarOf[c.fqdn.Key()]
		if !ok {
			continue
		}
		i, ok := poolOf[reg.Key()]
		if !ok {
			continue
		}
		pool := &t.TrustedApplicationPools[i]
		pool.Computers = append(pool.Computers, c.fqdn)
		s.correct("rpp-component-not-in-topology", c.object, poolPath(i, ".computers"),
			"%s added to trusted application pool %s, the pool of its site's systems", c.fqdn, pool.FQDN)
	}
}

// addApplications gives each pool that holds RMXs or DMAs and has no
// trusted application one: the application ID the deployment's other
// applications use (video when there are none), on its systems' port.
func (s *settler) addApplications() {
	t := &s.d.Lync
	id := lync.ApplicationID("video")
	if len(t.TrustedApplications) > 0 {
		id = lync.ApplicationID(t.TrustedApplications[0].ApplicationID.Bare())
	}
	x := t.Index() // an application added to one pool changes no other pool's
	port := map[int]lync.Port{}
	for _, c := range rppComputers(s.d) {
		if i := x.PoolOf(c.fqdn); i >= 0 && port[i] == 0 {
			port[i] = c.port
		}
	}
	for i, pool := range t.TrustedApplicationPools {
		if port[i] == 0 || len(x.Applications(pool.FQDN)) > 0 {
			continue // not an RPP pool, or it has its application
		}
		t.TrustedApplications = append(t.TrustedApplications, lync.TrustedApplication{ApplicationID: id, Pool: pool.FQDN, Port: port[i]})
		s.correct("lync-app-missing", poolObject(pool.FQDN), poolPath(i, ""),
			"trusted application %s on port %d added to pool %s", id, port[i], pool.FQDN)
	}
}

// addEndpoints gives each RMX that must use the new ICE method — it is
// configured for it, or its release supports nothing else (legacy settings
// on 8.5 and later, no ICE settings where ICE is mandatory) — a trusted
// application endpoint in its pool, and points its ICE settings at it.
func (s *settler) addEndpoints() {
	t := &s.d.Lync
	x := t.Index() // endpointFor keeps track of the endpoints it adds
	s.added = map[string][]int{}
	s.taken = map[string]bool{}
	for i := range s.d.RPP.RMX {
		r := &s.d.RPP.RMX[i]
		feat := rmx.Capabilities(r.Version)
		method := rmx.InferICEMethod(r, x)
		var rule string
		switch {
		case !feat.Supports(rmx.ICENew):
			continue // a release before the new method: not the plan's to change
		case method == rmx.ICELegacy && !feat.Supports(rmx.ICELegacy):
			rule = "rmx-ice-method-unsupported"
		case method == "" && feat.ICEMandatory:
			rule = "rmx-ice-missing"
		case method == rmx.ICENew:
			rule = "lync-endpoint-missing"
		default:
			continue
		}
		pool := x.PoolOf(r.FQDN)
		if pool < 0 {
			continue
		}
		apps := x.Applications(t.TrustedApplicationPools[pool].FQDN)
		if len(apps) == 0 {
			continue
		}
		app := t.TrustedApplications[apps[0]]
		ep, ok := s.endpointFor(r, x, pool, app)
		if !ok {
			continue
		}
		user, domain := ep.User(), ep.Domain()
		if r.SIP.ICEEnvironment == rmx.ICEMS && r.SIP.ServerUserName == user && strings.EqualFold(r.SIP.ServerDomainName, domain) {
			continue // already pointed at it
		}
		r.SIP.ICEEnvironment = rmx.ICEMS
		r.SIP.ServerUserName = user
		r.SIP.ServerDomainName = domain
		if r.SIP.ICEMethod != "" {
			r.SIP.ICEMethod = rmx.ICENew
		}
		s.correct(rule, "rmx/"+r.Name, rmxPath(i, ".sip"),
			"ICE on the new method: environment MS, Server User Name %s, Server Domain Name %s (the endpoint %s of pool %s)",
			user, domain, ep, app.Pool)
	}
}

// endpointFor returns the trusted application endpoint an RMX of pool
// should use: the one its Server User Name names, else the pool's first,
// else a new one named after the pool and added to the topology.
func (s *settler) endpointFor(r *rmx.System, x *lync.Index, pool int, app lync.TrustedApplication) (lync.SIPAddress, bool) {
	t := &s.d.Lync
	pk := t.TrustedApplicationPools[pool].FQDN.Key()
	eps := append(x.Endpoints(t.TrustedApplicationPools[pool].FQDN), s.added[pk]...)
	for _, e := range eps {
		ep := t.TrustedApplicationEndpoints[e]
		if strings.EqualFold(ep.SIPAddress.User(), r.SIP.UserPart()) && ep.ApplicationID.Equal(app.ApplicationID) {
			return ep.SIPAddress, true
		}
	}
	for _, e := range eps {
		if ep := t.TrustedApplicationEndpoints[e]; ep.ApplicationID.Equal(app.ApplicationID) {
			return ep.SIPAddress, true
		}
	}
	domain := r.SIP.ServerDomainName
	if !x.IsSIPDomain(domain) {
		if len(t.SIPDomains) == 0 {
			return lync.SIPAddress{}, false
		}
		domain = string(t.SIPDomains[0])
	}
	base, _, _ := strings.Cut(string(t.TrustedApplicationPools[pool].FQDN), ".")
	for n := 1; n < 100; n++ {
		user := base
		if n > 1 {
			user = fmt.Sprintf("%s-%d", base, n)
		}
		addr, err := lync.MakeSIPAddress(user, domain)
		if err != nil {
			return lync.SIPAddress{}, false
		}
		if x.User(addr) >= 0 || x.Endpoint(addr) >= 0 || s.taken[addr.Key()] {
			continue // taken: an endpoint's address must be free
		}
		s.taken[addr.Key()] = true
		s.added[pk] = append(s.added[pk], len(t.TrustedApplicationEndpoints))
		t.TrustedApplicationEndpoints = append(t.TrustedApplicationEndpoints,
			lync.TrustedApplicationEndpoint{SIPAddress: addr, ApplicationID: app.ApplicationID, Pool: app.Pool})
		s.correct("lync-endpoint-missing", "lync/endpoint/"+addr.String(), "lync.trustedApplicationEndpoints",
			"trusted application endpoint %s added to pool %s for the RMX's ICE identity", addr, app.Pool)
		return addr, true
	}
	return lync.SIPAddress{}, false
}

// moveVMRs moves meeting rooms defined on an RMX to the first DMA that
// manages it.
func (s *settler) moveVMRs() {
	manager := managers(s.d.RPP.DMA)
	for i := range s.d.RPP.RMX {
		r := &s.d.RPP.RMX[i]
		j := manager(r)
		if len(r.VMRs) == 0 || j < 0 {
			continue
		}
		m := &s.d.RPP.DMA[j]
		have := foldSet(m.VMRs)
		for _, v := range r.VMRs {
			if !have[strings.ToLower(v)] {
				have[strings.ToLower(v)] = true
				m.VMRs = append(m.VMRs, v)
			}
		}
		s.correct("rmx-vmr-defined", "rmx/"+r.Name, rmxPath(i, ".vmrs"),
			"meeting rooms %s moved from the RMX to DMA %s", strings.Join(r.VMRs, ", "), m.Name)
		r.VMRs = nil
	}
}

// foldSet is the set of list's items, without regard to case.
func foldSet(list []string) map[string]bool {
	set := make(map[string]bool, len(list))
	for _, x := range list {
		set[strings.ToLower(x)] = true
	}
	return set
}

// rppComputer is an RMX or DMA as a computer Lync must know.
type rppComputer struct {
	fqdn   lync.FQDN
	port   lync.Port
	object string
	site   string
}

func rppComputers(d *Deployment) []rppComputer {
	var cs []rppComputer
	for i := range d.RPP.RMX {
		r := &d.RPP.RMX[i]
		cs = append(cs, rppComputer{r.FQDN, r.SIPPort(), "rmx/" + r.Name, r.Site})
	}
	for i := range d.RPP.DMA {
		m := &d.RPP.DMA[i]
		cs = append(cs, rppComputer{m.FQDN, m.SIPPort(), "dma/" + m.Name, m.Site})
	}
	return cs
}
