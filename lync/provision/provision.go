// Package provision encodes the in-band provisioning exchange of Lync and
// Skype for Business (MS-SIPREGE §2.2.2): a client SUBSCRIBEs to the event
// vnd-microsoft-provisioning-v2 asking for provisioning groups, and the
// server answers — in the 200 OK when the client supports
// ms-piggyback-first-notify, else in a NOTIFY — with the groups, among them
// ServerConfiguration, which holds the MRAS URI the client asks for media
// relay credentials.
//
// Note the two namespaces and root names: the request's
// provisioningGroupList and the answer's provisionGroupList.
package provision

import (
	"bytes"
	"encoding/xml"
	"errors"
	"fmt"
)

// Header values of the exchange.
const (
	Event       = "vnd-microsoft-provisioning-v2"
	ContentType = "application/vnd-microsoft-roaming-provisioning-v2+xml"
	// PiggybackFirstNotify is the Supported option that asks for the answer
	// in the 200 OK.
	PiggybackFirstNotify = "ms-piggyback-first-notify"
)

// Namespaces of the request and of the answer.
const (
	RequestNamespace      = "http://schemas.microsoft.com/2006/09/sip/provisioninggrouplist"
	NotificationNamespace = "http://schemas.microsoft.com/2006/09/sip/provisiongrouplist-notification"
)

// ServerConfiguration is the provisioning group that holds the MRAS URI.
const ServerConfiguration = "ServerConfiguration"

// ErrMalformed is wrapped by the decoding errors.
var ErrMalformed = errors.New("malformed provisioning body")

// Request is the SUBSCRIBE body: the groups the client wants.
type Request struct {
	XMLName xml.Name       `xml:"http://schemas.microsoft.com/2006/09/sip/provisioninggrouplist provisioningGroupList"`
	Groups  []RequestGroup `xml:"provisioningGroup"`
}

// RequestGroup names one group.
type RequestGroup struct {
	Name string `xml:"name,attr"`
}

// NewRequest asks for the named groups.
func NewRequest(groups ...string) *Request {
	r := &Request{}
	for _, g := range groups {
		r.Groups = append(r.Groups, RequestGroup{Name: g})
	}
	return r
}

// Wants reports whether the request asks for group.
func (r *Request) Wants(group string) bool {
	for _, g := range r.Groups {
		if g.Name == group {
			return true
		}
	}
	return false
}

// Notification is the answer: the groups and their settings.
type Notification struct {
	XMLName xml.Name `xml:"http://schemas.microsoft.com/2006/09/sip/provisiongrouplist-notification provisionGroupList"`
	Groups  []Group  `xml:"provisionGroup"`
}

// Group is one provisioning group. Only ServerConfiguration's settings are
// modelled; other groups travel by name.
type Group struct {
	Name string `xml:"name,attr"`
	// MRASURI is the MRAS URI of the Edge server the client's pool uses;
	// empty when the pool has no Edge.
	MRASURI               string `xml:"mrasUri,omitempty"`
	FocusFactoryURI       string `xml:"focusFactoryUri,omitempty"`
	EnableBWPolicyCheck   string `xml:"enableBWPolicyCheck,omitempty"`
	UCMaxVideoRateAllowed string `xml:"ucMaxVideoRateAllowed,omitempty"`
}

// ServerConfiguration returns the ServerConfiguration group, if present.
func (n *Notification) ServerConfiguration() (Group, bool) {
	for _, g := range n.Groups {
		if g.Name == ServerConfiguration {
			return g, true
		}
	}
	return Group{}, false
}

// Marshal encodes the request.
func (r *Request) Marshal() ([]byte, error) { return marshal(r) }

// Marshal encodes the notification.
func (n *Notification) Marshal() ([]byte, error) { return marshal(n) }

func marshal(v any) ([]byte, error) {
	var b bytes.Buffer
	b.WriteString(xml.Header)
	if err := xml.NewEncoder(&b).Encode(v); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}

// ParseRequest decodes a SUBSCRIBE body.
func ParseRequest(body []byte) (*Request, error) {
	var r Request
	if err := xml.Unmarshal(body, &r); err != nil {
		return nil, fmt.Errorf("%w: %v", ErrMalformed, err)
	}
	if len(r.Groups) == 0 {
		return nil, fmt.Errorf("%w: no provisioningGroup", ErrMalformed)
	}
	return &r, nil
}

// ParseNotification decodes an answer.
func ParseNotification(body []byte) (*Notification, error) {
	var n Notification
	if err := xml.Unmarshal(body, &n); err != nil {
		return nil, fmt.Errorf("%w: %v", ErrMalformed, err)
	}
	return &n, nil
}
