package conformance

import (
	"fmt"
	"io"
	"strings"
)

// WriteMarkdown writes the case catalogue as a Markdown page, grouped by
// subject, followed by every wire case: what conformance/CASES.md holds, so
// nobody has to read code to know what the kit checks.
func WriteMarkdown(w io.Writer, cases []Case) error {
	var b strings.Builder
	b.WriteString("# The rppkit conformance cases\n\n")
	b.WriteString("Generated from `conformance/vectors/` by `go test ./conformance -run TestCasesMarkdown -update`; do not edit.\n")
	b.WriteString("Each case is one JSON file, `vectors/ID.json`, described by `case.schema.json`.\n")
	b.WriteString("*must* cases state what the guidance requires; *should* cases what it recommends.\n\n")
	counts := map[string]int{}
	for _, c := range cases {
		counts[c.Subject]++
	}
	fmt.Fprintf(&b, "%d cases:", len(cases))
	for i, k := range kinds() {
		sep := ","
		if i == len(kinds())-1 {
			sep = "."
		}
		fmt.Fprintf(&b, " [%s](#%s) %d%s", k.name, k.name, counts[k.name], sep)
	}
	b.WriteString("\n")
	for _, k := range kinds() {
		fmt.Fprintf(&b, "\n## %s\n\n%s: subjects implement `%s`; `%s` runs them.\n\n", k.name, upperFirst(k.summary), k.iface, k.entry)
		b.WriteString("| case | level | rules | what it checks |\n|---|---|---|---|\n")
		for _, c := range cases {
			if c.Subject != k.name {
				continue
			}
			rules := make([]string, len(c.Rules))
			for i, r := range c.Rules {
				rules[i] = "`" + r + "`"
			}
			fmt.Fprintf(&b, "| `%s` | %s | %s | %s |\n", c.ID, c.Level, strings.Join(rules, " "), escapeCell(c.Title))
		}
	}
	writeWireMarkdown(&b, WireCases())
	_, err := io.WriteString(w, b.String())
	return err
}

// writeWireMarkdown lists the wire cases: Go code, not vectors, since each
// runs on the wire against a device or a Lync stand-in under test.
func writeWireMarkdown(b *strings.Builder, cases []About) {
	fmt.Fprintf(b, "\n## Wire cases\n\n%d cases, run on loopback sockets rather than read from vectors. ", len(cases))
	b.WriteString("`device/…`: a device under test (an RMX-like trusted application) against the kit's Lync stand-in; `RunDevice` runs them. ")
	b.WriteString("`lync/…`: rppkit's RMX stand-in against a Lync stand-in under test; `RunLync` runs them. ")
	b.WriteString("`rpp conformance` runs both against rppkit's own stand-ins.\n\n")
	b.WriteString("| case | level | rules | what it checks |\n|---|---|---|---|\n")
	for _, c := range cases {
		rules := make([]string, len(c.Rules))
		for i, r := range c.Rules {
			rules[i] = "`" + r + "`"
		}
		fmt.Fprintf(b, "| `%s` | %s | %s | %s |\n", c.ID, c.Level, strings.Join(rules, " "), escapeCell(c.Title))
	}
}

func upperFirst(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}

func escapeCell(s string) string { return strings.ReplaceAll(s, "|", `\|`) }
