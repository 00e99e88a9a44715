// Package c3p reads and writes the C3P (Centralized Conference Control
// Protocol) bodies a RealConnect cascade exchanges with a Lync focus and
// focus factory: the addUser request that joins a conference, the
// getConference request that looks one up, and their responses
// (MS-CONFBAS §2.2, §4.4; MS-CONFPRO §4.5).
//
// Bodies travel in SIP INVITE, INFO and SERVICE requests and their 200
// responses with Content-Type application/cccp+xml. Parsing is for hostile
// input: bodies are bounded by MaxBody and MaxDepth, DTDs and entity
// declarations are refused, and every error wraps ErrMalformed and names
// the element at fault. A request with a command this package does not
// implement is reported as an *UnsupportedCommandError, with the request's
// addressing still filled in so a focus can answer it.
//
// A focus maps the outcomes to Lync's ms-diagnostics codes (MS-OCER §8.4):
// ErrMalformed is 3006 "Failed to parse the C3P request.",
// ErrUnsupportedCommand 3004 "The requested C3P command is not
// implemented.", and an AddUser whose Focus fails 3003 "The
// conference-entity supplied in the C3P request is invalid."
package c3p

import (
	"errors"
	"fmt"
	"strings"

	"github.com/rppkit/rppkit/lync"
)

// ContentType is the SIP Content-Type of a C3P body (MS-CONFBAS).
const ContentType = "application/cccp+xml"

// The XML namespaces of C3P bodies (MS-CONFBAS §2.2).
const (
	NamespaceCCCP = "urn:ietf:params:xml:ns:cccp"
	NamespaceMSCP = "http://schemas.microsoft.com/rtc/2005/08/cccpextensions"
	NamespaceCI   = "urn:ietf:params:xml:ns:conference-info"
	NamespaceMSCI = "http://schemas.microsoft.com/rtc/2005/08/confinfoextensions"
)

// Limits on what the parsers read. A C3P request is well under a kilobyte
// and a getConference response with a roster a few kilobytes; the limits
// leave room for that and keep a hostile peer from making a parser work
// harder.
const (
	MaxBody  = 64 << 10 // bytes
	MaxDepth = 16       // element nesting
)

// ErrMalformed is wrapped by every error about a body that is not the C3P
// it should be.
var ErrMalformed = errors.New("malformed C3P body")

// ErrNoMCU is wrapped by Response.MCUURI's error when the response lists no
// MCU of the type asked for.
var ErrNoMCU = errors.New("no such MCU in the C3P response")

// ErrUnsupportedCommand is matched (errors.Is) by *UnsupportedCommandError.
var ErrUnsupportedCommand = errors.New("unsupported C3P command")

// UnsupportedCommandError reports a well-formed request whose command this
// package does not implement (MS-CONFBAS defines many: modifyConference,
// deleteUser, …). Lync's focus answers such a request with ms-diagnostics
// 3004 "The requested C3P command is not implemented" (MS-OCER §8.4), a
// request it cannot parse with 3006.
type UnsupportedCommandError struct {
	Command string // the command element's local name
}

func (e *UnsupportedCommandError) Error() string {
	return fmt.Sprintf("unsupported C3P command <%s>", e.Command)
}

// Is makes errors.Is(err, ErrUnsupportedCommand) true.
func (e *UnsupportedCommandError) Is(target error) bool { return target == ErrUnsupportedCommand }

// The commands this package reads and writes.
const (
	CommandAddUser       = "addUser"
	CommandGetConference = "getConference"
)

// Request is a C3P request (MS-CONFBAS §2.2.2):
//
//	<request xmlns="urn:ietf:params:xml:ns:cccp" xmlns:mscp="…" C3PVersion="1"
//	         to="FOCUS-URI" from="SIP-ADDRESS" requestId="N"> COMMAND </request>
//
// Exactly one of the command fields is set.
type Request struct {
	To        string // the focus or focus factory URI
	From      string // the requester's SIP address
	RequestID string // an unsigned integer the response echoes

	AddUser       *AddUser
	GetConference *GetConference
}

// Command returns the local name of the request's command element, "" if
// no command is set.
func (r *Request) Command() string {
	switch {
	case r.AddUser != nil:
		return CommandAddUser
	case r.GetConference != nil:
		return CommandGetConference
	}
	return ""
}

// AddUser joins a user to the conference (MS-CONFBAS addUser; the body
// pidgin-sipe sends to a Lync focus has this shape):
//
//	<addUser><conferenceKeys confEntity="FOCUS-URI"/>
//	  <ci:user entity="SIP-ADDRESS"><ci:roles><ci:entry>attendee</ci:entry></ci:roles>
//	    <ci:endpoint entity="{ENDPOINT-GUID}"/></ci:user></addUser>
type AddUser struct {
	ConfEntity string // the focus URI, as in the request's to
	User       User
}

// User is the conference-info user element of an addUser (RFC 4575 §5.6,
// in the namespace urn:ietf:params:xml:ns:conference-info).
type User struct {
	Entity         string   // the user's SIP address
	Roles          []string // "attendee", "presenter"
	EndpointEntity string   // the joining endpoint's ID, a GUID in braces as Lync writes it
}

// GetConference looks up a conference. Three keys are possible; exactly one
// is set:
//
//   - ConfEntity, the focus URI (MS-CONFBAS §4.4.7, sent to the focus):
//     <conferenceKeys confEntity="FOCUS-URI"/>
//   - ConferenceID, sent to the focus factory (MS-CONFPRO §4.5):
//     <conferenceKeys msci:conference-id="ID"/>
//   - DialInID, the numeric ID of the meeting invitation. Lab convention:
//     nothing public describes how a DMA resolves one; rppkit sends it to
//     the focus factory as the attribute mscp:dial-in-id of conferenceKeys
//     (mscp = http://schemas.microsoft.com/rtc/2005/08/cccpextensions):
//     <conferenceKeys mscp:dial-in-id="4411223"/>. This is not Microsoft's
//     wire format.
type GetConference struct {
	ConfEntity   string
	ConferenceID string
	DialInID     string
}

func (g *GetConference) keys() int {
	n := 0
	for _, k := range []string{g.ConfEntity, g.ConferenceID, g.DialInID} {
		if k != "" {
			n++
		}
	}
	return n
}

// Code is a C3P response's outcome.
type Code string

// The codes. MS-CONFBAS §2.2.3 says a response's code MUST be success or
// failure, so a Lync focus sends nothing else; pending is read and written
// only because the issue 9 contract lists it.
const (
	CodeSuccess Code = "success"
	CodeFailure Code = "failure"
	CodePending Code = "pending"
)

// Valid reports whether c is one of the three codes.
func (c Code) Valid() bool { return c == CodeSuccess || c == CodeFailure || c == CodePending }

// Response is a C3P response (MS-CONFBAS §2.2.3):
//
//	<response xmlns="urn:ietf:params:xml:ns:cccp" C3PVersion="1" to from requestId code="success">
//	  <addUser> <conferenceKeys confEntity="FOCUS-URI"/>
//	    <ci:conference-info entity="FOCUS-URI"><ci:conference-description><ci:conf-uris>
//	      <ci:entry><ci:uri>AV-MCU-URI</ci:uri><ci:purpose>audio-video</ci:purpose></ci:entry>
//	    </ci:conf-uris></ci:conference-description></ci:conference-info>
//	  </addUser></response>
//
// The command element echoes the request's command; a failure carries a
// reason attribute on it (MS-CONFBAS §3.1.5.3). The conference-info part is
// how a Lync focus describes a conference (RFC 4575 conf-uris, purposes
// naming the MCU types; MS-CONFBAS §4.4.7's getConference answer). Lab
// convention: rppkit's focus also puts it in the addUser answer, so the
// joiner learns the AV MCU URI without subscribing to the conference
// package; Lync delivers it by the SUBSCRIBE Event: conference that follows.
type Response struct {
	To, From, RequestID string
	Code                Code
	Reason              string // why a failure failed: the command element's reason attribute (MS-CONFPRO §2.2.3.4 lists a focus factory's values)
	Command             string // the answered command: CommandAddUser, CommandGetConference, …

	FocusURI string     // the conference-info entity: the conference's focus URI
	MCUs     []MCUEntry // the conference-info conf-uris
}

// MCUEntry is one conf-uris entry: an MCU of the conference.
type MCUEntry struct {
	Purpose string // the MCU type: "audio-video", "chat", …
	URI     string // the MCU's conference URI
}

// MCUURI returns the conference URI of the MCU of type t listed in the
// response, parsed. It fails with lync.ErrInvalidConferenceURI when the
// entry is there but is not a conference URI of that type, and with an
// error wrapping ErrNoMCU when there is no entry.
func (r *Response) MCUURI(t lync.MCUType) (lync.ConferenceURI, error) {
	for _, m := range r.MCUs {
		if !strings.EqualFold(m.Purpose, string(t)) {
			continue
		}
		u, err := lync.ParseConferenceURI(m.URI)
		if err != nil {
			return lync.ConferenceURI{}, fmt.Errorf("conf-uris entry %q: %w", m.Purpose, err)
		}
		if u.Type != t {
			return lync.ConferenceURI{}, fmt.Errorf("conf-uris entry %q: %w: names a %s, not a %s",
				m.Purpose, lync.ErrInvalidConferenceURI, u.Type, t)
		}
		return u, nil
	}
	return lync.ConferenceURI{}, fmt.Errorf("%w: <conf-uris> has no entry with purpose %q", ErrNoMCU, t)
}

// Respond starts the response to r as MS-CONFBAS §2.2.3 addresses it: from
// the request's to, to its from, the same requestId and command. For a
// request ParseRequest reported as unsupported, set Command from the
// *UnsupportedCommandError.
func (r *Request) Respond(code Code, reason string) *Response {
	return &Response{To: r.From, From: r.To, RequestID: r.RequestID, Code: code, Reason: reason, Command: r.Command()}
}

// MCUEntries lists the conf-uris entries of the conference u belongs to,
// one per type, as a focus answers with them.
func MCUEntries(u lync.ConferenceURI, types ...lync.MCUType) []MCUEntry {
	out := make([]MCUEntry, len(types))
	for i, t := range types {
		out[i] = MCUEntry{Purpose: string(t), URI: u.MCU(t).String()}
	}
	return out
}

// Focus parses the conference entity the user asks to join. It fails,
// wrapping lync.ErrInvalidConferenceURI, when ConfEntity is not a conference
// URI or names an MCU rather than the focus: addUser joins through the
// focus (ms-diagnostics 3005 "The request cannot target a MCU" is Lync's
// answer to an MCU, MS-OCER §8.4).
func (a *AddUser) Focus() (lync.ConferenceURI, error) {
	u, err := lync.ParseConferenceURI(a.ConfEntity)
	if err != nil {
		return lync.ConferenceURI{}, fmt.Errorf("addUser confEntity: %w", err)
	}
	if u.Type != lync.MCUFocus {
		return lync.ConferenceURI{}, fmt.Errorf("addUser confEntity: %w: names the %s MCU, not the focus", lync.ErrInvalidConferenceURI, u.Type)
	}
	return u, nil
}
