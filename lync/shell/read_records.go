package shell

import (
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/rppkit/rppkit/lync"
)

// serverVersions maps the product names Get-CsServerVersion prints ("Skype
// for Business Server 2015 (6.0.9319.0): Volume license key installed.")
// to lync.Product.
var serverVersions = []struct {
	name    string
	product lync.Product
}{
	{"Lync Server 2010", lync.Lync2010},
	{"Lync Server 2013", lync.Lync2013},
	{"Skype for Business Server 2015", lync.SfB2015},
	{"Skype for Business Server 2019", lync.SfB2019},
}

func readServerVersion(x *rec) {
	v := x.str("ServerVersion")
	if x.bad {
		return
	}
	for _, sv := range serverVersions {
		if strings.Contains(strings.ToLower(v), strings.ToLower(sv.name)) {
			x.cover(PartProduct)
			x.rd.put(&x.rd.product, string(sv.product), x.fieldAt("ServerVersion"), sameExact, x.kind.Cmdlet, "the product")
			return
		}
	}
	x.fail("ServerVersion", fmt.Errorf("%q names no release rppkit knows (Lync Server 2010 or 2013, Skype for Business Server 2015 or 2019)", v))
}

func readSite(x *rec) {
	name := x.siteName("Identity")
	idText := x.str("SiteId")
	kind := x.str("Kind")
	if x.bad {
		return
	}
	if name == "" {
		x.fail("Identity", errors.New("no site name (want Site:NAME)"))
		return
	}
	if kind != "" && !strings.EqualFold(kind, "Central") {
		x.cover(PartSites)
		x.report("Kind", SeverityInfo, fmt.Sprintf("site %s is a %s site; left out: the deployment model holds central sites", name, kind),
			"", ErrLeftOut)
		return
	}
	var id int
	if idText != "" {
		n, err := strconv.Atoi(idText)
		if err != nil || n <= 0 {
			x.fail("SiteId", fmt.Errorf("%q is not a site number", idText))
			return
		}
		id = n
	}
	x.cover(PartSites)
	s := factFor(x.rd.sites, strings.ToLower(name), func() *siteFact { return &siteFact{name: name} })
	if id != 0 {
		x.rd.put(&s.id, strconv.Itoa(id), x.fieldAt("SiteId"), sameExact, x.kind.Cmdlet, "site "+name+"'s SiteId")
	}
}

// poolRole is what Get-CsPool's Services list makes of a pool.
type poolRole int

const (
	roleOther poolRole = iota
	roleFrontEnd
	roleDirector
	roleEdge
	roleTrustedApplication
	roleUnknown // the list was cut before it said
)

// roleOf reads the pool's role from the service types of its Services
// list (UserServer:fe.contoso.com …): a Registrar with a UserServer is a
// Front End pool, a Registrar alone a Director, an EdgeServer an Edge pool,
// an ExternalServer a trusted application pool.
func roleOf(services []string, cut bool) poolRole {
	has := map[string]bool{}
	for _, s := range services {
		kind, _, _ := strings.Cut(s, ":")
		has[strings.ToLower(strings.TrimSpace(kind))] = true
	}
	switch {
	case has["registrar"] && has["userserver"]:
		return roleFrontEnd
	case has["edgeserver"]:
		return roleEdge
	case has["externalserver"]:
		return roleTrustedApplication
	case cut:
		return roleUnknown
	case has["registrar"]:
		return roleDirector
	}
	return roleOther
}

func readPool(x *rec) {
	fqdn := x.fqdn("Fqdn", "")
	if fqdn == "" && !x.bad {
		fqdn = x.fqdn("Identity", "")
	}
	services, cut, _ := x.list("Services")
	site := x.siteName("Site")
	if x.bad {
		return
	}
	if fqdn == "" {
		x.fail("Fqdn", errors.New("no pool FQDN (neither Fqdn nor Identity)"))
		return
	}
	rd := x.rd
	switch roleOf(services, cut) {
	case roleUnknown:
		x.bad = true
		x.report("Services", SeverityError,
			fmt.Sprintf("Get-CsPool record of %s: %s: the Services list was cut before it says the pool's role; left out", fqdn, ErrTruncatedValue),
			"set $FormatEnumerationLimit = -1 before Get-CsPool, as rpp import --help shows", ErrTruncatedValue)
	case roleDirector:
		x.report("Services", SeverityInfo,
			fmt.Sprintf("pool %s has a Registrar but no UserServer (a Director); left out: the deployment model holds Front End pools", fqdn),
			"", ErrLeftOut)
	case roleOther:
		rd.otherPools = append(rd.otherPools, x.at)
	case roleFrontEnd:
		// Computers says whether the pool is load-balanced, which
		// rmx-flag-keep-alive-off judges.
		computers, _ := x.fqdnList("Computers")
		if x.bad {
			return
		}
		x.cover(PartFrontEndPools)
		p := factFor(rd.frontEnds, fqdn.Key(), func() *frontEndFact { return &frontEndFact{fqdn: fqdn, at: x.at} })
		x.putSite(&p.site, site, "Front End pool "+fqdn.String())
		addFQDNs(&p.computers, computers...)
	case roleEdge:
		x.cover(PartEdgePools)
		p := factFor(rd.edges, fqdn.Key(), func() *edgeFact { return &edgeFact{fqdn: fqdn, at: x.at} })
		x.putSite(&p.site, site, "Edge pool "+fqdn.String())
	case roleTrustedApplication:
		computers, listed := x.fqdnList("Computers")
		if x.bad {
			return
		}
		x.cover(PartTrustedApplicationPools)
		p := rd.pool(fqdn, x.at)
		x.putSite(&p.site, site, "trusted application pool "+fqdn.String())
		if listed {
			p.addComputers(computers...)
			p.computersSeen = true
		}
	}
}

func (rd *reading) pool(fqdn lync.FQDN, at place) *poolFact {
	return factFor(rd.pools, fqdn.Key(), func() *poolFact { return &poolFact{fqdn: fqdn, at: at} })
}

// factFor returns the fact m holds under key, adding the one made by add
// when there is none yet: the first record about an object places it.
func factFor[T any](m map[string]*T, key string, add func() *T) *T {
	f := m[key]
	if f == nil {
		f = add()
		m[key] = f
	}
	return f
}

// putSite records the site of the record's Site field for what, when the
// record names one.
func (x *rec) putSite(slot *slot, site, what string) {
	if site != "" {
		x.rd.put(slot, site, x.fieldAt("Site"), sameFold, x.kind.Cmdlet, what+"'s site")
	}
}

func (p *poolFact) addComputers(cs ...lync.FQDN) { addFQDNs(&p.computers, cs...) }

// addFQDNs appends to list each of fqdns it does not hold yet: several
// records may list the computers of one pool.
func addFQDNs(list *[]lync.FQDN, fqdns ...lync.FQDN) {
next:
	for _, c := range fqdns {
		for _, have := range *list {
			if have.Equal(c) {
				continue next
			}
		}
		*list = append(*list, c)
	}
}

func readRegistrarService(x *rec) {
	pool := x.fqdn("PoolFqdn", "")
	if pool == "" && !x.bad {
		pool = x.fqdn("Identity", "Registrar:")
	}
	edge := x.fqdn("EdgeServer", "EdgeServer:")
	_, has := x.r.Field("EdgeServer")
	site := x.siteName("SiteId")
	if x.bad {
		return
	}
	if pool == "" {
		x.fail("Identity", errors.New("no pool FQDN (neither PoolFqdn nor Identity Registrar:FQDN)"))
		return
	}
	x.rd.registrars = append(x.rd.registrars, registrarFact{pool: pool, edge: edge, has: has, site: site, at: x.fieldAt("EdgeServer")})
}

func readTrustedApplicationPool(x *rec) {
	fqdn := x.fqdn("PoolFqdn", "")
	if fqdn == "" && !x.bad {
		fqdn = x.fqdn("Identity", "TrustedApplicationPool:")
	}
	registrar := x.fqdn("Registrar", "Registrar:")
	site := x.siteName("SiteId")
	computers, listed := x.fqdnList("Computers")
	if x.bad {
		return
	}
	if fqdn == "" {
		x.fail("Identity", errors.New("no pool FQDN (neither PoolFqdn nor Identity TrustedApplicationPool:FQDN)"))
		return
	}
	x.cover(PartTrustedApplicationPools)
	rd := x.rd
	p := rd.pool(fqdn, x.at)
	what := "trusted application pool " + fqdn.String()
	if registrar != "" {
		rd.put(&p.registrar, registrar.String(), x.fieldAt("Registrar"), sameFQDN, x.kind.Cmdlet, what+"'s registrar")
	}
	if site != "" {
		rd.put(&p.site, site, x.fieldAt("SiteId"), sameFold, x.kind.Cmdlet, what+"'s site")
	}
	if listed {
		p.addComputers(computers...)
		p.computersSeen = true
	}
}

func readTrustedApplicationComputer(x *rec) {
	computer := x.fqdn("Fqdn", "")
	if computer == "" && !x.bad {
		computer = x.fqdn("Identity", "")
	}
	pool := x.fqdn("Pool", "TrustedApplicationPool:")
	if x.bad {
		return
	}
	switch {
	case computer == "":
		x.fail("Fqdn", errors.New("no computer FQDN"))
		return
	case pool == "":
		x.fail("Pool", errors.New("no pool FQDN"))
		return
	}
	x.cover(PartTrustedApplicationPools)
	p := x.rd.pool(pool, x.at)
	p.addComputers(computer)
	p.computersSeen = true
}

// normalizeGRUU removes the blanks around each ';' of a GRUU as the shell
// prints it in a table (sip:client.contoso.com@contoso.com; gruu;
// Opaque=srvr:app:TOKEN — Microsoft's UCMA "ComputerGruus" docs) and keeps
// the rest as printed, case included: ParseGRUU matches parameter names
// without regard to case.
func normalizeGRUU(v string) string {
	parts := strings.Split(strings.TrimSpace(v), ";")
	for i, p := range parts {
		parts[i] = strings.TrimSpace(p)
	}
	return strings.Join(parts, ";")
}

// gruu reads a GRUU from a value (or a list item), reporting it under name.
func (x *rec) gruu(name, v string) (lync.GRUU, bool) {
	return parsed(x, name, normalizeGRUU(v), lync.ParseGRUU)
}

// parsed reads v, the value of the record's field name, with parse; a
// value parse refuses is reported as the record's failure, under name.
func parsed[T any](x *rec, name, v string, parse func(string) (T, error)) (T, bool) {
	t, err := parse(v)
	if err != nil {
		x.fail(name, err)
		return t, false
	}
	return t, true
}

// emptyGRUUHint is what to try when Lync printed a ServiceGruu empty: some
// admins report it on Skype for Business Server before the topology is
// enabled or replicated.
func emptyGRUUHint(pool lync.FQDN, app lync.ApplicationID) string {
	id := "POOL/urn:application:ID"
	if pool != "" && app != "" {
		id = pool.String() + "/" + app.URN()
	}
	return "run Enable-CsTopology, wait for replication (Get-CsManagementStoreReplicationStatus), then read it with " +
		"Get-CsTrustedApplication -Identity " + id + " | Select-Object -ExpandProperty ServiceGruu; " +
		"the application's ComputerGruus show whether Lync assigned GRUUs at all"
}

func readTrustedApplication(x *rec) {
	var pool lync.FQDN
	var app lync.ApplicationID
	id := x.str("Identity")
	if id != "" {
		p, a, ok := strings.Cut(id, "/")
		if !ok {
			x.fail("Identity", fmt.Errorf("%q is not POOL-FQDN/urn:application:ID", id))
			return
		}
		f, ok := parsed(x, "Identity", p, lync.ParseFQDN)
		if !ok {
			return
		}
		aid, ok := parsed(x, "Identity", a, lync.ParseApplicationID)
		if !ok {
			return
		}
		pool, app = f, lync.ApplicationID(aid.Bare())
	}
	if v := x.str("ApplicationId"); v != "" && !x.bad {
		if aid, ok := parsed(x, "ApplicationId", v, lync.ParseApplicationID); ok {
			if app != "" && !app.Equal(aid) {
				x.fail("ApplicationId", fmt.Errorf("%s, but the Identity names %s", aid, app))
			} else {
				app = lync.ApplicationID(aid.Bare())
			}
		}
	}
	if f := x.fqdn("TrustedApplicationPoolFqdn", ""); f != "" && !x.bad {
		if pool != "" && !pool.Equal(f) {
			x.fail("TrustedApplicationPoolFqdn", fmt.Errorf("%s, but the Identity names %s", f, pool))
		} else {
			pool = f
		}
	}
	var port lync.Port
	if v := x.str("Port"); v != "" && !x.bad {
		port, _ = parsed(x, "Port", v, lync.ParsePort)
	}
	gruuText, hasGRUU := x.val("ServiceGruu")
	var gruu lync.GRUU
	if gruuText != "" && !x.bad {
		g, ok := x.gruu("ServiceGruu", gruuText)
		if !ok {
			return
		}
		gruu = g
		if pool == "" && app == "" {
			// fl ServiceGruu alone: the GRUU names both.
			pool, app = g.Pool(), g.ApplicationID()
		} else if err := g.BelongsTo(pool, app); err != nil {
			x.fail("ServiceGruu", err)
		}
	}
	computerGruus, cut, _ := x.list("ComputerGruus")
	if cut {
		x.cut("ComputerGruus", x.r.Value("ComputerGruus"))
	}
	var computers []computerGruuFact
	for _, it := range computerGruus {
		if x.bad {
			break
		}
		g, ok := x.gruu("ComputerGruus", it)
		if !ok {
			break
		}
		computers = append(computers, computerGruuFact{pool: pool, computer: g.Pool(), app: g.ApplicationID(), at: x.fieldAt("ComputerGruus")})
	}
	if x.bad {
		return
	}
	if pool == "" || app == "" {
		if hasGRUU && gruuText == "" {
			x.report("ServiceGruu", SeverityWarning,
				fmt.Sprintf("%s: a trusted application's ServiceGruu is empty, and nothing else in the record names it", ErrEmptyServiceGRUU),
				emptyGRUUHint("", ""), ErrEmptyServiceGRUU)
			return
		}
		x.fail("Identity", errors.New("neither Identity, ApplicationId with TrustedApplicationPoolFqdn, nor ServiceGruu names the pool and application"))
		return
	}
	x.cover(PartTrustedApplications)
	rd := x.rd
	key := pool.Key() + "/" + app.Key()
	a := factFor(rd.apps, key, func() *appFact { return &appFact{pool: pool, app: app, at: x.at} })
	what := "trusted application " + pool.String() + "/" + app.URN()
	if port != 0 {
		rd.put(&a.port, strconv.Itoa(int(port)), x.fieldAt("Port"), sameExact, x.kind.Cmdlet, what+"'s port")
	}
	switch {
	case !gruu.IsZero():
		rd.put(&a.gruu, gruu.String(), x.fieldAt("ServiceGruu"), sameGRUU, x.kind.Cmdlet, what+"'s ServiceGruu")
	case hasGRUU && a.emptyGRUU == nil:
		at := x.fieldAt("ServiceGruu")
		a.emptyGRUU = &at
	}
	rd.computerGruus = append(rd.computerGruus, computers...)
}

func readComputerGruuRow(x *rec) {
	computer := x.fqdn("Fqdn", "")
	v := x.str("Gruu")
	if x.bad {
		return
	}
	g, ok := x.gruu("Gruu", v)
	if !ok {
		return
	}
	if computer == "" {
		computer = g.Pool()
	} else if !computer.Equal(g.Pool()) {
		x.fail("Gruu", fmt.Errorf("names computer %s, but the row's Fqdn is %s", g.Pool(), computer))
		return
	}
	x.rd.computerGruus = append(x.rd.computerGruus, computerGruuFact{computer: computer, app: g.ApplicationID(), at: x.at})
}

func readEndpoint(x *rec) {
	addrText := x.str("SipAddress")
	appText := x.str("OwnerUrn")
	if appText == "" {
		appText = x.str("ApplicationId")
	}
	pool := x.fqdn("TrustedApplicationPoolFqdn", "")
	if pool == "" && !x.bad {
		pool = x.fqdn("RegistrarPool", "")
	}
	if x.bad {
		return
	}
	addr, ok := parsed(x, "SipAddress", addrText, lync.ParseSIPAddress)
	if !ok {
		return
	}
	app, ok := parsed(x, "OwnerUrn", appText, lync.ParseApplicationID)
	if !ok {
		return
	}
	if pool == "" {
		x.fail("RegistrarPool", errors.New("no pool FQDN (neither RegistrarPool nor TrustedApplicationPoolFqdn)"))
		return
	}
	x.cover(PartTrustedApplicationEndpoints)
	rd := x.rd
	e := factFor(rd.endpoints, addr.Key(), func() *endpointFact { return &endpointFact{addr: addr, at: x.at} })
	what := "trusted application endpoint " + addr.String()
	rd.put(&e.app, app.Bare(), x.fieldAt("OwnerUrn"), sameFold, x.kind.Cmdlet, what+"'s application")
	rd.put(&e.pool, pool.String(), x.fieldAt("RegistrarPool"), sameFQDN, x.kind.Cmdlet, what+"'s pool")
}

// readStaticRoutingConfiguration reads a configuration's Route list, whose
// items print as {MatchUri=…;MatchOnlyPhoneUri=False;Enabled=True;…}:
// without the destination, which only the expanded routes show.
func readStaticRoutingConfiguration(x *rec) {
	items, cut, _ := x.list("Route")
	if cut {
		x.cut("Route", x.r.Value("Route"))
		return
	}
	var routes []configRouteFact
	for _, it := range items {
		var match string
		enabled := true
		for _, p := range SplitProperties(it) {
			switch {
			case strings.EqualFold(p.Name, "MatchUri"):
				match = strings.TrimSpace(p.Value)
			case strings.EqualFold(p.Name, "Enabled"):
				enabled = !strings.EqualFold(strings.TrimSpace(p.Value), "False")
			}
		}
		if match == "" {
			x.fail("Route", fmt.Errorf("route %q has no MatchUri", it))
			return
		}
		if enabled {
			routes = append(routes, configRouteFact{matchURI: match, at: x.fieldAt("Route")})
		}
	}
	x.cover(PartStaticRoutes)
	x.rd.configRoutes = append(x.rd.configRoutes, routes...)
}

// routeTransport reads a route's Transport property:
// TransportChoice=Certificate=…UseDefaultCert;Fqdn=vcs.contoso.com;Port=5061
// for a TLS route (source: tomlarse, "List static routing config", 2011),
// and an IPAddress for a TCP route, whose destination New-CsStaticRoute
// -TCPRoute takes as an IP address.
func routeTransport(v string) (dest lync.FQDN, port lync.Port, tr lync.Transport, err error) {
	var fqdn, ip, portText, choice string
	for _, p := range SplitProperties(v) {
		val := strings.TrimSpace(p.Value)
		switch strings.ToLower(strings.TrimSpace(p.Name)) {
		case "transportchoice":
			choice = val
			if rest, ok := strings.CutPrefix(strings.ToLower(val), "ipaddress="); ok {
				ip = val[len(val)-len(rest):]
			}
		case "fqdn":
			fqdn = val
		case "ipaddress":
			ip = val
		case "port":
			portText = val
		}
	}
	switch {
	case ip != "":
		tr, dest = lync.TCP, lync.FQDN(ip)
		if !dest.IsIP() {
			return "", 0, "", fmt.Errorf("IPAddress %q is not an IP address", ip)
		}
	case hasPrefixFold(choice, "Certificate") || strings.EqualFold(choice, "Tls") || hasPrefixFold(choice, "Tls="):
		tr = lync.TLS
		if fqdn == "" {
			return "", 0, "", errors.New("a TLS route without Fqdn")
		}
		if dest, err = lync.ParseFQDN(fqdn); err != nil {
			return "", 0, "", err
		}
	default:
		return "", 0, "", fmt.Errorf("%q names neither a certificate (TLS) nor an IP address (TCP)", v)
	}
	if portText != "" {
		if port, err = lync.ParsePort(portText); err != nil {
			return "", 0, "", err
		}
	}
	return dest, port, tr, nil
}

func readStaticRoute(x *rec) {
	match := x.str("MatchUri")
	enabled := x.str("Enabled")
	transport, hasTransport := x.val("Transport")
	if x.bad {
		return
	}
	if match == "" {
		x.fail("MatchUri", errors.New("empty"))
		return
	}
	x.cover(PartStaticRoutes)
	if strings.EqualFold(enabled, "False") {
		// The deployment model has no enabled flag: a disabled route
		// routes nothing, so it is as good as absent. Its match URI is
		// still seen, so the configuration's listing of it is settled.
		x.rd.routeMatches[strings.ToLower(match)] = true
		x.report("Enabled", SeverityInfo, fmt.Sprintf("static route for %s is disabled; left out", match), "", ErrLeftOut)
		return
	}
	if !hasTransport || transport == "" {
		x.report("MatchUri", SeverityWarning,
			fmt.Sprintf("%s: the route for %s has no Transport here", ErrRouteWithoutDestination, match),
			"Get-CsStaticRoutingConfiguration | Select-Object -ExpandProperty Route | Format-List * prints it",
			ErrRouteWithoutDestination)
		return
	}
	dest, port, tr, err := routeTransport(transport)
	if err != nil {
		x.fail("Transport", err)
		return
	}
	x.rd.routeMatches[strings.ToLower(match)] = true
	r := lync.StaticRoute{Destination: dest, Port: port, Transport: tr, MatchURI: match}
	key := strings.ToLower(match) + "\x00" + dest.Key() + "\x00" + strconv.Itoa(int(port)) + "\x00" + string(tr)
	if x.rd.routes[key] == nil {
		x.rd.routes[key] = &routeFact{route: r, at: x.at}
	}
}

func readSIPDomain(x *rec) {
	name := x.fqdn("Name", "")
	if name == "" && !x.bad {
		name = x.fqdn("Identity", "")
	}
	if x.bad {
		return
	}
	if name == "" {
		x.fail("Name", errors.New("no domain name (neither Name nor Identity)"))
		return
	}
	x.cover(PartSIPDomains)
	if _, ok := x.rd.domains[name.Key()]; !ok {
		x.rd.domains[name.Key()] = name
	}
}

// readUser reads a user's or contact's SIP address; one that is not
// enabled for Lync (Enabled False, or no address) is left out.
func readUser(x *rec) {
	v := x.str("SipAddress")
	enabled := x.str("Enabled")
	if x.bad {
		return
	}
	if v == "" || strings.EqualFold(enabled, "False") {
		x.cover(PartUsers)
		what := "no SIP address"
		if v != "" {
			what = v + " is disabled (Enabled False)"
		}
		x.report("SipAddress", SeverityInfo, fmt.Sprintf("%s record: %s; left out", x.kind.Cmdlet, what), "", ErrLeftOut)
		return
	}
	a, ok := parsed(x, "SipAddress", v, lync.ParseSIPAddress)
	if !ok {
		return
	}
	x.cover(PartUsers)
	if _, ok := x.rd.users[a.Key()]; !ok {
		x.rd.users[a.Key()] = a
	}
}
