package conformance

import (
	"context"
	"fmt"
	"strings"

	"github.com/rppkit/rppkit/dma"
	"github.com/rppkit/rppkit/lync"
	"github.com/rppkit/rppkit/rmx"
	"github.com/rppkit/rppkit/rpp"
)

// Reference is rppkit itself as a subject of every kind: the implementation
// the kit is checked against (rppkit passes its own kit), and a model for
// adapters of other tools.
type Reference struct{}

// Subject returns the reference as a Subject of every behaviour, for Run
// and Evaluate.
func (r Reference) Subject() Subject {
	return Subject{GRUU: r, Release: r, ICE: r, Pools: r, StaticRoutes: r, Deployment: r}
}

var (
	_ GRUUFormatter      = Reference{}
	_ ReleaseAdvisor     = Reference{}
	_ ICEDeriver         = Reference{}
	_ PoolPlanner        = Reference{}
	_ StaticRouteAdvisor = Reference{}
	_ DeploymentChecker  = Reference{}
)

// RMXForm returns the GRUU without sip:, for SIP_CONTACT_OVERRIDE_STR.
//
// Blanks and line breaks around the value, which copying from the
// Management Shell adds, are dropped (rule rpp-gruu-whitespace says the
// same); a blank inside it is refused, since what it stood for is not known.
func (Reference) RMXForm(s string) (string, error) {
	g, err := lync.ParseGRUU(strings.TrimSpace(s))
	return g.WithoutScheme(), err
}

// DMAForm returns the GRUU with sip:, for the DMA's Lync peer.
// Blanks around the value are dropped, as for RMXForm.
func (Reference) DMAForm(s string) (string, error) {
	g, err := lync.ParseGRUU(strings.TrimSpace(s))
	return g.String(), err
}

// Release reports rmx.Capabilities.
func (Reference) Release(version string) (Release, error) {
	v, err := rmx.ParseVersion(version)
	if err != nil {
		return Release{}, err
	}
	c := rmx.Capabilities(v)
	r := Release{ICEMandatory: c.ICEMandatory, SkypeForBusiness: c.SkypeForBusiness}
	for _, m := range c.ICEMethods {
		r.ICEMethods = append(r.ICEMethods, string(m))
	}
	return r, nil
}

// DeriveICE reports rpp.DeriveICESettings.
func (Reference) DeriveICE(in ICEInput) (ICESettings, error) {
	var ep lync.TrustedApplicationEndpoint
	var app lync.TrustedApplication
	for _, f := range []struct {
		into interface{ UnmarshalText([]byte) error }
		from string
	}{
		{&ep.SIPAddress, in.Endpoint.SIPAddress}, {&ep.ApplicationID, in.Endpoint.ApplicationID}, {&ep.Pool, in.Endpoint.Pool},
		{&app.ApplicationID, in.Application.ApplicationID}, {&app.Pool, in.Application.Pool},
	} {
		if err := f.into.UnmarshalText([]byte(f.from)); err != nil {
			return ICESettings{}, err
		}
	}
	app.Port, app.ServiceGRUU = lync.Port(in.Application.Port), in.Application.ServiceGRUU
	s, err := rpp.DeriveICESettings(ep, app)
	return ICESettings{
		ICEEnvironment:   string(s.ICEEnvironment),
		ServerUserName:   s.ServerUserName,
		ServerDomainName: s.ServerDomainName,
		ContactOverride:  s.ContactOverride,
	}, err
}

// PlanPools reports rpp.PlanPools.
func (Reference) PlanPools(in PoolsInput) ([]Pool, error) {
	var d rpp.Deployment
	t := &d.Lync
	for _, fe := range in.FrontEndPools {
		t.FrontEndPools = append(t.FrontEndPools, lync.FrontEndPool{FQDN: lync.FQDN(fe.FQDN), Site: fe.Site, EdgePool: lync.FQDN(fe.EdgePool)})
	}
	for _, e := range in.EdgePools {
		t.EdgePools = append(t.EdgePools, lync.EdgePool{FQDN: lync.FQDN(e.FQDN), Site: e.Site})
	}
	for _, s := range in.RMX {
		d.RPP.RMX = append(d.RPP.RMX, rmx.System{FQDN: lync.FQDN(s.FQDN), Site: s.Site})
	}
	for _, s := range in.DMA {
		d.RPP.DMA = append(d.RPP.DMA, dma.System{FQDN: lync.FQDN(s.FQDN), Site: s.Site})
	}
	plans, err := rpp.PlanPools(&d)
	if err != nil {
		return nil, err
	}
	pools := []Pool{}
	for _, p := range plans {
		pool := Pool{Registrar: string(p.Registrar)}
		for _, c := range p.Computers {
			pool.Computers = append(pool.Computers, string(c))
		}
		pools = append(pools, pool)
	}
	return pools, nil
}

// NeedsStaticRoute reports rpp.NeedsStaticRoute.
func (Reference) NeedsStaticRoute(workflows []string) (bool, error) {
	var ws []rpp.Workflow
	for _, s := range workflows {
		var w rpp.Workflow
		if err := w.UnmarshalText([]byte(s)); err != nil {
			return false, err
		}
		ws = append(ws, w)
	}
	if len(ws) == 0 {
		return false, fmt.Errorf("no workflow given")
	}
	return rpp.NeedsStaticRoute(ws), nil
}

// CheckDeployment decodes the deployment with rpp.Parse and runs rpp.Check.
// The rules that fire are those of the findings no suppression (an ignore:
// block) silences.
func (Reference) CheckDeployment(ctx context.Context, deployment []byte) ([]string, error) {
	d, err := rpp.Parse("deployment.json", deployment)
	if err != nil {
		return nil, err
	}
	r := rpp.Check(ctx, d, rpp.Options{})
	var ids []string
	for _, f := range r.Findings {
		if f.Suppressed == nil {
			ids = append(ids, f.Rule)
		}
	}
	return ids, r.Err
}
