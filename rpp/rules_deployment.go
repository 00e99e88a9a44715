package rpp

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/rppkit/rppkit/lync"
	"github.com/rppkit/rppkit/rmx"
)

// namedList is one list of the deployment whose entries have a key that
// must be unique, described so one loop can check them all.
type namedList struct {
	what   string
	n      int
	key    func(i int) string // as written; compared case-insensitively
	path   func(i int) string
	object func(i int) string
}

// reference is a field that names an object the file does not define.
type reference struct {
	path, object string
	name         string // as written
	what         string // what it should name
	hint         string // extra words, if any
}

func deploymentRules() []*Rule {
	return []*Rule{{
		ID:       "rpp-component-not-in-topology",
		Severity: Error,
		Summary:  "an RMX or DMA FQDN is not a computer of any trusted application pool",
		Doc: `Both the DMA and every RMX must be defined in Lync, as computers of a trusted
application pool. Older advice that the RMX need not be defined is obsolete:
without it the RMX cannot use ICE through the Edge, and Lync does not trust
its TLS connections.

Symptom: the RMX's ICE status stays "MS – register fail"; media from external
clients goes direct and fails behind NAT.

Fix: New-CsTrustedApplicationComputer -Identity RMX-FQDN -Pool POOL-FQDN (a
multiple-computer pool), then Enable-CsTopology.`,
		Source:   srcDefined,
		Symptoms: []*rmx.Symptom{rmx.SymptomTLS, rmx.SymptomRegister},
		Run: func(p *Pass) {
			for _, s := range p.facts.sets {
				for _, c := range s.components {
					if c.pool >= 0 {
						continue
					}
					p.Report(Finding{
						Object:  c.object(),
						Field:   c.path() + ".fqdn",
						Message: fmt.Sprintf("%s (%s) is not a computer of any trusted application pool", c.object(), c.fqdn),
						Fix:     fmt.Sprintf("add %s to the site's multiple-computer trusted application pool (New-CsTrustedApplicationComputer), then Enable-CsTopology", c.fqdn),
					})
				}
			}
		},
	}, {
		ID:       "deployment-unknown-reference",
		Severity: Error,
		Summary:  "a field names a site, pool or Edge pool that the deployment does not define",
		Doc: `Sites, Front End pools, Edge pools and trusted application pools are named
where they are defined and referred to by that name elsewhere (a pool's
registrar, a Front End pool's Edge pool, an RMX's site). A reference to
something the file does not define is a typo or a missing definition, and the
rules that depend on it (which Edge an RMX uses, which pool a set belongs to)
cannot be judged.

Fix: correct the name, or add the missing definition.`,
		Source: srcFile,
		Run: func(p *Pass) {
			for _, ref := range brokenReferences(p) {
				p.Report(Finding{
					Object:  ref.object,
					Field:   ref.path,
					Message: fmt.Sprintf("%s names %s %q, which the deployment does not define%s", ref.path, ref.what, ref.name, ref.hint),
					Fix:     fmt.Sprintf("correct the name, or define %s %s", ref.what, ref.name),
				})
			}
		},
	}, {
		ID:       "deployment-duplicate",
		Severity: Error,
		Summary:  "two objects of the deployment share a name or FQDN that must be unique",
		Doc: `Sites, pools, RMXs and DMAs are identified by their names and FQDNs. Two
RMXs with one FQDN cannot both be trusted (Lync knows a computer once, and one
certificate names one of them), and a computer can belong to only one trusted
application pool. Duplicates also make findings ambiguous.

Fix: give each object its own name; give each RMX and DMA its own FQDN.`,
		Source: srcFile,
		Run: func(p *Pass) {
			for _, l := range uniqueLists(p) {
				first := make(map[string]int, l.n)
				for i := 0; i < l.n; i++ {
					k := strings.ToLower(strings.TrimSuffix(l.key(i), "."))
					if k == "" {
						continue
					}
					if j, dup := first[k]; dup {
						p.Report(Finding{
							Object:  l.object(i),
							Field:   l.path(i),
							Message: fmt.Sprintf("%s %s is defined twice (also at %s)", l.what, l.key(i), l.path(j)),
							Fix:     "remove the duplicate, or give it a name of its own",
						})
						continue
					}
					first[k] = i
				}
			}
		},
	}, {
		ID:       "rpp-listen-port-mismatch",
		Severity: Error,
		Summary:  "an RMX or DMA listens on another port than its trusted application's",
		Doc: `Lync reaches a trusted application computer on the port of its trusted
application (New-CsTrustedApplication -Port), for every request it routes to
it and for its health probes. An RMX or DMA listening for SIP over TLS on
another port is never reached: Lync's connections go to a closed port.

Symptom: calls from Lync to the RMX or DMA fail or time out; the Lync server
logs connection failures to the computer; RealConnect invitations never
arrive.

Fix: make the two agree. When every RMX and DMA of the pool listens on one
port and only the application differs, change the application
(Set-CsTrustedApplication -Identity POOL/urn:application:APPID -Port PORT,
then Enable-CsTopology); otherwise change the odd system's SIP TLS port.`,
		Source: srcShell,
		Run: func(p *Pass) {
			t := &p.Deployment.Lync
			for _, pool := range p.facts.rppPools {
				var ports []lync.Port
				var withPort []int
				for _, a := range p.Topology.Applications(t.TrustedApplicationPools[pool].FQDN) {
					if port := t.TrustedApplications[a].Port; port != 0 {
						ports, withPort = append(ports, port), append(withPort, a)
					}
				}
				if len(ports) == 0 {
					continue
				}
				all := p.facts.poolMembers(pool)
				var odd []*component
				for _, l := range all {
					if !slices.Contains(ports, l.port) {
						odd = append(odd, l)
					}
				}
				if len(odd) == 0 {
					continue
				}
				if a := withPort[0]; len(withPort) == 1 && len(odd) == len(all) && sameListenPort(odd) && (len(odd) > 1 || !odd[0].explicitPort) {
					// Every system agrees and only the application differs:
					// the application is the odd one out.
					app := &t.TrustedApplications[a]
					p.Report(Finding{
						Object: appObject(app),
						Field:  appPath(a, ".port"),
						Message: fmt.Sprintf("trusted application %s of pool %s has port %d, but %s listen(s) on %d: Lync would send to a closed port",
							app.ApplicationID.Bare(), app.Pool, app.Port, names(objects(odd)), odd[0].port),
						Fix: fmt.Sprintf("Set-CsTrustedApplication -Identity %s/%s -Port %d; Enable-CsTopology",
							app.Pool, app.ApplicationID.URN(), odd[0].port),
						Fixes: fixTo(fmt.Sprint(odd[0].port)),
					})
					continue
				}
				for _, l := range odd {
					p.Report(Finding{
						Object: l.object(),
						Field:  l.path() + ".listenPort",
						Message: fmt.Sprintf("%s listens on port %d, but the trusted application of its pool %s has port %s: Lync would send to a closed port",
							l.object(), l.port, t.TrustedApplicationPools[pool].FQDN, joinPorts(ports)),
						Fix:   fmt.Sprintf("set %s's SIP TLS port to %d", l.object(), ports[0]),
						Fixes: fixTo(fmt.Sprint(ports[0])),
					})
				}
			}
		},
	}, {
		ID:       "rpp-gruu-whitespace",
		Severity: Error,
		Summary:  "a Service GRUU was pasted with spaces or line breaks",
		Doc: `A Service GRUU holds no white space. Copied from the Management Shell's
output, it often comes with a trailing line break, padding, or a line break
where the console wrapped it; the RMX flag and the DMA field take such a value
as it is, and Lync then knows no such URI.

Symptom: the RMX alarm "Service credential denied"; RealConnect calls that are
never resolved.

Fix: paste the value again as one line, without leading or trailing blanks
(the fix shows it).`,
		Source:   srcNewPolycom,
		Symptoms: []*rmx.Symptom{rmx.SymptomCredentialDenied},
		Run: func(p *Pass) {
			for _, g := range p.facts.gruuFields(hasSpace) {
				clean := pasted(g.value)
				where := "leading or trailing white space"
				if strings.TrimSpace(g.value) != clean {
					where = "white space inside it (a line break where the console wrapped it?)"
				}
				p.Report(Finding{
					Object:  g.object,
					Field:   g.path,
					Message: fmt.Sprintf("the Service GRUU %s has %s", quoteShort(g.value), where),
					Fix:     "paste the value again as one line without blanks",
					Fixes:   fixTo(clean),
				})
			}
		},
	}}
}

func sameListenPort(ls []*component) bool {
	return !slices.ContainsFunc(ls, func(l *component) bool { return l.port != ls[0].port })
}

func objects(ls []*component) []string {
	out := make([]string, len(ls))
	for i, l := range ls {
		out[i] = l.object()
	}
	return out
}

func joinPorts(ports []lync.Port) string {
	s := make([]string, len(ports))
	for i, p := range ports {
		s[i] = fmt.Sprint(p)
	}
	return joinList(s)
}

// quoteShort quotes s for a message, showing the white space, and cuts a
// long value short.
func quoteShort(s string) string {
	const max = 96
	if len(s) <= max {
		return strconv.Quote(s)
	}
	cut := max
	for cut > 0 && !utf8.RuneStart(s[cut]) {
		cut--
	}
	return strconv.Quote(s[:cut]) + fmt.Sprintf("… (%d bytes)", len(s))
}

// uniqueLists returns every list whose keys must be unique.
func uniqueLists(p *Pass) []namedList {
	t, r := &p.Deployment.Lync, &p.Deployment.RPP
	// RMXs and DMAs share one FQDN space: both are computers to Lync.
	nr := len(r.RMX)
	systemFQDN := func(i int) string {
		if i < nr {
			return string(r.RMX[i].FQDN)
		}
		return string(r.DMA[i-nr].FQDN)
	}
	systemPath := func(i int) string {
		if i < nr {
			return rmxPath(i, ".fqdn")
		}
		return dmaPath(i-nr, ".fqdn")
	}
	systemObject := func(i int) string {
		if i < nr {
			return "rmx/" + r.RMX[i].Name
		}
		return "dma/" + r.DMA[i-nr].Name
	}
	// A computer may be listed in one pool only.
	type membership struct {
		pool, k int
		fqdn    lync.FQDN
	}
	var members []membership
	for i, pool := range t.TrustedApplicationPools {
		for k, c := range pool.Computers {
			members = append(members, membership{i, k, c})
		}
	}
	return []namedList{
		{"site", len(t.Sites), func(i int) string { return t.Sites[i].Name },
			func(i int) string { return fmt.Sprintf("lync.sites[%d].name", i) },
			func(i int) string { return "lync/site/" + t.Sites[i].Name }},
		{"Front End pool", len(t.FrontEndPools), func(i int) string { return string(t.FrontEndPools[i].FQDN) },
			func(i int) string { return fmt.Sprintf("lync.frontEndPools[%d].fqdn", i) },
			func(i int) string { return "lync/frontEndPool/" + string(t.FrontEndPools[i].FQDN) }},
		{"Edge pool", len(t.EdgePools), func(i int) string { return string(t.EdgePools[i].FQDN) },
			func(i int) string { return fmt.Sprintf("lync.edgePools[%d].fqdn", i) },
			func(i int) string { return "lync/edgePool/" + string(t.EdgePools[i].FQDN) }},
		{"trusted application pool", len(t.TrustedApplicationPools), func(i int) string { return string(t.TrustedApplicationPools[i].FQDN) },
			func(i int) string { return poolPath(i, ".fqdn") },
			func(i int) string { return poolObject(t.TrustedApplicationPools[i].FQDN) }},
		{"trusted application pool computer", len(members), func(i int) string { return string(members[i].fqdn) },
			func(i int) string { return poolPath(members[i].pool, fmt.Sprintf(".computers[%d]", members[i].k)) },
			func(i int) string { return poolObject(t.TrustedApplicationPools[members[i].pool].FQDN) }},
		{"RMX", len(r.RMX), func(i int) string { return r.RMX[i].Name },
			func(i int) string { return rmxPath(i, ".name") },
			func(i int) string { return "rmx/" + r.RMX[i].Name }},
		{"DMA", len(r.DMA), func(i int) string { return r.DMA[i].Name },
			func(i int) string { return dmaPath(i, ".name") },
			func(i int) string { return "dma/" + r.DMA[i].Name }},
		{"RMX/DMA FQDN", nr + len(r.DMA), systemFQDN, systemPath, systemObject},
	}
}

// brokenReferences returns every field that names an object the deployment
// does not define. Paths are built only for those, since most references
// are fine.
func brokenReferences(p *Pass) []reference {
	t, x := &p.Deployment.Lync, p.Topology
	var refs []reference
	check := func(name, what string, ok bool, path func() string, object, hint string) {
		if name != "" && !ok {
			refs = append(refs, reference{path: path(), object: object, name: name, what: what, hint: hint})
		}
	}
	site := func(name string, path func() string, object string) {
		check(name, "site", x.Site(name) >= 0, path, object, "")
	}
	for i, fe := range t.FrontEndPools {
		obj := "lync/frontEndPool/" + string(fe.FQDN)
		site(fe.Site, func() string { return fmt.Sprintf("lync.frontEndPools[%d].site", i) }, obj)
		check(string(fe.EdgePool), "Edge pool", x.EdgePool(fe.EdgePool) >= 0,
			func() string { return fmt.Sprintf("lync.frontEndPools[%d].edgePool", i) }, obj, "")
	}
	for i, e := range t.EdgePools {
		site(e.Site, func() string { return fmt.Sprintf("lync.edgePools[%d].site", i) }, "lync/edgePool/"+string(e.FQDN))
	}
	for i, pool := range t.TrustedApplicationPools {
		obj := poolObject(pool.FQDN)
		site(pool.Site, func() string { return poolPath(i, ".site") }, obj)
		hint := ""
		if x.EdgePool(pool.Registrar) >= 0 {
			hint = " (it is an Edge pool; a registrar is a Front End pool)"
		}
		check(string(pool.Registrar), "Front End pool", x.FrontEndPool(pool.Registrar) >= 0,
			func() string { return poolPath(i, ".registrar") }, obj, hint)
	}
	for i := range t.TrustedApplications {
		a := &t.TrustedApplications[i]
		check(string(a.Pool), "trusted application pool", x.Pool(a.Pool) >= 0,
			func() string { return appPath(i, ".pool") }, appObject(a), "")
	}
	for i, r := range p.Deployment.RPP.RMX {
		site(r.Site, func() string { return rmxPath(i, ".site") }, "rmx/"+r.Name)
	}
	var rmxNames map[string]bool // made only if a DMA lists its MCUs
	for i, s := range p.Deployment.RPP.DMA {
		site(s.Site, func() string { return dmaPath(i, ".site") }, "dma/"+s.Name)
		if len(s.MCUs) > 0 && rmxNames == nil {
			rmxNames = make(map[string]bool, len(p.Deployment.RPP.RMX))
			for _, r := range p.Deployment.RPP.RMX {
				rmxNames[strings.ToLower(r.Name)] = true
			}
		}
		for k, name := range s.MCUs {
			check(name, "RMX", rmxNames[strings.ToLower(name)],
				func() string { return dmaPath(i, fmt.Sprintf(".mcus[%d]", k)) }, "dma/"+s.Name, "")
		}
	}
	return refs
}
