package rpp

// How MergeLync edits a YAML file: the merged nodes are written back only
// where they changed, as whole lines spliced into the admin's text, so that
// everything else keeps its bytes.

import (
	"bytes"
	"fmt"
	"regexp"
	"strings"

	"go.yaml.in/yaml/v3"
)

// textEdit replaces text[start:end] with repl.
type textEdit struct {
	start, end int
	repl       []byte
}

func (m *merger) mergeYAML() ([]byte, error) {
	root, err := m.parse()
	if err != nil {
		return nil, err
	}
	m.indexLines()
	if root == nil {
		return m.newFile()
	}
	if root.Style&yaml.FlowStyle != 0 {
		return nil, m.layoutError(root, "", "a flow-style document ({lync: …, rpp: …}); write it in block style")
	}
	lk, lv, _ := lookup(root, "lync")
	if lv != nil && !(lv.Kind == yaml.MappingNode || lv.Kind == yaml.ScalarNode && lv.Tag == "!!null") {
		return nil, m.layoutError(lv, "lync", "lync: holds "+kindName(lv)+", not a mapping")
	}
	var old *yaml.Node
	// An empty flow mapping (lync: {}, what a new file of an empty
	// topology holds) has no layout to keep: it is replaced whole, as an
	// empty lync: is.
	if lv != nil && lv.Kind == yaml.MappingNode && !(lv.Style&yaml.FlowStyle != 0 && len(lv.Content) == 0) {
		old = lv
	}
	if old != nil && old.Style&yaml.FlowStyle != 0 {
		return nil, m.layoutError(old, "lync", "lync: is written in flow style ({…}); write it in block style")
	}
	merged, merges, err := m.mergedLync(old)
	if err != nil {
		return nil, err
	}
	if !m.report.Changed() {
		return m.text, nil
	}
	var edits []textEdit
	if old == nil {
		// No lync: mapping yet: write it whole, before the first key (after
		// the file's opening comments), or in place of an empty lync:.
		// At the indentation of the document's keys, which may not be 0.
		rootIndent := root.Content[0].Column - 1
		block := m.emit(&yaml.Node{Kind: yaml.MappingNode, Tag: "!!map", Content: []*yaml.Node{scalarNode("lync", 0), merged}}, rootIndent)
		if lv != nil {
			start, end := m.lineStart(lk.Line), m.regionEnd(lv, lk.Column)
			lineComment := lk.LineComment + lv.LineComment
			if lineComment != "" {
				block = m.emit(&yaml.Node{Kind: yaml.MappingNode, Tag: "!!map", Content: []*yaml.Node{
					{Kind: yaml.ScalarNode, Tag: "!!str", Value: "lync", LineComment: lineComment}, merged}}, rootIndent)
			}
			edits = append(edits, textEdit{start, end, block})
		} else {
			first := root.Content[0]
			at := m.lineStart(first.Line) - len(m.commentBlockAbove(first.Line, first.HeadComment))
			edits = append(edits, textEdit{at, at, append(block, m.newline()...)})
		}
		if m.emitErr != nil {
			return nil, m.emitErr
		}
		return m.apply(edits), nil
	}
	indent := old.Content[0].Column - 1
	for _, km := range merges {
		if !km.change.Changed() {
			continue
		}
		switch {
		case km.keyNode == nil:
			// A new key: after the last key of lync:.
			lastKey, lastVal := old.Content[len(old.Content)-2], old.Content[len(old.Content)-1]
			at := m.regionEnd(lastVal, lastKey.Column)
			edits = append(edits, textEdit{at, at, m.emitPair(scalarNode(km.key, 0), km.value, indent)})
		case km.inPlace:
			edits = append(edits, m.itemEdits(km)...)
		default:
			start, end := m.lineStart(km.keyNode.Line), m.regionEnd(km.old, km.keyNode.Column)
			k := *km.keyNode
			v := cloneTree(km.value)
			m.stripOutside(&k, v, start, end)
			edits = append(edits, textEdit{start, end, m.emitPair(&k, v, indent)})
		}
	}
	if m.emitErr != nil {
		return nil, m.emitErr
	}
	return m.apply(edits), nil
}

// itemEdits edits a block list item by item: unchanged items keep their
// text; changed ones are rewritten; removed ones deleted with the comment
// lines directly above them; new ones go after the last old item.
func (m *merger) itemEdits(km *keyMerge) []textEdit {
	var edits []textEdit
	dashCol := km.old.Column
	lastOld := km.old.Content[len(km.old.Content)-1]
	for _, it := range km.items {
		switch {
		case it.old == nil:
			at := m.regionEnd(lastOld, dashCol)
			edits = append(edits, textEdit{at, at, m.emitItem(it.node, dashCol-1)})
		case it.node == nil:
			dash := m.dashLine(it.old, dashCol)
			start := m.lineStart(dash) - len(m.commentBlockAbove(dash, headComments(it.old)))
			edits = append(edits, textEdit{start, m.regionEnd(it.old, dashCol), nil})
		case it.changed:
			dash := m.dashLine(it.old, dashCol)
			start, end := m.lineStart(dash), m.regionEnd(it.old, dashCol)
			n := cloneTree(it.node)
			m.stripOutside(nil, n, start, end)
			edits = append(edits, textEdit{start, end, m.emitItem(n, dashCol-1)})
		}
	}
	return edits
}

// headComments is the comment yaml.v3 hung on an item or on its first key.
func headComments(n *yaml.Node) string {
	if n.HeadComment != "" {
		return n.HeadComment
	}
	if n.Kind == yaml.MappingNode && len(n.Content) > 0 {
		return n.Content[0].HeadComment
	}
	return ""
}

func (m *merger) indexLines() {
	m.lines = []int{0}
	for i, c := range m.text {
		if c == '\n' {
			m.lines = append(m.lines, i+1)
		}
	}
}

// lineStart is the offset of line (1-based); past the end, len(text).
func (m *merger) lineStart(line int) int {
	if line < 1 {
		return 0
	}
	if line-1 < len(m.lines) {
		return m.lines[line-1]
	}
	return len(m.text)
}

func (m *merger) lineText(line int) []byte {
	start, end := m.lineStart(line), m.lineStart(line+1)
	return bytes.TrimRight(m.text[start:end], "\r\n")
}

func (m *merger) lineCount() int {
	n := len(m.lines)
	if n > 0 && m.lines[n-1] == len(m.text) {
		n-- // the text ends with a newline: no line after it
	}
	return n
}

// lastLine is the last line a node's own text reaches: the largest line of
// any node in it, then the lines after it that continue it (indented
// deeper than its parent's column, not blank, not comments), such as the
// closing bracket of a flow list or the lines of a block scalar.
func (m *merger) lastLine(n *yaml.Node, parentCol int) int {
	last := maxLine(n)
	for l := last + 1; l <= m.lineCount(); l++ {
		s := m.lineText(l)
		trimmed := bytes.TrimLeft(s, " \t")
		if len(trimmed) == 0 || trimmed[0] == '#' || len(s)-len(trimmed) < parentCol {
			break
		}
		last = l
	}
	return last
}

func maxLine(n *yaml.Node) int {
	l := n.Line
	for _, c := range n.Content {
		if x := maxLine(c); x > l {
			l = x
		}
	}
	return l
}

// regionEnd is the offset just past the last line of n's text.
func (m *merger) regionEnd(n *yaml.Node, parentCol int) int {
	return m.lineStart(m.lastLine(n, parentCol) + 1)
}

// dashLine is the line of an item's '-': the item's own line, or the line
// above when the dash stands alone.
func (m *merger) dashLine(item *yaml.Node, dashCol int) int {
	for l := item.Line; l >= 1; l-- {
		s := m.lineText(l)
		if len(s) >= dashCol && s[dashCol-1] == '-' && bytes.TrimSpace(s[:dashCol-1]) == nil {
			return l
		}
		if l < item.Line && len(bytes.TrimSpace(s)) > 0 {
			break
		}
	}
	return item.Line
}

// commentBlockAbove returns the comment lines directly above line when
// they are exactly comment (a node's head comment), else nil.
func (m *merger) commentBlockAbove(line int, comment string) []byte {
	if comment == "" {
		return nil
	}
	want := strings.Count(comment, "\n") + 1
	first := line - want
	if first < 1 {
		return nil
	}
	var got []string
	for l := first; l < line; l++ {
		got = append(got, string(bytes.TrimSpace(m.lineText(l))))
	}
	if strings.Join(got, "\n") != normalizeComment(comment) {
		return nil
	}
	return m.text[m.lineStart(first):m.lineStart(line)]
}

func normalizeComment(c string) string {
	lines := strings.Split(strings.TrimSpace(c), "\n")
	for i, l := range lines {
		lines[i] = strings.TrimSpace(l)
	}
	return strings.Join(lines, "\n")
}

// stripOutside clears the comments yaml.v3 hung on nodes of a region that
// are written outside it: a head comment above its first line, foot
// comments below its last. Those lines are kept as they are; writing them
// again would double them.
func (m *merger) stripOutside(key, val *yaml.Node, start, end int) {
	above := normalizeComment(string(m.commentsAround(start, -1)))
	below := normalizeComment(string(m.commentsAround(end, +1)))
	if key != nil && key.HeadComment != "" && strings.Contains(above, normalizeComment(key.HeadComment)) {
		key.HeadComment = ""
	}
	if key != nil && key.FootComment != "" && strings.Contains(below, normalizeComment(key.FootComment)) {
		key.FootComment = ""
	}
	clearHead := func(n *yaml.Node) {
		if n.HeadComment != "" && strings.Contains(above, normalizeComment(n.HeadComment)) {
			n.HeadComment = ""
		}
	}
	clearHead(val)
	if val.Kind == yaml.MappingNode && len(val.Content) > 0 {
		clearHead(val.Content[0])
	}
	var walk func(n *yaml.Node)
	walk = func(n *yaml.Node) {
		if n.FootComment != "" && strings.Contains(below, normalizeComment(n.FootComment)) {
			n.FootComment = ""
		}
		for _, c := range n.Content {
			walk(c)
		}
	}
	walk(val)
}

// commentsAround returns the comment and blank lines directly before
// (dir < 0) or after (dir > 0) offset at, which sits at a line start.
func (m *merger) commentsAround(at, dir int) []byte {
	line := 1
	for line <= len(m.lines) && m.lineStart(line) < at {
		line++
	}
	var lines [][]byte
	for l := line - 1; dir < 0 && l >= 1; l-- {
		s := bytes.TrimSpace(m.lineText(l))
		if len(s) > 0 && s[0] != '#' {
			break
		}
		lines = append([][]byte{s}, lines...)
	}
	for l := line; dir > 0 && l <= m.lineCount(); l++ {
		s := bytes.TrimSpace(m.lineText(l))
		if len(s) > 0 && s[0] != '#' {
			break
		}
		lines = append(lines, s)
	}
	var kept [][]byte
	for _, s := range lines {
		if len(s) > 0 {
			kept = append(kept, s)
		}
	}
	return bytes.Join(kept, []byte("\n"))
}

// apply performs the edits, which do not overlap, in order of position.
func (m *merger) apply(edits []textEdit) []byte {
	// Stable by start: inserts at the same place keep their order.
	for i := 1; i < len(edits); i++ {
		for j := i; j > 0 && edits[j].start < edits[j-1].start; j-- {
			edits[j], edits[j-1] = edits[j-1], edits[j]
		}
	}
	for i := range edits {
		edits[i].repl = m.keepOriginalLines(edits[i].repl, edits[i].start, edits[i].end)
	}
	var b bytes.Buffer
	at := 0
	for _, e := range edits {
		if e.start > at {
			b.Write(m.text[at:e.start])
			at = e.start
		}
		b.Write(m.ensureNewline(e.start, e.repl))
		at = max(at, e.end)
	}
	b.Write(m.text[at:])
	return b.Bytes()
}

// keepOriginalLines puts back the admin's own text for each rewritten line
// that differs from a line of the replaced region only in the blanks
// before its comment (yaml.v3 writes one), so an aligned comment stays
// aligned when its item is rewritten for another field's sake.
func (m *merger) keepOriginalLines(repl []byte, start, end int) []byte {
	if start >= end || len(repl) == 0 {
		return repl
	}
	orig := map[string][]byte{}
	for _, line := range bytes.SplitAfter(m.text[start:end], []byte("\n")) {
		orig[string(commentGap.ReplaceAll(line, []byte(" #")))] = line
	}
	var out []byte
	for _, line := range bytes.SplitAfter(repl, []byte("\n")) {
		if o, ok := orig[string(commentGap.ReplaceAll(line, []byte(" #")))]; ok && bytes.HasSuffix(o, []byte("\n")) == bytes.HasSuffix(line, []byte("\n")) {
			line = o
		}
		out = append(out, line...)
	}
	return out
}

// commentGap is the blanks before a line comment.
var commentGap = regexp.MustCompile(`[ \t]+#`)

// ensureNewline makes an insertion at the end of a text without a final
// newline start on a line of its own.
func (m *merger) ensureNewline(at int, repl []byte) []byte {
	if len(repl) > 0 && at == len(m.text) && at > 0 && m.text[at-1] != '\n' {
		return append([]byte(m.newline()), repl...)
	}
	return repl
}

// newline is the file's line ending.
func (m *merger) newline() string {
	if bytes.Contains(m.text, []byte("\r\n")) {
		return "\r\n"
	}
	return "\n"
}

// emit writes n as YAML with two-space indentation, every line indented by
// indent spaces, in the file's line ending.
// A node the encoder refuses (or panics on) leaves m.emitErr set, which
// the merge returns; the text is then not used.
func (m *merger) emit(n *yaml.Node, indent int) []byte {
	var b bytes.Buffer
	if err := encodeYAMLNode(&b, n); err != nil {
		if m.emitErr == nil {
			m.emitErr = &FieldError{Pos: Position{File: m.name, Line: n.Line, Column: n.Column},
				Err: fmt.Errorf("%w: writing the lync: part: %v", ErrMergeUnsafe, err)}
		}
		return nil
	}
	pad := strings.Repeat(" ", indent)
	var out strings.Builder
	for _, line := range strings.SplitAfter(b.String(), "\n") {
		if line == "" {
			continue
		}
		if strings.TrimSpace(line) != "" {
			out.WriteString(pad)
		}
		out.WriteString(strings.TrimSuffix(line, "\n"))
		out.WriteString(m.newline())
	}
	return []byte(out.String())
}

// encodeYAMLNode runs yaml.v3's encoder, whose panics on nodes it cannot
// write (yaml.v3 recovers only its own errors) become errors: the nodes
// come from the admin's file, and bad input must not crash rpp.
func encodeYAMLNode(w *bytes.Buffer, n *yaml.Node) (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("the YAML encoder failed: %v", r)
		}
	}()
	e := yaml.NewEncoder(w)
	e.SetIndent(2)
	if err := e.Encode(n); err != nil {
		return err
	}
	return e.Close()
}

func (m *merger) emitPair(k, v *yaml.Node, indent int) []byte {
	return m.emit(&yaml.Node{Kind: yaml.MappingNode, Tag: "!!map", Content: []*yaml.Node{k, v}}, indent)
}

func (m *merger) emitItem(n *yaml.Node, indent int) []byte {
	return m.emit(&yaml.Node{Kind: yaml.SequenceNode, Tag: "!!seq", Content: []*yaml.Node{n}}, indent)
}

func cloneTree(n *yaml.Node) *yaml.Node {
	c := *n
	c.Content = make([]*yaml.Node, len(n.Content))
	for i, x := range n.Content {
		c.Content[i] = cloneTree(x)
	}
	return &c
}

// newFile is the file written when doc held no deployment: the comments
// it had, the lync: part, and an rpp: skeleton to fill in.
func (m *merger) newFile() ([]byte, error) {
	merged, _, err := m.mergedLync(nil)
	if err != nil {
		return nil, err
	}
	m.report.Created = true
	var b bytes.Buffer
	if s := bytes.TrimSpace(m.text); len(s) > 0 {
		b.Write(bytes.TrimRight(m.text, " \t\r\n"))
		b.WriteString(m.newline())
	}
	b.Write(m.emit(&yaml.Node{Kind: yaml.MappingNode, Tag: "!!map", Content: []*yaml.Node{scalarNode("lync", 0), merged}}, 0))
	b.WriteString(strings.ReplaceAll(RPPSkeleton, "\n", m.newline()))
	if m.emitErr != nil {
		return nil, m.emitErr
	}
	return b.Bytes(), nil
}

// RPPSkeleton is the rpp: part MergeLync writes into a new file: what the
// import cannot know, for the admin to fill in. Parse refuses it until the
// workflows and at least one RMX or DMA are filled in.
const RPPSkeleton = `
# The RealPresence Platform side: Management Shell output cannot tell it.
# Fill it in (see examples/two-site.yaml), then run rpp check on this file.
rpp:
  workflows: []     # realconnect and/or traditional
  rmx: []           # each RMX: name, fqdn, site, version, certificate, sip, flags, conferenceProfiles
  dma: []           # each DMA: name, fqdn, site, version, certificate, lyncPeers, realConnect
`
