package main

import (
	"fmt"
	"github.com/rppkit/rppkit/rpp/report"
	"text/tabwriter"

	"github.com/rppkit/rppkit/rpp"
)

type rulesOptions struct {
	format formatFlag
}

func (o *rulesOptions) flagSet() *flagSet {
	fs := newFlagSet("rules")
	o.format = newFormatFlag("text", "json")
	fs.Var(&o.format, "format", "output `format`: "+orList(o.format.allowed))
	return fs
}

// ruleJSON is a rule as `rpp rules --format json` lists it.
type ruleJSON struct {
	ID       string       `json:"id"`
	Severity rpp.Severity `json:"severity"`
	Summary  string       `json:"summary"`
	Source   string       `json:"source"`
	Doc      string       `json:"doc"`
}

func runRules(inv *invocation, args []string) int {
	var opts rulesOptions
	operands, err := opts.flagSet().parse(args)
	if err != nil {
		return flagError(inv, "rules", err)
	}
	if len(operands) > 0 {
		return usageError(inv, "rules", "unexpected argument %s (rpp explain RULE-ID documents one rule)", quoteArg(operands[0]))
	}
	rules := rpp.Catalogue()
	if opts.format.value == "json" {
		list := make([]ruleJSON, len(rules))
		for i, r := range rules {
			list[i] = ruleJSON{ID: r.ID, Severity: r.Severity, Summary: r.Summary, Source: r.Source, Doc: r.Doc}
		}
		err = report.EncodeJSON(inv.stdout, list)
	} else {
		// One line a rule, in columns: the summaries are short enough to
		// keep most lines within 80 columns, and one line a rule keeps the
		// list greppable.
		tw := tabwriter.NewWriter(inv.stdout, 0, 0, 2, ' ', 0)
		for _, r := range rules {
			fmt.Fprintf(tw, "%s\t%s\t%s\n", r.ID, r.Severity, r.Summary)
		}
		err = tw.Flush()
	}
	if err != nil {
		fmt.Fprintf(inv.stderr, "rpp rules: %v\n", err)
		return exitInvalid
	}
	return exitOK
}
