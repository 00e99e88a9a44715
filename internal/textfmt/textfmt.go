// Package textfmt lays text out for people at a terminal: wrapped to 80
// columns without ever breaking a word (GRUUs and FQDNs must stay
// copyable), and with control characters shown rather than obeyed.
package textfmt

import (
	"fmt"
	"io"
	"strings"
	"unicode"
	"unicode/utf8"
)

// lineWidth is the width text output fits in: a terminal's default, and what
// an e-mail or a ticket shows without reflowing.
const LineWidth = 80

// Wrap breaks text into lines of at most width columns. The first line
// starts with first, the others with rest: a hanging indent when rest is
// wider. Words are never broken, because the values in rppkit's messages
// (GRUUs, FQDNs, field paths) must stay copyable: a word too long for any
// line gets a line of its own, and a label in first that would share a line
// with such a word stands alone before it.
func Wrap(text string, width int, first, rest string) []string {
	var lines []string
	line, n := first, VisibleWidth(first)
	bare := true // line holds only its prefix so far
	for _, w := range strings.Fields(text) {
		wn := VisibleWidth(w)
		switch {
		case !bare && n+1+wn > width:
			lines = append(lines, line)
			line, n, bare = rest, VisibleWidth(rest), true
		case bare && n+wn > width && strings.TrimSpace(line) != "":
			// A label such as "fix:" followed by a word too long to fit
			// on its line: give the word a line of its own.
			lines = append(lines, strings.TrimRight(line, " "))
			line, n = rest, VisibleWidth(rest)
		}
		if !bare {
			line += " "
			n++
		}
		line += w
		n += wn
		bare = false
	}
	return append(lines, strings.TrimRight(line, " "))
}

// VisibleWidth counts the columns s takes on a terminal: its runes, less
// the ANSI colour sequences, which take none.
func VisibleWidth(s string) int {
	n := 0
	for i := 0; i < len(s); {
		if s[i] == '\x1b' {
			if j := strings.IndexByte(s[i:], 'm'); j >= 0 {
				i += j + 1
				continue
			}
		}
		_, size := utf8.DecodeRuneInString(s[i:])
		i += size
		n++
	}
	return n
}

// Sanitize shows control characters (a newline, an escape) as Go escapes:
// text from a deployment file reaches messages, and neither a broken file
// nor a hostile one should be able to split a line or drive the terminal.
func Sanitize(s string) string {
	if !strings.ContainsFunc(s, unicode.IsControl) {
		return s
	}
	var b strings.Builder
	for _, r := range s {
		switch {
		case r == '\n':
			b.WriteString(`\n`)
		case r == '\t':
			b.WriteString(`\t`)
		case r == '\r':
			b.WriteString(`\r`)
		case unicode.IsControl(r) && r < 0x80:
			fmt.Fprintf(&b, `\x%02x`, r)
		case unicode.IsControl(r):
			fmt.Fprintf(&b, `\u%04x`, r)
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}

// Printer writes lines, keeping the first write error so that the report
// code need not check each line.
type Printer struct {
	W   io.Writer
	err error
}

func (p *Printer) Line(s string) {
	if p.err == nil {
		_, p.err = io.WriteString(p.W, s+"\n")
	}
}

// Wrapped writes text wrapped to LineWidth (see Wrap).
func (p *Printer) Wrapped(text, first, rest string) {
	for _, l := range Wrap(text, LineWidth, first, rest) {
		p.Line(l)
	}
}

// Err returns the first write error.
func (p *Printer) Err() error { return p.err }

// Printf writes formatted text as it is, without wrapping or sanitizing:
// the caller sanitizes what came from outside.
func (p *Printer) Printf(format string, args ...any) {
	if p.err == nil {
		_, p.err = fmt.Fprintf(p.W, format, args...)
	}
}
