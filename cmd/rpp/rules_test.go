package main

import (
	"encoding/json"
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
		if keys := sortedKeys(obj); !slices.Equal(keys, []string{"doc", "id", "severity", "source", "summary"}) {
			t.Errorf("rules[%d] keys %q", i, keys)
		}
		c := catalogue[i]
		if obj["id"] != c.ID || obj["severity"] != c.Severity.String() || obj["summary"] != c.Summary ||
			obj["source"] != c.Source || obj["doc"] != c.Doc {
			t.Errorf("rules[%d] = %v, want %s", i, obj, c.ID)
		}
	}
}
