package lync_test

import (
	"errors"
	"fmt"

	"github.com/rppkit/rppkit/lync"
)

// An admin pastes the Service GRUU that Get-CsTrustedApplication printed;
// rppkit gives back the two forms the RMX and the DMA want.
func ExampleParseGRUU() {
	g, err := lync.ParseGRUU("sip:rpp.contoso.com@contoso.com;gruu;opaque=srvr:video:Tggd9yw0FFyNjnRqleNLwQAA")
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println("RMX SIP_CONTACT_OVERRIDE_STR:", g.WithoutScheme())
	fmt.Println("DMA ServiceGruu:             ", g.String())
	fmt.Println("pool:", g.Pool(), "application:", g.ApplicationID())

	// A value that lost its gruu parameter is not a service GRUU.
	_, err = lync.ParseGRUU("sip:rpp.contoso.com@contoso.com;opaque=srvr:video:Tggd9yw0FFyNjnRqleNLwQAA")
	fmt.Println(errors.Is(err, lync.ErrMalformedGRUU), err)
	// Output:
	// RMX SIP_CONTACT_OVERRIDE_STR: rpp.contoso.com@contoso.com;gruu;opaque=srvr:video:Tggd9yw0FFyNjnRqleNLwQAA
	// DMA ServiceGruu:              sip:rpp.contoso.com@contoso.com;gruu;opaque=srvr:video:Tggd9yw0FFyNjnRqleNLwQAA
	// pool: rpp.contoso.com application: video
	// true service GRUU "sip:rpp.contoso.com@contoso.com;opaque=srvr:video:Tggd9yw0FFyNjnRqleNLwQAA": gruu: missing the gruu parameter (…;gruu;opaque=srvr:APPID:TOKEN)
}
