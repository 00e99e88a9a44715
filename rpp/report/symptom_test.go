package report_test

import (
	"slices"
	"testing"

	"github.com/rppkit/rppkit/rmx"
	"github.com/rppkit/rppkit/rpp"
	"github.com/rppkit/rppkit/rpp/report"
)

// symptomRules are rules with made-up symptoms, listed weakest match first
// so that ranking cannot come from their order.
func symptomRules() []*rpp.Rule {
	rule := func(id, text string) *rpp.Rule {
		return &rpp.Rule{ID: id, Symptoms: []*rmx.Symptom{{Text: text, Where: rmx.AlarmList}}}
	}
	return []*rpp.Rule{
		rule("some", "alpha zeta"),
		rule("all", "gamma beta, alpha delta"),
		rule("phrase", "Alpha Beta – Gamma"),
		rule("none", "omega"),
	}
}

func TestMatchSymptomRanks(t *testing.T) {
	for _, tc := range []struct {
		text  string
		want  []string
		kinds []report.MatchKind
	}{
		{"alpha, BETA gamma!", []string{"phrase", "all", "some"}, []report.MatchKind{report.Phrase, report.AllWords, report.SomeWords}},
		{"alpha beta - gamma", []string{"phrase", "all", "some"}, nil}, // punctuation and dashes do not count
		{"12:03 alarm 7: Alpha Beta Gamma (see log)", []string{"phrase", "all", "some"}, nil},
		{"zeta", []string{"some"}, []report.MatchKind{report.Phrase}}, // one word, in order: a phrase
		{"omegas", []string{"none"}, nil},                             // plural
		{"the of with", nil, nil},                                     // little words alone match nothing
		{"", nil, nil},
		{"kappa", nil, nil},
	} {
		var ids []string
		var kinds []report.MatchKind
		for _, m := range report.MatchSymptom(symptomRules(), tc.text) {
			ids = append(ids, m.Rule.ID)
			kinds = append(kinds, m.Kind)
		}
		if !slices.Equal(ids, tc.want) {
			t.Errorf("MatchSymptom(%q) = %q, want %q", tc.text, ids, tc.want)
		}
		if tc.kinds != nil && !slices.Equal(kinds, tc.kinds) {
			t.Errorf("MatchSymptom(%q) kinds %v, want %v", tc.text, kinds, tc.kinds)
		}
	}
}

// documentedSymptoms are the symptom texts ../shared/PROTOCOLS.md and
// DOMAIN.md list (quoted there in running text, so listed here by hand).
var documentedSymptoms = []string{
	// PROTOCOLS.md §2, RMX behaviour (RMX Administrator's Guide, "ICE Active Alarms").
	"Failed to subscribe with the OCS, therefore the A/V Edge Server URI was not received",
	"Received Notification does not contain URI",
	// PROTOCOLS.md §3, MRAS credentials: alarms and ICE status.
	"Failure response from the A/V Edge Server to the RMX Service Request",
	"Service credential denied",
	"Received Service message does not contain the Credentials",
	"MS – register fail",
	// DOMAIN.md, "Symptoms admins actually see": the examples it names.
	"Failed to subscribe with the OCS",
	"video not accepted",
}

// unexplainedSymptoms are documented symptoms no rule of the catalogue
// lists yet. The test fails when one gets a rule, so the list cannot go
// stale: move the text out of here then.
var unexplainedSymptoms = []string{
	"Received Service message does not contain the Credentials",
}

// TestDocumentedSymptomsFindTheirRules: each documented symptom text finds,
// first and as an exact phrase, a rule that lists it.
func TestDocumentedSymptomsFindTheirRules(t *testing.T) {
	rules := rpp.Catalogue()
	for _, text := range documentedSymptoms {
		listed := rulesListing(rules, text)
		if slices.Contains(unexplainedSymptoms, text) {
			if len(listed) > 0 {
				t.Errorf("%q is listed by %q now: take it out of unexplainedSymptoms", text, listed)
			}
			// rpp explain --symptom still recognises it, and says what to
			// look at beyond the deployment file.
			if known := report.KnownSymptoms(text); len(known) == 0 || known[0].Text != text || known[0].Beyond == "" {
				t.Errorf("KnownSymptoms(%q) = %v; want the symptom, with what to look at beyond the file", text, known)
			}
			continue
		}
		if len(listed) == 0 {
			t.Errorf("no rule lists the documented symptom %q", text)
			continue
		}
		m := report.MatchSymptom(rules, text)
		if len(m) == 0 || !slices.Contains(listed, m[0].Rule.ID) || m[0].Kind != report.Phrase {
			t.Errorf("MatchSymptom(%q) = %v, want first a rule of %q, as an exact phrase", text, m, listed)
		}
	}
}

// rulesListing returns the IDs of the rules with a symptom whose text
// holds text (DOMAIN.md quotes the start of some alarms).
func rulesListing(rules []*rpp.Rule, text string) []string {
	var ids []string
	for _, r := range rules {
		for _, s := range r.Symptoms {
			if len(s.Text) >= len(text) && s.Text[:len(text)] == text {
				ids = append(ids, r.ID)
				break
			}
		}
	}
	return ids
}

func TestClosestSymptoms(t *testing.T) {
	got := report.ClosestSymptoms(symptomRules(), "alfa zeta", 2)
	if len(got) != 2 || got[0] != "alpha zeta" {
		t.Errorf("ClosestSymptoms = %q, want two, alpha zeta first", got)
	}
}

// FuzzMatchSymptom: any text gives matches best first, each a symptom of
// its rule, without a panic.
func FuzzMatchSymptom(f *testing.F) {
	for _, s := range documentedSymptoms {
		f.Add(s)
	}
	f.Add("MS - register fail!!")
	f.Add("\x00\u2028–")
	rules := rpp.Catalogue()
	f.Fuzz(func(t *testing.T, text string) {
		ms := report.MatchSymptom(rules, text)
		for i, m := range ms {
			if !slices.Contains(m.Rule.Symptoms, m.Symptom) {
				t.Fatalf("%q: %s matched a symptom it does not list", text, m.Rule.ID)
			}
			if i > 0 && m.Kind > ms[i-1].Kind {
				t.Fatalf("%q: %v ranked after a weaker match", text, m)
			}
		}
		if len(ms) == 0 && len(report.ClosestSymptoms(rules, text, 3)) == 0 {
			t.Fatalf("%q: no match and nothing to suggest", text)
		}
	})
}

// TestKnownSymptoms recognises what the admin pasted among the symptoms of
// package rmx, listed by a rule or not: an exact phrase of three words or
// more (or the whole of a shorter symptom), never a word or two.
func TestKnownSymptoms(t *testing.T) {
	for _, tc := range []struct {
		text string
		want string // the first symptom found, "" for none
	}{
		{"Received Service message does not contain the Credentials", rmx.SymptomNoCredentials.Text},
		{"12:03:11 Major ICE failure: received service message does NOT contain the credentials.", rmx.SymptomNoCredentials.Text},
		{"Failure response from the A/V Edge Server", rmx.SymptomMRASFailure.Text},
		{"MS - register fail", rmx.SymptomRegister.Text},
		{"service", ""},
		{"the credentials", ""},
		{"credentials service received", ""}, // the words, not the phrase
		{"", ""},
	} {
		got := report.KnownSymptoms(tc.text)
		switch {
		case tc.want == "" && len(got) != 0:
			t.Errorf("KnownSymptoms(%q) = %v; want none", tc.text, got)
		case tc.want != "" && (len(got) == 0 || got[0].Text != tc.want):
			t.Errorf("KnownSymptoms(%q) = %v; want %q first", tc.text, got, tc.want)
		}
	}
}
