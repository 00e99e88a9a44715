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
// Issue 11 will add here the reader of what the shell prints back
// (Format-List output of Get-Cs… cmdlets).
//
// Windows PowerShell 5.1 reads a .ps1 file without a byte order mark in the
// system's ANSI code page, not UTF-8: a script holding non-ASCII names should
// be written with a UTF-8 BOM so the names reach the cmdlets unchanged.
package shell
