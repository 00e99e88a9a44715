package rpp_test

import (
	"context"
	"strings"
	"testing"

	"github.com/rppkit/rppkit/internal/thirdparty"
)

// TestPlanScriptsParseAsPowerShell parses every script the golden tests
// hold, and those of the migrations, with the tree-sitter-powershell
// grammar (a parser nobody here wrote; no PowerShell runs here): none may
// hold an ERROR or MISSING node. A script with a brace taken away must,
// or the check proves nothing.
func TestPlanScriptsParseAsPowerShell(t *testing.T) {
	dir := thirdparty.RequirePowerShellParser(t)
	scripts := map[string][]byte{}
	add := func(name string, ps1 []byte) {
		scripts[name] = ps1
		if len(scripts) == 1 {
			broken := strings.Replace(string(ps1), "\n}\n", "\n", 1)
			if broken == string(ps1) {
				t.Fatalf("%s has no block to break", name)
			}
			scripts["broken-"+name] = []byte(broken)
		}
	}
	for _, p := range plansForScripts(t) {
		_, ps1, _ := render(t, p.rb)
		add(p.name, ps1)
	}
	errs, err := thirdparty.ParsePowerShell(context.Background(), dir, scripts)
	if err != nil {
		t.Fatal(err)
	}
	for name, list := range errs {
		if strings.HasPrefix(name, "broken-") {
			continue
		}
		for _, e := range list {
			t.Errorf("%s: %+v", name, e)
		}
		if len(list) > 0 {
			t.Logf("%s:\n%s", name, scripts[name])
		}
	}
	broken := 0
	for name := range scripts {
		if strings.HasPrefix(name, "broken-") {
			broken += len(errs[name])
		}
	}
	if broken == 0 {
		t.Error("the grammar found nothing wrong with a script missing a closing brace")
	}
	if len(scripts) < 8 {
		t.Fatalf("only %d scripts parsed", len(scripts))
	}
}
