package rpp

import (
	"fmt"

	"github.com/rppkit/rppkit/lync"
	"github.com/rppkit/rppkit/rmx"
)

// srcDNS is where rule dns-record-missing comes from.
const srcDNS = "Polycom RealPresence Collaboration Server (RMX) Administrator's Guide, appendix “Integration into Microsoft Environments”: ICE Active Alarms (“A/V Edge server URI cannot be resolved”, Service phase: the MCU failed to resolve the remote address of the Edge server URI) and Troubleshooting (the MCU's FQDN must be defined identically in the DNS, Lync and the MCU, as type A); Microsoft, “DNS summary” of the Lync Server 2013 Edge reference topologies (an internal A record for the Edge pool's internal FQDN) and “DNS requirements for Front End pools” (an internal A record for each pool FQDN)"

// dnsNeed is a name something of the deployment resolves: the name, the
// field that holds it, the object that needs it, and why, for the message.
type dnsNeed struct {
	name   lync.FQDN
	field  string
	object string
	why    string
}

// dnsNeeds lists the names the integration resolves, in the order of the
// deployment: each RMX's own FQDN, its SIP server and, when it uses ICE with
// Lync, its Edge pools; each DMA's FQDN and its Lync peers' addresses. IP
// address literals need no DNS and are left out.
func (p *Pass) dnsNeeds() []dnsNeed {
	d := p.Deployment
	var needs []dnsNeed
	add := func(n dnsNeed) {
		if n.name != "" && !n.name.IsIP() {
			needs = append(needs, n)
		}
	}
	p.eachRMX(func(i int, r *rmx.System, rf *rmxFacts, object string) {
		add(dnsNeed{r.FQDN, rmxPath(i, ".fqdn"), object,
			fmt.Sprintf("%s's own FQDN, which Lync and the DMA reach it by", r.Name)})
		add(dnsNeed{r.SIP.Server, rmxPath(i, ".sip.server"), object,
			fmt.Sprintf("%s's SIP server, which it opens TLS to", r.Name)})
		if r.SIP.ICEEnvironment != rmx.ICEMS {
			return
		}
		// The Edge whose MRAS URI provisioning gives the RMX: its pool's
		// registrar's, and its SIP server's when that differs (the Front
		// End that answers its SUBSCRIBE).
		edges := []int{p.facts.edgeOf(rf.pool)}
		if fe := p.Topology.FrontEndPool(r.SIP.Server); fe >= 0 {
			if e := d.Lync.FrontEndPools[fe].EdgePool; e != "" {
				edges = append(edges, p.Topology.EdgePool(e))
			}
		}
		for k, e := range edges {
			if e < 0 || k == 1 && e == edges[0] {
				continue
			}
			add(dnsNeed{d.Lync.EdgePools[e].FQDN, fmt.Sprintf("lync.edgePools[%d].fqdn", e), object,
				fmt.Sprintf("%s's Edge pool, named in the MRAS URI the RMX resolves before asking for relay credentials", r.Name)})
		}
	})
	for i := range d.RPP.DMA {
		s := &d.RPP.DMA[i]
		object := "dma/" + s.Name
		add(dnsNeed{s.FQDN, dmaPath(i, ".fqdn"), object,
			fmt.Sprintf("%s's own FQDN, which Lync reaches it by", s.Name)})
		for j, peer := range s.LyncPeers {
			add(dnsNeed{peer.Address, dmaPath(i, fmt.Sprintf(".lyncPeers[%d].address", j)), object,
				fmt.Sprintf("the address of %s's Lync peer %s, which the DMA sends to", s.Name, peer.Name)})
		}
	}
	return needs
}

func dnsRules() []*Rule {
	return []*Rule{{
		ID:       "dns-record-missing",
		Severity: Error,
		Summary:  "a name the integration resolves has no A or AAAA record in the listed DNS zones",
		Doc: `The RMX, the DMA and Lync find each other by name. The RMX opens TLS to its
SIP server by the server's FQDN; Lync and the DMA reach the RMX by its own
FQDN, which Polycom's troubleshooting wants defined in the DNS as an A record,
identical to the name in Lync and on the RMX; the DMA sends to its Lync peers
by their addresses. With ICE, provisioning gives the RMX the MRAS URI, whose
user part is the FQDN of the Edge pool
(sip:EDGE-FQDN@DOMAIN;gruu;opaque=srvr:MRAS:...), and the RMX resolves that
name before its SERVICE request for relay credentials. An Edge's internal FQDN is often given to the Lync servers
in hosts files only, so Lync works while the RMX cannot resolve it.

The rule judges only names inside the zones the deployment file's dns:
section lists (dns.zones), whose records (dns.records) it takes as all the
zone holds, following CNAMEs. A name outside every listed zone, and every
name when there is no dns: section, is not judged: the rule says nothing
about it, which does not mean it resolves.

Symptom: the RMX raises "edge server resolve failed on the service request"
(ICE active alarm "A/V Edge server URI cannot be resolved") and turns no ICE
on, when the Edge's name is missing; it cannot reach its SIP server at all
when that name is missing; Lync's calls to an RMX or DMA whose own name is
missing fail (the RMX's "SIP TLS: Registration server not responding" is the
alarm Polycom's troubleshooting ties to this).

Fix: add an A (or AAAA) record for the name to the internal zone, with the
address of the system it names (the Edge pool's internal interface for an
Edge), or correct the CNAME that should lead to one.`,
		Source:   srcDNS,
		Symptoms: []*rmx.Symptom{rmx.SymptomTLS, rmx.SymptomEdgeResolve},
		Run: func(p *Pass) {
			s := p.Deployment.DNS
			if s == nil {
				return
			}
			x := newDNSIndex(s)
			seen := map[string]bool{}
			for _, n := range p.dnsNeeds() {
				key := n.object + " " + n.name.Key()
				if seen[key] {
					continue
				}
				seen[key] = true
				addrs, judged, last, err := x.resolve(n.name)
				if !judged || len(addrs) > 0 && err == nil {
					continue
				}
				zone, fixName := x.zone(n.name.Key()), n.name.Key()
				var msg string
				switch {
				case err != nil:
					msg = fmt.Sprintf("%s (%s) does not resolve in the zone %s: %v", n.name, n.why, zone, err)
				case last != n.name.Key():
					zone, fixName = x.zone(last), last
					msg = fmt.Sprintf("%s (%s) is an alias of %s, which has no A or AAAA record in the zone %s", n.name, n.why, last, zone)
				default:
					msg = fmt.Sprintf("%s (%s) has no A or AAAA record in the zone %s", n.name, n.why, zone)
				}
				p.Report(Finding{
					Object:  n.object,
					Field:   n.field,
					Message: msg,
					Fix:     fmt.Sprintf("add an A or AAAA record for %s to the zone %s (dns.records), with the address of the system it names", fixName, zone),
				})
			}
		},
	}}
}

// dnsExamples are the examples of the DNS rules (Rule.Example), by rule ID.
func dnsExamples() map[string]*Example {
	const edgeRecord = "    - {name: edge.relecloud.com, type: A, value: 10.20.0.30}\n"
	return map[string]*Example{
		"dns-record-missing": {
			Base: "story-edge-not-in-dns.yaml",
			Failing: []LineEdit{{
				Find:    edgeRecord,
				Replace: "    - {name: edge.relecloud.com, type: A, value: 10.20.0.30}       # not the Edge pool's FQDN, edge-int.relecloud.com\n",
			}},
			Passing: []LineEdit{{
				Find:    edgeRecord,
				Replace: "    - {name: edge-int.relecloud.com, type: A, value: 10.20.0.30}   # the Edge pool's internal interface\n",
			}},
		},
	}
}
