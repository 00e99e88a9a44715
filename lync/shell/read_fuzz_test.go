package shell

import (
	"context"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/rppkit/rppkit/lync"
)

// FuzzRead feeds Read whatever Parse makes of arbitrary bytes. It must
// never panic nor fail; every diagnostic must name the file, a line of it,
// a severity and a sentinel; Parts must be sorted known keys, and exactly
// the covered lists non-nil; every host name, SIP address and Service GRUU
// in the topology must be valid (a GRUU belonging to its own application);
// and reading twice must give the same import (no map order leaks out).
func FuzzRead(f *testing.F) {
	paths, _ := filepath.Glob("testdata/import/*.txt")
	for _, p := range paths {
		if b, err := os.ReadFile(p); err == nil {
			f.Add(b)
		}
	}
	for _, s := range []string{"", "ServiceGruu :", "ServiceGruu : sip:a.b@c.d; gruu; Opaque=srvr:v:T1",
		"Identity : a/urn:application:v\nPort : 0", "Route : {MatchUri=a;Enabled=True, MatchUri=b...}",
		"Services : {Registrar:a, UserServer:a}\nFqdn : a\nSite : Site:S\n\nServices : {EdgeServer:e}\nFqdn : e\nSite : Site:S",
		"Fqdn Gruu\n---- ----\na    sip:a@b;gruu;opaque=srvr:x:Y", "Identity : Site:\nKind : Central", "SipAddress : sip:a@b\nEnabled : False",
		"Transport : TransportChoice=IPAddress=::1;Port=1\nMatchUri : m\nEnabled : True"} {
		f.Add([]byte(s))
	}
	valid := []string{PartEdgePools, PartFrontEndPools, PartProduct, PartSIPDomains, PartSites, PartStaticRoutes,
		PartTrustedApplicationEndpoints, PartTrustedApplicationPools, PartTrustedApplications, PartUsers}
	f.Fuzz(func(t *testing.T, data []byte) {
		out, err := ParseBytes("f", data)
		if err != nil {
			return // the parser's own fuzz target checks its errors
		}
		im, err := Read(context.Background(), out)
		if err != nil {
			t.Fatal(err)
		}
		text, _ := decode("f", data)
		lines := len(splitLines(text))
		last := 0
		for _, d := range im.Diagnostics {
			switch {
			case d.File != "f" || d.Line < 1 || d.Line > lines:
				t.Fatalf("diagnostic outside the file: %+v", d)
			case d.Severity != SeverityError && d.Severity != SeverityWarning && d.Severity != SeverityInfo:
				t.Fatalf("severity %q", d.Severity)
			case d.Err == nil || d.Message == "" || strings.ContainsAny(d.String(), "\r\n"):
				t.Fatalf("diagnostic %+v", d)
			case d.Line < last:
				t.Fatalf("diagnostics out of order: %v", im.Diagnostics)
			}
			last = d.Line
		}
		if !slices.IsSorted(im.Parts) || len(slices.Compact(slices.Clone(im.Parts))) != len(im.Parts) {
			t.Fatalf("parts %v", im.Parts)
		}
		tp := &im.Topology
		lists := map[string]bool{
			PartSIPDomains: tp.SIPDomains != nil, PartSites: tp.Sites != nil, PartFrontEndPools: tp.FrontEndPools != nil,
			PartEdgePools: tp.EdgePools != nil, PartTrustedApplicationPools: tp.TrustedApplicationPools != nil,
			PartTrustedApplications: tp.TrustedApplications != nil, PartTrustedApplicationEndpoints: tp.TrustedApplicationEndpoints != nil,
			PartUsers: tp.Users != nil, PartStaticRoutes: tp.StaticRoutes != nil, PartProduct: tp.Product != "",
		}
		for _, p := range im.Parts {
			if !slices.Contains(valid, p) {
				t.Fatalf("unknown part %q", p)
			}
		}
		for part, present := range lists {
			if present != im.Covers(part) {
				t.Fatalf("%s present %v but covered %v", part, present, im.Covers(part))
			}
		}
		checkFQDN := func(what string, f lync.FQDN, mayBeEmpty bool) {
			if f == "" && mayBeEmpty {
				return
			}
			if _, err := lync.ParseFQDN(string(f)); err != nil {
				t.Fatalf("%s: %v", what, err)
			}
		}
		for _, d := range tp.SIPDomains {
			checkFQDN("domain", d, false)
		}
		for _, p := range tp.FrontEndPools {
			checkFQDN("front end", p.FQDN, false)
			checkFQDN("edge of front end", p.EdgePool, true)
		}
		for _, p := range tp.EdgePools {
			checkFQDN("edge", p.FQDN, false)
		}
		for _, p := range tp.TrustedApplicationPools {
			checkFQDN("pool", p.FQDN, false)
			checkFQDN("registrar", p.Registrar, true)
			for _, c := range p.Computers {
				checkFQDN("computer", c, false)
			}
		}
		for _, a := range tp.TrustedApplications {
			checkFQDN("application pool", a.Pool, false)
			if _, err := lync.ParseApplicationID(string(a.ApplicationID)); err != nil {
				t.Fatal(err)
			}
			if a.ServiceGRUU != "" {
				g, err := lync.ParseGRUU(a.ServiceGRUU)
				if err != nil {
					t.Fatal(err)
				}
				if err := g.BelongsTo(a.Pool, a.ApplicationID); err != nil {
					t.Fatal(err)
				}
			}
		}
		for _, e := range tp.TrustedApplicationEndpoints {
			checkFQDN("endpoint pool", e.Pool, false)
			if e.SIPAddress.IsZero() || e.ApplicationID == "" {
				t.Fatalf("endpoint %+v", e)
			}
		}
		for _, u := range tp.Users {
			if u.IsZero() {
				t.Fatal("zero user")
			}
		}
		for _, r := range tp.StaticRoutes {
			checkFQDN("route destination", r.Destination, false)
			if r.MatchURI == "" || (r.Transport != lync.TLS && r.Transport != lync.TCP) || (r.Transport == lync.TCP) != r.Destination.IsIP() {
				t.Fatalf("route %+v", r)
			}
		}
		again, err := Read(context.Background(), out)
		if err != nil {
			t.Fatal(err)
		}
		if d := cmp.Diff(im, again, cmp.Comparer(func(a, b lync.SIPAddress) bool { return a == b }),
			cmp.Comparer(func(a, b Diagnostic) bool { return a.String() == b.String() })); d != "" {
			t.Fatalf("two reads differ:\n%s", d)
		}
	})
}
