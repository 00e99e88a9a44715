package lync

import (
	"errors"
	"strings"
	"testing"
)

const (
	gruuSIP  = "sip:rpp.contoso.com@contoso.com;gruu;opaque=srvr:video:Tggd9yw0FFyNjnRqleNLwQAA"
	gruuBare = "rpp.contoso.com@contoso.com;gruu;opaque=srvr:video:Tggd9yw0FFyNjnRqleNLwQAA"
)

func TestParseGRUUForms(t *testing.T) {
	for _, in := range []string{
		gruuSIP,
		gruuBare,
		"SIP:rpp.contoso.com@contoso.com;gruu;opaque=srvr:video:Tggd9yw0FFyNjnRqleNLwQAA",
		"sip:rpp.contoso.com@contoso.com;opaque=srvr:video:Tggd9yw0FFyNjnRqleNLwQAA;gruu",
		"rpp.contoso.com@contoso.com;opaque=srvr:video:Tggd9yw0FFyNjnRqleNLwQAA;gruu",
		"sip:RPP.Contoso.com@Contoso.com;GRUU;OPAQUE=srvr:video:Tggd9yw0FFyNjnRqleNLwQAA",
	} {
		g, err := ParseGRUU(in)
		if err != nil {
			t.Fatalf("ParseGRUU(%q): %v", in, err)
		}
		want, _ := ParseGRUU(gruuSIP)
		if !g.Equal(want) || !want.Equal(g) {
			t.Errorf("ParseGRUU(%q) is not Equal to %q", in, gruuSIP)
		}
		if !strings.HasPrefix(g.String(), "sip:") || HasSIPScheme(g.WithoutScheme()) {
			t.Errorf("ParseGRUU(%q): String() = %q, WithoutScheme() = %q", in, g.String(), g.WithoutScheme())
		}
		if g.String() != "sip:"+g.WithoutScheme() {
			t.Errorf("String and WithoutScheme disagree: %q vs %q", g.String(), g.WithoutScheme())
		}
		if !g.Pool().Equal("rpp.contoso.com") || !strings.EqualFold(g.Domain(), "contoso.com") ||
			g.ApplicationID().Bare() != "video" || g.Token() != "Tggd9yw0FFyNjnRqleNLwQAA" {
			t.Errorf("ParseGRUU(%q) parts: pool %q domain %q app %q token %q", in, g.Pool(), g.Domain(), g.ApplicationID(), g.Token())
		}
	}
}

func TestParseGRUUKeepsParameterOrder(t *testing.T) {
	in := "rpp.contoso.com@contoso.com;opaque=srvr:video:Tggd9yw0FFyNjnRqleNLwQAA;gruu"
	g, err := ParseGRUU(in)
	if err != nil {
		t.Fatal(err)
	}
	if g.WithoutScheme() != in || g.String() != "sip:"+in {
		t.Errorf("round trip changed the value: %q / %q", g.WithoutScheme(), g.String())
	}
}

func TestParseGRUUAnyApplication(t *testing.T) {
	for _, app := range []string{"video", "videorouting", "polycom-rpp", "app_1.2"} {
		g, err := ParseGRUU("sip:pool.fabrikam.com@fabrikam.com;gruu;opaque=srvr:" + app + ":k9JWeflVVl6GdopUWZcgWwAA")
		if err != nil {
			t.Fatalf("application %q: %v", app, err)
		}
		if g.ApplicationID().Bare() != app {
			t.Errorf("application = %q, want %q", g.ApplicationID(), app)
		}
	}
}

func TestParseGRUURejects(t *testing.T) {
	for _, tc := range []struct {
		in   string
		part GRUUPart
		says string
	}{
		{"", PartSyntax, "empty"},
		{"sip:rpp.contoso.com@contoso.com;gruu;opaque=srvr:video:Tggd9yw0 FFyN", PartSyntax, "space"},
		{"sip:rpp.contoso.com@contoso.com;gruu;opaque=srvr:video:Tggd\n", PartSyntax, "0x0a"},
		{"<sip:rpp.contoso.com@contoso.com;gruu;opaque=srvr:video:T>", PartSyntax, "'<'"},
		{"sips:rpp.contoso.com@contoso.com;gruu;opaque=srvr:video:Tggd", PartScheme, "sips"},
		{"https://rpp.contoso.com/gruu", PartScheme, "https:"},
		{"sip:contoso.com;gruu;opaque=srvr:video:Tggd9yw0FFyNjnRqleNLwQAA", PartUser, "pool FQDN"},
		{"sip:@contoso.com;gruu;opaque=srvr:video:Tggd9yw0FFyNjnRqleNLwQAA", PartUser, "missing"},
		{"sip:rpp.contoso.com:pw@contoso.com;gruu;opaque=srvr:video:Tggd", PartUser, "':'"},
		{"sip:rpp east@contoso.com;gruu;opaque=srvr:video:Tggd", PartSyntax, "space"},
		{"sip:rpp.contoso.com@;gruu;opaque=srvr:video:Tggd", PartHost, "missing"},
		{"sip:rpp.contoso.com@contoso.com:5061;gruu;opaque=srvr:video:Tggd", PartHost, "port"},
		{"sip:rpp.contoso.com@contoso.com;opaque=srvr:video:Tggd9yw0FFyNjnRqleNLwQAA", PartGRUU, "missing"},
		{"sip:rpp.contoso.com@contoso.com;gruu=1;opaque=srvr:video:Tggd", PartGRUU, "no value"},
		{"sip:rpp.contoso.com@contoso.com;gruu;gruu;opaque=srvr:video:Tggd", PartGRUU, "twice"},
		{"sip:rpp.contoso.com@contoso.com;gruu", PartOpaque, "missing"},
		{"sip:rpp.contoso.com@contoso.com;gruu;opaque=video:Tggd", PartOpaque, "srvr:"},
		{"sip:alice@contoso.com;gruu;opaque=app:conf:focus:id:5D3747C", PartOpaque, "conference"},
		{"sip:rpp.contoso.com@contoso.com;gruu;opaque=srvr:video", PartOpaque, "no token"},
		{"sip:rpp.contoso.com@contoso.com;gruu;opaque=srvr::Tggd", PartApplication, "empty"},
		{"sip:rpp.contoso.com@contoso.com;gruu;opaque=srvr:urn:application:video:Tggd", PartApplication, "bare"},
		{"sip:rpp.contoso.com@contoso.com;gruu;opaque=srvr:vid$eo:Tggd", PartApplication, "not allowed"},
		{"sip:rpp.contoso.com@contoso.com;gruu;opaque=srvr:video:", PartToken, "empty"},
		{"sip:rpp.contoso.com@contoso.com;gruu;opaque=srvr:video:Tggd+w0/FF==", PartToken, "base64url"},
		{"sip:rpp.contoso.com@contoso.com;gruu;opaque=srvr:video:Tggd;transport=tls", PartParameters, "transport"},
		{"sip:rpp.contoso.com@contoso.com;gruu;opaque=srvr:video:Tggd?subject=x", PartParameters, "headers"},
		{"sip:rpp.contoso.com@contoso.com;;gruu;opaque=srvr:video:Tggd", PartParameters, "empty parameter"},
	} {
		_, err := ParseGRUU(tc.in)
		if !errors.Is(err, ErrMalformedGRUU) {
			t.Errorf("ParseGRUU(%q) = %v, want ErrMalformedGRUU", tc.in, err)
			continue
		}
		var ge *GRUUError
		if !errors.As(err, &ge) {
			t.Fatalf("ParseGRUU(%q): error %T is not a *GRUUError", tc.in, err)
		}
		if ge.Part != tc.part || !strings.Contains(err.Error(), tc.says) {
			t.Errorf("ParseGRUU(%q) = %v (part %s), want part %s saying %q", tc.in, err, ge.Part, tc.part, tc.says)
		}
		if ge.Value != tc.in {
			t.Errorf("ParseGRUU(%q): error quotes %q", tc.in, ge.Value)
		}
	}
}

func TestGRUUEqual(t *testing.T) {
	a, _ := ParseGRUU(gruuSIP)
	for _, tc := range []struct {
		in   string
		want bool
	}{
		{"sip:rpp.contoso.com@contoso.com;opaque=srvr:video:Tggd9yw0FFyNjnRqleNLwQAA;gruu", true},
		{"Sip:rpp.contoso.com@contoso.com;gruu;opaque=srvr:video:Tggd9yw0FFyNjnRqleNLwQAA", true},
		{"sip:rpp.contoso.com@contoso.com;gruu;opaque=srvr:video:Tggd9yw0FFyNjnRqleNLwQAB", false},
		{"sip:rpp2.contoso.com@contoso.com;gruu;opaque=srvr:video:Tggd9yw0FFyNjnRqleNLwQAA", false},
		{"sip:rpp.contoso.com@fabrikam.com;gruu;opaque=srvr:video:Tggd9yw0FFyNjnRqleNLwQAA", false},
		{"sip:rpp.contoso.com@contoso.com;gruu;opaque=srvr:audio:Tggd9yw0FFyNjnRqleNLwQAA", false},
	} {
		b, err := ParseGRUU(tc.in)
		if err != nil {
			t.Fatal(err)
		}
		if a.Equal(b) != tc.want {
			t.Errorf("Equal(%q) = %v, want %v", tc.in, !tc.want, tc.want)
		}
	}
}

func TestGRUUBelongsTo(t *testing.T) {
	g, _ := ParseGRUU(gruuSIP)
	if err := g.BelongsTo("RPP.contoso.com", "urn:application:video"); err != nil {
		t.Errorf("BelongsTo own pool: %v", err)
	}
	var ge *GRUUError
	if err := g.BelongsTo("rpp-west.contoso.com", "video"); !errors.As(err, &ge) || ge.Part != PartUser {
		t.Errorf("BelongsTo other pool = %v, want a user-part error", err)
	}
	if err := g.BelongsTo("rpp.contoso.com", "audio"); !errors.As(err, &ge) || ge.Part != PartApplication {
		t.Errorf("BelongsTo other application = %v, want an application error", err)
	}
}

func TestGRUUText(t *testing.T) {
	var g GRUU
	if err := g.UnmarshalText([]byte(gruuBare)); err != nil {
		t.Fatal(err)
	}
	b, _ := g.MarshalText()
	if string(b) != gruuSIP {
		t.Errorf("MarshalText = %q, want %q", b, gruuSIP)
	}
	if err := g.UnmarshalText([]byte("sip:nope@contoso.com")); !errors.Is(err, ErrMalformedGRUU) {
		t.Errorf("UnmarshalText(no gruu) = %v", err)
	}
	var zero GRUU
	if !zero.IsZero() || zero.String() != "" {
		t.Error("zero GRUU is not empty")
	}
}

func FuzzParseGRUU(f *testing.F) {
	for _, s := range []string{gruuSIP, gruuBare, "sip:a@b;gruu;opaque=srvr:x:y", "sip:", ";;", "sip:a@[::1];gruu", "x:y@z", "sip:a@b?c=d&e"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		g, err := ParseGRUU(s)
		if err != nil {
			var ge *GRUUError
			if !errors.As(err, &ge) || ge.Value != s || ge.Part == "" || ge.Reason == "" {
				t.Fatalf("ParseGRUU(%q): error %v is not a complete *GRUUError", s, err)
			}
			return
		}
		// Whatever parses must survive both written forms unchanged.
		for _, form := range []string{g.String(), g.WithoutScheme()} {
			h, err := ParseGRUU(form)
			if err != nil {
				t.Fatalf("ParseGRUU(%q) ok, but its form %q fails: %v", s, form, err)
			}
			if !h.Equal(g) || h.String() != g.String() {
				t.Fatalf("round trip of %q through %q changed it: %q", s, form, h.String())
			}
		}
		if HasSIPScheme(g.WithoutScheme()) || g.Pool() == "" || g.Domain() == "" || g.Token() == "" {
			t.Fatalf("ParseGRUU(%q) accepted an incomplete GRUU: %#v", s, g)
		}
	})
}
