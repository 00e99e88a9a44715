package mras

import (
	"errors"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// A request as Lync clients write it (MS-AVEDGEA §4; pidgin-sipe's form).
const clientRequest = `<request requestID="43178" from="sip:rpp@contoso.com" version="1.0" to="sip:edge.contoso.com@contoso.com;gruu;opaque=srvr:MRAS:k9JWeflVVl6GdopUWZcgWwAA" xmlns="http://schemas.microsoft.com/2006/09/sip/mrasp" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"><credentialsRequest credentialsRequestID="43178"><identity>sip:rpp@contoso.com</identity><location>internet</location><duration>480</duration></credentialsRequest></request>`

func TestParseClientRequest(t *testing.T) {
	r, err := ParseRequest([]byte(clientRequest))
	if err != nil {
		t.Fatal(err)
	}
	want := Request{
		RequestID: "43178", Version: "1.0", From: "sip:rpp@contoso.com",
		To:          "sip:edge.contoso.com@contoso.com;gruu;opaque=srvr:MRAS:k9JWeflVVl6GdopUWZcgWwAA",
		Credentials: []CredentialsRequest{{ID: "43178", Identity: "sip:rpp@contoso.com", Location: Internet, Duration: 480}},
	}
	if diff := cmp.Diff(want, *r, cmp.FilterPath(func(p cmp.Path) bool { return p.Last().String() == ".XMLName" }, cmp.Ignore())); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
}

func TestRoundTrip(t *testing.T) {
	resp := &Response{
		RequestID: "1", Version: "2.0", ServerVersion: "2.0", To: "sip:mras", From: "sip:rpp@contoso.com", ReasonPhrase: OK,
		Credentials: []CredentialsResponse{{
			ID:          "1",
			Credentials: &Credentials{Username: "AgAAJL+X", Password: "vQ8cGx2Z", Duration: 480, Realm: "contoso.com"},
			Relays: []MediaRelay{
				{Location: Internet, HostName: "edge.contoso.com", UDPPort: 3478, TCPPort: 443},
				{Location: Intranet, DirectIPAddress: "192.0.2.10", UDPPort: 3478},
			},
		}},
	}
	body, err := resp.Marshal()
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range []string{`<response xmlns="` + Namespace + `"`, `reasonPhrase="OK"`, `<mediaRelayList><mediaRelay><location>internet</location><hostName>edge.contoso.com</hostName><udpPort>3478</udpPort><tcpPort>443</tcpPort>`} {
		if !strings.Contains(string(body), s) {
			t.Errorf("encoding lacks %s:\n%s", s, body)
		}
	}
	back, err := ParseResponse(body)
	if err != nil {
		t.Fatal(err)
	}
	back.XMLName = resp.XMLName
	if diff := cmp.Diff(resp, back); diff != "" {
		t.Errorf("round trip (-want +got):\n%s", diff)
	}
	if got := back.Credentials[0].Relays[0].Address(); got != "edge.contoso.com:3478" {
		t.Errorf("Address = %q", got)
	}
	if got := (MediaRelay{DirectIPAddress: "2001:db8::1", TCPPort: 443}).Address(); got != "[2001:db8::1]:443" {
		t.Errorf("IPv6 Address = %q", got)
	}
	req := &Request{RequestID: "7", Version: "1.0", To: "sip:mras", From: "sip:a@b", Credentials: []CredentialsRequest{{ID: "7", Identity: "sip:a@b"}}}
	body, _ = req.Marshal()
	if _, err := ParseRequest(body); err != nil {
		t.Errorf("request round trip: %v\n%s", err, body)
	}
}

func TestParseRejects(t *testing.T) {
	for _, tc := range []struct {
		name, body, says string
		response         bool
	}{
		{"not XML", "hello", "no <request> element", false},
		{"broken XML", `<request xmlns="` + Namespace + `" requestID="1"`, "unexpected EOF", false},
		{"wrong namespace", `<request xmlns="urn:other" requestID="1"/>`, `in namespace "urn:other"`, false},
		{"wrong root", `<response xmlns="` + Namespace + `"/>`, "root element is <response>", false},
		{"no requestID", strings.Replace(clientRequest, `requestID="43178" `, "", 1), "no requestID", false},
		{"long requestID", strings.Replace(clientRequest, `requestID="43178"`, `requestID="`+strings.Repeat("9", 65)+`"`, 1), "at most 64", false},
		{"bad version", strings.Replace(clientRequest, `version="1.0"`, `version="3.0"`, 1), `version "3.0"`, false},
		{"no to", strings.Replace(clientRequest, ` to="sip:edge.contoso.com@contoso.com;gruu;opaque=srvr:MRAS:k9JWeflVVl6GdopUWZcgWwAA"`, "", 1), "no to attribute", false},
		{"no credentials request", `<request xmlns="` + Namespace + `" requestID="1" version="1.0" to="a" from="b"></request>`, "no credentialsRequest", false},
		{"no identity", strings.Replace(clientRequest, "<identity>sip:rpp@contoso.com</identity>", "", 1), "has no identity", false},
		{"bad location", strings.Replace(clientRequest, "internet</location>", "mars</location>", 1), `location "mars"`, false},
		{"bad route", strings.Replace(clientRequest, `version="1.0"`, `version="1.0" route="scenic"`, 1), `route "scenic"`, false},
		{"too many", `<request xmlns="` + Namespace + `" requestID="1" version="1.0" to="a" from="b">` + strings.Repeat(`<credentialsRequest credentialsRequestID="1"><identity>x</identity></credentialsRequest>`, 101) + `</request>`, "101 credentialsRequest", false},
		{"too large", `<request xmlns="` + Namespace + `">` + strings.Repeat(" ", MaxBodySize) + `</request>`, "larger than", false},
		{"no reason phrase", `<response xmlns="` + Namespace + `" requestID="1"/>`, "no reasonPhrase", true},
		{"unknown reason phrase", `<response xmlns="` + Namespace + `" requestID="1" reasonPhrase="Nope"/>`, `reasonPhrase "Nope"`, true},
		{"relay without host", `<response xmlns="` + Namespace + `" requestID="1" reasonPhrase="OK"><credentialsResponse credentialsRequestID="1"><mediaRelayList><mediaRelay><location>internet</location><udpPort>3478</udpPort></mediaRelay></mediaRelayList></credentialsResponse></response>`, "exactly one of hostName", true},
		{"credentials without password", `<response xmlns="` + Namespace + `" requestID="1" reasonPhrase="OK"><credentialsResponse credentialsRequestID="1"><credentials><username>u</username><duration>480</duration></credentials></credentialsResponse></response>`, "need a username, a password", true},
	} {
		var err error
		if tc.response {
			_, err = ParseResponse([]byte(tc.body))
		} else {
			_, err = ParseRequest([]byte(tc.body))
		}
		if !errors.Is(err, ErrMalformed) || !strings.Contains(err.Error(), tc.says) {
			t.Errorf("%s: %v; want ErrMalformed saying %q", tc.name, err, tc.says)
		}
	}
}

func TestReasonPhrasesAreTheSpecifications(t *testing.T) {
	want := "OK|Request Malformed|Request Too Large|Not Supported|Server Busy|Time Out|Forbidden|Internal Server Error|Other Failure|Version Mismatch"
	var got []string
	for _, p := range ReasonPhrases() {
		got = append(got, string(p))
	}
	if strings.Join(got, "|") != want {
		t.Errorf("reason phrases %q", got)
	}
}

func FuzzParse(f *testing.F) {
	f.Add([]byte(clientRequest))
	ok := &Response{RequestID: "1", Version: "1.0", ReasonPhrase: Forbidden}
	b, _ := ok.Marshal()
	f.Add(b)
	f.Add([]byte(`<request xmlns="` + Namespace + `"><credentialsRequest/></request>`))
	f.Fuzz(func(t *testing.T, body []byte) {
		for _, parse := range []func([]byte) (interface{ Marshal() ([]byte, error) }, error){
			func(b []byte) (interface{ Marshal() ([]byte, error) }, error) { return ParseRequest(b) },
			func(b []byte) (interface{ Marshal() ([]byte, error) }, error) { return ParseResponse(b) },
		} {
			v, err := parse(body)
			if err != nil {
				if !errors.Is(err, ErrMalformed) {
					t.Fatalf("error %v does not wrap ErrMalformed", err)
				}
				continue
			}
			// What parses re-encodes and parses again.
			out, err := v.Marshal()
			if err != nil {
				t.Fatalf("Marshal: %v", err)
			}
			if _, err := parse(out); err != nil {
				t.Fatalf("re-parse of %q: %v", out, err)
			}
		}
	})
}
