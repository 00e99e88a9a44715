package shell_test

import (
	"context"
	"fmt"

	"github.com/rppkit/rppkit/lync/shell"
)

// Two saved outputs — Get-CsTrustedApplicationPool and
// Get-CsTrustedApplication, each with Format-List — read together: the
// pool's registrar and the application's Service GRUU (wrapped at the
// console's width) come out as one topology, and the parts the outputs did
// not show (the pool's computers) are said, not guessed.
func ExampleRead() {
	pools := "Identity             : TrustedApplicationPool:rpp.contoso.com\r\n" +
		"Registrar            : Registrar:fe.contoso.com\r\n" +
		"ThrottleAsServer     : True\r\n" +
		"SiteId               : Site:East\r\n" +
		"PoolFqdn             : rpp.contoso.com\r\n"
	apps := "Identity                   : rpp.contoso.com/urn:application:video\r\n" +
		"ServiceGruu                : sip:rpp.contoso.com@contoso.com;gruu;opaque=srvr:vid\r\n" +
		"                             eo:Tggd9yw0FFyNjnRqleNLwQAA\r\n" +
		"Port                       : 5061\r\n"
	var outs []*shell.Output
	for _, f := range []struct{ name, text string }{{"pools.txt", pools}, {"apps.txt", apps}} {
		out, err := shell.ParseBytes(f.name, []byte(f.text))
		if err != nil {
			fmt.Println(err)
			return
		}
		outs = append(outs, out)
	}
	im, err := shell.Read(context.Background(), outs...)
	if err != nil {
		fmt.Println(err)
		return
	}
	p, a := im.Topology.TrustedApplicationPools[0], im.Topology.TrustedApplications[0]
	fmt.Println(p.FQDN, "registrar", p.Registrar, "site", p.Site)
	fmt.Println(a.ApplicationID, a.Port, a.ServiceGRUU)
	fmt.Println(im.Parts)
	for _, d := range im.Diagnostics {
		fmt.Println(d.Severity, d.Message)
	}
	// Output:
	// rpp.contoso.com registrar fe.contoso.com site East
	// video 5061 sip:rpp.contoso.com@contoso.com;gruu;opaque=srvr:video:Tggd9yw0FFyNjnRqleNLwQAA
	// [trustedApplicationPools trustedApplications]
	// warning trusted application pool rpp.contoso.com: object shown only in part: no computers in the output, so it reads as a single-computer pool
}
