package main

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"text/tabwriter"

	"github.com/rppkit/rppkit/rpp"
	"github.com/rppkit/rppkit/rpp/report"
)

type rulesOptions struct {
	format formatFlag
	out    string
}

func (o *rulesOptions) flagSet() *flagSet {
	fs := newFlagSet("rules")
	o.format = newFormatFlag("text", "json", "markdown")
	fs.Var(&o.format, "format", "output `format`: "+orList(o.format.allowed)+"; markdown writes one page per rule, and an index, into --out")
	fs.String(&o.out, "out", "the `directory` --format markdown writes its pages into (made when missing; other files there are left alone)")
	return fs
}

// ruleJSON is a rule as `rpp rules --format json` lists it.
type ruleJSON struct {
	ID       string       `json:"id"`
	Severity rpp.Severity `json:"severity"`
	Summary  string       `json:"summary"`
	Source   string       `json:"source"`
	Doc      string       `json:"doc"`
	// NotIgnorable says an ignore: of the rule is an error.
	NotIgnorable bool   `json:"notIgnorable"`
	URL          string `json:"url"`
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
	if (opts.out != "") != (opts.format.value == "markdown") {
		return usageError(inv, "rules", "--out DIR goes with --format markdown, and --format markdown needs --out DIR")
	}
	rules := rpp.Catalogue()
	switch opts.format.value {
	case "markdown":
		return writeRuleDocs(inv, opts.out, rules)
	case "json":
		list := make([]ruleJSON, len(rules))
		for i, r := range rules {
			list[i] = ruleJSON{ID: r.ID, Severity: r.Severity, Summary: r.Summary, Source: r.Source, Doc: r.Doc,
				NotIgnorable: r.NotIgnorable, URL: r.URL()}
		}
		err = report.EncodeJSON(inv.stdout, list)
	default:
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

// writeRuleDocs writes the rule pages and their index into dir, each file
// atomically, in a stable order; files of dir that are not pages are left
// alone.
func writeRuleDocs(inv *invocation, dir string, rules []*rpp.Rule) int {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		fmt.Fprintf(inv.stderr, "rpp rules: %v\n", err)
		return exitInvalid
	}
	docs := report.RuleDocs(rules)
	names := make([]string, 0, len(docs))
	for name := range docs {
		names = append(names, name)
	}
	slices.Sort(names)
	for _, name := range names {
		if err := inv.ctx.Err(); err != nil {
			fmt.Fprintf(inv.stderr, "rpp rules: interrupted after some pages: %v\n", err)
			return exitInterrupted
		}
		if err := writeFileAtomic(filepath.Join(dir, name), []byte(docs[name]), 0o644); err != nil {
			fmt.Fprintf(inv.stderr, "rpp rules: %v\n", err)
			return exitInvalid
		}
	}
	fmt.Fprintf(inv.stderr, "wrote %d rule pages and README.md to %s\n", len(rules), dir)
	return exitOK
}
