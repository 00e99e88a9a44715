package c3p

import (
	"fmt"
	"strings"
)

// maxRequestID bounds requestId: MS-CONFBAS makes it an unsigned integer.
const maxRequestIDDigits = 10

// ParseRequest reads a C3P request body. Errors wrap ErrMalformed and name
// the element, except a well-formed request whose command is not addUser or
// getConference: then the returned Request has To, From and RequestID set
// (no command) and the error is an *UnsupportedCommandError.
func ParseRequest(b []byte) (*Request, error) {
	root, err := parseTree(b)
	if err != nil {
		return nil, err
	}
	if root.name.Space != NamespaceCCCP || root.name.Local != "request" {
		return nil, malformed("root element is %s, want <request> in namespace %s", describe(root), NamespaceCCCP)
	}
	r := &Request{}
	if r.To, r.From, r.RequestID, err = envelope(root); err != nil {
		return nil, err
	}
	cmd, err := command(root)
	if err != nil {
		return nil, err
	}
	switch cmd.name.Local {
	case CommandAddUser:
		r.AddUser, err = parseAddUser(cmd)
	case CommandGetConference:
		r.GetConference, err = parseGetConference(cmd)
	default:
		return r, &UnsupportedCommandError{Command: cmd.name.Local}
	}
	if err != nil {
		return nil, err
	}
	return r, nil
}

// describe names an element with its namespace, for errors about the wrong
// namespace.
func describe(n *node) string {
	if n.name.Space == "" {
		return n.String() + " (no namespace)"
	}
	return fmt.Sprintf("%s in namespace %s", n, n.name.Space)
}

// envelope reads the attributes request and response share.
func envelope(root *node) (to, from, id string, err error) {
	if v, ok := root.attrValue("", "C3PVersion"); ok && v != "1" {
		return "", "", "", malformed("%s C3PVersion=%q, want \"1\"", root, v)
	}
	to, _ = root.attrValue("", "to")
	from, _ = root.attrValue("", "from")
	id, _ = root.attrValue("", "requestId")
	switch {
	case to == "":
		return "", "", "", malformed("%s has no to attribute", root)
	case from == "":
		return "", "", "", malformed("%s has no from attribute", root)
	}
	if err := checkRequestID(id); err != nil {
		return "", "", "", malformed("%s requestId: %v", root, err)
	}
	return to, from, id, nil
}

func checkRequestID(id string) error {
	switch {
	case id == "":
		return fmt.Errorf("missing")
	case len(id) > maxRequestIDDigits:
		return fmt.Errorf("%q is longer than %d digits", id, maxRequestIDDigits)
	}
	for i := 0; i < len(id); i++ {
		if id[i] < '0' || id[i] > '9' {
			return fmt.Errorf("%q is not an unsigned integer", id)
		}
	}
	return nil
}

// command returns the one child element of request or response.
func command(root *node) (*node, error) {
	switch len(root.kids) {
	case 0:
		return nil, malformed("%s has no command element", root)
	case 1:
	default:
		names := make([]string, len(root.kids))
		for i, k := range root.kids {
			names[i] = k.String()
		}
		return nil, malformed("%s has %d command elements (%s); exactly one is allowed", root, len(root.kids), strings.Join(names, ", "))
	}
	cmd := root.kids[0]
	if cmd.name.Space != NamespaceCCCP {
		return nil, malformed("command element %s; commands are in namespace %s", describe(cmd), NamespaceCCCP)
	}
	return cmd, nil
}

func parseAddUser(cmd *node) (*AddUser, error) {
	keys, err := conferenceKeys(cmd)
	if err != nil {
		return nil, err
	}
	conf, _ := keys.attrValue("", "confEntity")
	if conf == "" {
		return nil, malformed("<addUser> <conferenceKeys> has no confEntity attribute")
	}
	users := cmd.children(NamespaceCI, "user")
	if len(users) != 1 {
		return nil, malformed("<addUser> has %d <user> elements (namespace %s); exactly one is allowed", len(users), NamespaceCI)
	}
	user := users[0]
	a := &AddUser{ConfEntity: conf}
	if a.User.Entity, _ = user.attrValue("", "entity"); a.User.Entity == "" {
		return nil, malformed("<addUser> <user> has no entity attribute")
	}
	roles, err := user.child(NamespaceCI, "roles")
	if err != nil {
		return nil, err
	}
	if roles != nil {
		for _, e := range roles.children(NamespaceCI, "entry") {
			if e.text == "" {
				return nil, malformed("<addUser> <roles> has an empty <entry>")
			}
			a.User.Roles = append(a.User.Roles, e.text)
		}
	}
	ep, err := user.child(NamespaceCI, "endpoint")
	if err != nil {
		return nil, err
	}
	if ep != nil {
		if a.User.EndpointEntity, _ = ep.attrValue("", "entity"); a.User.EndpointEntity == "" {
			return nil, malformed("<addUser> <endpoint> has no entity attribute")
		}
	}
	return a, nil
}

func conferenceKeys(cmd *node) (*node, error) {
	keys := cmd.children(NamespaceCCCP, "conferenceKeys")
	if len(keys) != 1 {
		return nil, malformed("%s has %d <conferenceKeys> elements; exactly one is required", cmd, len(keys))
	}
	return keys[0], nil
}

func parseGetConference(cmd *node) (*GetConference, error) {
	keys, err := conferenceKeys(cmd)
	if err != nil {
		return nil, err
	}
	g := &GetConference{}
	g.ConfEntity, _ = keys.attrValue("", "confEntity")
	g.ConferenceID, _ = keys.attrValue(NamespaceMSCI, "conference-id")
	g.DialInID, _ = keys.attrValue(NamespaceMSCP, "dial-in-id")
	if n := g.keys(); n != 1 {
		return nil, malformed("<getConference> <conferenceKeys> has %d keys; want exactly one of confEntity, msci:conference-id, mscp:dial-in-id", n)
	}
	return g, nil
}

// Marshal writes the request as a C3P body in the shape of MS-CONFBAS's
// examples. It refuses a request without exactly one command, or with a
// field that could not be read back as written.
func (r *Request) Marshal() ([]byte, error) {
	if err := r.validate(); err != nil {
		return nil, err
	}
	var w writer
	w.buf.WriteString(xmlHeader)
	w.open("request", "xmlns", NamespaceCCCP, "xmlns:mscp", NamespaceMSCP,
		"C3PVersion", "1", "to", r.To, "from", r.From, "requestId", r.RequestID)
	switch {
	case r.AddUser != nil:
		a := r.AddUser
		w.open(CommandAddUser)
		w.empty("conferenceKeys", "confEntity", a.ConfEntity)
		w.open("ci:user", "xmlns:ci", NamespaceCI, "entity", a.User.Entity)
		if len(a.User.Roles) > 0 {
			w.open("ci:roles")
			for _, role := range a.User.Roles {
				w.textElement("ci:entry", role)
			}
			w.close("ci:roles")
		}
		if a.User.EndpointEntity != "" {
			w.empty("ci:endpoint", "entity", a.User.EndpointEntity, "xmlns:msci", NamespaceMSCI)
		}
		w.close("ci:user")
		w.close(CommandAddUser)
	case r.GetConference != nil:
		g := r.GetConference
		w.open(CommandGetConference)
		switch {
		case g.ConfEntity != "":
			w.empty("conferenceKeys", "confEntity", g.ConfEntity)
		case g.ConferenceID != "":
			w.empty("conferenceKeys", "xmlns:msci", NamespaceMSCI, "msci:conference-id", g.ConferenceID)
		default:
			w.empty("conferenceKeys", "mscp:dial-in-id", g.DialInID)
		}
		w.close(CommandGetConference)
	}
	w.close("request")
	return w.buf.Bytes(), nil
}

const xmlHeader = `<?xml version="1.0" encoding="utf-8"?>` + "\n"

func (r *Request) validate() error {
	bad := func(format string, args ...any) error {
		return fmt.Errorf("c3p: cannot marshal request: %s", fmt.Sprintf(format, args...))
	}
	if r.To == "" || r.From == "" {
		return bad("to and from are required")
	}
	if err := checkRequestID(r.RequestID); err != nil {
		return bad("requestId: %v", err)
	}
	fields := []struct{ name, value string }{{"to", r.To}, {"from", r.From}}
	switch {
	case r.AddUser != nil && r.GetConference != nil:
		return bad("both addUser and getConference are set; a request carries one command")
	case r.AddUser != nil:
		a := r.AddUser
		if a.ConfEntity == "" || a.User.Entity == "" {
			return bad("addUser needs ConfEntity and User.Entity")
		}
		fields = append(fields, struct{ name, value string }{"confEntity", a.ConfEntity},
			struct{ name, value string }{"user entity", a.User.Entity},
			struct{ name, value string }{"endpoint entity", a.User.EndpointEntity})
		for _, role := range a.User.Roles {
			if strings.TrimSpace(role) != role || role == "" {
				return bad("role %q: empty or surrounded by spaces", role)
			}
			fields = append(fields, struct{ name, value string }{"role", role})
		}
	case r.GetConference != nil:
		g := r.GetConference
		if g.keys() != 1 {
			return bad("getConference needs exactly one of ConfEntity, ConferenceID, DialInID")
		}
		fields = append(fields, struct{ name, value string }{"key", g.ConfEntity + g.ConferenceID + g.DialInID})
	default:
		return bad("no command set")
	}
	for _, f := range fields {
		if err := checkText(f.name, f.value); err != nil {
			return bad("%v", err)
		}
	}
	return nil
}
