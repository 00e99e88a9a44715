package main

import (
	"strings"
	"testing"

	"github.com/rppkit/rppkit/rpp"
)

func TestExplainEveryRule(t *testing.T) {
	for _, r := range rpp.Catalogue() {
		res := runRpp(t, "explain", r.ID)
		if res.code != 0 || res.stderr != "" {
			t.Errorf("explain %s = %d, stderr %q; want 0", r.ID, res.code, res.stderr)
		}
		flat := strings.Join(strings.Fields(res.stdout), " ")
		for _, want := range []string{"ID: " + r.ID, "Severity: " + r.Severity.String(), r.Summary, r.Source, r.Doc} {
			if !strings.Contains(flat, strings.Join(strings.Fields(want), " ")) {
				t.Errorf("explain %s lacks %q:\n%s", r.ID, want, res.stdout)
			}
		}
		// The doc is printed as its author wrapped it.
		if !strings.Contains(res.stdout, r.Doc) {
			t.Errorf("explain %s does not print the doc verbatim", r.ID)
		}
		checkWidth(t, "explain "+r.ID+" (facts)", strings.SplitN(res.stdout, "\n\n", 2)[0])
	}
}

func TestExplainUnknown(t *testing.T) {
	for id, want := range map[string]string{
		"cert-wildcrd":    `unknown rule "cert-wildcrd" (did you mean cert-wildcard?)`,
		"CERT-WILDCARD":   "did you mean cert-wildcard?",
		"no-such-rule-id": `unknown rule "no-such-rule-id"`,
	} {
		r := runRpp(t, "explain", id)
		if r.code != 2 || !strings.Contains(r.stderr, want) || r.stdout != "" {
			t.Errorf("explain %s = %d, stdout %q, stderr %q; want 2 and %q", id, r.code, r.stdout, r.stderr, want)
		}
	}
}
