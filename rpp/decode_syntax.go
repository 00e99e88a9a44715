package rpp

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"unicode/utf8"
)

// Syntax errors are found by yaml.v3, which says what is wrong but hardly
// where: it gives one line, that of the enclosing construct or of the
// offending token (and for a parser error, the line before it), and no
// column. So when yaml.v3 refuses the text, syntaxError runs a scan of its
// own over it, in one pass and in memory bounded by yaml.v3's nesting
// limit, that follows the YAML scanner closely enough to find the flow
// collections ([…] and {…}), quoted strings and the indentation of block
// mappings and lists, and the first place where they go wrong: a '[' or
// '{' or quote never closed, a missing comma, a bracket that closes the
// wrong collection, a bad escape, a character that cannot begin a value,
// nesting too deep, an alias to no anchor, a line indented to no enclosing
// level, a key among list items.
//
// The scan predicts the message yaml.v3 would give for what it found. Only
// if the prediction is exactly yaml.v3's message (its text and its line) is
// the scan's finding reported — with the place the construct was opened
// and the place the parser gave up — so a scan that went astray is not
// believed; otherwise the error is yaml.v3's own, on the line it means
// (and, when a quoted string runs on to that line, at the string's
// opening quote, as a closing quote left out).
//
// The same lexer counts a file's values (countValues) so that a file of
// too many is refused before yaml.v3 builds a tree of them.

// yamlMaxDepth is yaml.v3's limit on nested flow collections
// (max_flow_level in its scannerc.go); deeper text is refused with
// "exceeded max depth of 10000".
const yamlMaxDepth = 10000

// maxSimpleKey is how far, in characters, an implicit key may be from its
// ':' (YAML 1.2 §7.4.2; yaml.v3's yaml_simple_key_is_valid).
const maxSimpleKey = 1024

// synMark is a place in the text being scanned.
type synMark struct {
	off  int // byte offset
	line int // 1-based
	col  int // 1-based, in characters, as yaml.v3 counts
	idx  int // characters from the start of the text, as yaml.v3 counts
}

func (m synMark) String() string { return fmt.Sprintf("%d:%d", m.line, m.col) }

// flowState is what a flow collection expects next, as yaml.v3's parser
// sees it.
type flowState int

const (
	flowEntry      flowState = iota // after [ { or ,: a value (or key), or the end
	flowAfter                       // after a value: ',' or the end, or ':' if it was a key
	flowValue                       // after ':': a value, ',' or the end
	flowAfterValue                  // after the value of a key: ',' or the end
)

type synFlow struct {
	open     byte // '[' or '{'
	at       synMark
	state    flowState
	node     synMark // where the last value began (an implicit key begins there)
	props    bool    // an anchor or tag waits for its value
	explicit bool    // the value is a key after '?'
}

func (f *synFlow) close() byte {
	if f.open == '[' {
		return ']'
	}
	return '}'
}

// blockLevel is a block mapping or list, as far as the lines that begin
// its entries show it.
type blockLevel struct {
	col        int
	seq        bool // a list ("- " entries) rather than a mapping
	indentless bool // a list at its mapping's own indentation (key:\n- item)
	at         synMark
}

func (l blockLevel) kind() string {
	if l.seq {
		return "list"
	}
	return "mapping"
}

// synProblem is the first place the scan found wrong.
type synProblem struct {
	at      synMark // where the parser gives up
	open    byte    // what was left open: '[', '{', '\'', '"'; 0 for nothing
	opened  synMark // where it was opened
	flow    int     // for a flow collection, its depth (0 outermost)
	msg     string  // what is wrong, for the user
	predict string  // yaml.v3's error message for it
}

type synScan struct {
	b       []byte
	m       synMark
	flows   []synFlow
	anchors map[string]bool
	prob    *synProblem
	// levels are the indentations of the block collections open at the
	// current line, outermost first; lastLine is the line the last token
	// of the block context ended on (-1 after a block scalar).
	levels   []blockLevel
	lastLine int
	// spans are the quoted scalars that run over more than one line, by
	// the line they end on: rare in a deployment file, and the mark of a
	// closing quote left out.
	spans map[int]synMark
	// lastKind is the kind of the last token of the block context: what
	// may follow it on deeper lines. 'v' is a value that cannot go on
	// (quoted, a flow collection, an alias, a block scalar), 'p' a plain
	// scalar (which may), 'o' anything after which a value is still to
	// come.
	lastKind byte
	// valueDue is set after a block key's ':' and the properties after
	// it: the key's value is still to come, and may be a list at the
	// key's own indentation (key:\n- item).
	valueDue bool
	// lineCol is the column of the first token of the last line that
	// began one, for countValues, which keeps no levels.
	lineCol int
	// depth, in the second pass that looks for a collection's end, is how
	// many flow collections are open; flows is not kept then.
	structural bool
	depth      int
	// values counts the scalars, aliases and flow collections seen.
	values int
	// untracked is set at a construct whose indentation the scan does not
	// model (a block '?' explicit key): the scan stops there, having found
	// nothing, and the caller says what yaml.v3 says instead.
	untracked bool
}

func (s *synScan) eof() bool { return s.m.off >= len(s.b) }

// at returns the byte k bytes ahead, or 0 past the end.
func (s *synScan) at(k int) byte {
	if s.m.off+k < len(s.b) {
		return s.b[s.m.off+k]
	}
	return 0
}

func (s *synScan) breakAt(k int) int {
	if s.m.off+k >= len(s.b) {
		return 0
	}
	return lineBreakAt(s.b, s.m.off+k)
}

// blankzAt reports whether the character k bytes ahead is a space, a tab,
// a line break or the end of the text.
func (s *synScan) blankzAt(k int) bool {
	c := s.at(k)
	return c == 0 || c == ' ' || c == '\t' || s.breakAt(k) > 0
}

// next moves past one character (a CR LF pair counts as one).
func (s *synScan) next() {
	if n := s.breakAt(0); n > 0 {
		s.m.idx++
		if n == 2 && s.b[s.m.off] == '\r' {
			s.m.idx++ // yaml.v3 counts CR LF as two characters, NEL, LS and PS as one
		}
		s.m.off += n
		s.m.line++
		s.m.col = 1
		return
	}
	_, n := utf8.DecodeRune(s.b[s.m.off:])
	s.m.off += n
	s.m.idx++
	s.m.col++
}

func (s *synScan) inFlow() bool {
	if s.structural {
		return s.depth > 0
	}
	return len(s.flows) > 0
}

func (s *synScan) top() *synFlow { return &s.flows[len(s.flows)-1] }

// docMarker reports whether a --- or ... line begins here.
func (s *synScan) docMarker() bool {
	if s.m.col != 1 {
		return false
	}
	c := s.at(0)
	return (c == '-' || c == '.') && s.at(1) == c && s.at(2) == c && s.blankzAt(3)
}

// skipToToken skips white space, line breaks and comments.
func (s *synScan) skipToToken() {
	for !s.eof() {
		switch c := s.at(0); {
		case c == ' ' || c == '\t' || s.breakAt(0) > 0:
			s.next()
		case c == '#':
			for !s.eof() && s.breakAt(0) == 0 {
				s.next()
			}
		default:
			return
		}
	}
}

func (s *synScan) skipLine() {
	for !s.eof() && s.breakAt(0) == 0 {
		s.next()
	}
}

// run scans until the first problem or the end of the text.
func (s *synScan) run() {
	for s.prob == nil && !s.untracked {
		s.skipToToken()
		if s.eof() {
			s.atEnd()
			return
		}
		s.token()
	}
}

// token scans one token.
func (s *synScan) token() {
	start := s.m
	c := s.at(0)
	flow := s.inFlow()
	// kind is what follows may make of the token (see lastKind), and due
	// whether a block key's value is still to come after it (valueDue).
	kind, due := byte('o'), false
	defer func() {
		if !s.inFlow() {
			s.valueDue = due
			s.lastLine = s.m.line
			if kind == '|' {
				// A block scalar ends at the beginning of the line after it,
				// whose first token begins a line all the same.
				s.lastLine, kind = -1, 'v'
			}
			s.lastKind = kind
		}
	}()
	if !flow && start.line != s.lastLine && !s.docMarker() {
		// A line more indented than its block, after a plain scalar, goes
		// on with that scalar, whatever it holds.
		continues := false
		if s.structural {
			continues = s.lastKind == 'p' && start.col > s.lineCol
			if !continues {
				s.lineCol = start.col
			}
		} else {
			continues = s.lineStart(start, c)
		}
		if s.prob != nil {
			return
		}
		if continues {
			kind = 'p'
			s.plain()
			return
		}
	}
	switch {
	case start.col == 1 && c == '%':
		s.skipLine() // a directive
	case s.docMarker():
		s.levels = s.levels[:0] // a document begins or ends: its blocks with it
		s.next()
		s.next()
		s.next()
	case c == '[' || c == '{':
		s.values++
		s.open(c, start)
		s.next()
	case c == ']' || c == '}':
		kind = 'v'
		s.closeFlow(c, start)
		s.next()
	case c == ',':
		s.comma(start)
		s.next()
	case c == '-' && s.blankzAt(1):
		if flow && !s.structural {
			s.unexpected(start, "'-'")
		}
		s.next()
	case c == '?' && (flow || s.blankzAt(1)):
		if flow {
			s.question(start)
		} else if !s.structural {
			// An explicit block key opens levels at the column of what
			// follows it; no deployment file uses one, so rather than
			// guess, the scan gives up.
			s.untracked = true
		}
		s.next()
	case c == ':' && (flow || s.blankzAt(1)):
		if flow {
			s.colon(start)
		}
		due = true
		s.next()
	case c == '*':
		kind = 'v'
		s.values++
		name := s.anchor()
		if !s.structural && !s.anchors[name] && s.prob == nil {
			short, _ := shortPrefix(name)
			s.fail(&synProblem{at: start, msg: fmt.Sprintf("alias *%s names no anchor &%s before it", short, short),
				predict: fmt.Sprintf("yaml: unknown anchor '%s' referenced", name)})
			return
		}
		s.value(start)
	case c == '&':
		due = s.valueDue // properties belong to the value to come
		name := s.anchor()
		if s.anchors != nil {
			s.anchors[name] = true
		}
		s.property(start)
	case c == '!':
		due = s.valueDue
		s.property(start)
		s.tag()
	case (c == '|' || c == '>') && !flow:
		kind = '|'
		s.values++
		s.value(start)
		s.blockScalar()
	case c == '\'' || c == '"':
		kind = 'v'
		s.values++
		s.value(start)
		s.quoted(c, start)
	case !strings.ContainsRune("-?:,[]{}#&*!|>'\"%@`", rune(c)) || c == '-' && !s.blankzAt(1) || !flow && (c == '?' || c == ':') && !s.blankzAt(1):
		kind = 'p'
		s.values++
		s.value(start)
		s.plain()
	case s.structural:
		s.next()
	default:
		s.fail(&synProblem{at: start, msg: fmt.Sprintf("a value cannot begin with %s; put the value in quotes", quoteChar(c)),
			predict: scannerError(start, start, "found character that cannot start any token")})
	}
}

func (s *synScan) fail(p *synProblem) {
	if s.prob == nil {
		s.prob = p
	}
}

// anchor skips the name of an anchor or alias and returns it.
func (s *synScan) anchor() string {
	s.next()
	from := s.m.off
	for isAnchorChar(s.at(0)) {
		s.next()
	}
	return string(s.b[from:s.m.off])
}

// isAnchorChar reports whether c may be part of an anchor's name, as
// yaml.v3 reads one.
func isAnchorChar(c byte) bool {
	return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || c == '_' || c == '-'
}

// tag skips a tag.
func (s *synScan) tag() {
	s.next()
	for c := s.at(0); c != 0 && !s.blankzAt(0) && (c >= 0x80 || strings.IndexByte("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-;/?:@&=+$,.!~*'()[]%<>", c) >= 0); c = s.at(0) {
		s.next()
	}
}

// plain skips a plain scalar. In a flow collection it may run over several
// lines; in the block context it is taken to end with its line.
func (s *synScan) plain() {
	flow := s.inFlow()
	for {
		if s.docMarker() || s.at(0) == '#' {
			return
		}
		if s.blankzAt(0) && !(s.at(0) == ' ' || s.at(0) == '\t' || flow && s.breakAt(0) > 0) {
			return
		}
		for !s.blankzAt(0) {
			c := s.at(0)
			if c == ':' && s.blankzAt(1) || flow && strings.IndexByte(",?[]{}", c) >= 0 {
				return
			}
			s.next()
		}
		for s.at(0) == ' ' || s.at(0) == '\t' || flow && s.breakAt(0) > 0 {
			s.next()
		}
		if s.eof() || s.breakAt(0) > 0 {
			return
		}
	}
}

// quoted skips a quoted scalar that begins at start.
func (s *synScan) quoted(q byte, start synMark) {
	s.next()
	for {
		if s.eof() || s.docMarker() {
			what := "found unexpected end of stream"
			if !s.eof() {
				what = "found unexpected document indicator"
			}
			s.fail(&synProblem{at: s.m, open: q, opened: start, predict: scannerError(start, s.m, what)})
			return
		}
		c := s.at(0)
		switch {
		case c == q && q == '\'' && s.at(1) == '\'':
			s.next()
		case c == q:
			s.next()
			if s.m.line > start.line && s.spans != nil {
				s.spans[s.m.line] = start
			}
			return
		case c == '\\' && q == '"' && s.breakAt(1) > 0:
			s.next()
		case c == '\\' && q == '"' && s.structural:
			s.next() // the escaped character, whatever it is
		case c == '\\' && q == '"':
			esc := s.m
			e := s.at(1)
			digits := 0
			switch e {
			case 'x':
				digits = 2
			case 'u':
				digits = 4
			case 'U':
				digits = 8
			}
			if digits == 0 && strings.IndexByte("0abt\tnvfre \"'\\N_LP", e) < 0 || e == 0 {
				s.fail(&synProblem{at: esc, msg: fmt.Sprintf("unknown escape \\%s in a double-quoted string; write \\\\ for a backslash, or use single quotes", string(rune(e))),
					predict: scannerError(start, esc, "found unknown escape character")})
				return
			}
			s.next()
			s.next()
			if digits > 0 {
				hex := s.m
				v, err := strconv.ParseUint(string(s.b[s.m.off:min(len(s.b), s.m.off+digits)]), 16, 32)
				switch {
				case err != nil || s.m.off+digits > len(s.b):
					s.fail(&synProblem{at: esc, msg: fmt.Sprintf("the escape \\%c wants %d hexadecimal digits", e, digits),
						predict: scannerError(start, hex, "did not find expected hexdecimal number")})
					return
				case v >= 0xd800 && v <= 0xdfff || v > 0x10ffff:
					s.fail(&synProblem{at: esc, msg: fmt.Sprintf("the escape \\%c%s names no Unicode character", e, s.b[s.m.off:s.m.off+digits]),
						predict: scannerError(start, hex, "found invalid Unicode character escape code")})
					return
				}
				for range digits {
					s.next()
				}
			}
			continue
		}
		s.next()
	}
}

// blockScalar skips a literal (|) or folded (>) scalar, as yaml.v3's
// scanner does (yaml_parser_scan_block_scalar): its header line, then its
// content, whose indentation is the indicator's (|2, >1-) counted from the
// enclosing block collection, or else that of its first non-empty line
// (or of a blank line before it, if deeper), and at least one more than
// the enclosing collection's; blank lines, and lines indented at least
// that much, are content.
func (s *synScan) blockScalar() {
	lineStart := s.m.off
	for lineStart > 0 && s.b[lineStart-1] != '\n' && s.b[lineStart-1] != '\r' {
		lineStart--
	}
	// parent is the 0-based column of the enclosing block collection
	// (yaml.v3's parser.indent), -1 for none.
	parent := -1
	switch {
	case !s.structural:
		if n := len(s.levels); n > 0 {
			parent = s.levels[n-1].col - 1
		}
	default:
		parent = structuralParent(s.b, lineStart, s.m.off)
	}
	content := 0 // unknown until the first non-empty line
	if m := indentIndicator(s.b, s.m.off); m > 0 {
		content = m
		if parent >= 0 {
			content = parent + m
		}
	}
	s.skipLine()
	leading := true // before the first non-empty line
	deepest := 0    // the deepest indentation of the lines so far, while leading
	for !s.eof() {
		s.next() // the line break
		i := s.m.off
		for i < len(s.b) && s.b[i] == ' ' && (content == 0 || i-s.m.off < content) {
			i++
		}
		indent := i - s.m.off
		if i < len(s.b) && s.b[i] == '\t' && (content == 0 || indent < content) {
			return // yaml.v3 refuses a tab there; what follows is not the scalar's
		}
		if i == len(s.b) || lineBreakAt(s.b, i) > 0 {
			deepest = max(deepest, indent)
			s.skipLine()
			continue // a blank line
		}
		if leading {
			leading = false
			if content == 0 {
				content = max(deepest, indent, parent+1, 1)
			}
		}
		if indent < content {
			return // the scalar has ended
		}
		s.skipLine()
	}
}

// structuralParent is, for countValues, which keeps no block levels, the
// 0-based column of the block collection that encloses a block scalar
// whose header is at hdr on the line beginning at start: that of the key
// or the "- " before the header on its line. When neither is there, the
// collection is on an earlier line; -1, the least it can be, makes the
// scalar no shorter than yaml.v3's, so that no line of it is counted as
// values.
func structuralParent(b []byte, start, hdr int) int {
	i := start
	for i < len(b) && b[i] == ' ' {
		i++
	}
	entry := -1
	for i+1 < len(b) && b[i] == '-' && (b[i+1] == ' ' || b[i+1] == '\t') {
		entry = i - start
		for i++; i < len(b) && (b[i] == ' ' || b[i] == '\t'); i++ {
		}
	}
	switch {
	case i == hdr:
		return entry
	case lineHasKey(b, i):
		return i - start
	}
	return -1
}

// indentIndicator returns the indentation indicator (1-9) of the block
// scalar header at i ('|' or '>', then the indicator and a chomping
// indicator in either order), or 0 when there is none.
func indentIndicator(b []byte, i int) int {
	for j := i + 1; j < len(b) && j <= i+2; j++ {
		switch c := b[j]; {
		case c >= '1' && c <= '9':
			return int(c - '0')
		case c != '+' && c != '-':
			return 0
		}
	}
	return 0
}

// lineStart follows the block structure at the first token of a line,
// start, which is c: it finds a line indented to no enclosing level, and
// an entry of the wrong kind for the level it is at — what yaml.v3 calls
// "did not find expected key" and "did not find expected '-' indicator",
// naming only the line where the enclosing mapping or list began. It
// reports whether the line continues the plain scalar before it instead.
func (s *synScan) lineStart(start synMark, c byte) (continues bool) {
	if n := len(s.levels); s.lastKind == 'p' && (n == 0 || s.levels[n-1].col < start.col) {
		return true // see token; outside any block, at any indentation
	}
	entry := c == '-' && s.blankzAt(1)
	deeper := blockLevel{}
	for len(s.levels) > 0 && s.levels[len(s.levels)-1].col > start.col {
		deeper = s.levels[len(s.levels)-1]
		s.levels = s.levels[:len(s.levels)-1]
	}
	// The item of a "-" that ended its line is still to come, and yaml.v3
	// (libyaml) takes a block scalar header at the list's own column as
	// that item — "-\n>" is [""] — though any other node there is an
	// error.
	scalarItem := (c == '|' || c == '>') && s.lastKind == 'o' && deeper.at.line == 0
	if n := len(s.levels); n > 0 && s.levels[n-1].col == start.col && s.levels[n-1].indentless && !entry && !scalarItem {
		s.levels = s.levels[:n-1] // the list ends; its mapping goes on
	}
	want := func(l blockLevel) string {
		if l.seq {
			return "did not find expected '-' indicator"
		}
		return "did not find expected key"
	}
	if n := len(s.levels); n > 0 {
		l := s.levels[n-1]
		switch {
		case l.col < start.col && deeper.at.line > 0:
			s.fail(&synProblem{at: start, predict: parserError(l.at, start, want(l)),
				msg: fmt.Sprintf("indented to column %d, which matches neither the %s at column %d (line %d) nor the %s at column %d (line %d)",
					start.col, l.kind(), l.col, l.at.line, deeper.kind(), deeper.col, deeper.at.line)})
			return
		case l.col == start.col && l.seq && scalarItem:
			return false
		case l.col == start.col && l.seq && !entry:
			s.fail(&synProblem{at: start, predict: parserError(l.at, start, want(l)),
				msg: fmt.Sprintf("want a list item ('- ') here, as in the list that begins at line %d", l.at.line)})
			return
		case l.col == start.col && !l.seq && entry && !(s.valueDue && deeper.at.line == 0):
			s.fail(&synProblem{at: start, predict: parserError(l.at, start, want(l)),
				msg: fmt.Sprintf("a list item ('- ') where the mapping that begins at line %d wants a key", l.at.line)})
			return
		case l.col == start.col && !l.seq && entry:
			s.levels = append(s.levels, blockLevel{col: start.col, seq: true, indentless: true, at: start})
			s.pushLevels(start, true)
			return
		case l.col == start.col:
			s.pushLevels(start, entry)
			return
		case l.col < start.col && s.lastKind == 'v':
			s.fail(&synProblem{at: start, predict: parserError(l.at, start, want(l)),
				msg: fmt.Sprintf("indented to column %d, deeper than the %s at column %d (line %d), whose entry above is already complete",
					start.col, l.kind(), l.col, l.at.line)})
			return
		}
	}
	s.pushLevels(start, false)
	return false
}

// pushLevels opens the levels that the line beginning at start opens: its
// own, unless known already, and those of the "- " items and key that
// follow on the same line.
func (s *synScan) pushLevels(start synMark, known bool) {
	i := start.off
	col := start.col
	for {
		isEntry := entryAt(s.b, i)
		at := synMark{off: i, line: start.line, col: col, idx: start.idx + col - start.col}
		switch {
		case known && !isEntry:
			return // a key of a known mapping: nothing new
		case known:
			known = false
		case !isEntry:
			if lineHasKey(s.b, i) { // else a value on a line of its own, not a mapping
				s.levels = append(s.levels, blockLevel{col: col, at: at})
			}
			return
		default:
			s.levels = append(s.levels, blockLevel{col: col, seq: true, at: at})
		}
		i++
		col++
		for i < len(s.b) && (s.b[i] == ' ' || s.b[i] == '\t') {
			i, col = i+1, col+1
		}
		if i == len(s.b) || lineBreakAt(s.b, i) > 0 || s.b[i] == '#' || !lineHasKey(s.b, i) && !entryAt(s.b, i) {
			return
		}
	}
}

// entryAt reports whether b[i] is the '-' of a block list entry: followed
// by a blank, a line break or the end of the text (an empty entry, or one
// whose node is on the lines below).
func entryAt(b []byte, i int) bool {
	return i < len(b) && b[i] == '-' && (i+1 == len(b) || b[i+1] == ' ' || b[i+1] == '\t' || lineBreakAt(b, i+1) > 0)
}

// lineHasKey reports whether the line from b[i] holds a block key: a
// plain or quoted scalar followed on the line by ':' and a blank. A quote
// inside a plain scalar is just a character.
func lineHasKey(b []byte, i int) bool {
	colon := func(i int) bool {
		return i < len(b) && b[i] == ':' && (i+1 == len(b) || b[i+1] == ' ' || b[i+1] == '\t' || lineBreakAt(b, i+1) > 0)
	}
	// Properties (&anchor, !tag) come before the key they belong to; a
	// tag may hold ':' ("!a::"), which does not make it a key.
	for i < len(b) && (b[i] == '&' || b[i] == '!') {
		tag := b[i] == '!'
		for i++; i < len(b) && b[i] != ' ' && b[i] != '\t' && lineBreakAt(b, i) == 0 && (tag || isAnchorChar(b[i])); i++ {
		}
		for i < len(b) && (b[i] == ' ' || b[i] == '\t') {
			i++
		}
	}
	if i >= len(b) || lineBreakAt(b, i) > 0 {
		return false
	}
	switch q := b[i]; q {
	case '[', '{':
		// A flow collection closed on its line and followed by ':' is a
		// key ("[]: {}"); one left open goes on as a value.
		end := flowEnd(b, i)
		if end < 0 {
			return false
		}
		for i = end; i < len(b) && (b[i] == ' ' || b[i] == '\t'); i++ {
		}
		return colon(i)
	case '"', '\'':
		for i++; i < len(b) && lineBreakAt(b, i) == 0; i++ {
			switch {
			case q == '"' && b[i] == '\\':
				i++
			case b[i] == q && q == '\'' && i+1 < len(b) && b[i+1] == '\'':
				i++
			case b[i] == q:
				for i++; i < len(b) && (b[i] == ' ' || b[i] == '\t'); i++ {
				}
				return colon(i)
			}
		}
		return false
	}
	for ; i < len(b) && lineBreakAt(b, i) == 0; i++ {
		switch {
		case b[i] == '#' && (b[i-1] == ' ' || b[i-1] == '\t'):
			return false
		case colon(i):
			return true
		}
	}
	return false
}

// flowEnd returns the offset just past the flow collection that opens at
// b[i], if it closes on its line, or -1. It reads the line as the scan
// does a collection's end (closedLater): quoted scalars, tags and plain
// scalars (which may hold quotes and ':') are taken whole.
func flowEnd(b []byte, i int) int {
	s := &synScan{b: b, m: synMark{off: i, line: 1, col: 1}, structural: true}
	for {
		s.skipToToken()
		if s.eof() || s.m.line != 1 {
			return -1 // not closed on its line (a comment, a line break)
		}
		s.token()
		switch {
		case s.prob != nil || s.m.line != 1:
			return -1 // a quote left open, or a scalar running on
		case s.depth == 0:
			return s.m.off
		}
	}
}

// value notes that a value (a scalar, an alias or a collection) begins at
// start.
func (s *synScan) value(start synMark) {
	if s.structural || len(s.flows) == 0 {
		return
	}
	f := s.top()
	switch f.state {
	case flowEntry:
		if !f.props {
			f.node = start
		}
		f.state = flowAfter
	case flowValue:
		f.state = flowAfterValue
	default:
		s.missing(f, start, describeToken(s.b, start.off))
		return
	}
	f.props = false
}

// property notes an anchor or tag, which belongs to the value after it.
func (s *synScan) property(start synMark) {
	if s.structural || len(s.flows) == 0 {
		return
	}
	switch f := s.top(); f.state {
	case flowEntry:
		if !f.props {
			f.node = start
		}
		f.props = true
	case flowValue:
		f.props = true
	default:
		s.missing(f, start, describeToken(s.b, start.off))
	}
}

func (s *synScan) open(c byte, start synMark) {
	if s.structural {
		s.depth++
		return
	}
	s.value(start)
	if s.prob != nil {
		return
	}
	if len(s.flows) == yamlMaxDepth {
		s.fail(&synProblem{at: start, msg: fmt.Sprintf("lists and mappings nested more than %d deep", yamlMaxDepth),
			predict: scannerError(start, start, fmt.Sprintf("exceeded max depth of %d", yamlMaxDepth))})
		return
	}
	s.flows = append(s.flows, synFlow{open: c, at: start})
}

func (s *synScan) closeFlow(c byte, start synMark) {
	if s.structural {
		s.depth--
		return
	}
	if len(s.flows) == 0 {
		s.fail(&synProblem{at: start, msg: fmt.Sprintf("%s closes nothing: no %s is open", quoteChar(c), quoteChar(opener(c))), predict: strayCloser})
		return
	}
	f := s.top()
	if c != f.close() {
		s.expected(f, start, fmt.Sprintf("%s does not close the %s opened at %s", quoteChar(c), quoteChar(f.open), f.at))
		return
	}
	s.flows = s.flows[:len(s.flows)-1]
}

// quoteChar quotes an ASCII character for a message: '[' or "'".
func quoteChar(c byte) string {
	if c == '\'' {
		return `"'"`
	}
	return "'" + string(rune(c)) + "'"
}

func opener(c byte) byte {
	if c == ']' {
		return '['
	}
	return '{'
}

func (s *synScan) comma(start synMark) {
	if s.structural || len(s.flows) == 0 {
		return // in the block context, yaml.v3 says more than the scan knows
	}
	f := s.top()
	// In a mapping, '?' alone is an entry: an empty key ({?,} is {null: null}).
	if f.state == flowEntry && !f.props && !(f.explicit && f.open == '{') {
		s.expected(f, start, fmt.Sprintf("a value is missing before ',' in the %s opened at %s", quoteChar(f.open), f.at))
		return
	}
	f.state, f.props, f.explicit = flowEntry, false, false
}

func (s *synScan) question(start synMark) {
	if s.structural {
		return
	}
	f := s.top()
	if f.state != flowEntry || f.props {
		s.unexpected(start, "'?'")
		return
	}
	f.explicit, f.node = true, start
}

func (s *synScan) colon(start synMark) {
	if s.structural {
		return
	}
	f := s.top()
	implicitKey := f.node.line == start.line && start.idx <= f.node.idx+maxSimpleKey
	switch {
	case f.state == flowAfter && (f.explicit || implicitKey),
		f.state == flowEntry && f.props && implicitKey,
		f.state == flowEntry && f.explicit && f.open == '{': // {? : x}, an empty key
		f.state, f.props = flowValue, false
	case f.state == flowAfter && f.node.line != start.line:
		s.missing(f, start, "':' (a key must be on one line)")
	default:
		s.unexpected(start, "':'")
	}
}

// unexpected reports token what at start where the top collection expects
// something else.
func (s *synScan) unexpected(start synMark, what string) {
	f := s.top()
	if f.state == flowAfter || f.state == flowAfterValue {
		s.missing(f, start, what)
		return
	}
	s.expected(f, start, fmt.Sprintf("a value is missing before %s in the %s opened at %s", what, quoteChar(f.open), f.at))
}

// missing reports that the collection f wants ',' or its end before what.
func (s *synScan) missing(f *synFlow, start synMark, what string) {
	s.expected(f, start, fmt.Sprintf("missing ',' or %s before %s in the %s opened at %s", quoteChar(f.close()), what, quoteChar(f.open), f.at))
}

// expected records a problem with collection f at start, with yaml.v3's
// message for f's state.
func (s *synScan) expected(f *synFlow, start synMark, msg string) {
	predict := parserError(start, start, "did not find expected node content")
	if f.state == flowAfter || f.state == flowAfterValue {
		predict = parserError(f.at, start, fmt.Sprintf("did not find expected ',' or %q", f.close()))
	}
	s.fail(&synProblem{at: start, open: f.open, opened: f.at, flow: len(s.flows) - 1, msg: msg, predict: predict})
}

// atEnd checks that nothing is left open at the end of the text.
func (s *synScan) atEnd() {
	if s.structural || len(s.flows) == 0 {
		return
	}
	end := s.m
	if end.col != 1 { // yaml.v3 ends the stream on a line of its own
		end.line, end.col = end.line+1, 1
	}
	s.expected(s.top(), end, "")
	s.prob.at = end
}

// closedLater reports whether the flow collection of problem p is closed
// somewhere after p, scanning on without the parser's rules.
func (s *synScan) closedLater(p *synProblem) bool {
	rest := &synScan{b: s.b, m: p.at, structural: true, depth: p.flow + 1}
	for rest.prob == nil {
		rest.skipToToken()
		if rest.eof() {
			return false
		}
		rest.token()
		if rest.depth <= p.flow {
			return true
		}
	}
	return false // a quote left open: nothing after it counts
}

// countValues counts the values of text that a YAML parser makes nodes
// of: scalars, aliases and flow collections. Block mappings and lists,
// and empty values, are not counted; a plain scalar running over several
// lines of the block context counts once per line.
func countValues(text []byte) int {
	s := &synScan{b: text, m: synMark{line: 1, col: 1}, structural: true}
	for s.prob == nil { // an unterminated quote: the rest is its text
		s.skipToToken()
		if s.eof() {
			break
		}
		s.token()
	}
	return s.values
}

// maxValues bounds from above, in one quick pass, the values (YAML nodes)
// text can hold: every node begins a word, or is marked by one of the
// indicators ,:-?[{ that the count adds too.
func maxValues(text []byte) int {
	n, sep := 1, true
	for _, c := range text {
		switch c {
		case ',', ':', '-', '?', '[', '{':
			n++
			sep = true
		case ' ', '\t', '\n', '\r', ']', '}':
			sep = true
		default:
			if sep {
				n++
			}
			sep = false
		}
	}
	return n
}

// describeToken names the token at off for a message: its text, quoted and
// cut short, or the character.
func describeToken(b []byte, off int) string {
	end := off
	for end < len(b) && end-off < 24 && b[end] != ' ' && b[end] != '\t' && lineBreakAt(b, end) == 0 && (end == off || strings.IndexByte(",[]{}:", b[end]) < 0) {
		end++
	}
	for end < len(b) && !utf8.RuneStart(b[end]) {
		end++
	}
	tok := string(b[off:end])
	if (tok[0] == '"' || tok[0] == '\'') && strconv.CanBackquote(tok) {
		return tok // already quoted
	}
	return strconv.Quote(tok)
}

// strayCloser stands for the messages yaml.v3 gives for a ']' or '}' in
// the block context, which depend on the block around it.
const strayCloser = "\x00stray"

// parserError and scannerError return yaml.v3's message for an error of
// its parser or scanner with the given context and problem marks: the line
// of the context mark (0-based for the parser, 1-based for the scanner),
// or, when the context is on the first line, of the problem mark.
func parserError(context, problem synMark, msg string) string {
	return yamlMessage(context.line-1, problem.line-1, msg)
}

func scannerError(context, problem synMark, msg string) string {
	if context.line > 1 {
		return yamlMessage(context.line, 0, msg)
	}
	if problem.line > 1 {
		return yamlMessage(0, problem.line, msg)
	}
	return "yaml: " + msg
}

func yamlMessage(context, problem int, msg string) string {
	switch {
	case context != 0:
		return fmt.Sprintf("yaml: line %d: %s", context, msg)
	case problem != 0:
		return fmt.Sprintf("yaml: line %d: %s", problem, msg)
	}
	return "yaml: " + msg
}

// yamlParserProblems are the messages of yaml.v3's parser (parserc.go);
// its other messages with a line come from its scanner.
var yamlParserProblems = []string{
	"did not find expected ',' or ']'", "did not find expected ',' or '}'", "did not find expected '-' indicator",
	"did not find expected <document start>", "did not find expected key", "did not find expected node content",
	"found duplicate %TAG directive", "found duplicate %YAML directive", "found incompatible YAML document",
	"found undefined tag handle",
}

var yamlLine = regexp.MustCompile(`^yaml: line (\d+): (.*)$`)

// syntaxError says what yaml.v3's error err, about text, means and where.
func syntaxError(file string, text []byte, err error) *FieldError {
	s := &synScan{b: text, m: synMark{line: 1, col: 1}, anchors: map[string]bool{}, spans: map[int]synMark{}}
	s.run()
	msg := err.Error()
	if p := s.prob; p != nil && (p.predict == msg || p.predict == strayCloser && strayAgrees(p, msg)) {
		what := s.explain(p)
		return &FieldError{Pos: Position{File: file, Line: p.opened.line, Column: p.opened.col}, Err: fmt.Errorf("%w: %s", ErrSyntax, what)}
	}
	// The scan did not see what yaml.v3 saw: say what yaml.v3 says, on the
	// line it means.
	if m := yamlLine.FindStringSubmatch(msg); m != nil {
		line, _ := strconv.Atoi(m[1])
		for _, pp := range yamlParserProblems {
			if m[2] == pp {
				line++ // yaml.v3 prints the parser's 0-based line
			}
		}
		if q, ok := s.spans[line]; ok && q.line < line {
			// A string that runs on to the line where the parser gave up
			// is most likely one whose closing quote was left out.
			return &FieldError{Pos: Position{File: file, Line: q.line, Column: q.col}, Err: fmt.Errorf("%w: %s opened here is closed only on line %d, where the parser gave up: %s (a closing quote left out?)",
				ErrSyntax, quoteChar(text[q.off]), line, m[2])}
		}
		return &FieldError{Pos: Position{File: file, Line: line}, Err: fmt.Errorf("%w: %s", ErrSyntax, m[2])}
	}
	// yaml.v3's messages without a line may quote the text (an anchor's
	// name): keep them short.
	msg = strings.TrimPrefix(msg, "yaml: ")
	if short, long := shortPrefix(msg); long && len(msg) > 4*maxQuoteRunes {
		msg = short + "…"
	}
	return &FieldError{Pos: Position{File: file}, Err: fmt.Errorf("%w: %s", ErrSyntax, msg)}
}

// strayAgrees reports whether yaml.v3's msg fits a ']' or '}' found in the
// block context at p.
func strayAgrees(p *synProblem, msg string) bool {
	for _, want := range []string{"did not find expected key", "did not find expected '-' indicator", "did not find expected node content"} {
		if msg == "yaml: "+want || msg == fmt.Sprintf("yaml: line %d: %s", p.at.line-1, want) {
			return true
		}
	}
	return false
}

// explain words problem p, and sets where it is reported: where the
// construct left open began, if one was; else where the parser gave up.
func (s *synScan) explain(p *synProblem) string {
	switch {
	case p.open == '\'' || p.open == '"', p.open != 0 && !s.closedLater(p):
		return fmt.Sprintf("%s opened here is never closed (the parser gave up at %s)", quoteChar(p.open), p.at)
	}
	p.opened = p.at
	return p.msg
}
