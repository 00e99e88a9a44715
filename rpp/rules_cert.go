package rpp

import (
	"fmt"
	"strings"

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
	}}
}
