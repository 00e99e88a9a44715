package diagram

import "testing"

func TestText(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{`plain name-1.contoso.com`, `plain name-1.contoso.com`},
		{`say "hi"`, `say #quot;hi#quot;`},
		{`%%{init: {"theme":"dark"}}%%`, `#37;#37;{init: {#quot;theme#quot;:#quot;dark#quot;}}#37;#37;`},
		{`a-->b|x|`, `a--#gt;b#124;x#124;`},
		{"<b>`md`</b>", "#lt;b#gt;#96;md#96;#lt;/b#gt;"},
		{`#quot; already`, `#35;quot#59; already`},
		{`a&amp;b`, `a#amp;amp#59;b`},
		{"two\nlines\r\tx", `two\nlines\r\tx`},
		{"rtl\u202eevil\x00", `rtl\u202eevil\u0000`},
		{`[brackets] (round) {curly}`, `[brackets] (round) {curly}`},
		{`Zürich 東京 ‹id›`, `Zürich 東京 ‹id›`},
	} {
		if got := text(c.in); got != c.want {
			t.Errorf("text(%q) = %q, want %q", c.in, got, c.want)
		}
	}
}

func TestOwner(t *testing.T) {
	for _, c := range []struct {
		field string
		kind  string
		i     int
		ok    bool
	}{
		{"rpp.rmx[3].sip.server", kindRMX, 3, true},
		{"rpp.dma[0]", kindDMA, 0, true},
		{"lync.trustedApplications[12].serviceGruu", "application", 12, true},
		{"lync.staticRoutes[1].destination", "route", 1, true},
		{"rpp.workflows", "", 0, false},
		{"rpp.rmx[x]", "", 0, false},
		{"rpp.rmx[-1]", "", 0, false},
		{"rpp.rmx[2", "", 0, false},
	} {
		kind, i, ok := owner(c.field)
		if kind != c.kind || i != c.i || ok != c.ok {
			t.Errorf("owner(%q) = %q, %d, %v; want %q, %d, %v", c.field, kind, i, ok, c.kind, c.i, c.ok)
		}
	}
}
