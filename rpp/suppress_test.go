package rpp

import (
	"context"
	"errors"
	"io/fs"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/rppkit/rppkit/examples"
)

// Edits of single-site.yaml for the suppression tests: weakEncryption makes
// rmx-encryption fire on rmx1's profile (field
// rpp.rmx[0].conferenceProfiles[0].encryption, object rmx/rmx1).
const (
	profileLine    = "{name: default, encryption: whenAvailable}"
	weakEncryption = "{name: default, encryption: none}"
	rmx1Line       = "    - name: rmx1\n"
	rmx2Line       = "    - name: rmx2\n"
	rppLine        = "rpp:\n"
)

// singleSiteWith returns single-site.yaml with each old text (which must occur
// exactly once) replaced by the new one that follows it.
func singleSiteWith(t testing.TB, pairs ...string) []byte {
	t.Helper()
	b, err := fs.ReadFile(examples.FS, "single-site.yaml")
	if err != nil {
		t.Fatal(err)
	}
	s := string(b)
	for i := 0; i+1 < len(pairs); i += 2 {
		if n := strings.Count(s, pairs[i]); n != 1 {
			t.Fatalf("%q occurs %d times in single-site.yaml", pairs[i], n)
		}
		s = strings.Replace(s, pairs[i], pairs[i+1], 1)
	}
	return []byte(s)
}

// onRMX1 puts an ignore block (its lines, indented for rmx1's fields) on
// rmx1.
func onRMX1(block string) []string {
	return []string{rmx1Line, rmx1Line + "      ignore:\n" + indent(block, "        ")}
}

func indent(s, by string) string {
	var b strings.Builder
	for _, l := range strings.Split(strings.TrimSuffix(s, "\n"), "\n") {
		b.WriteString(by + l + "\n")
	}
	return b.String()
}

var june1 = time.Date(2026, 6, 1, 15, 0, 0, 0, time.UTC)

// suppressCases each check a deployment with suppressions and say which
// findings must be active and which suppressed: each behaviour once acting
// and once silent.
var suppressCases = []struct {
	name       string
	edits      []string
	opts       Options
	active     []string
	suppressed []string
}{
	{"no suppression: the finding is active", []string{profileLine, weakEncryption}, Options{},
		[]string{"rmx-encryption"}, nil},
	{"on the object: suppressed", append([]string{profileLine, weakEncryption},
		onRMX1("rmx-encryption: {reason: \"lab RMX, no media leaves the room\"}")...), Options{},
		nil, []string{"rmx-encryption"}},
	{"on the field's own mapping (a conference profile, flow style): suppressed",
		[]string{profileLine, "{name: default, encryption: none, ignore: {rmx-encryption: {reason: lab}}}"}, Options{},
		nil, []string{"rmx-encryption"}},
	{"on the rpp mapping itself: suppressed", []string{profileLine, weakEncryption,
		rppLine, rppLine + "  ignore:\n    rmx-encryption: {reason: lab}\n"}, Options{},
		nil, []string{"rmx-encryption"}},
	{"on another object: not suppressed, and unused", []string{profileLine, weakEncryption,
		rmx2Line, rmx2Line + "      ignore: {rmx-encryption: {reason: lab}}\n"}, Options{},
		[]string{"rmx-encryption", "suppression-unused"}, nil},
	{"of another rule: not suppressed, and unused", append([]string{profileLine, weakEncryption},
		onRMX1("rmx-sfb-version: {reason: lab}")...), Options{},
		[]string{"rmx-encryption", "suppression-unused"}, nil},
	{"with nothing to silence: unused", onRMX1("rmx-encryption: {reason: lab}"), Options{},
		[]string{"suppression-unused"}, nil},
	{"of a rule that did not run: not unused", onRMX1("rmx-encryption: {reason: lab}"),
		Options{Rules: slices.DeleteFunc(Catalogue(), func(r *Rule) bool { return r.ID == "rmx-encryption" })},
		nil, nil},
	{"unused, but suppression-unused off in the config", onRMX1("rmx-encryption: {reason: lab}"),
		Options{Config: &Config{Severity: map[string]Override{RuleSuppressionUnused: {Off: true}}}},
		nil, nil},
	{"expired yesterday: active again, and expired", append([]string{profileLine, weakEncryption},
		onRMX1("rmx-encryption: {reason: lab, expires: 2026-05-31}")...), Options{Now: june1},
		[]string{"rmx-encryption", "suppression-expired"}, nil},
	{"expiring today: still suppressed", append([]string{profileLine, weakEncryption},
		onRMX1("rmx-encryption: {reason: lab, expires: 2026-06-01}")...), Options{Now: june1},
		nil, []string{"rmx-encryption"}},
	{"expired with nothing to silence: expired, not also unused",
		onRMX1("rmx-encryption: {reason: lab, expires: 2026-05-31}"), Options{Now: june1},
		[]string{"suppression-expired"}, nil},
	{"--no-suppress: everything active, suppressions not judged", append([]string{profileLine, weakEncryption,
		rmx2Line, rmx2Line + "      ignore: {rmx-sfb-version: {reason: lab, expires: 2020-01-01}}\n"},
		onRMX1("rmx-encryption: {reason: lab}")...), Options{NoSuppress: true},
		[]string{"rmx-encryption"}, nil},
	{"config: by object name, suppressed", []string{profileLine, weakEncryption},
		Options{Config: &Config{Suppressions: []Suppression{{Rule: "rmx-encryption", Target: "rmx/rmx1", Reason: "lab", Source: InConfig}}}},
		nil, []string{"rmx-encryption"}},
	{"config: another object's name, not suppressed and unused", []string{profileLine, weakEncryption},
		Options{Config: &Config{Suppressions: []Suppression{{Rule: "rmx-encryption", Target: "rmx/rmx2", Reason: "lab", Source: InConfig}}}},
		[]string{"rmx-encryption", "suppression-unused"}, nil},
	{"config: expired", []string{profileLine, weakEncryption},
		Options{Now: june1, Config: &Config{Suppressions: []Suppression{{Rule: "rmx-encryption", Target: "rmx/rmx1", Reason: "lab", Expires: "2026-01-31", Source: InConfig}}}},
		[]string{"rmx-encryption", "suppression-expired"}, nil},
	{"config: rule off, it does not run", []string{profileLine, weakEncryption},
		Options{Config: &Config{Severity: map[string]Override{"rmx-encryption": {Off: true}}}},
		nil, nil},
}

func TestSuppressions(t *testing.T) {
	for _, tc := range suppressCases {
		t.Run(tc.name, func(t *testing.T) {
			d, err := Parse("s.yaml", singleSiteWith(t, tc.edits...))
			if err != nil {
				t.Fatal(err)
			}
			r := Check(context.Background(), d, tc.opts)
			var active, suppressed []string
			for _, f := range r.Findings {
				if f.Suppressed != nil {
					suppressed = append(suppressed, f.Rule)
					if f.Suppressed.Reason == "" || f.Suppressed.Line == 0 && f.Suppressed.Source == InDeployment {
						t.Errorf("suppression without reason or position: %+v", f.Suppressed)
					}
				} else {
					active = append(active, f.Rule)
				}
				if f.Message == "" || f.Fix == "" || f.Object == "" {
					t.Errorf("incomplete finding: %+v", f)
				}
			}
			slices.Sort(active)
			slices.Sort(suppressed)
			if diff := cmp.Diff(tc.active, active, cmpopts.EquateEmpty()); diff != "" {
				t.Errorf("active findings (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(tc.suppressed, suppressed, cmpopts.EquateEmpty()); diff != "" {
				t.Errorf("suppressed findings (-want +got):\n%s", diff)
			}
			if r.Summary.Suppressed != len(suppressed) || r.Summary.Errors+r.Summary.Warnings+r.Summary.Info != len(active) {
				t.Errorf("summary %+v for %d active, %d suppressed", r.Summary, len(active), len(suppressed))
			}
		})
	}
}

// TestSuppressionFindingsPointAtTheSuppression: an unused or expired
// suppression in the deployment is reported where its rule ID is written.
func TestSuppressionFindingsPointAtTheSuppression(t *testing.T) {
	data := singleSiteWith(t, onRMX1("rmx-encryption: {reason: lab}")...)
	d, err := Parse("s.yaml", data)
	if err != nil {
		t.Fatal(err)
	}
	r := Check(context.Background(), d, Options{})
	if len(r.Findings) != 1 {
		t.Fatalf("findings %+v", r.Findings)
	}
	f := r.Findings[0]
	line := strings.Split(string(data), "\n")[f.Line-1]
	if f.Field != "rpp.rmx[0].ignore.rmx-encryption" || !strings.Contains(line, "rmx-encryption:") || f.Column != strings.Index(line, "rmx-encryption")+1 {
		t.Errorf("finding at %s:%d:%d field %s, line %q", f.File, f.Line, f.Column, f.Field, line)
	}
	got := d.Suppressions()
	want := []Suppression{{Rule: "rmx-encryption", Target: "rpp.rmx[0]", Reason: "lab", Source: InDeployment, File: "s.yaml", Line: f.Line, Column: f.Column}}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("Suppressions (-want +got):\n%s", diff)
	}
}

func TestFieldWithin(t *testing.T) {
	for _, tc := range []struct {
		field, path string
		want        bool
	}{
		{"rpp.rmx[1]", "rpp.rmx[1]", true},
		{"rpp.rmx[1].sip.server", "rpp.rmx[1]", true},
		{"rpp.rmx[1].vmrs[0]", "rpp.rmx[1].vmrs", true},
		{"rpp.rmx[10].sip", "rpp.rmx[1]", false},
		{"rpp.rmxx", "rpp.rmx", false},
		{"rpp", "rpp.rmx[1]", false},
		{"anything", "", false},
	} {
		if got := fieldWithin(tc.field, tc.path); got != tc.want {
			t.Errorf("fieldWithin(%q, %q) = %v", tc.field, tc.path, got)
		}
	}
}

// TestSuppressionErrors: a suppression that cannot be honoured is a decode
// error naming the line and the rule, never a silent no-op.
func TestSuppressionErrors(t *testing.T) {
	for _, tc := range []struct {
		name  string
		block string
		is    error
		line  int // of the error, counted from the ignore: line (1)
		want  string
	}{
		{"no reason", "rmx-encryption: {expires: 2027-03-31}", ErrMissingField, 2, "rmx-encryption needs a reason"},
		{"empty reason", "rmx-encryption:\n  reason: \"  \"", ErrMissingField, 3, "rmx-encryption needs a reason"},
		{"null entry", "rmx-encryption:", ErrWrongType, 2, "want a mapping"},
		{"unknown rule", "rmx-encrypton: {reason: lab}", ErrUnknownRule, 2, "did you mean rmx-encryption?"},
		{"not ignorable", "cert-wildcard: {reason: we like wildcards}", ErrNotIgnorable, 2, "cert-wildcard"},
		{"not ignorable: suppression-unused", "suppression-unused: {reason: x}", ErrNotIgnorable, 2, "suppression-unused"},
		{"bad date", "rmx-encryption: {reason: lab, expires: 31/03/2027}", ErrInvalidDate, 2, "31/03/2027"},
		{"not a date at all", "rmx-encryption: {reason: lab, expires: [2027]}", ErrWrongType, 2, "want a date"},
		{"unknown key", "rmx-encryption: {reason: lab, expiry: 2027-03-31}", ErrUnknownField, 2, "did you mean expires?"},
		{"rule twice", "rmx-encryption: {reason: a}\nrmx-encryption: {reason: b}", ErrDuplicateKey, 3, "first at line"},
		{"a list", "- rmx-encryption", ErrWrongType, 2, "want a mapping of rule IDs"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			data := singleSiteWith(t, onRMX1(tc.block)...)
			ignoreLine := strings.Count(string(data[:strings.Index(string(data), "      ignore:")]), "\n") + 1
			_, err := Parse("s.yaml", data)
			var de *DecodeError
			if !errors.As(err, &de) || !errors.Is(err, tc.is) {
				t.Fatalf("Parse = %v; want a *DecodeError wrapping %v", err, tc.is)
			}
			fe := de.Errs[0]
			if fe.Pos.Line != ignoreLine+tc.line-1 || !strings.Contains(fe.Error(), tc.want) || !strings.HasPrefix(fe.Field, "rpp.rmx[0].ignore") {
				t.Errorf("error %q at line %d (want line %d, %q)", fe.Error(), fe.Pos.Line, ignoreLine+tc.line-1, tc.want)
			}
		})
	}
}

func TestIgnoreNotAtTheTop(t *testing.T) {
	_, err := Parse("s.yaml", singleSiteWith(t, "lync:\n", "ignore: {rmx-encryption: {reason: lab}}\nlync:\n"))
	if !errors.Is(err, ErrUnknownField) {
		t.Errorf("ignore at the top level: %v; want ErrUnknownField", err)
	}
	_, err = Parse("s.yaml", singleSiteWith(t, rmx1Line, rmx1Line+"      ignore: {}\n      ignore: {}\n"))
	if !errors.Is(err, ErrDuplicateKey) {
		t.Errorf("ignore twice: %v; want ErrDuplicateKey", err)
	}
	// One level too deep, among the RMX's flags: the error says where it
	// goes instead of only that a flag is text.
	_, err = Parse("s.yaml", singleSiteWith(t, "      flags:\n", "      flags:\n        ignore: {rmx-encryption: {reason: lab}}\n"))
	var de *DecodeError
	if !errors.As(err, &de) || !errors.Is(err, ErrWrongType) || de.Errs[0].Field != "rpp.rmx[0].flags.ignore" ||
		!strings.Contains(de.Errs[0].Error(), "put it beside this mapping, on the object itself") {
		t.Errorf("ignore inside flags: %v", err)
	}
}

// TestSuppressionsSurviveSet: Set keeps the deployment's suppressions.
func TestSuppressionsSurviveClone(t *testing.T) {
	d, err := Parse("s.yaml", singleSiteWith(t, onRMX1("rmx-encryption: {reason: lab}")...))
	if err != nil {
		t.Fatal(err)
	}
	if got := d.clone().Suppressions(); len(got) != 1 || got[0].Rule != "rmx-encryption" {
		t.Errorf("clone lost the suppressions: %+v", got)
	}
}

func TestNotIgnorableRules(t *testing.T) {
	want := []string{"cert-wildcard", "rmx-ice-method-unsupported", "rpp-component-not-in-topology", RuleSuppressionExpired, RuleSuppressionUnused}
	var got []string
	for _, r := range Catalogue() {
		if r.NotIgnorable {
			got = append(got, r.ID)
		}
	}
	slices.Sort(want)
	slices.Sort(got)
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("not ignorable (-want +got):\n%s", diff)
	}
}

// TestSuppressedFindingsAreNotFixed: ApplyFixes leaves a suppressed
// finding's field as written, and fixes it once it is not suppressed.
func TestSuppressedFindingsAreNotFixed(t *testing.T) {
	src := singleSiteWith(t, profileLine, weakEncryption)
	f := Finding{Rule: "rmx-encryption", Field: "rpp.rmx[0].conferenceProfiles[0].encryption",
		Fixes:      []SuggestedFix{SetTo("encrypt", "rpp.rmx[0].conferenceProfiles[0].encryption", "whenAvailable")},
		Suppressed: &Suppression{Rule: "rmx-encryption", Target: "rpp.rmx[0]", Reason: "lab", Source: InDeployment}}
	out, err := ApplyFixes(src, []Finding{f})
	if err != nil || string(out) != string(src) {
		t.Errorf("a suppressed finding was fixed (err %v)", err)
	}
	f.Suppressed = nil
	out, err = ApplyFixes(src, []Finding{f})
	if err != nil || !strings.Contains(string(out), profileLine) {
		t.Errorf("an active finding was not fixed (err %v):\n%s", err, out)
	}
}

// TestIgnoreMisspelt: a misspelt ignore key is an unknown field whose
// message suggests ignore.
func TestIgnoreMisspelt(t *testing.T) {
	_, err := Parse("s.yaml", singleSiteWith(t, rmx1Line, rmx1Line+"      ignroe: {rmx-encryption: {reason: lab}}\n"))
	if !errors.Is(err, ErrUnknownField) || !strings.Contains(err.Error(), "did you mean ignore?") {
		t.Errorf("Parse = %v; want an unknown field suggesting ignore", err)
	}
}

// TestSetRefusesSuppressions: Set cannot smuggle in a suppression that the
// file does not show.
func TestSetRefusesSuppressions(t *testing.T) {
	d, err := Parse("s.yaml", singleSiteWith(t))
	if err != nil {
		t.Fatal(err)
	}
	err = d.Set("rpp.rmx[0].conferenceProfiles[0]", "{name: default, encryption: none, ignore: {rmx-encryption: {reason: x}}}")
	if !errors.Is(err, ErrUnsupported) {
		t.Errorf("Set with an ignore block = %v; want ErrUnsupported", err)
	}
	if err := d.Set("rpp.rmx[0].conferenceProfiles[0]", "{name: default, encryption: none}"); err != nil {
		t.Errorf("Set without one: %v", err)
	}
}

// TestSuppressionsInAnIncompleteReport: when the context ends early, the
// findings so far are still marked, but no suppression is judged unused.
func TestSuppressionsInAnIncompleteReport(t *testing.T) {
	d, err := Parse("s.yaml", singleSiteWith(t, append([]string{profileLine, weakEncryption},
		onRMX1("rmx-encryption: {reason: lab}\nrmx-sfb-version: {reason: lab}")...)...))
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	rules := Catalogue()
	stop := &Rule{ID: "stop-here", Severity: Info, Summary: "s", Doc: "Fix: x", Source: "test", Run: func(*Pass) { cancel() }}
	i := slices.IndexFunc(rules, func(r *Rule) bool { return r.ID == "rmx-encryption" })
	rules = slices.Insert(rules, i+1, stop)
	r := Check(ctx, d, Options{Rules: rules})
	if r.Err == nil {
		t.Fatal("Check ran to the end")
	}
	if got := fired(r); !slices.Equal(got, []string{"rmx-encryption"}) || r.Findings[0].Suppressed == nil {
		t.Errorf("findings %v (suppressed %v); want rmx-encryption, suppressed, and no suppression-unused", got, r.Findings[0].Suppressed)
	}
}
