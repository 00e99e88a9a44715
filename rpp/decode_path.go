package rpp

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
	"unicode/utf8"
)

// Field paths name a place in a deployment: keys joined by dots and list
// indexes in brackets, such as rpp.rmx[0].sip.serverUserName. A key that is
// not a plain name (empty, or holding white space, a character that does not
// print, '.', '[', ']' or '"') is written as a Go string literal, as in
// rpp.rmx[0].flags."A B" or rpp."a\nb", so that a path is always one line
// and reads back as the keys it was made of. A key longer than
// maxQuoteRunes characters is shown by its beginning only ("AAAA"…), so that
// a 50 MB key cannot flood a message; such a path names the key for people,
// not for Set.

// maxQuoteRunes is how much of a long key or value a message quotes: more
// than any real host name, SIP address or Service GRUU, so that only values
// nobody typed are shortened.
const maxQuoteRunes = 128

// plainFieldName reports whether k can stand unquoted in a field path.
func plainFieldName(k string) bool {
	if k == "" {
		return false
	}
	for _, r := range k {
		if r == '.' || r == '[' || r == ']' || r == '"' || r == ' ' || r == utf8.RuneError || !strconv.IsPrint(r) {
			return false
		}
	}
	return true
}

// appendFieldKey appends key k to path b, with its dot.
func appendFieldKey(b []byte, k string) []byte {
	if len(b) > 0 {
		b = append(b, '.')
	}
	if long, ok := shortPrefix(k); ok {
		b = strconv.AppendQuote(b, long)
		return append(b, "…"...)
	}
	if plainFieldName(k) {
		return append(b, k...)
	}
	return strconv.AppendQuote(b, k)
}

// appendFieldIndex appends list index i to path b.
func appendFieldIndex(b []byte, i int) []byte {
	b = append(b, '[')
	b = strconv.AppendInt(b, int64(i), 10)
	return append(b, ']')
}

// shortPrefix returns the first maxQuoteRunes characters of s and true
// when s is longer than that.
func shortPrefix(s string) (string, bool) {
	if len(s) <= maxQuoteRunes {
		return s, false
	}
	n := 0
	for i := range s {
		if n == maxQuoteRunes {
			return s[:i], true
		}
		n++
	}
	return s, false
}

// quoteBounded quotes s for a message: all of it when it is short, else its
// first maxQuoteRunes characters followed by "… (N bytes)".
func quoteBounded(s string) string {
	if p, long := shortPrefix(s); long {
		return fmt.Sprintf("%s… (%d bytes)", strconv.Quote(p), len(s))
	}
	return strconv.Quote(s)
}

// boundedError keeps err for errors.Is and errors.As but shows a message
// in which a long value err quotes in full is shortened (see quoteBounded).
type boundedError struct {
	msg string
	err error
}

func (e *boundedError) Error() string { return e.msg }
func (e *boundedError) Unwrap() error { return e.err }

// bound shortens what err says about value, the input it was given.
// Parsers in lync and rmx quote their input with %q; a value of a few
// kilobytes or more would make an unreadable error line.
func bound(err error, value string) error {
	if err == nil {
		return nil
	}
	if _, long := shortPrefix(value); !long {
		return err
	}
	msg := strings.ReplaceAll(err.Error(), strconv.Quote(value), quoteBounded(value))
	if len(msg) > 4*maxQuoteRunes {
		// The value is echoed in some other form: cut the message.
		p, _ := shortPrefix(msg)
		msg = p + "…"
	}
	return &boundedError{msg: msg, err: err}
}

// fieldStep is one element of a field path: a key, or a list index.
type fieldStep struct {
	key   string
	index int // -1 for a key
}

// errFieldPath is wrapped by the errors parseFieldSteps returns.
var errFieldPath = errors.New("malformed field path")

// parseFieldSteps reads a field path written as described above; a key
// may also be given as ["key"].
func parseFieldSteps(s string) ([]fieldStep, error) {
	var steps []fieldStep
	bad := func(at int, why string) error {
		return fmt.Errorf("%w %s: at offset %d, %s", errFieldPath, quoteBounded(s), at, why)
	}
	quoted := func(i int) (string, int, error) {
		q, err := strconv.QuotedPrefix(s[i:])
		if err != nil || q[0] != '"' {
			return "", 0, bad(i, "an unterminated or malformed quoted key")
		}
		v, _ := strconv.Unquote(q)
		return v, i + len(q), nil
	}
	for i := 0; i < len(s); {
		switch {
		case s[i] == '[':
			if i+1 < len(s) && s[i+1] == '"' {
				k, end, err := quoted(i + 1)
				if err != nil {
					return nil, err
				}
				if end >= len(s) || s[end] != ']' {
					return nil, bad(end, "want ] after the quoted key")
				}
				steps = append(steps, fieldStep{key: k, index: -1})
				i = end + 1
				continue
			}
			j := strings.IndexByte(s[i:], ']')
			if j < 0 {
				return nil, bad(i, "an unclosed [")
			}
			digits := s[i+1 : i+j]
			n, err := strconv.Atoi(digits)
			if err != nil || n < 0 || digits == "" || digits[0] < '0' || digits[0] > '9' {
				return nil, bad(i+1, "want a list index")
			}
			steps = append(steps, fieldStep{index: n})
			i += j + 1
		case len(steps) == 0 || s[i] == '.':
			if len(steps) > 0 {
				i++
			}
			if i < len(s) && s[i] == '"' {
				k, end, err := quoted(i)
				if err != nil {
					return nil, err
				}
				steps = append(steps, fieldStep{key: k, index: -1})
				i = end
				continue
			}
			j := i
			for j < len(s) && s[j] != '.' && s[j] != '[' {
				j++
			}
			if j == i {
				return nil, bad(i, "an empty key")
			}
			steps = append(steps, fieldStep{key: s[i:j], index: -1})
			i = j
		default:
			return nil, bad(i, "want . or [")
		}
	}
	if len(steps) == 0 {
		return nil, bad(0, "an empty path")
	}
	return steps, nil
}

// formatFieldSteps writes steps as a field path.
func formatFieldSteps(steps []fieldStep) string {
	var b []byte
	for _, st := range steps {
		if st.index >= 0 {
			b = appendFieldIndex(b, st.index)
		} else {
			b = appendFieldKey(b, st.key)
		}
	}
	return string(b)
}

// parentField drops the last element of a field path: "a.b[2].c" →
// "a.b[2]" → "a.b" → "a" → "". Dots and brackets inside a quoted key do not
// count.
func parentField(p string) string {
	last, quoted := 0, false
	for i := 0; i < len(p); i++ {
		switch c := p[i]; {
		case quoted && c == '\\':
			i++
		case c == '"':
			quoted = !quoted
		case !quoted && (c == '.' || c == '['):
			last = i
		}
	}
	return p[:last]
}

// source is what the decoder learnt about where things are.
type source struct {
	file string
	// at maps the hash of a field path to where its key or list item was
	// written (line<<32 | column). A 10,000-site deployment has about a
	// million such places; keyed by path strings they would take several
	// times the size of the file.
	at map[uint64]uint64
	// suppressions are the file's ignore: blocks, in file order.
	suppressions []Suppression
}

// pathHash is the 64-bit FNV-1a hash of a field path.
func pathHash[T string | []byte](p T) uint64 {
	h := uint64(14695981039346656037)
	for i := 0; i < len(p); i++ {
		h ^= uint64(p[i])
		h *= 1099511628211
	}
	return h
}

// File returns the name the deployment was loaded from, or "".
func (d *Deployment) File() string {
	if d.src == nil {
		return ""
	}
	return d.src.file
}

// Position returns where the field at path (such as
// "rpp.rmx[0].sip.serverUserName") was written. When the field itself is
// absent it returns the position of the nearest enclosing field that is
// present, so a finding about a missing setting points at its object. For a
// Deployment built in code it returns the zero Position.
func (d *Deployment) Position(path string) Position {
	if d.src == nil {
		return Position{}
	}
	if strings.IndexByte(path, '"') >= 0 {
		// Quoted keys may be written more than one way; look up the
		// canonical one.
		if steps, err := parseFieldSteps(path); err == nil {
			path = formatFieldSteps(steps)
		}
	}
	for p := path; p != ""; p = parentField(p) {
		if lc, ok := d.src.at[pathHash(p)]; ok {
			return Position{File: d.src.file, Line: int(lc >> 32), Column: int(uint32(lc))}
		}
	}
	return Position{File: d.src.file}
}
