package shell

import (
	"context"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/rppkit/rppkit/internal/thirdparty"
)

// CollectScript parses with the PowerShell grammar (tree-sitter-powershell:
// no PowerShell runs here); the script with its closing brace taken away
// does not, or the check proves nothing.
func TestCollectScriptParses(t *testing.T) {
	dir := thirdparty.RequirePowerShellParser(t)
	broken := strings.Replace(CollectScript, "\n}\nfinally", "\nfinally", 1)
	if broken == CollectScript {
		t.Fatal("no brace to take away")
	}
	got, err := thirdparty.ParsePowerShell(context.Background(), dir, map[string][]byte{
		"collect.ps1": []byte(CollectScript), "broken.ps1": []byte(broken)})
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range got["collect.ps1"] {
		t.Errorf("CollectScript: %s", e)
	}
	if len(got["broken.ps1"]) == 0 {
		t.Error("the grammar found nothing wrong with the script missing a brace")
	}
}

var (
	cmdletInScript = regexp.MustCompile(`Get-Cs[A-Za-z]+`)
	listedFields   = regexp.MustCompile(`^\s*(Get-Cs[A-Za-z]+)[^|]*\| Format-List -Property @\(([A-Za-z', ]+)\)$`)
)

// The snippet collects exactly what Read reads: every cmdlet of
// recordKinds, nothing else, and where it names the properties to print,
// they are enough to recognise the record as that cmdlet's.
func TestCollectScriptCoversReader(t *testing.T) {
	inScript := map[string]bool{}
	for _, c := range cmdletInScript.FindAllString(CollectScript, -1) {
		inScript[c] = true
	}
	read := map[string]bool{}
	for _, k := range recordKinds {
		for _, c := range append([]string{k.Cmdlet}, k.Also...) {
			read[c] = true
			if !inScript[c] {
				t.Errorf("CollectScript does not run %s, which Read reads", c)
			}
		}
	}
	for c := range inScript {
		if !read[c] {
			t.Errorf("CollectScript runs %s, which Read does not read", c)
		}
	}
	checked := 0
	for _, line := range strings.Split(CollectScript, "\n") {
		m := listedFields.FindStringSubmatch(line)
		if m == nil {
			continue
		}
		r := &Record{File: "collect", Line: 1}
		for _, f := range strings.Split(m[2], ",") {
			r.Fields = append(r.Fields, Field{Name: strings.Trim(f, "' "), Value: "x"})
		}
		if k := kindOf(r); k == nil || k.Cmdlet != m[1] && !slices.Contains(k.Also, m[1]) {
			t.Errorf("%s prints %s, which Read reads as %v", m[1], m[2], k)
		}
		checked++
	}
	if checked < 3 {
		t.Fatalf("only %d Format-List property lists checked", checked)
	}
}
