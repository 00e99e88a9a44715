package report

import (
	"fmt"
	"io"
	"net/url"
	"path/filepath"
	"strings"

	"github.com/owenrumney/go-sarif/v2/sarif"

	"github.com/rppkit/rppkit/rpp"
)

// WriteSARIF writes a SARIF 2.1.0 log with one run: the rules that ran as
// the driver's rules (each with its help URI), the tool's version, and a
// result per finding, its fixes as data in the result's properties. Inputs
// that could not be loaded are tool execution notifications and make the
// invocation unsuccessful, so a code-scanning service does not mistake a
// file it never saw checked for a clean one; standard input and the bundled
// example are artifacts described as such.
func WriteSARIF(w io.Writer, inputs []Input, opts Options) error {
	log, err := sarif.New(sarif.Version210)
	if err != nil {
		return fmt.Errorf("starting the SARIF log: %w", err)
	}
	tool := opts.tool()
	sr := sarif.NewRunWithInformationURI(tool.Name, tool.InformationURI)
	sr.Tool.Driver.WithVersion(numericVersion(tool.Version))
	// Positions come from the YAML parser, which counts characters, not
	// the UTF-16 code units SARIF assumes by default.
	sr.WithColumnKind("unicodeCodePoints")
	rules := opts.rules()
	index := ruleIndex(rules)
	for _, r := range rules {
		sr.Tool.Driver.AddRule(sarifRule(r))
	}
	origins := map[string]Origin{}
	for _, in := range inputs {
		origins[in.Name] = in.Origin
	}

	ok := true
	var notes []*sarif.Notification
	for _, in := range inputs {
		sr.Artifacts = append(sr.Artifacts, sarifArtifact(in))
		if in.Err != nil {
			ok = false
			notes = append(notes, sarifNotifications(in, origins)...)
		}
		for _, f := range in.Report.Findings {
			res := sarif.NewRuleResult(f.Rule).
				WithLevel(sarifLevel(f.Severity)).
				WithMessage(sarif.NewTextMessage(resultText(f))).
				WithLocations([]*sarif.Location{sarifLocation(f, origins)})
			if i, known := index[f.Rule]; known {
				res.WithRuleIndex(i)
			}
			if f.Suppressed != nil {
				res.AddSuppression(sarifSuppression(f.Suppressed, origins))
			}
			if len(f.Fixes) > 0 {
				// The fix as data, for tools that apply it: field-level
				// edits (SARIF's own fixes need byte regions).
				res.Properties = sarif.Properties{"fixes": f.Fixes}
				if v := f.Replacement(); v != "" {
					res.Properties["replacement"] = v
				}
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
		WithHelpURI(r.URL()).
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
func sarifLevel(s rpp.Severity) string { return levelName(s, "note") }

// levelName is a severity's name in a format that agrees with rppkit on
// "error" and "warning" and calls info something else.
func levelName(s rpp.Severity, info string) string {
	if s == rpp.Info {
		return info
	}
	return s.String()
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

// numericVersion is a tool version as SARIF viewers compare them: starting
// with a number (rule SARIF2005 of Microsoft's validator). Module versions
// lose their "v"; a development build, which has none, is 0.0.0 with what
// is known of it after a "-" (v1.2.3 → 1.2.3, "(devel) 0123abcd+dirty" →
// 0.0.0-devel.0123abcd+dirty).
func numericVersion(v string) string {
	if rest, ok := strings.CutPrefix(v, "v"); ok && rest != "" && rest[0] >= '0' && rest[0] <= '9' {
		return rest
	}
	if v != "" && v[0] >= '0' && v[0] <= '9' {
		return v
	}
	words := strings.FieldsFunc(v, func(r rune) bool { return r == ' ' || r == '(' || r == ')' })
	return "0.0.0-" + strings.Join(append([]string{}, words...), ".")
}

// sarifArtifact describes one input: where it is, where it came from and
// whether it was checked. Standard input and the bundled example have no
// URI; their descriptions say what they are.
func sarifArtifact(in Input) *sarif.Artifact {
	a := sarif.NewArtifact().WithLength(-1) // -1: not known (SARIF §3.24.6)
	a.Location = sarif.NewArtifactLocation()
	switch in.Origin {
	case FromStdin:
		a.Location.WithDescriptionText("standard input")
	case FromExample:
		a.Location.WithDescriptionText("the bundled example deployment " + in.Name + " (no file was given)")
	default:
		a.Location.WithUri(fileURI(in.Name))
	}
	a.Properties = sarif.Properties{"origin": string(in.Origin), "status": string(in.Status())}
	return a
}

// sarifLocation points at the finding's file and line, and names the object
// and field at fault as a logical location.
func sarifLocation(f rpp.Finding, origins map[string]Origin) *sarif.Location {
	loc := sarif.NewLocation()
	if phys := physicalLocation(rpp.Position{File: f.File, Line: f.Line, Column: f.Column}, origins); phys != nil {
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
func physicalLocation(pos rpp.Position, origins map[string]Origin) *sarif.PhysicalLocation {
	if pos.File == "" {
		return nil
	}
	art := sarif.NewArtifactLocation()
	switch origins[pos.File] {
	case FromStdin:
		// Standard input has no URI; SARIF allows an artifact location
		// that only describes the artifact.
		art.WithDescriptionText("standard input")
	case FromExample:
		// Not a file of the user's: the deployment bundled with rpp,
		// checked because no file was given.
		art.WithDescriptionText("the bundled example deployment " + pos.File + " (no file was given)")
	default:
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

// fileURI turns a path as given on the command line into a URI: a relative
// reference when the path is relative, slash-separated, with spaces and the
// like escaped (url.URL also guards a first segment holding a colon with
// "./"); a file: URI when it is absolute, since a relative reference that
// begins with a slash would not combine with a base URI (SARIF1004).
func fileURI(path string) string {
	p := filepath.ToSlash(path)
	if filepath.IsAbs(path) {
		if !strings.HasPrefix(p, "/") {
			p = "/" + p // C:/x → /C:/x, as file URIs write drive letters
		}
		return (&url.URL{Scheme: "file", Path: p}).String()
	}
	return (&url.URL{Path: p}).String()
}

// sarifNotifications turns why an input failed into notifications, one per
// problem, each pointing at its file and line when known.
func sarifNotifications(in Input, origins map[string]Origin) []*sarif.Notification {
	var notes []*sarif.Notification
	for _, pr := range in.Problems() {
		n := sarif.NewNotification().WithLevel("error").WithMessage(sarif.NewTextMessage(pr.String()))
		if phys := physicalLocation(rpp.Position{File: pr.File, Line: pr.Line, Column: pr.Column}, origins); phys != nil {
			n.WithLocations([]*sarif.Location{sarif.NewLocationWithPhysicalLocation(phys)})
		}
		notes = append(notes, n)
	}
	return notes
}
