package mras

import (
	"bytes"
	"encoding/xml"
	"reflect"
	"testing"
)

// viaEncodingXML is what encoding/xml writes for r: what appendResponse
// must write too.
func viaEncodingXML(t testing.TB, r *Response) []byte {
	t.Helper()
	var b bytes.Buffer
	b.WriteString(xml.Header)
	if err := xml.NewEncoder(&b).Encode(r); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func sampleResponses() []*Response {
	full := &Response{RequestID: "7f3a", Version: "2.0", ServerVersion: "2.0",
		To: "sip:edge-east.contoso.com@contoso.com;gruu;opaque=srvr:MRAS:k9JWeflVVl6GdopUWZcgWwAA", From: "sip:rpp-east@contoso.com",
		ReasonPhrase: OK, Credentials: []CredentialsResponse{{ID: "7f3a",
			Credentials: &Credentials{Username: "AgAAJE0ZEI0B0j+1s2X2x", Password: "5Xk+/w==", Duration: 480, Realm: "contoso.com"},
			Relays: []MediaRelay{{Location: Internet, HostName: "127.0.0.1", UDPPort: 3478, TCPPort: 443},
				{Location: Intranet, DirectIPAddress: "10.0.0.1", UDPPort: 3478}}}}}
	return []*Response{
		full,
		{RequestID: "0", ReasonPhrase: RequestMalformed},
		{RequestID: `a"b'c&d<e>f`, Version: "1.0", To: "x\ty\nz\r", From: "é ü \x01", ReasonPhrase: Forbidden},
		{RequestID: "1", ReasonPhrase: OK, Credentials: []CredentialsResponse{{ID: "1"}, {ID: "2", Credentials: &Credentials{Username: "u", Password: "p", Duration: -3}}}},
	}
}

// TestResponseMarshalMatchesEncodingXML checks that Response.Marshal
// writes the very bytes encoding/xml writes.
func TestResponseMarshalMatchesEncodingXML(t *testing.T) {
	for _, r := range sampleResponses() {
		got, err := r.Marshal()
		if err != nil {
			t.Fatal(err)
		}
		if want := viaEncodingXML(t, r); !bytes.Equal(got, want) {
			t.Errorf("Marshal\n%s\nencoding/xml\n%s", got, want)
		}
	}
}

// FuzzResponseMarshal checks Response.Marshal against encoding/xml for
// any text in the fields.
func FuzzResponseMarshal(f *testing.F) {
	for _, r := range sampleResponses() {
		f.Add(r.RequestID, r.To, r.From, string(r.ReasonPhrase), "user+/=", "contoso.com", 480, 3478)
	}
	f.Fuzz(func(t *testing.T, id, to, from, phrase, user, host string, duration, port int) {
		r := &Response{RequestID: id, Version: "2.0", To: to, From: from, ReasonPhrase: ReasonPhrase(phrase),
			Credentials: []CredentialsResponse{{ID: id, Credentials: &Credentials{Username: user, Password: user, Duration: duration, Realm: host},
				Relays: []MediaRelay{{Location: Location(host), HostName: host, UDPPort: port, TCPPort: -port}}}}}
		var want bytes.Buffer
		want.WriteString(xml.Header)
		if err := xml.NewEncoder(&want).Encode(r); err != nil {
			return // encoding/xml refuses it (invalid UTF-8 is escaped, not refused; nothing else should be)
		}
		got, _ := r.Marshal()
		if !bytes.Equal(got, want.Bytes()) {
			t.Errorf("Marshal\n%q\nencoding/xml\n%q", got, want.Bytes())
		}
	})
}

// slowParseRequest is ParseRequest without the fast path.
func slowParseRequest(body []byte) (*Request, error) {
	var r Request
	if err := decode(body, "request", &r); err != nil {
		return nil, err
	}
	return &r, r.Validate()
}

// FuzzParseRequestFast checks that wherever the fast path answers, it
// answers as encoding/xml does.
func FuzzParseRequestFast(f *testing.F) {
	for _, r := range []*Request{
		{RequestID: "1", Version: "2.0", To: "sip:edge@contoso.com;gruu;opaque=srvr:MRAS:x", From: "sip:rpp-east@contoso.com",
			Credentials: []CredentialsRequest{{ID: "1", Identity: "sip:rpp-east@contoso.com", Location: Internet, Duration: 480}}},
		{RequestID: "a b", Version: "1.0", Route: "loadbalanced", Credentials: []CredentialsRequest{{ID: "1"}, {ID: "2", Identity: "x"}}},
	} {
		b, _ := r.Marshal()
		f.Add(b)
	}
	f.Add([]byte(`<request xmlns='http://schemas.microsoft.com/2006/09/sip/mrasp' requestID='1' version='2.0' to='t' from='f'>
  <credentialsRequest credentialsRequestID="1"><identity>sip:a@b</identity><duration>-4</duration></credentialsRequest></request>`))
	f.Add([]byte(`<request xmlns="http://schemas.microsoft.com/2006/09/sip/mrasp" requestID="1"/>`))
	f.Fuzz(func(t *testing.T, body []byte) {
		r, ok := parseRequestFast(body)
		if !ok {
			return
		}
		want, err := slowParseRequest(body)
		if want == nil {
			t.Fatalf("the fast path decoded %q; encoding/xml refuses it: %v", body, err)
		}
		if !reflect.DeepEqual(&r, want) {
			t.Fatalf("fast %+v\nslow %+v\nfor %q", r, *want, body)
		}
	})
}
