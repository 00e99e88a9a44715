package main

import (
	"context"
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
	plan, err := opts.selection()
	if err != nil {
		fmt.Fprintf(inv.stderr, "rpp conformance: %v\n", err)
		if errors.Is(err, conformance.ErrNoCases) {
			fmt.Fprintln(inv.stderr, "rpp conformance: rpp conformance --list, with no --run or --level, lists every case")
		}
		return exitInvalid
	}
	if opts.list {
		return listCases(inv, opts, plan.list)
	}
	res, err := plan.run(inv.ctx)
	if err != nil {
		if inv.ctx.Err() != nil {
			fmt.Fprintln(inv.stderr, "rpp: interrupted")
			return exitInterrupted
		}
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

// conformancePlan is what a run of rpp conformance runs: the vectors
// against conformance.Reference and the wire cases against rppkit's own
// stand-ins, each with its options (when it is run at all), and the
// cases both select, for --list.
type conformancePlan struct {
	runVectors, runWire bool
	vectors, wire       []conformance.Option
	list                []conformance.About
}

// selection turns the command line into the kit's options and checks them
// with conformance.Select — the one validation both a run and --list go
// through (unknown level, a --run prefix that selects nothing) — for the
// vectors and the wire cases alike. A --run prefix goes to the set whose
// case IDs it selects (wire cases begin device/ or lync/); one that selects
// in neither is an error.
func (o *conformanceOptions) selection() (*conformancePlan, error) {
	var common []conformance.Option
	if o.level != "" {
		common = append(common, conformance.OnlyLevel(conformance.Level(o.level)))
	}
	if o.lenient {
		common = append(common, conformance.Lenient())
	}
	var vecIDs []string
	all, err := conformance.Select()
	if err != nil {
		return nil, err
	}
	for _, c := range all {
		vecIDs = append(vecIDs, c.ID)
	}
	wireAll := conformance.WireCases()
	var wireIDs []string
	for _, c := range wireAll {
		wireIDs = append(wireIDs, c.ID)
	}
	var vecPrefixes, wirePrefixes []string
	for _, p := range o.run {
		inVec, inWire := anyHasPrefix(vecIDs, p), anyHasPrefix(wireIDs, p)
		if !inVec && !inWire {
			// Select says so, in the words --run errors always have.
			_, err := conformance.Select(conformance.Prefix(p))
			return nil, err
		}
		if inVec {
			vecPrefixes = append(vecPrefixes, p)
		}
		if inWire {
			wirePrefixes = append(wirePrefixes, p)
		}
	}
	plan := &conformancePlan{}
	if len(o.run) == 0 || len(vecPrefixes) > 0 {
		sel := slices.Clone(common)
		if len(vecPrefixes) > 0 {
			sel = append(sel, conformance.Prefix(vecPrefixes...))
		}
		cases, err := conformance.Select(sel...)
		switch {
		case err == nil:
			plan.runVectors, plan.vectors = true, sel
			for _, c := range cases {
				plan.list = append(plan.list, c.About)
			}
		case len(vecPrefixes) > 0 || !errors.Is(err, conformance.ErrNoCases):
			// A prefix must select at the level asked; with no prefix, a
			// level no vector has may still select wire cases.
			return nil, err
		}
	}
	if len(o.run) == 0 || len(wirePrefixes) > 0 {
		var wireList []conformance.About
		for _, c := range wireAll {
			if (len(wirePrefixes) == 0 || anyPrefixOf(wirePrefixes, c.ID)) && (o.level == "" || string(c.Level) == o.level) {
				wireList = append(wireList, c)
			}
		}
		for _, p := range wirePrefixes {
			if !slices.ContainsFunc(wireList, func(c conformance.About) bool { return strings.HasPrefix(c.ID, p) }) {
				return nil, fmt.Errorf("%w: --run %s selects no wire case of level %s", conformance.ErrNoCases, p, o.level)
			}
		}
		if len(wireList) > 0 {
			plan.runWire, plan.wire = true, slices.Clone(common)
			if len(wirePrefixes) > 0 {
				plan.wire = append(plan.wire, conformance.Prefix(wirePrefixes...))
			}
			plan.list = append(plan.list, wireList...)
		}
	}
	if !plan.runVectors && !plan.runWire {
		_, err := conformance.Select(common...) // no case of that level anywhere
		if err == nil {
			err = conformance.ErrNoCases
		}
		return nil, err
	}
	return plan, nil
}

func anyHasPrefix(ids []string, prefix string) bool {
	return slices.ContainsFunc(ids, func(id string) bool { return strings.HasPrefix(id, prefix) })
}

func anyPrefixOf(prefixes []string, id string) bool {
	return slices.ContainsFunc(prefixes, func(p string) bool { return strings.HasPrefix(id, p) })
}

// run runs the plan and merges the two results into one report.
func (plan *conformancePlan) run(ctx context.Context) (*conformance.Result, error) {
	var parts []*conformance.Result
	if plan.runVectors {
		r, err := conformance.Evaluate(ctx, conformance.Reference{}.Subject(), plan.vectors...)
		if err != nil {
			return nil, err
		}
		parts = append(parts, r)
	}
	if plan.runWire {
		r, err := conformance.EvaluateWire(ctx, plan.wire...)
		if err != nil {
			return nil, err
		}
		parts = append(parts, r)
	}
	if len(parts) == 1 {
		return parts[0], nil
	}
	merged := &conformance.Result{}
	var subjects []string
	for _, r := range parts {
		subjects = append(subjects, r.Subject)
		merged.Cases = append(merged.Cases, r.Cases...)
		merged.Summary.Passed += r.Summary.Passed
		merged.Summary.Failed += r.Summary.Failed
		merged.Summary.Skipped += r.Summary.Skipped
	}
	merged.Subject = strings.Join(subjects, "; ")
	return merged, nil
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

func listCases(inv *invocation, opts conformanceOptions, cases []conformance.About) int {
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
