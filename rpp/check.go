package rpp

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/rppkit/rppkit/dma"
	"github.com/rppkit/rppkit/lync"
)

// ErrNoDeployment is Report.Err when Check is given a nil deployment.
var ErrNoDeployment = errors.New("rpp: no deployment to check")

// ErrInvalidRule is wrapped by the errors ValidateRules returns.
var ErrInvalidRule = errors.New("invalid rule")

// ValidateRules checks rules the way the catalogue's are checked, so a tool
// that adds its own rules learns of a mistake before it runs: each needs an
// ID that is kebab-case and unique, a known severity, a summary, a doc that
// says how to fix what it finds ("Fix:"), and a Run function. The error
// joins one error per problem, each wrapping ErrInvalidRule.
func ValidateRules(rules []*Rule) error {
	var errs []error
	bad := func(id, format string, args ...any) {
		errs = append(errs, fmt.Errorf("%w %q: %s", ErrInvalidRule, id, fmt.Sprintf(format, args...)))
	}
	seen := make(map[string]bool, len(rules))
	for i, r := range rules {
		if r == nil {
			bad(fmt.Sprintf("#%d", i), "nil rule")
			continue
		}
		switch {
		case r.ID == "":
			bad(fmt.Sprintf("#%d", i), "no ID")
		case !isKebab(r.ID):
			bad(r.ID, "the ID is not kebab-case (lower-case words joined by '-')")
		case seen[r.ID]:
			bad(r.ID, "the ID is used twice")
		}
		seen[r.ID] = true
		if r.Severity < Info || r.Severity > Error {
			bad(r.ID, "unknown severity %d", int(r.Severity))
		}
		if r.Run == nil {
			bad(r.ID, "no Run function")
		}
		if strings.TrimSpace(r.Summary) == "" {
			bad(r.ID, "no summary")
		}
		if !strings.Contains(r.Doc, "Fix:") {
			bad(r.ID, "the doc does not say how to fix what the rule finds (a paragraph beginning \"Fix:\")")
		}
	}
	return errors.Join(errs...)
}

// isKebab reports whether id is lower-case words of letters and digits
// joined by single hyphens, such as cert-wildcard.
func isKebab(id string) bool {
	words := strings.Split(id, "-")
	for _, w := range words {
		if w == "" || strings.Trim(w, "abcdefghijklmnopqrstuvwxyz0123456789") != "" {
			return false
		}
	}
	return len(words) > 1
}

// Options tune Check. The zero Options runs the whole catalogue.
type Options struct {
	// Rules are the rules to run; nil means Catalogue().
	Rules []*Rule
	// ReleasePairs is what is known of DMA/RMX release pairs for
	// RealConnect: tested together, or known to fail. nil means
	// dma.ReleasePairs(); append to that to extend it.
	ReleasePairs []dma.ReleasePair
	// Config holds severity overrides, suppressions by object name and
	// release pairs (appended to ReleasePairs), usually read from
	// .rpp.yaml with LoadConfig; nil means none. A rule it turns off does
	// not run, as if it were not in Rules.
	Config *Config
	// Now is the clock suppressions' expires dates are compared with; the
	// zero Time means time.Now() when Check is called. Rules never read
	// the clock.
	Now time.Time
	// NoSuppress is audit mode: every finding is reported as if nothing
	// were suppressed, and suppressions are not judged (no
	// suppression-expired or suppression-unused findings).
	NoSuppress bool
}

// Pass is what a rule's Run sees: the deployment, the lookups over its
// topology, and the way to report.
type Pass struct {
	Rule       *Rule
	Deployment *Deployment
	// Topology indexes Deployment.Lync.
	Topology *lync.Index

	facts  *facts
	sup    *suppressState
	report func(Finding)
}

// Report records a finding of the pass's rule. Rule, Severity and DocURL
// are filled in from the rule, and the position from the deployment's record
// of where f.Field was written. In f.Fixes, an edit without a Field edits
// f.Field, and a fix without a Message takes f.Fix.
func (p *Pass) Report(f Finding) {
	p.reportAt(f, p.Deployment.Position(f.Field))
}

// reportAt is Report at pos, for a finding about something written
// outside the deployment file's fields (a suppression in .rpp.yaml).
func (p *Pass) reportAt(f Finding, pos Position) {
	f.Rule, f.Severity, f.DocURL = p.Rule.ID, p.Rule.Severity, p.Rule.URL()
	f.File, f.Line, f.Column = pos.File, pos.Line, pos.Column
	for i := range f.Fixes {
		fix := &f.Fixes[i]
		if fix.Message == "" {
			fix.Message = f.Fix
		}
		for j := range fix.Edits {
			if fix.Edits[j].Field == "" {
				fix.Edits[j].Field = f.Field
			}
		}
	}
	p.report(f)
}

// fixTo is the fix of a finding whose field should hold value (see Report).
func fixTo(value string) []SuggestedFix {
	return []SuggestedFix{{Edits: []Edit{{Value: value}}}}
}

// Check runs the rules over d and returns every finding. It does not change
// d. Rules run in catalogue order; if ctx ends first, the report holds the
// findings so far and Err says why it stopped.
//
// Check refuses, with Report.Err and no findings, what it cannot judge: a
// nil deployment (ErrNoDeployment), a set of rules that ValidateRules
// rejects (ErrInvalidRule), and a deployment built in code that Validate
// rejects (its *DecodeError). It never reports "no findings" for something
// it did not check.
//
// Suppressions (the deployment's ignore: blocks and opts.Config's) are
// applied after the rules ran: a finding they cover is kept, with
// Finding.Suppressed set, and counted in Summary.Suppressed rather than by
// severity. Then the rules about suppressions run, if they are in the
// rules: suppression-expired for each suppression past its date (which
// silences nothing), suppression-unused for each that silenced nothing of a
// rule that ran. opts.Config's severity overrides apply last, to every
// finding.
func Check(ctx context.Context, d *Deployment, opts Options) Report {
	rules := opts.Rules
	if rules == nil {
		rules = Catalogue()
	} else if err := ValidateRules(rules); err != nil {
		return Report{Err: err}
	}
	if d == nil {
		return Report{Err: ErrNoDeployment}
	}
	if err := d.checkable(); err != nil {
		return Report{Err: err}
	}
	pairs := opts.ReleasePairs
	if pairs == nil {
		pairs = dma.ReleasePairs()
	}
	if opts.Config != nil {
		pairs = append(slices.Clip(pairs), opts.Config.ReleasePairs...)
	}
	now := opts.Now
	if now.IsZero() {
		now = time.Now()
	}
	rules = opts.Config.enabled(rules)
	// The rules about suppressions judge what the others found, so they
	// run last.
	late := slices.DeleteFunc(slices.Clone(rules), func(r *Rule) bool { return !isSuppressionRule(r.ID) })
	rules = slices.DeleteFunc(slices.Clone(rules), func(r *Rule) bool { return isSuppressionRule(r.ID) })
	topo := d.Lync.Index()
	var r Report
	pass := &Pass{
		Deployment: d,
		Topology:   topo,
		facts:      newFacts(d, topo, pairs),
		sup:        newSuppressState(d, opts.Config, now),
		report:     func(f Finding) { r.Findings = append(r.Findings, f) },
	}
	for _, rule := range rules {
		if err := ctx.Err(); err != nil {
			r.Err = err
			break
		}
		pass.Rule = rule
		pass.sup.ran[rule.ID] = true
		rule.Run(pass)
	}
	if !opts.NoSuppress {
		pass.sup.apply(r.Findings)
		// Whether a suppression is used is known only once every rule
		// ran.
		for _, rule := range late {
			if r.Err != nil {
				break
			}
			pass.Rule = rule
			rule.Run(pass)
		}
	}
	opts.Config.override(r.Findings)
	slices.SortStableFunc(r.Findings, func(a, b Finding) int {
		return cmp.Or(cmp.Compare(a.File, b.File), cmp.Compare(a.Line, b.Line), cmp.Compare(a.Column, b.Column),
			cmp.Compare(a.Rule, b.Rule), cmp.Compare(a.Object, b.Object))
	})
	for _, f := range r.Findings {
		r.Summary.Count(f)
	}
	return r
}
