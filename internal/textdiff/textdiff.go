// Package textdiff renders unified diffs, the form `rpp check --diff`
// previews its fixes in, so that an admin reviews a change to a deployment
// file the way git and patch show one.
//
// The diff is github.com/aymanbagabas/go-udiff, an exported copy of the Go
// team's golang.org/x/tools/internal/diff (what gopls and go fix use). It
// writes "\ No newline at end of file" where a file lacks its final line
// break, so the output applies with patch(1) and git apply. Its release
// that fits go 1.23 (v0.3.1) compares characters and widens the result to
// lines, which can show an untouched line as removed and added again; this
// package compares whole lines instead, as the library's later releases do.
package textdiff

import (
	"strings"

	udiff "github.com/aymanbagabas/go-udiff"
	"github.com/aymanbagabas/go-udiff/lcs"
)

// ContextLines is how many unchanged lines surround each change, as in
// diff -u and git diff.
const ContextLines = udiff.DefaultContextLines

// Unified returns the unified diff that turns old into new, with git's
// headers ("--- a/NAME", "+++ b/NAME") and three lines of context, or ""
// when they are equal. Lines keep their own endings, so a CRLF file shows
// "\r" before each line break, as git does.
func Unified(oldName, newName string, old, new []byte) string {
	before, after := string(old), string(new)
	u, err := udiff.ToUnified(label("a/", oldName), label("b/", newName), before, lineEdits(before, after), ContextLines)
	if err != nil {
		// lineEdits builds edits from before's own line offsets, in order
		// and without overlap, which is all ToUnified checks.
		panic("textdiff: inconsistent line edits: " + err.Error())
	}
	return u
}

// lineEdits returns the edits that turn before into after, each replacing
// whole lines.
func lineEdits(before, after string) []udiff.Edit {
	if before == after {
		return nil
	}
	a, offsets := splitLines(before)
	b, _ := splitLines(after)
	// Number each distinct line, so the sequences compared are of lines.
	ids := map[string]rune{}
	number := func(lines []string) []rune {
		rs := make([]rune, len(lines))
		for i, l := range lines {
			id, ok := ids[l]
			if !ok {
				id = rune(len(ids))
				ids[l] = id
			}
			rs[i] = id
		}
		return rs
	}
	diffs := lcs.DiffRunes(number(a), number(b))
	edits := make([]udiff.Edit, len(diffs))
	for i, d := range diffs {
		edits[i] = udiff.Edit{Start: offsets[d.Start], End: offsets[d.End], New: strings.Join(b[d.ReplStart:d.ReplEnd], "")}
	}
	return edits
}

// splitLines splits text after each "\n" (a last line without one is a
// line too) and returns the byte offset of each line's start, plus the
// text's length.
func splitLines(text string) ([]string, []int) {
	lines := strings.SplitAfter(text, "\n")
	if lines[len(lines)-1] == "" {
		lines = lines[:len(lines)-1]
	}
	offsets := make([]int, len(lines)+1)
	for i, l := range lines {
		offsets[i+1] = offsets[i] + len(l)
	}
	return lines, offsets
}

// label prefixes a file name as git does; an absolute name loses its
// leading slashes, so "/etc/rpp.yaml" becomes "a/etc/rpp.yaml".
func label(prefix, name string) string {
	return prefix + strings.TrimLeft(name, "/")
}
