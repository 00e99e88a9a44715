package shell

import (
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"

	"github.com/rppkit/rppkit/lync"
)

// assemble puts the facts together into the topology, settles what needs
// every output (Edge associations, computers named by GRUUs, routes seen
// without destination) and orders everything deterministically.
func (rd *reading) assemble() *Import {
	var t lync.Topology
	if rd.product.set {
		t.Product = lync.Product(rd.product.val)
	}
	rd.settleRegistrars()
	rd.settleComputerGruus()
	rd.settleRoutes()

	for _, k := range sortedKeys(rd.domains) {
		t.SIPDomains = append(t.SIPDomains, rd.domains[k])
	}
	for _, k := range sortedKeys(rd.sites) {
		s := rd.sites[k]
		id, _ := strconv.Atoi(s.id.val)
		t.Sites = append(t.Sites, lync.Site{Name: s.name, ID: id})
	}
	for _, k := range sortedKeys(rd.edges) {
		e := rd.edges[k]
		t.EdgePools = append(t.EdgePools, lync.EdgePool{FQDN: e.fqdn, Site: e.site.val})
	}
	for _, k := range sortedKeys(rd.frontEnds) {
		f := rd.frontEnds[k]
		t.FrontEndPools = append(t.FrontEndPools, lync.FrontEndPool{FQDN: f.fqdn, Site: f.site.val, EdgePool: lync.FQDN(f.edge.val), Computers: f.computers})
	}
	for _, k := range sortedKeys(rd.pools) {
		p := rd.pools[k]
		what := "trusted application pool " + p.fqdn.String()
		if !p.registrar.set {
			rd.report(p.at, SeverityWarning, "", what+": "+ErrIncomplete.Error()+": no registrar in the output",
				"Get-CsTrustedApplicationPool | Format-List * prints it", ErrIncomplete)
		}
		if !p.computersSeen {
			rd.report(p.at, SeverityWarning, "", what+": "+ErrIncomplete.Error()+": no computers in the output, so it reads as a single-computer pool",
				"Get-CsTrustedApplicationComputer | Format-List * prints them", ErrIncomplete)
		}
		cs := slices.Clone(p.computers)
		slices.SortFunc(cs, func(a, b lync.FQDN) int { return strings.Compare(a.Key(), b.Key()) })
		t.TrustedApplicationPools = append(t.TrustedApplicationPools, lync.TrustedApplicationPool{
			FQDN: p.fqdn, Site: p.site.val, Registrar: lync.FQDN(p.registrar.val), Computers: cs})
	}
	for _, k := range sortedKeys(rd.apps) {
		a := rd.apps[k]
		if !a.gruu.set && a.emptyGRUU != nil {
			rd.report(*a.emptyGRUU, SeverityWarning, "Get-CsTrustedApplication",
				fmt.Sprintf("%s: trusted application %s/%s has no Service GRUU yet; imported with serviceGruu \"\"", ErrEmptyServiceGRUU, a.pool, a.app.URN()),
				emptyGRUUHint(a.pool, a.app), ErrEmptyServiceGRUU)
		}
		port, _ := strconv.Atoi(a.port.val)
		t.TrustedApplications = append(t.TrustedApplications, lync.TrustedApplication{
			ApplicationID: a.app, Pool: a.pool, Port: lync.Port(port), ServiceGRUU: a.gruu.val})
	}
	for _, k := range sortedKeys(rd.endpoints) {
		e := rd.endpoints[k]
		t.TrustedApplicationEndpoints = append(t.TrustedApplicationEndpoints, lync.TrustedApplicationEndpoint{
			SIPAddress: e.addr, ApplicationID: lync.ApplicationID(e.app.val), Pool: lync.FQDN(e.pool.val)})
	}
	for _, k := range sortedKeys(rd.users) {
		t.Users = append(t.Users, rd.users[k])
	}
	for _, k := range sortedKeys(rd.routes) {
		t.StaticRoutes = append(t.StaticRoutes, rd.routes[k].route)
	}
	if len(rd.otherPools) > 0 {
		rd.report(rd.otherPools[0], SeverityInfo, "Get-CsPool",
			fmt.Sprintf("%d pool(s) with no Registrar, Edge or trusted application service (SQL stores, file stores, Mediation …) left out: the deployment model has no place for them", len(rd.otherPools)),
			"", ErrLeftOut)
	}

	im := &Import{Topology: t, Diagnostics: sortDiagnostics(rd.diags)}
	for part := range rd.covered {
		im.Parts = append(im.Parts, part)
	}
	slices.Sort(im.Parts)
	emptyCovered(&im.Topology, im.Covers)
	return im
}

// emptyCovered makes every covered list non-nil, so that a covered part
// with nothing in it is written as [] and replaces what a deployment file
// held, while a part not covered stays nil.
func emptyCovered(t *lync.Topology, covers func(string) bool) {
	for part, l := range map[string]func(){
		PartSIPDomains:                  func() { t.SIPDomains = orEmpty(t.SIPDomains) },
		PartSites:                       func() { t.Sites = orEmpty(t.Sites) },
		PartFrontEndPools:               func() { t.FrontEndPools = orEmpty(t.FrontEndPools) },
		PartEdgePools:                   func() { t.EdgePools = orEmpty(t.EdgePools) },
		PartTrustedApplicationPools:     func() { t.TrustedApplicationPools = orEmpty(t.TrustedApplicationPools) },
		PartTrustedApplications:         func() { t.TrustedApplications = orEmpty(t.TrustedApplications) },
		PartTrustedApplicationEndpoints: func() { t.TrustedApplicationEndpoints = orEmpty(t.TrustedApplicationEndpoints) },
		PartUsers:                       func() { t.Users = orEmpty(t.Users) },
		PartStaticRoutes:                func() { t.StaticRoutes = orEmpty(t.StaticRoutes) },
	} {
		if covers(part) {
			l()
		}
	}
}

func orEmpty[T any](s []T) []T {
	if s == nil {
		return []T{}
	}
	return s
}

func sortedKeys[V any](m map[string]V) []string {
	return slices.Sorted(maps.Keys(m))
}

// settleRegistrars gives each Front End pool the Edge pool its Registrar
// service names; a Front End pool no Registrar record covers takes the
// only Edge pool of its site, if there is exactly one (an inference,
// reported), and never one from another site.
func (rd *reading) settleRegistrars() {
	for _, r := range rd.registrars {
		fe := rd.frontEnds[r.pool.Key()]
		if fe == nil {
			rd.report(r.at, SeverityInfo, "Get-CsService",
				fmt.Sprintf("Registrar %s is not a Front End pool of this output (a Director, or Get-CsPool not collected); its Edge association left out", r.pool),
				"", ErrLeftOut)
			continue
		}
		what := "Front End pool " + fe.fqdn.String()
		if r.site != "" {
			rd.put(&fe.site, r.site, r.at, sameFold, "Get-CsService", what+"'s site")
		}
		if r.has {
			rd.put(&fe.edge, r.edge.String(), r.at, sameFQDN, "Get-CsService", what+"'s Edge pool")
		}
	}
	for _, k := range sortedKeys(rd.frontEnds) {
		fe := rd.frontEnds[k]
		if fe.edge.set || fe.site.val == "" {
			continue
		}
		var inSite []*edgeFact
		for _, ek := range sortedKeys(rd.edges) {
			if e := rd.edges[ek]; strings.EqualFold(e.site.val, fe.site.val) {
				inSite = append(inSite, e)
			}
		}
		switch len(inSite) {
		case 0:
		case 1:
			fe.edge = slot{val: inSite[0].fqdn.String(), at: fe.at, set: true}
			rd.report(fe.at, SeverityInfo, "Get-CsPool",
				fmt.Sprintf("Front End pool %s: %s: its Edge pool is %s, the only Edge pool of site %s", fe.fqdn, ErrInferred, inSite[0].fqdn, fe.site.val),
				"Get-CsService -Registrar | Format-List * prints the association", ErrInferred)
		default:
			rd.report(fe.at, SeverityWarning, "Get-CsPool",
				fmt.Sprintf("Front End pool %s: %s: site %s has %d Edge pools and no Registrar record says which one it uses", fe.fqdn, ErrIncomplete, fe.site.val, len(inSite)),
				"Get-CsService -Registrar | Format-List * prints the association", ErrIncomplete)
		}
	}
}

// settleComputerGruus adds the computers that ComputerGruus name to pools
// other records define; alone, ComputerGruus define no pool. A row of
// $app.ComputerGruus does not name its pool: it is the pool of the only
// trusted application with the GRUU's application ID, if there is one.
func (rd *reading) settleComputerGruus() {
	for _, c := range rd.computerGruus {
		pool := c.pool
		if pool == "" {
			var pools []lync.FQDN
			for _, k := range sortedKeys(rd.apps) {
				if a := rd.apps[k]; a.app.Equal(c.app) && !slices.ContainsFunc(pools, a.pool.Equal) {
					pools = append(pools, a.pool)
				}
			}
			if len(pools) != 1 {
				rd.report(c.at, SeverityInfo, "Get-CsTrustedApplication",
					fmt.Sprintf("computer GRUU of %s: %d trusted applications %s in the output, so its pool is unknown; not used", c.computer, len(pools), c.app.URN()),
					"Get-CsTrustedApplicationComputer | Format-List * names the pools' computers", ErrLeftOut)
				continue
			}
			pool = pools[0]
		}
		if p := rd.pools[pool.Key()]; p != nil {
			p.addComputers(c.computer)
			p.computersSeen = true
		}
	}
}

// settleRoutes warns about the routes that only the configuration's own
// listing shows. When no expanded route was read at all, the output does
// not say where any route goes, so staticRoutes is not covered and a
// refresh keeps the deployment's routes.
func (rd *reading) settleRoutes() {
	missing := 0
	for _, c := range rd.configRoutes {
		if rd.routeMatches[strings.ToLower(c.matchURI)] {
			continue
		}
		missing++
		rd.report(c.at, SeverityWarning, "Get-CsStaticRoutingConfiguration",
			fmt.Sprintf("%s: the route for %s: Get-CsStaticRoutingConfiguration's listing does not print where it goes; not imported", ErrRouteWithoutDestination, c.matchURI),
			"Get-CsStaticRoutingConfiguration | Select-Object -ExpandProperty Route | Format-List * prints it", ErrRouteWithoutDestination)
	}
	if missing > 0 && len(rd.routeMatches) == 0 {
		delete(rd.covered, PartStaticRoutes)
	}
}
