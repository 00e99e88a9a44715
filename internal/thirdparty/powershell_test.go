package thirdparty

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// A script in the style rpp plan writes: guards, Get-Cs… checks, a
// hashtable, subexpressions, strings of both kinds, a backtick line
// continuation and a comment.
const goodScript = `# Lync side of the RealConnect integration
$ErrorActionPreference = 'Stop'
$site = (Get-CsSite -Identity 'Site1').SiteId
if (-not (Get-CsTrustedApplicationPool -Identity 'rpp.contoso.com' -ErrorAction SilentlyContinue)) {
    New-CsTrustedApplicationPool -Identity 'rpp.contoso.com' -Registrar 'Registrar:fe.contoso.com' -Site $site -RequiresReplication $false -Force
}
if (-not (Get-CsTrustedApplicationEndpoint -Identity 'sip:o''brien@contoso.com')) {
    New-CsTrustedApplicationEndpoint -ApplicationId 'video' -TrustedApplicationPoolFqdn 'rpp.contoso.com' ` + "`" + `
        -SipAddress 'sip:o''brien@contoso.com'
}
$route = New-CsStaticRoute -TLSRoute -Destination 'rmx.contoso.com' -Port 5061 -MatchUri 'contoso.com' -UseDefaultCertificate $true
Set-CsStaticRoutingConfiguration -Identity global -Route @{Add=$route}
Enable-CsTopology
$gruu = (Get-CsTrustedApplication -Identity 'rpp.contoso.com/urn:application:video').ServiceGruu
Write-Output "DMA ServiceGruu: $gruu"
Write-Output "RMX SIP_CONTACT_OVERRIDE_STR: $($gruu -replace '^sip:', '')"
Write-Output 'O’’Brien''s pool'
`

func TestParsePowerShellAcceptsScript(t *testing.T) {
	dir := RequirePowerShellParser(t)
	got, err := ParsePowerShell(context.Background(), dir, map[string][]byte{
		"plan.ps1": []byte(goodScript),
		"bom.ps1":  append([]byte("\xef\xbb\xbf"), goodScript...),
		"crlf.ps1": []byte(strings.ReplaceAll(goodScript, "\n", "\r\n")),
	})
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"plan.ps1", "bom.ps1", "crlf.ps1"} {
		errs, ok := got[name]
		if !ok {
			t.Errorf("%s: no result", name)
		}
		for _, e := range errs {
			t.Errorf("%s: %s", name, e)
		}
	}
}

func TestParsePowerShellReportsErrors(t *testing.T) {
	dir := RequirePowerShellParser(t)
	tests := []struct {
		name   string
		script string
		want   SyntaxError // the first error: Line, Column, Kind (and Text for MISSING)
	}{
		{"unterminated single-quoted string",
			"$a = 1\nWrite-Host 'abc\n$x = 1\nGet-CsSite\n",
			SyntaxError{Line: 2, Column: 12, Kind: "ERROR"}},
		// A brace left open is noticed where the file ends.
		{"unclosed brace",
			"if ($x) {\n  Get-Foo\n}\nif ($y) {\n  Get-Bar\n$z = 1\n",
			SyntaxError{Line: 6, Column: 7, Kind: "MISSING", Text: "}"}},
		{"missing closing parenthesis",
			"$a = 1\n$b = 2\nif (-not (Get-CsSite -Identity 'x') {\n  Get-Bar\n}\n",
			SyntaxError{Line: 3, Column: 1, Kind: "ERROR"}},
		{"if without parentheses",
			"$a = 1\nif -not ($x) { Get-A }\n",
			SyntaxError{Line: 2, Column: 4, Kind: "ERROR"}},
		{"if without a block",
			"$a = 1\n\nif ($x) Get-A\n",
			SyntaxError{Line: 3, Column: 1, Kind: "ERROR"}},
		// Columns count bytes: é is 2 and € 3.
		{"column after non-ASCII",
			"$a = 'é€' ; )\n",
			SyntaxError{Line: 1, Column: 16, Kind: "ERROR"}},
	}
	scripts := map[string][]byte{}
	for _, tt := range tests {
		scripts[tt.name] = []byte(tt.script)
	}
	got, err := ParsePowerShell(context.Background(), dir, scripts)
	if err != nil {
		t.Fatal(err)
	}
	for _, tt := range tests {
		errs := got[tt.name]
		if len(errs) == 0 {
			t.Errorf("%s: no error reported", tt.name)
			continue
		}
		first := errs[0]
		if first.Line != tt.want.Line || first.Column != tt.want.Column || first.Kind != tt.want.Kind ||
			(tt.want.Text != "" && first.Text != tt.want.Text) {
			t.Errorf("%s: first error %s (%+v), want %d:%d %s %q", tt.name, first, first, tt.want.Line, tt.want.Column, tt.want.Kind, tt.want.Text)
		}
		lines := strings.Split(tt.script, "\n")
		if first.Context != lines[first.Line-1] {
			t.Errorf("%s: context %q, want line %d %q", tt.name, first.Context, first.Line, lines[first.Line-1])
		}
	}
}

func TestParsePowerShellCancelled(t *testing.T) {
	dir := RequirePowerShellParser(t)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := ParsePowerShell(ctx, dir, map[string][]byte{"a.ps1": []byte(goodScript)}); !errors.Is(err, context.Canceled) {
		t.Errorf("ParsePowerShell = %v, want context.Canceled", err)
	}
}

// Node is killed when the context ends while it parses: 200,000 lines keep
// it busy for seconds (BenchmarkParsePowerShell's scale), and the deadline
// comes long before, but after Node has started.
func TestParsePowerShellKillsNode(t *testing.T) {
	dir := RequirePowerShellParser(t)
	big := strings.Repeat("if (-not (Get-CsSite -Identity 'x')) { New-CsX -A 'b' -C @{Add=$r} }\n", 200000)
	ctx, cancel := context.WithTimeout(context.Background(), time.Second)
	defer cancel()
	_, err := ParsePowerShell(ctx, dir, map[string][]byte{"big.ps1": []byte(big)})
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("ParsePowerShell = %v, want context.DeadlineExceeded", err)
	}
	// Had node not been killed, it would have finished the parse and
	// ParsePowerShell would have returned the results, not the deadline.
}

// The grammar is not PowerShell: PowerShell runs a script with no
// statement, but tree-sitter-powershell 0.26.4 gives its root an ERROR.
// A generated script must hold at least one statement to pass the check.
// This test notices when a new grammar lifts the limit.
func TestParsePowerShellGrammarRefusesScriptWithoutStatement(t *testing.T) {
	dir := RequirePowerShellParser(t)
	scripts := map[string][]byte{"empty": nil, "newline": []byte("\n"), "comment only": []byte("# nothing to do\n")}
	got, err := ParsePowerShell(context.Background(), dir, scripts)
	if err != nil {
		t.Fatal(err)
	}
	for name := range scripts {
		if errs := got[name]; len(errs) == 0 || errs[0].Line != 1 || errs[0].Column != 1 || errs[0].Kind != "ERROR" {
			t.Errorf("%s: %v, want an ERROR at 1:1 (has tree-sitter-powershell learnt empty scripts?)", name, errs)
		}
	}
	got, err = ParsePowerShell(context.Background(), dir, map[string][]byte{"one statement": []byte("# nothing to do\n$null = 0\n")})
	if err != nil {
		t.Fatal(err)
	}
	if errs := got["one statement"]; len(errs) != 0 {
		t.Errorf("a comment and one statement: %v, want no error", errs)
	}
}

func TestParsePowerShellWithoutPackages(t *testing.T) {
	dir := t.TempDir()
	_, err := ParsePowerShell(context.Background(), dir, map[string][]byte{"a.ps1": []byte("Get-CsSite\n")})
	if !errors.Is(err, ErrNoPowerShellParser) {
		t.Fatalf("ParsePowerShell in an empty folder = %v, want ErrNoPowerShellParser", err)
	}
	if !strings.Contains(err.Error(), PowerShellParserPackages) {
		t.Errorf("the error %q does not say what to install", err)
	}
	// Half an installation is no installation.
	if err := os.MkdirAll(filepath.Join(dir, "node_modules", "web-tree-sitter"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "node_modules", "web-tree-sitter", "package.json"), []byte("{}"), 0o644); err != nil {
		t.Fatal(err)
	}
	t.Setenv(PowerShellParserDirEnv, dir)
	if _, err := PowerShellParserDir(); !errors.Is(err, ErrNoPowerShellParser) || !strings.Contains(err.Error(), "tree-sitter-powershell.wasm") {
		t.Errorf("PowerShellParserDir with no grammar = %v, want ErrNoPowerShellParser naming the grammar", err)
	}
	t.Setenv(PowerShellParserDirEnv, "")
	if _, err := PowerShellParserDir(); !errors.Is(err, ErrNoPowerShellParser) || !strings.Contains(err.Error(), PowerShellParserDirEnv) {
		t.Errorf("PowerShellParserDir unset = %v, want ErrNoPowerShellParser naming %s", err, PowerShellParserDirEnv)
	}
}

// BenchmarkParsePowerShell measures one call (Node's start, loading the
// grammar, one script) with and without V8's --liftoff-only.
func BenchmarkParsePowerShell(b *testing.B) {
	dir := RequirePowerShellParser(b)
	scripts := map[string][]byte{"plan.ps1": []byte(goodScript)}
	for _, bm := range []struct {
		name  string
		flags []string
	}{{"liftoff-only", []string{liftoffOnly}}, {"node-default", nil}} {
		b.Run(bm.name, func(b *testing.B) {
			for i := 0; i < b.N; i++ {
				if _, err := parsePowerShell(context.Background(), dir, scripts, bm.flags...); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
