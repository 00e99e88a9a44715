package c3p

import (
	"errors"
	"os"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/rppkit/rppkit/lync"
)

func readFile(t testing.TB, name string) []byte {
	t.Helper()
	b, err := os.ReadFile("testdata/" + name)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestGetConferenceKeys(t *testing.T) {
	// MS-CONFPRO §4.5: by conference ID, to the focus factory.
	r, err := ParseRequest(readFile(t, "getconference-confpro.xml"))
	if err != nil {
		t.Fatal(err)
	}
	if r.Command() != CommandGetConference || r.GetConference.ConferenceID != "SDFBSD12" ||
		r.To != "sip:alice@contoso.com;gruu;opaque=app:conf:focusfactory" || r.RequestID != "5" {
		t.Errorf("ParseRequest = %+v, %+v", r, r.GetConference)
	}
	// MS-CONFBAS §4.4.7: by focus URI, to the focus.
	r, err = ParseRequest(readFile(t, "getconference-confbas.xml"))
	if err != nil {
		t.Fatal(err)
	}
	if g := r.GetConference; g == nil || g.ConfEntity != "sip:alice@contoso.com;gruu;opaque=app:conf:focus:id:5D3747C" || g.ConferenceID != "" ||
		r.To != "sip:alice@contoso.com;gruu;opaque=app:conf:focus:id:5D3747C " {
		t.Errorf("ParseRequest(MS-CONFBAS 4.4.7) = %+v, %+v", r, r.GetConference)
	}
	for _, g := range []GetConference{{ConfEntity: focus}, {ConferenceID: "SDFBSD12"}, {DialInID: "4411223"}} {
		req := &Request{To: "sip:alice@contoso.com;gruu;opaque=app:conf:focusfactory", From: "sip:dma@contoso.com", RequestID: "42", GetConference: &g}
		b, err := req.Marshal()
		if err != nil {
			t.Fatal(err)
		}
		back, err := ParseRequest(b)
		if err != nil {
			t.Fatalf("ParseRequest(%s): %v", b, err)
		}
		if d := cmp.Diff(req, back); d != "" {
			t.Errorf("round trip (-want +got):\n%s\n%s", d, b)
		}
	}
	// The lab convention's wire form, exactly.
	req := &Request{To: "sip:alice@contoso.com;gruu;opaque=app:conf:focusfactory", From: "sip:dma@contoso.com", RequestID: "42",
		GetConference: &GetConference{DialInID: "4411223"}}
	b, _ := req.Marshal()
	if !strings.Contains(string(b), `<getConference><conferenceKeys mscp:dial-in-id="4411223"/></getConference>`) ||
		!strings.Contains(string(b), `xmlns:mscp="`+NamespaceMSCP+`"`) {
		t.Errorf("dial-in ID not carried as mscp:dial-in-id on conferenceKeys:\n%s", b)
	}
}

func TestParseResponse(t *testing.T) {
	r, err := ParseResponse(readFile(t, "adduser-response.xml"))
	if err != nil {
		t.Fatal(err)
	}
	if r.Code != CodeSuccess || r.Command != CommandAddUser || r.RequestID != "1" || r.FocusURI != focus || len(r.MCUs) != 2 {
		t.Fatalf("ParseResponse = %+v", r)
	}
	av, err := r.MCUURI(lync.MCUAudioVideo)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := av.String(), "sip:Alice@fabrikam.com;gruu;opaque=app:conf:audio-video:id:5D3747C"; got != want {
		t.Errorf("MCUURI(audio-video) = %q, want %q", got, want)
	}
	if _, err := r.MCUURI(lync.MCUApplicationSharing); !errors.Is(err, ErrNoMCU) {
		t.Errorf("MCUURI(applicationsharing) = %v; want ErrNoMCU", err)
	}
	r.MCUs[1].URI = "sip:Alice@fabrikam.com;gruu;opaque=app:conf:chat:id:5D3747C"
	if _, err := r.MCUURI(lync.MCUAudioVideo); !errors.Is(err, lync.ErrInvalidConferenceURI) {
		t.Errorf("MCUURI with a chat URI under purpose audio-video = %v; want ErrInvalidConferenceURI", err)
	}

	out, err := r.Marshal()
	if err != nil {
		t.Fatal(err)
	}
	back, err := ParseResponse(out)
	if err != nil {
		t.Fatalf("ParseResponse(%s): %v", out, err)
	}
	if d := cmp.Diff(r, back); d != "" {
		t.Errorf("round trip (-want +got):\n%s", d)
	}
}

func TestFailureResponse(t *testing.T) {
	// The answer to a getConference for an unknown dial-in ID.
	r := &Response{To: "sip:dma@contoso.com", From: "sip:alice@contoso.com;gruu;opaque=app:conf:focusfactory", RequestID: "42",
		Code: CodeFailure, Reason: "The specified conference does not exist.", Command: CommandGetConference}
	b, err := r.Marshal()
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(b), `code="failure"`) || !strings.Contains(string(b), `<getConference reason="The specified conference does not exist."/>`) {
		t.Errorf("failure response:\n%s", b)
	}
	back, err := ParseResponse(b)
	if err != nil {
		t.Fatal(err)
	}
	if d := cmp.Diff(r, back); d != "" {
		t.Errorf("round trip (-want +got):\n%s", d)
	}
	// A reason on the response element (as some C3P texts put it) is read too.
	alt := strings.Replace(string(b), `code="failure"`, `code="failure" reason="busy"`, 1)
	alt = strings.Replace(alt, ` reason="The specified conference does not exist."`, "", 1)
	if back, err := ParseResponse([]byte(alt)); err != nil || back.Reason != "busy" {
		t.Errorf("reason on <response>: %+v, %v", back, err)
	}
}

func TestParseRejects(t *testing.T) {
	good := string(readFile(t, "adduser.xml"))
	nested := "<request xmlns=\"urn:ietf:params:xml:ns:cccp\" to=\"a\" from=\"b\" requestId=\"1\"><addUser>" +
		strings.Repeat("<x>", MaxDepth) + strings.Repeat("</x>", MaxDepth) + "</addUser></request>"
	for _, tc := range []struct {
		name, body, says string
	}{
		{"empty", "", "no root"},
		{"doctype", `<?xml version="1.0"?><!DOCTYPE request [<!ENTITY x "y">]>` + good[strings.Index(good, "<request"):], "DOCTYPE"},
		{"undefined entity", strings.Replace(good, "attendee", "&x;", 1), "entity"},
		{"too deep", nested, "MaxDepth"},
		{"too large", good + strings.Repeat(" ", MaxBody), "MaxBody"},
		{"wrong root", strings.Replace(strings.Replace(good, "<request", "<requests", 1), "</request>", "</requests>", 1), "want <request>"},
		{"no namespace", strings.Replace(good, `xmlns="urn:ietf:params:xml:ns:cccp"`, "", 1), "no namespace"},
		{"C3PVersion 2", strings.Replace(good, `C3PVersion="1"`, `C3PVersion="2"`, 1), "C3PVersion"},
		{"requestId not a number", strings.Replace(good, `requestId="1"`, `requestId="x1"`, 1), "requestId"},
		{"no requestId", strings.Replace(good, `requestId="1"`, ``, 1), "requestId"},
		{"no from", strings.Replace(good, `from="sip:rmx1@fabrikam.com"`, ``, 1), "from"},
		{"two commands", strings.Replace(good, "</addUser>", "</addUser><getConference/>", 1), "2 command elements"},
		{"no confEntity", strings.Replace(good, `<conferenceKeys confEntity="sip:Alice@fabrikam.com;gruu;opaque=app:conf:focus:id:5D3747C"/>`, `<conferenceKeys/>`, 1), "confEntity"},
		{"user in the wrong namespace", strings.Replace(good, `xmlns:ci="urn:ietf:params:xml:ns:conference-info"`, `xmlns:ci="urn:example"`, 1), "<user>"},
		{"empty role", strings.Replace(good, "attendee", " ", 1), "empty <entry>"},
		{"two roots", good + "<request/>", "second root"},
		{"trailing text", good + "junk", "outside the root"},
		{"processing instruction", strings.Replace(good, "<addUser>", "<?php x?><addUser>", 1), "processing instruction"},
		{"not XML", "INVITE sip:x SIP/2.0", "body"},
		{"unclosed", good[:len(good)-20], "body"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r, err := ParseRequest([]byte(tc.body))
			if !errors.Is(err, ErrMalformed) || r != nil {
				t.Fatalf("ParseRequest = %+v, %v; want ErrMalformed", r, err)
			}
			if !strings.Contains(err.Error(), tc.says) {
				t.Errorf("error %q does not say %q", err, tc.says)
			}
		})
	}
	for _, tc := range []struct{ name, body, says string }{
		{"no code", `<response xmlns="urn:ietf:params:xml:ns:cccp" to="a" from="b" requestId="1"><addUser/></response>`, "code"},
		{"bad code", `<response xmlns="urn:ietf:params:xml:ns:cccp" to="a" from="b" requestId="1" code="ok"><addUser/></response>`, "code"},
		{"entry without uri", `<response xmlns="urn:ietf:params:xml:ns:cccp" xmlns:ci="urn:ietf:params:xml:ns:conference-info" to="a" from="b" requestId="1" code="success"><addUser><ci:conference-info entity="x"><ci:conference-description><ci:conf-uris><ci:entry><ci:purpose>chat</ci:purpose></ci:entry></ci:conf-uris></ci:conference-description></ci:conference-info></addUser></response>`, "<uri>"},
		{"request as response", string(readFile(t, "adduser.xml")), "want <response>"},
	} {
		t.Run("response "+tc.name, func(t *testing.T) {
			r, err := ParseResponse([]byte(tc.body))
			if !errors.Is(err, ErrMalformed) || r != nil || !strings.Contains(err.Error(), tc.says) {
				t.Fatalf("ParseResponse = %+v, %v; want ErrMalformed saying %q", r, err, tc.says)
			}
		})
	}
}

func TestMarshalRefuses(t *testing.T) {
	ok := func() *Request {
		return &Request{To: focus, From: "sip:rmx1@fabrikam.com", RequestID: "1",
			AddUser: &AddUser{ConfEntity: focus, User: User{Entity: "sip:rmx1@fabrikam.com", Roles: []string{"attendee"}}}}
	}
	if _, err := ok().Marshal(); err != nil {
		t.Fatal(err)
	}
	for name, mutate := range map[string]func(*Request){
		"no command":        func(r *Request) { r.AddUser = nil },
		"two commands":      func(r *Request) { r.GetConference = &GetConference{ConfEntity: focus} },
		"no to":             func(r *Request) { r.To = "" },
		"bad requestId":     func(r *Request) { r.RequestID = "-1" },
		"control character": func(r *Request) { r.From = "sip:a\x01@b" },
		"invalid UTF-8":     func(r *Request) { r.AddUser.User.Entity = "sip:\xff@b" },
		"padded role":       func(r *Request) { r.AddUser.User.Roles = []string{" attendee"} },
		"two keys": func(r *Request) {
			r.AddUser, r.GetConference = nil, &GetConference{ConfEntity: focus, DialInID: "4411223"}
		},
	} {
		r := ok()
		mutate(r)
		if b, err := r.Marshal(); err == nil {
			t.Errorf("%s: Marshal = %s; want an error", name, b)
		}
	}
	// Values with markup characters are escaped, not refused.
	r := ok()
	r.From = `sip:a&b"<c>'@d`
	b, err := r.Marshal()
	if err != nil {
		t.Fatal(err)
	}
	if back, err := ParseRequest(b); err != nil || back.From != r.From {
		t.Errorf("escaped From came back as %+v, %v", back, err)
	}
}

func FuzzParseRequest(f *testing.F) {
	for _, name := range []string{"adduser.xml", "getconference-confpro.xml", "getconference-confbas.xml"} {
		f.Add(readFile(f, name))
	}
	f.Add([]byte(`<request xmlns="urn:ietf:params:xml:ns:cccp" xmlns:mscp="` + NamespaceMSCP + `" to="a" from="b" requestId="9"><getConference><conferenceKeys mscp:dial-in-id="4411223"/></getConference></request>`))
	f.Add([]byte(`<request xmlns="urn:ietf:params:xml:ns:cccp" to="a" from="b" requestId="7"><deleteUser/></request>`))
	f.Add([]byte(`<!DOCTYPE x [<!ENTITY a "&#38;#60;">]><request/>`))
	f.Fuzz(func(t *testing.T, b []byte) {
		r, err := ParseRequest(b)
		if err != nil {
			var u *UnsupportedCommandError
			switch {
			case errors.As(err, &u):
				if r == nil || r.Command() != "" || r.RequestID == "" {
					t.Fatalf("unsupported command %q without the request's addressing: %+v", u.Command, r)
				}
			case !errors.Is(err, ErrMalformed) || r != nil:
				t.Fatalf("ParseRequest error %v (request %+v) neither ErrMalformed nor unsupported", err, r)
			}
			return
		}
		out, err := r.Marshal()
		if err != nil {
			t.Fatalf("ParseRequest accepted %+v, which Marshal refuses: %v", r, err)
		}
		back, err := ParseRequest(out)
		if err != nil {
			t.Fatalf("ParseRequest(Marshal()) = %v\n%s", err, out)
		}
		if d := cmp.Diff(r, back); d != "" {
			t.Fatalf("round trip changed the request (-first +second):\n%s", d)
		}
	})
}

func FuzzParseResponse(f *testing.F) {
	f.Add(readFile(f, "adduser-response.xml"))
	f.Add([]byte(`<response xmlns="urn:ietf:params:xml:ns:cccp" to="a" from="b" requestId="42" code="failure" reason="x"><getConference/></response>`))
	f.Add([]byte(`<response xmlns="urn:ietf:params:xml:ns:cccp" xmlns:ci="urn:ietf:params:xml:ns:conference-info" to="a" from="b" requestId="1" code="success"><getConference><ci:conference-info entity=""/></getConference></response>`))
	f.Fuzz(func(t *testing.T, b []byte) {
		r, err := ParseResponse(b)
		if err != nil {
			if !errors.Is(err, ErrMalformed) || r != nil {
				t.Fatalf("ParseResponse error %v (response %+v) is not ErrMalformed", err, r)
			}
			return
		}
		out, err := r.Marshal()
		if err != nil {
			t.Fatalf("ParseResponse accepted %+v, which Marshal refuses: %v", r, err)
		}
		back, err := ParseResponse(out)
		if err != nil {
			t.Fatalf("ParseResponse(Marshal()) = %v\n%s", err, out)
		}
		if d := cmp.Diff(r, back); d != "" {
			t.Fatalf("round trip changed the response (-first +second):\n%s", d)
		}
	})
}

// An addUser answer as Lync's focus gives it (no conference-info) still
// names the focus through the echoed conferenceKeys.
func TestResponseFocusFromKeys(t *testing.T) {
	body := `<response xmlns="urn:ietf:params:xml:ns:cccp" xmlns:ci="urn:ietf:params:xml:ns:conference-info" C3PVersion="1" to="sip:rmx1@fabrikam.com" from="` + focus + `" requestId="1" code="success">` +
		`<addUser><conferenceKeys confEntity="` + focus + `"/><ci:user entity="sip:rmx1@fabrikam.com"/></addUser></response>`
	r, err := ParseResponse([]byte(body))
	if err != nil {
		t.Fatal(err)
	}
	if r.FocusURI != focus || len(r.MCUs) != 0 {
		t.Errorf("FocusURI = %q, MCUs = %v", r.FocusURI, r.MCUs)
	}
	dup := strings.Replace(body, "<ci:user", `<conferenceKeys confEntity="x"/><ci:user`, 1)
	if _, err := ParseResponse([]byte(dup)); !errors.Is(err, ErrMalformed) {
		t.Errorf("two conferenceKeys: %v; want ErrMalformed", err)
	}
}

func TestRespond(t *testing.T) {
	req, err := ParseRequest(readFile(t, "adduser.xml"))
	if err != nil {
		t.Fatal(err)
	}
	u, err := lync.ParseConferenceURI(req.AddUser.ConfEntity)
	if err != nil {
		t.Fatal(err)
	}
	resp := req.Respond(CodeSuccess, "")
	resp.FocusURI, resp.MCUs = u.String(), MCUEntries(u, lync.MCUAudioVideo, lync.MCUChat)
	want := &Response{To: "sip:rmx1@fabrikam.com", From: focus, RequestID: "1", Code: CodeSuccess, Command: CommandAddUser, FocusURI: focus,
		MCUs: []MCUEntry{{"audio-video", "sip:Alice@fabrikam.com;gruu;opaque=app:conf:audio-video:id:5D3747C"},
			{"chat", "sip:Alice@fabrikam.com;gruu;opaque=app:conf:chat:id:5D3747C"}}}
	if d := cmp.Diff(want, resp); d != "" {
		t.Errorf("Respond (-want +got):\n%s", d)
	}
	b, err := resp.Marshal()
	if err != nil {
		t.Fatal(err)
	}
	back, err := ParseResponse(b)
	if err != nil {
		t.Fatal(err)
	}
	if av, err := back.MCUURI(lync.MCUAudioVideo); err != nil || !av.Equal(u.MCU(lync.MCUAudioVideo)) {
		t.Errorf("AV MCU from the answer = %v, %v", av, err)
	}
}

func TestAddUserFocus(t *testing.T) {
	for _, tc := range []struct {
		entity string
		ok     bool
	}{
		{focus, true},
		{"sip:Alice@fabrikam.com;gruu;opaque=app:conf:audio-video:id:5D3747C", false},
		{"sip:alice@fabrikam.com;gruu;opaque=app:conf:focusfactory", false},
		{"sip:alice@fabrikam.com", false},
	} {
		u, err := (&AddUser{ConfEntity: tc.entity}).Focus()
		if tc.ok != (err == nil) || !tc.ok && !errors.Is(err, lync.ErrInvalidConferenceURI) {
			t.Errorf("Focus(%q) = %v, %v; want ok=%v or ErrInvalidConferenceURI", tc.entity, u, err, tc.ok)
		}
		if tc.ok && u.String() != tc.entity {
			t.Errorf("Focus(%q) = %v", tc.entity, u)
		}
	}
}
