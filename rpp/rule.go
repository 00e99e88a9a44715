package rpp

import (
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/rppkit/rppkit/internal/suggest"
	"github.com/rppkit/rppkit/rmx"
)

// Severity says how bad a finding is.
type Severity int

// Severities, least severe first.
const (
	// Info marks work that is not needed but does no harm.
	Info Severity = iota
	// Warning marks a configuration the guidance advises against, or one
	// that breaks only in some circumstances.
	Warning
	// Error marks a configuration that does not work.
	Error
)

func (s Severity) String() string {
	switch s {
	case Info:
		return "info"
	case Warning:
		return "warning"
	case Error:
		return "error"
	}
	return fmt.Sprintf("Severity(%d)", int(s))
}

// MarshalText implements encoding.TextMarshaler: "error", "warning", "info".
func (s Severity) MarshalText() ([]byte, error) { return []byte(s.String()), nil }

// ErrUnknownSeverity is wrapped by the errors ParseSeverity returns.
var ErrUnknownSeverity = errors.New("unknown severity")

// ParseSeverity reads "error", "warning" or "info", in any case.
func ParseSeverity(s string) (Severity, error) {
	for _, v := range []Severity{Info, Warning, Error} {
		if strings.EqualFold(s, v.String()) {
			return v, nil
		}
	}
	return 0, fmt.Errorf("%w %q (want error, warning or info)", ErrUnknownSeverity, s)
}

// UnmarshalText implements encoding.TextUnmarshaler with ParseSeverity.
func (s *Severity) UnmarshalText(b []byte) error {
	v, err := ParseSeverity(string(b))
	if err == nil {
		*s = v
	}
	return err
}

// Rule is one check of the catalogue. A rule is a value: adding a check is
// adding a Rule to the catalogue, and Run is all the code it needs.
type Rule struct {
	// ID is stable and kebab-case; never renamed once published.
	ID string
	// Severity is the severity of the rule's findings.
	Severity Severity
	// Summary says in one line when the rule fires.
	Summary string
	// Doc explains why the configuration breaks, what an admin sees when it
	// does (alarm and error texts to search for) and how to fix it.
	Doc string
	// Source names the guidance the rule comes from.
	Source string
	// Symptoms are what an admin sees at the RMX when the rule's finding
	// is real: the alarm and status texts the RMX stand-in (rmx/rmxtest)
	// fails with too. Empty when the rule's effect does not show at the RMX.
	Symptoms []*rmx.Symptom
	// NotIgnorable marks a rule whose findings no suppression may silence:
	// what it finds breaks the integration outright, or hides other
	// findings, so an ignore: of it is a decode error (ErrNotIgnorable).
	NotIgnorable bool
	// Example shows the rule failing and passing on a bundled example
	// deployment file; its documentation page shows both.
	Example *Example
	// Run inspects pass.Deployment and reports findings with pass.Report.
	Run func(pass *Pass)
}

// DocBaseURL is where the rule pages live: DocBaseURL + ID + ".md".
const DocBaseURL = "https://github.com/rppkit/rppkit/blob/main/docs/rules/"

// URL returns the address of the rule's documentation page.
func (r *Rule) URL() string { return DocBaseURL + r.ID + ".md" }

// ErrUnknownRule is wrapped by the error LookupRule returns.
var ErrUnknownRule = errors.New("unknown rule")

// LookupRule returns the catalogue's rule with this ID, matched without
// regard to case. The error suggests the ID that was probably meant.
func LookupRule(id string) (*Rule, error) {
	rules := Catalogue()
	for _, r := range rules {
		if strings.EqualFold(r.ID, id) {
			return r, nil
		}
	}
	ids := make([]string, len(rules))
	for i, r := range rules {
		ids[i] = r.ID
	}
	return nil, unknownRule(id, ids)
}

// unknownRule is the error for a rule ID not among ids: it wraps
// ErrUnknownRule, quotes the ID (cut short if long) and suggests the ID
// probably meant.
func unknownRule(id string, ids []string) error {
	if s := suggest.Closest(id, ids); s != "" {
		return fmt.Errorf("%w %s (did you mean %s?)", ErrUnknownRule, quoteBounded(id), s)
	}
	return fmt.Errorf("%w %s (rpp rules lists them)", ErrUnknownRule, quoteBounded(id))
}

// Catalogue returns every rule rppkit knows, in a stable order: by the system
// they concern, then by ID. It returns new values on each call, so callers may
// change them (to adjust a severity, say) without affecting anyone else.
func Catalogue() []*Rule {
	var rules []*Rule
	for _, group := range [][]*Rule{lyncRules(), lyncFieldRules(), rmxRules(), rmxFlagRules(), dmaRules(), dmaFieldRules(), certRules(), certFieldRules(), dnsRules(), deploymentRules(), suppressionRules()} {
		rules = append(rules, group...)
	}
	markNotIgnorable(rules)
	attachExamples(rules)
	return rules
}

// Finding is one problem Check found.
type Finding struct {
	// Rule is the ID of the rule that found it.
	Rule     string   `json:"rule"`
	Severity Severity `json:"severity"`
	// Object names the system object at fault: rmx/NAME, dma/NAME, or
	// lync/KIND/NAME for topology objects, rpp for the deployment as a whole.
	Object string `json:"object"`
	// Field is the path of the field at fault in the deployment file, such
	// as rpp.rmx[0].sip.serverUserName.
	Field string `json:"field"`
	// File, Line and Column say where Field (or, when it is absent, its
	// nearest enclosing field) was written; empty for a Deployment built in
	// code.
	File    string `json:"file"`
	Line    int    `json:"line"`
	Column  int    `json:"column"`
	Message string `json:"message"`
	// Fix says what to do, in words.
	Fix string `json:"fix"`
	// Fixes are the fix as data, when it is mechanical: edits that a tool
	// (rpp check --fix, ApplyFixes, an editor) can apply.
	Fixes []SuggestedFix `json:"fixes,omitempty"`
	// DocURL is the address of the rule's documentation page.
	DocURL string `json:"docUrl"`
	// Suppressed is the suppression that silences the finding, nil when
	// it is not silenced. A suppressed finding is kept in the report but
	// counted apart (Summary.Suppressed) and never fails a check.
	Suppressed *Suppression `json:"suppressed,omitempty"`
}

// SuggestedFix is one way to fix a finding: a message and the edits that
// make it, as in golang.org/x/tools/go/analysis.
type SuggestedFix struct {
	Message string `json:"message"`
	Edits   []Edit `json:"edits"`
}

// Edit sets one field of the deployment file to a new value.
type Edit struct {
	// Field is the field path, such as rpp.rmx[0].sip.serverUserName.
	Field string `json:"field"`
	// Value is the new value, as it would be written in the file (a
	// scalar; the field's own type reads it, as the decoder does).
	Value string `json:"value"`
}

// SetTo is the commonest fix: set field to value.
func SetTo(message, field, value string) SuggestedFix {
	return SuggestedFix{Message: message, Edits: []Edit{{Field: field, Value: value}}}
}

// Replacement returns the value the first fix sets the finding's own field
// to, or "" when there is no such fix: what text output shows as "set to".
func (f Finding) Replacement() string {
	for _, fix := range f.Fixes {
		for _, e := range fix.Edits {
			if e.Field == f.Field {
				return e.Value
			}
		}
	}
	return ""
}

// Position returns where the finding points.
func (f Finding) Position() Position { return Position{File: f.File, Line: f.Line, Column: f.Column} }

// System returns the system the finding is about: "lync", "rmx", "dma" or
// "rpp" (the deployment as a whole).
func (f Finding) System() string {
	s, _, _ := strings.Cut(f.Object, "/")
	return s
}

// Summary counts findings by severity.
type Summary struct {
	Errors   int `json:"errors"`
	Warnings int `json:"warnings"`
	Info     int `json:"info"`
	// Suppressed counts the suppressed findings, which are not counted
	// by severity.
	Suppressed int `json:"suppressed"`
}

// Add counts one finding of severity s.
func (s *Summary) Add(sev Severity) {
	switch sev {
	case Error:
		s.Errors++
	case Warning:
		s.Warnings++
	default:
		s.Info++
	}
}

// Count counts f: by severity, or as suppressed.
func (s *Summary) Count(f Finding) {
	if f.Suppressed != nil {
		s.Suppressed++
		return
	}
	s.Add(f.Severity)
}

// Report is the result of Check.
type Report struct {
	// Findings are sorted by file, line, column, rule and object.
	Findings []Finding `json:"findings"`
	Summary  Summary   `json:"summary"`
	// Err is non-nil when the context ended before every rule ran; the
	// findings of the rules that ran are kept.
	Err error `json:"-"`
}

// Rules returns the IDs of the rules that fired, sorted, each once.
func (r Report) Rules() []string {
	ids := make([]string, 0, len(r.Findings))
	for _, f := range r.Findings {
		ids = append(ids, f.Rule)
	}
	slices.Sort(ids)
	return slices.Compact(ids)
}
