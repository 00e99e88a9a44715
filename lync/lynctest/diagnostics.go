package lynctest

import (
	"fmt"

	"github.com/emiago/sipgo/sip"
)

// Diagnostic is an ms-diagnostics code and reason (MS-OCER), as Lync puts
// them on refusals.
type Diagnostic struct {
	Code   int
	Reason string
}

// The diagnostics the lab sends; the codes and texts are Lync's.
var (
	diagCertificateTrust = Diagnostic{1010, "Certificate trust with next-hop server could not be established."}
	diagNotAuthorized    = Diagnostic{4004, "Credentials provided are not authorized to act as specified from URI."}
	diagNotEnabledForSIP = Diagnostic{4005, "Destination URI either not enabled for SIP or does not exist."}
)

// header renders the diagnostic as Lync does:
// ms-diagnostics: 4005;reason="…";source="fe.contoso.com".
func (d Diagnostic) header(source string) sip.Header {
	return sip.NewHeader("ms-diagnostics", fmt.Sprintf("%d;reason=%q;source=%q", d.Code, d.Reason, source))
}
