package main

import (
	"flag"
	"fmt"
	"strings"
	"text/tabwriter"

	"github.com/rppkit/rppkit/conformance"
)

type conformanceOptions struct {
	format  formatFlag
	run     prefixList
	level   string
	lenient bool
	list    bool
}

// prefixList is a repeatable --run flag; each value may also hold
// comma-separated prefixes.
type prefixList []string

func (p *prefixList) String() string { return strings.Join(*p, ",") }

func (p *prefixList) Set(s string) error {
	for _, v := range strings.Split(s, ",") {
		if v = strings.TrimSpace(v); v != "" {
			*p = append(*p, v)
		}
	}
	return nil
}

func (o *conformanceOptions) flagSet() *flag.FlagSet {
	fs := newFlagSet("conformance")
	o.format = newFormatFlag("text", "json", "junit")
	fs.Var(&o.format, "format", "report `format`: "+orList(o.format.allowed))
	fs.Var(&o.run, "run", "run only the cases whose ID begins with `PREFIX` (repeatable, or comma-separated)")
	fs.StringVar(&o.level, "level", "", "run only the cases of this `level`: must or should")
	fs.BoolVar(&o.lenient, "lenient", false, "report failing should-level cases as skips, with the reason")
	fs.BoolVar(&o.list, "list", false, "list the selected cases instead of running them")
	return fs
}

// runConformance runs the conformance kit against rppkit itself
// (conformance.Reference) and reports per case. Exit 0 when no case fails,
// 1 when one does, 2 for a usage error.
func runConformance(inv *invocation, args []string) int {
	var opts conformanceOptions
	operands, err := parseFlags(opts.flagSet(), args)
	if err != nil {
		return flagError(inv, "conformance", err)
	}
	if len(operands) > 0 {
		return usageError(inv, "conformance", "unexpected argument %q", operands[0])
	}
	var sel []conformance.Option
	if len(opts.run) > 0 {
		sel = append(sel, conformance.Prefix(opts.run...))
	}
	if opts.level != "" {
		sel = append(sel, conformance.OnlyLevel(conformance.Level(opts.level)))
	}
	if opts.lenient {
		sel = append(sel, conformance.Lenient())
	}
	if opts.list {
		return listCases(inv, opts, sel)
	}
	res, err := conformance.Evaluate(inv.ctx, conformance.Reference{}, sel...)
	if err != nil {
		fmt.Fprintf(inv.stderr, "rpp conformance: %v\n", err)
		return exitInvalid
	}
	if len(res.Cases) == 0 {
		fmt.Fprintf(inv.stderr, "rpp conformance: no case matches %s\n", opts.run.String())
		return exitInvalid
	}
	switch opts.format.value {
	case "json":
		err = res.WriteJSON(inv.stdout)
	case "junit":
		err = res.WriteJUnit(inv.stdout)
	default:
		err = writeConformanceText(inv, res)
	}
	if err != nil {
		fmt.Fprintf(inv.stderr, "rpp conformance: %v\n", err)
		return exitInvalid
	}
	if res.Summary.Failed > 0 {
		return exitFindings
	}
	return exitOK
}

func writeConformanceText(inv *invocation, res *conformance.Result) error {
	p := &printer{w: inv.stdout}
	for _, c := range res.Cases {
		switch c.Status {
		case conformance.Fail:
			p.line("FAIL " + c.ID)
			for _, l := range strings.Split(strings.TrimRight(c.Message(), "\n"), "\n") {
				p.line("    " + l)
			}
		case conformance.Skip:
			p.wrapped(c.Reason, "SKIP "+c.ID+": ", indentWrap)
		default:
			p.line("ok   " + c.ID)
		}
	}
	s := res.Summary
	p.line(fmt.Sprintf("%d passed, %d failed, %d skipped (%s)", s.Passed, s.Failed, s.Skipped, res.Subject))
	return p.err
}

func listCases(inv *invocation, opts conformanceOptions, sel []conformance.Option) int {
	cases, err := conformance.Select(sel...)
	if err != nil {
		fmt.Fprintf(inv.stderr, "rpp conformance: %v\n", err)
		return exitInvalid
	}
	if opts.format.value == "json" {
		err = encodeJSON(inv.stdout, cases)
	} else {
		tw := tabwriter.NewWriter(inv.stdout, 0, 0, 2, ' ', 0)
		for _, c := range cases {
			fmt.Fprintf(tw, "%s\t%s\t%s\n", c.ID, c.Level, c.Title)
		}
		err = tw.Flush()
	}
	if err != nil {
		fmt.Fprintf(inv.stderr, "rpp conformance: %v\n", err)
		return exitInvalid
	}
	return exitOK
}
