package main

import (
	"fmt"
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

// writeText writes a report for people: findings grouped by file and then
// by system, each with where it is, what is wrong and what to do, wrapped to
// lineWidth columns; then a one-line summary.
func writeText(w io.Writer, results []checked, nRules int, st style) error {
	p := &printer{w: w}
	for _, r := range results {
		if r.err != nil && len(r.report.Findings) == 0 {
			continue // its problems went to stderr
		}
		if len(r.report.Findings) == 0 {
			if len(results) > 1 {
				p.wrapped(st.bold(sanitize(r.name))+": no findings", "", indentHead)
			}
			continue
		}
		p.wrapped(st.bold(sanitize(r.name)), "", indentHead)
		for _, group := range groupBySystem(r.report.Findings) {
			p.line("")
			p.line(group.title)
			for _, f := range group.findings {
				writeFinding(p, r.name, f, st)
			}
		}
		p.line("")
	}
	p.wrapped(summaryLine(results, nRules), "", indentHead)
	return p.err
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
			groups = append(groups, systemGroup{title: sanitize(key)})
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
func writeFinding(p *printer, input string, f rpp.Finding, st style) {
	file := f.File
	if file == "" {
		file = input
	}
	where := sanitize(file)
	if f.Line > 0 {
		where += fmt.Sprintf(":%d", f.Line)
	}
	p.wrapped(where+": "+st.severity(f.Severity)+" "+st.bold(sanitize(f.Rule)), indentHead, indentWrap)

	var at []string
	if f.Object != "" {
		at = append(at, "object "+sanitize(f.Object))
	}
	if f.Field != "" {
		at = append(at, "field "+sanitize(f.Field))
	}
	if len(at) > 0 {
		p.wrapped(strings.Join(at, ", "), indentDetail, indentWrap)
	}
	p.wrapped(sanitize(f.Message), indentDetail, indentWrap)
	if f.Fix != "" {
		p.wrapped(sanitize(f.Fix), indentDetail+"fix: ", indentWrap)
	}
	if v := f.Replacement(); v != "" {
		p.wrapped(sanitize(v), indentDetail+"set to: ", indentWrap)
	}
}

// summaryLine is the last line of the text report: "3 errors, 1 warning,
// 0 info in 2 files" or "no findings in two-site.yaml (44 rules)".
func summaryLine(results []checked, nRules int) string {
	var sum rpp.Summary
	var ok []string
	failed := 0
	for _, r := range results {
		if r.err != nil {
			failed++
		} else {
			ok = append(ok, r.name)
		}
		for _, f := range r.report.Findings {
			sum.Add(f.Severity)
		}
	}
	notChecked := plural(failed, "file", "files") + " could not be checked"
	var where string
	switch len(ok) {
	case 0:
		return notChecked
	case 1:
		where = sanitize(ok[0])
	default:
		where = plural(len(ok), "file", "files")
	}
	var s string
	if sum == (rpp.Summary{}) {
		s = fmt.Sprintf("no findings in %s (%s)", where, plural(nRules, "rule", "rules"))
	} else {
		s = fmt.Sprintf("%s, %s, %d info in %s", plural(sum.Errors, "error", "errors"),
			plural(sum.Warnings, "warning", "warnings"), sum.Info, where)
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

// printer writes lines, keeping the first write error so that the report
// code need not check each line.
type printer struct {
	w   io.Writer
	err error
}

func (p *printer) line(s string) {
	if p.err == nil {
		_, p.err = io.WriteString(p.w, s+"\n")
	}
}

// wrapped writes text wrapped to lineWidth (see wrap).
func (p *printer) wrapped(text, first, rest string) {
	for _, l := range wrap(text, lineWidth, first, rest) {
		p.line(l)
	}
}
