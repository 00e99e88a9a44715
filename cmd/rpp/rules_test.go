package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/rppkit/rppkit/rpp"
)

func TestRulesText(t *testing.T) {
	r := runRpp(t, "rules")
	if r.code != 0 || r.stderr != "" {
		t.Fatalf("rules = %d, stderr %q", r.code, r.stderr)
	}
	lines := strings.Split(strings.TrimSuffix(r.stdout, "\n"), "\n")
	catalogue := rpp.Catalogue()
	if len(lines) != len(catalogue) {
		t.Fatalf("%d lines, want one per rule (%d)", len(lines), len(catalogue))
	}
	col := -1 // where the severity column starts
	for i, rule := range catalogue {
		fields := strings.Fields(lines[i])
		if len(fields) < 3 || fields[0] != rule.ID || fields[1] != rule.Severity.String() ||
			!strings.HasSuffix(lines[i], "  "+rule.Summary) {
			t.Errorf("line %d = %q, want %s, %s and its summary", i+1, lines[i], rule.ID, rule.Severity)
			continue
		}
		c := strings.Index(lines[i], "  "+rule.Severity.String()) + 2
		if col < 0 {
			col = c
		}
		if c != col {
			t.Errorf("line %d: severity at column %d, want %d (aligned)", i+1, c, col)
		}
	}
}

func TestRulesJSON(t *testing.T) {
	r := runRpp(t, "rules", "--format", "json")
	if r.code != 0 {
		t.Fatalf("rules --format json = %d, stderr %q", r.code, r.stderr)
	}
	var raw []map[string]any
	if err := json.Unmarshal([]byte(r.stdout), &raw); err != nil {
		t.Fatal(err)
	}
	catalogue := rpp.Catalogue()
	if len(raw) != len(catalogue) {
		t.Fatalf("%d rules, want %d", len(raw), len(catalogue))
	}
	for i, obj := range raw {
		if keys := sortedKeys(obj); !slices.Equal(keys, []string{"doc", "id", "notIgnorable", "severity", "source", "summary", "url"}) {
			t.Errorf("rules[%d] keys %q", i, keys)
		}
		c := catalogue[i]
		if obj["id"] != c.ID || obj["severity"] != c.Severity.String() || obj["summary"] != c.Summary ||
			obj["source"] != c.Source || obj["doc"] != c.Doc || obj["notIgnorable"] != c.NotIgnorable || obj["url"] != c.URL() {
			t.Errorf("rules[%d] = %v, want %s", i, obj, c.ID)
		}
	}
}

// TestRulesMarkdownWritesDocsRules: rpp rules --format markdown --out DIR
// writes exactly the checked-in docs/rules (which TestRuleDocs keeps in
// step with the catalogue), and leaves other files of DIR alone.
func TestRulesMarkdownWritesDocsRules(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "rules")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	keep := filepath.Join(dir, "notes.txt")
	if err := os.WriteFile(keep, []byte("mine"), 0o600); err != nil {
		t.Fatal(err)
	}
	r := runRpp(t, "rules", "--format", "markdown", "--out", dir)
	if r.code != 0 || r.stdout != "" || !strings.Contains(r.stderr, "wrote") {
		t.Fatalf("rules --format markdown = %d, stdout %q, stderr %q", r.code, r.stdout, r.stderr)
	}
	want, err := os.ReadDir(filepath.Join("..", "..", "docs", "rules"))
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range want {
		checkedIn, err := os.ReadFile(filepath.Join("..", "..", "docs", "rules", e.Name()))
		if err != nil {
			t.Fatal(err)
		}
		written, err := os.ReadFile(filepath.Join(dir, e.Name()))
		if err != nil || string(written) != string(checkedIn) {
			t.Errorf("%s: written differs from docs/rules (%v)", e.Name(), err)
		}
	}
	got, _ := os.ReadDir(dir)
	if len(got) != len(want)+1 {
		t.Errorf("%d files in DIR, want the %d pages and notes.txt", len(got), len(want))
	}
	if data, err := os.ReadFile(keep); err != nil || string(data) != "mine" {
		t.Errorf("notes.txt = %q, %v; want it left alone", data, err)
	}
	for _, args := range [][]string{{"rules", "--format", "markdown"}, {"rules", "--out", dir}, {"rules", "--format", "json", "--out", dir}} {
		if r := runRpp(t, args...); r.code != 2 || !strings.Contains(r.stderr, "--out DIR goes with --format markdown") {
			t.Errorf("%q = %d, stderr %q; want a usage error", args, r.code, r.stderr)
		}
	}
}
