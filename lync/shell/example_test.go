package shell_test

import (
	"fmt"

	"github.com/rppkit/rppkit/lync/shell"
)

// The trusted application endpoint an RMX registers as, rendered for the
// Lync Server Management Shell. Values go through shell.Quote, so a name
// holding a quote cannot end the string.
func ExampleCmd() {
	c := shell.Cmd("New-CsTrustedApplicationEndpoint").
		Str("ApplicationId", "video").
		Str("TrustedApplicationPoolFqdn", "rpp.contoso.com").
		Str("SipAddress", "sip:rpp@contoso.com")
	if err := c.Validate(); err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(c)

	fmt.Println(shell.Cmd("New-CsTrustedApplicationPool").Str("Identity", "rpp.contoso.com").
		Expr("Site", "(Get-CsSite -Identity 'Site1').SiteId").Bool("TreatAsAuthenticated", true).Switch("Force"))
	fmt.Println(shell.Quote("O’Brien's pool"))
	// Output:
	// New-CsTrustedApplicationEndpoint -ApplicationId 'video' -TrustedApplicationPoolFqdn 'rpp.contoso.com' -SipAddress 'sip:rpp@contoso.com'
	// New-CsTrustedApplicationPool -Identity 'rpp.contoso.com' -Site ((Get-CsSite -Identity 'Site1').SiteId) -TreatAsAuthenticated $true -Force
	// 'O’’Brien''s pool'
}

// What Get-CsTrustedApplication | Format-List prints at an 80-column
// console: the Service GRUU wraps onto a second line, indented to the
// value's column.
func ExampleParseBytes() {
	printed := "\r\n" +
		"Identity      : rpp-east.contoso.com/urn:application:video\r\n" +
		"ServiceGruu   : sip:rpp-east.contoso.com@contoso.com;gruu;opaque=srvr:video:Tgg\r\n" +
		"                d9yw0FFyNjnRqleNLwQAA\r\n" +
		"ComputerGruus : {sip:rmx-east.contoso.com@contoso.com;gruu;opaque=srvr:video:1,\r\n" +
		"                 sip:dma-east.contoso.com@contoso.com;gruu;opaque=srvr:video:2}\r\n" +
		"Port          : 5061\r\n"
	out, err := shell.ParseBytes("lync-output.txt", []byte(printed))
	if err != nil {
		fmt.Println(err)
		return
	}
	app := out.Records[0]
	fmt.Println(app.Value("ServiceGruu"))
	computers, _ := shell.SplitList(app.Value("ComputerGruus"))
	fmt.Println(len(computers), "computer GRUUs; port", app.Value("Port"), "on line", app.Line)
	// Output:
	// sip:rpp-east.contoso.com@contoso.com;gruu;opaque=srvr:video:Tggd9yw0FFyNjnRqleNLwQAA
	// 2 computer GRUUs; port 5061 on line 2
}
