package c3p

import (
	"bytes"
	"encoding/xml"
	"fmt"
	"io"
	"strings"
	"unicode/utf8"
)

// node is one element of a parsed body: a small tree, so the interpreting
// code can check structure and name the element that is wrong.
type node struct {
	name xml.Name
	attr []xml.Attr
	kids []*node
	text string // the element's own character data, trimmed
	buf  []byte // text while the element is open
}

// path names n for error messages, as <prefix-less local name>.
func (n *node) String() string { return "<" + n.name.Local + ">" }

// attrValue returns the value of the attribute space:local (space "" for
// the no-namespace attributes C3P uses) and whether it is present.
func (n *node) attrValue(space, local string) (string, bool) {
	for _, a := range n.attr {
		if a.Name.Space == space && a.Name.Local == local {
			return a.Value, true
		}
	}
	return "", false
}

// children returns n's child elements named space:local.
func (n *node) children(space, local string) []*node {
	var out []*node
	for _, k := range n.kids {
		if k.name.Space == space && k.name.Local == local {
			out = append(out, k)
		}
	}
	return out
}

// child returns the one child named space:local, nil if there is none, and
// an error if there are several.
func (n *node) child(space, local string) (*node, error) {
	k := n.children(space, local)
	switch len(k) {
	case 0:
		return nil, nil
	case 1:
		return k[0], nil
	}
	return nil, malformed("%s has %d <%s> elements; at most one is allowed", n, len(k), local)
}

func malformed(format string, args ...any) error {
	return fmt.Errorf("%w: %s", ErrMalformed, fmt.Sprintf(format, args...))
}

// parseTree decodes b into a tree, enforcing MaxBody and MaxDepth and
// refusing DTDs, processing instructions other than the XML declaration,
// and content outside the root. encoding/xml expands no entities but the
// five predefined ones and character references (an undefined entity is a
// syntax error), so refusing the DOCTYPE leaves no way to declare more.
func parseTree(b []byte) (*node, error) {
	if len(b) > MaxBody {
		return nil, malformed("body of %d bytes exceeds MaxBody (%d)", len(b), MaxBody)
	}
	d := xml.NewDecoder(bytes.NewReader(b))
	d.Strict = true
	var root *node
	var stack []*node
	for {
		tok, err := d.Token()
		if err == io.EOF {
			break
		}
		if err != nil {
			where := "body"
			if len(stack) > 0 {
				where = stack[len(stack)-1].String()
			}
			return nil, fmt.Errorf("%w: in %s: %v", ErrMalformed, where, err)
		}
		switch t := tok.(type) {
		case xml.StartElement:
			if root != nil && len(stack) == 0 {
				return nil, malformed("a second root element <%s> after </%s>", t.Name.Local, root.name.Local)
			}
			if len(stack) >= MaxDepth {
				return nil, malformed("<%s> is nested %d deep; MaxDepth is %d", t.Name.Local, len(stack)+1, MaxDepth)
			}
			n := &node{name: t.Name, attr: t.Copy().Attr}
			if len(stack) == 0 {
				root = n
			} else {
				p := stack[len(stack)-1]
				p.kids = append(p.kids, n)
			}
			stack = append(stack, n)
		case xml.EndElement:
			n := stack[len(stack)-1]
			n.text, n.buf = strings.TrimSpace(string(n.buf)), nil
			stack = stack[:len(stack)-1]
		case xml.CharData:
			if len(stack) == 0 {
				if len(bytes.TrimSpace(t)) > 0 {
					return nil, malformed("text outside the root element")
				}
				continue
			}
			n := stack[len(stack)-1]
			n.buf = append(n.buf, t...)
		case xml.Directive:
			return nil, malformed("a <!%s…> declaration; C3P bodies have no DTD or entity declarations", firstWord(t))
		case xml.ProcInst:
			if t.Target != "xml" || root != nil || len(stack) > 0 {
				return nil, malformed("processing instruction <?%s?> is not allowed", t.Target)
			}
		case xml.Comment:
		}
	}
	if root == nil {
		return nil, malformed("no root element")
	}
	return root, nil
}

func firstWord(b []byte) string {
	s := string(b)
	if i := strings.IndexAny(s, " \t\r\n["); i >= 0 {
		s = s[:i]
	}
	if len(s) > 16 {
		s = s[:16]
	}
	return s
}

// writer builds a body with literal prefixes (encoding/xml's Encoder would
// invent its own), escaping every value.
type writer struct {
	buf bytes.Buffer
}

func (w *writer) open(name string, attrs ...string) {
	w.buf.WriteByte('<')
	w.buf.WriteString(name)
	for i := 0; i+1 < len(attrs); i += 2 {
		w.buf.WriteByte(' ')
		w.buf.WriteString(attrs[i])
		w.buf.WriteString(`="`)
		escapeAttr(&w.buf, attrs[i+1])
		w.buf.WriteByte('"')
	}
	w.buf.WriteByte('>')
}

func (w *writer) empty(name string, attrs ...string) {
	w.open(name, attrs...)
	w.buf.Truncate(w.buf.Len() - 1)
	w.buf.WriteString("/>")
}

func (w *writer) close(name string) {
	w.buf.WriteString("</")
	w.buf.WriteString(name)
	w.buf.WriteByte('>')
}

func (w *writer) textElement(name, text string) {
	w.open(name)
	_ = xml.EscapeText(&w.buf, []byte(text))
	w.close(name)
}

func escapeAttr(buf *bytes.Buffer, s string) {
	// xml.EscapeText escapes <, >, &, ', ", tab, newline and carriage
	// return, so attribute-value normalization cannot change the value.
	_ = xml.EscapeText(buf, []byte(s))
}

// checkText refuses what an XML document cannot carry, so a value that
// Marshal writes is one Parse reads back.
func checkText(field, s string) error {
	if !utf8.ValidString(s) {
		return fmt.Errorf("%s: invalid UTF-8", field)
	}
	for i, r := range s {
		if !isXMLChar(r) {
			return fmt.Errorf("%s: character %U at offset %d cannot appear in XML", field, r, i)
		}
	}
	return nil
}

// isXMLChar is XML 1.0's Char production.
func isXMLChar(r rune) bool {
	return r == 0x09 || r == 0x0A || r == 0x0D ||
		r >= 0x20 && r <= 0xD7FF ||
		r >= 0xE000 && r <= 0xFFFD ||
		r >= 0x10000 && r <= 0x10FFFF
}
