package shell

import (
	"context"
	"fmt"
	"regexp"
	"strings"
	"unicode/utf8"
)

// parser walks the lines of one output. The layouts it reads are those of
// PowerShell's formatter:
//
//   - Format-List (fl, and the default view of an object with five or more
//     properties): records separated by blank lines; each field a line
//     "Label : value", the labels of one record padded to the same width;
//     a value longer than the console wraps onto lines indented to the
//     value's column; "Label :" when the value is empty.
//   - Format-Table (ft, and the default view of an object with up to four
//     properties): a header line, a line of dashes under each column, and
//     one row per line, each column starting where its dashes start.
//
// Blank lines, PowerShell prompt lines (PS C:\> …) and transcript banners
// (lines of '*') separate records.
type parser struct {
	out   *Output
	lines []string
	i     int
}

// checkEvery is how many lines are read between two looks at the context.
const checkEvery = 1024

func (p *parser) run(ctx context.Context) error {
	for p.i < len(p.lines) {
		if p.i%checkEvery == 0 {
			if err := ctx.Err(); err != nil {
				return err
			}
		}
		line := p.lines[p.i]
		switch {
		case separates(line):
			p.i++
		case isBanner(line):
			p.skipBanner()
		case isStreamMessage(line):
			p.i++
		case isServerVersion(line):
			p.out.Records = append(p.out.Records, &Record{File: p.out.File, Line: p.i + 1,
				Fields: []Field{{Name: ServerVersionField, Value: line, Line: p.i + 1}}})
			p.i++
		case p.i+1 < len(p.lines) && isDashes(p.lines[p.i+1]):
			// A header may begin with blanks: a right-aligned first column.
			if err := p.table(ctx); err != nil {
				return err
			}
		case !startsBlank(line) && isField(line):
			p.list()
		default:
			p.unplaceable(p.i, 0)
		}
	}
	return nil
}

// separates reports whether line ends a record: a blank line or a prompt.
func separates(line string) bool { return line == "" || isPrompt(line) }

// isPrompt reports whether line is a PowerShell prompt with what was typed
// after it: "PS C:\Users\admin> Get-CsPool", "PS>", or in a remote session
// "[lyncfe01]: PS C:\> …". A field whose name begins with PS is told
// apart by its " : " before the '>'.
func isPrompt(line string) bool {
	if rest, ok := strings.CutPrefix(line, "["); ok {
		if _, after, ok := strings.Cut(rest, "]: "); ok {
			line = after
		}
	}
	if strings.HasPrefix(line, "PS>") {
		return true
	}
	before, _, ok := strings.Cut(line, ">")
	return ok && strings.HasPrefix(line, "PS ") && !strings.Contains(before, " : ")
}

func startsBlank(line string) bool { return line != "" && (line[0] == ' ' || line[0] == '\t') }

// isStreamMessage reports whether line is a message PowerShell prints
// beside the output, from its warning, verbose or debug stream: in a
// console copy, not in a file Out-File wrote (which takes the output
// stream only).
func isStreamMessage(line string) bool {
	for _, p := range []string{"WARNING: ", "VERBOSE: ", "DEBUG: "} {
		if strings.HasPrefix(line, p) {
			return true
		}
	}
	return false
}

// ServerVersionField names the one field of the record Parse makes of the
// line Get-CsServerVersion prints, "Skype for Business Server 2015
// (6.0.9319.0): Volume license key installed." — a string, not an object,
// so not Name : Value.
const ServerVersionField = "ServerVersion"

// serverVersion matches Get-CsServerVersion's line: the product's name,
// its version in parentheses, a colon.
var serverVersion = regexp.MustCompile(`^(Microsoft )?(Lync|Skype for Business) Server \d{4} \(\d+(\.\d+)+\):`)

func isServerVersion(line string) bool { return serverVersion.MatchString(line) }

// isBanner reports whether line is a transcript banner: Start-Transcript
// frames its header and each command between lines of asterisks.
func isBanner(line string) bool {
	return len(line) >= 10 && strings.Trim(line, "*") == ""
}

// skipBanner skips a banner line and, when another closes it within a few
// lines, what lies between them (the transcript's start time, user and
// host, which are not Name : Value lines).
func (p *parser) skipBanner() {
	for j := p.i + 1; j < len(p.lines) && j <= p.i+24; j++ {
		if isBanner(p.lines[j]) {
			p.i = j + 1
			return
		}
	}
	p.i++
}

// fieldSep returns the byte index of the " : " (or the final " :") that
// ends line's label, or -1.
func fieldSep(line string) int {
	if i := strings.Index(line, " : "); i > 0 {
		return i
	}
	if strings.HasSuffix(line, " :") && len(line) > 2 {
		return len(line) - 2
	}
	return -1
}

func isField(line string) bool {
	return fieldSep(line) > 0 && strings.TrimSpace(line[:fieldSep(line)]) != ""
}

// list reads one Format-List record, from p.i to the next separator.
func (p *parser) list() {
	rec := &Record{File: p.out.File, Line: p.i + 1}
	// The value being read, kept in a builder until its field ends so that
	// a value wrapped over many lines costs time in proportion to them.
	var value strings.Builder
	valueCol := 0 // the column, in characters, where it begins
	done := func() {
		if n := len(rec.Fields); n > 0 {
			v := value.String()
			if strings.IndexByte(v, 0x1b) >= 0 {
				// A colour escape the console wrapped mid-way is whole
				// again once the value's lines are joined.
				v = string(stripEscapes([]byte(v)))
			}
			rec.Fields[n-1].Value = v
		}
		value.Reset()
	}
	for ; p.i < len(p.lines) && !separates(p.lines[p.i]) && !isBanner(p.lines[p.i]); p.i++ {
		line := p.lines[p.i]
		if isStreamMessage(line) {
			continue // printed between the record's lines, not part of it
		}
		if startsBlank(line) {
			if len(rec.Fields) == 0 {
				p.unplaceable(p.i, rec.Line)
				return
			}
			value.WriteString(continuation(line, valueCol))
			continue
		}
		sep := fieldSep(line)
		if sep <= 0 {
			p.unplaceable(p.i, rec.Line)
			return
		}
		done()
		if sep+3 <= len(line) {
			value.WriteString(line[sep+3:])
		}
		rec.Fields = append(rec.Fields, Field{Name: strings.TrimRight(line[:sep], " "), Line: p.i + 1})
		valueCol = utf8.RuneCountInString(line[:sep]) + 3
	}
	done()
	p.out.Records = append(p.out.Records, rec)
}

// continuation returns the part of a wrapped line that continues a value
// beginning at column valueCol: the console indents it to that column, so
// exactly that indentation is dropped and any blank beyond it kept. A line
// indented less (re-indented by an editor) loses all its indentation.
func continuation(line string, valueCol int) string {
	blanks := len(line) - len(strings.TrimLeft(line, " "))
	if blanks >= valueCol {
		return line[valueCol:]
	}
	return strings.TrimLeft(line, " \t")
}

// unplaceable reports the line at index i, which fits no layout, and skips
// it with the lines after it up to the next separator. recordLine is the
// line of the record it breaks (0 when it is outside any).
func (p *parser) unplaceable(i, recordLine int) {
	end := i + 1
	for end < len(p.lines) && !separates(p.lines[end]) && !isBanner(p.lines[end]) {
		end++
	}
	what := fmt.Sprintf("%q is neither a \"Name : Value\" line, nor the continuation of one, nor part of a table", clip(p.lines[i]))
	switch {
	case recordLine > 0:
		what += fmt.Sprintf("; the record that begins on line %d is left out", recordLine)
	case end-i == 2:
		what += " (nor is the line after it)"
	case end-i > 2:
		what += fmt.Sprintf(" (nor are the %d lines after it, up to the next blank line)", end-i-1)
	}
	p.out.Problems = append(p.out.Problems, &ParseError{File: p.out.File, Line: i + 1, Err: fmt.Errorf("%w: %s", ErrLayout, what)})
	p.i = end
}

// clip shortens a line quoted in a message.
func clip(s string) string {
	const max = 60
	if utf8.RuneCountInString(s) <= max {
		return s
	}
	return string([]rune(s)[:max]) + "…"
}
