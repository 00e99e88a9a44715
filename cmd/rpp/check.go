package main

import (
	"bufio"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"runtime/debug"
	"strings"

	"github.com/rppkit/rppkit/examples"
	"github.com/rppkit/rppkit/rpp"
)

// stdinName names standard input in findings and messages.
const stdinName = "<stdin>"

type checkOptions struct {
	format formatFlag
	strict bool
}

func (o *checkOptions) flagSet() *flag.FlagSet {
	fs := newFlagSet("check")
	o.format = newFormatFlag("text", "json", "sarif")
	fs.Var(&o.format, "format", "output `format`: "+orList(o.format.allowed))
	fs.BoolVar(&o.strict, "strict", false, "exit 1 on warnings too, not only on errors")
	return fs
}

// checked is the outcome for one input.
type checked struct {
	// name is the input as given: a path, <stdin>, or the bundled
	// example's name.
	name   string
	report rpp.Report
	// err is why the input could not be loaded (report is then empty) or
	// why checking it stopped early.
	err error
}

func runCheck(inv *invocation, args []string) int {
	var opts checkOptions
	files, err := parseFlags(opts.flagSet(), args)
	if err != nil {
		return flagError(inv, "check", err)
	}

	var results []checked
	if len(files) == 0 {
		fmt.Fprintf(inv.stderr, "rpp: no file given; checking the bundled example %s\n", examples.Default)
		results = append(results, checkInput(inv.ctx, examples.Default, func() (*rpp.Deployment, error) {
			return rpp.LoadFS(context.Background(), examples.FS, examples.Default)
		}))
	}
	for _, name := range files {
		results = append(results, checkInput(inv.ctx, displayName(name), func() (*rpp.Deployment, error) {
			return load(inv.stdin, name)
		}))
	}

	code := exitOK
	var sum rpp.Summary
	for _, r := range results {
		if r.err != nil {
			printProblems(inv.stderr, r.err)
			code = exitInvalid
		}
		for _, f := range r.report.Findings {
			sum.Add(f.Severity)
		}
	}
	if code == exitOK && (sum.Errors > 0 || opts.strict && sum.Warnings > 0) {
		code = exitFindings
	}

	out := bufio.NewWriter(inv.stdout)
	switch opts.format.value {
	case "json":
		err = writeJSON(out, results)
	case "sarif":
		err = writeSARIF(out, results, rpp.Catalogue())
	default:
		err = writeText(out, results, len(rpp.Catalogue()), newStyle(inv.stdout, inv.env))
	}
	if err == nil {
		err = out.Flush()
	}
	if err != nil {
		fmt.Fprintf(inv.stderr, "rpp: writing the %s report: %v\n", opts.format.value, err)
		return exitInvalid
	}
	return code
}

func displayName(arg string) string {
	if arg == "-" {
		return stdinName
	}
	return arg
}

// checkInput loads one input and checks it. A panic in a rule is a bug in
// rppkit, not in the input; it is turned into an error so that the other
// inputs are still checked and the user gets a report to send.
func checkInput(ctx context.Context, name string, load func() (*rpp.Deployment, error)) (c checked) {
	c.name = name
	defer func() {
		if v := recover(); v != nil {
			c.err = &internalError{name: name, value: v, stack: debug.Stack()}
		}
	}()
	d, err := load()
	if err != nil {
		c.err = err
		return c
	}
	c.report = rpp.Check(ctx, d, rpp.Options{})
	if c.report.Err != nil {
		c.err = fmt.Errorf("%s: checking stopped early: %w", name, c.report.Err)
	}
	return c
}

// internalError is a panic while checking an input.
type internalError struct {
	name  string
	value any
	stack []byte
}

func (e *internalError) Error() string {
	return fmt.Sprintf("%s: internal error (a bug in rppkit; please report it with this file): %v", e.name, e.value)
}

// load reads the deployment file at path, or standard input for "-".
func load(stdin io.Reader, path string) (*rpp.Deployment, error) {
	if path != "-" {
		return rpp.Load(context.Background(), path)
	}
	if stdin == nil {
		stdin = strings.NewReader("")
	}
	return rpp.DecodeNamed(context.Background(), stdinName, stdin)
}

// printProblems prints why an input failed, one problem a line, each as
// "rpp: file:line:col: field: message" so editors and grep can use them.
func printProblems(w io.Writer, err error) {
	var de *rpp.DecodeError
	var ie *internalError
	switch {
	case errors.As(err, &de):
		for _, fe := range de.Errs {
			fmt.Fprintf(w, "rpp: %s\n", sanitize(fe.Error()))
		}
	case errors.As(err, &ie):
		fmt.Fprintf(w, "rpp: %s\n%s", sanitize(ie.Error()), ie.stack)
	default:
		fmt.Fprintf(w, "rpp: %s\n", sanitize(err.Error()))
	}
}
