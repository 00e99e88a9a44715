package report

import (
	"fmt"
	"strings"

	"github.com/rppkit/rppkit/rpp"
)

// RuleMarkdown renders a rule's documentation page, the page its URL names
// (docs/rules/ID.md in rppkit's repository): the facts, what an admin sees
// at the RMX, and the rule's doc, which says why and how to fix it.
func RuleMarkdown(r *rpp.Rule) string {
	var b strings.Builder
	fmt.Fprintf(&b, "# %s\n\n", r.ID)
	fmt.Fprintf(&b, "**%s**: %s.\n\n", r.Severity, r.Summary)
	fmt.Fprintf(&b, "- Severity: %s\n- Source: %s\n", r.Severity, r.Source)
	if r.NotIgnorable {
		b.WriteString("- Cannot be suppressed: an `ignore:` of this rule is an error\n")
	}
	if len(r.Symptoms) > 0 {
		b.WriteString("- Symptoms at the RMX:\n")
		for _, s := range r.Symptoms {
			fmt.Fprintf(&b, "  - %q (%s)\n", s.Text, s.Where)
		}
	}
	fmt.Fprintf(&b, "\n## Why, and the fix\n\n%s\n\n", r.Doc)
	if e := r.Example; e != nil {
		writeExample(&b, e)
	}
	fmt.Fprintf(&b, "Run `rpp explain %s` for this text at a terminal.\n", r.ID)
	return b.String()
}

// writeExample writes the rule's failing and passing snippets: the lines
// each edit writes into the bundled example, with their line numbers, so
// that an admin can find the same place in their own file.
func writeExample(b *strings.Builder, e *rpp.Example) {
	link := fmt.Sprintf("[`examples/%s`](../../examples/%s)", e.Base, e.Base)
	for _, side := range []struct {
		title, what string
		passing     bool
	}{
		{"Failing", "these lines make the rule fire", false},
		{"Passing", "the same place set right", true},
	} {
		fmt.Fprintf(b, "## %s\n\n", side.title)
		snippets, err := e.Snippets(side.passing)
		if err != nil {
			// TestRuleExamples keeps this from happening to a published page.
			fmt.Fprintf(b, "(no example: %v)\n\n", err)
			continue
		}
		fmt.Fprintf(b, "In %s, %s:\n\n```yaml\n", link, side.what)
		for _, s := range snippets {
			if s.Text == "" {
				fmt.Fprintf(b, "# line %d: these lines removed\n", s.Line)
				for _, line := range strings.SplitAfter(strings.TrimSuffix(s.Removed, "\n"), "\n") {
					b.WriteString("#" + strings.TrimSuffix(line, "\n") + "\n")
				}
				continue
			}
			fmt.Fprintf(b, "# line %d\n%s", s.Line, s.Text)
		}
		b.WriteString("```\n\n")
	}
	fmt.Fprintf(b, "`rpp check` on the failing file reports the rule; on the passing one it does not (the test `TestRuleExamples` checks both).\n\n")
}

// RuleDocs returns the rule pages and their index, by file name: what
// `rpp rules --format markdown --out DIR` writes, and what docs/rules holds
// for the catalogue.
func RuleDocs(rules []*rpp.Rule) map[string]string {
	docs := map[string]string{"README.md": RulesIndexMarkdown(rules)}
	for _, r := range rules {
		docs[r.ID+".md"] = RuleMarkdown(r)
	}
	return docs
}

// RulesIndexMarkdown renders the index of rule pages: one line per rule.
func RulesIndexMarkdown(rules []*rpp.Rule) string {
	var b strings.Builder
	b.WriteString("# Rules\n\nEvery rule `rpp check` runs, with its severity. ")
	b.WriteString("This directory is generated from the catalogue: `rpp rules --format markdown --out docs/rules` (or `go test ./rpp/report -run TestRuleDocs -update`) writes it, and a test fails when it is out of date.\n\n")
	b.WriteString("| rule | severity | fires when |\n|---|---|---|\n")
	for _, r := range rules {
		fmt.Fprintf(&b, "| [%s](%s.md) | %s | %s |\n", r.ID, r.ID, r.Severity, strings.ReplaceAll(r.Summary, "|", `\|`))
	}
	return b.String()
}
