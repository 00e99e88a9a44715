package main

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"github.com/rppkit/rppkit/internal/textfmt"
	"io"
	"os"
	"slices"
	"strconv"
	"strings"
	"time"

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
	failOn    severityFlag
	enable    listFlag
	disable   listFlag
	outputs   outputsFlag
	fix       bool
	diff      bool
	maxValues intFlag
	// config is --config: one configuration for every input, instead of
	// the .rpp.yaml beside each.
	config         string
	showSuppressed bool
	noSuppress     bool
}

func (o *checkOptions) flagSet() *flagSet {
	fs := newFlagSet("check")
	o.format = newFormatFlag(formatNames()...)
	fs.Var(&o.format, "format", "standard output's `format`: "+orList(o.format.allowed))
	fs.Var(&o.outputs, "output", "also write the report as `FORMAT=FILE` (FILE - is standard output); repeatable")
	fs.Var(&o.failOn, "fail-on", "exit 1 when a finding is at least this `severity`: error (the default), warning or info")
	fs.Bool(&o.strict, "strict", "exit 1 on warnings too, not only on errors (--fail-on warning)")
	fs.Var(&o.enable, "enable", "run only these rules: `RULE-ID[,...]`; repeatable")
	fs.Var(&o.disable, "disable", "do not run these rules: `RULE-ID[,...]`; repeatable")
	fs.Bool(&o.fix, "fix", "apply the findings' fixes to the files (YAML or JSON; comments and layout are kept)")
	fs.Bool(&o.diff, "diff", "with --fix, print the changes as a unified diff instead of writing them")
	fs.String(&o.config, "config", "read severities and suppressions from `FILE` instead of the "+rpp.ConfigFileName+" beside each deployment file")
	fs.Bool(&o.showSuppressed, "show-suppressed", "list suppressed findings, with their reasons, in text, github, checkstyle and junit output too")
	fs.Bool(&o.noSuppress, "no-suppress", "audit: report every finding as if nothing were suppressed")
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
	// config is the input's configuration (--config, or the .rpp.yaml
	// beside it); nil when there is none.
	config *rpp.Config
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
	if opts.showSuppressed && opts.noSuppress {
		// With --no-suppress nothing is suppressed, so there would be
		// nothing to show: one of the two was not meant.
		return usageError(inv, "check", "--show-suppressed lists what is suppressed, --no-suppress suppresses nothing; give one")
	}
	failOn, err := opts.threshold()
	if err != nil {
		return usageError(inv, "check", "%v", err)
	}
	rules, err := report.SelectRules(rpp.Catalogue(), opts.enable, opts.disable)
	if err != nil {
		return usageError(inv, "check", "%v", err)
	}
	outputs := opts.reportOutputs()
	if err := report.CheckOutputs(outputs); err != nil {
		return usageError(inv, "check", "%v", err)
	}
	sources := inv.sources(files, rpp.DecodeOptions{MaxNodes: int(opts.maxValues)})
	if code := inv.loadConfigs(sources, opts.config); code != exitOK {
		return code
	}
	// The clock suppressions expire by is read once, here: rules never
	// read it.
	checkOpts := rpp.Options{Rules: rules, Now: time.Now(), NoSuppress: opts.noSuppress}
	if opts.fix {
		if len(opts.outputs) > 0 {
			return usageError(inv, "check", "--output writes a check's reports; --fix prints what is left as text")
		}
		return runFix(inv, sources, opts.diff, rpp.DecodeOptions{MaxNodes: int(opts.maxValues)}, checkOpts, failOn)
	}

	inputs := make([]report.Input, len(sources))
	for i, s := range sources {
		o := checkOpts
		o.Config = s.config
		inputs[i] = report.Check(inv.ctx, s.name, s.origin, s.load, o)
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
	code := report.ExitCode(inputs, failOn)
	for _, o := range outputs {
		if err := inv.writeReport(o, inputs, report.Options{
			Rules:          rules,
			Tool:           report.Tool{Name: "rpp", Version: rppkit.Version()},
			FailOn:         failOn,
			HideProblems:   true, // printed to standard error above
			ShowSuppressed: opts.showSuppressed,
		}); err != nil {
			fmt.Fprintf(inv.stderr, "rpp: writing the %s report to %s: %v\n", o.Format, outputName(o.Path), err)
			return exitInvalid
		}
	}
	return code
}

// loadConfigs gives each source its configuration: the file --config
// names, or the .rpp.yaml beside a deployment file when there is one. A
// configuration that cannot be read stops the check before anything is
// checked (exit 2), its problems printed as file:line: messages: checking
// without it would report what the team chose to silence, or silence
// nothing it meant to.
func (inv *invocation) loadConfigs(sources []source, flag string) int {
	loaded := map[string]*rpp.Config{}
	failed := false
	load := func(path string) *rpp.Config {
		if c, ok := loaded[path]; ok {
			return c
		}
		c, err := rpp.LoadConfig(inv.ctx, path)
		if err != nil {
			failed = true
			printProblems(inv.stderr, report.Input{Name: path, Origin: report.FromFile, Err: err})
		}
		loaded[path] = c
		return c
	}
	for i := range sources {
		s := &sources[i]
		switch {
		case flag != "":
			s.config = load(flag)
		case s.origin == report.FromFile:
			path := rpp.ConfigBeside(s.name)
			if _, err := os.Stat(path); err == nil {
				s.config = load(path)
			}
		}
	}
	if failed {
		if err := inv.ctx.Err(); err != nil {
			fmt.Fprintln(inv.stderr, "rpp: interrupted")
			return exitInterrupted
		}
		return exitInvalid
	}
	return exitOK
}

// threshold is the least severity that fails the check: --fail-on, or
// warning with --strict, or error. --strict with a --fail-on other than
// warning asks for two things at once and is refused.
func (o *checkOptions) threshold() (rpp.Severity, error) {
	switch {
	case o.failOn.set && o.strict && o.failOn.value != rpp.Warning:
		return 0, fmt.Errorf("--strict means --fail-on warning, but --fail-on %s was given; give one", o.failOn.value)
	case o.failOn.set:
		return o.failOn.value, nil
	case o.strict:
		return rpp.Warning, nil
	}
	return rpp.Error, nil
}

// reportOutputs are the reports to write: --format's on standard output,
// then each --output. When --format is not given and an --output names
// standard output, that one takes its place instead of the text report.
func (o *checkOptions) reportOutputs() []report.Output {
	format, _ := report.ParseFormat(o.format.value)
	primary := []report.Output{{Format: format, Path: report.Stdout}}
	if !o.format.set && slices.ContainsFunc(o.outputs, func(out report.Output) bool { return out.Path == report.Stdout }) {
		primary = nil
	}
	return append(primary, o.outputs...)
}

// writeReport writes one report: to standard output (coloured text when it
// is a terminal that wants colour), or to its file atomically, so a CI step
// that reads the file never sees half a report.
func (inv *invocation) writeReport(o report.Output, inputs []report.Input, opts report.Options) error {
	if o.Path == report.Stdout {
		opts.Color = o.Format == report.Text && report.ColorFor(inv.stdout, inv.env)
		out := bufio.NewWriter(inv.stdout)
		if err := report.Write(out, o.Format, inputs, opts); err != nil {
			return err
		}
		return out.Flush()
	}
	var buf bytes.Buffer
	if err := report.Write(&buf, o.Format, inputs, opts); err != nil {
		return err
	}
	return writeFileAtomic(o.Path, buf.Bytes(), 0o644)
}

func outputName(path string) string {
	if path == report.Stdout {
		return "standard output"
	}
	return quoteArg(path)
}

// formatNames are the formats check writes, as --format and --output take
// them.
func formatNames() []string {
	var names []string
	for _, f := range report.Formats() {
		names = append(names, string(f))
	}
	return names
}

// severityFlag is --fail-on's value; set tells a given value from the
// default.
type severityFlag struct {
	value rpp.Severity
	set   bool
}

func (f *severityFlag) String() string {
	if f == nil || !f.set {
		return "error"
	}
	return f.value.String()
}

func (f *severityFlag) Set(s string) error {
	v, err := rpp.ParseSeverity(s)
	if err != nil {
		return err
	}
	f.value, f.set = v, true
	return nil
}

// listFlag gathers comma-separated words over repeated flags:
// --enable a,b --enable c is [a b c]. An empty word is refused, so a
// stray comma is not taken for a rule.
type listFlag []string

func (l *listFlag) String() string {
	if l == nil {
		return ""
	}
	return strings.Join(*l, ",")
}

func (l *listFlag) Set(s string) error {
	for _, w := range strings.Split(s, ",") {
		w = strings.TrimSpace(w)
		if w == "" {
			return fmt.Errorf("want RULE-ID[,RULE-ID...], got %q", s)
		}
		*l = append(*l, w)
	}
	return nil
}

// outputsFlag gathers --output FORMAT=FILE over repeated flags.
type outputsFlag []report.Output

func (o *outputsFlag) String() string {
	if o == nil {
		return ""
	}
	var parts []string
	for _, out := range *o {
		parts = append(parts, out.String())
	}
	return strings.Join(parts, " ")
}

func (o *outputsFlag) Set(s string) error {
	out, err := report.ParseOutput(s)
	if err != nil {
		return err
	}
	*o = append(*o, out)
	return nil
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
			return []source{{name: examples.Default, origin: report.FromExample, load: func(ctx context.Context) (*rpp.Deployment, error) {
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
			out[i] = source{name: stdinName, origin: report.FromStdin, load: func(ctx context.Context) (*rpp.Deployment, error) {
				return dec.DecodeNamed(ctx, stdinName, stdin)
			}}
			continue
		}
		out[i] = source{name: name, origin: report.FromFile, load: func(ctx context.Context) (*rpp.Deployment, error) {
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
