package report

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"runtime/debug"
	"strings"

	"github.com/rppkit/rppkit/rpp"
)

// Origin says where an input came from, so that a report never passes off
// one thing as another: the bundled example is named as such wherever the
// report names the input.
type Origin string

// Where inputs come from.
const (
	FromFile    Origin = "file"
	FromStdin   Origin = "stdin"
	FromExample Origin = "example" // the bundled example deployment
)

// Status says how far an input got.
type Status string

// The statuses of an input.
const (
	// Checked: the input was loaded and every rule ran.
	Checked Status = "checked"
	// Invalid: the input could not be read or is not a valid deployment;
	// no rule ran. Problems says why.
	Invalid Status = "invalid"
	// Incomplete: checking started but stopped (cancelled, or a bug in a
	// rule); the findings so far are kept. Problems says why.
	Incomplete Status = "incomplete"
)

// Input is one deployment (a file, standard input or the bundled example)
// and what checking it gave.
type Input struct {
	// Name is the input as given: a path, "<stdin>", or the example's name.
	Name   string
	Origin Origin
	// Report holds the findings; empty when the input is Invalid.
	Report rpp.Report
	// Err is why the input could not be loaded or checked to the end; nil
	// when it was checked.
	Err error
}

// Status returns how far the input got.
func (in Input) Status() Status {
	switch {
	case in.Err == nil:
		return Checked
	case errors.As(in.Err, new(*InternalError)) || in.Report.Err != nil:
		return Incomplete
	}
	return Invalid
}

// Check loads one input with load and checks it with opts. A panic in a
// rule is a bug in that rule, not in the input: it becomes an
// *InternalError so that the other inputs are still checked and the user
// gets something to report.
func Check(ctx context.Context, name string, origin Origin, load func(context.Context) (*rpp.Deployment, error), opts rpp.Options) (in Input) {
	in = Input{Name: name, Origin: origin}
	defer func() {
		if v := recover(); v != nil {
			in.Err = &InternalError{Input: name, Value: v, Stack: debug.Stack()}
		}
	}()
	d, err := load(ctx)
	if err != nil {
		in.Err = err
		return in
	}
	in.Report = rpp.Check(ctx, d, opts)
	if in.Report.Err != nil {
		in.Err = fmt.Errorf("%s: checking stopped early: %w", name, in.Report.Err)
	}
	return in
}

// InternalError is a panic while checking an input: a bug in rppkit or in a
// rule of one's own.
type InternalError struct {
	Input string
	Value any
	Stack []byte
}

func (e *InternalError) Error() string {
	return fmt.Sprintf("%s: internal error (a bug in rppkit or in a rule; please report it with this file): %v", e.Input, e.Value)
}

// Problem is one reason an input could not be loaded or checked, with where
// it is when that is known.
type Problem struct {
	File    string `json:"file"`
	Line    int    `json:"line,omitempty"`
	Column  int    `json:"column,omitempty"`
	Field   string `json:"field,omitempty"`
	Message string `json:"message"`
}

// String returns "file:line:col: field: message", leaving out what is not
// known.
func (p Problem) String() string {
	var b strings.Builder
	if s := (rpp.Position{File: p.File, Line: p.Line, Column: p.Column}).String(); s != "" {
		b.WriteString(s + ": ")
	}
	if p.Field != "" {
		b.WriteString(p.Field + ": ")
	}
	b.WriteString(p.Message)
	return b.String()
}

// Problems returns why the input could not be loaded or checked: one
// Problem per problem of a *rpp.DecodeError, else one for the whole input.
func (in Input) Problems() []Problem {
	if in.Err == nil {
		return nil
	}
	var de *rpp.DecodeError
	var pe *fs.PathError
	switch {
	case errors.As(in.Err, &pe) && pe.Path == in.Name:
		// The file could not be opened or read: say how, without the
		// name twice ("x.yaml: open: no such file or directory").
		return []Problem{{File: in.Name, Message: pe.Op + ": " + pe.Err.Error()}}
	case !errors.As(in.Err, &de):
		// Errors that name the input already (an *InternalError, a
		// check stopped early) are not told twice.
		return []Problem{{File: in.Name, Message: strings.TrimPrefix(in.Err.Error(), in.Name+": ")}}
	}
	out := make([]Problem, len(de.Errs))
	for i, fe := range de.Errs {
		file := fe.Pos.File
		if file == "" {
			file = in.Name
		}
		msg := fe.Err.Error()
		out[i] = Problem{File: file, Line: fe.Pos.Line, Column: fe.Pos.Column, Field: fe.Field, Message: msg}
	}
	return out
}

// Exit statuses, the same for every command that checks deployments.
const (
	ExitOK       = 0 // nothing at the failing severity
	ExitFindings = 1 // findings at the failing severity
	ExitInvalid  = 2 // an input that could not be read or checked, or a usage error
)

// ExitCode returns the exit status for inputs: ExitInvalid when any input
// was not checked to the end, else ExitFindings when a finding is at least
// failOn (rpp.Error by default, rpp.Warning for --strict), else ExitOK.
// Suppressed findings never fail.
func ExitCode(inputs []Input, failOn rpp.Severity) int {
	code := ExitOK
	for _, in := range inputs {
		if in.Err != nil {
			return ExitInvalid
		}
		for _, f := range in.Report.Findings {
			if f.Severity >= failOn && f.Suppressed == nil {
				code = ExitFindings
			}
		}
	}
	return code
}
