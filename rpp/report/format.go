package report

import (
	"errors"
	"fmt"
	"io"

	"github.com/rppkit/rppkit/internal/enum"
	"github.com/rppkit/rppkit/rpp"
)

// Format is an output format.
type Format string

// The formats Write knows.
const (
	Text  Format = "text"  // for people: grouped, wrapped to 80 columns
	JSON  Format = "json"  // the contract scripts read (see WriteJSON)
	SARIF Format = "sarif" // SARIF 2.1.0, for code-scanning services
	JUnit Format = "junit" // JUnit XML, for CI test reports
	// GitHub is GitHub Actions workflow commands: annotations on the
	// pull request's files.
	GitHub     Format = "github"
	Checkstyle Format = "checkstyle" // Checkstyle XML, for CI tools that read linters
)

// Formats returns every format, in the order help lists them.
func Formats() []Format { return []Format{Text, JSON, SARIF, JUnit, GitHub, Checkstyle} }

// ErrUnknownFormat is wrapped by the errors ParseFormat returns.
var ErrUnknownFormat = errors.New("unknown format")

// ParseFormat reads a format name, in any case.
func ParseFormat(s string) (Format, error) { return enum.Parse(ErrUnknownFormat, s, Formats()...) }

// Tool names what produced a report.
type Tool struct {
	Name    string // "rpp" when empty
	Version string // the module version; see rppkit.Version
	// InformationURI is the tool's home page.
	InformationURI string
}

// Options tune Write.
type Options struct {
	// Rules are the rules that ran: the SARIF log's rule table and the
	// JUnit report's test cases. nil means rpp.Catalogue().
	Rules []*rpp.Rule
	Tool  Tool
	// FailOn is the least severity that fails a JUnit test case, as
	// ExitCode's failOn: rpp.Error for a check's usual verdict, rpp.Warning
	// for a strict one; the zero value, rpp.Info, fails on every finding.
	// (Text, JSON and SARIF report every finding with its severity.)
	FailOn rpp.Severity
	// Color paints text output with ANSI colours.
	Color bool
	// HideProblems leaves the problems of inputs that could not be checked
	// out of text output, which then only names those inputs: for a
	// command that prints them to standard error already.
	HideProblems bool
	// ShowSuppressed lists suppressed findings in text, GitHub,
	// Checkstyle and JUnit output too, each with its suppression; without
	// it they are only counted there. JSON and SARIF always carry them.
	ShowSuppressed bool
}

func (o Options) rules() []*rpp.Rule {
	if o.Rules == nil {
		return rpp.Catalogue()
	}
	return o.Rules
}

func (o Options) tool() Tool {
	t := o.Tool
	if t.Name == "" {
		t.Name = "rpp"
	}
	if t.InformationURI == "" {
		t.InformationURI = informationURI
	}
	if t.Version == "" {
		t.Version = "(unknown)"
	}
	return t
}

const informationURI = "https://github.com/rppkit/rppkit"

// Write writes the report of inputs in format f. Every input appears in
// every format with its status: a file that could not be loaded is never
// left out, so no reader mistakes an unchecked file for a clean one.
func Write(w io.Writer, f Format, inputs []Input, opts Options) error {
	switch f {
	case Text:
		return WriteText(w, inputs, opts)
	case JSON:
		return WriteJSON(w, inputs, opts)
	case SARIF:
		return WriteSARIF(w, inputs, opts)
	case JUnit:
		return WriteJUnit(w, inputs, opts)
	case GitHub:
		return WriteGitHub(w, inputs, opts)
	case Checkstyle:
		return WriteCheckstyle(w, inputs, opts)
	}
	return fmt.Errorf("%w %q (want %s)", ErrUnknownFormat, f, enum.Choices(Formats()))
}

// displayName is how reports name an input to people: the bundled example
// says that it is one.
func displayName(in Input) string {
	if in.Origin == FromExample {
		return in.Name + " (the bundled example)"
	}
	return in.Name
}

// summarize counts the findings of every input.
func summarize(inputs []Input) rpp.Summary {
	var s rpp.Summary
	for _, in := range inputs {
		for _, f := range in.Report.Findings {
			s.Count(f)
		}
	}
	return s
}

// ruleIndex maps rule IDs to their place in rules.
func ruleIndex(rules []*rpp.Rule) map[string]int {
	m := make(map[string]int, len(rules))
	for i, r := range rules {
		m[r.ID] = i
	}
	return m
}
