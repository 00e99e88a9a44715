package shell

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/rppkit/rppkit/internal/ctxio"
)

// Output is what Parse read from one saved Management Shell session: the
// records of every Format-List and every Format-Table in it, in order.
type Output struct {
	File    string
	Records []*Record
	// Problems are the lines that are neither a field, a continuation, a
	// table nor a separator. The record such a line sits in is left out
	// (half a record would be read as a whole one) and the line reported
	// here; the rest of the output is read on.
	Problems []*ParseError
}

// Record is one object as the shell printed it: a Format-List block or a
// Format-Table row.
type Record struct {
	File string
	// Line is the line (counting from 1, in the decoded text) of the
	// record's first field, or of the table row.
	Line int
	// Table is true for a Format-Table row, whose fields are named by the
	// table's header.
	Table  bool
	Fields []Field
}

// Field is one property of a record.
type Field struct {
	Name string
	// Value is the value as printed: the lines it was wrapped over joined
	// with nothing between them, because the console breaks a long value
	// at its width wherever that falls, mid-word included; trailing blanks
	// are trimmed.
	Value string
	Line  int
}

// Field returns the field called name, in any case: PowerShell's property
// names are case-insensitive.
func (r *Record) Field(name string) (Field, bool) {
	for _, f := range r.Fields {
		if strings.EqualFold(f.Name, name) {
			return f, true
		}
	}
	return Field{}, false
}

// Value returns the value of the field called name, or "" when the record
// has none.
func (r *Record) Value(name string) string {
	f, _ := r.Field(name)
	return f.Value
}

// Has reports whether the record has a field called name (empty or not).
func (r *Record) Has(name string) bool {
	_, ok := r.Field(name)
	return ok
}

// Errors wrapped by ParseError.
var (
	// ErrEncoding: the bytes are not UTF-8 or UTF-16 text.
	ErrEncoding = errors.New("not UTF-8 or UTF-16 text")
	// ErrLayout: a line is not part of Format-List or Format-Table output.
	ErrLayout = errors.New("not Format-List or Format-Table output")
	// ErrNotOutput: what was named is not a file that can hold output.
	ErrNotOutput = errors.New("not shell output")
	// ErrTooLarge: the output is longer than MaxOutputSize.
	ErrTooLarge = errors.New("shell output too large")
)

// MaxOutputSize is the longest output Parse reads: far more than the
// topology of the largest Lync deployment prints.
const MaxOutputSize = 256 << 20

// ParseError says where in which output something could not be read. Line
// is 0 for what concerns the whole file.
type ParseError struct {
	File string
	Line int
	Err  error
}

func (e *ParseError) Error() string {
	if e.Line > 0 {
		return fmt.Sprintf("%s:%d: %v", e.File, e.Line, e.Err)
	}
	return fmt.Sprintf("%s: %v", e.File, e.Err)
}

func (e *ParseError) Unwrap() error { return e.Err }

// Parse reads the Management Shell output in rd, named file in errors and
// records. It fails only when it cannot read the output at all (rd fails,
// ctx ends, the bytes are not text, it is larger than MaxOutputSize); lines
// it cannot place are reported in Output.Problems and the rest is read.
func Parse(ctx context.Context, file string, rd io.Reader) (*Output, error) {
	data, err := ctxio.ReadAll(ctx, rd, 0, MaxOutputSize)
	switch {
	case errors.Is(err, ctxio.ErrTooLarge):
		return nil, &ParseError{File: file, Err: fmt.Errorf("%w (more than %d MiB)", ErrTooLarge, MaxOutputSize>>20)}
	case err != nil:
		return nil, err
	}
	return parse(ctx, file, data)
}

// ParseFile is Parse on the file at path: a saved session, a FIFO or a
// device. Opening and reading stop when ctx ends, even while the open
// waits for a FIFO's writer; a directory is refused.
func ParseFile(ctx context.Context, path string) (*Output, error) {
	if st, err := os.Stat(path); err == nil && st.IsDir() {
		return nil, &ParseError{File: path, Err: fmt.Errorf("%w: a directory, not a file saved from the Management Shell", ErrNotOutput)}
	}
	data, err := ctxio.ReadFile(ctx, path, MaxOutputSize)
	switch {
	case errors.Is(err, ctxio.ErrTooLarge):
		return nil, &ParseError{File: path, Err: fmt.Errorf("%w (more than %d MiB)", ErrTooLarge, MaxOutputSize>>20)}
	case err != nil:
		return nil, err
	}
	return parse(ctx, path, data)
}

// ParseBytes is Parse on output already in memory.
func ParseBytes(file string, b []byte) (*Output, error) {
	return parse(context.Background(), file, b)
}

func parse(ctx context.Context, file string, b []byte) (*Output, error) {
	if len(b) > MaxOutputSize {
		return nil, &ParseError{File: file, Err: fmt.Errorf("%w (more than %d MiB)", ErrTooLarge, MaxOutputSize>>20)}
	}
	text, err := decode(file, b)
	if err != nil {
		return nil, err
	}
	p := &parser{out: &Output{File: file}, lines: splitLines(text)}
	if err := p.run(ctx); err != nil {
		return nil, err
	}
	return p.out, nil
}

// splitLines splits text at CR LF, LF and CR, with trailing blanks trimmed
// (the console pads nothing a reader needs).
func splitLines(text []byte) []string {
	var lines []string
	for len(text) > 0 {
		i := bytes.IndexAny(text, "\r\n")
		if i < 0 {
			lines = append(lines, trimRight(string(text)))
			break
		}
		lines = append(lines, trimRight(string(text[:i])))
		if text[i] == '\r' && i+1 < len(text) && text[i+1] == '\n' {
			i++
		}
		text = text[i+1:]
	}
	return lines
}

func trimRight(s string) string { return strings.TrimRight(s, " \t") }
