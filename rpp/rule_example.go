package rpp

import (
	"errors"
	"fmt"
	"io/fs"
	"strings"

	"github.com/rppkit/rppkit/examples"
)

// Example shows a rule at work on a deployment file: one of rppkit's
// bundled examples (Base, a file of package examples) with the edits that
// make the rule fire (Failing) and the edits that set the same thing right
// (Passing). A rule's documentation page shows both; a test checks each
// against the catalogue, so a page never shows a snippet that does not do
// what it says.
type Example struct {
	Base    string
	Failing []LineEdit
	Passing []LineEdit
}

// LineEdit replaces whole lines of a file: the first occurrence of Find, which
// starts a line and ends with a line break, becomes Replace (whole lines
// too, or empty to delete them).
type LineEdit struct {
	Find, Replace string
}

// ErrEditNotFound is wrapped by the error Example.File returns when an
// edit's Find is not in the base file (an example changed under it).
var ErrEditNotFound = errors.New("edit does not apply")

// File returns the failing (passing false) or passing deployment file: Base
// with the edits made.
func (e *Example) File(passing bool) ([]byte, error) {
	text, _, err := e.apply(passing)
	if err != nil {
		return nil, err
	}
	return []byte(text), nil
}

// Snippets returns, for the failing or passing side, each edit's place in
// Base (its line) and the lines it writes there, as a rule page shows them.
func (e *Example) Snippets(passing bool) ([]Snippet, error) {
	_, snippets, err := e.apply(passing)
	return snippets, err
}

// apply makes one side's edits in Base, in order, and says where each
// went.
func (e *Example) apply(passing bool) (string, []Snippet, error) {
	data, err := fs.ReadFile(examples.FS, e.Base)
	if err != nil {
		return "", nil, err
	}
	text := string(data)
	var snippets []Snippet
	for i, ed := range e.edits(passing) {
		at := lineStart(text, ed.Find)
		if at < 0 {
			return "", nil, fmt.Errorf("%w: %s, edit %d: no line starting %q", ErrEditNotFound, e.Base, i+1, firstLine(ed.Find))
		}
		snippets = append(snippets, Snippet{Line: strings.Count(text[:at], "\n") + 1, Removed: ed.Find, Text: ed.Replace})
		text = text[:at] + ed.Replace + text[at+len(ed.Find):]
	}
	return text, snippets, nil
}

// Snippet is one edit of an Example as a page shows it: the lines Text
// puts at Line of the file (the base with the earlier edits made), in
// place of Removed.
type Snippet struct {
	Line    int
	Removed string
	Text    string
}

func (e *Example) edits(passing bool) []LineEdit {
	if passing {
		return e.Passing
	}
	return e.Failing
}

// lineStart returns the index of the first occurrence of find in text that
// starts a line, or -1.
func lineStart(text, find string) int {
	if find == "" {
		return -1
	}
	for from := 0; ; {
		i := strings.Index(text[from:], find)
		if i < 0 {
			return -1
		}
		i += from
		if i == 0 || text[i-1] == '\n' {
			return i
		}
		from = i + 1
	}
}

func firstLine(s string) string {
	line, _, _ := strings.Cut(s, "\n")
	return line
}

// attachExamples gives the catalogue's rules their examples.
func attachExamples(rules []*Rule) {
	all := lyncExamples()
	for _, more := range []map[string]*Example{deviceExamples(), dnsExamples()} {
		for id, e := range more {
			all[id] = e
		}
	}
	for _, r := range rules {
		r.Example = all[r.ID]
	}
}
