package c3p_test

import (
	"errors"
	"fmt"

	"github.com/rppkit/rppkit/lync"
	"github.com/rppkit/rppkit/lync/c3p"
)

// The RMX joins a meeting: it INVITEs the focus with an addUser body, and
// learns the AV MCU's URI from the answer.
func Example() {
	const focus = "sip:Alice@fabrikam.com;gruu;opaque=app:conf:focus:id:5D3747C"
	req := &c3p.Request{To: focus, From: "sip:rmx1@fabrikam.com", RequestID: "1",
		AddUser: &c3p.AddUser{ConfEntity: focus, User: c3p.User{
			Entity: "sip:rmx1@fabrikam.com", Roles: []string{"attendee"}, EndpointEntity: "{8C2C9B0A-4D0B-4F5E-9C61-0B3E2A7D5F11}"}}}
	body, err := req.Marshal()
	if err != nil {
		fmt.Println(err)
		return
	}

	// The focus side.
	got, err := c3p.ParseRequest(body)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(got.Command(), "from", got.AddUser.User.Entity, "as", got.AddUser.User.Roles)
	answer, _ := (&c3p.Response{To: got.From, From: got.To, RequestID: got.RequestID, Code: c3p.CodeSuccess,
		Command: got.Command(), FocusURI: focus, MCUs: []c3p.MCUEntry{
			{Purpose: "audio-video", URI: "sip:Alice@fabrikam.com;gruu;opaque=app:conf:audio-video:id:5D3747C"}}}).Marshal()

	// Back at the RMX.
	resp, err := c3p.ParseResponse(answer)
	if err != nil {
		fmt.Println(err)
		return
	}
	av, err := resp.MCUURI(lync.MCUAudioVideo)
	fmt.Println(resp.Code, av, err)

	// A command this package does not implement is not malformed: the focus
	// answers it as unsupported (ms-diagnostics 3004).
	_, err = c3p.ParseRequest([]byte(`<request xmlns="urn:ietf:params:xml:ns:cccp" to="x" from="y" requestId="2"><deleteConference/></request>`))
	fmt.Println(errors.Is(err, c3p.ErrUnsupportedCommand), errors.Is(err, c3p.ErrMalformed))
	// Output:
	// addUser from sip:rmx1@fabrikam.com as [attendee]
	// success sip:Alice@fabrikam.com;gruu;opaque=app:conf:audio-video:id:5D3747C <nil>
	// true false
}
