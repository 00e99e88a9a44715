package mras

import (
	"bytes"
	"strconv"
)

// parseRequestFast decodes a credentials request written the usual way —
// the XML declaration, <request xmlns="…"> with the known attributes, and
// credentialsRequest elements holding identity, location and duration —
// without encoding/xml, which took a fifth of the lab's MRAS time. It
// gives up (ok false) on anything else: an entity or character
// reference, a comment, CDATA, another namespace or prefix, an unknown
// element or attribute, a control or non-ASCII character, a carriage
// return inside a value. ParseRequest then decodes with encoding/xml, so
// the fast path decides nothing on its own; FuzzParseRequestFast checks
// that it agrees with encoding/xml wherever it answers.
func parseRequestFast(body []byte) (r Request, ok bool) {
	p := fastParser{b: body}
	p.space()
	if p.skipPrefix(`<?xml version="1.0" encoding="UTF-8"?>`) || p.skipPrefix(`<?xml version="1.0"?>`) {
		p.space()
	}
	attrs, empty, ok := p.open("request")
	if !ok {
		return r, false
	}
	sawNS := false
	for _, a := range attrs {
		var dst *string
		switch a[0] {
		case "xmlns":
			if a[1] != Namespace {
				return r, false
			}
			sawNS = true
			continue
		case "requestID":
			dst = &r.RequestID
		case "version":
			dst = &r.Version
		case "to":
			dst = &r.To
		case "from":
			dst = &r.From
		case "route":
			dst = &r.Route
		default:
			return r, false
		}
		*dst = a[1]
	}
	if !sawNS {
		return r, false
	}
	r.XMLName.Space, r.XMLName.Local = Namespace, "request"
	if empty {
		return r, true
	}
	for {
		p.space()
		if p.skipPrefix("</request>") {
			return r, true
		}
		attrs, empty, ok := p.open("credentialsRequest")
		if !ok || len(attrs) > 1 || len(attrs) == 1 && attrs[0][0] != "credentialsRequestID" {
			return r, false
		}
		var c CredentialsRequest
		if len(attrs) == 1 {
			c.ID = attrs[0][1]
		}
		for !empty {
			p.space()
			if p.skipPrefix("</credentialsRequest>") {
				break
			}
			name, text, ok := p.textElement()
			if !ok {
				return r, false
			}
			switch name {
			case "identity":
				c.Identity = text
			case "location":
				c.Location = Location(text)
			case "duration":
				n, err := strconv.Atoi(text)
				if err != nil || text == "" || text[0] == '+' {
					return r, false
				}
				c.Duration = n
			default:
				return r, false
			}
		}
		r.Credentials = append(r.Credentials, c)
		if len(r.Credentials) > maxCredentialRequests+1 {
			return r, false // the slow path words the refusal
		}
	}
}

type fastParser struct {
	b []byte
	i int
}

func (p *fastParser) space() {
	for p.i < len(p.b) && (p.b[p.i] == ' ' || p.b[p.i] == '\t' || p.b[p.i] == '\n' || p.b[p.i] == '\r') {
		p.i++
	}
}

func (p *fastParser) skipPrefix(s string) bool {
	if bytes.HasPrefix(p.b[p.i:], []byte(s)) {
		p.i += len(s)
		return true
	}
	return false
}

// name reads an element or attribute name of ASCII letters and digits.
func (p *fastParser) name() string {
	start := p.i
	for p.i < len(p.b) {
		c := p.b[p.i]
		if c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || p.i > start && c >= '0' && c <= '9' {
			p.i++
			continue
		}
		break
	}
	return string(p.b[start:p.i])
}

// value reads plain text up to stop: no markup, references, control or
// non-ASCII characters.
func (p *fastParser) value(stop byte) (string, bool) {
	start := p.i
	for p.i < len(p.b) {
		c := p.b[p.i]
		switch {
		case c == stop:
			return string(p.b[start:p.i]), true
		case c == '<' || c == '&' || c == '>' || c == '"' || c == '\'' || c == '\r' || c >= 0x80 || c < 0x20 && c != '\t' && c != '\n':
			return "", false
		}
		p.i++
	}
	return "", false
}

// open reads <name attr="v" …> or <name …/>.
func (p *fastParser) open(want string) (attrs [][2]string, empty, ok bool) {
	if !p.skipPrefix("<") || p.name() != want {
		return nil, false, false
	}
	for {
		before := p.i
		p.space()
		switch {
		case p.skipPrefix("/>"):
			return attrs, true, true
		case p.skipPrefix(">"):
			return attrs, false, true
		case p.i == before:
			return nil, false, false // no space before an attribute
		}
		n := p.name()
		if n == "" || !p.skipPrefix("=") || p.i >= len(p.b) || p.b[p.i] != '"' && p.b[p.i] != '\'' {
			return nil, false, false
		}
		q := p.b[p.i]
		p.i++
		v, ok := p.value(q)
		if !ok {
			return nil, false, false
		}
		p.i++
		for _, a := range attrs {
			if a[0] == n {
				return nil, false, false
			}
		}
		attrs = append(attrs, [2]string{n, v})
	}
}

// textElement reads <name>text</name>.
func (p *fastParser) textElement() (name, text string, ok bool) {
	if !p.skipPrefix("<") {
		return "", "", false
	}
	name = p.name()
	if name == "" || !p.skipPrefix(">") {
		return "", "", false
	}
	text, ok = p.value('<')
	if !ok || !p.skipPrefix("</"+name+">") {
		return "", "", false
	}
	return name, text, true
}
