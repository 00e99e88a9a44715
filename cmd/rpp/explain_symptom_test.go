package main

import (
	"strings"
	"testing"

	"github.com/rppkit/rppkit/rpp"
)

// TestExplainSymptom: rpp explain --symptom prints the rules whose
// symptoms match, best first, each with its severity, summary and why; an
// alarm pasted with its punctuation changed still finds its rules.
func TestExplainSymptom(t *testing.T) {
	for _, text := range []string{"Service credential denied", "service CREDENTIALS denied.", "ms - register fail", "Failed to subscribe with the OCS"} {
		r := runRpp(t, "explain", "--symptom", text)
		if r.code != 0 || r.stderr != "" {
			t.Fatalf("explain --symptom %q = %d, stderr %q", text, r.code, r.stderr)
		}
		first, _, _ := strings.Cut(r.stdout, " ")
		rule, err := rpp.LookupRule(first)
		if err != nil {
			t.Fatalf("explain --symptom %q: output does not begin with a rule ID:\n%s", text, r.stdout)
		}
		flat := strings.Join(strings.Fields(r.stdout), " ") // the printer wraps lines
		lists := false
		for _, s := range rule.Symptoms {
			if strings.Contains(flat, s.Text) {
				lists = true
			}
		}
		if !lists || !strings.Contains(flat, "("+rule.Severity.String()+"): "+rule.Summary) || !strings.Contains(flat, "matched: exact phrase") {
			t.Errorf("explain --symptom %q: first rule %s without its severity, summary or matching symptom:\n%s", text, rule.ID, r.stdout)
		}
	}
}

// TestExplainSymptomNoMatch: a text no rule explains exits 1 and suggests
// the nearest symptom texts; misuse is a usage error.
func TestExplainSymptomNoMatch(t *testing.T) {
	r := runRpp(t, "explain", "--symptom", "vidoe rejected")
	if r.code != 1 || r.stdout != "" || !strings.Contains(r.stderr, `no rule lists a symptom like "vidoe rejected"`) || !strings.Contains(r.stderr, `"video not accepted"`) {
		t.Errorf("explain --symptom with no match = %d, stdout %q, stderr %q; want 1 and the closest symptoms", r.code, r.stdout, r.stderr)
	}
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"explain", "--symptom", "video", "cert-wildcard"}, "give either RULE-IDs or --symptom TEXT"},
		{[]string{"explain", "--symptom", " "}, "--symptom needs the text"},
		{[]string{"explain", "--symptom"}, "--symptom needs a value"},
		{[]string{"explain", "--symptm", "x"}, "did you mean --symptom?"},
	} {
		r := runRpp(t, tc.args...)
		if r.code != 2 || !strings.Contains(r.stderr, tc.want) {
			t.Errorf("rpp %q = %d, stderr %q; want 2 and %q", tc.args, r.code, r.stderr, tc.want)
		}
	}
}

// TestExplainSymptomKnownButNoRule: an RMX alarm rppkit knows that no rule
// lists is named as such, with what to look at beyond the deployment file,
// and exits 1 — not answered with rules that merely share a word with it.
func TestExplainSymptomKnownButNoRule(t *testing.T) {
	r := runRpp(t, "explain", "--symptom", "ICE failure: Received Service message does not contain the Credentials.")
	flat := strings.Join(strings.Fields(r.stdout), " ")
	if r.code != 1 || r.stderr != "" || !strings.Contains(flat, `"Received Service message does not contain the Credentials" (RMX active alarm): no rule of the catalogue checks a cause of it.`) ||
		!strings.Contains(flat, "mediaRelayList") || strings.Contains(flat, "tells why and the fix") {
		t.Errorf("explain --symptom = %d, stderr %q, stdout:\n%s", r.code, r.stderr, r.stdout)
	}
}

// TestExplainSymptomLeavesOutNoise: once a rule lists the symptom as a
// phrase, rules that share a word with it are counted, not listed, and
// what to look at beyond the deployment file follows the rules.
func TestExplainSymptomLeavesOutNoise(t *testing.T) {
	r := runRpp(t, "explain", "--symptom", "edge server resolve failed on the service request")
	flat := strings.Join(strings.Fields(r.stdout), " ")
	if r.code != 0 || !strings.HasPrefix(r.stdout, "dns-record-missing (error)") || strings.Contains(flat, "some words of") ||
		!strings.Contains(flat, "share only some words with it; left out)") ||
		!strings.Contains(flat, "Beyond the deployment file: The RMX could not resolve") {
		t.Errorf("explain --symptom = %d, stdout:\n%s", r.code, r.stdout)
	}
	// With nothing better than some words, those are the answer.
	r = runRpp(t, "explain", "--symptom", "credential refused")
	if r.code != 0 || !strings.Contains(r.stdout, "matched: some words of") || strings.Contains(r.stdout, "left out") {
		t.Errorf("explain --symptom weak = %d, stdout:\n%s", r.code, r.stdout)
	}
}
