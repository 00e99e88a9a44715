package lync_test

import (
	"errors"
	"fmt"

	"github.com/rppkit/rppkit/lync"
)

// The RMX joins a meeting at its focus, then sends its media INVITE to the
// meeting's AV MCU, whose URI differs from the focus URI only in the type.
func ExampleParseConferenceURI() {
	focus, err := lync.ParseConferenceURI("sip:Alice@fabrikam.com;gruu;opaque=app:conf:focus:id:5D3747C")
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println("organizer:", focus.Organizer, "conference:", focus.ID)
	fmt.Println("AV MCU:", focus.MCU(lync.MCUAudioVideo))
	fmt.Println("focus factory:", lync.FocusFactoryURI(focus.Organizer))

	// The focus factory is not a conference.
	_, err = lync.ParseConferenceURI("sip:Alice@fabrikam.com;gruu;opaque=app:conf:focusfactory")
	var ce *lync.ConferenceURIError
	fmt.Println(errors.As(err, &ce), ce.Part)
	// Output:
	// organizer: sip:Alice@fabrikam.com conference: 5D3747C
	// AV MCU: sip:Alice@fabrikam.com;gruu;opaque=app:conf:audio-video:id:5D3747C
	// focus factory: sip:Alice@fabrikam.com;gruu;opaque=app:conf:focusfactory
	// true opaque
}
