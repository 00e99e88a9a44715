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

// The certificate of an Edge pool's internal interface, as Microsoft plans
// it (the pool FQDN as subject name, no SAN), names the pool; one requested
// for a single Edge Server does not, and the Front Ends refuse it.
func ExampleCertificate_VerifyName() {
	edge := lync.EdgePool{FQDN: "edge.contoso.com", Certificate: &lync.Certificate{Subject: "edge.contoso.com"}}
	fmt.Println(edge.Certificate.VerifyName(edge.FQDN))

	edge.Certificate = &lync.Certificate{Subject: "edge01.contoso.com"}
	err := edge.Certificate.VerifyName(edge.FQDN)
	fmt.Println(errors.Is(err, lync.ErrCertificateName), err)
	// Output:
	// <nil>
	// true the certificate does not name the host edge.contoso.com: it has no SAN DNS name and its subject CN is "edge01.contoso.com"
}
