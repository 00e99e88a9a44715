package c3p

import (
	"fmt"
	"strings"
)

// ParseResponse reads a C3P response body. Errors wrap ErrMalformed and
// name the element. Any command name is accepted in a response (the answer
// to a command this package does not send is still an answer).
func ParseResponse(b []byte) (*Response, error) {
	root, err := parseTree(b)
	if err != nil {
		return nil, err
	}
	if root.name.Space != NamespaceCCCP || root.name.Local != "response" {
		return nil, malformed("root element is %s, want <response> in namespace %s", describe(root), NamespaceCCCP)
	}
	r := &Response{}
	if r.To, r.From, r.RequestID, err = envelope(root); err != nil {
		return nil, err
	}
	code, ok := root.attrValue("", "code")
	if !ok {
		return nil, malformed("%s has no code attribute", root)
	}
	if r.Code = Code(code); !r.Code.Valid() {
		return nil, malformed("%s code=%q, want success, failure or pending", root, code)
	}
	cmd, err := command(root)
	if err != nil {
		return nil, err
	}
	if r.Command = cmd.name.Local; !isName(r.Command) {
		return nil, malformed("command element <%s> is not a C3P command name", r.Command)
	}
	r.Reason, _ = cmd.attrValue("", "reason")
	if r.Reason == "" {
		// Some C3P texts put the reason on the response element itself.
		r.Reason, _ = root.attrValue("", "reason")
	}
	keys, err := cmd.child(NamespaceCCCP, "conferenceKeys")
	if err != nil {
		return nil, err
	}
	if keys != nil {
		r.FocusURI, _ = keys.attrValue("", "confEntity")
	}
	info, err := cmd.child(NamespaceCI, "conference-info")
	if err != nil {
		return nil, err
	}
	if info == nil {
		return r, nil
	}
	// The conference-info entity is the conference's URI (RFC 4575 §5.1);
	// when it is empty, as in MS-CONFPRO §4.5's example, the echoed key is
	// all there is.
	if entity, _ := info.attrValue("", "entity"); entity != "" {
		r.FocusURI = entity
	}
	desc, err := info.child(NamespaceCI, "conference-description")
	if err != nil || desc == nil {
		return r, err
	}
	uris, err := desc.child(NamespaceCI, "conf-uris")
	if err != nil || uris == nil {
		return r, err
	}
	for i, e := range uris.children(NamespaceCI, "entry") {
		var m MCUEntry
		for _, f := range []struct {
			name string
			dst  *string
		}{{"uri", &m.URI}, {"purpose", &m.Purpose}} {
			k, err := e.child(NamespaceCI, f.name)
			if err != nil {
				return nil, err
			}
			if k == nil || k.text == "" {
				return nil, malformed("<conf-uris> <entry> #%d has no <%s>", i+1, f.name)
			}
			*f.dst = k.text
		}
		r.MCUs = append(r.MCUs, m)
	}
	return r, nil
}

// Marshal writes the response. The conference-info part is written when
// FocusURI or MCUs are set.
func (r *Response) Marshal() ([]byte, error) {
	if err := r.validate(); err != nil {
		return nil, err
	}
	var w writer
	w.buf.WriteString(xmlHeader)
	w.open("response", "xmlns", NamespaceCCCP, "xmlns:mscp", NamespaceMSCP, "xmlns:ci", NamespaceCI,
		"C3PVersion", "1", "to", r.To, "from", r.From, "requestId", r.RequestID, "code", string(r.Code))
	var attrs []string
	if r.Reason != "" {
		attrs = append(attrs, "reason", r.Reason)
	}
	if r.FocusURI == "" && len(r.MCUs) == 0 {
		w.empty(r.Command, attrs...)
	} else {
		w.open(r.Command, attrs...)
		if r.FocusURI != "" {
			w.empty("conferenceKeys", "confEntity", r.FocusURI)
		}
		w.open("ci:conference-info", "entity", r.FocusURI)
		if len(r.MCUs) > 0 {
			w.open("ci:conference-description")
			w.open("ci:conf-uris")
			for _, m := range r.MCUs {
				w.open("ci:entry")
				w.textElement("ci:uri", m.URI)
				w.textElement("ci:display-text", m.Purpose)
				w.textElement("ci:purpose", m.Purpose)
				w.close("ci:entry")
			}
			w.close("ci:conf-uris")
			w.close("ci:conference-description")
		}
		w.close("ci:conference-info")
		w.close(r.Command)
	}
	w.close("response")
	return w.buf.Bytes(), nil
}

func (r *Response) validate() error {
	bad := func(format string, args ...any) error {
		return fmt.Errorf("c3p: cannot marshal response: %s", fmt.Sprintf(format, args...))
	}
	switch {
	case r.To == "" || r.From == "":
		return bad("to and from are required")
	case !r.Code.Valid():
		return bad("code %q: want success, failure or pending", r.Code)
	case !isName(r.Command):
		return bad("command %q is not an XML element name", r.Command)
	}
	if err := checkRequestID(r.RequestID); err != nil {
		return bad("requestId: %v", err)
	}
	texts := []struct{ name, value string }{{"to", r.To}, {"from", r.From}, {"reason", r.Reason}, {"focus URI", r.FocusURI}}
	for _, m := range r.MCUs {
		if m.URI == "" || m.Purpose == "" || strings.TrimSpace(m.URI) != m.URI || strings.TrimSpace(m.Purpose) != m.Purpose {
			return bad("conf-uris entry %+v: URI and purpose must be non-empty without surrounding spaces", m)
		}
		texts = append(texts, struct{ name, value string }{"MCU URI", m.URI}, struct{ name, value string }{"MCU purpose", m.Purpose})
	}
	for _, f := range texts {
		if err := checkText(f.name, f.value); err != nil {
			return bad("%v", err)
		}
	}
	return nil
}

// isName reports whether s is a plain XML element name without a prefix
// (ASCII letters, digits, '-', '_', '.'; not starting with a digit, '-' or
// '.'), which is what C3P command names are.
func isName(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case 'a' <= c && c <= 'z', 'A' <= c && c <= 'Z', c == '_':
		case i > 0 && ('0' <= c && c <= '9' || c == '-' || c == '.'):
		default:
			return false
		}
	}
	return true
}
