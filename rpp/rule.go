package rpp

import (
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/rppkit/rppkit/internal/suggest"
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

// UnmarshalText implements encoding.TextUnmarshaler.
func (s *Severity) UnmarshalText(b []byte) error {
	for _, v := range []Severity{Info, Warning, Error} {
		if strings.EqualFold(string(b), v.String()) {
			*s = v
			return nil
		}
	}
	return fmt.Errorf("unknown severity %q (want error, warning or info)", b)
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
	// Run inspects pass.Deployment and reports findings with pass.Report.
	Run func(pass *Pass)
}

// ErrUnknownRule is wrapped by the error LookupRule returns.
var ErrUnknownRule = errors.New("unknown rule")

// LookupRule returns the catalogue's rule with this ID. The error suggests
// the ID that was probably meant.
func LookupRule(id string) (*Rule, error) {
	rules := Catalogue()
	for _, r := range rules {
		if r.ID == id {
			return r, nil
		}
	}
	ids := make([]string, len(rules))
	for i, r := range rules {
		ids[i] = r.ID
	}
	if s := suggest.Closest(id, ids); s != "" {
		return nil, fmt.Errorf("%w %q (did you mean %s?)", ErrUnknownRule, id, s)
	}
	return nil, fmt.Errorf("%w %q (rpp rules lists them)", ErrUnknownRule, id)
}

// Catalogue returns every rule rppkit knows, in a stable order: by the system
// they concern, then by ID. It returns new values on each call, so callers may
// change them (to adjust a severity, say) without affecting anyone else.
func Catalogue() []*Rule {
	var rules []*Rule
	for _, group := range [][]*Rule{lyncRules(), rmxRules(), dmaRules(), certRules(), deploymentRules()} {
		rules = append(rules, group...)
	}
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
	Column  int    `json:"-"`
	Message string `json:"message"`
	// Fix says what to do.
	Fix string `json:"fix"`
	// Replacement, when not empty, is the value Field should hold: the fix
	// as data, for tools that apply it.
	Replacement string `json:"-"`
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
