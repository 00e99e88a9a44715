package rpp_test

import (
	"context"
	"fmt"

	"github.com/rppkit/rppkit/lync"
	"github.com/rppkit/rppkit/rpp"
)

// Load a deployment file and check it: each finding names its rule, where it
// is, and — when the fix is a value — the value to set.
func ExampleCheck() {
	d, err := rpp.Load(context.Background(), "../examples/story-gruu-wrong-prefix.yaml")
	if err != nil {
		fmt.Println(err) // every problem in the file, each with file:line:col and field
		return
	}
	report := rpp.Check(context.Background(), d, rpp.Options{})
	for _, f := range report.Findings {
		fmt.Printf("%s:%d %s %s\n  set %s to %s\n", f.File, f.Line, f.Severity, f.Rule, f.Field, f.Replacement())
	}
	fmt.Printf("%d errors, %d warnings\n", report.Summary.Errors, report.Summary.Warnings)
	// Output:
	// ../examples/story-gruu-wrong-prefix.yaml:39 error rmx-contact-override-prefix
	//   set rpp.rmx[0].flags.SIP_CONTACT_OVERRIDE_STR to rpp.woodgrove.com@woodgrove.com;gruu;opaque=srvr:video:Lw0vG6hJs3QaK8zDn2cXbwAA
	// ../examples/story-gruu-wrong-prefix.yaml:48 error dma-gruu-prefix
	//   set rpp.dma[0].lyncPeers[0].serviceGruu to sip:rpp.woodgrove.com@woodgrove.com;gruu;opaque=srvr:video:Lw0vG6hJs3QaK8zDn2cXbwAA
	// 2 errors, 0 warnings
}

// A file with mistakes in it is refused with every problem listed.
func ExampleParse() {
	_, err := rpp.Parse("deployment.yaml", []byte(`
lync:
  product: lync2013
  sipDomains: [contoso.com]
rpp:
  workflows: [realconnect]
  rmx:
    - name: rmx1
      fqdn: rmx1.contoso.com
      version: "8.5"
      sip: {iceEnviroment: ms}
`))
	fmt.Println(err)
	// Output:
	// deployment.yaml:11:13: rpp.rmx[0].sip.iceEnviroment: unknown field "iceEnviroment" (did you mean iceEnvironment?)
}

// A rule of one's own is a value like the catalogue's, and reads the facts
// the built-in rules derive (the RMX's pool, Edge and ICE method) from the
// Pass. Here: every RMX must relay media through the Edge of its own site.
func ExampleRule() {
	ownEdge := &rpp.Rule{
		ID:       "acme-edge-own-site",
		Severity: rpp.Warning,
		Summary:  "an RMX relays media through another site's Edge pool",
		Doc:      "Acme routes media locally.\n\nFix: register the RMX's pool with its own site's Front End pool.",
		Source:   "Acme network policy",
		Run: func(p *rpp.Pass) {
			t := &p.Deployment.Lync
			for i, r := range p.Deployment.RPP.RMX {
				f := p.RMX(i)
				if f.Edge >= 0 && t.EdgePools[f.Edge].Site != r.Site {
					p.Report(rpp.Finding{
						Object:  "rmx/" + r.Name,
						Field:   fmt.Sprintf("rpp.rmx[%d].site", i),
						Message: fmt.Sprintf("%s (%s method) relays through %s", r.Name, f.ICEMethod, t.EdgePools[f.Edge].FQDN),
						Fix:     "register its pool with a Front End pool of its own site",
					})
				}
			}
		},
	}
	d, err := rpp.Load(context.Background(), "../examples/two-site.yaml")
	if err != nil {
		fmt.Println(err)
		return
	}
	d.Lync.TrustedApplicationPools[1].Registrar = "fe-east.contoso.com" // West's pool now registers in East
	rules := append(rpp.Catalogue(), ownEdge)
	if err := rpp.ValidateRules(rules); err != nil {
		fmt.Println(err)
		return
	}
	report := rpp.Check(context.Background(), d, rpp.Options{Rules: rules})
	for _, f := range report.Findings {
		if f.Rule == ownEdge.ID {
			fmt.Println(f.Rule, f.Message)
		}
	}
	// Output:
	// acme-edge-own-site rmx-west (new method) relays through edge-east.contoso.com
}

// Look a name up in a deployment's dns: section, as rule
// dns-record-missing and the lab do: CNAMEs are followed, and a name outside
// every listed zone is not judged.
func ExampleDNS_Lookup() {
	d, err := rpp.Parse("deployment.yaml", []byte(`
lync: {product: sfb2015, sipDomains: [contoso.com]}
rpp:
  workflows: [realconnect]
  rmx: [{name: rmx, fqdn: rmx.contoso.com, version: "8.7.1"}]
dns:
  zones: [contoso.com]
  records:
    - {name: fe.contoso.com, type: A, value: 10.1.0.10}
    - {name: sip.contoso.com, type: CNAME, value: fe.contoso.com}
`))
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, name := range []lync.FQDN{"sip.contoso.com", "edge.contoso.com", "dc.fabrikam.com"} {
		addrs, judged, err := d.DNS.Lookup(name)
		fmt.Println(name, addrs, judged, err)
	}
	// Output:
	// sip.contoso.com [10.1.0.10] true <nil>
	// edge.contoso.com [] true <nil>
	// dc.fabrikam.com [] false <nil>
}
