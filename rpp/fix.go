package rpp

import (
	"bytes"
	"cmp"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"
	"unicode/utf16"
	"unicode/utf8"

	"go.yaml.in/yaml/v3"
)

// Errors a FixError wraps, for errors.Is.
var (
	// ErrFixConflict: two fixes set the same field to different values, or
	// one sets a field that another fills with new fields.
	ErrFixConflict = errors.New("conflicting fixes")
	// ErrFixTarget: the field a fix sets is not in the file and cannot be
	// added there (an item of a list that is too short, a value where a
	// mapping would be needed, a path through a YAML alias), or is a
	// mapping or list rather than a value.
	ErrFixTarget = errors.New("field cannot be set")
	// ErrFixValue: the value a fix sets cannot be written in a deployment
	// file (it is not UTF-8 text).
	ErrFixValue = errors.New("value cannot be written")
	// ErrFixUnsafe: the edited text would not read back as the same file
	// with only the edited fields changed, or no longer decodes as a
	// deployment. Nothing is written.
	ErrFixUnsafe = errors.New("fix would damage the file")
)

// FixError says why a fix could not be applied.
type FixError struct {
	// Pos is where the field, or its nearest enclosing field, is written.
	Pos Position
	// Rule is the ID of the rule whose fix failed; for a conflict, the
	// later of the two findings.
	Rule string
	// OtherRule is, for a conflict, the ID of the rule whose fix came
	// first.
	OtherRule string
	// Field is the field path the fix edits; "" for the file as a whole.
	Field string
	Err   error
}

func (e *FixError) Error() string {
	var b strings.Builder
	if s := e.Pos.String(); s != "" {
		b.WriteString(s)
		b.WriteString(": ")
	}
	if e.Rule != "" {
		b.WriteString("fix of ")
		b.WriteString(e.Rule)
		b.WriteString(": ")
	}
	if e.Field != "" {
		b.WriteString(e.Field)
		b.WriteString(": ")
	}
	b.WriteString(e.Err.Error())
	return b.String()
}

func (e *FixError) Unwrap() error { return e.Err }

// FixOptions tune ApplyFixesWith.
type FixOptions struct {
	// Choose returns the index in f.Fixes of the fix to apply, or -1 to
	// leave f unfixed. It is called only for findings with fixes. Nil
	// chooses the first fix of every finding.
	Choose func(f Finding) int
}

// ApplyFixes rewrites a deployment file (YAML or JSON), applying the first
// SuggestedFix of each finding that has one. Pass the findings Check
// reported for the deployment decoded from src.
//
// It is ApplyFixesWith with the zero FixOptions; see there.
func ApplyFixes(src []byte, findings []Finding) ([]byte, error) {
	return ApplyFixesWith(src, findings, FixOptions{})
}

// ApplyFixesWith rewrites a deployment file, applying the fix opts.Choose
// picks for each finding.
//
// The file is edited in place, not re-encoded, so that it stays the
// admin's file and a diff of it shows only what the fixes change: each
// edited value is replaced where it stands, and each missing field is
// added after the last field of its mapping; comments, key order,
// indentation, line endings (LF, CRLF), a byte-order mark and the encoding
// (UTF-8, UTF-16) stay as they were. A replaced value keeps its quoting where the new value allows
// it (a plain value stays plain unless it would then read as something
// else, such as a number, or not parse); a block scalar (| or >) becomes a
// one-line value. JSON stays JSON: strings double-quoted, commas where they
// belong. A field that is absent is added, with any missing mappings on its
// path, in the style of its mapping (block, flow, JSON).
//
// Edits of the same field to the same value are applied once, and a field
// that already holds its value keeps its text, so applying the same fixes
// again changes nothing. The result is read back before it is returned: it
// must parse to the same YAML tree as src except at the edited fields, the
// edited fields must read back as the values set, and if src decoded as a
// deployment, so must the result. Otherwise nothing is returned but a
// *FixError wrapping ErrFixConflict, ErrFixTarget, ErrFixValue or
// ErrFixUnsafe, or, when src itself cannot be read, the decoder's ErrSyntax,
// ErrEncoding or ErrEmpty, with where. With no fix to apply, src is
// returned unchanged. A suppressed finding (Finding.Suppressed) is not
// fixed: its suppression says the value is wanted as it is.
func ApplyFixesWith(src []byte, findings []Finding, opts FixOptions) ([]byte, error) {
	edits, err := collectEdits(findings, opts.Choose)
	if err != nil {
		return nil, err
	}
	if len(edits) == 0 {
		return src, nil
	}
	file := edits[0].finding.File
	enc, text, err := decodeText(file, src)
	if err != nil {
		return nil, wholeFileError(file, err)
	}
	f, err := parseFixSource(file, text)
	if err != nil {
		return nil, wholeFileError(file, err)
	}
	out, plan, err := f.apply(edits)
	if err != nil {
		return nil, err
	}
	if err := f.verify(out, plan); err != nil {
		return nil, wholeFileError(file, err)
	}
	return enc.encode(out), nil
}

// wholeFileError is a FixError about the file rather than one fix; a
// *FieldError from reading it lends its position.
func wholeFileError(file string, err error) *FixError {
	if fe, ok := err.(*FieldError); ok {
		return &FixError{Pos: fe.Pos, Err: fe.Err}
	}
	return &FixError{Pos: Position{File: file}, Err: err}
}

// plannedEdit is one edit to apply, with the finding that asked for it.
type plannedEdit struct {
	Edit
	path    []fieldStep
	key     string // canonical form of path
	finding *Finding
}

func (e *plannedEdit) fail(n *yaml.Node, err error) *FixError {
	pos := e.finding.Position()
	if n != nil {
		pos = Position{File: e.finding.File, Line: n.Line, Column: n.Column}
	}
	return &FixError{Pos: pos, Rule: e.finding.Rule, Field: e.Field, Err: err}
}

// collectEdits gathers the chosen fix of each finding, once per field.
func collectEdits(findings []Finding, choose func(Finding) int) ([]*plannedEdit, error) {
	var edits []*plannedEdit
	byKey := map[string]*plannedEdit{}
	for i := range findings {
		f := &findings[i]
		if len(f.Fixes) == 0 || f.Suppressed != nil {
			// A suppressed finding is an accepted exception: its value
			// stays as written.
			continue
		}
		k := 0
		if choose != nil {
			k = choose(*f)
		}
		if k < 0 || k >= len(f.Fixes) {
			continue
		}
		for _, e := range f.Fixes[k].Edits {
			if e.Field == "" {
				e.Field = f.Field
			}
			pe := &plannedEdit{Edit: e, finding: f}
			path, err := parseFieldSteps(e.Field)
			if err != nil {
				return nil, pe.fail(nil, fmt.Errorf("%w: %w", ErrFixTarget, err))
			}
			pe.path, pe.key = path, pathKey(path)
			if !utf8.ValidString(e.Value) {
				return nil, pe.fail(nil, fmt.Errorf("%w: %s is not UTF-8 text", ErrFixValue, strconv.QuoteToASCII(e.Value)))
			}
			if prev, ok := byKey[pe.key]; ok {
				if prev.Value != e.Value {
					err := pe.fail(nil, fmt.Errorf("%w: %s sets it to %q, %s to %q",
						ErrFixConflict, prev.finding.Rule, prev.Value, f.Rule, e.Value))
					err.OtherRule = prev.finding.Rule
					return nil, err
				}
				continue
			}
			byKey[pe.key] = pe
			edits = append(edits, pe)
		}
	}
	return edits, nil
}

// pathKey is the canonical form of a path: equal for equal paths however
// they were quoted. (formatFieldSteps shortens long keys, so two long keys
// could share its form.)
func pathKey(path []fieldStep) string {
	var b strings.Builder
	for _, e := range path {
		if e.index >= 0 {
			fmt.Fprintf(&b, "[%d]", e.index)
		} else {
			b.WriteString(".")
			b.WriteString(strconv.Quote(e.key))
		}
	}
	return b.String()
}

// textEncoding is how a file's text is stored; edits work on UTF-8 and the
// result is stored the same way as the source.
type textEncoding int

const (
	plainUTF8 textEncoding = iota
	utf8BOM
	utf16LE
	utf16BE
)

// decodeText returns src as UTF-8 text without a byte-order mark, read
// as the decoder reads it (textOf refuses what is not a deployment file's
// text, saying where), and how src stores its text.
func decodeText(file string, src []byte) (textEncoding, []byte, error) {
	text, fe := textOf(file, src)
	if fe != nil {
		return 0, nil, fe
	}
	switch {
	case bytes.HasPrefix(src, bomUTF8):
		return utf8BOM, text, nil
	case bytes.HasPrefix(src, bomUTF16LE):
		return utf16LE, text, nil
	case bytes.HasPrefix(src, bomUTF16BE):
		return utf16BE, text, nil
	}
	return plainUTF8, text, nil
}

func (enc textEncoding) encode(text []byte) []byte {
	switch enc {
	case utf8BOM:
		return append(slices.Clip(bomUTF8), text...)
	case utf16LE, utf16BE:
		units := utf16.Encode([]rune(string(text)))
		out := append(make([]byte, 0, 2+2*len(units)), bomUTF16LE...)
		if enc == utf16BE {
			out = append(out[:0], bomUTF16BE...)
		}
		for _, u := range units {
			if enc == utf16LE {
				out = append(out, byte(u), byte(u>>8))
			} else {
				out = append(out, byte(u>>8), byte(u))
			}
		}
		return out
	}
	return text
}

// fixSource is the text being edited and its YAML tree.
type fixSource struct {
	b     []byte
	lines []int         // byte offset where each line starts; lines[0] == 0
	marks map[int][]int // line → offsets every columnStep characters (see columnMarks)
	// readsBackSeen keeps readsBack's answers.
	readsBackSeen map[readsBackKey]bool
	eol           string
	json          bool // the file is JSON (or written like it): quote every key and string
	step          int  // the file's indentation step for nested block mappings
	root          *yaml.Node
	// aliased holds the anchors that some alias refers to: editing under
	// one would change what the alias repeats as well.
	aliased map[string]bool
}

func parseFixSource(file string, text []byte) (*fixSource, error) {
	root, err := parseOneDocument(text)
	if err != nil {
		return nil, readError(file, text, err)
	}
	f := &fixSource{b: text, root: root, aliased: map[string]bool{}}
	f.lines = lineStarts(text)
	f.eol = "\n"
	if len(f.lines) > 1 {
		f.eol = string(text[lineEnd(text, 0):f.lines[1]])
	}
	f.json = json.Valid(text) || root.Kind == yaml.MappingNode && root.Style&yaml.FlowStyle != 0 &&
		len(root.Content) > 0 && root.Content[0].Style&yaml.DoubleQuotedStyle != 0
	f.step = 2
	stepFound := false
	walkNodes(root, func(n *yaml.Node) {
		if n.Kind == yaml.AliasNode {
			f.aliased[n.Value] = true
		}
		if n.Kind == yaml.MappingNode && n.Style&yaml.FlowStyle == 0 && !stepFound {
			for i := 0; i+1 < len(n.Content); i += 2 {
				k, v := n.Content[i], n.Content[i+1]
				if v.Kind == yaml.MappingNode && v.Style&yaml.FlowStyle == 0 && len(v.Content) > 0 && v.Content[0].Column > k.Column {
					f.step, stepFound = v.Content[0].Column-k.Column, true
					break
				}
			}
		}
	})
	return f, nil
}

// parseOneDocument parses text as one YAML document and returns its top
// node; the error is yaml.v3's, or errEmptyDocument, or errMoreDocuments.
func parseOneDocument(text []byte) (*yaml.Node, error) {
	dec := yaml.NewDecoder(bytes.NewReader(text))
	var doc yaml.Node
	if err := dec.Decode(&doc); err != nil {
		if errors.Is(err, io.EOF) {
			return nil, errEmptyDocument
		}
		return nil, err
	}
	var next yaml.Node
	if err := dec.Decode(&next); !errors.Is(err, io.EOF) {
		return nil, errMoreDocuments
	}
	if len(doc.Content) == 0 {
		return nil, errEmptyDocument
	}
	return doc.Content[0], nil
}

var (
	errEmptyDocument = fmt.Errorf("%w: the file holds no YAML value", ErrEmpty)
	errMoreDocuments = fmt.Errorf("%w: more than one YAML document ('---')", ErrSyntax)
)

// readError explains why text did not parse, with where, as the decoder
// does.
func readError(file string, text []byte, err error) error {
	if errors.Is(err, ErrEmpty) || errors.Is(err, ErrSyntax) {
		return err
	}
	return syntaxError(file, text, err)
}

func walkNodes(n *yaml.Node, visit func(*yaml.Node)) {
	visit(n)
	for _, c := range n.Content {
		walkNodes(c, visit)
	}
}

// Lines are counted as yaml.v3 counts them (see lineBreakAt), so that its
// positions can be turned into offsets.
func lineStarts(b []byte) []int {
	starts := []int{0}
	for i := 0; i < len(b); {
		if w := lineBreakAt(b, i); w > 0 {
			i += w
			starts = append(starts, i)
			continue
		}
		i++
	}
	return starts
}

// lineEnd returns the offset of the line break that ends the line holding
// offset i, or len(b).
func lineEnd(b []byte, i int) int {
	for i < len(b) && lineBreakAt(b, i) == 0 {
		i++
	}
	return i
}

// nextLine returns the offset where the line after the one holding i
// starts, or len(b).
func nextLine(b []byte, i int) int {
	i = lineEnd(b, i)
	if i < len(b) {
		i += lineBreakAt(b, i)
	}
	return i
}

// offset turns yaml.v3's line and column (in characters) into a byte
// offset.
func (f *fixSource) offset(n *yaml.Node) (int, error) {
	if n.Line < 1 || n.Line > len(f.lines) || n.Column < 1 {
		return 0, fmt.Errorf("%w: no position %d:%d in the file", ErrFixUnsafe, n.Line, n.Column)
	}
	p, skip := f.lines[n.Line-1], n.Column-1
	if skip >= columnStep {
		// A long line (JSON written on one line, say): start from the
		// nearest character whose offset is known, so that finding every
		// node of the line costs its length once, not once per node.
		marks := f.columnMarks(n.Line)
		k := min(skip/columnStep, len(marks)-1)
		p, skip = marks[k], skip-k*columnStep
	}
	for ; skip > 0; skip-- {
		if p >= len(f.b) {
			return 0, fmt.Errorf("%w: no position %d:%d in the file", ErrFixUnsafe, n.Line, n.Column)
		}
		_, w := utf8.DecodeRune(f.b[p:])
		p += w
	}
	return p, nil
}

// columnStep is the distance in characters between the offsets
// columnMarks records.
const columnStep = 256

// columnMarks returns the byte offsets of characters 0, columnStep,
// 2*columnStep, … of a line, computed the first time they are needed.
func (f *fixSource) columnMarks(line int) []int {
	if marks, ok := f.marks[line]; ok {
		return marks
	}
	start := f.lines[line-1]
	end := lineEnd(f.b, start)
	marks := []int{start}
	for p, c := start, 0; p < end; {
		_, w := utf8.DecodeRune(f.b[p:])
		p += w
		if c++; c%columnStep == 0 {
			marks = append(marks, p)
		}
	}
	if f.marks == nil {
		f.marks = map[int][]int{}
	}
	f.marks[line] = marks
	return marks
}

// contentStart skips a node's properties (an &anchor, a !tag) to where its
// content begins.
func (f *fixSource) contentStart(p int) int {
	for p < len(f.b) && (f.b[p] == '&' || f.b[p] == '!') {
		for p < len(f.b) && !isBlankOrBreak(f.b, p) {
			p++
		}
		p = f.skipSpace(p, false)
	}
	return p
}

func isBlankOrBreak(b []byte, i int) bool {
	return b[i] == ' ' || b[i] == '\t' || lineBreakAt(b, i) > 0
}

// skipSpace skips blanks and, when lines is set, line breaks and comments.
func (f *fixSource) skipSpace(p int, lines bool) int {
	for p < len(f.b) {
		switch {
		case f.b[p] == ' ' || f.b[p] == '\t':
			p++
		case lines && lineBreakAt(f.b, p) > 0:
			p += lineBreakAt(f.b, p)
		case lines && f.b[p] == '#':
			p = lineEnd(f.b, p)
		default:
			return p
		}
	}
	return p
}

// end returns where node n's text ends, after its content; indent is the
// indentation of the block collection holding it (-1 at the top), which
// bounds a block scalar.
func (f *fixSource) end(n *yaml.Node, indent int) (int, error) {
	switch n.Kind {
	case yaml.ScalarNode:
		_, end, err := f.scalarSpan(n, indent)
		return end, err
	case yaml.AliasNode:
		p, err := f.offset(n)
		return p + 1 + len(n.Value), err
	case yaml.MappingNode, yaml.SequenceNode:
		if n.Style&yaml.FlowStyle != 0 {
			return f.flowEnd(n)
		}
		if len(n.Content) == 0 {
			return 0, fmt.Errorf("%w: empty block collection at %d:%d", ErrFixUnsafe, n.Line, n.Column)
		}
		return f.end(n.Content[len(n.Content)-1], f.blockIndent(n))
	}
	return 0, fmt.Errorf("%w: unexpected YAML node at %d:%d", ErrFixUnsafe, n.Line, n.Column)
}

// blockIndent is the indentation of a block collection's entries: what a
// block scalar inside must indent more than.
func (f *fixSource) blockIndent(n *yaml.Node) int {
	if n.Kind == yaml.MappingNode && len(n.Content) > 0 {
		return n.Content[0].Column - 1
	}
	return n.Column - 1
}

// flowEnd returns the offset just after a flow collection's closing
// bracket.
func (f *fixSource) flowEnd(n *yaml.Node) (int, error) {
	p, err := f.flowInner(n)
	if err != nil {
		return 0, err
	}
	p = f.skipSpace(p, true)
	for p < len(f.b) && f.b[p] == ',' {
		p = f.skipSpace(p+1, true)
	}
	closer := byte('}')
	if n.Kind == yaml.SequenceNode {
		closer = ']'
	}
	if p >= len(f.b) || f.b[p] != closer {
		return 0, fmt.Errorf("%w: cannot find the %c closing the collection at %d:%d", ErrFixUnsafe, closer, n.Line, n.Column)
	}
	return p + 1, nil
}

// flowInner returns the offset after a flow collection's last entry, or
// after its opening bracket when it is empty.
func (f *fixSource) flowInner(n *yaml.Node) (int, error) {
	if len(n.Content) > 0 {
		return f.end(n.Content[len(n.Content)-1], -1)
	}
	p, err := f.offset(n)
	if err != nil {
		return 0, err
	}
	p = f.contentStart(p)
	if p >= len(f.b) || f.b[p] != '{' && f.b[p] != '[' {
		return 0, fmt.Errorf("%w: no bracket opens the collection at %d:%d", ErrFixUnsafe, n.Line, n.Column)
	}
	return p + 1, nil
}

// scalarSpan returns the bytes [start, end) holding scalar n's text, after
// its properties. An empty plain scalar (a null written as nothing) spans
// no bytes at its position.
func (f *fixSource) scalarSpan(n *yaml.Node, indent int) (int, int, error) {
	p, err := f.offset(n)
	if err != nil {
		return 0, 0, err
	}
	p = f.contentStart(p)
	b := f.b
	unsafe := func(why string) (int, int, error) {
		return 0, 0, fmt.Errorf("%w: %s at %d:%d", ErrFixUnsafe, why, n.Line, n.Column)
	}
	switch n.Style &^ yaml.TaggedStyle {
	case yaml.DoubleQuotedStyle:
		for i := p + 1; i < len(b); i++ {
			switch b[i] {
			case '\\':
				i++
			case '"':
				return p, i + 1, nil
			}
		}
		return unsafe("unterminated double-quoted value")
	case yaml.SingleQuotedStyle:
		for i := p + 1; i < len(b); i++ {
			if b[i] == '\'' {
				if i+1 < len(b) && b[i+1] == '\'' {
					i++
					continue
				}
				return p, i + 1, nil
			}
		}
		return unsafe("unterminated single-quoted value")
	case yaml.LiteralStyle, yaml.FoldedStyle:
		return p, f.blockScalarEnd(p, indent), nil
	case 0:
		end, ok := plainEnd(b, p, n.Value)
		if !ok {
			return unsafe("value text does not match what YAML read")
		}
		return p, end, nil
	}
	return unsafe("unknown scalar style")
}

// plainEnd matches a plain scalar's text from p against its value, which
// YAML folded (a single line break read as a space, n breaks as n-1
// newlines), and returns where the text ends.
func plainEnd(b []byte, p int, value string) (int, bool) {
	i, j := p, 0
	for j < len(value) {
		if i >= len(b) {
			return 0, false
		}
		if b[i] == ' ' || b[i] == '\t' || lineBreakAt(b, i) > 0 {
			run, breaks := i, 0
			for i < len(b) && (b[i] == ' ' || b[i] == '\t' || lineBreakAt(b, i) > 0) {
				if w := lineBreakAt(b, i); w > 0 {
					breaks++
					i += w
				} else {
					i++
				}
			}
			want := string(b[run:i])
			switch {
			case breaks == 1:
				want = " "
			case breaks > 1:
				want = strings.Repeat("\n", breaks-1)
			}
			if !strings.HasPrefix(value[j:], want) {
				return 0, false
			}
			j += len(want)
			continue
		}
		if b[i] != value[j] {
			return 0, false
		}
		i++
		j++
	}
	return i, true
}

// blockScalarEnd returns where a block scalar (| or >) whose header starts
// at p ends: after its last line indented more than indent, or, when it
// keeps its trailing line breaks (+), after the last blank line that
// follows.
func (f *fixSource) blockScalarEnd(p, indent int) int {
	b := f.b
	end := lineEnd(b, p)
	header := b[p:end]
	if i := bytes.IndexByte(header, '#'); i >= 0 {
		header = header[:i]
	}
	keep := bytes.IndexByte(header, '+') >= 0
	for ls := nextLine(b, p); ls < len(b); {
		le := lineEnd(b, ls)
		line := b[ls:le]
		spaces := len(line) - len(bytes.TrimLeft(line, " "))
		switch {
		case len(bytes.Trim(line, " \t")) == 0:
			if keep {
				end = le
			}
		case spaces <= indent:
			return end
		default:
			end = le
		}
		ls = nextLine(b, ls)
	}
	return end
}

// located is where a path leads in the tree.
type located struct {
	node   *yaml.Node  // the deepest node of the path that exists
	rest   []fieldStep // the keys still missing under node
	key    *yaml.Node  // node's key, when its parent is a mapping
	parent *yaml.Node  // node's parent collection; nil for the top
	indent int         // the indentation of node's block parent (-1 at the top)
	flow   bool        // node is inside a flow collection
}

// locate follows path from the top of the file.
func (f *fixSource) locate(e *plannedEdit) (*located, error) {
	at := &located{node: f.root, indent: -1}
	for i, el := range e.path {
		n := at.node
		if n.Anchor != "" && f.aliased[n.Anchor] {
			return nil, e.fail(n, fmt.Errorf("%w: the value is anchored (&%s) and repeated by an alias; editing it would change both", ErrFixTarget, n.Anchor))
		}
		if n.Kind == yaml.AliasNode {
			return nil, e.fail(n, fmt.Errorf("%w: the path goes through the alias *%s; edit the anchored value instead", ErrFixTarget, n.Value))
		}
		next := &located{parent: n, indent: at.indent, flow: at.flow || n.Style&yaml.FlowStyle != 0}
		if n.Style&yaml.FlowStyle == 0 && (n.Kind == yaml.MappingNode || n.Kind == yaml.SequenceNode) {
			next.indent = f.blockIndent(n)
		}
		switch {
		case el.index >= 0 && n.Kind == yaml.SequenceNode:
			if el.index >= len(n.Content) {
				return nil, e.fail(n, fmt.Errorf("%w: the list has %d items; a fix cannot add one", ErrFixTarget, len(n.Content)))
			}
			next.node = n.Content[el.index]
		case el.index < 0 && n.Kind == yaml.MappingNode:
			for j := 0; j+1 < len(n.Content); j += 2 {
				if k := n.Content[j]; k.Kind == yaml.ScalarNode && k.Value == el.key {
					next.key, next.node = k, n.Content[j+1]
					break
				}
			}
			if next.node == nil {
				at.rest = e.path[i:]
				return at, f.checkMissing(e, at)
			}
		case el.index < 0 && isNull(n):
			at.rest = e.path[i:]
			return at, f.checkMissing(e, at)
		default:
			want := "a mapping"
			if el.index >= 0 {
				want = "a list"
			}
			return nil, e.fail(n, fmt.Errorf("%w: %s holds %s, not %s", ErrFixTarget, formatFieldSteps(e.path[:i]), describeNode(n), want))
		}
		at = next
	}
	n := at.node
	switch {
	case n.Anchor != "" && f.aliased[n.Anchor]:
		return nil, e.fail(n, fmt.Errorf("%w: the value is anchored (&%s) and repeated by an alias; editing it would change both", ErrFixTarget, n.Anchor))
	case n.Kind != yaml.ScalarNode:
		return nil, e.fail(n, fmt.Errorf("%w: it holds %s; a fix sets a value", ErrFixTarget, describeNode(n)))
	}
	return at, nil
}

// checkMissing refuses what cannot be added: list items.
func (f *fixSource) checkMissing(e *plannedEdit, at *located) error {
	for _, el := range at.rest {
		if el.index >= 0 {
			return e.fail(at.node, fmt.Errorf("%w: %s is missing, and a fix cannot add a list", ErrFixTarget, formatFieldSteps(e.path[:len(e.path)-len(at.rest)+1])))
		}
	}
	switch {
	case isNull(at.node) && at.parent == nil:
		return e.fail(at.node, fmt.Errorf("%w: the file holds no mapping to add it to", ErrFixTarget))
	case isNull(at.node) && at.parent.Kind != yaml.MappingNode:
		return e.fail(at.node, fmt.Errorf("%w: a fix cannot fill an empty list item", ErrFixTarget))
	}
	return nil
}

func isNull(n *yaml.Node) bool { return n.Kind == yaml.ScalarNode && n.Tag == "!!null" }

// newMap is the fields a fix adds under one mapping, in the order the
// edits came.
type newMap struct {
	keys    []string
	entries map[string]*newEntry
}

type newEntry struct {
	edit *plannedEdit // set for a value
	sub  *newMap      // set for a mapping
}

// values counts the values m adds, at every depth.
func (m *newMap) values() int {
	n := 0
	for _, ent := range m.entries {
		if ent.edit != nil {
			n++
		} else {
			n += ent.sub.values()
		}
	}
	return n
}

func (m *newMap) add(e *plannedEdit, rest []fieldStep) error {
	k := rest[0].key
	ent, ok := m.entries[k]
	if !ok {
		ent = &newEntry{}
		m.keys = append(m.keys, k)
		m.entries[k] = ent
	}
	if len(rest) == 1 {
		if ent.sub != nil {
			return conflictWithin(e, ent.sub)
		}
		ent.edit = e
		return nil
	}
	if ent.edit != nil {
		return conflict(e, ent.edit)
	}
	if ent.sub == nil {
		ent.sub = &newMap{entries: map[string]*newEntry{}}
	}
	return ent.sub.add(e, rest[1:])
}

// conflictWithin reports e setting a field that another edit fills with
// fields of its own.
func conflictWithin(e *plannedEdit, m *newMap) error {
	for _, k := range m.keys {
		if ent := m.entries[k]; ent.edit != nil {
			return conflict(e, ent.edit)
		} else {
			return conflictWithin(e, ent.sub)
		}
	}
	return nil
}

func conflict(e, other *plannedEdit) error {
	err := e.fail(nil, fmt.Errorf("%w: %s sets a field under %s (%s)", ErrFixConflict, other.finding.Rule, e.Field, other.Field))
	if strings.HasPrefix(e.key, other.key) {
		err = e.fail(nil, fmt.Errorf("%w: %s sets %s to a value, so it cannot hold %s", ErrFixConflict, other.finding.Rule, other.Field, e.Field))
	}
	err.OtherRule = other.finding.Rule
	return err
}

// splice replaces b[start:end] with text.
type splice struct {
	start, end int
	text       string
}

// fixPlan is what apply decided, by node of the source's tree: what verify
// expects to find in the edited text.
type fixPlan struct {
	set    map[*yaml.Node]string  // a scalar rewritten → the value it must read as
	add    map[*yaml.Node]*newMap // a mapping (or null) → the fields added under it
	values int                    // how many values were set or added
}

// apply computes every splice from the one parse of the source and
// applies them.
func (f *fixSource) apply(edits []*plannedEdit) ([]byte, *fixPlan, error) {
	plan := &fixPlan{set: map[*yaml.Node]string{}, add: map[*yaml.Node]*newMap{}}
	type addition struct {
		at     *located
		fields *newMap
	}
	var (
		replaced []*located
		byEdit   []*plannedEdit
		adds     []*addition
	)
	addAt := map[*yaml.Node]*addition{}
	for _, e := range edits {
		at, err := f.locate(e)
		if err != nil {
			return nil, nil, err
		}
		if len(at.rest) == 0 {
			replaced, byEdit = append(replaced, at), append(byEdit, e)
			continue
		}
		a := addAt[at.node]
		if a == nil {
			a = &addition{at: at, fields: &newMap{entries: map[string]*newEntry{}}}
			addAt[at.node] = a
			adds = append(adds, a)
		}
		if err := a.fields.add(e, at.rest); err != nil {
			return nil, nil, err
		}
	}
	var splices []splice
	for i, at := range replaced {
		if a := addAt[at.node]; a != nil {
			return nil, nil, conflictWithin(byEdit[i], a.fields)
		}
		if !isNull(at.node) && at.node.Value == byEdit[i].Value {
			continue // already so: leave the text as the user wrote it
		}
		s, err := f.replaceValue(byEdit[i], at)
		if err != nil {
			return nil, nil, err
		}
		splices = append(splices, s)
		plan.set[at.node] = byEdit[i].Value
		plan.values++
	}
	for _, a := range adds {
		s, err := f.addFields(a.at, a.fields)
		if err != nil {
			return nil, nil, err
		}
		splices = append(splices, s)
		plan.add[a.at.node] = a.fields
		plan.values += a.fields.values()
	}
	slices.SortStableFunc(splices, func(x, y splice) int {
		return cmp.Or(cmp.Compare(x.start, y.start), cmp.Compare(x.end, y.end))
	})
	var out bytes.Buffer
	out.Grow(len(f.b))
	last := 0
	for _, s := range splices {
		if s.start < last {
			return nil, nil, &FixError{Err: fmt.Errorf("%w: two edits overlap in the text", ErrFixUnsafe)}
		}
		out.Write(f.b[last:s.start])
		out.WriteString(s.text)
		last = s.end
	}
	out.Write(f.b[last:])
	return out.Bytes(), plan, nil
}

// replaceValue writes e's value over the scalar it edits.
func (f *fixSource) replaceValue(e *plannedEdit, at *located) (splice, error) {
	n := at.node
	start, end, err := f.scalarSpan(n, at.indent)
	if err != nil {
		return splice{}, e.fail(n, err)
	}
	text := f.scalar(e.Value, n, at.flow)
	style := n.Style &^ yaml.TaggedStyle
	switch {
	case style == yaml.LiteralStyle || style == yaml.FoldedStyle:
		// Keep a comment on the header line, which the span covers, with
		// the blanks before it.
		header := f.b[start:lineEnd(f.b, start)]
		if i := bytes.IndexByte(header, '#'); i > 0 {
			text += string(header[len(bytes.TrimRight(header[:i], " \t")):])
		}
	case start == end:
		text = f.separated(start, text) // a value written as nothing
	}
	return splice{start: start, end: end, text: text}, nil
}

// addFields adds fields under the mapping (or null) at.node.
func (f *fixSource) addFields(at *located, fields *newMap) (splice, error) {
	n := at.node
	fail := func(err error) (splice, error) {
		e := firstEdit(fields)
		return splice{}, e.fail(n, err)
	}
	switch {
	case n.Kind == yaml.MappingNode && n.Style&yaml.FlowStyle != 0:
		inner, err := f.flowInner(n)
		if err != nil {
			return fail(err)
		}
		entries := f.flowEntries(fields)
		if len(n.Content) == 0 {
			return splice{start: inner, end: inner, text: strings.Join(entries, ", ")}, nil
		}
		if f.entryPerLine(n) {
			last := n.Content[len(n.Content)-2]
			sep := "," + f.eol + strings.Repeat(" ", last.Column-1)
			return splice{start: inner, end: inner, text: sep + strings.Join(entries, sep)}, nil
		}
		return splice{start: inner, end: inner, text: ", " + strings.Join(entries, ", ")}, nil
	case n.Kind == yaml.MappingNode:
		end, err := f.end(n, at.indent)
		if err != nil {
			return fail(err)
		}
		p, prefix := f.afterLine(end)
		return splice{start: p, end: p, text: prefix + f.blockEntries(fields, n.Content[0].Column-1)}, nil
	case isNull(n):
		start, end, err := f.scalarSpan(n, at.indent)
		if err != nil {
			return fail(err)
		}
		if start == end && !at.flow && at.key != nil {
			// "flags:" with nothing after it: the fields go on the lines
			// below, indented one step more than the key.
			p, prefix := f.afterLine(end)
			return splice{start: p, end: p, text: prefix + f.blockEntries(fields, at.key.Column-1+f.step)}, nil
		}
		text := "{" + strings.Join(f.flowEntries(fields), ", ") + "}"
		if start == end {
			text = f.separated(start, text)
		}
		return splice{start: start, end: end, text: text}, nil
	}
	return fail(fmt.Errorf("%w: it holds %s, not a mapping", ErrFixTarget, describeNode(n)))
}

// separated puts a space before text inserted at p where the text before
// p (a colon, a dash, a tag) would otherwise run into it.
func (f *fixSource) separated(p int, text string) string {
	if p == 0 || strings.IndexByte(" \t\r\n[{,", f.b[p-1]) >= 0 {
		return text
	}
	return " " + text
}

// afterLine returns the offset of the line after the one holding p, and
// the line break to write first when that line is the file's last and has
// none.
func (f *fixSource) afterLine(p int) (int, string) {
	q := nextLine(f.b, p)
	if q == len(f.b) && f.lines[len(f.lines)-1] != len(f.b) {
		return q, f.eol
	}
	return q, ""
}

// entryPerLine reports whether a flow mapping puts each key on a line of
// its own (pretty-printed JSON, say); added keys then do the same.
func (f *fixSource) entryPerLine(n *yaml.Node) bool {
	line := n.Line
	for i := 0; i < len(n.Content); i += 2 {
		if n.Content[i].Line == line {
			return false
		}
		line = n.Content[i].Line
	}
	return true
}

func firstEdit(m *newMap) *plannedEdit {
	ent := m.entries[m.keys[0]]
	if ent.edit != nil {
		return ent.edit
	}
	return firstEdit(ent.sub)
}

// flowEntries writes added fields as "key: value" for a flow mapping,
// nested mappings in braces.
func (f *fixSource) flowEntries(m *newMap) []string {
	var out []string
	for _, k := range m.keys {
		ent := m.entries[k]
		v := ""
		if ent.edit != nil {
			v = f.scalar(ent.edit.Value, nil, true)
		} else {
			v = "{" + strings.Join(f.flowEntries(ent.sub), ", ") + "}"
		}
		out = append(out, f.key(k, true)+": "+v)
	}
	return out
}

// blockEntries writes added fields as lines of a block mapping whose keys
// are indented by indent spaces.
func (f *fixSource) blockEntries(m *newMap, indent int) string {
	var b strings.Builder
	for _, k := range m.keys {
		ent := m.entries[k]
		b.WriteString(strings.Repeat(" ", indent))
		b.WriteString(f.key(k, false))
		b.WriteString(":")
		if ent.edit != nil {
			b.WriteString(" ")
			b.WriteString(f.scalar(ent.edit.Value, nil, false))
			b.WriteString(f.eol)
		} else {
			b.WriteString(f.eol)
			b.WriteString(f.blockEntries(ent.sub, indent+f.step))
		}
	}
	return b.String()
}

func (f *fixSource) key(k string, flow bool) string {
	if !f.json && f.plainReadsAs(k, "!!str", flow) {
		return k
	}
	return doubleQuoted(k, f.json)
}

// scalar writes value for the place of old (nil for a new field): in old's
// quoting where value allows it, plain where YAML reads the plain text back
// as value (of old's type, when old is plain), double-quoted otherwise. In
// JSON, numbers and true/false are written bare where old was bare or is
// new; everything else is a JSON string.
func (f *fixSource) scalar(value string, old *yaml.Node, flow bool) string {
	style := yaml.Style(0)
	if old != nil {
		style = old.Style &^ yaml.TaggedStyle
	}
	if f.json {
		if style == 0 && jsonLiteral(value) && (old == nil || old.Tag != "!!str") {
			return value
		}
		return doubleQuoted(value, true)
	}
	switch style {
	case yaml.DoubleQuotedStyle:
		return doubleQuoted(value, false)
	case yaml.SingleQuotedStyle:
		if s := "'" + strings.ReplaceAll(value, "'", "''") + "'"; f.readsBack(s, value, "!!str", flow) {
			return s
		}
		return doubleQuoted(value, false)
	case 0:
		tag := ""
		if old != nil && old.Style&yaml.TaggedStyle == 0 && !isNull(old) {
			tag = old.Tag
		}
		if f.plainReadsAs(value, tag, flow) {
			return value
		}
	case yaml.LiteralStyle, yaml.FoldedStyle:
		if f.plainReadsAs(value, "!!str", flow) {
			return value
		}
	}
	return doubleQuoted(value, false)
}

// jsonLiteral reports whether s is a JSON number, true or false.
func jsonLiteral(s string) bool {
	if s == "true" || s == "false" {
		return true
	}
	var n json.Number
	return s != "" && (s[0] == '-' || s[0] >= '0' && s[0] <= '9') && json.Unmarshal([]byte(s), &n) == nil
}

// doubleQuoted writes s (UTF-8) as a double-quoted scalar. Go's escapes
// (\a, \v, \x, \U) are YAML's too, but not JSON's; JSON gets \uXXXX for
// every character YAML does not allow as it is (controls, DEL, the C1
// controls, U+FEFF, U+FFFE, U+FFFF) and for the line and paragraph
// separators.
func doubleQuoted(s string, asJSON bool) string {
	if !asJSON {
		return strconv.Quote(s)
	}
	var b strings.Builder
	b.WriteByte('"')
	for _, r := range s {
		switch {
		case r == '"' || r == '\\':
			b.WriteByte('\\')
			b.WriteRune(r)
		case r == '\n':
			b.WriteString(`\n`)
		case r == '\r':
			b.WriteString(`\r`)
		case r == '\t':
			b.WriteString(`\t`)
		case r == '\b':
			b.WriteString(`\b`)
		case r == '\f':
			b.WriteString(`\f`)
		case r < 0x20, r >= 0x7f && r <= 0x9f, r == 0x2028, r == 0x2029, r == 0xfeff, r == 0xfffe, r == 0xffff:
			fmt.Fprintf(&b, `\u%04x`, r)
		default:
			b.WriteRune(r)
		}
	}
	b.WriteByte('"')
	return b.String()
}

// plainReadsAs reports whether s written plain reads back as s, with tag
// (any tag but null when tag is ""), in a block or flow context: YAML's own
// rules decide, by parsing.
func (f *fixSource) plainReadsAs(s, tag string, flow bool) bool {
	if s == "" || strings.ContainsAny(s, "\r\n") {
		return false
	}
	return f.readsBack(s, s, tag, flow)
}

// readsBack reports whether text, written as a mapping value (and, in a
// flow context, as a list item too), parses to one scalar holding value
// with tag (any tag but null when tag is ""). Answers are kept: fixes
// write the same keys and values many times.
func (f *fixSource) readsBack(text, value, tag string, flow bool) bool {
	k := readsBackKey{text, value, tag, flow}
	if ok, seen := f.readsBackSeen[k]; seen {
		return ok
	}
	docs := []string{"k: " + text + "\n"}
	if flow {
		docs = []string{"{k: " + text + "}", "[" + text + "]"}
	}
	ok := true
	for _, doc := range docs {
		var n yaml.Node
		if err := yaml.Unmarshal([]byte(doc), &n); err != nil || len(n.Content) != 1 {
			ok = false
			break
		}
		var v *yaml.Node
		switch top := n.Content[0]; {
		case top.Kind == yaml.MappingNode && len(top.Content) == 2:
			v = top.Content[1]
		case top.Kind == yaml.SequenceNode && len(top.Content) == 1:
			v = top.Content[0]
		}
		if v == nil || v.Kind != yaml.ScalarNode || v.Value != value || tag == "" && v.Tag == "!!null" || tag != "" && v.Tag != tag {
			ok = false
			break
		}
	}
	if f.readsBackSeen == nil {
		f.readsBackSeen = map[readsBackKey]bool{}
	}
	f.readsBackSeen[k] = ok
	return ok
}

type readsBackKey struct {
	text, value, tag string
	flow             bool
}

// verify reads the edited text back: the same tree as before except where
// the plan rewrote or added values, which must read as planned; and a
// deployment still, if the source was one.
func (f *fixSource) verify(out []byte, plan *fixPlan) error {
	root, err := parseOneDocument(out)
	if err != nil {
		return fmt.Errorf("%w: the edited text does not parse: %w", ErrFixUnsafe, readError("", out, err))
	}
	c := &treeCompare{plan: plan}
	if err := c.compare(f.root, root, nil); err != nil {
		return fmt.Errorf("%w: %w", ErrFixUnsafe, err)
	}
	if c.seen != plan.values {
		return fmt.Errorf("%w: %d of %d edited fields read back", ErrFixUnsafe, c.seen, plan.values)
	}
	// A file that decoded as a deployment must still decode. The old text
	// is decoded only to tell that from a file that never did.
	if _, err := Parse("", out); err != nil {
		if _, oldErr := Parse("", f.b); oldErr == nil {
			return fmt.Errorf("%w: the edited file is no longer a valid deployment: %w", ErrFixUnsafe, err)
		}
	}
	return nil
}

// treeCompare compares YAML trees before and after editing. Paths are
// kept only to name a difference.
type treeCompare struct {
	plan *fixPlan
	seen int // values found as planned
}

func (c *treeCompare) compare(old, new *yaml.Node, path []fieldStep) error {
	if v, ok := c.plan.set[old]; ok {
		return c.readsAs(new, v, path)
	}
	added := c.plan.add[old]
	if old.Kind != new.Kind {
		if added != nil && isNull(old) && new.Kind == yaml.MappingNode {
			return c.compareAdded(new, added, path)
		}
		return fmt.Errorf("%s changed from %s to %s", formatFieldSteps(path), describeNode(old), describeNode(new))
	}
	if old.Tag != new.Tag || old.Value != new.Value || old.Anchor != new.Anchor || old.Style != new.Style {
		return fmt.Errorf("%s changed from %s (%s) to %s (%s)", formatFieldSteps(path), describeNode(old), old.Tag, describeNode(new), new.Tag)
	}
	switch old.Kind {
	case yaml.SequenceNode:
		if len(old.Content) != len(new.Content) {
			return fmt.Errorf("%s had %d items, has %d", formatFieldSteps(path), len(old.Content), len(new.Content))
		}
		for i := range old.Content {
			if err := c.compare(old.Content[i], new.Content[i], append(path, fieldStep{index: i})); err != nil {
				return err
			}
		}
	case yaml.MappingNode:
		j := 0
		for i := 0; i+1 < len(new.Content); i += 2 {
			nk, nv := new.Content[i], new.Content[i+1]
			p := append(path, fieldStep{key: nk.Value, index: -1})
			if j+1 < len(old.Content) && old.Content[j].Value == nk.Value {
				ok := old.Content[j]
				if ok.Kind != nk.Kind || ok.Tag != nk.Tag || ok.Style != nk.Style {
					return fmt.Errorf("key %s changed", formatFieldSteps(p))
				}
				if err := c.compare(old.Content[j+1], nv, p); err != nil {
					return err
				}
				j += 2
				continue
			}
			if added == nil || added.entries[nk.Value] == nil {
				return fmt.Errorf("%s appeared", formatFieldSteps(p))
			}
			if err := c.compareEntry(nv, added.entries[nk.Value], p); err != nil {
				return err
			}
		}
		if j != len(old.Content) {
			return fmt.Errorf("%s lost its field %s", formatFieldSteps(path), old.Content[j].Value)
		}
	}
	return nil
}

// compareAdded checks a mapping a fix added: it holds m's fields and no
// others.
func (c *treeCompare) compareAdded(n *yaml.Node, m *newMap, path []fieldStep) error {
	if n.Kind != yaml.MappingNode {
		return fmt.Errorf("%s was added as %s", formatFieldSteps(path), describeNode(n))
	}
	for i := 0; i+1 < len(n.Content); i += 2 {
		p := append(path, fieldStep{key: n.Content[i].Value, index: -1})
		ent := m.entries[n.Content[i].Value]
		if ent == nil {
			return fmt.Errorf("%s appeared", formatFieldSteps(p))
		}
		if err := c.compareEntry(n.Content[i+1], ent, p); err != nil {
			return err
		}
	}
	return nil
}

func (c *treeCompare) compareEntry(n *yaml.Node, ent *newEntry, path []fieldStep) error {
	if ent.edit != nil {
		return c.readsAs(n, ent.edit.Value, path)
	}
	return c.compareAdded(n, ent.sub, path)
}

func (c *treeCompare) readsAs(n *yaml.Node, value string, path []fieldStep) error {
	if n.Kind != yaml.ScalarNode || n.Value != value || isNull(n) {
		return fmt.Errorf("%s reads back as %s, not %s", formatFieldSteps(path), describeNode(n), quoteBounded(value))
	}
	c.seen++
	return nil
}

// describeNode names what a node holds, for messages.
func describeNode(n *yaml.Node) string {
	switch n.Kind {
	case yaml.MappingNode:
		return "a mapping"
	case yaml.SequenceNode:
		return "a list"
	case yaml.AliasNode:
		return "an alias"
	case yaml.ScalarNode:
		if isNull(n) {
			return "null"
		}
		v := n.Value
		if len(v) > 40 {
			v = v[:37] + "..."
		}
		return strconv.Quote(v)
	}
	return "nothing"
}
