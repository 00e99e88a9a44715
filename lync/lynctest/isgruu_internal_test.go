package lynctest

import (
	"testing"

	"github.com/emiago/sipgo/sip"

	"github.com/rppkit/rppkit/lync"
)

// FuzzIsGRUU checks that the fast comparison never says yes where
// lync.ParseGRUU and GRUU.Equal say no, and says yes for a GRUU written
// the usual way.
func FuzzIsGRUU(f *testing.F) {
	const gruu = "sip:rpp-east.contoso.com@contoso.com;gruu;opaque=srvr:video:Tggd9yw0FFyNjnRqleNLwQAA"
	g, err := lync.ParseGRUU(gruu)
	if err != nil {
		f.Fatal(err)
	}
	for _, s := range []string{gruu,
		"sip:RPP-EAST.contoso.com@Contoso.com;gruu;opaque=SRVR:Video:Tggd9yw0FFyNjnRqleNLwQAA",
		"sip:rpp-east.contoso.com@contoso.com;opaque=srvr:video:Tggd9yw0FFyNjnRqleNLwQAA;gruu",
		"sip:rpp-east.contoso.com@contoso.com;gruu;opaque=srvr:video:tggd9yw0FFyNjnRqleNLwQAA",
		"sip:rpp-east.contoso.com@contoso.com:5061;gruu;opaque=srvr:video:Tggd9yw0FFyNjnRqleNLwQAA",
		"sip:rpp-east.contoso.com@contoso.com;gruu=1;opaque=srvr:video:Tggd9yw0FFyNjnRqleNLwQAA",
		"sip:rpp-west.contoso.com@contoso.com;gruu;opaque=srvr:video:Tggd9yw0FFyNjnRqleNLwQAA",
		"sips:rpp-east.contoso.com@contoso.com;gruu;opaque=srvr:video:Tggd9yw0FFyNjnRqleNLwQAA",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		var u sip.Uri
		if sip.ParseUri(s, &u) != nil {
			return
		}
		fast := isGRUU(u, g)
		h, err := lync.ParseGRUU(u.String())
		slow := err == nil && h.Equal(g)
		if fast && !slow {
			t.Errorf("isGRUU(%q) is true; ParseGRUU and Equal say %v (%v)", s, slow, err)
		}
		if s == gruu && !fast {
			t.Errorf("isGRUU(%q) is false", s)
		}
	})
}
