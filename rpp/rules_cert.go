package rpp

import (
	"errors"
	"fmt"
	"strings"

	"github.com/rppkit/rppkit/lync"
	"github.com/rppkit/rppkit/rmx"
)

// eachCertificate runs fn for every RMX and DMA whose certificate is known.
func (p *Pass) eachCertificate(fn func(c *component)) {
	for i := range p.facts.systems {
		if c := &p.facts.systems[i]; c.cert != nil {
			fn(c)
		}
	}
}

func certRules() []*Rule {
	return []*Rule{{
		ID:       "cert-wildcard",
		Severity: Error,
		Summary:  "an RMX or DMA certificate is a wildcard certificate",
		Doc: `Lync trusts a trusted application computer by the name its certificate
gives for it, over mutual TLS. Wildcard certificates are not supported for the
RMX or the DMA in this integration: use SAN certificates that name each FQDN.

Symptom: presence of the RPP systems shows "unknown" in Lync clients; calls
stay on "connecting".

Fix: request a certificate whose subject is the system's FQDN and whose SAN
list names that FQDN (and, for the DMA, any virtual and pool FQDNs it answers
to), from the CA Lync trusts; install it on the system.`,
		Source:   srcCerts,
		Symptoms: []*rmx.Symptom{rmx.SymptomTLS},
		Run: func(p *Pass) {
			p.eachCertificate(func(c *component) {
				if w := c.cert.WildcardNames(); len(w) > 0 {
					p.Report(Finding{
						Object:  c.object(),
						Field:   c.path() + ".certificate",
						Message: fmt.Sprintf("%s presents a wildcard certificate (%s)", c.object(), strings.Join(w, ", ")),
						Fix:     fmt.Sprintf("replace it with a SAN certificate naming %s", c.fqdn),
					})
				}
			})
		},
	}, {
		ID:       "cert-san-missing",
		Severity: Error,
		Summary:  "a certificate's SAN list lacks the system's FQDN",
		Doc: `Lync validates the certificate a trusted application computer presents against
that computer's FQDN, and current TLS implementations look only at the Subject
Alternative Name list. A certificate that names the FQDN only in its subject, or
not at all, fails.

Symptom: Lync logs a certificate name mismatch ("expecting a certificate with a
different name"); the RMX does not register, and calls from outside fail.

Fix: issue a certificate whose SAN list names the system's FQDN.`,
		Source:   srcCerts,
		Symptoms: []*rmx.Symptom{rmx.SymptomTLS, rmx.SymptomRegister},
		Run: func(p *Pass) {
			p.eachCertificate(func(c *component) {
				if c.cert.SANNames(c.fqdn) {
					return
				}
				p.Report(Finding{
					Object:  c.object(),
					Field:   c.path() + ".certificate.san",
					Message: fmt.Sprintf("the certificate of %s does not name %s in its SAN list (%s)", c.object(), c.fqdn, orDefault(strings.Join(c.cert.SAN, ", "), "empty")),
					Fix:     fmt.Sprintf("issue a certificate with %s in its SAN list", c.fqdn),
				})
			})
		},
	}, {
		ID:       "cert-shared",
		Severity: Error,
		Summary:  "two systems present the same certificate",
		Doc: `Polycom requires each RMX to have its own certificate for its own signalling
FQDN. A certificate copied from another RMX names the other RMX, so Lync
rejects the second one. (This is Polycom's rule: other vendors, Pexip for one,
recommend one SAN certificate on every node; for RMX and DMA, do not share.)

Symptom: the second RMX cannot register, and Lync says it expected a
certificate with a different name; calls from inside work, calls from outside
fail because that RMX cannot use the Edge.

Fix: create a new certificate request on each RMX, from scratch, for its own
FQDN, and install the issued certificate on that RMX only.`,
		Source:   srcCerts,
		Symptoms: []*rmx.Symptom{rmx.SymptomRegister},
		Run: func(p *Pass) {
			// Thumbprints decide when both are known, names otherwise
			// (lync.Certificate.SameAs); the maps keep this linear.
			type seen struct {
				c  *component
				fp string
			}
			byFP := map[string]*component{}
			byNames := map[string][]seen{}
			p.eachCertificate(func(c *component) {
				fp, names := c.cert.FingerprintKey(), c.cert.NamesKey()
				var other *component
				if fp != "" {
					other = byFP[fp]
				}
				for _, s := range byNames[names] {
					if other == nil && names != "" && (fp == "" || s.fp == "") {
						other = s.c
					}
				}
				if other != nil {
					p.Report(Finding{
						Object:  c.object(),
						Field:   c.path() + ".certificate",
						Message: fmt.Sprintf("%s presents the same certificate as %s", c.object(), other.object()),
						Fix:     fmt.Sprintf("issue %s a certificate of its own, for %s", c.object(), c.fqdn),
					})
				}
				if fp != "" && byFP[fp] == nil {
					byFP[fp] = c
				}
				byNames[names] = append(byNames[names], seen{c, fp})
			})
		},
	}, {
		ID:       "edge-cert-name",
		Severity: Error,
		Summary:  "an Edge pool's internal certificate does not name the pool's FQDN",
		Doc: `The Front Ends reach an Edge pool's internal interface over mutual TLS: for
SIP, and for the A/V authentication service (MRAS, SIP/MTLS on port 5062) that
hands out media relay credentials. They check the certificate the Edge
presents against the Edge pool's FQDN. Microsoft plans that certificate with
the pool's internal FQDN as subject name and no SAN entries, and supports no
wildcard certificate for it. The rule reads the certificate the usual TLS way:
the FQDN must be one of its SAN DNS names or, when it has none, its subject
CN, and nothing in it may be a wildcard. A certificate requested for one Edge
Server of the pool (its computer name) rather than the pool, one copied from
another pool, or one with a SAN list that leaves the pool out fails.

The rule judges the certificate the deployment file gives for an Edge pool
(lync.edgePools[].certificate); without one, or with one that gives no
names, it says nothing. No Management Shell cmdlet prints it, so rpp import
lync leaves it to you.

Symptom: the RMXs whose media relays through that Edge raise "Failure
response from the A/V Edge Server to the RMX Service Request": the Front End
answers their SERVICE to MRAS with 504 Server Time-out and ms-diagnostics 1010
("Certificate trust with next-hop server could not be established.").
External users cannot sign in through that Edge, and A/V with anyone outside
the network fails too.

Fix: request the Edge internal certificate for the pool's FQDN as subject
name (the Deployment Wizard's "Edge internal" request does this from the
published topology), from a CA the Front Ends trust, and assign it to the
internal interface of every Edge Server in the pool.`,
		Source:   srcEdgeCert,
		Symptoms: []*rmx.Symptom{rmx.SymptomMRASFailure},
		Run: func(p *Pass) {
			for i, e := range p.Deployment.Lync.EdgePools {
				c := e.Certificate
				if c == nil || !c.HasNames() {
					continue
				}
				err := c.VerifyName(e.FQDN)
				if err == nil {
					continue
				}
				field := fmt.Sprintf("lync.edgePools[%d].certificate", i)
				switch {
				case errors.Is(err, lync.ErrCertificateWildcard):
				case len(c.SAN) > 0:
					field += ".san"
				default:
					field += ".subject"
				}
				msg := fmt.Sprintf("the internal certificate of Edge pool %s does not name it: %v", e.FQDN, err)
				if users := p.edgeUsers(i); len(users) > 0 {
					msg += fmt.Sprintf("; the Front Ends refuse it, so MRAS fails for %s", strings.Join(users, ", "))
				}
				p.Report(Finding{
					Object:  "lync/edgePool/" + string(e.FQDN),
					Field:   field,
					Message: msg,
					Fix:     fmt.Sprintf("issue the Edge pool's internal interface a certificate with subject name %s (no wildcard), from a CA the Front Ends trust, and assign it on every Edge Server of the pool", e.FQDN),
				})
			}
		},
	}}
}

// edgeUsers returns the names of the RMXs that ask the Edge pool at index
// edge for relay credentials: those with ICE configured in the MS
// environment whose trusted application pool's registrar is paired with it.
func (p *Pass) edgeUsers(edge int) []string {
	var names []string
	p.eachRMX(func(i int, r *rmx.System, rf *rmxFacts, object string) {
		if rf.method != "" && r.SIP.ICEEnvironment == rmx.ICEMS && p.facts.edgeOf(rf.pool) == edge {
			names = append(names, object)
		}
	})
	return names
}
