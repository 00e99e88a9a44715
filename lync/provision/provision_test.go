package provision

import (
	"errors"
	"strings"
	"testing"
)

func TestRoundTrip(t *testing.T) {
	req := NewRequest(ServerConfiguration, "meetingPolicy")
	b, err := req.Marshal()
	if err != nil || !strings.Contains(string(b), `<provisioningGroupList xmlns="`+RequestNamespace+`"><provisioningGroup name="ServerConfiguration">`) {
		t.Fatalf("request %s, %v", b, err)
	}
	back, err := ParseRequest(b)
	if err != nil || !back.Wants(ServerConfiguration) || back.Wants("x") {
		t.Fatalf("ParseRequest: %+v, %v", back, err)
	}
	n := &Notification{Groups: []Group{{Name: ServerConfiguration, MRASURI: "sip:edge.contoso.com@contoso.com;gruu;opaque=srvr:MRAS:k9JWeflVVl6GdopUWZcgWwAA"}}}
	b, _ = n.Marshal()
	if !strings.Contains(string(b), `<provisionGroupList xmlns="`+NotificationNamespace+`"><provisionGroup name="ServerConfiguration"><mrasUri>`) {
		t.Errorf("notification %s", b)
	}
	got, err := ParseNotification(b)
	if err != nil {
		t.Fatal(err)
	}
	if g, ok := got.ServerConfiguration(); !ok || g.MRASURI != n.Groups[0].MRASURI {
		t.Errorf("ServerConfiguration = %+v", g)
	}
	if _, err := ParseRequest([]byte("<provisioningGroupList xmlns=\"" + RequestNamespace + "\"/>")); !errors.Is(err, ErrMalformed) {
		t.Errorf("empty request: %v", err)
	}
	if _, err := ParseNotification([]byte("<x/>")); !errors.Is(err, ErrMalformed) {
		t.Errorf("wrong root: %v", err)
	}
}

func FuzzParse(f *testing.F) {
	b, _ := NewRequest(ServerConfiguration).Marshal()
	f.Add(b)
	b, _ = (&Notification{Groups: []Group{{Name: ServerConfiguration, MRASURI: "sip:x"}}}).Marshal()
	f.Add(b)
	f.Fuzz(func(t *testing.T, body []byte) {
		if r, err := ParseRequest(body); err == nil {
			out, _ := r.Marshal()
			if _, err := ParseRequest(out); err != nil {
				t.Fatalf("request does not round-trip: %v", err)
			}
		} else if !errors.Is(err, ErrMalformed) {
			t.Fatal(err)
		}
		if n, err := ParseNotification(body); err == nil {
			out, _ := n.Marshal()
			if _, err := ParseNotification(out); err != nil {
				t.Fatalf("notification does not round-trip: %v", err)
			}
		} else if !errors.Is(err, ErrMalformed) {
			t.Fatal(err)
		}
	})
}
