package lynctest_test

import (
	"bytes"
	"strings"
	"testing"
	"time"

	"github.com/emiago/sipgo/sip"
	"go.uber.org/goleak"

	"github.com/rppkit/rppkit/lync/lynctest"
)

// officeCommunicatorContact is the Contact of a REGISTER as Office
// Communicator writes it: a quoted methods list with a comma and a space,
// and a quoted +sip.instance.
const officeCommunicatorContact = `<sip:rpp-east@rmx-east.contoso.com:5061;transport=tls;ms-opaque=d3470f2e1d>;methods="INVITE, MESSAGE, INFO, OPTIONS, BYE, CANCEL, NOTIFY, ACK, REFER, BENOTIFY";proxy=replace;+sip.instance="<urn:uuid:c1589240-e660-594f-a8b3-4b55f358cbc1>"`

// TestRegisterEchoesQuotedContactParameters checks that a quoted Contact
// parameter holding a comma comes back in the 200 OK exactly as sent, so
// the answer parses (sipgo, rendering a parsed Contact, quotes such a
// value twice), with the registrar's expires and gruu added.
func TestRegisterEchoesQuotedContactParameters(t *testing.T) {
	defer goleak.VerifyNone(t, goleak.IgnoreCurrent())
	s := rawStartBare(t)
	fe := s.FrontEnd("fe-east.contoso.com")
	c := rawDial(t, s, fe)
	c.mustWrite(rawRegister().set("Contact", officeCommunicatorContact).bytes())
	raw, err := c.readRaw(rawWait)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.HasPrefix(raw, []byte("SIP/2.0 200 ")) {
		t.Fatalf("%s", raw)
	}
	if bytes.Contains(raw, []byte(`""`)) {
		t.Errorf("a doubled quote in the answer:\n%s", raw)
	}
	contact := rawHeaderText(raw, "Contact")
	want := officeCommunicatorContact + ";expires=3600;gruu="
	if !strings.HasPrefix(contact, want) {
		t.Errorf("Contact\n\t%s\nwant it to begin\n\t%s", contact, want)
	}
	if _, err := sip.ParseMessage(raw); err != nil {
		t.Errorf("the answer does not parse: %v", err)
	}
	c.close()
	if err := s.Close(); err != nil {
		t.Errorf("Close: %v", err)
	}
}

// TestRegisterGRUU checks the gruu parameter Lync puts on each Contact of
// the 200 OK (MS-SIPREGE's example: gruu="sip:alice@fabrikam.com;opaque=user:epid:…;gruu"):
// a GRUU of the address of record, the same for the same +sip.instance,
// another for another instance.
func TestRegisterGRUU(t *testing.T) {
	defer goleak.VerifyNone(t, goleak.IgnoreCurrent())
	s := rawStartBare(t)
	fe := s.FrontEnd("fe-east.contoso.com")
	gruuOf := func(contact string) string {
		t.Helper()
		c := rawDial(t, s, fe)
		defer c.close()
		c.mustWrite(rawRegister().set("Contact", contact).bytes())
		raw, err := c.readRaw(rawWait)
		if err != nil || !bytes.HasPrefix(raw, []byte("SIP/2.0 200 ")) {
			t.Fatalf("%s %v", raw, err)
		}
		// sipgo's parser cuts a quoted parameter value at a ';', so the
		// test reads the parameter itself.
		_, v, ok := strings.Cut(rawHeaderText(raw, "Contact"), `;gruu="`)
		v, _, closed := strings.Cut(v, `"`)
		if !ok || !closed {
			t.Fatalf("no quoted gruu parameter: %s", rawHeaderText(raw, "Contact"))
		}
		var u sip.Uri
		if err := sip.ParseUri(v, &u); err != nil {
			t.Fatalf("gruu %q is not a SIP URI: %v", v, err)
		}
		if _, ok := u.UriParams.Get("gruu"); !ok || u.User != "rpp-east" || u.Host != "contoso.com" {
			t.Errorf("gruu %q: want sip:rpp-east@contoso.com;opaque=user:epid:…;gruu", v)
		}
		if op, _ := u.UriParams.Get("opaque"); !strings.HasPrefix(op, "user:epid:") || len(op) <= len("user:epid:") {
			t.Errorf("gruu %q: opaque %q, want user:epid:ID", v, op)
		}
		return v
	}
	a := gruuOf(officeCommunicatorContact)
	if b := gruuOf(officeCommunicatorContact); a != b {
		t.Errorf("the same instance got %s, then %s", a, b)
	}
	other := strings.Replace(officeCommunicatorContact, "c1589240", "d1589240", 1)
	if b := gruuOf(other); a == b {
		t.Errorf("two instances share the GRUU %s", a)
	}
	if err := s.Close(); err != nil {
		t.Errorf("Close: %v", err)
	}
}

// TestRegisterExpires checks the Expires header: delta-seconds, digits only,
// at most (2**32)-1 (RFC 3261 §20.19, §25.1), else 400 with a Warning
// naming it; and the expires parameter of the Contact, whose malformed
// values count as 3600 (§20.10).
func TestRegisterExpires(t *testing.T) {
	defer goleak.VerifyNone(t, goleak.IgnoreCurrent())
	s := rawStartBare(t)
	fe := s.FrontEnd("fe-east.contoso.com")
	for _, tc := range []struct {
		expires, param string
		code           int
		contactExpires string // of the 200's Contact
	}{
		{"abc", "", 400, ""},
		{"-1", "", 400, ""},
		{"12345678901234567890", "", 400, ""},
		{"4294967296", "", 400, ""},
		{"1.5", "", 400, ""},
		{"4294967295", "", 200, "4294967295"},
		{"600", "", 200, "600"},
		{"600", "120", 200, "120"},
		{"600", "abc", 200, "3600"},
	} {
		t.Run(tc.expires+"/"+tc.param, func(t *testing.T) {
			m := rawRegister().set("Expires", tc.expires)
			if tc.param != "" {
				m.set("Contact", "<sip:rpp-east@rmx-east.contoso.com:5061;transport=tls>;expires="+tc.param)
			}
			res := rawExchange(t, s, fe, m)
			if res.StatusCode != tc.code {
				t.Fatalf("%s, want %d", res.StartLine(), tc.code)
			}
			if tc.code == 400 {
				if w := rawHeader(res, "Warning"); !strings.Contains(w, "Expires") {
					t.Errorf("Warning %q does not name Expires", w)
				}
				if rawHeader(res, "Contact") != "" {
					t.Errorf("a refused REGISTER lists bindings: %s", res)
				}
				return
			}
			h := res.GetHeader("Contact").(*sip.ContactHeader)
			if v, _ := h.Params.Get("expires"); v != tc.contactExpires {
				t.Errorf("expires=%s in %s, want %s", v, h.Value(), tc.contactExpires)
			}
		})
	}
	if err := s.Close(); err != nil {
		t.Errorf("Close: %v", err)
	}
}

// TestRegisterBindings checks that the registrar keeps bindings: a query
// (REGISTER without Contact, RFC 3261 §10.2.3) lists them; provisioning
// and MRAS serve an identity only once it has registered from the computer
// asking (lab convention, see requireRegistration), and no more once it
// has unregistered or its binding has expired.
func TestRegisterBindings(t *testing.T) {
	defer goleak.VerifyNone(t, goleak.IgnoreCurrent())
	// The lab reads its clock on its own goroutines: a clock, not a bare
	// variable the test moves.
	clk := &clock{now: time.Now()}
	s := rawStartBare(t, lynctest.WithClock(clk.Now))
	fe := s.FrontEnd("fe-east.contoso.com")
	uri := s.Edge("edge-east.contoso.com").MRASURI
	query := func() []string {
		t.Helper()
		res := rawExchange(t, s, fe, rawRegister().set("Contact", "").set("Expires", ""))
		if res.StatusCode != 200 || rawHeader(res, "Expires") != "" {
			t.Fatalf("query: %s", res)
		}
		var contacts []string
		for _, h := range res.GetHeaders("Contact") {
			contacts = append(contacts, h.Value())
		}
		return contacts
	}
	served := func(computer string) (subscribe, service int) {
		t.Helper()
		via := "SIP/2.0/TLS " + computer + ":5061;branch=z9hG4bK" + rawToken()
		c := rawDial(t, s, fe, computer)
		defer c.close()
		sub := c.mustAnswer(rawSubscribe(t).set("Via", via).set("Contact", "<sip:rpp-east@"+computer+":5061;transport=tls>"))
		svc := c.mustAnswer(rawService(uri, rawMRASBody(t, uri, "1", nil)).set("Via", via))
		for _, res := range []*sip.Response{sub, svc} {
			if res.StatusCode == 403 {
				if code, _ := rawDiagnostic(res); code != 4004 || !strings.Contains(rawHeader(res, "Warning"), "has not registered from "+computer) {
					t.Errorf("403 with ms-diagnostics %q and Warning %q", rawHeader(res, "ms-diagnostics"), rawHeader(res, "Warning"))
				}
			}
		}
		return sub.StatusCode, svc.StatusCode
	}

	if got := query(); len(got) != 0 {
		t.Errorf("bindings before any REGISTER: %q", got)
	}
	if sub, svc := served("rmx-east.contoso.com"); sub != 403 || svc != 403 {
		t.Errorf("before REGISTER: SUBSCRIBE %d, SERVICE %d; want 403 both", sub, svc)
	}
	rawRegistered(t, s, fe, rawRegister().set("Expires", "600"))
	got := query()
	if len(got) != 1 || !strings.HasPrefix(got[0], "<sip:rpp-east@rmx-east.contoso.com:5061;transport=tls>;expires=600;gruu=\"sip:rpp-east@contoso.com;opaque=user:epid:") {
		t.Errorf("bindings after REGISTER: %q", got)
	}
	if sub, svc := served("rmx-east.contoso.com"); sub != 200 || svc != 200 {
		t.Errorf("after REGISTER: SUBSCRIBE %d, SERVICE %d; want 200 both", sub, svc)
	}
	if sub, svc := served("dma-east.contoso.com"); sub != 403 || svc != 403 {
		t.Errorf("from another computer of the pool: SUBSCRIBE %d, SERVICE %d; want 403 both", sub, svc)
	}

	clk.Add(601 * time.Second)
	if got := query(); len(got) != 0 {
		t.Errorf("bindings after they expired: %q", got)
	}
	if sub, svc := served("rmx-east.contoso.com"); sub != 403 || svc != 403 {
		t.Errorf("after the binding expired: SUBSCRIBE %d, SERVICE %d; want 403 both", sub, svc)
	}

	rawRegistered(t, s, fe, rawRegister())
	rawRegistered(t, s, fe, rawRegister().set("Expires", "0"))
	if got := query(); len(got) != 0 {
		t.Errorf("bindings after Expires: 0: %q", got)
	}
	rawRegistered(t, s, fe, rawRegister())
	rawRegistered(t, s, fe, rawRegister().set("Contact", "*").set("Expires", "0"))
	if got := query(); len(got) != 0 {
		t.Errorf("bindings after Contact: * with Expires: 0: %q", got)
	}
	if res := rawExchange(t, s, fe, rawRegister().set("Contact", "*")); res.StatusCode != 400 {
		t.Errorf("Contact: * with Expires: 3600: %s, want 400", res.StartLine())
	}
	if sub, svc := served("rmx-east.contoso.com"); sub != 403 || svc != 403 {
		t.Errorf("after unregistering: SUBSCRIBE %d, SERVICE %d; want 403 both", sub, svc)
	}
	if err := s.Close(); err != nil {
		t.Errorf("Close: %v", err)
	}
}

// rawHeaderText returns the value of the first header called name in raw,
// as written.
func rawHeaderText(raw []byte, name string) string {
	for _, line := range strings.Split(string(raw), "\r\n") {
		if n, v, ok := strings.Cut(line, ":"); ok && strings.EqualFold(strings.TrimSpace(n), name) {
			return strings.TrimSpace(v)
		}
	}
	return ""
}
