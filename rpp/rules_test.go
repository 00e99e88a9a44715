package rpp

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/rppkit/rppkit/dma"
	"github.com/rppkit/rppkit/examples"
	"github.com/rppkit/rppkit/lync"
	"github.com/rppkit/rppkit/rmx"
)

// catalogueContract is the rule catalogue of DOMAIN.md: these IDs and
// severities are a published contract and must never change.
var catalogueContract = map[string]Severity{
	"lync-pool-single-computer":     Warning,
	"lync-pool-split":               Warning,
	"lync-pool-per-edge":            Warning,
	"lync-pool-extra":               Info,
	"rpp-component-not-in-topology": Error,
	"lync-app-missing":              Error,
	"lync-app-multiple":             Info,
	"lync-endpoint-missing":         Error,
	"lync-endpoint-mismatch":        Error,
	"lync-sip-address-conflict":     Error,
	"lync-sip-address-domain":       Error,
	"lync-gruu-missing":             Error,
	"lync-gruu-malformed":           Error,
	"lync-static-route-unneeded":    Warning,
	"lync-static-route-missing":     Error,
	"lync-static-route-port":        Error,
	"rmx-ice-environment":           Error,
	"rmx-ice-missing":               Error,
	"rmx-ice-method-unsupported":    Error,
	"rmx-ice-user-unknown":          Error,
	"rmx-ice-user-format":           Error,
	"rmx-sip-domain-mismatch":       Error,
	"rmx-contact-override-missing":  Error,
	"rmx-contact-override-prefix":   Error,
	"rmx-contact-override-mismatch": Error,
	"rmx-registered-to-edge":        Error,
	"rmx-sfb-version":               Error,
	"rmx-encryption":                Warning,
	"rmx-vmr-defined":               Error,
	"cert-wildcard":                 Error,
	"cert-san-missing":              Error,
	"cert-shared":                   Error,
	"dma-gruu-missing":              Error,
	"dma-gruu-prefix":               Error,
	"dma-gruu-mismatch":             Error,
	"dma-rmx-untested-pair":         Warning,
	"rc-dma-missing":                Error,
	"edge-remote":                   Warning,
	// rppkit's own rules: stable too.
	"lync-app-duplicate":              Error,
	"lync-endpoint-generated-address": Warning,
	"lync-static-route-ip":            Error,
	"deployment-unknown-reference":    Error,
	"deployment-duplicate":            Error,
}

func TestCatalogueContract(t *testing.T) {
	rules := Catalogue()
	if err := ValidateRules(rules); err != nil {
		t.Error(err)
	}
	seen := map[string]bool{}
	for _, r := range rules {
		seen[r.ID] = true
		if want, ok := catalogueContract[r.ID]; ok && r.Severity != want {
			t.Errorf("rule %s has severity %s; the catalogue says %s", r.ID, r.Severity, want)
		}
		if strings.Count(r.Doc, "\n") < 2 || r.Source == "" {
			t.Errorf("rule %s lacks a source or a doc of more than a line", r.ID)
		}
	}
	for id := range catalogueContract {
		if !seen[id] {
			t.Errorf("catalogue rule %s is missing", id)
		}
	}
	// Catalogue returns fresh values: changing one must not change the next.
	rules[0].Severity = Info
	if Catalogue()[0].Severity == Info && catalogueContract[rules[0].ID] != Info {
		t.Error("Catalogue shares its rule values between calls")
	}
}

func TestLookupRule(t *testing.T) {
	r, err := LookupRule("cert-wildcard")
	if err != nil || r.ID != "cert-wildcard" {
		t.Fatalf("LookupRule(cert-wildcard) = %v, %v", r, err)
	}
	_, err = LookupRule("cert-wildcrd")
	if err == nil || !strings.Contains(err.Error(), "did you mean cert-wildcard?") {
		t.Errorf("LookupRule(cert-wildcrd) = %v; want a suggestion", err)
	}
}

func load(t testing.TB, name string) *Deployment {
	t.Helper()
	d, err := LoadFS(context.Background(), examples.FS, name)
	if err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	return d
}

// fired lists the rule IDs of a report's findings, sorted, with repeats.
// fabrikamDNS is the zone fabrikam.com with an A record for each name of
// single-site.yaml but those left out.
func fabrikamDNS(leftOut ...lync.FQDN) *DNS {
	d := &DNS{Zones: []lync.FQDN{"fabrikam.com"}}
	for i, name := range []lync.FQDN{"lyncpool.fabrikam.com", "lyncedge.fabrikam.com", "rpp.fabrikam.com", "rmx1.fabrikam.com", "rmx2.fabrikam.com", "dma.fabrikam.com"} {
		if !slices.Contains(leftOut, name) {
			d.Records = append(d.Records, DNSRecord{Name: name, Type: DNSA, Value: fmt.Sprintf("192.0.2.%d", i+1)})
		}
	}
	return d
}

func fired(r Report) []string {
	ids := make([]string, len(r.Findings))
	for i, f := range r.Findings {
		ids[i] = f.Rule
	}
	slices.Sort(ids)
	return ids
}

func TestCleanExamplesHaveNoFindings(t *testing.T) {
	for _, name := range []string{"two-site.yaml", "single-site.yaml"} {
		r := Check(context.Background(), load(t, name), Options{})
		for _, f := range r.Findings {
			t.Errorf("%s: %s:%d %s: %s", name, f.File, f.Line, f.Rule, f.Message)
		}
		if r.Summary != (Summary{}) || r.Err != nil {
			t.Errorf("%s: summary %+v, err %v", name, r.Summary, r.Err)
		}
	}
}

const (
	ssPool = "rpp.fabrikam.com"
	ssGRUU = "sip:rpp.fabrikam.com@fabrikam.com;gruu;opaque=srvr:video:QbJ7c2W1x0K9tP4mAz8hSgAA"
)

// addRMX3 adds to single-site.yaml a third RMX on the legacy method, in a
// pool of its own (computers nil makes it a single-computer pool).
func addRMX3(d *Deployment, pool lync.FQDN, computers []lync.FQDN) {
	t := &d.Lync
	t.TrustedApplicationPools = append(t.TrustedApplicationPools, lync.TrustedApplicationPool{
		FQDN: pool, Site: "HQ", Registrar: "lyncpool.fabrikam.com", Computers: computers})
	t.TrustedApplications = append(t.TrustedApplications, lync.TrustedApplication{
		ApplicationID: "video", Pool: pool, Port: 5061,
		ServiceGRUU: "sip:" + string(pool) + "@fabrikam.com;gruu;opaque=srvr:video:Ab3dEf6hIj9kLm2nOp5qRsAA"})
	r := d.RPP.RMX[1] // rmx2: 8.4 on the legacy method, needs no endpoint
	r.Name, r.FQDN = "rmx3", "rmx3.fabrikam.com"
	r.Certificate = &lync.Certificate{Subject: "rmx3.fabrikam.com", SAN: []string{"rmx3.fabrikam.com"}}
	d.RPP.RMX = append(d.RPP.RMX, r)
}

func addEndpoint(d *Deployment, addr string, app lync.ApplicationID) {
	a, err := lync.ParseSIPAddress(addr)
	if err != nil {
		panic(err)
	}
	d.Lync.TrustedApplicationEndpoints = append(d.Lync.TrustedApplicationEndpoints,
		lync.TrustedApplicationEndpoint{SIPAddress: a, ApplicationID: app, Pool: ssPool})
}

// ruleCases make each rule fire by changing one thing in a clean example,
// and say exactly which findings that change must produce: no fewer (the
// rule works) and no more (the other rules stay quiet).
var ruleCases = []struct {
	name   string
	base   string
	mutate func(d *Deployment)
	want   []string
}{
	{"single-computer pool for a third RMX", "single-site.yaml",
		func(d *Deployment) { addRMX3(d, "rmx3.fabrikam.com", nil) },
		[]string{"lync-pool-extra", "lync-pool-single-computer", "lync-pool-split"}},
	{"second multiple-computer pool in the same site", "single-site.yaml",
		func(d *Deployment) { addRMX3(d, "rpp2.fabrikam.com", []lync.FQDN{"rmx3.fabrikam.com"}) },
		[]string{"lync-pool-extra", "lync-pool-split"}},
	{"West's pool registers with East's Front End", "two-site.yaml",
		func(d *Deployment) { d.Lync.TrustedApplicationPools[1].Registrar = "fe-east.contoso.com" },
		[]string{"edge-remote", "lync-pool-per-edge", "rmx-sip-server-not-registrar"}},
	{"two pools though there is only one Edge pool", "two-site.yaml",
		func(d *Deployment) {
			d.Lync.EdgePools = d.Lync.EdgePools[:1]
			d.Lync.FrontEndPools[1].EdgePool = ""
		},
		[]string{"edge-unpaired", "lync-pool-extra"}},
	{"no Edge anywhere: the 8.4 RMX on ICE raises an alarm; the 8.5 one runs without a relay", "single-site.yaml",
		func(d *Deployment) { d.Lync.EdgePools, d.Lync.FrontEndPools[0].EdgePool = nil, "" },
		[]string{"rmx-ice-no-edge"}},
	{"no Edge anywhere and ICE off on the 8.4 RMX", "single-site.yaml",
		func(d *Deployment) {
			d.Lync.EdgePools, d.Lync.FrontEndPools[0].EdgePool = nil, ""
			d.RPP.RMX[1].SIP.ICEEnvironment, d.RPP.RMX[1].SIP.ServerUserName, d.RPP.RMX[1].SIP.ICEMethod = rmx.ICENone, "", ""
		},
		nil},
	{"Edge internal certificate requested for one Edge Server, not the pool", "two-site.yaml",
		func(d *Deployment) {
			d.Lync.EdgePools[1].Certificate = &lync.Certificate{Subject: "edge-west01.contoso.com"}
		},
		[]string{"edge-cert-name"}},
	{"Edge internal certificate with the pool's FQDN as subject name only", "two-site.yaml",
		func(d *Deployment) {
			d.Lync.EdgePools[1].Certificate = &lync.Certificate{Subject: "edge-west.contoso.com"}
		},
		nil},
	{"RMX left out of the topology", "single-site.yaml",
		func(d *Deployment) {
			d.Lync.TrustedApplicationPools[0].Computers = []lync.FQDN{"dma.fabrikam.com", "rmx1.fabrikam.com"}
		},
		[]string{"rpp-component-not-in-topology"}},
	{"DMA named by the pool's own FQDN counts as in the topology", "single-site.yaml",
		func(d *Deployment) {
			d.Lync.TrustedApplicationPools[0].FQDN = "dma.fabrikam.com"
			d.Lync.TrustedApplicationPools[0].Computers = []lync.FQDN{"dma1.fabrikam.com", "rmx1.fabrikam.com", "rmx2.fabrikam.com"}
			d.Lync.TrustedApplications[0].Pool = "dma.fabrikam.com"
			d.Lync.TrustedApplications[0].ServiceGRUU = "sip:dma.fabrikam.com@fabrikam.com;gruu;opaque=srvr:video:QbJ7c2W1x0K9tP4mAz8hSgAA"
			d.Lync.TrustedApplicationEndpoints[0].Pool = "dma.fabrikam.com"
		},
		[]string{"dma-gruu-mismatch", "rmx-contact-override-mismatch"}},
	{"pool without a trusted application", "single-site.yaml",
		func(d *Deployment) { d.Lync.TrustedApplications = nil },
		[]string{"lync-app-missing", "lync-endpoint-mismatch"}},
	{"second trusted application", "single-site.yaml",
		func(d *Deployment) {
			d.Lync.TrustedApplications = append(d.Lync.TrustedApplications, lync.TrustedApplication{
				ApplicationID: "videorouting", Pool: ssPool, Port: 5062,
				ServiceGRUU: "sip:rpp.fabrikam.com@fabrikam.com;gruu;opaque=srvr:videorouting:Zz9yXw8vUt7sRq6pOn5mLkAA"})
		},
		[]string{"lync-app-multiple"}},
	{"second trusted application on the same port", "single-site.yaml",
		func(d *Deployment) {
			d.Lync.TrustedApplications = append(d.Lync.TrustedApplications, lync.TrustedApplication{
				ApplicationID: "video2", Pool: ssPool, Port: 5061,
				ServiceGRUU: "sip:rpp.fabrikam.com@fabrikam.com;gruu;opaque=srvr:video2:Zz9yXw8vUt7sRq6pOn5mLkAA"})
		},
		[]string{"lync-app-duplicate", "lync-app-multiple"}},
	{"no endpoint for the new method", "single-site.yaml",
		func(d *Deployment) { d.Lync.TrustedApplicationEndpoints = nil },
		[]string{"lync-endpoint-missing", "rmx-ice-user-unknown"}},
	{"endpoint of an application that does not exist", "single-site.yaml",
		func(d *Deployment) { addEndpoint(d, "sip:audio@fabrikam.com", "audio") },
		[]string{"lync-endpoint-mismatch"}},
	{"endpoint with a generated address", "single-site.yaml",
		func(d *Deployment) {
			addEndpoint(d, "sip:RtcApplication-5e8c2f44-7c1d-4b7e-9a0e-3f1c2d4b5a6e@fabrikam.com", "video")
		},
		[]string{"lync-endpoint-generated-address"}},
	{"endpoint reusing a user's address", "single-site.yaml",
		func(d *Deployment) { addEndpoint(d, "sip:carol@fabrikam.com", "video") },
		[]string{"lync-sip-address-conflict"}},
	{"two endpoints with one address", "single-site.yaml",
		func(d *Deployment) { addEndpoint(d, "sip:RPP@fabrikam.com", "video") },
		[]string{"lync-sip-address-conflict"}},
	{"endpoint outside the SIP domains", "single-site.yaml",
		func(d *Deployment) { addEndpoint(d, "sip:rpp2@contoso.com", "video") },
		[]string{"lync-sip-address-domain"}},
	{"application without a Service GRUU", "two-site.yaml",
		func(d *Deployment) { d.Lync.TrustedApplications[1].ServiceGRUU = "" },
		[]string{"lync-gruu-missing"}},
	{"Service GRUU without its gruu parameter", "two-site.yaml",
		func(d *Deployment) {
			d.Lync.TrustedApplications[0].ServiceGRUU = "sip:rpp-east.contoso.com@contoso.com;opaque=srvr:video:Tggd9yw0FFyNjnRqleNLwQAA"
		},
		[]string{"lync-gruu-malformed"}},
	{"Service GRUU of the other pool", "two-site.yaml",
		func(d *Deployment) {
			d.Lync.TrustedApplications[0].ServiceGRUU = d.Lync.TrustedApplications[1].ServiceGRUU
		},
		[]string{"dma-gruu-mismatch", "lync-gruu-malformed", "rmx-contact-override-mismatch"}},
	{"static route left over in a RealConnect-only deployment", "two-site.yaml",
		func(d *Deployment) {
			d.Lync.StaticRoutes = []lync.StaticRoute{{Destination: "dma-east.contoso.com", Port: 5061, Transport: lync.TLS, MatchURI: "vmr.contoso.com"}}
		},
		[]string{"lync-static-route-unneeded"}},
	{"traditional workflow without a static route", "single-site.yaml",
		func(d *Deployment) { d.Lync.StaticRoutes = nil },
		[]string{"lync-static-route-missing"}},
	{"static route to the wrong port", "single-site.yaml",
		func(d *Deployment) { d.Lync.StaticRoutes[0].Port = 5071 },
		[]string{"lync-static-route-port"}},
	{"TLS static route to an IP address", "single-site.yaml",
		func(d *Deployment) {
			d.Lync.StaticRoutes = append(d.Lync.StaticRoutes, lync.StaticRoute{Destination: "192.0.2.10", Port: 5061, Transport: lync.TLS, MatchURI: "vc.fabrikam.com"})
		},
		[]string{"lync-static-route-ip"}},
	{"ICE environment Standard", "single-site.yaml",
		func(d *Deployment) { d.RPP.RMX[0].SIP.ICEEnvironment = rmx.ICEStandard },
		[]string{"rmx-ice-environment"}},
	{"no ICE on 8.5", "single-site.yaml",
		func(d *Deployment) {
			d.RPP.RMX[0].SIP.ServerUserName, d.RPP.RMX[0].SIP.ICEEnvironment = "", rmx.ICENone
		},
		[]string{"rmx-ice-missing"}},
	{"legacy method after an upgrade to 8.5", "single-site.yaml",
		func(d *Deployment) { d.RPP.RMX[1].Version = rmx.MustParseVersion("8.5.10") },
		[]string{"rmx-ice-method-unsupported"}},
	{"new method on 8.3", "single-site.yaml",
		func(d *Deployment) { d.RPP.RMX[0].Version = rmx.MustParseVersion("8.3.1") },
		[]string{"rmx-ice-method-unsupported"}},
	{"Server User Name names nobody", "single-site.yaml",
		func(d *Deployment) { d.RPP.RMX[0].SIP.ServerUserName = "videoice" },
		[]string{"rmx-ice-user-unknown"}},
	{"Server User Name names a user on the new method", "single-site.yaml",
		func(d *Deployment) { d.RPP.RMX[0].SIP.ServerUserName = "carol" },
		[]string{"rmx-ice-user-unknown"}},
	{"Server User Name holds the whole SIP address", "single-site.yaml",
		func(d *Deployment) { d.RPP.RMX[0].SIP.ServerUserName = "sip:rpp@fabrikam.com" },
		[]string{"rmx-ice-user-format"}},
	{"Server Domain Name of another domain", "single-site.yaml",
		func(d *Deployment) { d.RPP.RMX[0].SIP.ServerDomainName = "fabrikam.net" },
		[]string{"rmx-sip-domain-mismatch"}},
	{"new method without the contact override flag", "single-site.yaml",
		func(d *Deployment) { d.RPP.RMX[0].Flags = nil },
		[]string{"rmx-contact-override-missing"}},
	{"flag pasted with sip:", "single-site.yaml",
		func(d *Deployment) {
			d.RPP.RMX[0].Flags[rmx.FlagContactOverride] = "SIP:" + d.RPP.RMX[0].Flags[rmx.FlagContactOverride]
		},
		[]string{"rmx-contact-override-prefix"}},
	{"flag with a stale token", "single-site.yaml",
		func(d *Deployment) {
			d.RPP.RMX[0].Flags[rmx.FlagContactOverride] = "rpp.fabrikam.com@fabrikam.com;gruu;opaque=srvr:video:OldTokenFromBeforeRecreation"
		},
		[]string{"rmx-contact-override-mismatch"}},
	{"flag cut short", "single-site.yaml",
		func(d *Deployment) {
			d.RPP.RMX[0].Flags[rmx.FlagContactOverride] = "rpp.fabrikam.com@fabrikam.com;gruu"
		},
		[]string{"rmx-contact-override-mismatch"}},
	{"RMX pointed at the Edge", "single-site.yaml",
		func(d *Deployment) { d.RPP.RMX[0].SIP.Server = "lyncedge.fabrikam.com" },
		[]string{"rmx-registered-to-edge"}},
	{"Skype for Business with RMX 8.4", "single-site.yaml",
		func(d *Deployment) { d.Lync.Product = lync.SfB2015 },
		[]string{"rmx-sfb-version"}},
	{"profile without encryption", "single-site.yaml",
		func(d *Deployment) { d.RPP.RMX[0].ConferenceProfiles[0].Encryption = rmx.EncryptNone },
		[]string{"rmx-encryption"}},
	{"meeting rooms on the RMX", "single-site.yaml",
		func(d *Deployment) { d.RPP.RMX[0].VMRs = []string{"1234"} },
		[]string{"rmx-vmr-defined"}},
	{"meeting rooms on an RMX the DMA lists among its MCUs", "single-site.yaml",
		func(d *Deployment) {
			d.RPP.RMX[0].VMRs, d.RPP.RMX[0].Site = []string{"1234"}, ""
			d.RPP.DMA[0].MCUs = []string{"RMX1", "rmx2"}
		},
		[]string{"rmx-vmr-defined"}},
	{"meeting rooms on an RMX that no DMA manages", "single-site.yaml",
		func(d *Deployment) {
			d.RPP.RMX[0].VMRs = []string{"1234"}
			d.RPP.DMA[0].MCUs = []string{"rmx2"}
		},
		nil},
	{"DMA listing an RMX that does not exist", "single-site.yaml",
		func(d *Deployment) { d.RPP.DMA[0].MCUs = []string{"rmx9"} },
		[]string{"deployment-unknown-reference"}},
	{"TLS static route to the pool FQDN, which no certificate names", "single-site.yaml",
		func(d *Deployment) {
			d.Lync.StaticRoutes[0].Destination = "rpp.fabrikam.com"
			d.RPP.DMA[0].Certificate.SAN = []string{"dma.fabrikam.com"}
		},
		[]string{"lync-static-route-cert"}},
	{"TLS static route to the pool FQDN, which the DMA's certificate names", "single-site.yaml",
		func(d *Deployment) { d.Lync.StaticRoutes[0].Destination = "rpp.fabrikam.com" },
		nil},
	{"TCP static route to the pool FQDN: no certificate to check", "single-site.yaml",
		func(d *Deployment) {
			d.Lync.StaticRoutes[0].Destination, d.Lync.StaticRoutes[0].Transport = "rpp.fabrikam.com", lync.TCP
		},
		nil},
	{"static route matching Lync's own SIP domain", "single-site.yaml",
		func(d *Deployment) { d.Lync.StaticRoutes[0].MatchURI = "sip:Fabrikam.com." },
		[]string{"lync-static-route-match-sip-domain"}},
	{"static route matching a wildcard that covers a SIP domain", "single-site.yaml",
		func(d *Deployment) {
			d.Lync.SIPDomains = append(d.Lync.SIPDomains, "eu.fabrikam.com")
			d.Lync.StaticRoutes[0].MatchURI = "*.fabrikam.com"
		},
		[]string{"lync-static-route-match-sip-domain"}},
	{"static route matching a subdomain no user has", "single-site.yaml",
		func(d *Deployment) { d.Lync.StaticRoutes[0].MatchURI = "*.fabrikam.com" },
		nil},
	{"RMX whose SIP server is an IPv4 address", "single-site.yaml",
		func(d *Deployment) { d.RPP.RMX[0].SIP.Server = "192.0.2.5" },
		[]string{"rmx-sip-server-not-registrar"}},
	{"RMX whose SIP server is an IPv6 address", "single-site.yaml",
		func(d *Deployment) { d.RPP.RMX[0].SIP.Server = "[2001:db8::5]" },
		[]string{"rmx-sip-server-not-registrar"}},
	{"TLS static route to an IPv6 address", "single-site.yaml",
		func(d *Deployment) {
			d.Lync.StaticRoutes = append(d.Lync.StaticRoutes,
				lync.StaticRoute{Destination: "2001:db8::10", Port: 5061, Transport: lync.TLS, MatchURI: "vc.fabrikam.com"},
				lync.StaticRoute{Destination: "[2001:db8::11]", Port: 5061, Transport: lync.TLS, MatchURI: "vc2.fabrikam.com"})
		},
		[]string{"lync-static-route-ip", "lync-static-route-ip"}},
	{"names written with a trailing dot", "single-site.yaml",
		func(d *Deployment) {
			d.RPP.RMX[0].FQDN, d.RPP.RMX[0].SIP.Server, d.RPP.RMX[0].SIP.ServerDomainName = "RMX1.fabrikam.com.", "lyncpool.fabrikam.com.", "fabrikam.com."
			d.RPP.RMX[1].SIP.ServerDomainName = "Fabrikam.COM."
			d.Lync.TrustedApplicationPools[0].Registrar = "lyncpool.fabrikam.com."
			d.Lync.StaticRoutes[0].Destination = "dma.fabrikam.com."
			d.RPP.DMA[0].LyncPeers[0].Address = "lyncpool.fabrikam.com."
		},
		nil},
	{"an RMX listening on another port than its application", "single-site.yaml",
		func(d *Deployment) { d.RPP.RMX[0].ListenPort = 5062 },
		[]string{"rpp-listen-port-mismatch"}},
	{"an application whose port differs from every system's", "single-site.yaml",
		func(d *Deployment) { d.Lync.TrustedApplications[0].Port = 5071 },
		[]string{"lync-static-route-port", "rpp-listen-port-mismatch"}},
	{"every system set to the application's port", "single-site.yaml",
		func(d *Deployment) {
			d.Lync.TrustedApplications[0].Port, d.Lync.StaticRoutes[0].Port = 5071, 5071
			d.RPP.RMX[0].ListenPort, d.RPP.RMX[1].ListenPort, d.RPP.DMA[0].ListenPort = 5071, 5071, 5071
		},
		nil},
	{"Service GRUU pasted with a line break into the RMX flag", "single-site.yaml",
		func(d *Deployment) { d.RPP.RMX[0].Flags[rmx.FlagContactOverride] += "\r\n" },
		[]string{"rpp-gruu-whitespace"}},
	{"Service GRUU pasted with padding into the DMA peer and the topology", "single-site.yaml",
		func(d *Deployment) {
			d.RPP.DMA[0].LyncPeers[0].ServiceGRUU = "  " + ssGRUU
			d.Lync.TrustedApplications[0].ServiceGRUU = ssGRUU + " "
		},
		[]string{"rpp-gruu-whitespace", "rpp-gruu-whitespace"}},
	{"Service GRUU broken by the console's line wrap", "single-site.yaml",
		func(d *Deployment) { d.RPP.DMA[0].LyncPeers[0].ServiceGRUU = ssGRUU[:40] + "\n  " + ssGRUU[40:] },
		[]string{"rpp-gruu-whitespace"}},
	{"wildcard DMA certificate", "single-site.yaml",
		func(d *Deployment) {
			d.RPP.DMA[0].Certificate = &lync.Certificate{Subject: "*.fabrikam.com", SAN: []string{"*.fabrikam.com", "dma.fabrikam.com"}}
		},
		[]string{"cert-wildcard"}},
	{"certificate naming the RMX only in its subject", "single-site.yaml",
		func(d *Deployment) { d.RPP.RMX[0].Certificate.SAN = nil },
		[]string{"cert-san-missing"}},
	{"a copied certificate whose thumbprint is known on one RMX only", "single-site.yaml",
		func(d *Deployment) {
			d.RPP.RMX[0].Certificate.Fingerprint = "3A:7F:10:C2"
			d.RPP.RMX[1].Certificate = &lync.Certificate{Subject: "CN=rmx1.fabrikam.com, O=Fabrikam", SAN: []string{"rmx1.fabrikam.com"}}
		},
		[]string{"cert-san-missing", "cert-shared"}},
	{"one certificate on two RMXs", "single-site.yaml",
		func(d *Deployment) {
			d.RPP.RMX[0].Certificate.Fingerprint = "3A:7F:10:C2"
			d.RPP.RMX[1].Certificate.Fingerprint = "3a7f10c2"
		},
		[]string{"cert-shared"}},
	{"DMA peer without its Service GRUU", "single-site.yaml",
		func(d *Deployment) { d.RPP.DMA[0].LyncPeers[0].ServiceGRUU = "" },
		[]string{"dma-gruu-missing"}},
	{"DMA peer without sip:", "single-site.yaml",
		func(d *Deployment) { d.RPP.DMA[0].LyncPeers[0].ServiceGRUU = ssGRUU[len("sip:"):] },
		[]string{"dma-gruu-prefix"}},
	{"DMA peer with another pool's GRUU", "single-site.yaml",
		func(d *Deployment) {
			d.RPP.DMA[0].LyncPeers[0].ServiceGRUU = "sip:rpp-old.fabrikam.com@fabrikam.com;gruu;opaque=srvr:video:QbJ7c2W1x0K9tP4mAz8hSgAA"
		},
		[]string{"dma-gruu-mismatch"}},
	{"DMA release not in the table of release pairs", "two-site.yaml",
		func(d *Deployment) { d.RPP.DMA[0].Version = dma.MustParseVersion("6.2.1") },
		[]string{"dma-rmx-pair-unknown"}},
	{"RMX older than the release tested with the DMA's", "two-site.yaml",
		func(d *Deployment) { d.RPP.RMX[0].Version = rmx.MustParseVersion("8.6.2") },
		[]string{"dma-rmx-untested-pair", "dma-rmx-untested-pair"}},
	{"RMX newer than the release tested with the DMA's", "two-site.yaml",
		func(d *Deployment) { d.RPP.RMX[0].Version = rmx.MustParseVersion("8.8.1") },
		[]string{"dma-rmx-pair-unknown", "dma-rmx-pair-unknown"}},
	{"RealConnect with RealConnect disabled on every DMA", "two-site.yaml",
		func(d *Deployment) { d.RPP.DMA[0].RealConnect.Enabled, d.RPP.DMA[1].RealConnect.Enabled = false, false },
		[]string{"rc-dma-missing"}},
	{"RealConnect with no DMA", "single-site.yaml",
		func(d *Deployment) {
			d.RPP.Workflows = []Workflow{RealConnect}
			d.Lync.StaticRoutes = nil
			d.RPP.DMA = nil
		},
		[]string{"rc-dma-missing"}},
	{"RMX in a site that is not defined", "single-site.yaml",
		func(d *Deployment) { d.RPP.RMX[0].Site = "Branch" },
		[]string{"deployment-unknown-reference"}},
	{"pool registrar naming an Edge pool", "single-site.yaml",
		func(d *Deployment) { d.Lync.TrustedApplicationPools[0].Registrar = "lyncedge.fabrikam.com" },
		[]string{"deployment-unknown-reference"}},
	{"two RMXs with one name", "single-site.yaml",
		func(d *Deployment) { d.RPP.RMX[1].Name = "RMX1" },
		[]string{"deployment-duplicate"}},
	// Rules from the field. Each acts on one change, and is silent on the
	// right value and on the field left out (the bundled examples give
	// none of these fields, and TestCleanExamplesHaveNoFindings holds).
	{"two static routes for one domain, written differently", "single-site.yaml",
		func(d *Deployment) {
			d.Lync.StaticRoutes = append(d.Lync.StaticRoutes, lync.StaticRoute{Destination: "rmx1.fabrikam.com", Port: 5061, Transport: lync.TLS, MatchURI: " VMR.fabrikam.com."})
		},
		[]string{"lync-static-route-duplicate-match"}},
	{"two static routes for two domains", "single-site.yaml",
		func(d *Deployment) {
			d.Lync.StaticRoutes = append(d.Lync.StaticRoutes, lync.StaticRoute{Destination: "rmx1.fabrikam.com", Port: 5061, Transport: lync.TLS, MatchURI: "*.vmr.fabrikam.com"})
		},
		nil},
	{"SIP_FREE_VIDEO_RESOURCES YES", "single-site.yaml",
		func(d *Deployment) { d.RPP.RMX[0].Flags["Sip_Free_Video_Resources"] = "Yes" },
		[]string{"rmx-flag-free-video-resources"}},
	{"SIP_FREE_VIDEO_RESOURCES NO, SEND_SRTP_MKI YES", "single-site.yaml",
		func(d *Deployment) {
			d.RPP.RMX[0].Flags[rmx.FlagFreeVideoResources] = "NO"
			d.RPP.RMX[0].Flags[rmx.FlagSendSRTPMKI] = "YES"
		},
		nil},
	{"YES/NO flags holding neither: not judged", "single-site.yaml",
		func(d *Deployment) {
			d.RPP.RMX[0].Flags[rmx.FlagFreeVideoResources] = "1"
			d.RPP.RMX[0].Flags[rmx.FlagSendSRTPMKI] = "off"
		},
		nil},
	{"SEND_SRTP_MKI NO", "single-site.yaml",
		func(d *Deployment) { d.RPP.RMX[1].Flags = rmx.Flags{"send_srtp_mki": "no"} },
		[]string{"rmx-flag-srtp-mki-off"}},
	{"keep-alive left at its default towards a load-balanced pool", "single-site.yaml",
		func(d *Deployment) {
			d.Lync.FrontEndPools[0].Computers = []lync.FQDN{"fe1.fabrikam.com", "fe2.fabrikam.com"}
			d.RPP.RMX[1].Flags = rmx.Flags{rmx.FlagMSKeepAlive: "YES"}
		},
		[]string{"rmx-flag-keep-alive-off"}},
	{"keep-alive off towards a one-server pool", "single-site.yaml",
		func(d *Deployment) {
			d.Lync.FrontEndPools[0].Computers = []lync.FQDN{"fe1.fabrikam.com"}
			d.RPP.RMX[0].Flags[rmx.FlagMSKeepAlive] = "NO"
		},
		nil},
	{"keep-alive off, pool servers not known", "single-site.yaml",
		func(d *Deployment) { d.RPP.RMX[0].Flags[rmx.FlagMSKeepAlive] = "NO" },
		nil},
	{"cascade at 192 kbps", "two-site.yaml",
		func(d *Deployment) { d.RPP.RMX[1].ConferenceProfiles[0].LineRate = 192 },
		[]string{"rmx-cascade-rate"}},
	{"cascade at 256 kbps", "two-site.yaml",
		func(d *Deployment) { d.RPP.RMX[1].ConferenceProfiles[0].LineRate = 256 },
		nil},
	{"a low line rate without RealConnect: no cascade", "single-site.yaml",
		func(d *Deployment) { d.RPP.RMX[0].ConferenceProfiles[0].LineRate = 128 },
		nil},
	{"DMA's Lync peer of type Other", "two-site.yaml",
		func(d *Deployment) { d.RPP.DMA[1].LyncPeers[0].Type = dma.PeerOther },
		[]string{"dma-peer-type"}},
	{"DMA's Lync peer on 5060", "two-site.yaml",
		func(d *Deployment) { d.RPP.DMA[1].LyncPeers[0].Port = 5060 },
		[]string{"dma-peer-type"}},
	{"DMA's Lync peer of type Microsoft on 5061", "two-site.yaml",
		func(d *Deployment) {
			d.RPP.DMA[1].LyncPeers[0].Type, d.RPP.DMA[1].LyncPeers[0].Port = dma.PeerMicrosoft, 5061
		},
		nil},
	{"Lync conference ID rule after an external SIP peer rule", "two-site.yaml",
		func(d *Deployment) {
			d.RPP.DMA[0].DialRules = []dma.DialRule{{Name: "peers", Action: dma.ActionExternalSIPPeer}, {Name: "rc", Action: dma.ActionLyncConferenceID}}
		},
		[]string{"dma-dial-rule-order"}},
	{"Lync conference ID rule first", "two-site.yaml",
		func(d *Deployment) {
			d.RPP.DMA[0].DialRules = []dma.DialRule{{Name: "rc", Action: dma.ActionLyncConferenceID}, {Name: "peers", Action: dma.ActionExternalSIPPeer}}
		},
		nil},
	{"RealConnect template in SVC mode", "two-site.yaml",
		func(d *Deployment) {
			d.RPP.DMA[0].ConferenceTemplates = []dma.ConferenceTemplate{{Name: "rc", Mode: dma.ModeSVC, RealConnect: true}}
		},
		[]string{"dma-template-avc-only"}},
	{"RealConnect template AVC only, another in mixed mode, one without a mode", "two-site.yaml",
		func(d *Deployment) {
			d.RPP.DMA[0].ConferenceTemplates = []dma.ConferenceTemplate{
				{Name: "rc", Mode: dma.ModeAVC, RealConnect: true}, {Name: "rooms", Mode: dma.ModeMixed}, {Name: "rc2", RealConnect: true}}
		},
		nil},
	{"the internal zone lacks the Edge's name", "single-site.yaml",
		func(d *Deployment) { d.DNS = fabrikamDNS("lyncedge.fabrikam.com") },
		[]string{"dns-record-missing", "dns-record-missing"}}, // the Edge of rmx1 and of rmx2
	{"the internal zone lacks the DMA's name", "single-site.yaml",
		func(d *Deployment) { d.DNS = fabrikamDNS("dma.fabrikam.com") },
		[]string{"dns-record-missing"}},
	{"the internal zone holds every name", "single-site.yaml",
		func(d *Deployment) { d.DNS = fabrikamDNS() },
		nil},
	{"the listed zone is another domain", "single-site.yaml",
		func(d *Deployment) { d.DNS = &DNS{Zones: []lync.FQDN{"corp.fabrikam.com"}} },
		nil},
	{"RMX certificate without clientAuth", "single-site.yaml",
		func(d *Deployment) { d.RPP.RMX[0].Certificate.EKU = []lync.EKU{lync.EKUServerAuth} },
		[]string{"cert-eku"}},
	{"certificates with both EKUs", "single-site.yaml",
		func(d *Deployment) {
			d.RPP.RMX[0].Certificate.EKU = []lync.EKU{lync.EKUClientAuth, lync.EKUServerAuth}
			d.RPP.DMA[0].Certificate.EKU = []lync.EKU{lync.EKUServerAuth, lync.EKUClientAuth}
		},
		nil},
}

func TestRulesFire(t *testing.T) {
	for _, tc := range ruleCases {
		t.Run(tc.name, func(t *testing.T) {
			d := load(t, tc.base)
			tc.mutate(d)
			r := Check(context.Background(), d, Options{})
			if diff := cmp.Diff(tc.want, fired(r), cmpopts.EquateEmpty()); diff != "" {
				for _, f := range r.Findings {
					t.Logf("%s %s %s: %s", f.Rule, f.Object, f.Field, f.Message)
				}
				t.Errorf("findings (-want +got):\n%s", diff)
			}
			for _, f := range r.Findings {
				if f.Object == "" || f.Field == "" || f.Message == "" || f.Fix == "" {
					t.Errorf("incomplete finding: %+v", f)
				}
			}
		})
	}
}

// TestEveryRuleHasACase guards the table above: a new rule needs a case.
func TestEveryRuleHasACase(t *testing.T) {
	covered := map[string]bool{}
	for _, tc := range ruleCases {
		for _, id := range tc.want {
			covered[id] = true
		}
	}
	for _, tc := range suppressCases { // the rules about suppressions
		for _, id := range tc.active {
			covered[id] = true
		}
	}
	for _, r := range Catalogue() {
		if !covered[r.ID] {
			t.Errorf("rule %s has no case in ruleCases that makes it fire", r.ID)
		}
	}
}

// TestReleasePairsAreData extends and overrides the table of DMA/RMX
// release pairs through Options, as a site that verified its own pairs
// does.
func TestReleasePairsAreData(t *testing.T) {
	d := load(t, "two-site.yaml")
	d.RPP.DMA[0].Version = dma.MustParseVersion("6.2.1")
	for _, tc := range []struct {
		name  string
		pairs []dma.ReleasePair
		want  []string
	}{
		{"the published table", nil, []string{"dma-rmx-pair-unknown"}},
		{"a pair the site verified", append(dma.ReleasePairs(),
			dma.ReleasePair{DMA: dma.MustParseVersion("6.2"), RMX: "8.7.1", Status: dma.PairTested, Source: "our lab"}), nil},
		{"a pair known to fail", append(dma.ReleasePairs(),
			dma.ReleasePair{DMA: dma.MustParseVersion("6.4"), RMX: "8.7.1.3040", Status: dma.PairFails, Source: "ticket 42"},
			dma.ReleasePair{DMA: dma.MustParseVersion("6.2"), RMX: "8.7.1", Status: dma.PairTested, Source: "our lab"}),
			[]string{"dma-rmx-untested-pair"}},
		{"an empty table", []dma.ReleasePair{}, []string{"dma-rmx-pair-unknown", "dma-rmx-pair-unknown"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := Check(context.Background(), d, Options{ReleasePairs: tc.pairs})
			if diff := cmp.Diff(tc.want, fired(r), cmpopts.EquateEmpty()); diff != "" {
				t.Errorf("findings (-want +got):\n%s", diff)
			}
			for _, f := range r.Findings {
				if f.Rule == "dma-rmx-untested-pair" && !strings.Contains(f.Message, "ticket 42") {
					t.Errorf("a pair known to fail should say where that is known: %s", f.Message)
				}
			}
		})
	}
}
