package rpp

import (
	"cmp"
	"context"
	"slices"

	"github.com/rppkit/rppkit/dma"
	"github.com/rppkit/rppkit/lync"
)

// Options tune Check. The zero Options runs the whole catalogue.
type Options struct {
	// Rules are the rules to run; nil means Catalogue().
	Rules []*Rule
	// ReleasePairs is what is known of DMA/RMX release pairs for
	// RealConnect: tested together, or known to fail. nil means
	// dma.ReleasePairs(); append to that to extend it.
	ReleasePairs []dma.ReleasePair
}

// Pass is what a rule's Run sees: the deployment, the lookups over its
// topology, and the way to report.
type Pass struct {
	Rule       *Rule
	Deployment *Deployment
	// Topology indexes Deployment.Lync.
	Topology *lync.Index

	facts  *facts
	report func(Finding)
}

// Report records a finding of the pass's rule. Rule, Severity and DocURL
// are filled in from the rule, and the position from the deployment's record
// of where f.Field was written. In f.Fixes, an edit without a Field edits
// f.Field, and a fix without a Message takes f.Fix.
func (p *Pass) Report(f Finding) {
	f.Rule, f.Severity, f.DocURL = p.Rule.ID, p.Rule.Severity, p.Rule.URL()
	pos := p.Deployment.Position(f.Field)
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
func Check(ctx context.Context, d *Deployment, opts Options) Report {
	rules := opts.Rules
	if rules == nil {
		rules = Catalogue()
	}
	pairs := opts.ReleasePairs
	if pairs == nil {
		pairs = dma.ReleasePairs()
	}
	topo := d.Lync.Index()
	var r Report
	pass := &Pass{
		Deployment: d,
		Topology:   topo,
		facts:      newFacts(d, topo, pairs),
		report:     func(f Finding) { r.Findings = append(r.Findings, f) },
	}
	for _, rule := range rules {
		if err := ctx.Err(); err != nil {
			r.Err = err
			break
		}
		pass.Rule = rule
		rule.Run(pass)
	}
	slices.SortStableFunc(r.Findings, func(a, b Finding) int {
		return cmp.Or(cmp.Compare(a.File, b.File), cmp.Compare(a.Line, b.Line), cmp.Compare(a.Column, b.Column),
			cmp.Compare(a.Rule, b.Rule), cmp.Compare(a.Object, b.Object))
	})
	for _, f := range r.Findings {
		r.Summary.Add(f.Severity)
	}
	return r
}
