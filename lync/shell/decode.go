package shell

import (
	"bytes"
	"fmt"
	"unicode/utf16"
	"unicode/utf8"
)

// decode returns the text of b as UTF-8, without a byte-order mark and
// without the console's colour escapes.
//
// Windows PowerShell's Out-File and '>' write UTF-16 LE with a byte-order
// mark; PowerShell 7 writes UTF-8 without one; an admin's editor may add a
// UTF-8 mark. UTF-16 without a mark (what some tools write) is told by its
// NUL bytes. Anything else that is not UTF-8 is refused, naming the line
// of the first bad byte: guessing a code page could change a name.
func decode(file string, b []byte) ([]byte, error) {
	bad := func(line int, format string, args ...any) error {
		return &ParseError{File: file, Line: line, Err: fmt.Errorf("%w: "+format, append([]any{ErrEncoding}, args...)...)}
	}
	switch {
	case bytes.HasPrefix(b, []byte{0xff, 0xfe, 0, 0}), bytes.HasPrefix(b, []byte{0, 0, 0xfe, 0xff}):
		return nil, bad(0, "the file is UTF-32; save it as UTF-16 (Out-File's default) or UTF-8")
	case bytes.HasPrefix(b, []byte{0xef, 0xbb, 0xbf}):
		b = b[3:]
	case bytes.HasPrefix(b, []byte{0xff, 0xfe}):
		return fromUTF16(b[2:], true, bad)
	case bytes.HasPrefix(b, []byte{0xfe, 0xff}):
		return fromUTF16(b[2:], false, bad)
	case len(b) >= 2 && b[0] != 0 && b[1] == 0:
		return fromUTF16(b, true, bad)
	case len(b) >= 2 && b[0] == 0 && b[1] != 0:
		return fromUTF16(b, false, bad)
	}
	line := 1
	for i := 0; i < len(b); {
		c := b[i]
		if c < utf8.RuneSelf {
			if c == 0 {
				return nil, bad(line, "a NUL byte: not a text file")
			}
			if c == '\n' {
				line++
			}
			i++
			continue
		}
		r, n := utf8.DecodeRune(b[i:])
		if r == utf8.RuneError && n <= 1 {
			return nil, bad(line, "byte %#02x is not UTF-8 (saved in a Windows code page?); collect with Out-File, whose default is UTF-16, or with -Encoding utf8", c)
		}
		i += n
	}
	return stripEscapes(b), nil
}

// fromUTF16 decodes UTF-16 code units, refusing half a code unit and a
// surrogate without its pair, which a decoder would silently turn into
// U+FFFD.
func fromUTF16(b []byte, le bool, bad func(int, string, ...any) error) ([]byte, error) {
	if len(b)%2 != 0 {
		return nil, bad(0, "UTF-16 text that ends in half a character (an odd number of bytes)")
	}
	n := len(b) / 2
	unit := func(i int) rune {
		if le {
			return rune(b[2*i]) | rune(b[2*i+1])<<8
		}
		return rune(b[2*i])<<8 | rune(b[2*i+1])
	}
	out := make([]byte, 0, n)
	line := 1
	for i := 0; i < n; i++ {
		u := unit(i)
		switch {
		case u == 0:
			return nil, bad(line, "a NUL character: not a text file")
		case utf16.IsSurrogate(u):
			if i+1 < n {
				if r := utf16.DecodeRune(u, unit(i+1)); r != utf8.RuneError {
					out = utf8.AppendRune(out, r)
					i++
					continue
				}
			}
			return nil, bad(line, "UTF-16 text with an unpaired surrogate (%#04x)", u)
		case u == '\n':
			line++
		}
		out = utf8.AppendRune(out, u)
	}
	return stripEscapes(out), nil
}

// stripEscapes removes ANSI control sequences (ESC [, parameter bytes,
// intermediate bytes, a final byte: ECMA-48 §5.4): the colours PowerShell
// 7.2 and later put around Format-List labels and table headers, which a
// transcript or a copied console keeps. A sequence left incomplete (cut
// by a line break) is kept as it is. The result holds no complete
// sequence, even one that removing another brings together
// ("ESC ESC[0m [0m"), so stripping it again changes nothing.
func stripEscapes(b []byte) []byte {
	if bytes.IndexByte(b, 0x1b) < 0 {
		return b
	}
	out := make([]byte, 0, len(b))
	for _, c := range b {
		out = append(out, c)
		if c >= 0x40 && c <= 0x7e {
			if k := sequenceStart(out); k >= 0 {
				out = out[:k]
			}
		}
	}
	return out
}

// sequenceStart returns where the control sequence that the final byte at
// the end of out completes begins, or -1. Only bytes since the last byte
// that ended no sequence are looked at, so stripping stays linear.
func sequenceStart(out []byte) int {
	j := len(out) - 2
	for j >= 0 && out[j] >= 0x20 && out[j] <= 0x2f {
		j-- // intermediate bytes
	}
	for j >= 0 && out[j] >= 0x30 && out[j] <= 0x3f {
		j-- // parameter bytes
	}
	if j >= 1 && out[j] == '[' && out[j-1] == 0x1b {
		return j - 1
	}
	return -1
}
