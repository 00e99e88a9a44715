package report

import (
	"fmt"
	"io"
	"strings"

	"github.com/rppkit/rppkit/internal/junit"
	"github.com/rppkit/rppkit/rpp"
)

// WriteJUnit writes JUnit XML for CI test reports: a test suite per input
// and, for an input that was checked, a test case per rule that ran — failed
// when the rule has a finding at Options.FailOn or above (its findings are
// the failure's text), passed otherwise (lesser findings go to its
// system-out). An input that could not be loaded or checked has a test case
// "load" (or "check") in error, listing its problems, so a CI dashboard
// never shows an unchecked file as green.
func WriteJUnit(w io.Writer, inputs []Input, opts Options) error {
	rules, failOn := opts.rules(), opts.FailOn
	doc := &junit.Suites{Name: opts.tool().Name + " check"}
	for _, in := range inputs {
		doc.Suites = append(doc.Suites, junit.Suite{Name: displayName(in),
			Properties: &junit.Properties{Property: []junit.Property{{Name: "origin", Value: string(in.Origin)}, {Name: "status", Value: string(in.Status())}}}})
		suite := len(doc.Suites) - 1
		if in.Err != nil {
			name := "load"
			if in.Status() == Incomplete {
				name = "check"
			}
			var text []string
			for _, p := range in.Problems() {
				text = append(text, p.String())
			}
			doc.Add(suite, junit.Case{ClassName: in.Name, Name: name,
				Error: &junit.Problem{Type: string(in.Status()), Message: fmt.Sprintf("%s could not be checked", in.Name), Text: strings.Join(text, "\n")}})
			if in.Status() == Invalid {
				continue
			}
		}
		byRule := map[string][]rpp.Finding{}
		for _, f := range opts.visible(in.Report.Findings) {
			byRule[f.Rule] = append(byRule[f.Rule], f)
		}
		for _, r := range rules {
			c := junit.Case{ClassName: in.Name, Name: r.ID}
			var failing, other []string
			for _, f := range byRule[r.ID] {
				line := fmt.Sprintf("%s: %s: %s (%s)", f.Position(), f.Severity, f.Message, f.Field)
				if f.Fix != "" {
					line += "; fix: " + f.Fix
				}
				if f.Suppressed != nil {
					line += "; " + suppressedText(f.Suppressed)
				}
				if f.Severity >= failOn && f.Suppressed == nil {
					failing = append(failing, line)
				} else {
					other = append(other, line)
				}
			}
			if len(failing) > 0 {
				c.Failure = &junit.Problem{Type: r.Severity.String(), Message: r.Summary, Text: strings.Join(failing, "\n")}
			}
			c.SystemOut = strings.Join(other, "\n")
			doc.Add(suite, c)
		}
	}
	return doc.Write(w)
}
