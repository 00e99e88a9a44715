package lynctest_test

import (
	"context"
	"fmt"

	"github.com/rppkit/rppkit/examples"
	"github.com/rppkit/rppkit/lync"
	"github.com/rppkit/rppkit/lync/lynctest"
	"github.com/rppkit/rppkit/rpp"
)

// Schedule a meeting for a Lync user: RealConnect callers dial its dial-in
// ID, the DMA resolves it through the focus factory, and the RMX joins its
// focus and cascades into its AV MCU; Roster shows who did.
func ExampleServer_CreateMeeting() {
	d, err := rpp.LoadFS(context.Background(), examples.FS, "two-site.yaml")
	if err != nil {
		fmt.Println(err)
		return
	}
	s, err := lynctest.NewServer(context.Background(), &d.Lync)
	if err != nil {
		fmt.Println(err)
		return
	}
	defer s.Close()
	alice, _ := lync.ParseSIPAddress("sip:alice@contoso.com")
	m, err := s.CreateMeeting(alice, lynctest.WithConferenceID("F3BMJQ1T"), lynctest.WithDialInID("4411223"))
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println("focus: ", m.Focus)
	fmt.Println("AV MCU:", m.AVMCU)
	fmt.Println("dial-in", m.DialInID, "encryption", m.Encryption, "participants", len(m.Roster()))
	fmt.Println("focus factory:", lync.FocusFactoryURI(alice))
	// Lync users only organize meetings.
	endpoint, _ := lync.ParseSIPAddress("sip:rpp-east@contoso.com")
	_, err = s.CreateMeeting(endpoint)
	fmt.Println(err)
	// Output:
	// focus:  sip:alice@contoso.com;gruu;opaque=app:conf:focus:id:F3BMJQ1T
	// AV MCU: sip:alice@contoso.com;gruu;opaque=app:conf:audio-video:id:F3BMJQ1T
	// dial-in 4411223 encryption RequireEncryption participants 0
	// focus factory: sip:alice@contoso.com;gruu;opaque=app:conf:focusfactory
	// lynctest: the organizer is not a Lync user of the topology: sip:rpp-east@contoso.com
}
