package lync

import (
	"errors"
	"strings"
	"testing"
)

func TestParseFQDN(t *testing.T) {
	for _, ok := range []string{"rmx1.contoso.com", "RMX-1.Contoso.com", "rmx", "10.0.0.5", "a.b.c."} {
		if _, err := ParseFQDN(ok); err != nil {
			t.Errorf("ParseFQDN(%q): %v", ok, err)
		}
	}
	for _, tc := range []struct{ in, says string }{
		{"", "empty"},
		{"https://rmx.contoso.com", "URL"},
		{"rmx.contoso.com:5061", "port"},
		{"sip:rmx@contoso.com", "'@'"},
		{"*.contoso.com", "wildcard"},
		{"rmx..contoso.com", "empty label"},
		{"-rmx.contoso.com", "'-'"},
		{"rmx_1.contoso.com", `'_'`},
		{"rmx 1.contoso.com", `' '`},
		{strings.Repeat("a", 64) + ".com", "63"},
	} {
		_, err := ParseFQDN(tc.in)
		if !errors.Is(err, ErrInvalidFQDN) || !strings.Contains(err.Error(), tc.says) {
			t.Errorf("ParseFQDN(%q) = %v, want an error saying %q", tc.in, err, tc.says)
		}
	}
	if !FQDN("RMX.contoso.com.").Equal("rmx.CONTOSO.com") || FQDN("rmx.contoso.com").Key() != "rmx.contoso.com" {
		t.Error("FQDN comparison is not case-insensitive")
	}
	if !FQDN("192.0.2.1").IsIP() || FQDN("rmx.contoso.com").IsIP() {
		t.Error("IsIP is wrong")
	}
}

func TestParseSIPAddress(t *testing.T) {
	a, err := ParseSIPAddress("SIP:rpp-east@Contoso.com")
	if err != nil || a.User() != "rpp-east" || a.Domain() != "Contoso.com" || a.String() != "sip:rpp-east@Contoso.com" {
		t.Fatalf("ParseSIPAddress = %v, %v", a, err)
	}
	b, _ := MakeSIPAddress("RPP-EAST", "contoso.com")
	if !a.Equal(b) || a.Key() != b.Key() {
		t.Error("addresses differing in case are not Equal")
	}
	for _, tc := range []struct{ in, says string }{
		{"rpp@contoso.com", "sip:user@domain"},
		{"sip:contoso.com", "no user part"},
		{"sip:rpp@contoso.com;transport=tls", "parameters"},
		{"sip:rpp@contoso.com:5061", "port"},
		{"sip:rpp@bad_domain", "domain"},
		{"sip:r<p@contoso.com", "'<'"},
		{"sip:rpp @contoso.com", "' '"},
	} {
		_, err := ParseSIPAddress(tc.in)
		if !errors.Is(err, ErrInvalidSIPAddress) || !strings.Contains(err.Error(), tc.says) {
			t.Errorf("ParseSIPAddress(%q) = %v, want an error saying %q", tc.in, err, tc.says)
		}
	}
	var z SIPAddress
	if !z.IsZero() || z.String() != "" {
		t.Error("zero SIPAddress is not empty")
	}
}

func TestApplicationID(t *testing.T) {
	a, err := ParseApplicationID("urn:application:video")
	if err != nil || a.Bare() != "video" || a.URN() != "urn:application:video" || !a.Equal("VIDEO") {
		t.Errorf("ParseApplicationID(urn:application:video) = %q (%s, %s), %v", a, a.Bare(), a.URN(), err)
	}
	for _, bad := range []string{"", "urn:application:", "vid eo", "video:1"} {
		if _, err := ParseApplicationID(bad); !errors.Is(err, ErrInvalidApplicationID) {
			t.Errorf("ParseApplicationID(%q) = %v", bad, err)
		}
	}
}

func TestCertificate(t *testing.T) {
	c := Certificate{Subject: "CN=rmx.contoso.com, O=Contoso", SAN: []string{"rmx.contoso.com", "*.contoso.com"}}
	if c.CommonName() != "rmx.contoso.com" || !c.SANNames("RMX.contoso.com") || c.SANNames("dma.contoso.com") {
		t.Errorf("CommonName %q, SANNames wrong", c.CommonName())
	}
	if w := c.WildcardNames(); len(w) != 1 || w[0] != "*.contoso.com" {
		t.Errorf("WildcardNames = %v", w)
	}
	same := Certificate{Subject: "rmx.contoso.com", SAN: []string{"*.CONTOSO.com", "rmx.contoso.com."}}
	if !c.SameAs(same) || c.NamesKey() != same.NamesKey() {
		t.Errorf("names keys differ: %q vs %q", c.NamesKey(), same.NamesKey())
	}
	f1, f2 := Certificate{Subject: "a", Fingerprint: "AB:CD 12"}, Certificate{Subject: "b", Fingerprint: "abcd12"}
	if !f1.SameAs(f2) {
		t.Error("fingerprints differing only in notation are different certificates")
	}
	// With one thumbprint unknown, the names decide.
	named := Certificate{Subject: "a"}
	if !f1.SameAs(named) || f2.SameAs(named) {
		t.Error("a certificate known by thumbprint on one system only is not compared by name")
	}
	// Two known, different thumbprints are two certificates, whatever they name.
	if (Certificate{Subject: "a", Fingerprint: "01"}).SameAs(Certificate{Subject: "a", Fingerprint: "02"}) {
		t.Error("different thumbprints compare equal")
	}
	if (Certificate{}).SameAs(Certificate{}) || !(Certificate{}).IsZero() {
		t.Error("two empty certificates are the same certificate")
	}
}

func TestIndex(t *testing.T) {
	alice, _ := ParseSIPAddress("sip:alice@contoso.com")
	rpp, _ := ParseSIPAddress("sip:rpp@contoso.com")
	topo := &Topology{
		SIPDomains:    []FQDN{"contoso.com"},
		Sites:         []Site{{Name: "East"}, {Name: "West"}},
		FrontEndPools: []FrontEndPool{{FQDN: "fe-east.contoso.com", Site: "East", EdgePool: "edge-east.contoso.com"}},
		EdgePools:     []EdgePool{{FQDN: "edge-east.contoso.com", Site: "East"}},
		TrustedApplicationPools: []TrustedApplicationPool{
			{FQDN: "rpp.contoso.com", Registrar: "fe-east.contoso.com", Computers: []FQDN{"rmx.contoso.com", "dma.contoso.com"}},
			{FQDN: "single.contoso.com", Registrar: "fe-west.contoso.com"},
		},
		TrustedApplications:         []TrustedApplication{{ApplicationID: "video", Pool: "rpp.contoso.com", Port: 5061}},
		TrustedApplicationEndpoints: []TrustedApplicationEndpoint{{SIPAddress: rpp, ApplicationID: "video", Pool: "rpp.contoso.com"}},
		Users:                       []SIPAddress{alice},
	}
	x := topo.Index()
	for _, tc := range []struct {
		name      string
		got, want int
	}{
		{"Site(west)", x.Site("west"), 1},
		{"Site(north)", x.Site("north"), -1},
		{"FrontEndPool", x.FrontEndPool("FE-EAST.contoso.com"), 0},
		{"EdgePool", x.EdgePool("edge-east.contoso.com"), 0},
		{"Pool", x.Pool("single.contoso.com"), 1},
		{"PoolOf(dma)", x.PoolOf("DMA.contoso.com"), 0},
		{"PoolOf(single itself)", x.PoolOf("single.contoso.com"), 1},
		{"PoolOf(unknown)", x.PoolOf("rmx2.contoso.com"), -1},
		{"PoolOf(a multiple-computer pool's own FQDN)", x.PoolOf("rpp.contoso.com"), -1},
		{"PoolFor(a multiple-computer pool's own FQDN)", x.PoolFor("rpp.contoso.com"), 0},
		{"PoolFor(computer)", x.PoolFor("rmx.contoso.com"), 0},
		{"PoolFor(unknown)", x.PoolFor("rmx2.contoso.com"), -1},
		{"Endpoint", x.Endpoint(rpp), 0},
		{"User", x.User(alice), 0},
		{"EdgeFor(rpp)", x.EdgeFor(0), 0},
		{"EdgeFor(unknown registrar)", x.EdgeFor(1), -1},
		{"EdgeFor(out of range)", x.EdgeFor(7), -1},
		{"len Applications", len(x.Applications("rpp.contoso.com")), 1},
		{"len Endpoints", len(x.Endpoints("rpp.contoso.com")), 1},
		{"len EndpointsNamed", len(x.EndpointsNamed("RPP")), 1},
		{"len UsersNamed", len(x.UsersNamed("alice")), 1},
	} {
		if tc.got != tc.want {
			t.Errorf("%s = %d, want %d", tc.name, tc.got, tc.want)
		}
	}
	if !x.IsSIPDomain("CONTOSO.com") || x.IsSIPDomain("fabrikam.com") || x.Topology() != topo {
		t.Error("IsSIPDomain or Topology is wrong")
	}
	if !topo.TrustedApplicationPools[1].IsSingleComputer() || topo.TrustedApplicationPools[0].IsSingleComputer() {
		t.Error("IsSingleComputer is wrong")
	}
}

func TestProductAndEnums(t *testing.T) {
	p, err := ParseProduct("SfB2015")
	if err != nil || !p.IsSkypeForBusiness() || Lync2013.IsSkypeForBusiness() || p.Title() != "Skype for Business Server 2015" {
		t.Errorf("ParseProduct(SfB2015) = %v, %v", p, err)
	}
	if _, err := ParseProduct("lync2016"); !errors.Is(err, ErrUnknownProduct) {
		t.Errorf("ParseProduct(lync2016) = %v", err)
	}
	var port Port
	for _, bad := range []string{"0", "65536", "x", "-1"} {
		if err := port.UnmarshalText([]byte(bad)); !errors.Is(err, ErrInvalidPort) {
			t.Errorf("Port(%s) = %v", bad, err)
		}
	}
	var tr Transport
	if err := tr.UnmarshalText([]byte("TLS")); err != nil || tr != TLS {
		t.Errorf("Transport(TLS) = %v, %v", tr, err)
	}
	if err := tr.UnmarshalText([]byte("udp")); !errors.Is(err, ErrUnknownTransport) {
		t.Errorf("Transport(udp) = %v", err)
	}
}

func TestIsGeneratedAddress(t *testing.T) {
	for addr, want := range map[string]bool{
		"sip:RtcApplication-5e8c2f44-7c1d-4b7e-9a0e-3f1c2d4b5a6e@contoso.com": true,
		"sip:rtcapplication-5E8C2F44-7C1D-4B7E-9A0E-3F1C2D4B5A6E@contoso.com": true,
		"sip:rtcapplication-video@contoso.com":                                false,
		"sip:RtcApplication-5e8c2f44-7c1d-4b7e-9a0e@contoso.com":              false,
		"sip:RtcApplication-5e8c2f44x7c1d-4b7e-9a0e-3f1c2d4b5a6e@contoso.com": false,
		"sip:rpp@contoso.com": false,
	} {
		a, err := ParseSIPAddress(addr)
		if err != nil {
			t.Fatal(err)
		}
		if got := IsGeneratedAddress(a); got != want {
			t.Errorf("IsGeneratedAddress(%s) = %v", addr, got)
		}
	}
}
