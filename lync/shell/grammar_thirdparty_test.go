package shell

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/rppkit/rppkit/internal/thirdparty"
)

// hostileValues are names a deployment file could hold that would break a
// script rendered carelessly.
var hostileValues = []string{
	"rpp.contoso.com", "it's", "'", "''", "'; Remove-Item C:\\ -Recurse; '", "$(Get-Process)", "$env:PATH",
	"`", "a`'b", "\"double\"", "{", "}", "(", ")", "@{", "#not a comment", "line\nbreak", "O’Brien",
	"sip:rpp.contoso.com@contoso.com;gruu;opaque=srvr:video:Tggd9yw0FFyNjnRqleNLwQAA", "",
}

// Every command rendered with hostile values, inside the guard a plan
// writes, parses with the PowerShell grammar; the values with an odd number
// of quotes pasted between quotes without Quote do not, so the check can
// fail. (An injection that stays grammatical, such as
// '; Remove-Item C:\ -Recurse; ' pasted naively, parses: FuzzQuote's
// read-back is what rules that out.)
func TestRenderedCommandsParse(t *testing.T) {
	dir := thirdparty.RequirePowerShellParser(t)
	var good strings.Builder
	naive := map[string][]byte{}
	for i, v := range hostileValues {
		c := Cmd("New-CsTrustedApplicationEndpoint").Str("ApplicationId", v).Int("Port", 5061).
			Bool("Enabled", true).Switch("Force").Expr("Site", "(Get-CsSite -Identity "+Quote(v)+").SiteId").Expr("Route", "$route")
		if err := c.Validate(); err != nil {
			t.Fatal(err)
		}
		fmt.Fprintf(&good, "if (-not (Get-CsTrustedApplicationEndpoint -Identity %s)) {\n    %s\n}\n", Quote(v), c)
		if strings.Count(v, "'")%2 == 1 {
			naive[fmt.Sprintf("naive %d %q", i, v)] = []byte("New-CsX -Identity '" + v + "'\n$after = 1\n")
		}
	}
	scripts := map[string][]byte{"quoted": []byte(good.String())}
	for k, v := range naive {
		scripts[k] = v
	}
	got, err := thirdparty.ParsePowerShell(context.Background(), dir, scripts)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range got["quoted"] {
		t.Errorf("rendered script: %s", e)
	}
	for name := range naive {
		if len(got[name]) == 0 {
			t.Errorf("%s parsed without error: the grammar check cannot fail here", name)
		}
	}
	if len(naive) < 3 {
		t.Fatalf("only %d naive scripts: the negative control is too thin", len(naive))
	}
}
