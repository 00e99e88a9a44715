// Package shell renders the commands an admin types into the Lync Server
// Management Shell (PowerShell) — New-CsTrustedApplicationPool,
// New-CsTrustedApplicationEndpoint, Set-CsStaticRoutingConfiguration and the
// rest — from values rppkit already holds, so that no name from a deployment
// file can end a string early or be read as code.
//
// [Quote] is the one place a value becomes PowerShell text: a single-quoted
// (verbatim) string, in which PowerShell expands nothing. [Cmd] builds one
// cmdlet invocation parameter by parameter ([Command.Str], [Command.Int],
// [Command.Bool], [Command.Switch], [Command.Expr]); [Command.String] renders
// it and [Command.Validate] says which cmdlet or parameter name could not be
// typed as given. Script layout (guards such as if (-not (Get-Cs…)) { … })
// is the caller's.
//
// The other direction is reading what the shell prints. [Parse] reads a
// saved session — Format-List records (Get-CsTrustedApplication | fl, and
// the default view of objects with many properties) and Format-Table rows
// ($app.ComputerGruus) — into [Record] values, whatever the file's
// encoding (UTF-16 with a byte-order mark, as Windows PowerShell's Out-File
// writes, or UTF-8), joining the values the console wrapped at its width.
// [SplitList] and [SplitProperties] take apart the collections ({a, b})
// and the objects printed by their ToString() (MatchUri=…;Enabled=True)
// that values hold; [Truncated] tells a value the console cut short.
//
// [Read] turns what Parse read into a lync.Topology. It recognises each
// record's cmdlet by its fields, not by file or order:
// Get-CsTrustedApplicationPool, Get-CsTrustedApplicationComputer,
// Get-CsTrustedApplication with its ComputerGruus,
// Get-CsTrustedApplicationEndpoint, Get-CsStaticRoutingConfiguration and
// its expanded routes, Get-CsPool, Get-CsService -Registrar (the Edge
// association), Get-CsSite, Get-CsSipDomain, Get-CsUser, the contact
// cmdlets, and the server version line of [CollectScript]. Records about
// one object from several outputs are merged; a disagreement is reported
// with both places. Every problem is a [Diagnostic] with file and line: an
// error when a recognised record could not be read or the console cut a
// value (the object is left out), a warning for an unknown record, an
// empty ServiceGruu or a route printed without its destination, and info
// for inferences and for objects the deployment model has no place for.
// [Import.Parts] names the deployment-file keys the output covered, so that
// a refresh replaces only those. [CollectScript] is the snippet that saves
// everything Read reads into one file.
//
// Windows PowerShell 5.1 reads a .ps1 file without a byte order mark in the
// system's ANSI code page, not UTF-8: a script holding non-ASCII names should
// be written with a UTF-8 BOM so the names reach the cmdlets unchanged.
package shell
