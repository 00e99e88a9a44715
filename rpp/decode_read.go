package rpp

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"unicode/utf8"

	"golang.org/x/text/encoding/unicode"

	"github.com/rppkit/rppkit/internal/ctxio"
)

// readDeployment reads all of r, up to MaxFileSize, stopping as soon as ctx
// ends (see ctxio.ReadAll). size is r's size when known.
func readDeployment(ctx context.Context, r io.Reader, size int64) ([]byte, error) {
	data, err := ctxio.ReadAll(ctx, r, size, MaxFileSize)
	if errors.Is(err, ctxio.ErrTooLarge) {
		return nil, fmt.Errorf("%w (more than %d MiB)", ErrTooLarge, MaxFileSize>>20)
	}
	return data, err
}

// ctxReader hands yaml.v3 the text in the pieces it asks for (512 bytes),
// failing once ctx ends, so that a long parse stops promptly.
type ctxReader struct {
	ctx  context.Context
	text []byte
}

func (r *ctxReader) Read(p []byte) (int, error) {
	if err := r.ctx.Err(); err != nil {
		return 0, err
	}
	if len(r.text) == 0 {
		return 0, io.EOF
	}
	n := copy(p, r.text)
	r.text = r.text[n:]
	return n, nil
}

// Byte-order marks.
var (
	bomUTF8    = []byte{0xef, 0xbb, 0xbf}
	bomUTF16LE = []byte{0xff, 0xfe}
	bomUTF16BE = []byte{0xfe, 0xff}
	bomUTF32LE = []byte{0xff, 0xfe, 0, 0}
	bomUTF32BE = []byte{0, 0, 0xfe, 0xff}
)

// textOf returns data as UTF-8 text without a byte-order mark, or says why
// it is not the text of a deployment file.
//
// UTF-8 (with or without a byte-order mark) and UTF-16 with a byte-order
// mark (what Windows PowerShell's Out-File and Notepad's "Unicode" write)
// are read; positions count characters either way, so they are the same
// whichever encoding the file is in. Anything else is refused with what
// is wrong: UTF-32, UTF-16 without a byte-order mark, UTF-16 that is not
// well formed, bytes that are not UTF-8 (a file saved as Latin-1 or
// Windows-1252), a NUL byte (a binary file) or a control character (which
// YAML does not allow).
func textOf(file string, data []byte) ([]byte, *FieldError) {
	whole := Position{File: file}
	switch {
	case bytes.HasPrefix(data, bomUTF32LE), bytes.HasPrefix(data, bomUTF32BE):
		return nil, &FieldError{Pos: whole, Err: fmt.Errorf("%w: the file is UTF-32 (it begins with a UTF-32 byte-order mark); save it as UTF-8", ErrEncoding)}
	case bytes.HasPrefix(data, bomUTF8):
		data = data[len(bomUTF8):]
	case bytes.HasPrefix(data, bomUTF16LE), bytes.HasPrefix(data, bomUTF16BE):
		le := data[0] == 0xff
		if fe := checkUTF16(file, data[2:], le); fe != nil {
			return nil, fe
		}
		order := unicode.BigEndian
		if le {
			order = unicode.LittleEndian
		}
		text, err := unicode.UTF16(order, unicode.ExpectBOM).NewDecoder().Bytes(data)
		if err != nil { // not reached: checkUTF16 has seen every code unit
			return nil, &FieldError{Pos: whole, Err: fmt.Errorf("%w: %v", ErrEncoding, err)}
		}
		data = text
	case len(data) >= 4 && data[0] != 0 && data[1] == 0 && data[2] == 0 && data[3] == 0,
		len(data) >= 4 && data[0] == 0 && data[1] == 0 && data[2] == 0 && data[3] != 0:
		return nil, &FieldError{Pos: whole, Err: fmt.Errorf("%w: the file looks like UTF-32 (NUL bytes around each character); save it as UTF-8", ErrEncoding)}
	case len(data) >= 2 && (data[0] == 0) != (data[1] == 0):
		return nil, &FieldError{Pos: whole, Err: fmt.Errorf("%w: the file looks like UTF-16 without a byte-order mark (a NUL byte beside each character); save it as UTF-8, or as UTF-16 with a byte-order mark", ErrEncoding)}
	}
	if fe := checkText(file, data); fe != nil {
		return nil, fe
	}
	return data, nil
}

// checkUTF16 refuses UTF-16 (after its byte-order mark) that is cut in the
// middle of a code unit or holds a surrogate without its pair, which a
// decoder would silently turn into U+FFFD.
func checkUTF16(file string, b []byte, le bool) *FieldError {
	unit := func(i int) rune {
		if le {
			return rune(b[i]) | rune(b[i+1])<<8
		}
		return rune(b[i])<<8 | rune(b[i+1])
	}
	line, col := 1, 1
	at := func() Position { return Position{File: file, Line: line, Column: col} }
	for i := 0; i < len(b); i += 2 {
		if i+1 == len(b) {
			return &FieldError{Pos: at(), Err: fmt.Errorf("%w: UTF-16 text that ends in half a character (an odd number of bytes)", ErrEncoding)}
		}
		u := unit(i)
		switch {
		case 0xd800 <= u && u < 0xdc00:
			if i+3 >= len(b) || unit(i+2) < 0xdc00 || unit(i+2) > 0xdfff {
				return &FieldError{Pos: at(), Err: fmt.Errorf("%w: UTF-16 text with a high surrogate (%#04x) that no low surrogate follows", ErrEncoding, u)}
			}
			i += 2
		case 0xdc00 <= u && u < 0xe000:
			return &FieldError{Pos: at(), Err: fmt.Errorf("%w: UTF-16 text with a low surrogate (%#04x) that no high surrogate precedes", ErrEncoding, u)}
		}
		// Count lines as yaml.v3 does (see lineBreakAt), for the position of a
		// later error; a CR LF pair is one break.
		switch {
		case u == '\n' && i >= 2 && unit(i-2) == '\r':
		case u == '\n' || u == '\r' || u == 0x85 || u == 0x2028 || u == 0x2029:
			line, col = line+1, 1
		default:
			col++
		}
	}
	return nil
}

// checkText refuses UTF-8 text yaml.v3 would not read, saying where: a NUL
// byte (the file is binary), a byte that is not UTF-8, or a character YAML
// does not allow (C0 and C1 control characters other than tab and line
// breaks, DEL, U+FFFE and U+FFFF).
func checkText(file string, b []byte) *FieldError {
	// A NUL byte anywhere makes the file binary, whatever comes before it.
	if i := bytes.IndexByte(b, 0); i >= 0 {
		return &FieldError{Pos: positionAt(file, b, i), Err: fmt.Errorf("%w: not a text file (byte 0x00 is not UTF-8 text)", ErrSyntax)}
	}
	for i := 0; i < len(b); {
		c := b[i]
		if c < utf8.RuneSelf {
			if c < 0x20 && c != '\t' && c != '\n' && c != '\r' || c == 0x7f {
				return &FieldError{Pos: positionAt(file, b, i), Err: fmt.Errorf("%w: control character %U is not allowed in YAML", ErrSyntax, c)}
			}
			i++
			continue
		}
		r, n := utf8.DecodeRune(b[i:])
		switch {
		case r == utf8.RuneError && n <= 1:
			return &FieldError{Pos: positionAt(file, b, i), Err: fmt.Errorf("%w: byte %#02x is not UTF-8 (was the file saved as Latin-1 or Windows-1252?); save it as UTF-8", ErrEncoding, c)}
		case r >= 0x80 && r <= 0x9f && r != 0x85, r == 0xfffe, r == 0xffff:
			return &FieldError{Pos: positionAt(file, b, i), Err: fmt.Errorf("%w: control character %U is not allowed in YAML", ErrSyntax, r)}
		}
		i += n
	}
	return nil
}

// lineBreakAt returns the length of the line break at b[i:], or 0. Like
// yaml.v3, it counts LF, CR, CR LF, NEL, LS and PS as line breaks.
func lineBreakAt(b []byte, i int) int {
	switch {
	case b[i] == '\n':
		return 1
	case b[i] == '\r':
		if i+1 < len(b) && b[i+1] == '\n' {
			return 2
		}
		return 1
	case b[i] == 0xc2 && i+1 < len(b) && b[i+1] == 0x85:
		return 2
	case b[i] == 0xe2 && i+2 < len(b) && b[i+1] == 0x80 && (b[i+2] == 0xa8 || b[i+2] == 0xa9):
		return 3
	}
	return 0
}

// positionAt returns the line and column (in characters) of byte offset
// off of UTF-8 text b.
func positionAt(file string, b []byte, off int) Position {
	line, col := 1, 1
	for i := 0; i < off; {
		if n := lineBreakAt(b, i); n > 0 {
			line, col = line+1, 1
			i += n
			continue
		}
		_, n := utf8.DecodeRune(b[i:])
		i += n
		col++
	}
	return Position{File: file, Line: line, Column: col}
}
