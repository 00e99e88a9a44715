// Package mermaid holds what rppkit's Mermaid writers (the lab's ladder,
// the plan's diagrams) share: the one escaping of text from a deployment
// or the wire into a Mermaid label or message.
package mermaid

import (
	"fmt"
	"strings"
	"unicode"
)

// Text makes s safe inside a quoted Mermaid label or a sequence diagram's
// message, participant or note: Mermaid reads #name; and #number; as
// entities, so everything that could end the label ('"', '|', ';' in a
// sequence diagram), start markup ('<', '>', '&', a Markdown string's
// backtick), start a comment or directive ('%%') or start an entity of its
// own ('#') is written as an entity. Line breaks and other control or
// format characters (such as a right-to-left override) are shown as Go
// escapes, so a name cannot split a statement or reorder what is drawn.
func Text(s string) string {
	var b strings.Builder
	for _, r := range s {
		switch r {
		case '"':
			b.WriteString("#quot;")
		case '#':
			b.WriteString("#35;")
		case ';':
			b.WriteString("#59;")
		case '<':
			b.WriteString("#lt;")
		case '>':
			b.WriteString("#gt;")
		case '&':
			b.WriteString("#amp;")
		case '|':
			b.WriteString("#124;")
		case '`':
			b.WriteString("#96;")
		case '%':
			b.WriteString("#37;")
		case '\n':
			b.WriteString(`\n`)
		case '\r':
			b.WriteString(`\r`)
		case '\t':
			b.WriteString(`\t`)
		default:
			if unicode.IsControl(r) || unicode.Is(unicode.Cf, r) {
				fmt.Fprintf(&b, `\u%04x`, r)
				continue
			}
			b.WriteRune(r)
		}
	}
	return b.String()
}
