package main

import (
	"fmt"

	"github.com/rppkit/rppkit/internal/textfmt"
	"github.com/rppkit/rppkit/rpp"
)

// runExplain prints the card of each rule named, in the order given; IDs
// match without regard to case. An unknown ID is reported (with the closest
// known one) and makes the exit status 2, but the others are still shown.
func runExplain(inv *invocation, args []string) int {
	ids, err := newFlagSet("explain").parse(args)
	if err != nil {
		return flagError(inv, "explain", err)
	}
	if len(ids) == 0 {
		return usageError(inv, "explain", "name at least one RULE-ID (rpp rules lists them)")
	}
	code := exitOK
	p := &textfmt.Printer{W: inv.stdout}
	shown := 0
	for _, id := range ids {
		r, err := rpp.LookupRule(id)
		if err != nil {
			fmt.Fprintf(inv.stderr, "rpp explain: %s\n", textfmt.Sanitize(err.Error()))
			code = exitInvalid
			continue
		}
		if shown > 0 {
			p.Line("")
			p.Line("")
		}
		writeRule(p, r)
		shown++
	}
	if p.Err() != nil {
		fmt.Fprintf(inv.stderr, "rpp explain: %v\n", p.Err())
		return exitInvalid
	}
	return code
}

// writeRule writes a rule's card: the facts, aligned, then its doc as the
// rule's author wrapped it.
func writeRule(p *textfmt.Printer, r *rpp.Rule) {
	const hang = "          " // under the values of the labels below
	p.Wrapped(r.ID, "ID:       ", hang)
	p.Wrapped(r.Severity.String(), "Severity: ", hang)
	p.Wrapped(r.Summary, "Summary:  ", hang)
	p.Wrapped(r.Source, "Source:   ", hang)
	p.Wrapped(r.URL(), "Docs:     ", hang)
	for i, s := range r.Symptoms {
		label := "Symptoms: "
		if i > 0 {
			label = hang
		}
		p.Wrapped(fmt.Sprintf("%q (%s)", s.Text, s.Where), label, hang)
	}
	p.Line("")
	p.Line(r.Doc)
}
