package lynctest

import (
	"errors"
	"fmt"
	"strings"

	"github.com/emiago/sipgo/sip"

	"github.com/rppkit/rppkit/lync"
	"github.com/rppkit/rppkit/lync/c3p"
)

// The ms-diagnostics of conferencing (MS-OCER; PROTOCOLS.md §1), for tests
// and conformance cases that check a refusal's code.
var (
	DiagInvalidConferenceEntity = Diagnostic{3003, "Invalid conference entity in the C3P request."}
	DiagC3PNotImplemented       = Diagnostic{3004, "The requested C3P command is not implemented."}
	DiagC3PParse                = Diagnostic{3006, "Failed to parse the C3P request."}
	DiagAddUserInvalid          = Diagnostic{3007, "AddUser C3P blob invalid."}
	DiagInvalidConferenceURI    = Diagnostic{3012, "Invalid conference URI."}
	DiagInvalidMCUURI           = Diagnostic{3013, "Invalid MCU URI."}
	DiagConferenceNotFound      = Diagnostic{7002, "The specified conference does not exist."}
	DiagAVMCUSDPOnly            = Diagnostic{7004, "The AV MCU supports only 'Content-Type: application/sdp' offer/answers."}
	DiagSDPParse                = Diagnostic{7008, "Error parsing SDP."}
	DiagIPv6NotSupported        = Diagnostic{7009, "IPv6 connection address not supported."}
	// DiagNotInFocus is a lab convention, not a Microsoft code: the AV MCU
	// refuses a media INVITE from a user who has not joined the
	// conference through its focus with addUser. Nothing public says what
	// a real AV MCU answers; the lab refuses with 403 and this code, which
	// lies outside MS-OCER's published ranges.
	DiagNotInFocus = Diagnostic{9001, "Lab convention: the user has not joined the conference through its focus (C3P addUser)."}
)

// DiagNotAuthorized is MS-OCER's 4004, which the focus factory answers a
// peer whose Contact is not its pool's Service GRUU.
var DiagNotAuthorized = diagNotAuthorized

// confRoutes installs the conferencing handlers over routes' defaults:
// SERVICE goes to the focus factory when its Request-URI is one, else to
// MRAS; INVITE and BYE go to the focus and the AV MCU; ACK confirms their
// dialogs.
func (fe *FrontEnd) confRoutes() {
	fe.srv.OnRequest("SERVICE", fe.serve(func(req *sip.Request, p *peer) *sip.Response {
		if isConferenceURI(req.Recipient) {
			return fe.focusFactory(req, p)
		}
		return fe.service(req, p)
	}))
	fe.srv.OnInvite(fe.serve(fe.invite))
	fe.srv.OnBye(fe.serve(fe.bye))
	fe.srv.OnAck(fe.ack)
}

// isConferenceURI reports whether u names a conference entity or a focus
// factory: its opaque parameter begins with app:conf:.
func isConferenceURI(u sip.Uri) bool {
	v, ok := u.UriParams.Get("opaque")
	return ok && len(v) >= 9 && strings.EqualFold(v[:9], "app:conf:")
}

// invite answers an INVITE to the focus or to the AV MCU of a meeting; an
// INVITE to anything else is not the lab's to take (405, as before).
func (fe *FrontEnd) invite(req *sip.Request, p *peer) *sip.Response {
	if !isConferenceURI(req.Recipient) {
		return fe.notAllowed(req, p)
	}
	u, err := lync.ParseConferenceURI(req.Recipient.String())
	if err != nil {
		opaque, _ := req.Recipient.UriParams.Get("opaque")
		if len(opaque) >= 14 && strings.EqualFold(opaque[:14], "app:conf:focus") {
			return fe.refuse(req, 404, "Not Found", DiagInvalidConferenceURI, err.Error())
		}
		return fe.refuse(req, 404, "Not Found", DiagInvalidMCUURI, err.Error())
	}
	switch u.Type {
	case lync.MCUFocus:
		return fe.joinFocus(req, p, u)
	case lync.MCUAudioVideo:
		return fe.inviteAVMCU(req, p, u)
	}
	return fe.refuse(req, 404, "Not Found", DiagInvalidMCUURI, fmt.Sprintf("the lab hosts no %s MCU; only the focus and the audio-video MCU", u.Type))
}

// c3pContentType checks the request's Content-Type, answering 415 with
// Accept when it is not C3P's.
func (fe *FrontEnd) c3pContentType(req *sip.Request) *sip.Response {
	if ct := req.ContentType(); ct == nil || !strings.EqualFold(strings.TrimSpace(strings.Split(ct.Value(), ";")[0]), c3p.ContentType) {
		res := sip.NewResponseFromRequest(req, 415, "Unsupported Media Type", nil)
		res.AppendHeader(sip.NewHeader("Accept", c3p.ContentType))
		return res
	}
	return nil
}

// parseC3P reads a C3P request body, answering 400 with 3006 when it does
// not parse and 501 with 3004 for a command the lab does not implement.
func (fe *FrontEnd) parseC3P(req *sip.Request) (*c3p.Request, *sip.Response) {
	r, err := c3p.ParseRequest(req.Body())
	switch {
	case errors.Is(err, c3p.ErrUnsupportedCommand):
		return nil, fe.refuse(req, 501, "Not Implemented", DiagC3PNotImplemented, err.Error())
	case err != nil:
		return nil, fe.refuse(req, 400, "Bad Request", DiagC3PParse, err.Error())
	}
	return r, nil
}

// c3pAnswer is a SIP response carrying the C3P answer to r: code, and for
// a success the conference's focus and MCUs.
func (fe *FrontEnd) c3pAnswer(req *sip.Request, status int, reason string, r *c3p.Request, code c3p.Code, m *Meeting) *sip.Response {
	answer := r.Respond(code, "")
	if m != nil {
		answer.FocusURI, answer.MCUs = m.Focus.String(), c3p.MCUEntries(m.Focus, lync.MCUAudioVideo)
	}
	body, err := answer.Marshal()
	if err != nil {
		fe.s.log.Error("C3P answer", "error", err)
		return sip.NewResponseFromRequest(req, 500, "Server Internal Error", nil)
	}
	res := sip.NewResponseFromRequest(req, status, reason, body)
	res.AppendHeader(sip.NewHeader("Content-Type", c3p.ContentType))
	return res
}

// focusFactory answers a C3P getConference SERVICE to a focus factory (lab
// convention, PROTOCOLS.md §5): the DMA resolves a dial-in ID through its
// Lync peer. Only a trusted application whose Contact is its own pool's
// Service GRUU may ask; the answer is the focus URI and the MCUs, or 404
// with 7002.
func (fe *FrontEnd) focusFactory(req *sip.Request, p *peer) *sip.Response {
	user, err := lync.ParseFocusFactoryURI(req.Recipient.String())
	if err != nil {
		return fe.refuse(req, 404, "Not Found", DiagInvalidConferenceURI, err.Error())
	}
	if !fe.s.idx.IsSIPDomain(user.Domain()) {
		return fe.refuse(req, 404, "Not Found", diagNotEnabledForSIP, user.Domain()+" is not a SIP domain of the topology")
	}
	if res := fe.c3pContentType(req); res != nil {
		return res
	}
	if why := fe.serviceGRUUCaller(req, p); why != "" {
		return fe.refuse(req, 403, "Forbidden", diagNotAuthorized, why)
	}
	r, res := fe.parseC3P(req)
	if res != nil {
		return res
	}
	g := r.GetConference
	if g == nil {
		return fe.refuse(req, 501, "Not Implemented", DiagC3PNotImplemented, fmt.Sprintf("the focus factory takes getConference; %s goes to a conference's focus", r.Command()))
	}
	var m *Meeting
	switch {
	case g.DialInID != "":
		if id, err := lync.ParseDialInID(g.DialInID); err == nil {
			m = fe.s.MeetingByDialIn(id)
		}
	case g.ConferenceID != "":
		if id, err := lync.ParseConferenceID(g.ConferenceID); err == nil {
			m = fe.s.conf.meeting(lync.FocusURI(user, id))
		}
	case g.ConfEntity != "":
		if u, err := lync.ParseConferenceURI(g.ConfEntity); err == nil {
			m = fe.s.conf.meeting(u)
		}
	}
	if m == nil {
		res := fe.c3pAnswer(req, 404, "Not Found", r, c3p.CodeFailure, nil)
		res.AppendHeader(DiagConferenceNotFound.header(string(fe.FQDN)))
		return res
	}
	return fe.c3pAnswer(req, 200, "OK", r, c3p.CodeSuccess, m)
}

// serviceGRUUCaller applies the lab's rule for the focus factory's callers
// (lab convention, as for MRAS on the new method): the Contact must be the
// Service GRUU of a trusted application of the peer's own pool, and From
// that GRUU or an endpoint of that pool. It returns why not, or "".
func (fe *FrontEnd) serviceGRUUCaller(req *sip.Request, p *peer) string {
	t, x := fe.s.topo, fe.s.idx
	if p.pool < 0 {
		return fmt.Sprintf("%s is not a computer of a trusted application pool", p.computer)
	}
	pool := t.TrustedApplicationPools[p.pool].FQDN
	contact := req.Contact()
	if contact == nil {
		return "no Contact: a trusted application presents its pool's Service GRUU as Contact"
	}
	if !strings.EqualFold(contact.Address.Scheme, "sip") {
		return fmt.Sprintf("Contact %s is not a sip: URI; the Service GRUU is written with sip:", contact.Address.String())
	}
	got, err := lync.ParseGRUU(contact.Address.String())
	if err != nil {
		return fmt.Sprintf("Contact %s is not a Service GRUU: %v", contact.Address.String(), err)
	}
	ours := false
	for _, a := range x.Applications(pool) {
		if want := fe.s.appGRUU[a]; !want.IsZero() && want.Equal(got) {
			ours = true
		}
	}
	if !ours {
		return fmt.Sprintf("Contact %s is not the Service GRUU of pool %s", got, pool)
	}
	from := req.From()
	if from == nil {
		return "no From"
	}
	if g, err := lync.ParseGRUU(from.Address.String()); err == nil {
		if !g.Equal(got) {
			return fmt.Sprintf("From %s is another GRUU than the Contact %s", g, got)
		}
		return ""
	}
	addr, err := lync.MakeSIPAddress(from.Address.User, from.Address.Host)
	if err != nil {
		return fmt.Sprintf("From %s is not a SIP address", from.Address.String())
	}
	if i := x.Endpoint(addr); i < 0 || !t.TrustedApplicationEndpoints[i].Pool.Equal(pool) {
		return fmt.Sprintf("From %s is neither the Service GRUU nor an endpoint of pool %s", addr, pool)
	}
	return ""
}

// participant finds the meeting of u and the identity the request's From
// asserts, which the peer must be allowed to act for; else the refusal:
// 404 with notFound (and u, then why) for no such meeting, 400 for no
// From, or what identity answers.
func (fe *FrontEnd) participant(req *sip.Request, p *peer, u lync.ConferenceURI, notFound Diagnostic, why string) (*Meeting, lync.SIPAddress, *sip.Response) {
	m := fe.s.conf.meeting(u)
	if m == nil {
		return nil, lync.SIPAddress{}, fe.refuse(req, 404, "Not Found", notFound, u.String()+why)
	}
	from := req.From()
	if from == nil {
		return nil, lync.SIPAddress{}, sip.NewResponseFromRequest(req, 400, "Bad Request", nil)
	}
	self, refusal := fe.identity(req, from.Address, p)
	return m, self, refusal
}

// joinFocus answers an INVITE to a meeting's focus carrying C3P addUser
// (MS-CONFBAS §2.2.3.4): 200 with a C3P success listing the MCUs, the
// participant entered in the roster.
func (fe *FrontEnd) joinFocus(req *sip.Request, p *peer, u lync.ConferenceURI) *sip.Response {
	m, self, refusal := fe.participant(req, p, u, DiagConferenceNotFound, " is not a meeting of the lab")
	if refusal != nil {
		return refusal
	}
	if d := fe.s.conf.dialog(req.CallID().Value()); d != nil && d.kind == lync.MCUFocus && req.To().Params.Has("tag") {
		res := sip.NewResponseFromRequest(req, 488, "Not Acceptable Here", nil)
		res.AppendHeader(sip.NewHeader("Warning", fmt.Sprintf("399 %s %q", fe.FQDN, "the lab's focus takes no re-INVITE")))
		return res
	}
	if res := fe.c3pContentType(req); res != nil {
		return res
	}
	r, res := fe.parseC3P(req)
	if res != nil {
		return res
	}
	a := r.AddUser
	if a == nil {
		return fe.refuse(req, 400, "Bad Request", DiagAddUserInvalid, fmt.Sprintf("an INVITE to the focus carries addUser, not %s", r.Command()))
	}
	for _, entity := range []struct{ what, value string }{{"to", r.To}, {"conferenceKeys confEntity", a.ConfEntity}} {
		if v, err := lync.ParseConferenceURI(entity.value); err != nil || !v.Equal(m.Focus) {
			return fe.refuse(req, 400, "Bad Request", DiagInvalidConferenceEntity, fmt.Sprintf("C3P %s %q is not the focus URI %s", entity.what, entity.value, m.Focus))
		}
	}
	if !sameEntity(a.User.Entity, self) {
		return fe.refuse(req, 400, "Bad Request", DiagAddUserInvalid, fmt.Sprintf("addUser user entity %q is not the From %s", a.User.Entity, self))
	}
	if a.User.EndpointEntity == "" {
		return fe.refuse(req, 400, "Bad Request", DiagAddUserInvalid, "addUser user has no endpoint entity")
	}
	role := "attendee"
	if len(a.User.Roles) > 0 {
		role = a.User.Roles[0]
	}
	res = fe.c3pAnswer(req, 200, "OK", r, c3p.CodeSuccess, m)
	tag := token(8)
	res.To().Params.Add("tag", tag)
	res.AppendHeader(&sip.ContactHeader{Address: req.Recipient, Params: isFocusParam()})
	pt := &participant{p: Participant{Entity: a.User.Entity, Endpoint: a.User.EndpointEntity, Role: role,
		Computer: p.computer, FrontEnd: fe.FQDN, JoinedFocus: true, Media: MediaNone}, focusCall: req.CallID().Value()}
	m.mu.Lock()
	m.roster = append(m.roster, pt)
	m.mu.Unlock()
	fe.s.conf.addDialog(&confDialog{callID: req.CallID().Value(), kind: lync.MCUFocus, meeting: m, participant: pt})
	return res
}

func isFocusParam() sip.HeaderParams {
	p := sip.NewParams()
	p.Add("isfocus", "")
	return p
}

// bye ends a focus or AV MCU dialog: leaving the focus ends the
// participant's media too.
func (fe *FrontEnd) bye(req *sip.Request, p *peer) *sip.Response {
	d := fe.s.conf.takeDialog(req.CallID().Value())
	if d == nil {
		if isConferenceURI(req.Recipient) {
			return sip.NewResponseFromRequest(req, 481, "Call/Transaction Does Not Exist", nil)
		}
		return fe.notAllowed(req, p)
	}
	pt := d.participant
	pt.mu.Lock()
	current := pt.mediaCall == d.callID
	mediaCall := pt.mediaCall
	pt.mu.Unlock()
	switch {
	case d.kind == lync.MCUFocus:
		// Leaving the conference ends the participant's media leg too.
		pt.update(func(p *Participant) { p.JoinedFocus = false })
		fe.s.conf.takeDialog(mediaCall)
		fe.s.conf.endMedia(pt)
	case current:
		fe.s.conf.endMedia(pt)
	}
	// A BYE of an AV MCU dialog that a later INVITE replaced ends nothing.
	return sip.NewResponseFromRequest(req, 200, "OK", nil)
}

// ack records an ACK; the dialogs need nothing more from it.
func (fe *FrontEnd) ack(req *sip.Request, tx sip.ServerTransaction) {
	who := req.Source()
	if p := fe.peerOf(req); p != nil {
		who = string(p.computer)
	}
	fe.s.rec.add(Message{Time: fe.s.opts.now(), Direction: In, Server: string(fe.FQDN), Peer: who, StartLine: req.StartLine(), msg: req})
}

// confDialog is a focus or AV MCU dialog the lab answered 200.
type confDialog struct {
	callID      string
	kind        lync.MCUType
	meeting     *Meeting
	participant *participant
}

func (c *conferencing) addDialog(d *confDialog) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.dialogs[d.callID] = d
}

func (c *conferencing) dialog(callID string) *confDialog {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.dialogs[callID]
}

func (c *conferencing) takeDialog(callID string) *confDialog {
	c.mu.Lock()
	defer c.mu.Unlock()
	d := c.dialogs[callID]
	delete(c.dialogs, callID)
	return d
}
