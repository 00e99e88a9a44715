package main

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"github.com/rppkit/rppkit/internal/textfmt"
	"io"
	"strconv"
	"strings"

	"github.com/rppkit/rppkit"
	"github.com/rppkit/rppkit/examples"
	"github.com/rppkit/rppkit/rpp"
	"github.com/rppkit/rppkit/rpp/report"
)

// stdinName names standard input in findings and messages.
const stdinName = "<stdin>"

type checkOptions struct {
	format    formatFlag
	strict    bool
	fix       bool
	diff      bool
	maxValues intFlag
}

func (o *checkOptions) flagSet() *flagSet {
	fs := newFlagSet("check")
	o.format = newFormatFlag("text", "json", "sarif", "junit")
	fs.Var(&o.format, "format", "output `format`: "+orList(o.format.allowed))
	fs.Bool(&o.strict, "strict", "exit 1 on warnings too, not only on errors")
	fs.Bool(&o.fix, "fix", "apply the findings' fixes to the files (YAML or JSON; comments and layout are kept)")
	fs.Bool(&o.diff, "diff", "with --fix, print the changes as a unified diff instead of writing them")
	fs.Var(&o.maxValues, "max-values", fmt.Sprintf("read files of up to `N` values (mappings, lists, keys and scalars; default %d)", rpp.DefaultMaxNodes))
	return fs
}

// intFlag is a positive whole number; zero means "not given".
type intFlag int

func (n *intFlag) String() string { return strconv.Itoa(int(*n)) }
func (n *intFlag) Set(s string) error {
	v, err := strconv.Atoi(s)
	if err != nil || v <= 0 {
		return fmt.Errorf("want a whole number above 0, got %q", s)
	}
	*n = intFlag(v)
	return nil
}

// source is one input named on the command line (or implied).
type source struct {
	name   string
	origin report.Origin
	load   func(context.Context) (*rpp.Deployment, error)
}

func runCheck(inv *invocation, args []string) int {
	var opts checkOptions
	files, err := opts.flagSet().parse(args)
	if err != nil {
		return flagError(inv, "check", err)
	}
	if opts.diff && !opts.fix {
		return usageError(inv, "check", "--diff previews --fix; give both")
	}
	sources := inv.sources(files, rpp.DecodeOptions{MaxNodes: int(opts.maxValues)})
	if opts.fix {
		return runFix(inv, sources, opts.diff, rpp.DecodeOptions{MaxNodes: int(opts.maxValues)})
	}

	inputs := make([]report.Input, len(sources))
	for i, s := range sources {
		inputs[i] = report.Check(inv.ctx, s.name, s.origin, s.load, rpp.Options{})
		if err := inv.ctx.Err(); err != nil {
			// Interrupted: the inputs not reached were not checked, and
			// a report that left them out would pass for a clean one.
			fmt.Fprintln(inv.stderr, "rpp: interrupted")
			return exitInterrupted
		}
	}
	for _, in := range inputs {
		printProblems(inv.stderr, in)
	}
	failOn := rpp.Error
	if opts.strict {
		failOn = rpp.Warning
	}
	code := report.ExitCode(inputs, failOn)

	format, _ := report.ParseFormat(opts.format.value)
	out := bufio.NewWriter(inv.stdout)
	err = report.Write(out, format, inputs, report.Options{
		Tool:         report.Tool{Name: "rpp", Version: rppkit.Version()},
		FailOn:       failOn,
		Color:        format == report.Text && report.ColorFor(inv.stdout, inv.env),
		HideProblems: true, // printed to standard error above
	})
	if err == nil {
		err = out.Flush()
	}
	if err != nil {
		fmt.Fprintf(inv.stderr, "rpp: writing the %s report: %v\n", opts.format.value, err)
		return exitInvalid
	}
	return code
}

// sources turns the command line's files into inputs. With no file it reads
// standard input, unless that is a terminal: then nobody is piping anything,
// and the bundled example shows a new user something real — named as the
// bundled example in the report itself, so it never passes for theirs.
func (inv *invocation) sources(files []string, dec rpp.DecodeOptions) []source {
	if len(files) == 0 {
		if !inv.stdinTerminal {
			files = []string{"-"}
		} else {
			fmt.Fprintf(inv.stderr, "rpp: no file given and standard input is a terminal; checking the bundled example %s\n", examples.Default)
			return []source{{examples.Default, report.FromExample, func(ctx context.Context) (*rpp.Deployment, error) {
				return rpp.LoadFS(ctx, examples.FS, examples.Default)
			}}}
		}
	}
	out := make([]source, len(files))
	for i, name := range files {
		if name == "-" {
			stdin := inv.stdin
			if stdin == nil {
				stdin = strings.NewReader("")
			}
			out[i] = source{stdinName, report.FromStdin, func(ctx context.Context) (*rpp.Deployment, error) {
				return dec.DecodeNamed(ctx, stdinName, stdin)
			}}
			continue
		}
		out[i] = source{name, report.FromFile, func(ctx context.Context) (*rpp.Deployment, error) {
			return dec.Load(ctx, name)
		}}
	}
	return out
}

// printProblems prints why an input was not checked, one problem a line,
// each as "rpp: file:line:col: field: message" so editors and grep can use
// them; an internal error also gets its stack, for the bug report.
func printProblems(w io.Writer, in report.Input) {
	for _, p := range in.Problems() {
		fmt.Fprintf(w, "rpp: %s\n", textfmt.Sanitize(p.String()))
	}
	var ie *report.InternalError
	if errors.As(in.Err, &ie) {
		fmt.Fprintf(w, "%s", ie.Stack)
	}
}
