package rpp

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/rppkit/rppkit/lync"
)

// withDNS is single-site.yaml with section appended as its dns: section.
func withDNS(t *testing.T, section string) []byte {
	t.Helper()
	return append(exampleBytes(t, "single-site.yaml"), []byte("dns:\n"+section)...)
}

// TestDNSDecodes: the dns: section reads zones and records, the record type
// in any case, and is nil when absent.
func TestDNSDecodes(t *testing.T) {
	d, err := Parse("f.yaml", withDNS(t, "  zones: [fabrikam.com, Corp.Fabrikam.com.]\n  records:\n"+
		"    - {name: rmx1.fabrikam.com, type: a, value: 192.0.2.10}\n"+
		"    - {name: rmx1.fabrikam.com, type: Aaaa, value: \"2001:db8::10\"}\n"+
		"    - {name: pool.corp.fabrikam.com, type: cname, value: rmx1.fabrikam.com}\n"))
	if err != nil {
		t.Fatal(err)
	}
	want := &DNS{
		Zones: []lync.FQDN{"fabrikam.com", "Corp.Fabrikam.com."},
		Records: []DNSRecord{
			{Name: "rmx1.fabrikam.com", Type: DNSA, Value: "192.0.2.10"},
			{Name: "rmx1.fabrikam.com", Type: DNSAAAA, Value: "2001:db8::10"},
			{Name: "pool.corp.fabrikam.com", Type: DNSCNAME, Value: "rmx1.fabrikam.com"},
		},
	}
	if d.DNS == nil || !slices.Equal(d.DNS.Zones, want.Zones) || !slices.Equal(d.DNS.Records, want.Records) {
		t.Errorf("DNS = %+v; want %+v", d.DNS, want)
	}
	if err := d.Validate(); err != nil {
		t.Errorf("Validate: %v", err)
	}
	if pos := d.Position("dns.records[2].value"); pos.Line != lineOf(t, withDNS(t, ""), "dns:")+5 {
		t.Errorf("dns.records[2].value at %v", pos)
	}
	plain, err := Parse("f.yaml", exampleBytes(t, "single-site.yaml"))
	if err != nil || plain.DNS != nil {
		t.Errorf("without dns: DNS = %+v, err %v; want nil", plain.DNS, err)
	}
}

// TestDNSRejects: what cannot be a DNS zone's content is an input error
// naming file:line and the field, testable with errors.Is.
func TestDNSRejects(t *testing.T) {
	base := lineOf(t, withDNS(t, ""), "dns:")
	for _, tc := range []struct {
		name, section string
		is            error
		field         string
		line          int // from the dns: line
	}{
		{"A that is IPv6", "  zones: [fabrikam.com]\n  records:\n    - {name: a.fabrikam.com, type: A, value: \"2001:db8::1\"}\n",
			ErrDNSRecordValue, "dns.records[0].value", 3},
		{"AAAA that is IPv4", "  zones: [fabrikam.com]\n  records:\n    - {name: a.fabrikam.com, type: AAAA, value: 192.0.2.1}\n",
			ErrDNSRecordValue, "dns.records[0].value", 3},
		{"A that is a name", "  zones: [fabrikam.com]\n  records:\n    - {name: a.fabrikam.com, type: A, value: b.fabrikam.com}\n",
			ErrDNSRecordValue, "dns.records[0].value", 3},
		{"CNAME to an address", "  zones: [fabrikam.com]\n  records:\n    - {name: a.fabrikam.com, type: CNAME, value: 192.0.2.1}\n",
			ErrDNSRecordValue, "dns.records[0].value", 3},
		{"unknown type", "  zones: [fabrikam.com]\n  records:\n    - {name: a.fabrikam.com, type: SRV, value: x}\n",
			ErrUnknownDNSType, "dns.records[0].type", 3},
		{"record outside the zones", "  zones: [fabrikam.com]\n  records:\n    - {name: a.contoso.com, type: A, value: 192.0.2.1}\n",
			ErrDNSOutsideZones, "dns.records[0].name", 3},
		{"a name that only ends like the zone", "  zones: [fabrikam.com]\n  records:\n    - {name: notfabrikam.com, type: A, value: 192.0.2.1}\n",
			ErrDNSOutsideZones, "dns.records[0].name", 3},
		{"records without zones", "  zones: []\n  records:\n    - {name: a.fabrikam.com, type: A, value: 192.0.2.1}\n",
			ErrMissingField, "dns.zones", 1},
		{"no zones key", "  records:\n    - {name: a.fabrikam.com, type: A, value: 192.0.2.1}\n",
			ErrMissingField, "dns.zones", 1}, // where the mapping begins
		{"zone listed twice", "  zones: [fabrikam.com, FABRIKAM.com.]\n",
			ErrDNSDuplicateZone, "dns.zones[1]", 1},
		{"zone that is an address", "  zones: [192.0.2.0]\n",
			lync.ErrInvalidFQDN, "dns.zones[0]", 1},
		{"CNAME beside an A", "  zones: [fabrikam.com]\n  records:\n    - {name: a.fabrikam.com, type: A, value: 192.0.2.1}\n    - {name: a.fabrikam.com, type: CNAME, value: b.fabrikam.com}\n",
			ErrDNSCNAMEConflict, "dns.records[1].type", 4},
		{"two CNAMEs", "  zones: [fabrikam.com]\n  records:\n    - {name: a.fabrikam.com, type: CNAME, value: c.fabrikam.com}\n    - {name: A.fabrikam.com, type: CNAME, value: b.fabrikam.com}\n",
			ErrDNSCNAMEConflict, "dns.records[1].type", 4},
		{"record without a value", "  zones: [fabrikam.com]\n  records:\n    - {name: a.fabrikam.com, type: A}\n",
			ErrMissingField, "dns.records[0].value", 3},
		{"unknown field", "  zones: [fabrikam.com]\n  record: []\n", ErrUnknownField, "dns.record", 2},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Parse("f.yaml", withDNS(t, tc.section))
			var de *DecodeError
			if !errors.Is(err, tc.is) || !errors.As(err, &de) {
				t.Fatalf("err %v; want %v", err, tc.is)
			}
			if len(de.Errs) != 1 {
				t.Fatalf("%d errors, want 1: %v", len(de.Errs), err)
			}
			fe := de.Errs[0]
			if fe.Field != tc.field || fe.Pos.File != "f.yaml" || fe.Pos.Line != base+tc.line {
				t.Errorf("error at %v field %s; want f.yaml:%d field %s: %v", fe.Pos, fe.Field, base+tc.line, tc.field, fe)
			}
		})
	}
}

// TestDNSValidateInCode: a Deployment built in code goes through the same
// checks (Validate), so Check refuses a DNS section no file could hold.
func TestDNSValidateInCode(t *testing.T) {
	d := load(t, "single-site.yaml")
	d.DNS = &DNS{Zones: []lync.FQDN{"fabrikam.com"}, Records: []DNSRecord{{Name: "a.contoso.com", Type: DNSA, Value: "192.0.2.1"}}}
	if err := d.Validate(); !errors.Is(err, ErrDNSOutsideZones) {
		t.Errorf("Validate = %v; want ErrDNSOutsideZones", err)
	}
	d.DNS.Records[0] = DNSRecord{Name: "a.fabrikam.com", Type: "MX", Value: "192.0.2.1"}
	if err := d.Validate(); !errors.Is(err, ErrUnknownDNSType) {
		t.Errorf("Validate = %v; want ErrUnknownDNSType", err)
	}
}

// chain returns records making name0 → name1 → … → nameN (CNAMEs) in zone
// z.example, the last with an A record.
func chain(n int) []DNSRecord {
	var rs []DNSRecord
	for i := 0; i < n; i++ {
		rs = append(rs, DNSRecord{Name: lync.FQDN(fmt.Sprintf("name%d.z.example", i)), Type: DNSCNAME, Value: fmt.Sprintf("name%d.z.example", i+1)})
	}
	return append(rs, DNSRecord{Name: lync.FQDN(fmt.Sprintf("name%d.z.example", n)), Type: DNSA, Value: "192.0.2.7"})
}

func TestDNSLookup(t *testing.T) {
	zone := []lync.FQDN{"z.example", "inner.z.example"}
	base := []DNSRecord{
		{Name: "host.z.example", Type: DNSA, Value: "192.0.2.1"},
		{Name: "Host.Z.Example.", Type: DNSAAAA, Value: "2001:db8::1"},
		{Name: "alias.z.example", Type: DNSCNAME, Value: "HOST.z.example"},
		{Name: "dangling.z.example", Type: DNSCNAME, Value: "nothing.z.example"},
		{Name: "away.z.example", Type: DNSCNAME, Value: "host.elsewhere.example"},
		{Name: "loop1.z.example", Type: DNSCNAME, Value: "loop2.z.example"},
		{Name: "loop2.z.example", Type: DNSCNAME, Value: "loop1.z.example"},
		{Name: "self.z.example", Type: DNSCNAME, Value: "self.z.example"},
		{Name: "deep.inner.z.example", Type: DNSA, Value: "192.0.2.9"},
	}
	for _, tc := range []struct {
		name    string
		records []DNSRecord
		lookup  lync.FQDN
		addrs   []string
		judged  bool
		is      error
	}{
		{"A and AAAA, any case and trailing dot", base, "HOST.z.example.", []string{"192.0.2.1", "2001:db8::1"}, true, nil},
		{"through a CNAME", base, "alias.z.example", []string{"192.0.2.1", "2001:db8::1"}, true, nil},
		{"no record in the zone", base, "missing.z.example", nil, true, nil},
		{"the zone's own name", base, "z.example", nil, true, nil},
		{"nested zone", base, "deep.inner.z.example", []string{"192.0.2.9"}, true, nil},
		{"CNAME to a name with no record", base, "dangling.z.example", nil, true, nil},
		{"outside every zone", base, "host.elsewhere.example", nil, false, nil},
		{"a name that only ends like the zone", base, "notz.example", nil, false, nil},
		{"CNAME leading out of the zones", base, "away.z.example", nil, false, nil},
		{"CNAME loop", base, "loop1.z.example", nil, true, ErrCNAMELoop},
		{"CNAME to itself", base, "self.z.example", nil, true, ErrCNAMELoop},
		{"an address resolves to itself", base, "192.0.2.200", []string{"192.0.2.200"}, true, nil},
		{"eight aliases", chain(MaxCNAMEChain), "name0.z.example", []string{"192.0.2.7"}, true, nil},
		{"nine aliases", chain(MaxCNAMEChain + 1), "name0.z.example", nil, true, ErrCNAMEChain},
	} {
		t.Run(tc.name, func(t *testing.T) {
			d := &DNS{Zones: zone, Records: tc.records}
			addrs, judged, err := d.Lookup(tc.lookup)
			if !slices.Equal(addrs, tc.addrs) || judged != tc.judged || !errors.Is(err, tc.is) || (tc.is == nil) != (err == nil) {
				t.Errorf("Lookup(%s) = %v, %v, %v; want %v, %v, %v", tc.lookup, addrs, judged, err, tc.addrs, tc.judged, tc.is)
			}
		})
	}
	var none *DNS
	if addrs, judged, err := none.Lookup("host.z.example"); addrs != nil || judged || err != nil {
		t.Errorf("nil DNS judged a name: %v %v %v", addrs, judged, err)
	}
}

// TestDNSLookupLongChainIsBounded: a chain of many aliases ends with an
// error after MaxCNAMEChain of them, not after walking all of them.
func TestDNSLookupLongChainIsBounded(t *testing.T) {
	d := &DNS{Zones: []lync.FQDN{"z.example"}, Records: chain(10_000)}
	_, judged, err := d.Lookup("name0.z.example")
	if !judged || !errors.Is(err, ErrCNAMEChain) || !strings.Contains(err.Error(), "name0.z.example") {
		t.Errorf("Lookup = %v, %v; want ErrCNAMEChain naming the start", judged, err)
	}
}
