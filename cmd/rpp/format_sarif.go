package main

import (
	"errors"
	"fmt"
	"io"
	"net/url"
	"path/filepath"
	"strings"

	"github.com/owenrumney/go-sarif/v2/sarif"

	"github.com/rppkit/rppkit/rpp"
)

const informationURI = "https://github.com/rppkit/rppkit"

// writeSARIF writes a SARIF 2.1.0 log with one run: the whole catalogue as
// the driver's rules and a result per finding. Inputs that could not be
// loaded are tool execution notifications, and make the invocation
// unsuccessful, so a code-scanning service does not mistake a file it never
// saw checked for a clean one.
func writeSARIF(w io.Writer, results []checked, rules []*rpp.Rule) error {
	log, err := sarif.New(sarif.Version210)
	if err != nil {
		return fmt.Errorf("starting the SARIF log: %w", err)
	}
	sr := sarif.NewRunWithInformationURI("rpp", informationURI)
	// Positions come from the YAML parser, which counts characters, not
	// the UTF-16 code units SARIF assumes by default.
	sr.WithColumnKind("unicodeCodePoints")
	index := map[string]int{}
	for i, r := range rules {
		index[r.ID] = i
		sr.Tool.Driver.AddRule(sarifRule(r))
	}

	ok := true
	var notes []*sarif.Notification
	for _, r := range results {
		if r.err != nil {
			ok = false
			notes = append(notes, sarifNotifications(r.err)...)
		}
		for _, f := range r.report.Findings {
			res := sarif.NewRuleResult(f.Rule).
				WithLevel(sarifLevel(f.Severity)).
				WithMessage(sarif.NewTextMessage(resultText(f))).
				WithLocations([]*sarif.Location{sarifLocation(f)})
			if i, known := index[f.Rule]; known {
				res.WithRuleIndex(i)
			}
			if v := f.Replacement(); v != "" {
				// The fix as data, for tools that apply it: the exact
				// value the field should hold.
				res.Properties = sarif.Properties{"replacement": v}
			}
			// Appended directly: Run.AddResult would set ruleIndex to
			// uint(-1) for a rule the catalogue does not hold.
			sr.Results = append(sr.Results, res)
		}
	}
	inv := sr.AddInvocation(ok)
	inv.ToolExecutionNotifications = notes
	log.AddRun(sr)

	if err := log.PrettyWrite(w); err != nil {
		return fmt.Errorf("writing SARIF: %w", err)
	}
	_, err = io.WriteString(w, "\n")
	return err
}

func sarifRule(r *rpp.Rule) *sarif.ReportingDescriptor {
	doc := sarif.NewMultiformatMessageString(r.Doc)
	return sarif.NewRule(r.ID).
		WithName(ruleName(r.ID)).
		WithShortDescription(sarif.NewMultiformatMessageString(r.Summary)).
		WithFullDescription(doc).
		WithHelp(doc).
		WithDefaultConfiguration(sarif.NewReportingConfiguration().WithLevel(sarifLevel(r.Severity))).
		WithProperties(sarif.Properties{"source": r.Source})
}

// ruleName turns a rule ID into the PascalCase name SARIF recommends for
// reportingDescriptor.name: cert-wildcard → CertWildcard.
func ruleName(id string) string {
	var b strings.Builder
	for _, part := range strings.Split(id, "-") {
		if part != "" {
			b.WriteString(strings.ToUpper(part[:1]) + part[1:])
		}
	}
	return b.String()
}

// sarifLevel maps a severity to a SARIF level; SARIF calls info "note".
func sarifLevel(s rpp.Severity) string {
	switch s {
	case rpp.Error:
		return "error"
	case rpp.Warning:
		return "warning"
	}
	return "note"
}

// resultText is the result's message: what is wrong and what to do, as
// one text, since SARIF viewers show only the message.
func resultText(f rpp.Finding) string {
	if f.Fix == "" {
		return f.Message
	}
	msg := f.Message
	if !strings.HasSuffix(msg, ".") && !strings.HasSuffix(msg, "?") && !strings.HasSuffix(msg, "!") {
		msg += "." // rppkit's messages are clauses; SARIF's are sentences
	}
	return msg + " Fix: " + f.Fix
}

// sarifLocation points at the finding's file and line, and names the object
// and field at fault as a logical location.
func sarifLocation(f rpp.Finding) *sarif.Location {
	loc := sarif.NewLocation()
	if phys := physicalLocation(rpp.Position{File: f.File, Line: f.Line, Column: f.Column}); phys != nil {
		loc.WithPhysicalLocation(phys)
	}
	name := f.Object
	if f.Field != "" {
		name += "/" + f.Field
	}
	if name != "" {
		logical := sarif.NewLogicalLocation().WithFullyQualifiedName(name)
		if f.Field != "" {
			logical.WithName(f.Field).WithKind("property")
		}
		loc.WithLogicalLocations([]*sarif.LogicalLocation{logical})
	}
	return loc
}

// physicalLocation returns where pos is, or nil if it names no file.
func physicalLocation(pos rpp.Position) *sarif.PhysicalLocation {
	if pos.File == "" {
		return nil
	}
	art := sarif.NewArtifactLocation()
	if pos.File == stdinName {
		// Standard input has no URI; SARIF allows an artifact location
		// that only describes the artifact.
		art.WithDescriptionText("standard input")
	} else {
		art.WithUri(fileURI(pos.File))
	}
	phys := sarif.NewPhysicalLocation().WithArtifactLocation(art)
	if pos.Line > 0 {
		region := sarif.NewRegion().WithStartLine(pos.Line)
		if pos.Column > 0 {
			region.WithStartColumn(pos.Column)
		}
		phys.WithRegion(region)
	}
	return phys
}

// fileURI turns a path as given on the command line into a URI reference:
// slash-separated, relative when the path is, with spaces and the like
// escaped (url.URL also guards a first segment holding a colon with "./").
func fileURI(path string) string {
	u := url.URL{Path: filepath.ToSlash(path)}
	return u.String()
}

// sarifNotifications turns why an input failed into notifications, one per
// problem, each pointing at its file and line when known.
func sarifNotifications(err error) []*sarif.Notification {
	note := func(msg string, pos rpp.Position) *sarif.Notification {
		n := sarif.NewNotification().WithLevel("error").WithMessage(sarif.NewTextMessage(msg))
		if phys := physicalLocation(pos); phys != nil {
			n.WithLocations([]*sarif.Location{sarif.NewLocationWithPhysicalLocation(phys)})
		}
		return n
	}
	var de *rpp.DecodeError
	if !errors.As(err, &de) {
		return []*sarif.Notification{note(err.Error(), rpp.Position{})}
	}
	notes := make([]*sarif.Notification, len(de.Errs))
	for i, fe := range de.Errs {
		notes[i] = note(fe.Error(), fe.Pos)
	}
	return notes
}
