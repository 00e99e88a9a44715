// Package mras encodes and decodes the Media Relay Authentication Service
// (MRAS) protocol of Lync and Skype for Business, as Microsoft's open
// specification MS-AVEDGEA ("Audio Video Edge Authentication Protocol")
// describes it: a client sends a SIP SERVICE request whose body is a
// credentials request, and gets back, in the body of a 200 OK, a response
// with a short-lived user name and password and the media relays (TURN
// servers) they are good for.
//
// Element and attribute names, the namespace and the content type are the
// specification's. Decoding checks what the specification requires and says
// which element or attribute is missing or wrong; every error wraps
// ErrMalformed. MRAS-level errors travel in Response.ReasonPhrase, not as
// SIP status codes.
package mras

import (
	"bytes"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"net"
	"strconv"
)

// ContentType is the SIP Content-Type of MRAS requests and responses.
const ContentType = "application/msrtc-media-relay-auth+xml"

// Namespace is the XML namespace of MRAS bodies.
const Namespace = "http://schemas.microsoft.com/2006/09/sip/mrasp"

// MaxBodySize bounds the bodies Parse accepts.
const MaxBodySize = 64 << 10

// Limits from the specification's schema.
const (
	maxRequestID          = 64  // requestID is at most 64 characters
	maxCredentialRequests = 100 // 1 to 100 credentialsRequest elements
)

// ErrMalformed is wrapped by every decoding error.
var ErrMalformed = errors.New("malformed MRAS body")

// ReasonPhrase is the outcome of an MRAS request.
type ReasonPhrase string

// The reason phrases of MS-AVEDGEA, exactly as they are written.
const (
	OK                  ReasonPhrase = "OK"
	RequestMalformed    ReasonPhrase = "Request Malformed"
	RequestTooLarge     ReasonPhrase = "Request Too Large"
	NotSupported        ReasonPhrase = "Not Supported"
	ServerBusy          ReasonPhrase = "Server Busy"
	TimeOut             ReasonPhrase = "Time Out"
	Forbidden           ReasonPhrase = "Forbidden"
	InternalServerError ReasonPhrase = "Internal Server Error"
	OtherFailure        ReasonPhrase = "Other Failure"
	VersionMismatch     ReasonPhrase = "Version Mismatch"
)

// ReasonPhrases lists every reason phrase.
func ReasonPhrases() []ReasonPhrase {
	return []ReasonPhrase{OK, RequestMalformed, RequestTooLarge, NotSupported, ServerBusy, TimeOut,
		Forbidden, InternalServerError, OtherFailure, VersionMismatch}
}

// Location says where a client or relay is: inside the network or on the
// Internet.
type Location string

// Locations.
const (
	Intranet Location = "intranet"
	Internet Location = "internet"
)

// Request is an MRAS credentials request.
type Request struct {
	XMLName xml.Name `xml:"http://schemas.microsoft.com/2006/09/sip/mrasp request"`
	// RequestID identifies the request (at most 64 characters); the
	// response echoes it.
	RequestID string `xml:"requestID,attr"`
	// Version is 1.0 or 2.0.
	Version string `xml:"version,attr"`
	// To is the MRAS URI; From the requester's SIP URI.
	To   string `xml:"to,attr"`
	From string `xml:"from,attr"`
	// Route is loadbalanced or directip, if given.
	Route       string               `xml:"route,attr,omitempty"`
	Credentials []CredentialsRequest `xml:"credentialsRequest"`
}

// CredentialsRequest asks for one set of credentials.
type CredentialsRequest struct {
	ID       string   `xml:"credentialsRequestID,attr"`
	Identity string   `xml:"identity"`
	Location Location `xml:"location,omitempty"`
	// Duration is the lifetime asked for, in minutes (clients ask 480).
	Duration int `xml:"duration,omitempty"`
}

// Response is an MRAS response.
type Response struct {
	XMLName       xml.Name              `xml:"http://schemas.microsoft.com/2006/09/sip/mrasp response"`
	RequestID     string                `xml:"requestID,attr"`
	Version       string                `xml:"version,attr"`
	ServerVersion string                `xml:"serverVersion,attr"`
	To            string                `xml:"to,attr"`
	From          string                `xml:"from,attr"`
	ReasonPhrase  ReasonPhrase          `xml:"reasonPhrase,attr"`
	Credentials   []CredentialsResponse `xml:"credentialsResponse"`
}

// CredentialsResponse answers one CredentialsRequest.
type CredentialsResponse struct {
	ID          string       `xml:"credentialsRequestID,attr"`
	Credentials *Credentials `xml:"credentials"`
	Relays      []MediaRelay `xml:"mediaRelayList>mediaRelay"`
}

// Credentials are a relay user name and password and how long, in
// minutes, they last. Real values are base64 text.
type Credentials struct {
	Username string `xml:"username"`
	Password string `xml:"password"`
	Duration int    `xml:"duration"`
	Realm    string `xml:"realm,omitempty"`
}

// MediaRelay is one TURN server: where it is and its ports. Exactly one of
// HostName and DirectIPAddress is set.
type MediaRelay struct {
	Location        Location `xml:"location"`
	HostName        string   `xml:"hostName,omitempty"`
	DirectIPAddress string   `xml:"directIPAddress,omitempty"`
	UDPPort         int      `xml:"udpPort,omitempty"`
	TCPPort         int      `xml:"tcpPort,omitempty"`
}

// Marshal encodes the request, with an XML declaration.
func (r *Request) Marshal() ([]byte, error) { return marshal(r) }

// Marshal encodes the response, with an XML declaration, as encoding/xml
// would (see appendResponse).
func (r *Response) Marshal() ([]byte, error) {
	var b bytes.Buffer
	b.Grow(1024)
	appendResponse(&b, r)
	return b.Bytes(), nil
}

func marshal(v any) ([]byte, error) {
	var b bytes.Buffer
	b.WriteString(xml.Header)
	if err := xml.NewEncoder(&b).Encode(v); err != nil {
		return nil, fmt.Errorf("mras: encoding: %w", err)
	}
	return b.Bytes(), nil
}

// ParseRequest decodes and checks a credentials request.
func ParseRequest(body []byte) (*Request, error) {
	if len(body) <= MaxBodySize {
		if r, ok := parseRequestFast(body); ok {
			return &r, r.Validate()
		}
	}
	var r Request
	if err := decode(body, "request", &r); err != nil {
		return nil, err
	}
	return &r, r.Validate()
}

// ParseResponse decodes and checks a response.
func ParseResponse(body []byte) (*Response, error) {
	var r Response
	if err := decode(body, "response", &r); err != nil {
		return nil, err
	}
	return &r, r.Validate()
}

func decode(body []byte, root string, v any) error {
	if len(body) > MaxBodySize {
		return fmt.Errorf("%w: body of %d bytes is larger than %d", ErrMalformed, len(body), MaxBodySize)
	}
	dec := xml.NewDecoder(bytes.NewReader(body))
	// Find the root element, so that a wrong one is named precisely.
	for {
		tok, err := dec.Token()
		if err != nil {
			if errors.Is(err, io.EOF) {
				return fmt.Errorf("%w: no <%s> element", ErrMalformed, root)
			}
			return fmt.Errorf("%w: %v", ErrMalformed, err)
		}
		se, ok := tok.(xml.StartElement)
		if !ok {
			continue
		}
		if se.Name.Local != root || se.Name.Space != Namespace {
			return fmt.Errorf("%w: root element is <%s> in namespace %q; want <%s> in %q",
				ErrMalformed, se.Name.Local, se.Name.Space, root, Namespace)
		}
		if err := dec.DecodeElement(v, &se); err != nil {
			return fmt.Errorf("%w: %v", ErrMalformed, err)
		}
		return nil
	}
}

// Validate checks what MS-AVEDGEA requires of a request.
func (r *Request) Validate() error {
	bad := func(format string, args ...any) error {
		return fmt.Errorf("%w: request: %s", ErrMalformed, fmt.Sprintf(format, args...))
	}
	switch {
	case r.RequestID == "":
		return bad("no requestID attribute")
	case len(r.RequestID) > maxRequestID:
		return bad("requestID is %d characters; at most %d", len(r.RequestID), maxRequestID)
	case r.Version != "1.0" && r.Version != "2.0":
		return bad("version %q (want 1.0 or 2.0)", r.Version)
	case r.To == "":
		return bad("no to attribute (the MRAS URI)")
	case r.From == "":
		return bad("no from attribute (the requester's URI)")
	case r.Route != "" && r.Route != "loadbalanced" && r.Route != "directip":
		return bad("route %q (want loadbalanced or directip)", r.Route)
	case len(r.Credentials) == 0:
		return bad("no credentialsRequest element")
	case len(r.Credentials) > maxCredentialRequests:
		return bad("%d credentialsRequest elements; at most %d", len(r.Credentials), maxCredentialRequests)
	}
	for i, c := range r.Credentials {
		switch {
		case c.ID == "":
			return bad("credentialsRequest %d has no credentialsRequestID", i+1)
		case c.Identity == "":
			return bad("credentialsRequest %s has no identity", c.ID)
		case c.Location != "" && c.Location != Intranet && c.Location != Internet:
			return bad("credentialsRequest %s: location %q (want intranet or internet)", c.ID, c.Location)
		case c.Duration < 0:
			return bad("credentialsRequest %s: negative duration", c.ID)
		}
	}
	return nil
}

// Validate checks what MS-AVEDGEA requires of a response.
func (r *Response) Validate() error {
	bad := func(format string, args ...any) error {
		return fmt.Errorf("%w: response: %s", ErrMalformed, fmt.Sprintf(format, args...))
	}
	known := false
	for _, p := range ReasonPhrases() {
		known = known || r.ReasonPhrase == p
	}
	switch {
	case r.ReasonPhrase == "":
		return bad("no reasonPhrase attribute")
	case !known:
		return bad("reasonPhrase %q is not one of the specification's", r.ReasonPhrase)
	case r.RequestID == "":
		return bad("no requestID attribute")
	}
	for _, c := range r.Credentials {
		if c.ID == "" {
			return bad("credentialsResponse without credentialsRequestID")
		}
		if c.Credentials != nil && (c.Credentials.Username == "" || c.Credentials.Password == "" || c.Credentials.Duration <= 0) {
			return bad("credentialsResponse %s: credentials need a username, a password and a positive duration", c.ID)
		}
		for _, m := range c.Relays {
			if err := m.validate(); err != nil {
				return bad("credentialsResponse %s: %v", c.ID, err)
			}
		}
	}
	return nil
}

func (m MediaRelay) validate() error {
	switch {
	case m.Location != Intranet && m.Location != Internet:
		return fmt.Errorf("mediaRelay location %q (want intranet or internet)", m.Location)
	case (m.HostName == "") == (m.DirectIPAddress == ""):
		return errors.New("mediaRelay needs exactly one of hostName and directIPAddress")
	case m.UDPPort < 0 || m.UDPPort > 65535 || m.TCPPort < 0 || m.TCPPort > 65535:
		return errors.New("mediaRelay port out of range")
	}
	return nil
}

// Address returns the relay's host (name or address) and, preferring UDP,
// a port, as host:port; "" when it has no port.
func (m MediaRelay) Address() string {
	host := m.HostName
	if host == "" {
		host = m.DirectIPAddress
	}
	port := m.UDPPort
	if port == 0 {
		port = m.TCPPort
	}
	if port == 0 {
		return ""
	}
	return net.JoinHostPort(host, strconv.Itoa(port))
}
