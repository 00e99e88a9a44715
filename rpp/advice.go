package rpp

import (
	"errors"
	"fmt"
	"strings"

	"github.com/rppkit/rppkit/lync"
	"github.com/rppkit/rppkit/rmx"
)

// NeedsStaticRoute reports whether the workflows need a Lync static route to
// the RPP systems: only the traditional workflow does, where Lync clients
// call the RMX or DMA directly. RealConnect alone needs none, because Lync
// clients then only ever join the AV MCU.
func NeedsStaticRoute(workflows []Workflow) bool {
	for _, w := range workflows {
		if w == Traditional {
			return true
		}
	}
	return false
}

// PoolPlan is a trusted application pool the guidance calls for.
type PoolPlan struct {
	// Sites are the sites whose RPP systems the pool holds.
	Sites []string
	// Registrar is the Front End pool the pool should point to.
	Registrar lync.FQDN
	// Computers are the RMXs and DMAs of those sites, as listed.
	Computers []lync.FQDN
}

// ErrNoFrontEnd is returned by PlanPools for a topology without a Front End
// pool to register a trusted application pool with.
var ErrNoFrontEnd = errors.New("the topology has no Front End pool")

// PlanPools says which trusted application pools d's RPP systems should sit
// in. Normally one multiple-computer pool holds them all, registered with
// the Front End pool of the site that has most of them. With more than one
// Edge pool and more than one RPP set (the systems of a site), each set gets
// a pool of its own registered with its own site's Front End pool, so that
// its RMXs relay media through their own site's Edge; a set in a site
// without a Front End pool joins the first set's pool.
func PlanPools(d *Deployment) ([]PoolPlan, error) {
	t := &d.Lync
	if len(t.FrontEndPools) == 0 {
		return nil, ErrNoFrontEnd
	}
	type set struct {
		site      string
		computers []lync.FQDN
	}
	var sets []*set
	bySite := map[string]*set{}
	add := func(site string, fqdn lync.FQDN) {
		k := strings.ToLower(site)
		s := bySite[k]
		if s == nil {
			s = &set{site: site}
			bySite[k] = s
			sets = append(sets, s)
		}
		s.computers = append(s.computers, fqdn)
	}
	for _, r := range d.RPP.RMX {
		add(r.Site, r.FQDN)
	}
	for _, s := range d.RPP.DMA {
		add(s.Site, s.FQDN)
	}
	if len(sets) == 0 {
		return nil, nil
	}
	local := localFrontEnds(t)
	if len(t.EdgePools) > 1 && len(sets) > 1 {
		var plans []PoolPlan
		var homeless []*set
		for _, s := range sets {
			if fe := local[strings.ToLower(s.site)]; fe != nil {
				plans = append(plans, PoolPlan{Sites: []string{s.site}, Registrar: fe.FQDN, Computers: s.computers})
			} else {
				homeless = append(homeless, s)
			}
		}
		if len(plans) > 0 {
			for _, s := range homeless {
				plans[0].Sites = append(plans[0].Sites, s.site)
				plans[0].Computers = append(plans[0].Computers, s.computers...)
			}
			return plans, nil
		}
	}
	one := PoolPlan{}
	biggest := sets[0]
	for _, s := range sets {
		one.Sites = append(one.Sites, s.site)
		one.Computers = append(one.Computers, s.computers...)
		if len(s.computers) > len(biggest.computers) {
			biggest = s
		}
	}
	one.Registrar = t.FrontEndPools[0].FQDN
	if fe := local[strings.ToLower(biggest.site)]; fe != nil {
		one.Registrar = fe.FQDN
	}
	return []PoolPlan{one}, nil
}

// localFrontEnds maps each site (lower-cased) to its Front End pool: the
// first one paired with an Edge pool, else the first one. One pass over the
// pools, so that planning stays linear in the number of sites.
func localFrontEnds(t *lync.Topology) map[string]*lync.FrontEndPool {
	local := make(map[string]*lync.FrontEndPool, len(t.FrontEndPools))
	for i := range t.FrontEndPools {
		fe := &t.FrontEndPools[i]
		site := strings.ToLower(fe.Site)
		if first := local[site]; first == nil || fe.EdgePool != "" && first.EdgePool == "" {
			local[site] = fe
		}
	}
	return local
}

// ICESettings are what an RMX on the new ICE method needs.
type ICESettings struct {
	ICEEnvironment   rmx.ICEEnvironment // always MS for Lync
	ServerUserName   string             // the endpoint's user part
	ServerDomainName string             // the endpoint's SIP domain
	// ContactOverride is the system flag SIP_CONTACT_OVERRIDE_STR: the
	// pool's Service GRUU without sip:.
	ContactOverride string
}

// ErrEndpointMismatch is wrapped by DeriveICESettings when the endpoint does
// not belong to the application.
var ErrEndpointMismatch = errors.New("endpoint does not belong to the trusted application")

// DeriveICESettings derives an RMX's ICE settings from the trusted
// application endpoint it will use and the trusted application of the
// endpoint's pool. It refuses an endpoint of another pool or application and
// a Service GRUU that is not that application's (errors.Is
// lync.ErrMalformedGRUU).
func DeriveICESettings(ep lync.TrustedApplicationEndpoint, app lync.TrustedApplication) (ICESettings, error) {
	if !ep.Pool.Equal(app.Pool) || !ep.ApplicationID.Equal(app.ApplicationID) {
		return ICESettings{}, fmt.Errorf("%w: endpoint %s is of %s in pool %s, the application is %s in pool %s",
			ErrEndpointMismatch, ep.SIPAddress, ep.ApplicationID.Bare(), ep.Pool, app.ApplicationID.Bare(), app.Pool)
	}
	if ep.SIPAddress.IsZero() {
		return ICESettings{}, fmt.Errorf("%w: the endpoint has no SIP address", ErrEndpointMismatch)
	}
	g, err := lync.ParseGRUU(app.ServiceGRUU)
	if err == nil {
		err = g.BelongsTo(app.Pool, app.ApplicationID)
	}
	if err != nil {
		return ICESettings{}, fmt.Errorf("the application's Service GRUU: %w", err)
	}
	return ICESettings{
		ICEEnvironment:   rmx.ICEMS,
		ServerUserName:   ep.SIPAddress.User(),
		ServerDomainName: ep.SIPAddress.Domain(),
		ContactOverride:  g.WithoutScheme(),
	}, nil
}
