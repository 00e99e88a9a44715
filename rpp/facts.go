package rpp

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/rppkit/rppkit/dma"
	"github.com/rppkit/rppkit/lync"
	"github.com/rppkit/rppkit/rmx"
)

// facts are what several rules derive from a deployment; Check computes
// them once, in time linear in the deployment's size.
type facts struct {
	d        *Deployment
	topo     *lync.Index
	pairs    []releasePair
	rmx      []rmxFacts
	dmaPool  []int // pool of each DMA, or -1
	rppPools []int // pools that hold an RMX or DMA, in topology order
	isRPP    []bool
	sets     []*rppSet   // RPP sets, by site, in order of first appearance
	appGRUU  []lync.GRUU // each application's Service GRUU, parsed; zero when absent or malformed
	// gruus memoizes parsed Service GRUUs by value: the same GRUU stands
	// in an application, its RMXs' flags and its DMAs' peers.
	gruus map[string]parsedGRUU
	// systems are the RMXs, then the DMAs; members lists, for each pool,
	// the indexes in systems of those it holds.
	systems []component
	members [][]*component
	// releases are the distinct RMX releases (see rmxReleases).
	releases []rmxRelease
	// registrar and edge are, for each trusted application pool, the index
	// of the Front End pool its registrar names and of that pool's Edge
	// pool (Index.EdgeFor), or -1: looked up once, read by several rules.
	registrar, edge []int
}

// component is an RMX or a DMA, as the pool, site, port and certificate
// rules see both. Its object name and field path are made only when a
// finding needs them.
type component struct {
	kind  string // rmx or dma
	index int    // in RPP.RMX or RPP.DMA
	name  string
	obj   string // rmx/NAME or dma/NAME, made once
	fqdn  lync.FQDN
	site  string
	pool  int
	cert  *lync.Certificate // nil when not known
	port  lync.Port         // the SIP TLS port it listens on
	// explicitPort says the port is set, not the default.
	explicitPort bool
}

// object is rmx/NAME or dma/NAME.
func (c *component) object() string { return c.obj }

// path is rpp.rmx[i] or rpp.dma[i].
func (c *component) path() string { return fmt.Sprintf("rpp.%s[%d]", c.kind, c.index) }

// poolMembers returns the RMXs and DMAs the pool at index pool holds.
func (f *facts) poolMembers(pool int) []*component { return f.members[pool] }

// rppSet is the RMXs and DMAs of one site.
type rppSet struct {
	site       string
	components []*component // in facts.systems
}

// rmxFacts is what the rules need to know of one RMX, kept together so
// that rules over thousands of RMXs read one compact array.
type rmxFacts struct {
	pool int
	// flag is SIP_CONTACT_OVERRIDE_STR as written; hasFlag says it is set.
	flag    string
	hasFlag bool
	caps    rmx.Features
	// method is the ICE method in use, "" when ICE is not configured.
	method rmx.ICEMethod
	// user is Server User Name without any sip: or @domain.
	user string
	// identity is the endpoint (new method) or user (legacy) that Server
	// User Name names in Server Domain Name, or -1.
	identity int
	// elsewhere lists the SIP domains where the name exists, of the kind the
	// method needs, when it does not exist in Server Domain Name.
	elsewhere []string
}

func newFacts(d *Deployment, topo *lync.Index, pairs []dma.ReleasePair) *facts {
	t := &d.Lync
	nr, nd := len(d.RPP.RMX), len(d.RPP.DMA)
	f := &facts{d: d, topo: topo, pairs: parsePairs(pairs), isRPP: make([]bool, len(t.TrustedApplicationPools)),
		members: make([][]*component, len(t.TrustedApplicationPools)),
		rmx:     make([]rmxFacts, nr), dmaPool: make([]int, nd), systems: make([]component, 0, nr+nd)}
	for i := range d.RPP.RMX {
		r := &d.RPP.RMX[i]
		rf := rmxFacts{pool: topo.PoolFor(r.FQDN), caps: rmx.Capabilities(r.Version), identity: -1}
		rf.flag, rf.hasFlag = r.Flags.ContactOverride()
		rf.method, rf.user = rmx.InferICEMethod(r, topo), r.SIP.UserPart()
		if rf.method != "" {
			rf.identity, rf.elsewhere = iceIdentity(r, rf.method, rf.user, topo)
		}
		f.rmx[i] = rf
		f.systems = append(f.systems, component{"rmx", i, r.Name, "rmx/" + r.Name, r.FQDN, r.Site, rf.pool, r.Certificate, r.SIPPort(), r.ListenPort != 0})
	}
	for i := range d.RPP.DMA {
		s := &d.RPP.DMA[i]
		f.dmaPool[i] = topo.PoolFor(s.FQDN)
		f.systems = append(f.systems, component{"dma", i, s.Name, "dma/" + s.Name, s.FQDN, s.Site, f.dmaPool[i], s.Certificate, s.SIPPort(), s.ListenPort != 0})
	}
	bySite := map[string]*rppSet{}
	for k := range f.systems {
		c := &f.systems[k]
		if c.pool >= 0 {
			f.isRPP[c.pool] = true
			f.members[c.pool] = append(f.members[c.pool], c)
		}
		key := strings.ToLower(c.site)
		s := bySite[key]
		if s == nil {
			s = &rppSet{site: c.site}
			bySite[key] = s
			f.sets = append(f.sets, s)
		}
		s.components = append(s.components, c)
	}
	f.registrar = make([]int, len(t.TrustedApplicationPools))
	f.edge = make([]int, len(t.TrustedApplicationPools))
	for i := range t.TrustedApplicationPools {
		f.registrar[i], f.edge[i] = topo.FrontEndPool(t.TrustedApplicationPools[i].Registrar), -1
		if fe := f.registrar[i]; fe >= 0 && t.FrontEndPools[fe].EdgePool != "" {
			f.edge[i] = topo.EdgePool(t.FrontEndPools[fe].EdgePool)
		}
	}
	f.gruus = make(map[string]parsedGRUU, len(t.TrustedApplications))
	f.appGRUU = make([]lync.GRUU, len(t.TrustedApplications))
	for i, a := range t.TrustedApplications {
		f.appGRUU[i], _ = f.gruu(a.ServiceGRUU)
	}
	for i, rpp := range f.isRPP {
		if rpp {
			f.rppPools = append(f.rppPools, i)
		}
	}
	return f
}

// ICEMethod says which ICE method an RMX of d is configured for; see
// rmx.InferICEMethod, which the rules and the lab (rmx/rmxtest) both use.
func ICEMethod(d *Deployment, r *rmx.System) rmx.ICEMethod {
	return rmx.InferICEMethod(r, d.Lync.Index())
}

// iceIdentity finds the endpoint or user that the RMX's Server User Name and
// Server Domain Name name together.
func iceIdentity(r *rmx.System, m rmx.ICEMethod, user string, topo *lync.Index) (int, []string) {
	if user == "" {
		return -1, nil
	}
	t := topo.Topology()
	var candidates []int
	addr := func(i int) lync.SIPAddress { return t.TrustedApplicationEndpoints[i].SIPAddress }
	if m == rmx.ICELegacy {
		candidates = topo.UsersNamed(user)
		addr = func(i int) lync.SIPAddress { return t.Users[i] }
	} else {
		candidates = topo.EndpointsNamed(user)
	}
	var elsewhere []string
	for _, i := range candidates {
		if lync.FQDN(addr(i).Domain()).Equal(lync.FQDN(r.SIP.ServerDomainName)) {
			return i, nil
		}
		elsewhere = append(elsewhere, addr(i).Domain())
	}
	return -1, elsewhere
}

// rppApplications returns the trusted applications of the pools that hold
// RPP systems, in topology order: the ones the integration relies on.
func (f *facts) rppApplications() []int {
	var apps []int
	for _, p := range f.rppPools {
		apps = append(apps, f.topo.Applications(f.d.Lync.TrustedApplicationPools[p].FQDN)...)
	}
	slices.Sort(apps)
	return apps
}

// poolGRUUs returns the parsed Service GRUUs of the applications of pool,
// preferring the application app when it has one.
func (f *facts) poolGRUUs(pool int, app lync.ApplicationID) []lync.GRUU {
	t := &f.d.Lync
	var own, other []lync.GRUU
	for _, i := range f.topo.Applications(t.TrustedApplicationPools[pool].FQDN) {
		g := f.appGRUU[i]
		if g.IsZero() {
			continue
		}
		if app != "" && t.TrustedApplications[i].ApplicationID.Equal(app) {
			own = append(own, g)
		} else {
			other = append(other, g)
		}
	}
	if len(own) > 0 {
		return own
	}
	return other
}

// rppTarget reports whether a static route destination is an RPP computer or
// an RPP pool, and returns that pool.
func (f *facts) rppTarget(dest lync.FQDN) (int, bool) {
	if p := f.topo.PoolOf(dest); p >= 0 && f.isRPP[p] {
		return p, true
	}
	if p := f.topo.Pool(dest); p >= 0 && f.isRPP[p] {
		return p, true
	}
	return -1, false
}

// Paths and object names, in one place so that every rule writes them alike.

func rmxPath(i int, field string) string { return fmt.Sprintf("rpp.rmx[%d]%s", i, field) }
func dmaPath(i int, field string) string { return fmt.Sprintf("rpp.dma[%d]%s", i, field) }
func poolPath(i int, field string) string {
	return fmt.Sprintf("lync.trustedApplicationPools[%d]%s", i, field)
}
func appPath(i int, field string) string {
	return fmt.Sprintf("lync.trustedApplications[%d]%s", i, field)
}
func endpointPath(i int, field string) string {
	return fmt.Sprintf("lync.trustedApplicationEndpoints[%d]%s", i, field)
}
func routePath(i int, field string) string { return fmt.Sprintf("lync.staticRoutes[%d]%s", i, field) }

func poolObject(fqdn lync.FQDN) string { return "lync/pool/" + string(fqdn) }
func appObject(a *lync.TrustedApplication) string {
	return "lync/application/" + string(a.Pool) + "/" + a.ApplicationID.Bare()
}
func endpointObject(e *lync.TrustedApplicationEndpoint) string {
	return "lync/endpoint/" + e.SIPAddress.String()
}
func routeObject(r *lync.StaticRoute) string { return "lync/route/" + string(r.Destination) }

// names lists up to three names and how many more there are.
func names(list []string) string {
	if len(list) <= 3 {
		return strings.Join(list, ", ")
	}
	return fmt.Sprintf("%s and %d more", strings.Join(list[:3], ", "), len(list)-3)
}

// pasted is a Service GRUU as it was meant: without the blanks and line
// breaks that copying it from a console adds. A GRUU holds no white space,
// so taking it all out loses nothing; rule rpp-gruu-whitespace reports that
// it was there.
func pasted(s string) string {
	if !hasSpace(s) {
		return s
	}
	return strings.Join(strings.Fields(s), "")
}

// gruuField is a field of the deployment that holds a Service GRUU.
type gruuField struct {
	object, path, value string
}

// gruuFields lists the fields that hold a Service GRUU (the trusted
// applications', the RMX flags' and the DMA peers') whose value keep
// accepts; paths and object names are built only for those.
func (f *facts) gruuFields(keep func(value string) bool) []gruuField {
	d := f.d
	var out []gruuField
	for i := range d.Lync.TrustedApplications {
		if a := &d.Lync.TrustedApplications[i]; keep(a.ServiceGRUU) {
			out = append(out, gruuField{appObject(a), appPath(i, ".serviceGruu"), a.ServiceGRUU})
		}
	}
	for i := range d.RPP.RMX {
		if rf := &f.rmx[i]; rf.hasFlag && keep(rf.flag) {
			out = append(out, gruuField{f.systems[i].obj, rmxPath(i, ".flags."+d.RPP.RMX[i].Flags.KeyOf(rmx.FlagContactOverride)), rf.flag})
		}
	}
	for i, s := range d.RPP.DMA {
		for j, p := range s.LyncPeers {
			if keep(p.ServiceGRUU) {
				out = append(out, gruuField{"dma/" + s.Name, peerPath(i, j), p.ServiceGRUU})
			}
		}
	}
	return out
}

// RMXFacts is what the built-in rules derive about one RMX, for rules of
// one's own that need the same answers (see Pass.RMX).
type RMXFacts struct {
	// Pool is the index in Lync.TrustedApplicationPools of the RMX's pool,
	// or -1 when it is in none.
	Pool int
	// Edge is the index in Lync.EdgePools of the Edge pool its media
	// relays through (its pool's registrar's Edge), or -1.
	Edge int
	// Features are what its release can do.
	Features rmx.Features
	// ICEMethod is the ICE method it is configured for (rmx.InferICEMethod),
	// "" when it has no ICE settings.
	ICEMethod rmx.ICEMethod
	// ServerUserName is Server User Name without a sip: or an @domain.
	ServerUserName string
	// Identity is the index of the trusted application endpoint (new
	// method) or the user (legacy method) Server User Name and Server
	// Domain Name name together, or -1.
	Identity int
}

// RMX returns what the built-in rules know of the RMX at index i of
// Deployment.RPP.RMX.
func (p *Pass) RMX(i int) RMXFacts {
	rf := p.facts.rmx[i]
	return RMXFacts{
		Pool: rf.pool, Edge: p.facts.edgeOf(rf.pool), Features: rf.caps,
		ICEMethod: rf.method, ServerUserName: rf.user, Identity: rf.identity,
	}
}

// DMAPool returns the index in Lync.TrustedApplicationPools of the pool of
// the DMA at index i of Deployment.RPP.DMA, or -1.
func (p *Pass) DMAPool(i int) int { return p.facts.dmaPool[i] }

// RPPPools returns the indexes in Lync.TrustedApplicationPools of the pools
// that hold an RMX or a DMA, in topology order.
func (p *Pass) RPPPools() []int { return slices.Clone(p.facts.rppPools) }

type parsedGRUU struct {
	g   lync.GRUU
	err error
}

// gruu parses a Service GRUU as it was meant (see pasted), once per value.
func (f *facts) gruu(value string) (lync.GRUU, error) {
	if r, ok := f.gruus[value]; ok {
		return r.g, r.err
	}
	g, err := lync.ParseGRUU(pasted(value))
	f.gruus[value] = parsedGRUU{g, err}
	return g, err
}

// oneOf reports whether value is one of want (its pool's Service GRUUs),
// whatever its scheme, parameter order or pasted blanks. When it is not, it
// returns what value names, or why it is not a service GRUU at all (a
// *lync.GRUUError; nil when value parsed).
func (f *facts) oneOf(value string, want []lync.GRUU) (lync.GRUU, *lync.GRUUError, bool) {
	for _, w := range want { // the usual case, without parsing: pasted as Lync printed it
		if bare, _ := strings.CutPrefix(value, "sip:"); bare == w.WithoutScheme() {
			return w, nil, true
		}
	}
	g, err := f.gruu(value)
	var ge *lync.GRUUError
	if errors.As(err, &ge) {
		return g, ge, false
	}
	return g, nil, containsGRUU(want, g)
}

// registrarOf and edgeOf return the registrar (a Front End pool) and the
// Edge pool of the trusted application pool at index pool, or -1.
func (f *facts) registrarOf(pool int) int {
	if pool < 0 {
		return -1
	}
	return f.registrar[pool]
}

func (f *facts) edgeOf(pool int) int {
	if pool < 0 {
		return -1
	}
	return f.edge[pool]
}

// hasSpace reports whether s holds white space, reading ASCII a byte at a
// time: GRUUs are ASCII, and this runs for every one of them.
func hasSpace(s string) bool {
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c == ' ' || '\t' <= c && c <= '\r':
			return true
		case c >= utf8.RuneSelf:
			return strings.ContainsFunc(s[i:], unicode.IsSpace)
		}
	}
	return false
}
