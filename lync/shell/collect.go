package shell

// CollectScript is the companion snippet: run in the Lync Server (or Skype
// for Business Server) Management Shell, it saves into one file,
// rpp-lync.txt, exactly what Read reads — Windows PowerShell writes it in
// UTF-16 with a byte order mark, PowerShell 7 in UTF-8; Parse reads both.
//
// Why it is written so:
//   - $FormatEnumerationLimit = -1 prints lists whole: the default, 4, cuts
//     Get-CsPool's Services to {a, b, c, d...}, which may hide a pool's
//     role. Only the global variable is honoured by the formatter (a child
//     scope's is ignored: PowerShell/PowerShell#888), so the snippet sets
//     $global:FormatEnumerationLimit and puts the old value back.
//   - Format-List, not the default view: a cmdlet whose objects have few
//     properties prints a table, whose cells the console cuts.
//   - Get-CsStaticRoutingConfiguration's own listing prints each route as
//     {MatchUri=…;Enabled=True;…}, without its destination; Select-Object
//     -ExpandProperty Route prints the routes with their Transport.
//   - Get-CsService -Registrar names each Front End pool's Edge pool
//     (EdgeServer), which Get-CsPool does not.
//   - Get-CsServerVersion prints a line, not a record; the snippet labels it
//     "ServerVersion : …" so that it reads as one.
//   - Property lists are written @('a', 'b'): PowerShell takes a, b as
//     well, but the grammar the tests check the snippet with
//     (tree-sitter-powershell 0.26.4) does not.
//   - Lync has no Get-CsContact: the contacts whose SIP addresses an
//     endpoint must not reuse come from one cmdlet per kind; meeting rooms
//     (Get-CsMeetingRoom) only from Lync Server 2013 on, hence the guard.
//   - Out-File -Width 4096 keeps long values (GRUUs, Transport) on one line;
//     Read also takes values wrapped at the console's width.
const CollectScript = `# Collect what 'rpp import lync' reads into rpp-lync.txt.
# Run in the Lync Server / Skype for Business Server Management Shell, then:
#   rpp import lync --into deployment.yaml rpp-lync.txt
$rppOldLimit = $global:FormatEnumerationLimit
$global:FormatEnumerationLimit = -1
try {
    & {
        Get-CsServerVersion | ForEach-Object { "ServerVersion : $_" }
        Get-CsSipDomain | Format-List -Property @('Identity', 'Name', 'IsDefault')
        Get-CsSite | Format-List *
        Get-CsPool | Format-List *
        Get-CsService -Registrar | Format-List *
        Get-CsTrustedApplicationPool | Format-List *
        Get-CsTrustedApplicationComputer | Format-List *
        Get-CsTrustedApplication | Format-List *
        Get-CsTrustedApplicationEndpoint | Format-List *
        Get-CsStaticRoutingConfiguration | Format-List *
        Get-CsStaticRoutingConfiguration | Select-Object -ExpandProperty Route | Format-List *
        Get-CsUser | Format-List -Property @('SipAddress', 'UserPrincipalName', 'SamAccountName', 'Enabled')
        Get-CsAdContact | Format-List -Property @('SipAddress', 'DisplayName', 'RegistrarPool', 'Enabled')
        Get-CsCommonAreaPhone | Format-List -Property @('SipAddress', 'DisplayName', 'RegistrarPool', 'Enabled')
        Get-CsAnalogDevice | Format-List -Property @('SipAddress', 'DisplayName', 'RegistrarPool', 'Enabled')
        Get-CsExUmContact | Format-List -Property @('SipAddress', 'DisplayName', 'RegistrarPool', 'Enabled')
        if (Get-Command Get-CsMeetingRoom -ErrorAction SilentlyContinue) {
            Get-CsMeetingRoom | Format-List -Property @('SipAddress', 'DisplayName', 'RegistrarPool', 'Enabled')
        }
    } | Out-File -FilePath rpp-lync.txt -Width 4096
}
finally {
    $global:FormatEnumerationLimit = $rppOldLimit
}
`
