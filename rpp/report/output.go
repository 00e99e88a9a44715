package report

import (
	"errors"
	"fmt"
	"path/filepath"
	"strings"
)

// Output is one report a run writes: a format and where it goes.
type Output struct {
	Format Format
	// Path is the file to write; Stdout ("-") is standard output.
	Path string
}

// Stdout is the Output.Path of standard output.
const Stdout = "-"

func (o Output) String() string { return string(o.Format) + "=" + o.Path }

// ErrBadOutput is wrapped by the errors ParseOutput and CheckOutputs return.
var ErrBadOutput = errors.New("bad output")

// ParseOutput reads FORMAT=FILE, as --output takes it: the format in any
// case (ParseFormat), then a file name, "-" meaning standard output.
func ParseOutput(s string) (Output, error) {
	name, path, ok := strings.Cut(s, "=")
	if !ok || name == "" || path == "" {
		return Output{}, fmt.Errorf("%w: want FORMAT=FILE (FILE - for standard output), got %q", ErrBadOutput, s)
	}
	f, err := ParseFormat(name)
	if err != nil {
		return Output{}, err
	}
	return Output{Format: f, Path: path}, nil
}

// CheckOutputs refuses a set of outputs where two would write the same
// file (standard output included), since one would overwrite or
// interleave with the other. Paths are compared cleaned, so "r.json" and
// "./r.json" are the same file.
func CheckOutputs(outputs []Output) error {
	seen := map[string]Output{}
	for _, o := range outputs {
		key := o.Path
		if key != Stdout {
			key = filepath.Clean(key)
		}
		if prev, dup := seen[key]; dup {
			where := "file " + o.Path
			if key == Stdout {
				where = "standard output"
			}
			return fmt.Errorf("%w: %s and %s both write %s", ErrBadOutput, prev, o, where)
		}
		seen[key] = o
	}
	return nil
}
