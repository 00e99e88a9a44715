package report

import (
	"encoding/xml"
	"fmt"
	"io"
)

// CheckstyleVersion is the version attribute of the <checkstyle> root: the
// Checkstyle report format that CI tools (Jenkins Warnings NG, reviewdog,
// GitLab and Bitbucket plugins) read, as ESLint's checkstyle formatter
// writes it.
const CheckstyleVersion = "4.3"

// CheckstyleReport is a Checkstyle XML report, as WriteCheckstyle writes it and
// as a reader decodes it with encoding/xml.
type CheckstyleReport struct {
	XMLName xml.Name         `xml:"checkstyle"`
	Version string           `xml:"version,attr"`
	Files   []CheckstyleFile `xml:"file"`
}

// CheckstyleFile is one file's findings.
type CheckstyleFile struct {
	Name   string            `xml:"name,attr"`
	Errors []CheckstyleError `xml:"error"`
}

// CheckstyleError is one finding. Source is "rppkit." and the rule ID, as
// Checkstyle names its checks by a dotted name.
type CheckstyleError struct {
	Line     int    `xml:"line,attr,omitempty"`
	Column   int    `xml:"column,attr,omitempty"`
	Severity string `xml:"severity,attr"`
	Message  string `xml:"message,attr"`
	Source   string `xml:"source,attr"`
}

// CheckstyleSource is the source attribute of a finding of rule id.
func CheckstyleSource(id string) string { return "rppkit." + id }

// WriteCheckstyle writes Checkstyle XML: a <file> per file, in the order
// the inputs name them, with an <error> per finding (severity error,
// warning or info). A checked input without findings still has its <file>,
// empty, so a reader sees it was checked; an input that could not be
// checked has an error per problem with source "rppkit.load" (or
// "rppkit.check" when checking stopped early), so it never reads as clean.
func WriteCheckstyle(w io.Writer, inputs []Input, opts Options) error {
	doc := CheckstyleReport{Version: CheckstyleVersion}
	index := map[string]int{}
	file := func(name string) *CheckstyleFile {
		i, ok := index[name]
		if !ok {
			i = len(doc.Files)
			index[name] = i
			doc.Files = append(doc.Files, CheckstyleFile{Name: name})
		}
		return &doc.Files[i]
	}
	for _, in := range inputs {
		file(displayName(in))
		source := "rppkit.load"
		if in.Status() == Incomplete {
			source = "rppkit.check"
		}
		for _, p := range in.Problems() {
			f := file(fileName(p.File, in))
			f.Errors = append(f.Errors, CheckstyleError{Line: p.Line, Column: p.Column, Severity: "error", Message: problemText(p), Source: source})
		}
		for _, fd := range opts.visible(in.Report.Findings) {
			f := file(fileName(fd.File, in))
			sev, msg := fd.Severity.String(), resultText(fd)
			if fd.Suppressed != nil {
				sev, msg = "info", suppressedText(fd.Suppressed)+". "+msg
			}
			f.Errors = append(f.Errors, CheckstyleError{Line: fd.Line, Column: fd.Column,
				Severity: sev, Message: msg, Source: CheckstyleSource(fd.Rule)})
		}
	}
	if _, err := io.WriteString(w, xml.Header); err != nil {
		return err
	}
	enc := xml.NewEncoder(w)
	enc.Indent("", "  ")
	if err := enc.Encode(doc); err != nil {
		return fmt.Errorf("writing Checkstyle XML: %w", err)
	}
	_, err := io.WriteString(w, "\n")
	return err
}

// fileName is the file a finding or problem of in is reported under: the
// file it names, or the input itself.
func fileName(file string, in Input) string {
	if file == "" || file == in.Name {
		return displayName(in)
	}
	return file
}

// problemText is a problem without its position, which the attributes hold.
func problemText(p Problem) string {
	if p.Field != "" {
		return p.Field + ": " + p.Message
	}
	return p.Message
}
