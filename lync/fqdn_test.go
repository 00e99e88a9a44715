package lync

import (
	"errors"
	"strings"
	"testing"
)

func TestFQDNAcceptsIPLiterals(t *testing.T) {
	for _, tc := range []struct {
		in   string
		ip   bool
		key  string
		fail bool
	}{
		{"rmx.contoso.com", false, "rmx.contoso.com", false},
		{"RMX.Contoso.com.", false, "rmx.contoso.com", false},
		{"192.0.2.10", true, "192.0.2.10", false},
		{"2001:db8::5", true, "2001:db8::5", false},
		{"[2001:DB8:0::5]", true, "2001:db8::5", false},
		{"[192.0.2.10]", false, "", true}, // brackets are for IPv6 only
		{"fe80::1%eth0", false, "", true}, // a zone is not an address of a topology
		{"rmx.contoso.com:5061", false, "", true},
		{"[2001:db8::5]:5061", false, "", true},
	} {
		f, err := ParseFQDN(tc.in)
		if tc.fail {
			if !errors.Is(err, ErrInvalidFQDN) {
				t.Errorf("ParseFQDN(%q) = %q, %v; want ErrInvalidFQDN", tc.in, f, err)
			}
			continue
		}
		if err != nil || f.IsIP() != tc.ip || f.Key() != tc.key || f.String() != tc.in {
			t.Errorf("ParseFQDN(%q) = %q (IP %v, key %q), %v; want IP %v, key %q, kept as written", tc.in, f, f.IsIP(), f.Key(), err, tc.ip, tc.key)
		}
	}
	if !FQDN("2001:db8::5").Equal("[2001:0db8::0005]") || FQDN("2001:db8::5").Equal("2001:db8::6") {
		t.Error("IPv6 spellings of one address must be equal, and of two unequal")
	}
}

// FuzzParseFQDN: what ParseFQDN accepts is kept as written, equals itself
// in any case, and has a key without upper case or a trailing dot.
func FuzzParseFQDN(f *testing.F) {
	for _, s := range []string{"rmx.contoso.com", "RMX.contoso.com.", "192.0.2.1", "[2001:db8::5]", "2001:db8::5", "a..b", "*.contoso.com", "x:1", ""} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		v, err := ParseFQDN(s)
		if err != nil {
			if !errors.Is(err, ErrInvalidFQDN) || v != "" {
				t.Fatalf("ParseFQDN(%q) = %q, %v", s, v, err)
			}
			return
		}
		k := v.Key()
		if string(v) != s || !v.Equal(FQDN(strings.ToUpper(s))) || k != strings.ToLower(k) || (!v.IsIP() && strings.HasSuffix(k, ".")) {
			t.Fatalf("ParseFQDN(%q) = %q, key %q", s, v, k)
		}
	})
}
