package rpp

import (
	"errors"
	"fmt"
	"net/netip"
	"strings"

	"github.com/rppkit/rppkit/internal/enum"
	"github.com/rppkit/rppkit/lync"
)

// DNS is what the internal DNS holds for the zones the deployment file
// lists: the zones the RMXs, the DMAs and the Lync servers resolve names
// in, and every A, AAAA and CNAME record of those zones that the
// integration may need. It is optional (Deployment.DNS): without it, names
// are not judged at all.
//
// The list is taken as complete for its zones: a name inside a listed zone
// with no record here does not resolve. A name outside every listed zone
// is not judged — the file says nothing of what resolves it — and rule
// dns-record-missing says nothing about it, which is not a clean bill.
type DNS struct {
	// Zones are the DNS zones (domains) the records belong to, such as
	// contoso.com; a zone holds its own name and every name below it.
	Zones []lync.FQDN `yaml:"zones" json:"zones" rpp:"required"`
	// Records are the zones' A, AAAA and CNAME records.
	Records []DNSRecord `yaml:"records" json:"records"`
}

// DNSRecord is one resource record.
type DNSRecord struct {
	// Name is the record's owner: the host name it answers for.
	Name lync.FQDN `yaml:"name" json:"name" rpp:"required"`
	// Type is A, AAAA or CNAME.
	Type DNSType `yaml:"type" json:"type" rpp:"required"`
	// Value is an IPv4 address (A), an IPv6 address (AAAA) or the host
	// name the name is an alias of (CNAME).
	Value string `yaml:"value" json:"value" rpp:"required"`
}

// DNSType is the type of a DNSRecord.
type DNSType string

// The record types a deployment file lists: the address records Lync and
// the RealPresence systems look names up with, and aliases.
const (
	DNSA     DNSType = "A"
	DNSAAAA  DNSType = "AAAA"
	DNSCNAME DNSType = "CNAME"
)

// ErrUnknownDNSType is wrapped by the errors DNSType.UnmarshalText returns.
var ErrUnknownDNSType = errors.New("unknown DNS record type")

// UnmarshalText implements encoding.TextUnmarshaler for A, AAAA and CNAME,
// in any case.
func (t *DNSType) UnmarshalText(b []byte) (err error) {
	*t, err = enum.Parse(ErrUnknownDNSType, string(b), DNSA, DNSAAAA, DNSCNAME)
	return err
}

// Errors of the DNS section, for errors.Is. The decoder reports the first
// four as input errors (with file:line); Lookup returns the last two for a
// name whose aliases do not end, which rule dns-record-missing reports.
var (
	// ErrDNSRecordValue: a record's value is not of its type (an A record
	// that is not an IPv4 address, a CNAME that is not a host name).
	ErrDNSRecordValue = errors.New("DNS record value does not fit its type")
	// ErrDNSOutsideZones: a record's name is in none of the listed zones.
	ErrDNSOutsideZones = errors.New("DNS record outside every listed zone")
	// ErrDNSDuplicateZone: a zone is listed twice.
	ErrDNSDuplicateZone = errors.New("DNS zone listed twice")
	// ErrDNSCNAMEConflict: a name has a CNAME and another record, which
	// RFC 1034 §3.6.2 forbids (an alias has no data of its own), or two
	// CNAMEs.
	ErrDNSCNAMEConflict = errors.New("a CNAME with other records at the same name")
	// ErrCNAMELoop: following a name's CNAMEs comes back to a name
	// already seen.
	ErrCNAMELoop = errors.New("CNAME loop")
	// ErrCNAMEChain: a name's CNAMEs lead through more than MaxCNAMEChain
	// aliases.
	ErrCNAMEChain = errors.New("CNAME chain too long")
)

// MaxCNAMEChain is how many CNAMEs Lookup follows from one name before
// giving up with ErrCNAMEChain; resolvers stop at a similar depth (BIND
// follows 16 aliases; chains of more than a few are a misconfiguration).
const MaxCNAMEChain = 8

// Lookup resolves name in the listed zones: the addresses of its A and
// AAAA records, following CNAMEs (at most MaxCNAMEChain of them).
//
// judged is false when the file cannot tell: name, or a CNAME target it
// leads to, lies outside every listed zone. When judged is true, an empty
// addrs means the name does not resolve. An IP address literal resolves to
// itself. err (ErrCNAMELoop or ErrCNAMEChain, wrapped with the chain) means
// the aliases never end in an address: judged, and not resolving.
//
// Lookup reads the whole section each time; to look up many names, build
// the Index once and use its Lookup.
func (d *DNS) Lookup(name lync.FQDN) (addrs []string, judged bool, err error) {
	return d.Index().Lookup(name)
}

// Index returns the section ready for lookups; nil for a nil section,
// whose Index judges no name.
func (d *DNS) Index() *DNSIndex {
	if d == nil {
		return nil
	}
	return newDNSIndex(d)
}

// DNSIndex is a DNS section ready for lookups: its zones and records by
// key. Changes to the section after Index do not show in it.
type DNSIndex struct {
	zones   map[string]bool // keys
	records map[string][]DNSRecord
}

// Lookup is DNS.Lookup, without reading the section again.
func (x *DNSIndex) Lookup(name lync.FQDN) (addrs []string, judged bool, err error) {
	if x == nil {
		return nil, false, nil
	}
	addrs, judged, _, err = x.resolve(name)
	return addrs, judged, err
}

func newDNSIndex(d *DNS) *DNSIndex {
	x := &DNSIndex{zones: make(map[string]bool, len(d.Zones)), records: make(map[string][]DNSRecord, len(d.Records))}
	for _, z := range d.Zones {
		x.zones[z.Key()] = true
	}
	for _, r := range d.Records {
		k := r.Name.Key()
		x.records[k] = append(x.records[k], r)
	}
	return x
}

// zone returns the listed zone that holds the name of key key, the most
// specific one when zones nest, or "". It looks at the name's own suffixes
// only, so a lookup costs the same however many zones there are.
func (x *DNSIndex) zone(key string) string {
	for s := key; s != ""; {
		if x.zones[s] {
			return s
		}
		_, rest, ok := strings.Cut(s, ".")
		if !ok {
			break
		}
		s = rest
	}
	return ""
}

// resolve is Lookup, also returning the key of the last name of the CNAME
// chain: the one whose records were read.
func (x *DNSIndex) resolve(name lync.FQDN) (addrs []string, judged bool, last string, err error) {
	if name.IsIP() {
		return []string{name.Key()}, true, name.Key(), nil
	}
	key := name.Key()
	chain := []string{key}
	for {
		if x.zone(key) == "" {
			return nil, false, key, nil
		}
		var addrs []string
		target := ""
		for _, r := range x.records[key] {
			switch r.Type {
			case DNSA, DNSAAAA:
				addrs = append(addrs, r.Value)
			case DNSCNAME:
				target = lync.FQDN(r.Value).Key()
			}
		}
		if target == "" || len(addrs) > 0 {
			return addrs, true, key, nil
		}
		for _, seen := range chain {
			if seen == target {
				return nil, true, key, fmt.Errorf("%w: %s → %s", ErrCNAMELoop, strings.Join(chain, " → "), target)
			}
		}
		if len(chain) > MaxCNAMEChain {
			return nil, true, key, fmt.Errorf("%w: more than %d aliases from %s (%s → …)", ErrCNAMEChain, MaxCNAMEChain, chain[0], strings.Join(chain[:3], " → "))
		}
		chain = append(chain, target)
		key = target
	}
}

// checkDNS rejects a DNS section that cannot describe a DNS server: a
// record value not of its type, a record outside the listed zones, a zone
// listed twice, an IP address where a zone or a record's name belongs, a
// CNAME beside other records. Each error names the field.
func (d *decoder) checkDNS(dep *Deployment) {
	s := dep.DNS
	if s == nil {
		return
	}
	fail := func(path string, err error) { d.failField(dep.Position(path), path, err) }
	first := map[string]int{}
	for i, z := range s.Zones {
		path := fmt.Sprintf("dns.zones[%d]", i)
		if z.IsIP() {
			fail(path, fmt.Errorf("%w %q: a zone is a domain name, not an address", lync.ErrInvalidFQDN, z))
			continue
		}
		if k, dup := first[z.Key()]; dup {
			fail(path, fmt.Errorf("%w: %s is dns.zones[%d] too", ErrDNSDuplicateZone, z, k))
			continue
		}
		first[z.Key()] = i
	}
	x := newDNSIndex(s)
	type atName struct {
		cnames, others int
		reported       bool
	}
	seen := map[string]*atName{}
	for i, r := range s.Records {
		path := fmt.Sprintf("dns.records[%d]", i)
		if r.Name.IsIP() {
			fail(path+".name", fmt.Errorf("%w %q: a record's name is a host name, not an address", lync.ErrInvalidFQDN, r.Name))
			continue
		}
		if x.zone(r.Name.Key()) == "" {
			fail(path+".name", fmt.Errorf("%w: %s is in none of %s (dns.zones)", ErrDNSOutsideZones, r.Name, zoneList(s.Zones)))
		}
		if err := checkRecordValue(r); err != nil {
			fail(path+".value", err)
			continue
		}
		at := seen[r.Name.Key()]
		if at == nil {
			at = &atName{}
			seen[r.Name.Key()] = at
		}
		if r.Type == DNSCNAME {
			at.cnames++
		} else {
			at.others++
		}
		switch {
		case at.reported:
		case at.cnames > 1:
			at.reported = true
			fail(path+".type", fmt.Errorf("%w: %s has two CNAMEs; an alias points at one name", ErrDNSCNAMEConflict, r.Name))
		case at.cnames == 1 && at.others > 0:
			at.reported = true
			fail(path+".type", fmt.Errorf("%w: %s has a CNAME and other records; an alias has no records of its own", ErrDNSCNAMEConflict, r.Name))
		}
	}
}

// checkRecordValue returns why r's value does not fit its type, or nil.
func checkRecordValue(r DNSRecord) error {
	switch r.Type {
	case DNSA, DNSAAAA:
		a, err := netip.ParseAddr(r.Value)
		want := "an IPv4 address"
		if r.Type == DNSAAAA {
			want = "an IPv6 address"
		}
		if err != nil || a.Zone() != "" || a.Is4() != (r.Type == DNSA) {
			return fmt.Errorf("%w: %s record %s = %s; want %s", ErrDNSRecordValue, r.Type, r.Name, quoteBounded(r.Value), want)
		}
	case DNSCNAME:
		if f, err := lync.ParseFQDN(r.Value); err != nil || f.IsIP() {
			return fmt.Errorf("%w: CNAME record %s = %s; want a host name (an alias points at a name, not an address)", ErrDNSRecordValue, r.Name, quoteBounded(r.Value))
		}
	}
	return nil
}

// zoneList names the zones for a message.
func zoneList(zones []lync.FQDN) string {
	list := make([]string, len(zones))
	for i, z := range zones {
		list[i] = string(z)
	}
	return names(list)
}
