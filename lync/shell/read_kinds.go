package shell

import (
	"strings"
)

// recordKind says how to recognise the records one cmdlet prints, and how
// to read them. A record is of the first kind in recordKinds that it
// matches: its Identity begins with IdentityPrefix or holds
// IdentityContains, or it has every field of one of the Fields sets. The
// sets are small on purpose, so that a record printed with only some
// properties (Get-CsTrustedApplication | fl ServiceGruu) is still
// recognised; the order of recordKinds settles the overlaps (an
// application endpoint has a SipAddress, like a user, and an OwnerUrn).
type recordKind struct {
	Cmdlet string
	// Also names the other cmdlets whose records read the same way (the
	// several kinds of contact object that hold a SIP address).
	Also             []string
	IdentityPrefix   string
	IdentityContains string
	Fields           [][]string
	read             func(x *rec)
}

// recordKinds is the table of what Read reads, most specific first.
// Sources for the properties each cmdlet prints: the Lync Server 2013 and
// Skype for Business Server cmdlet reference (learn.microsoft.com,
// "Get-CsTrustedApplicationPool", "Get-CsPool", "Get-CsSite", …), whose
// examples show the Format-List output.
var recordKinds = []recordKind{
	{
		// Not a property of any cmdlet: Parse reads Get-CsServerVersion's
		// one line as a record of this one field, and CollectScript prints
		// it as "ServerVersion : …".
		Cmdlet: "Get-CsServerVersion",
		Fields: [][]string{{ServerVersionField}},
		read:   readServerVersion,
	},
	{
		Cmdlet:         "Get-CsSite",
		IdentityPrefix: "Site:",
		Fields:         [][]string{{"SiteId", "Pools"}, {"SiteId", "Kind"}, {"FederationRoute"}, {"ParentSite"}},
		read:           readSite,
	},
	{
		Cmdlet:         "Get-CsTrustedApplicationPool",
		IdentityPrefix: "TrustedApplicationPool:",
		Fields: [][]string{{"Registrar", "ThrottleAsServer"}, {"Registrar", "TreatAsAuthenticated"},
			{"Registrar", "OutboundOnly"}, {"Registrar", "RequiresReplication"}},
		read: readTrustedApplicationPool,
	},
	{
		// Get-CsService -Registrar: a Front End pool's (or a Director's)
		// Registrar service, which names its Edge pool.
		Cmdlet:         "Get-CsService",
		IdentityPrefix: "Registrar:",
		Fields:         [][]string{{"EdgeServer", "PoolFqdn"}},
		read:           readRegistrarService,
	},
	{
		Cmdlet: "Get-CsTrustedApplicationEndpoint",
		Fields: [][]string{{"OwnerUrn"}, {"SipAddress", "ApplicationId"}, {"SipAddress", "TrustedApplicationPoolFqdn"}},
		read:   readEndpoint,
	},
	{
		Cmdlet:           "Get-CsTrustedApplication",
		IdentityContains: "/urn:application:",
		Fields: [][]string{{"ServiceGruu"}, {"ComputerGruus"}, {"ApplicationId", "TrustedApplicationPoolFqdn"},
			{"LegacyApplicationName"}},
		read: readTrustedApplication,
	},
	{
		// The rows of $app.ComputerGruus (Format-Table: Fqdn, Gruu).
		Cmdlet: "Get-CsTrustedApplication",
		Fields: [][]string{{"Fqdn", "Gruu"}},
		read:   readComputerGruuRow,
	},
	{
		Cmdlet: "Get-CsTrustedApplicationComputer",
		Fields: [][]string{{"Pool", "Fqdn"}},
		read:   readTrustedApplicationComputer,
	},
	{
		Cmdlet: "Get-CsPool",
		Fields: [][]string{{"Services", "Computers"}, {"Services", "Fqdn"}, {"Services", "Site"}},
		read:   readPool,
	},
	{
		Cmdlet: "Get-CsStaticRoutingConfiguration",
		Fields: [][]string{{"Route"}},
		read:   readStaticRoutingConfiguration,
	},
	{
		// Get-CsStaticRoutingConfiguration | Select-Object -ExpandProperty
		// Route: the routes themselves, destination included.
		Cmdlet: "Get-CsStaticRoutingConfiguration",
		Fields: [][]string{{"MatchUri", "Transport"}, {"MatchUri", "MatchOnlyPhoneUri"}, {"MatchUri", "ReplaceHostInRequestUri"}},
		read:   readStaticRoute,
	},
	{
		Cmdlet: "Get-CsSipDomain",
		Fields: [][]string{{"IsDefault"}},
		read:   readSIPDomain,
	},
	{
		Cmdlet: "Get-CsUser",
		Fields: [][]string{{"SipAddress", "UserPrincipalName"}, {"SipAddress", "SamAccountName"}},
		read:   readUser,
	},
	{
		// Contact objects that hold a SIP address no endpoint may reuse.
		// Lync has no Get-CsContact: each kind has its own cmdlet (the
		// multi-forest contacts of Get-CsAdContact, common area phones,
		// analog devices, Exchange UM contacts, meeting rooms), and all of
		// them print SipAddress with RegistrarPool and Enabled.
		Cmdlet: "Get-CsAdContact",
		Also:   []string{"Get-CsCommonAreaPhone", "Get-CsAnalogDevice", "Get-CsExUmContact", "Get-CsMeetingRoom"},
		Fields: [][]string{{"SipAddress", "RegistrarPool"}, {"SipAddress", "Enabled"}, {"SipAddress", "HomeServer"}},
		read:   readUser,
	},
	{
		// Get-CsUser | fl SipAddress: a record holding only a SIP address
		// is read as a user's (an endpoint printed so is indistinguishable).
		Cmdlet: "Get-CsUser",
		Fields: [][]string{{"SipAddress"}},
		read:   readUser,
	},
}

func (k *recordKind) matches(r *Record) bool {
	if id := r.Value("Identity"); id != "" {
		if k.IdentityPrefix != "" && hasPrefixFold(id, k.IdentityPrefix) {
			return true
		}
		if k.IdentityContains != "" && strings.Contains(strings.ToLower(id), strings.ToLower(k.IdentityContains)) {
			return true
		}
	}
next:
	for _, set := range k.Fields {
		for _, f := range set {
			if !r.Has(f) {
				continue next
			}
		}
		return true
	}
	return false
}

// kindOf returns the kind of r, or nil when no cmdlet Read knows prints it.
func kindOf(r *Record) *recordKind {
	for i := range recordKinds {
		if recordKinds[i].matches(r) {
			return &recordKinds[i]
		}
	}
	return nil
}

func hasPrefixFold(s, prefix string) bool {
	return len(s) >= len(prefix) && strings.EqualFold(s[:len(prefix)], prefix)
}

// trimPrefixFold removes prefix (ignoring case) from s when s begins with it.
func trimPrefixFold(s, prefix string) string {
	if hasPrefixFold(s, prefix) {
		return s[len(prefix):]
	}
	return s
}
