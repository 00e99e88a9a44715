package lync

import "testing"

func TestStaticRouteMatches(t *testing.T) {
	for _, c := range []struct {
		match, host string
		want        bool
	}{
		{"vmr.contoso.com", "vmr.contoso.com", true},
		{"VMR.Contoso.com.", "vmr.contoso.COM", true},
		{"sip:vmr.contoso.com", "vmr.contoso.com", true},
		{" vmr.contoso.com ", "vmr.contoso.com", true},
		{"vmr.contoso.com", "contoso.com", false},
		{"vmr.contoso.com", "eu.vmr.contoso.com", false},
		{"contoso.com", "vmr.contoso.com", false},
		{"*.contoso.com", "vmr.contoso.com", true},
		{"*.contoso.com", "a.b.contoso.com", true},
		{"*.contoso.com", "contoso.com", false},
		{"*.contoso.com", "evilcontoso.com", false},
		{"*.", "contoso.com", false},
		{"*.", "*", false},
		{"*", "*", false},
		{"*.contoso.com", "*.contoso.com", false},
		{"*.*.com", "a.b.com", false},
		{"", "contoso.com", false},
		{"contoso.com", "", false},
	} {
		if got := (StaticRoute{MatchURI: c.match}).Matches(c.host); got != c.want {
			t.Errorf("StaticRoute{MatchURI: %q}.Matches(%q) = %v, want %v", c.match, c.host, got, c.want)
		}
	}
}

func TestStaticRouteSampleHost(t *testing.T) {
	for _, c := range []struct{ match, want string }{
		{"vmr.contoso.com", "vmr.contoso.com"},
		{"sip:VC.Contoso.com.", "VC.Contoso.com"},
		{"*.video.contoso.com", "vmr.video.contoso.com"},
		{"*.", ""},
		{"", ""},
	} {
		r := StaticRoute{MatchURI: c.match}
		got := r.SampleHost()
		if got != c.want || got != "" && !r.Matches(got) {
			t.Errorf("StaticRoute{MatchURI: %q}.SampleHost() = %q, want %q (matched by the route)", c.match, got, c.want)
		}
	}
}
