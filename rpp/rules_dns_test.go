package rpp

import (
	"context"
	"slices"
	"strings"
	"testing"
)

// dnsWest holds the West site's names, each resolving one way or another:
// an A record, an AAAA record, a CNAME to an A record.
const dnsWest = `    - {name: rmx-west.contoso.com, type: A, value: 10.2.0.21}
    - {name: fe-west.contoso.com, type: CNAME, value: fe-west-vip.contoso.com}
    - {name: fe-west-vip.contoso.com, type: A, value: 10.2.0.10}
    - {name: edge-west.contoso.com, type: AAAA, value: "fd00:2::30"}
    - {name: dma-west.contoso.com, type: A, value: 10.2.0.22}
`

// dnsEastRight gives the East site's names their records.
const dnsEastRight = `    - {name: rmx-east.contoso.com, type: A, value: 10.1.0.21}
    - {name: fe-east.contoso.com, type: A, value: 10.1.0.10}
    - {name: edge-east.contoso.com, type: A, value: 10.1.0.30}
    - {name: dma-east.contoso.com, type: A, value: 10.1.0.22}
`

// dnsEastWrong leaves the East site's names unresolved: no record for the
// RMX and the Front End pool, a CNAME to nothing for the Edge, a CNAME
// loop for the DMA.
const dnsEastWrong = `    - {name: edge-east.contoso.com, type: CNAME, value: edge-east-int.contoso.com}
    - {name: dma-east.contoso.com, type: CNAME, value: dma-e.contoso.com}
    - {name: dma-e.contoso.com, type: CNAME, value: dma-east.contoso.com}
`

// twoSiteDNS is two-site.yaml with a dns: section of zones and records.
func twoSiteDNS(t *testing.T, zones, records string) []byte {
	t.Helper()
	return append(exampleBytes(t, "two-site.yaml"), []byte("dns:\n  zones: ["+zones+"]\n  records:\n"+records)...)
}

// checkRule runs rule id alone over data.
func checkRule(t *testing.T, id string, data []byte) []Finding {
	t.Helper()
	d, err := Parse("two-site.yaml", data)
	if err != nil {
		t.Fatal(err)
	}
	r, err := LookupRule(id)
	if err != nil {
		t.Fatal(err)
	}
	rep := Check(context.Background(), d, Options{Rules: []*Rule{r}})
	if rep.Err != nil {
		t.Fatal(rep.Err)
	}
	return rep.Findings
}

// TestDNSRecordMissingActs: each name the integration resolves, missing
// from its zone, is a finding on what needs it, at the field holding the
// name, naming the name and the zone.
func TestDNSRecordMissingActs(t *testing.T) {
	data := twoSiteDNS(t, "contoso.com", dnsWest+dnsEastWrong)
	type want struct{ object, field, marker, says string }
	wants := []want{
		{"rmx/rmx-east", "rpp.rmx[0].fqdn", "fqdn: rmx-east.contoso.com", "rmx-east.contoso.com (rmx-east's own FQDN"},
		{"rmx/rmx-east", "rpp.rmx[0].sip.server", "server: fe-east.contoso.com", "fe-east.contoso.com (rmx-east's SIP server"},
		{"rmx/rmx-east", "lync.edgePools[0].fqdn", "- {fqdn: edge-east.contoso.com", "is an alias of edge-east-int.contoso.com, which has no A or AAAA record"},
		{"dma/dma-east", "rpp.dma[0].fqdn", "fqdn: dma-east.contoso.com", "CNAME loop: dma-east.contoso.com → dma-e.contoso.com → dma-east.contoso.com"},
		{"dma/dma-east", "rpp.dma[0].lyncPeers[0].address", "address: fe-east.contoso.com", "Lync peer fe-east"},
	}
	got := checkRule(t, "dns-record-missing", data)
	if len(got) != len(wants) {
		t.Errorf("%d findings, want %d:", len(got), len(wants))
		for _, f := range got {
			t.Logf("  %s %s: %s", f.Object, f.Field, f.Message)
		}
	}
	for _, w := range wants {
		i := slices.IndexFunc(got, func(f Finding) bool { return f.Object == w.object && f.Field == w.field })
		if i < 0 {
			t.Errorf("no finding on %s at %s", w.object, w.field)
			continue
		}
		f := got[i]
		if line := lineOf(t, data, w.marker); f.Line != line || f.Severity != Error {
			t.Errorf("%s %s at line %d (%s); want line %d, error", w.object, w.field, f.Line, f.Severity, line)
		}
		if !strings.Contains(f.Message, w.says) || !strings.Contains(f.Message, "contoso.com") || !strings.Contains(f.Fix, "contoso.com") {
			t.Errorf("%s %s: message %q, fix %q; want it to say %q and name the zone", w.object, w.field, f.Message, f.Fix, w.says)
		}
	}
}

// TestDNSRecordMissingSilent: the rule says nothing without a dns:
// section, when every name resolves, for names outside the listed zones,
// for IP addresses, and for an RMX's Edge when the RMX does not use ICE
// with Lync.
func TestDNSRecordMissingSilent(t *testing.T) {
	base := exampleBytes(t, "two-site.yaml")
	for _, tc := range []struct {
		name string
		data []byte
	}{
		{"no dns section", base},
		{"every name resolves", twoSiteDNS(t, "contoso.com", dnsWest+dnsEastRight)},
		{"two zones, the names in the second", twoSiteDNS(t, "example.org, contoso.com", dnsWest+dnsEastRight)},
		{"names outside the listed zones", twoSiteDNS(t, "corp.contoso.com", "    - {name: dc.corp.contoso.com, type: A, value: 10.0.0.1}\n")},
		{"a CNAME leading out of the zones", twoSiteDNS(t, "contoso.com", dnsWest+strings.Replace(dnsEastRight,
			"{name: edge-east.contoso.com, type: A, value: 10.1.0.30}", "{name: edge-east.contoso.com, type: CNAME, value: edge.perimeter.example}", 1))},
		{"addresses need no DNS", append(edited(t, "two-site.yaml",
			exampleEdit{"          address: fe-east.contoso.com\n", "          address: 10.1.0.10\n"},
			exampleEdit{"        server: fe-east.contoso.com\n", "        server: 10.1.0.10\n"}),
			[]byte("dns:\n  zones: [contoso.com]\n  records:\n"+dnsWest+strings.Replace(dnsEastRight, "    - {name: fe-east.contoso.com, type: A, value: 10.1.0.10}\n", "", 1))...)},
		{"no ICE with Lync: the Edge is not needed", append(edited(t, "two-site.yaml",
			exampleEdit{"        iceEnvironment: ms\n        serverUserName: rpp-east\n", "        iceEnvironment: none\n"}),
			[]byte("dns:\n  zones: [contoso.com]\n  records:\n"+dnsWest+strings.Replace(dnsEastRight, "    - {name: edge-east.contoso.com, type: A, value: 10.1.0.30}\n", "", 1))...)},
	} {
		t.Run(tc.name, func(t *testing.T) {
			for _, f := range checkRule(t, "dns-record-missing", tc.data) {
				t.Errorf("%s %s: %s", f.Object, f.Field, f.Message)
			}
		})
	}
}

// TestDNSRecordMissingEdgeOfSIPServer: an RMX whose SIP server is another
// Front End pool than its pool's registrar learns that pool's Edge, so that
// Edge's name is needed too.
func TestDNSRecordMissingEdgeOfSIPServer(t *testing.T) {
	data := append(edited(t, "two-site.yaml", exampleEdit{"        server: fe-east.contoso.com\n", "        server: fe-west.contoso.com\n"}),
		[]byte("dns:\n  zones: [contoso.com]\n  records:\n"+strings.Replace(dnsWest, "    - {name: edge-west.contoso.com, type: AAAA, value: \"fd00:2::30\"}\n", "", 1)+dnsEastRight)...)
	var got []string
	for _, f := range checkRule(t, "dns-record-missing", data) {
		got = append(got, f.Object+" "+f.Field)
	}
	slices.Sort(got)
	if want := []string{"rmx/rmx-east lync.edgePools[1].fqdn", "rmx/rmx-west lync.edgePools[1].fqdn"}; !slices.Equal(got, want) {
		t.Errorf("findings %v; want %v", got, want)
	}
}
