package main

import (
	"errors"
	"fmt"
	"github.com/rppkit/rppkit/internal/textfmt"
	"github.com/rppkit/rppkit/rpp/report"
	"slices"
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

func (o *conformanceOptions) flagSet() *flagSet {
	fs := newFlagSet("conformance")
	o.format = newFormatFlag("text", "json", "junit")
	fs.Var(&o.format, "format", "report `format`: "+orList(o.format.allowed))
	fs.Var(&o.run, "run", "run only the cases whose ID begins with `PREFIX` (repeatable, or comma-separated)")
	fs.String(&o.level, "level", "run only the cases of this `level`: must or should")
	fs.Bool(&o.lenient, "lenient", "report failing should-level cases as skips, with the reason")
	fs.Bool(&o.list, "list", "list the selected cases instead of running them")
	return fs
}

// runConformance runs the conformance kit against rppkit itself
// (conformance.Reference) and reports per case, or with --list names the
// cases a run would run. Exit 0 when no case fails, 1 when one does, 2 for
// a usage error — the same for --list, which validates the selection
// exactly as a run does.
func runConformance(inv *invocation, args []string) int {
	var opts conformanceOptions
	operands, err := opts.flagSet().parse(args)
	if err != nil {
		return flagError(inv, "conformance", err)
	}
	if len(operands) > 0 {
		return usageError(inv, "conformance", "unexpected argument %q", operands[0])
	}
	if opts.list && !slices.Contains(listFormats, opts.format.value) {
		return usageError(inv, "conformance", "--list writes %s, not %s (a %s report needs a run)",
			orList(listFormats), opts.format.value, opts.format.value)
	}
	sel, cases, err := opts.selection()
	if err != nil {
		fmt.Fprintf(inv.stderr, "rpp conformance: %v\n", err)
		if errors.Is(err, conformance.ErrNoCases) {
			fmt.Fprintln(inv.stderr, "rpp conformance: rpp conformance --list, with no --run or --level, lists every case")
		}
		return exitInvalid
	}
	if opts.list {
		return listCases(inv, opts, cases)
	}
	res, err := conformance.Evaluate(inv.ctx, conformance.Reference{}.Subject(), sel...)
	if err != nil {
		fmt.Fprintf(inv.stderr, "rpp conformance: %v\n", err)
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

// listFormats are the --format values --list can write: a JUnit report
// holds outcomes, which a list has not.
var listFormats = []string{"text", "json"}

// selection turns the command line into the kit's options and checks them
// with conformance.Select — the one validation both a run and --list go
// through (unknown level, a --run prefix that selects nothing) — returning
// the cases selected.
func (o *conformanceOptions) selection() ([]conformance.Option, []conformance.Case, error) {
	var sel []conformance.Option
	if len(o.run) > 0 {
		sel = append(sel, conformance.Prefix(o.run...))
	}
	if o.level != "" {
		sel = append(sel, conformance.OnlyLevel(conformance.Level(o.level)))
	}
	if o.lenient {
		sel = append(sel, conformance.Lenient())
	}
	cases, err := conformance.Select(sel...)
	return sel, cases, err
}

func writeConformanceText(inv *invocation, res *conformance.Result) error {
	p := &textfmt.Printer{W: inv.stdout}
	for _, c := range res.Cases {
		switch c.Status {
		case conformance.Fail:
			p.Line("FAIL " + c.ID)
			for _, l := range strings.Split(strings.TrimRight(c.Message(), "\n"), "\n") {
				p.Line("    " + l)
			}
		case conformance.Skip:
			p.Wrapped(c.Reason, "SKIP "+c.ID+": ", "      ")
		default:
			p.Line("ok   " + c.ID)
		}
	}
	s := res.Summary
	p.Line(fmt.Sprintf("%d passed, %d failed, %d skipped (%s)", s.Passed, s.Failed, s.Skipped, res.Subject))
	return p.Err()
}

func listCases(inv *invocation, opts conformanceOptions, cases []conformance.Case) int {
	var err error
	if opts.format.value == "json" {
		err = report.EncodeJSON(inv.stdout, cases)
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
