package lync

import (
	"errors"
	"testing"
)

func TestParseConferenceURIExample(t *testing.T) {
	// MS-CONFBAS §4.4.7's own focus URI.
	const in = "sip:Alice@fabrikam.com;gruu;opaque=app:conf:focus:id:5D3747C"
	u, err := ParseConferenceURI(in)
	if err != nil {
		t.Fatal(err)
	}
	if u.Organizer.String() != "sip:Alice@fabrikam.com" || u.Type != MCUFocus || u.ID != "5D3747C" {
		t.Errorf("ParseConferenceURI(%q) = %+v", in, u)
	}
	if got := u.String(); got != in {
		t.Errorf("String() = %q, want %q", got, in)
	}
	const av = "sip:Alice@fabrikam.com;gruu;opaque=app:conf:audio-video:id:5D3747C"
	if got := u.MCU(MCUAudioVideo).String(); got != av {
		t.Errorf("MCU(audio-video) = %q, want %q", got, av)
	}
	if _, err := ParseConferenceURI("sip:Alice@fabrikam.com;opaque=app:conf:focus:id:5D3747C"); !errors.Is(err, ErrInvalidConferenceURI) {
		t.Errorf("no gruu: err = %v, want ErrInvalidConferenceURI", err)
	}
}
