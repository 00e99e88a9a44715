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
