package lync

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"
)

// focusExample is MS-CONFBAS §4.4.7's focus URI.
const focusExample = "sip:Alice@fabrikam.com;gruu;opaque=app:conf:focus:id:5D3747C"

func TestParseConferenceURI(t *testing.T) {
	for _, tc := range []struct {
		in, user, domain string
		typ              MCUType
		id               ConferenceID
		out              string // String(); "" means in
	}{
		{focusExample, "Alice", "fabrikam.com", MCUFocus, "5D3747C", ""},
		{"sip:Alice@fabrikam.com;gruu;opaque=app:conf:audio-video:id:5D3747C", "Alice", "fabrikam.com", MCUAudioVideo, "5D3747C", ""},
		{"sip:bob@contoso.com;gruu;opaque=app:conf:chat:id:FGHJ1234", "bob", "contoso.com", MCUChat, "FGHJ1234", ""},
		{"sip:bob@contoso.com;gruu;opaque=app:conf:applicationsharing:id:FGHJ1234", "bob", "contoso.com", MCUApplicationSharing, "FGHJ1234", ""},
		// The 32-character ID of the OCS 2007 R2 Communicator Web Access docs (confUri element).
		{"sip:guest1@contoso.com;gruu;opaque=app:conf:focus:id:A0D4R2K66PIKGS3POYUSPOC238VJJIVI", "guest1", "contoso.com", MCUFocus, "A0D4R2K66PIKGS3POYUSPOC238VJJIVI", ""},
		// Parameters in either order, fixed words and scheme in any case: written back as Lync writes them.
		{"SIP:Alice@fabrikam.com;opaque=APP:CONF:FOCUS:ID:5D3747C;GRUU", "Alice", "fabrikam.com", MCUFocus, "5D3747C", focusExample},
	} {
		u, err := ParseConferenceURI(tc.in)
		if err != nil {
			t.Errorf("ParseConferenceURI(%q): %v", tc.in, err)
			continue
		}
		if u.Organizer.User() != tc.user || u.Organizer.Domain() != tc.domain || u.Type != tc.typ || u.ID != tc.id {
			t.Errorf("ParseConferenceURI(%q) = %+v", tc.in, u)
		}
		want := tc.out
		if want == "" {
			want = tc.in
		}
		if got := u.String(); got != want {
			t.Errorf("ParseConferenceURI(%q).String() = %q, want %q", tc.in, got, want)
		}
	}
}

func TestParseConferenceURIWrongShapes(t *testing.T) {
	for _, tc := range []struct {
		name, in string
		part     ConferencePart
		says     string
		badID    bool // the error also matches ErrInvalidConferenceID
	}{
		{"empty", "", ConfPartSyntax, "empty", false},
		{"no scheme", "Alice@fabrikam.com;gruu;opaque=app:conf:focus:id:5D3747C", ConfPartScheme, "missing", false},
		{"sips", "sips:Alice@fabrikam.com;gruu;opaque=app:conf:focus:id:5D3747C", ConfPartScheme, "not sips:", false},
		{"tel", "tel:+14255550100", ConfPartScheme, "tel:", false},
		{"no gruu", "sip:Alice@fabrikam.com;opaque=app:conf:focus:id:5D3747C", ConfPartGRUU, "missing", false},
		{"gruu with value", "sip:Alice@fabrikam.com;gruu=1;opaque=app:conf:focus:id:5D3747C", ConfPartGRUU, "no value", false},
		{"gruu twice", "sip:Alice@fabrikam.com;gruu;gruu;opaque=app:conf:focus:id:5D3747C", ConfPartGRUU, "twice", false},
		{"no opaque", "sip:Alice@fabrikam.com;gruu", ConfPartOpaque, "missing", false},
		{"service GRUU opaque", "sip:rpp.contoso.com@contoso.com;gruu;opaque=srvr:video:Tggd9yw0FFyNjnRqleNLwQAA", ConfPartOpaque, "service GRUU", false},
		{"user endpoint opaque", "sip:bob@fabrikam.com;opaque=user:epid:HT07tI-f3F-fdDyic8rblwAA;gruu", ConfPartOpaque, "app:conf:", false},
		{"focus factory", "sip:Alice@fabrikam.com;gruu;opaque=app:conf:focusfactory", ConfPartOpaque, "focus factory", false},
		{"no id", "sip:Alice@fabrikam.com;gruu;opaque=app:conf:focus", ConfPartOpaque, ":id:", false},
		{"id word missing", "sip:Alice@fabrikam.com;gruu;opaque=app:conf:focus:5D3747C", ConfPartOpaque, ":id:", false},
		{"unknown type", "sip:Alice@fabrikam.com;gruu;opaque=app:conf:meeting:id:5D3747C", ConfPartType, "meeting", false},
		{"empty id", "sip:Alice@fabrikam.com;gruu;opaque=app:conf:focus:id:", ConfPartID, "empty", true},
		{"id too long", "sip:Alice@fabrikam.com;gruu;opaque=app:conf:focus:id:" + strings.Repeat("A", 33), ConfPartID, "at most 32", true},
		{"id not alphanumeric", "sip:Alice@fabrikam.com;gruu;opaque=app:conf:focus:id:5D37-47C", ConfPartID, "'-'", true},
		{"port", "sip:Alice@fabrikam.com:5061;gruu;opaque=app:conf:focus:id:5D3747C", ConfPartOrganizer, "port", false},
		{"no user", "sip:fabrikam.com;gruu;opaque=app:conf:focus:id:5D3747C", ConfPartOrganizer, "user part", false},
		{"extra parameter", "sip:Alice@fabrikam.com;gruu;opaque=app:conf:focus:id:5D3747C;transport=tls", ConfPartParameters, "transport", false},
		{"empty parameter", "sip:Alice@fabrikam.com;gruu;;opaque=app:conf:focus:id:5D3747C", ConfPartParameters, "empty parameter", false},
		{"headers", "sip:Alice@fabrikam.com;gruu;opaque=app:conf:focus:id:5D3747C?subject=x", ConfPartParameters, "headers", false},
		{"angle brackets", "<" + focusExample + ">", ConfPartSyntax, "'<'", false},
		{"trailing space", focusExample + " ", ConfPartSyntax, "0x20", false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			u, err := ParseConferenceURI(tc.in)
			var ce *ConferenceURIError
			if !errors.As(err, &ce) || !errors.Is(err, ErrInvalidConferenceURI) {
				t.Fatalf("ParseConferenceURI(%q) = %+v, %v; want a *ConferenceURIError", tc.in, u, err)
			}
			if ce.Part != tc.part || ce.Value != tc.in || !strings.Contains(ce.Reason, tc.says) {
				t.Errorf("error %v: part %q, want %q saying %q", err, ce.Part, tc.part, tc.says)
			}
			if got := errors.Is(err, ErrInvalidConferenceID); got != tc.badID {
				t.Errorf("errors.Is(%v, ErrInvalidConferenceID) = %v, want %v", err, got, tc.badID)
			}
		})
	}
}

func TestConferenceURIDerive(t *testing.T) {
	alice, err := ParseSIPAddress("sip:Alice@fabrikam.com")
	if err != nil {
		t.Fatal(err)
	}
	focus := FocusURI(alice, "5D3747C")
	if focus.String() != focusExample {
		t.Errorf("FocusURI = %q, want %q", focus, focusExample)
	}
	av := focus.MCU(MCUAudioVideo)
	if got, want := av.String(), "sip:Alice@fabrikam.com;gruu;opaque=app:conf:audio-video:id:5D3747C"; got != want {
		t.Errorf("MCU(audio-video) = %q, want %q", got, want)
	}
	if !av.MCU(MCUFocus).Equal(focus) || av.Equal(focus) || !av.SameConference(focus) {
		t.Errorf("focus %v and its AV MCU %v: Equal/SameConference wrong", focus, av)
	}
	if focus.Type != MCUFocus {
		t.Errorf("MCU changed the receiver: %v", focus)
	}
}

func TestConferenceURIEqualAndKey(t *testing.T) {
	a, _ := ParseConferenceURI(focusExample)
	for _, tc := range []struct {
		in    string
		equal bool
	}{
		{"sip:alice@FABRIKAM.com;gruu;opaque=app:conf:focus:id:5D3747C", true}, // the organizer is case-insensitive, as SIPAddress
		{"sip:Alice@fabrikam.com;gruu;opaque=app:conf:focus:id:5d3747c", true}, // RFC 3261 §19.1.4: parameters compare without case
		{"sip:Alice@fabrikam.com;gruu;opaque=app:conf:focus:id:5D3747D", false},
		{"sip:Bob@fabrikam.com;gruu;opaque=app:conf:focus:id:5D3747C", false},
		{"sip:Alice@fabrikam.com;gruu;opaque=app:conf:chat:id:5D3747C", false},
	} {
		b, err := ParseConferenceURI(tc.in)
		if err != nil {
			t.Fatal(err)
		}
		if a.Equal(b) != tc.equal || (a.Key() == b.Key()) != tc.equal {
			t.Errorf("%v vs %v: Equal = %v, same Key = %v; want %v", a, b, a.Equal(b), a.Key() == b.Key(), tc.equal)
		}
	}
}

func TestConferenceURIText(t *testing.T) {
	type doc struct {
		Focus ConferenceURI `json:"focus"`
	}
	var d doc
	if err := json.Unmarshal([]byte(`{"focus":"`+focusExample+`"}`), &d); err != nil {
		t.Fatal(err)
	}
	if d.Focus.ID != "5D3747C" {
		t.Errorf("UnmarshalText: %+v", d.Focus)
	}
	out, err := json.Marshal(d)
	if err != nil || string(out) != `{"focus":"`+focusExample+`"}` {
		t.Errorf("MarshalText: %s, %v", out, err)
	}
	err = json.Unmarshal([]byte(`{"focus":"sip:Alice@fabrikam.com;gruu;opaque=app:conf:focusfactory"}`), &d)
	if !errors.Is(err, ErrInvalidConferenceURI) {
		t.Errorf("UnmarshalText of a focus factory URI = %v; want ErrInvalidConferenceURI", err)
	}
	var zero ConferenceURI
	if !zero.IsZero() || zero.String() != "" {
		t.Errorf("zero ConferenceURI: IsZero %v, String %q", zero.IsZero(), zero.String())
	}
}

func TestParseConferenceID(t *testing.T) {
	for _, ok := range []string{"5D3747C", "FGHJ1234", "a", strings.Repeat("Z9", 16)} {
		if id, err := ParseConferenceID(ok); err != nil || string(id) != ok {
			t.Errorf("ParseConferenceID(%q) = %q, %v", ok, id, err)
		}
	}
	for _, bad := range []string{"", strings.Repeat("A", 33), "5D37 47C", "5D3747C\n", "ÄBCDEFGH", "id:5D3747C"} {
		if id, err := ParseConferenceID(bad); !errors.Is(err, ErrInvalidConferenceID) || id != "" {
			t.Errorf("ParseConferenceID(%q) = %q, %v; want ErrInvalidConferenceID", bad, id, err)
		}
	}
	if !ConferenceID("FGHJ1234").Equal("fghj1234") || ConferenceID("FGHJ1234").Equal("FGHJ1235") {
		t.Error("ConferenceID.Equal does not fold case, or matches a different ID")
	}
}

func TestFocusFactoryURI(t *testing.T) {
	alice, _ := ParseSIPAddress("sip:alice@contoso.com")
	const ff = "sip:alice@contoso.com;gruu;opaque=app:conf:focusfactory" // MS-CONFPRO §4.5
	if got := FocusFactoryURI(alice); got != ff {
		t.Errorf("FocusFactoryURI = %q, want %q", got, ff)
	}
	if FocusFactoryURI(SIPAddress{}) != "" {
		t.Error("FocusFactoryURI of the zero address is not empty")
	}
	user, err := ParseFocusFactoryURI("sip:Alice@Contoso.com;opaque=app:conf:FocusFactory;gruu")
	if err != nil || !user.Equal(alice) {
		t.Errorf("ParseFocusFactoryURI = %v, %v", user, err)
	}
	for _, bad := range []struct {
		in   string
		part ConferencePart
	}{
		{focusExample, ConfPartOpaque},
		{"sip:alice@contoso.com;opaque=app:conf:focusfactory", ConfPartGRUU},
		{"sip:alice@contoso.com;gruu;opaque=srvr:video:abc", ConfPartOpaque},
		{"sips:alice@contoso.com;gruu;opaque=app:conf:focusfactory", ConfPartScheme},
	} {
		_, err := ParseFocusFactoryURI(bad.in)
		var ce *ConferenceURIError
		if !errors.As(err, &ce) || ce.Part != bad.part {
			t.Errorf("ParseFocusFactoryURI(%q) = %v; want a *ConferenceURIError about %s", bad.in, err, bad.part)
		}
	}
}

func TestParseDialInID(t *testing.T) {
	for _, ok := range []string{"4411", "4411223", "0012345", strings.Repeat("9", MaxDialInIDLen)} {
		if id, err := ParseDialInID(ok); err != nil || string(id) != ok {
			t.Errorf("ParseDialInID(%q) = %q, %v", ok, id, err)
		}
	}
	for _, bad := range []string{"", "441", strings.Repeat("9", MaxDialInIDLen+1), "44 11 223", "4411223#", "+4411223", "４４１１２２３", "FGHJ1234"} {
		if id, err := ParseDialInID(bad); !errors.Is(err, ErrInvalidDialInID) || id != "" {
			t.Errorf("ParseDialInID(%q) = %q, %v; want ErrInvalidDialInID", bad, id, err)
		}
	}
}

func FuzzParseConferenceURI(f *testing.F) {
	for _, s := range []string{
		focusExample,
		"sip:Alice@fabrikam.com;gruu;opaque=app:conf:audio-video:id:5D3747C",
		"SIP:Alice@fabrikam.com;opaque=APP:CONF:FOCUS:ID:5D3747C;GRUU",
		"sip:guest1@contoso.com;gruu;opaque=app:conf:focus:id:A0D4R2K66PIKGS3POYUSPOC238VJJIVI",
		"sip:alice@contoso.com;gruu;opaque=app:conf:focusfactory",
		"sip:rpp.contoso.com@contoso.com;gruu;opaque=srvr:video:Tggd9yw0FFyNjnRqleNLwQAA",
		"sip:a%41b@[::1];gruu;opaque=app:conf:chat:id:x", "sip:", ";;", "sip:a@b?c=d",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		u, err := ParseConferenceURI(s)
		if err != nil {
			var ce *ConferenceURIError
			if !errors.As(err, &ce) || ce.Value != s || ce.Part == "" || ce.Reason == "" {
				t.Fatalf("ParseConferenceURI(%q): error %v is not a complete *ConferenceURIError", s, err)
			}
			if _, ffErr := ParseFocusFactoryURI(s); ffErr == nil && ce.Part != ConfPartOpaque {
				t.Fatalf("%q is a focus factory URI but the conference parser blamed %s", s, ce.Part)
			}
			return
		}
		if !u.Type.Valid() || u.Organizer.IsZero() {
			t.Fatalf("ParseConferenceURI(%q) accepted an incomplete URI: %#v", s, u)
		}
		if _, err := ParseConferenceID(string(u.ID)); err != nil {
			t.Fatalf("ParseConferenceURI(%q) accepted ID %q: %v", s, u.ID, err)
		}
		v, err := ParseConferenceURI(u.String())
		if err != nil {
			t.Fatalf("ParseConferenceURI(%q) ok, but its String %q fails: %v", s, u.String(), err)
		}
		if v != u || !v.Equal(u) || v.String() != u.String() {
			t.Fatalf("round trip of %q through %q changed it: %#v vs %#v", s, u.String(), v, u)
		}
		for _, typ := range MCUTypes() {
			if w, err := ParseConferenceURI(u.MCU(typ).String()); err != nil || !w.SameConference(u) || w.Type != typ {
				t.Fatalf("MCU(%s) of %q does not parse back: %v, %v", typ, s, w, err)
			}
		}
	})
}

func TestIDText(t *testing.T) {
	var m struct {
		ID   ConferenceID `json:"id"`
		Dial DialInID     `json:"dial"`
	}
	if err := json.Unmarshal([]byte(`{"id":"FGHJ1234","dial":"4411223"}`), &m); err != nil || m.ID != "FGHJ1234" || m.Dial != "4411223" {
		t.Errorf("Unmarshal = %+v, %v", m, err)
	}
	if err := json.Unmarshal([]byte(`{"id":"FGHJ-1234"}`), &m); !errors.Is(err, ErrInvalidConferenceID) {
		t.Errorf("Unmarshal of a bad conference ID = %v; want ErrInvalidConferenceID", err)
	}
	if err := json.Unmarshal([]byte(`{"dial":"44 11"}`), &m); !errors.Is(err, ErrInvalidDialInID) {
		t.Errorf("Unmarshal of a bad dial-in ID = %v; want ErrInvalidDialInID", err)
	}
	out, err := json.Marshal(struct {
		ID   ConferenceID
		Dial DialInID
	}{"FGHJ1234", "0012345"})
	if err != nil || string(out) != `{"ID":"FGHJ1234","Dial":"0012345"}` {
		t.Errorf("Marshal = %s, %v", out, err)
	}
}
