package report

import (
	"fmt"
	"github.com/rppkit/rppkit/internal/textfmt"
	"io"
	"strings"

	"github.com/rppkit/rppkit/rpp"
)

// systems are the groups of the text report, in the order it shows them:
// Finding.System() and the heading for it.
func systems() [][2]string {
	return [][2]string{{"lync", "Lync"}, {"rmx", "RMX"}, {"dma", "DMA"}, {"rpp", "Deployment"}}
}

// Indents of the text report: a finding's heading, its details, and the
// continuation lines of a wrapped detail.
const (
	indentHead   = "  "
	indentDetail = "    "
	indentWrap   = "      "
)

// WriteText writes a report for people: findings grouped by input and then
// by system, each with where it is (file:line:col), what is wrong and what
// to do, wrapped to 80 columns; then a one-line summary. An input that
// could not be checked is named, with its problems unless
// Options.HideProblems says they are shown elsewhere.
func WriteText(w io.Writer, inputs []Input, opts Options) error {
	st := style{color: opts.Color}
	p := &textfmt.Printer{W: w}
	for _, in := range inputs {
		findings := opts.visible(in.Report.Findings)
		name := st.bold(textfmt.Sanitize(displayName(in)))
		if in.Err != nil {
			problems := in.Problems()
			what := "not checked"
			if in.Status() == Incomplete {
				what = "checking stopped early"
			}
			count := plural(len(problems), "problem", "problems")
			if opts.HideProblems {
				p.Wrapped(name+": "+st.severity(rpp.Error)+" "+what+": "+count+", listed on standard error", "", indentHead)
			} else {
				p.Wrapped(name+": "+st.severity(rpp.Error)+" "+what+": "+count, "", indentHead)
				for _, pr := range problems {
					p.Wrapped(textfmt.Sanitize(pr.String()), indentHead, indentWrap)
				}
			}
			if len(findings) == 0 {
				p.Line("")
				continue
			}
		}
		if len(findings) == 0 {
			if len(inputs) > 1 || in.Origin == FromExample {
				p.Wrapped(name+": no findings", "", indentHead)
			}
			continue
		}
		if in.Err == nil {
			p.Wrapped(name, "", indentHead)
		}
		for _, group := range groupBySystem(findings) {
			p.Line("")
			p.Line(group.title)
			for _, f := range group.findings {
				writeFinding(p, in.Name, f, st)
			}
		}
		p.Line("")
	}
	p.Wrapped(summaryLine(inputs, len(opts.rules()), opts.ShowSuppressed), "", indentHead)
	return p.Err()
}

type systemGroup struct {
	title    string
	findings []rpp.Finding
}

// groupBySystem splits findings by Finding.System, keeping their order
// within each system. A system the report does not know of (a rule added
// for a new system) is shown after the known ones, under its own name.
func groupBySystem(findings []rpp.Finding) []systemGroup {
	var groups []systemGroup
	index := map[string]int{}
	for _, s := range systems() {
		index[s[0]] = len(groups)
		groups = append(groups, systemGroup{title: s[1]})
	}
	for _, f := range findings {
		key := f.System()
		i, ok := index[key]
		if !ok {
			i = len(groups)
			index[key] = i
			groups = append(groups, systemGroup{title: textfmt.Sanitize(key)})
		}
		groups[i].findings = append(groups[i].findings, f)
	}
	var nonEmpty []systemGroup
	for _, g := range groups {
		if len(g.findings) > 0 {
			nonEmpty = append(nonEmpty, g)
		}
	}
	return nonEmpty
}

// writeFinding writes one finding: a heading (file.yaml:12: error rule-id)
// and, indented under it, the object and field at fault, the message, the
// fix ("fix: …") and, when the fix is a value, that value ("set to: …").
func writeFinding(p *textfmt.Printer, input string, f rpp.Finding, st style) {
	file := f.File
	if file == "" {
		file = input
	}
	where := textfmt.Sanitize(rpp.Position{File: file, Line: f.Line, Column: f.Column}.String())
	head := where + ": " + st.severity(f.Severity) + " " + st.bold(textfmt.Sanitize(f.Rule))
	if f.Suppressed != nil {
		head = where + ": " + f.Severity.String() + " " + textfmt.Sanitize(f.Rule) + " (suppressed)"
	}
	p.Wrapped(head, indentHead, indentWrap)

	var at []string
	if f.Object != "" {
		at = append(at, "object "+textfmt.Sanitize(f.Object))
	}
	if f.Field != "" {
		at = append(at, "field "+textfmt.Sanitize(f.Field))
	}
	if len(at) > 0 {
		p.Wrapped(strings.Join(at, ", "), indentDetail, indentWrap)
	}
	p.Wrapped(textfmt.Sanitize(f.Message), indentDetail, indentWrap)
	if f.Fix != "" {
		p.Wrapped(textfmt.Sanitize(f.Fix), indentDetail+"fix: ", indentWrap)
	}
	if v := f.Replacement(); v != "" {
		p.Wrapped(textfmt.Sanitize(v), indentDetail+"set to: ", indentWrap)
	}
	if f.Suppressed != nil {
		p.Wrapped(textfmt.Sanitize(suppressedText(f.Suppressed)), indentDetail, indentWrap)
	}
}

// summaryLine is the last line of the text report: "3 errors, 1 warning,
// 0 info in 2 files" or "no findings in two-site.yaml (44 rules)", then
// how many findings were suppressed, if any: "; 2 suppressed
// (--show-suppressed lists them)".
func summaryLine(inputs []Input, nRules int, shown bool) string {
	sum := summarize(inputs)
	var ok []string
	failed := 0
	for _, in := range inputs {
		if in.Err != nil {
			failed++
		} else {
			ok = append(ok, displayName(in))
		}
	}
	notChecked := plural(failed, "file", "files") + " could not be checked"
	var where string
	switch len(ok) {
	case 0:
		return notChecked
	case 1:
		where = textfmt.Sanitize(ok[0])
	default:
		where = plural(len(ok), "file", "files")
	}
	var s string
	if sum.Errors+sum.Warnings+sum.Info == 0 {
		s = fmt.Sprintf("no findings in %s (%s)", where, plural(nRules, "rule", "rules"))
	} else {
		s = fmt.Sprintf("%s, %s, %d info in %s", plural(sum.Errors, "error", "errors"),
			plural(sum.Warnings, "warning", "warnings"), sum.Info, where)
	}
	if sum.Suppressed > 0 {
		s += "; " + plural(sum.Suppressed, "suppressed", "suppressed")
		if !shown {
			s += " (--show-suppressed lists them)"
		}
	}
	if failed > 0 {
		s += "; " + notChecked
	}
	return s
}

func plural(n int, one, many string) string {
	if n == 1 {
		return "1 " + one
	}
	return fmt.Sprintf("%d %s", n, many)
}
