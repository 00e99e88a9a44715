package diagram

import (
	"fmt"
	"io"
	"strings"

	"github.com/rppkit/rppkit/internal/textfmt"
	"github.com/rppkit/rppkit/lync"
	"github.com/rppkit/rppkit/rmx"
	"github.com/rppkit/rppkit/rpp"
)

// Kinds of node; a node's ID is its kind and its index in the deployment's
// list of that kind, so it is stable, unique and never made from a name.
const (
	kindFrontEnd = "fe"
	kindEdge     = "edge"
	kindPool     = "pool"
	kindRMX      = "rmx"
	kindDMA      = "dma"
	kindMissing  = "missing" // a name something points at that the topology lacks
	kindRoute    = "route"   // a static route destination that is no node of its own
)

func nodeID(kind string, i int) string { return fmt.Sprintf("%s%d", kind, i) }

// Topology writes d as a Mermaid flowchart: one subgraph per Lync site (the
// declared sites in file order, then sites objects name without declaring
// them, then the objects with no site), holding the Front End, Edge and
// trusted application pools and the RMXs and DMAs of that site. Arrows say
// what points at what: a Front End pool at its Edge pool, a trusted
// application pool at its registrar, an RMX or DMA at the pool that holds
// it as a computer, an RMX at its SIP server and (dotted) at the Edge its
// media relays through, a DMA at its Lync peers, a static route at its
// destination. A name that nothing in the topology answers to is drawn as
// a red "not in the topology" node; objects with findings of rpp.Check are
// drawn red (errors) or amber (warnings) with the rule IDs.
//
// The output depends only on d: everything is written in file order.
func Topology(w io.Writer, d *rpp.Deployment) error {
	if d == nil {
		return fmt.Errorf("diagram: %w", rpp.ErrNoDeployment)
	}
	x := d.Lync.Index()
	m, err := checkMarks(d, x)
	if err != nil {
		return err
	}
	g := &flowchart{d: d, x: x, marks: m, p: &textfmt.Printer{W: w}, classes: map[string][]string{}}
	g.draw()
	return g.p.Err()
}

// flowchart is the state of one Topology drawing.
type flowchart struct {
	d       *rpp.Deployment
	x       *lync.Index
	marks   *marks
	p       *textfmt.Printer
	edges   int   // arrows written so far: linkStyle counts them
	bad     []int // arrows to draw red
	classes map[string][]string
	missing map[string]string // FQDN key → node ID of a missing-name node
	extra   []string          // node lines outside every site
	// rmxGroup and dmaGroup are the sites the RMXs and DMAs are drawn in.
	rmxGroup, dmaGroup []*group
}

// group is a site's subgraph.
type group struct {
	id, title string
	nodes     []string
}

func (g *flowchart) draw() {
	t := &g.d.Lync
	g.missing = map[string]string{}
	g.p.Printf("flowchart TB\n")

	// Sites: declared ones, then the undeclared names in order of first
	// use, then the objects with none.
	var groups []*group
	byName := map[string]*group{}
	for i, s := range t.Sites {
		k := strings.ToLower(s.Name)
		if byName[k] != nil {
			continue // a duplicate site: deployment-duplicate says so
		}
		byName[k] = &group{id: nodeID("site", i), title: "Site " + s.Name}
		groups = append(groups, byName[k])
	}
	var undeclared []*group
	noSite := &group{id: "nosite", title: "No site"}
	siteOf := func(name string) *group {
		if name == "" {
			return noSite
		}
		k := strings.ToLower(name)
		if byName[k] == nil {
			byName[k] = &group{id: nodeID("undeclared", len(undeclared)), title: "Site " + name + " (not in lync.sites)"}
			undeclared = append(undeclared, byName[k])
		}
		return byName[k]
	}

	for i := range t.FrontEndPools {
		p := &t.FrontEndPools[i]
		s := siteOf(p.Site)
		s.nodes = append(s.nodes, g.node(kindFrontEnd, i, "[", "]", "lync", "Front End pool", string(p.FQDN)))
	}
	for i := range t.EdgePools {
		p := &t.EdgePools[i]
		s := siteOf(p.Site)
		s.nodes = append(s.nodes, g.node(kindEdge, i, "{{", "}}", "lync", "Edge pool", string(p.FQDN)))
	}
	for i := range t.TrustedApplicationPools {
		s := siteOf(t.TrustedApplicationPools[i].Site)
		s.nodes = append(s.nodes, g.node(kindPool, i, "(", ")", "lync", g.poolLines(i)...))
	}
	g.rmxGroup = make([]*group, len(g.d.RPP.RMX))
	for i := range g.d.RPP.RMX {
		r := &g.d.RPP.RMX[i]
		s := siteOf(r.Site)
		g.rmxGroup[i] = s
		s.nodes = append(s.nodes, g.node(kindRMX, i, "[[", "]]", "rpp",
			"RMX "+r.Name, string(r.FQDN), "release "+version(r.Version.String()), iceLine(rpp.ICEMethod(g.d, r))))
	}
	g.dmaGroup = make([]*group, len(g.d.RPP.DMA))
	for i := range g.d.RPP.DMA {
		s := &g.d.RPP.DMA[i]
		rc := "RealConnect off"
		if s.RealConnect.Enabled {
			rc = "RealConnect on"
		}
		grp := siteOf(s.Site)
		g.dmaGroup[i] = grp
		grp.nodes = append(grp.nodes, g.node(kindDMA, i, "[[", "]]", "rpp",
			"DMA "+s.Name, string(s.FQDN), "release "+version(s.Version.String()), rc))
	}
	// Arrows next: they may add nodes (names the topology lacks, route
	// destinations), which are written with the rest.
	var arrows strings.Builder
	g.arrows(&arrows)
	groups = append(groups, undeclared...)
	groups = append(groups, noSite)
	for _, s := range groups {
		if len(s.nodes) == 0 {
			continue
		}
		g.use("site", s.id)
		g.p.Printf("    subgraph %s[\"%s\"]\n", s.id, lines(s.title))
		g.p.Printf("        direction TB\n")
		for _, n := range s.nodes {
			g.p.Printf("        %s\n", n)
		}
		g.p.Printf("    end\n")
	}

	if m := g.marks.overall; m != nil {
		g.extra = append(g.extra, fmt.Sprintf("deployment[\"%s\"]", lines("The deployment as a whole", m.line())))
		g.use(m.class(""), "deployment")
	}
	for _, n := range g.extra {
		g.p.Printf("    %s\n", n)
	}
	g.p.Printf("%s", arrows.String())
	g.styles()
}

// node returns the statement of one node with its label lines, and files
// it under its class: the findings' class if it has any, else def.
func (g *flowchart) node(kind string, i int, open, close, def string, label ...string) string {
	id := nodeID(kind, i)
	m := g.marks.byNode[id]
	if m != nil {
		label = append(label, m.line())
	}
	g.use(m.class(def), id)
	return fmt.Sprintf("%s%s\"%s\"%s", id, open, lines(label...), close)
}

func (g *flowchart) use(class, id string) {
	g.classes[class] = append(g.classes[class], id)
}

// poolLines is a trusted application pool's label: its FQDN, its kind, its
// applications with their ports and a hint of their Service GRUU, and the
// computers that are no RMX or DMA of the deployment (those are drawn and
// point at the pool).
func (g *flowchart) poolLines(i int) []string {
	t := &g.d.Lync
	p := &t.TrustedApplicationPools[i]
	kind := "multiple-computer"
	if p.IsSingleComputer() {
		kind = "single-computer"
	}
	out := []string{"Trusted application pool", string(p.FQDN), kind}
	for _, a := range g.x.Applications(p.FQDN) {
		app := &t.TrustedApplications[a]
		port := "port not set"
		if app.Port != 0 {
			port = fmt.Sprintf("port %d", app.Port)
		}
		out = append(out, fmt.Sprintf("app %s, %s", app.ApplicationID.Bare(), port), gruuHint(app.ServiceGRUU))
	}
	var others []string
	for _, c := range p.ComputerFQDNs() {
		if !g.isSystem(c) && !(p.IsSingleComputer() && c.Equal(p.FQDN)) {
			others = append(others, string(c))
		}
	}
	if len(others) > 0 {
		out = append(out, "other computers: "+strings.Join(others, ", "))
	}
	return out
}

// isSystem reports whether an RMX or DMA of the deployment has this FQDN.
func (g *flowchart) isSystem(fqdn lync.FQDN) bool {
	for i := range g.d.RPP.RMX {
		if g.d.RPP.RMX[i].FQDN.Equal(fqdn) {
			return true
		}
	}
	for i := range g.d.RPP.DMA {
		if g.d.RPP.DMA[i].FQDN.Equal(fqdn) {
			return true
		}
	}
	return false
}

// gruuHint says which Service GRUU an application has without its whole
// token: enough to tell two pools' GRUUs apart at a glance.
func gruuHint(s string) string {
	if s == "" {
		return "no Service GRUU"
	}
	gr, err := lync.ParseGRUU(s)
	if err != nil {
		return "Service GRUU unreadable"
	}
	tok := gr.Token()
	if len(tok) > 4 {
		tok = tok[:4] + "…"
	}
	return "GRUU srvr:" + gr.ApplicationID().Bare() + ":" + tok
}

func version(v string) string {
	if v == "" {
		return "unknown"
	}
	return v
}

func iceLine(m rmx.ICEMethod) string {
	switch m {
	case rmx.ICENew:
		return "ICE: new method"
	case rmx.ICELegacy:
		return "ICE: legacy method"
	case "":
		return "ICE: not configured"
	}
	return "ICE: " + string(m)
}

// arrows writes every arrow and records the red ones.
func (g *flowchart) arrows(b *strings.Builder) {
	t := &g.d.Lync
	for i := range t.FrontEndPools {
		if e := t.FrontEndPools[i].EdgePool; e != "" {
			g.arrow(b, nodeID(kindFrontEnd, i), "-->", "A/V Edge", g.target(e, kindEdge), false)
		}
	}
	for i := range t.TrustedApplicationPools {
		g.arrow(b, nodeID(kindPool, i), "-->", "registrar", g.target(t.TrustedApplicationPools[i].Registrar, kindFrontEnd), false)
	}
	for i := range g.d.RPP.RMX {
		r := &g.d.RPP.RMX[i]
		id := nodeID(kindRMX, i)
		pool := g.x.PoolFor(r.FQDN)
		g.member(b, id, r.FQDN, pool, g.rmxGroup[i])
		if r.SIP.Server != "" {
			g.arrow(b, id, "-->", "SIP server", g.target(r.SIP.Server, kindFrontEnd), false)
		}
		if e := g.x.EdgeFor(pool); e >= 0 {
			m := g.marks.byNode[id]
			remote := m != nil && containsRule(m.rules, "edge-remote")
			g.arrow(b, id, "-.->", "media relays via", nodeID(kindEdge, e), remote)
		}
	}
	for i := range g.d.RPP.DMA {
		s := &g.d.RPP.DMA[i]
		id := nodeID(kindDMA, i)
		g.member(b, id, s.FQDN, g.x.PoolFor(s.FQDN), g.dmaGroup[i])
		for _, p := range s.LyncPeers {
			g.arrow(b, id, "-->", "Lync peer "+p.Name, g.target(p.Address, kindFrontEnd), false)
		}
	}
	for i, r := range t.StaticRoutes {
		dest := g.routeTarget(i, r.Destination)
		label := "static route " + r.MatchURI
		if m := g.marks.byRoute[i]; m != nil {
			label += " (" + m.line() + ")"
		}
		if len(t.FrontEndPools) == 0 {
			g.arrow(b, "routing", "-->", label, dest, g.marks.byRoute[i] != nil)
			continue
		}
		for fe := range t.FrontEndPools {
			g.arrow(b, nodeID(kindFrontEnd, fe), "-->", label, dest, g.marks.byRoute[i] != nil)
		}
	}
	if len(t.StaticRoutes) > 0 && len(t.FrontEndPools) == 0 {
		g.extra = append(g.extra, fmt.Sprintf("routing[\"%s\"]", lines("Lync routing (no Front End pool defined)")))
		g.use("lync", "routing")
	}
}

func containsRule(rules []string, id string) bool {
	for _, r := range rules {
		if r == id {
			return true
		}
	}
	return false
}

// member draws an RMX or DMA's membership of its pool or, when no pool
// holds its FQDN, a red node beside it in its site saying so.
func (g *flowchart) member(b *strings.Builder, id string, fqdn lync.FQDN, pool int, site *group) {
	if pool >= 0 {
		g.arrow(b, id, "-->", "computer of", nodeID(kindPool, pool), false)
		return
	}
	g.arrow(b, id, "---", "", g.missingNode("no trusted application pool holds "+string(fqdn), "not-in-pool:"+fqdn.Key(), site), true)
}

// target returns the node an FQDN names: a node of kind want (Front End or
// Edge pool) or, failing that, of any kind of Lync pool; or a red node
// saying the topology has no such pool.
func (g *flowchart) target(fqdn lync.FQDN, want string) string {
	lookups := []struct {
		kind string
		find func(lync.FQDN) int
	}{{kindFrontEnd, g.x.FrontEndPool}, {kindEdge, g.x.EdgePool}, {kindPool, g.x.Pool}}
	for _, l := range lookups {
		if l.kind == want {
			if i := l.find(fqdn); i >= 0 {
				return nodeID(l.kind, i)
			}
		}
	}
	for _, l := range lookups {
		if i := l.find(fqdn); i >= 0 {
			return nodeID(l.kind, i)
		}
	}
	return g.missingNode(string(fqdn)+" is not in the topology", "unknown:"+fqdn.Key(), nil)
}

// routeTarget returns the node a static route's destination names: an RMX
// or DMA with that FQDN, a trusted application pool, or a node of its own.
func (g *flowchart) routeTarget(i int, dest lync.FQDN) string {
	for j := range g.d.RPP.DMA {
		if g.d.RPP.DMA[j].FQDN.Equal(dest) {
			return nodeID(kindDMA, j)
		}
	}
	for j := range g.d.RPP.RMX {
		if g.d.RPP.RMX[j].FQDN.Equal(dest) {
			return nodeID(kindRMX, j)
		}
	}
	if p := g.x.Pool(dest); p >= 0 {
		return nodeID(kindPool, p)
	}
	id := nodeID(kindRoute, i)
	g.extra = append(g.extra, fmt.Sprintf("%s[\"%s\"]", id, lines("Route destination", string(dest))))
	g.use("lync", id)
	return id
}

// missingNode returns the node for a name the topology lacks, one per name
// and reason, drawn in site (nil: outside every site).
func (g *flowchart) missingNode(label, key string, site *group) string {
	if id, ok := g.missing[key]; ok {
		return id
	}
	id := nodeID(kindMissing, len(g.missing))
	g.missing[key] = id
	n := fmt.Sprintf("%s([\"%s\"])", id, lines(label))
	if site != nil {
		site.nodes = append(site.nodes, n)
	} else {
		g.extra = append(g.extra, n)
	}
	g.use("error", id)
	return id
}

// arrow writes one arrow; red ones get a linkStyle at the end.
func (g *flowchart) arrow(b *strings.Builder, from, shape, label, to string, red bool) {
	if label != "" {
		fmt.Fprintf(b, "    %s %s|\"%s\"| %s\n", from, shape, lines(label), to)
	} else {
		fmt.Fprintf(b, "    %s %s %s\n", from, shape, to)
	}
	if red {
		g.bad = append(g.bad, g.edges)
	}
	g.edges++
}

// classStyles are the looks of the node classes; the text colour is set so
// the labels stay legible on GitHub's dark theme too.
var classStyles = []struct{ name, style string }{
	{"site", "fill:#f6f8fa,stroke:#8c959f,color:#24292f"},
	{"lync", "fill:#e8f0fe,stroke:#3b6fb6,color:#10233f"},
	{"rpp", "fill:#e7f6ec,stroke:#2e7d4f,color:#0f2e1b"},
	{"warning", "fill:#fff3d6,stroke:#c77700,stroke-width:3px,color:#3d2600"},
	{"error", "fill:#fde4e4,stroke:#c62828,stroke-width:3px,color:#4a0d0d"},
}

func (g *flowchart) styles() {
	for _, c := range classStyles {
		if ids := g.classes[c.name]; len(ids) > 0 {
			g.p.Printf("    classDef %s %s\n", c.name, c.style)
			g.p.Printf("    class %s %s\n", strings.Join(ids, ","), c.name)
		}
	}
	if len(g.bad) > 0 {
		n := make([]string, len(g.bad))
		for i, e := range g.bad {
			n[i] = fmt.Sprint(e)
		}
		g.p.Printf("    linkStyle %s stroke:#c62828,stroke-width:3px,color:#c62828\n", strings.Join(n, ","))
	}
}
