package report_test

import (
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/rppkit/rppkit/rpp"
	"github.com/rppkit/rppkit/rpp/report"
)

var update = flag.Bool("update", false, "rewrite docs/rules from the catalogue")

// TestRuleDocs keeps docs/rules in step with the catalogue: one page per
// rule, the page each rule's URL (and SARIF's helpUri) names, and an index.
func TestRuleDocs(t *testing.T) {
	dir := filepath.Join("..", "..", "docs", "rules")
	rules := rpp.Catalogue()
	want := report.RuleDocs(rules)
	for _, r := range rules {
		if !strings.HasSuffix(r.URL(), "/docs/rules/"+r.ID+".md") {
			t.Errorf("rule %s's URL %s is not its page under docs/rules", r.ID, r.URL())
		}
	}
	if *update {
		if err := os.RemoveAll(dir); err != nil {
			t.Fatal(err)
		}
		if err := os.MkdirAll(dir, 0o755); err != nil {
			t.Fatal(err)
		}
		for name, text := range want {
			if err := os.WriteFile(filepath.Join(dir, name), []byte(text), 0o644); err != nil {
				t.Fatal(err)
			}
		}
	}
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatalf("%v (go test ./rpp/report -run TestRuleDocs -update writes the pages)", err)
	}
	have := map[string]string{}
	for _, e := range entries {
		data, err := os.ReadFile(filepath.Join(dir, e.Name()))
		if err != nil {
			t.Fatal(err)
		}
		have[e.Name()] = string(data)
	}
	if diff := cmp.Diff(want, have); diff != "" {
		t.Errorf("docs/rules is out of date; run go test ./rpp/report -run TestRuleDocs -update (-want +have):\n%s", diff)
	}
}
