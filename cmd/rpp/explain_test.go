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
		"no-such-rule-id": `unknown rule "no-such-rule-id"`,
	} {
		r := runRpp(t, "explain", id)
		if r.code != 2 || !strings.Contains(r.stderr, want) || r.stdout != "" {
			t.Errorf("explain %s = %d, stdout %q, stderr %q; want 2 and %q", id, r.code, r.stdout, r.stderr, want)
		}
	}
}

// TestExplainSeveral: several IDs, in any case, each card in the order
// given; an unknown one among them is reported and fails the run, and the
// others are still shown.
func TestExplainSeveral(t *testing.T) {
	r := runRpp(t, "explain", "CERT-Wildcard", "rmx-ice-missing")
	if r.code != 0 || !strings.Contains(r.stdout, "ID:       cert-wildcard") ||
		strings.Index(r.stdout, "ID:       rmx-ice-missing") < strings.Index(r.stdout, "ID:       cert-wildcard") {
		t.Errorf("explain two = %d, stdout:\n%s", r.code, r.stdout)
	}
	r = runRpp(t, "explain", "cert-wildcard", "cert-wildcrd")
	if r.code != 2 || !strings.Contains(r.stdout, "ID:       cert-wildcard") || !strings.Contains(r.stderr, "did you mean cert-wildcard?") {
		t.Errorf("explain good and unknown = %d, stdout %q, stderr %q", r.code, r.stdout, r.stderr)
	}
}
