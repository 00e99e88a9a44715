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
	fmt.Fprintf(&b, "Run `rpp explain %s` for this text at a terminal.\n", r.ID)
	return b.String()
}

// RulesIndexMarkdown renders the index of rule pages: one line per rule.
func RulesIndexMarkdown(rules []*rpp.Rule) string {
	var b strings.Builder
	b.WriteString("# Rules\n\nEvery rule `rpp check` runs, with its severity. ")
	b.WriteString("This directory is generated from the catalogue (`go test ./rpp/report -run TestRuleDocs -update`).\n\n")
	b.WriteString("| rule | severity | fires when |\n|---|---|---|\n")
	for _, r := range rules {
		fmt.Fprintf(&b, "| [%s](%s.md) | %s | %s |\n", r.ID, r.ID, r.Severity, strings.ReplaceAll(r.Summary, "|", `\|`))
	}
	return b.String()
}
