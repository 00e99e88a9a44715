package c3p

import (
	"errors"
	"os"
	"testing"

	"github.com/google/go-cmp/cmp"
)

const focus = "sip:Alice@fabrikam.com;gruu;opaque=app:conf:focus:id:5D3747C"

// TestParseAddUserGolden reads an addUser in the shape MS-CONFBAS gives it
// (the body pidgin-sipe's sipe-conf.c sends too), addressed to MS-CONFBAS
// §4.4.7's focus.
func TestParseAddUserGolden(t *testing.T) {
	b, err := os.ReadFile("testdata/adduser.xml")
	if err != nil {
		t.Fatal(err)
	}
	got, err := ParseRequest(b)
	if err != nil {
		t.Fatal(err)
	}
	want := &Request{To: focus, From: "sip:rmx1@fabrikam.com", RequestID: "1",
		AddUser: &AddUser{ConfEntity: focus, User: User{Entity: "sip:rmx1@fabrikam.com",
			Roles: []string{"attendee"}, EndpointEntity: "{8C2C9B0A-4D0B-4F5E-9C61-0B3E2A7D5F11}"}}}
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("ParseRequest (-want +got):\n%s", d)
	}
	out, err := got.Marshal()
	if err != nil {
		t.Fatal(err)
	}
	again, err := ParseRequest(out)
	if err != nil {
		t.Fatalf("ParseRequest(Marshal()) = %v\n%s", err, out)
	}
	if d := cmp.Diff(want, again); d != "" {
		t.Errorf("round trip (-want +got):\n%s", d)
	}
}

func TestParseRequestUnsupported(t *testing.T) {
	body := `<request xmlns="urn:ietf:params:xml:ns:cccp" C3PVersion="1" to="` + focus + `" from="sip:bob@fabrikam.com" requestId="7"><modifyConferenceLock/></request>`
	r, err := ParseRequest([]byte(body))
	var u *UnsupportedCommandError
	if !errors.As(err, &u) || u.Command != "modifyConferenceLock" || !errors.Is(err, ErrUnsupportedCommand) {
		t.Fatalf("ParseRequest = %v; want *UnsupportedCommandError{modifyConferenceLock}", err)
	}
	if errors.Is(err, ErrMalformed) {
		t.Errorf("an unsupported command is not malformed: %v", err)
	}
	if r == nil || r.RequestID != "7" || r.To != focus {
		t.Errorf("request addressing not returned: %+v", r)
	}
}
