package main

import (
	"fmt"

	"github.com/rppkit/rppkit/rpp"
)

func runExplain(inv *invocation, args []string) int {
	ids, err := parseFlags(newFlagSet("explain"), args)
	if err != nil {
		return flagError(inv, "explain", err)
	}
	if len(ids) != 1 {
		return usageError(inv, "explain", "want one RULE-ID, got %d (rpp rules lists them)", len(ids))
	}
	r, err := rpp.LookupRule(ids[0])
	if err != nil {
		fmt.Fprintf(inv.stderr, "rpp explain: %s\n", sanitize(err.Error()))
		return exitInvalid
	}
	p := &printer{w: inv.stdout}
	writeRule(p, r)
	if p.err != nil {
		fmt.Fprintf(inv.stderr, "rpp explain: %v\n", p.err)
		return exitInvalid
	}
	return exitOK
}

// writeRule writes a rule's card: the facts, aligned, then its doc as the
// rule's author wrapped it.
func writeRule(p *printer, r *rpp.Rule) {
	const hang = "          " // under the values of the labels below
	p.wrapped(r.ID, "ID:       ", hang)
	p.wrapped(r.Severity.String(), "Severity: ", hang)
	p.wrapped(r.Summary, "Summary:  ", hang)
	p.wrapped(r.Source, "Source:   ", hang)
	p.line("")
	p.line(r.Doc)
}
