package rpp

import (
	"fmt"
	"strings"

	"github.com/rppkit/rppkit/lync"
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

// reference is one field that names an object defined elsewhere in the file.
type reference struct {
	path, object string
	name         string // as written; "" means not set
	what         string // what it must name
	ok           bool   // whether it does
	hint         string // extra words when it does not
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
		Source: srcDefined,
		Run: func(p *Pass) {
			for _, s := range p.facts.sets {
				for _, c := range s.components {
					if c.pool >= 0 {
						continue
					}
					p.Report(Finding{
						Object:  c.object,
						Field:   c.path + ".fqdn",
						Message: fmt.Sprintf("%s (%s) is not a computer of any trusted application pool", c.object, c.fqdn),
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
			for _, ref := range references(p) {
				if ref.name == "" || ref.ok {
					continue
				}
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
	}}
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

// references returns every field that names an object defined elsewhere.
func references(p *Pass) []reference {
	t, x := &p.Deployment.Lync, p.Topology
	site := func(path, object, name string) reference {
		return reference{path: path, object: object, name: name, what: "site", ok: x.Site(name) >= 0}
	}
	var refs []reference
	for i, fe := range t.FrontEndPools {
		obj := "lync/frontEndPool/" + string(fe.FQDN)
		refs = append(refs, site(fmt.Sprintf("lync.frontEndPools[%d].site", i), obj, fe.Site),
			reference{path: fmt.Sprintf("lync.frontEndPools[%d].edgePool", i), object: obj, name: string(fe.EdgePool),
				what: "Edge pool", ok: x.EdgePool(fe.EdgePool) >= 0})
	}
	for i, e := range t.EdgePools {
		refs = append(refs, site(fmt.Sprintf("lync.edgePools[%d].site", i), "lync/edgePool/"+string(e.FQDN), e.Site))
	}
	for i, pool := range t.TrustedApplicationPools {
		obj := poolObject(pool.FQDN)
		reg := reference{path: poolPath(i, ".registrar"), object: obj, name: string(pool.Registrar),
			what: "Front End pool", ok: x.FrontEndPool(pool.Registrar) >= 0}
		if x.EdgePool(pool.Registrar) >= 0 {
			reg.hint = " (it is an Edge pool; a registrar is a Front End pool)"
		}
		refs = append(refs, site(poolPath(i, ".site"), obj, pool.Site), reg)
	}
	for i := range t.TrustedApplications {
		a := &t.TrustedApplications[i]
		refs = append(refs, reference{path: appPath(i, ".pool"), object: appObject(a), name: string(a.Pool),
			what: "trusted application pool", ok: x.Pool(a.Pool) >= 0})
	}
	for i, r := range p.Deployment.RPP.RMX {
		refs = append(refs, site(rmxPath(i, ".site"), "rmx/"+r.Name, r.Site))
	}
	for i, s := range p.Deployment.RPP.DMA {
		refs = append(refs, site(dmaPath(i, ".site"), "dma/"+s.Name, s.Site))
	}
	return refs
}
