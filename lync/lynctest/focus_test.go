package lynctest_test

import (
	"context"
	"errors"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/emiago/sipgo/sip"
	"go.uber.org/goleak"

	"github.com/rppkit/rppkit/lync"
	"github.com/rppkit/rppkit/lync/c3p"
	"github.com/rppkit/rppkit/lync/lynctest"
	"github.com/rppkit/rppkit/lync/provision"
)

// The Service GRUUs of two-site.yaml's pools.
const (
	gruuEast = "sip:rpp-east.contoso.com@contoso.com;gruu;opaque=srvr:video:Tggd9yw0FFyNjnRqleNLwQAA"
	gruuWest = "sip:rpp-west.contoso.com@contoso.com;opaque=srvr:video:Xq3mZ0pLr8uNw2dKfE1sYgAA;gruu"
)

// diagCode returns the code of a response's ms-diagnostics (or, with
// client set, ms-client-diagnostics) header, 0 without one.
func diagCode(res *sip.Response, header string) int {
	h := res.GetHeader(header)
	if h == nil {
		return 0
	}
	code, _, _ := strings.Cut(h.Value(), ";")
	n, err := strconv.Atoi(strings.TrimSpace(code))
	if err != nil {
		return -1
	}
	return n
}

func mustMarshal(t *testing.T, r *c3p.Request) []byte {
	t.Helper()
	b, err := r.Marshal()
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func fromHeader(t *testing.T, uri string) *sip.FromHeader {
	f := &sip.FromHeader{Address: uriOf(t, uri), Params: sip.NewParams()}
	f.Params.Add("tag", sip.GenerateTagN(8))
	return f
}

func mustMeeting(t *testing.T, s *lynctest.Server, organizer string, opts ...lynctest.MeetingOption) *lynctest.Meeting {
	t.Helper()
	addr, err := lync.ParseSIPAddress(organizer)
	if err != nil {
		t.Fatal(err)
	}
	m, err := s.CreateMeeting(addr, opts...)
	if err != nil {
		t.Fatal(err)
	}
	return m
}

// Meetings are made for Lync users only, with IDs of the right shape,
// unique in the lab.
func TestCreateMeeting(t *testing.T) {
	defer goleak.VerifyNone(t, goleak.IgnoreCurrent())
	s, _ := start(t, "two-site.yaml")
	m := mustMeeting(t, s, "sip:alice@contoso.com")
	if _, err := lync.ParseConferenceID(string(m.ID)); err != nil || len(m.ID) != 8 || strings.ToUpper(string(m.ID)) != string(m.ID) {
		t.Errorf("conference ID %q: %v", m.ID, err)
	}
	if _, err := lync.ParseDialInID(string(m.DialInID)); err != nil || len(m.DialInID) != 7 {
		t.Errorf("dial-in ID %q: %v", m.DialInID, err)
	}
	if m.Focus.Type != lync.MCUFocus || m.AVMCU.Type != lync.MCUAudioVideo || !m.Focus.SameConference(m.AVMCU) || m.Focus.ID != m.ID {
		t.Errorf("focus %s, AV MCU %s", m.Focus, m.AVMCU)
	}
	if m.Encryption != lynctest.RequireEncryption {
		t.Errorf("encryption %s by default, want %s as Lync's", m.Encryption, lynctest.RequireEncryption)
	}
	if s.Meeting(m.AVMCU) != m || s.MeetingByDialIn(m.DialInID) != m {
		t.Error("the meeting is not found by its AV MCU URI or dial-in ID")
	}
	alice, _ := lync.ParseSIPAddress("sip:alice@contoso.com")
	for _, tc := range []struct {
		name      string
		organizer string
		opts      []lynctest.MeetingOption
		want      error
	}{
		{"a trusted application endpoint", "sip:rpp-east@contoso.com", nil, lynctest.ErrNotALyncUser},
		{"nobody", "sip:nobody@contoso.com", nil, lynctest.ErrNotALyncUser},
		{"the same conference ID", "sip:alice@contoso.com", []lynctest.MeetingOption{lynctest.WithConferenceID(strings.ToLower(string(m.ID)))}, lynctest.ErrMeetingExists},
		{"the same dial-in ID", "sip:bob@contoso.com", []lynctest.MeetingOption{lynctest.WithDialInID(string(m.DialInID))}, lynctest.ErrMeetingExists},
		{"a bad conference ID", "sip:bob@contoso.com", []lynctest.MeetingOption{lynctest.WithConferenceID("not-an-id")}, lync.ErrInvalidConferenceID},
		{"a bad dial-in ID", "sip:bob@contoso.com", []lynctest.MeetingOption{lynctest.WithDialInID("12a4")}, lync.ErrInvalidDialInID},
		{"an unknown encryption level", "sip:bob@contoso.com", []lynctest.MeetingOption{lynctest.WithEncryption("Sometimes")}, lynctest.ErrInvalidEncryptionLevel},
	} {
		addr, _ := lync.ParseSIPAddress(tc.organizer)
		if got, err := s.CreateMeeting(addr, tc.opts...); got != nil || !errors.Is(err, tc.want) {
			t.Errorf("%s: %v, %v; want %v", tc.name, got, err, tc.want)
		}
	}
	// The same ID for another organizer is another conference.
	bob, _ := lync.ParseSIPAddress("sip:bob@contoso.com")
	if _, err := s.CreateMeeting(bob, lynctest.WithConferenceID(string(m.ID)), lynctest.WithDialInID("0042")); err != nil {
		t.Errorf("bob's meeting with alice's ID: %v", err)
	}
	if got := s.Meeting(lync.FocusURI(alice, "NOSUCHID")); got != nil {
		t.Errorf("found %v for an unknown ID", got)
	}
	if err := s.Close(); err != nil {
		t.Errorf("Close: %v", err)
	}
}

// The focus factory answers getConference by dial-in ID (lab convention)
// from a trusted application presenting its pool's Service GRUU, and
// refuses everything else with Lync's diagnostics.
func TestFocusFactoryGetConference(t *testing.T) {
	defer goleak.VerifyNone(t, goleak.IgnoreCurrent())
	s, _ := start(t, "two-site.yaml")
	m := mustMeeting(t, s, "sip:alice@contoso.com", lynctest.WithDialInID("4411223"))
	fe := s.FrontEnd("fe-east.contoso.com")
	dma := newClient(t, s, fe, "dma-east.contoso.com")
	rmxWest := newClient(t, s, fe, "rmx-west.contoso.com")
	alice, _ := lync.ParseSIPAddress("sip:alice@contoso.com")
	factory := lync.FocusFactoryURI(alice)
	get := func(g *c3p.GetConference) []byte {
		return mustMarshal(t, &c3p.Request{To: factory, From: gruuEast, RequestID: "7", GetConference: g})
	}
	byDialIn := get(&c3p.GetConference{DialInID: "4411223"})
	cccp := sip.NewHeader("Content-Type", c3p.ContentType)
	for _, tc := range []struct {
		name        string
		c           *client
		to          string
		from        string
		contact     sip.Header
		contentType sip.Header
		body        []byte
		status      int
		diag        int
	}{
		{"by dial-in ID", dma, factory, gruuEast, &sip.ContactHeader{Address: uriOf(t, gruuEast)}, cccp, byDialIn, 200, 0},
		{"by dial-in ID, From an endpoint of the pool", dma, factory, "sip:rpp-east@contoso.com", &sip.ContactHeader{Address: uriOf(t, gruuEast)}, cccp, byDialIn, 200, 0},
		{"by conference ID", dma, factory, gruuEast, &sip.ContactHeader{Address: uriOf(t, gruuEast)}, cccp, get(&c3p.GetConference{ConferenceID: string(m.ID)}), 200, 0},
		{"by focus URI", dma, "sip:bob@contoso.com;gruu;opaque=app:conf:focusfactory", gruuEast, &sip.ContactHeader{Address: uriOf(t, gruuEast)}, cccp, get(&c3p.GetConference{ConfEntity: m.Focus.String()}), 200, 0},
		{"unknown dial-in ID", dma, factory, gruuEast, &sip.ContactHeader{Address: uriOf(t, gruuEast)}, cccp, get(&c3p.GetConference{DialInID: "99999"}), 404, 7002},
		{"another pool's GRUU", dma, factory, gruuWest, &sip.ContactHeader{Address: uriOf(t, gruuWest)}, cccp, byDialIn, 403, 4004},
		{"the GRUU from a computer of another pool", rmxWest, factory, gruuEast, &sip.ContactHeader{Address: uriOf(t, gruuEast)}, cccp, byDialIn, 403, 4004},
		{"the computer's own Contact", dma, factory, gruuEast, &sip.ContactHeader{Address: uriOf(t, "sip:dma-east.contoso.com:5061;transport=tls")}, cccp, byDialIn, 403, 4004},
		{"From a user", dma, factory, "sip:bob@contoso.com", &sip.ContactHeader{Address: uriOf(t, gruuEast)}, cccp, byDialIn, 403, 4004},
		{"no Content-Type", dma, factory, gruuEast, &sip.ContactHeader{Address: uriOf(t, gruuEast)}, nil, byDialIn, 415, 0},
		{"MRAS's content type", dma, factory, gruuEast, &sip.ContactHeader{Address: uriOf(t, gruuEast)}, sip.NewHeader("Content-Type", "application/msrtc-media-relay-auth+xml"), byDialIn, 415, 0},
		{"malformed C3P", dma, factory, gruuEast, &sip.ContactHeader{Address: uriOf(t, gruuEast)}, cccp, []byte("<request"), 400, 3006},
		{"addUser to the factory", dma, factory, gruuEast, &sip.ContactHeader{Address: uriOf(t, gruuEast)}, cccp,
			mustMarshal(t, &c3p.Request{To: factory, From: gruuEast, RequestID: "1", AddUser: &c3p.AddUser{ConfEntity: m.Focus.String(),
				User: c3p.User{Entity: "sip:rpp-east@contoso.com", EndpointEntity: "{1}"}}}), 501, 3004},
		{"a factory outside the SIP domains", dma, "sip:alice@fabrikam.com;gruu;opaque=app:conf:focusfactory", gruuEast, &sip.ContactHeader{Address: uriOf(t, gruuEast)}, cccp, byDialIn, 404, 4005},
	} {
		t.Run(tc.name, func(t *testing.T) {
			headers := []sip.Header{fromHeader(t, tc.from), &sip.ToHeader{Address: uriOf(t, tc.to)}, tc.contact}
			if tc.contentType != nil {
				headers = append(headers, tc.contentType)
			}
			res, err := tc.c.request(context.Background(), "SERVICE", tc.to, tc.body, headers...)
			if err != nil {
				t.Fatal(err)
			}
			if res.StatusCode != tc.status || diagCode(res, "ms-diagnostics") != tc.diag {
				t.Fatalf("%s, ms-diagnostics %v; want %d with %d", res.StartLine(), res.GetHeader("ms-diagnostics"), tc.status, tc.diag)
			}
			if tc.status == 415 {
				if a := res.GetHeader("Accept"); a == nil || a.Value() != c3p.ContentType {
					t.Errorf("415 without Accept: %s", c3p.ContentType)
				}
			}
			if tc.status != 200 && tc.status != 404 || tc.diag == 4005 {
				return
			}
			r, err := c3p.ParseResponse(res.Body())
			if err != nil {
				t.Fatalf("C3P answer: %v\n%s", err, res.Body())
			}
			if r.RequestID != "7" || r.Command != c3p.CommandGetConference {
				t.Errorf("answer to request %s, command %s", r.RequestID, r.Command)
			}
			if tc.status == 404 {
				if r.Code != c3p.CodeFailure {
					t.Errorf("code %s, want failure", r.Code)
				}
				return
			}
			av, err := r.MCUURI(lync.MCUAudioVideo)
			if r.Code != c3p.CodeSuccess || r.FocusURI != m.Focus.String() || err != nil || !av.Equal(m.AVMCU) {
				t.Errorf("code %s, focus %s, AV MCU %s (%v); want success, %s, %s", r.Code, r.FocusURI, av, err, m.Focus, m.AVMCU)
			}
		})
	}
	// The provisioning answer names the subscriber's own focus factory.
	self := "sip:rpp-east@contoso.com"
	rawRegistered(t, s, s.FrontEnd("fe-east.contoso.com"), rawRegister().
		set("Via", "SIP/2.0/TLS dma-east.contoso.com:5061;branch=z9hG4bK"+rawToken()).
		set("Contact", "<sip:rpp-east@dma-east.contoso.com:5061;transport=tls>"), "dma-east.contoso.com")
	sub, _ := provision.NewRequest(provision.ServerConfiguration).Marshal()
	res, err := dma.request(context.Background(), sip.SUBSCRIBE, self, sub, fromHeader(t, self), &sip.ToHeader{Address: uriOf(t, self)},
		&sip.ContactHeader{Address: uriOf(t, "sip:rpp-east@dma-east.contoso.com:5061;transport=tls")},
		sip.NewHeader("Event", provision.Event), sip.NewHeader("Accept", provision.ContentType),
		sip.NewHeader("Content-Type", provision.ContentType), sip.NewHeader("Supported", provision.PiggybackFirstNotify))
	if err != nil || res.StatusCode != 200 {
		t.Fatalf("SUBSCRIBE: %v %v", res, err)
	}
	n, err := provision.ParseNotification(res.Body())
	if err != nil {
		t.Fatal(err)
	}
	endpoint, _ := lync.ParseSIPAddress(self)
	if g, _ := n.ServerConfiguration(); g.FocusFactoryURI != lync.FocusFactoryURI(endpoint) {
		t.Errorf("focusFactoryUri %q, want %q", g.FocusFactoryURI, lync.FocusFactoryURI(endpoint))
	}
	if err := s.Close(); err != nil {
		t.Errorf("Close: %v", err)
	}
}

// focusJoin is an addUser INVITE and its answer.
type focusJoin struct {
	invite *sip.Request
	res    *sip.Response
}

// join sends an INVITE to the focus from self with an addUser body.
func join(t *testing.T, c *client, focus, self string, body []byte, headers ...sip.Header) (*focusJoin, error) {
	t.Helper()
	var uri sip.Uri
	if err := sip.ParseUri(focus, &uri); err != nil {
		t.Fatal(err)
	}
	req := sip.NewRequest(sip.INVITE, uri)
	req.SetTransport("TLS")
	req.SetDestination(c.fe.Addr)
	req.AppendHeader(fromHeader(t, self))
	req.AppendHeader(&sip.ToHeader{Address: uri, Params: sip.NewParams()})
	req.AppendHeader(&sip.ContactHeader{Address: uriOf(t, gruuEast)})
	hasType := false
	for _, h := range headers {
		hasType = hasType || strings.EqualFold(h.Name(), "Content-Type")
		req.AppendHeader(h)
	}
	if !hasType {
		req.AppendHeader(sip.NewHeader("Content-Type", c3p.ContentType))
	}
	req.SetBody(body)
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	res, err := c.c.Do(ctx, req)
	if err != nil {
		return nil, err
	}
	return &focusJoin{invite: req, res: res}, nil
}

// inDialog builds a request of the dialog the join established, sent to
// the focus's Contact over the client's connection.
func (j *focusJoin) inDialog(c *client, method sip.RequestMethod, seq uint32) *sip.Request {
	to := j.invite.Recipient
	if ct := j.res.Contact(); ct != nil {
		to = ct.Address
	}
	req := sip.NewRequest(method, to)
	req.SetTransport("TLS")
	req.SetDestination(c.fe.Addr)
	req.AppendHeader(sip.HeaderClone(j.invite.From()))
	req.AppendHeader(sip.HeaderClone(j.res.To()))
	req.AppendHeader(sip.HeaderClone(j.invite.CallID()))
	req.AppendHeader(&sip.CSeqHeader{SeqNo: seq, MethodName: method})
	return req
}

// ack confirms a 2xx to an INVITE (RFC 3261 §13.2.2.4), to its Contact.
func (j *focusJoin) ack(t *testing.T, c *client) {
	t.Helper()
	if err := c.c.WriteRequest(j.inDialog(c, sip.ACK, j.invite.CSeq().SeqNo)); err != nil {
		t.Fatal(err)
	}
}

// bye ends the dialog.
func (j *focusJoin) bye(t *testing.T, c *client) *sip.Response {
	t.Helper()
	bye := j.inDialog(c, sip.BYE, j.invite.CSeq().SeqNo+1)
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	res, err := c.c.Do(ctx, bye)
	if err != nil {
		t.Fatal(err)
	}
	return res
}

func addUser(t *testing.T, focus, self, endpoint string) []byte {
	return mustMarshal(t, &c3p.Request{To: focus, From: self, RequestID: "1", AddUser: &c3p.AddUser{ConfEntity: focus,
		User: c3p.User{Entity: self, Roles: []string{"attendee"}, EndpointEntity: endpoint}}})
}

// Joining the focus: INVITE with addUser, 200 with C3P success listing the
// AV MCU, ACK, the roster shows the participant; BYE leaves.
func TestFocusJoinAndLeave(t *testing.T) {
	defer goleak.VerifyNone(t, goleak.IgnoreCurrent())
	s, _ := start(t, "two-site.yaml")
	m := mustMeeting(t, s, "sip:alice@contoso.com")
	fe := s.FrontEnd("fe-east.contoso.com")
	rmx := newClient(t, s, fe, "rmx-east.contoso.com")
	const self = "sip:rpp-east@contoso.com"
	focus := m.Focus.String()
	j, err := join(t, rmx, focus, self, addUser(t, focus, self, "{9E3D4B39-5A3B-4A56-A8A8-1B1F0A0C0D0E}"))
	if err != nil {
		t.Fatal(err)
	}
	if j.res.StatusCode != 200 {
		t.Fatalf("%s\n%s", j.res.StartLine(), s.Ladder())
	}
	r, err := c3p.ParseResponse(j.res.Body())
	if err != nil {
		t.Fatal(err)
	}
	av, err := r.MCUURI(lync.MCUAudioVideo)
	if r.Code != c3p.CodeSuccess || r.Command != c3p.CommandAddUser || err != nil || !av.Equal(m.AVMCU) {
		t.Fatalf("answer %+v, AV MCU %s (%v)", r, av, err)
	}
	if ct := j.res.Contact(); ct == nil || !ct.Params.Has("isfocus") {
		t.Errorf("200 Contact %v, want the focus with isfocus", ct)
	} else if u, err := lync.ParseConferenceURI(ct.Address.String()); err != nil || !u.Equal(m.Focus) {
		t.Errorf("200 Contact %s: %v", ct.Address.String(), err)
	}
	j.ack(t, rmx)
	// An ACK has no answer: wait until the lab has it, so the ladder's
	// order is known.
	waitFor(t, func() bool { return strings.Contains(s.Ladder(), "ACK ") })
	roster := m.Roster()
	if len(roster) != 1 {
		t.Fatalf("roster %+v", roster)
	}
	p := roster[0]
	if p.Entity != self || p.Endpoint != "{9E3D4B39-5A3B-4A56-A8A8-1B1F0A0C0D0E}" || p.Role != "attendee" || !p.JoinedFocus ||
		p.Computer != "rmx-east.contoso.com" || p.FrontEnd != fe.FQDN || p.Media != lynctest.MediaNone {
		t.Errorf("roster entry %+v", p)
	}
	if res := j.bye(t, rmx); res.StatusCode != 200 {
		t.Errorf("BYE: %s", res.StartLine())
	}
	if p := m.Roster()[0]; p.JoinedFocus {
		t.Errorf("still joined after BYE: %+v", p)
	}
	if res := j.bye(t, rmx); res.StatusCode != 481 {
		t.Errorf("second BYE: %s, want 481", res.StartLine())
	}
	var ladder []string
	for _, msg := range s.Messages() {
		ladder = append(ladder, strings.Fields(msg.StartLine)[0])
	}
	if got := strings.Join(ladder, " "); got != "INVITE SIP/2.0 ACK BYE SIP/2.0 BYE SIP/2.0" {
		t.Errorf("ladder %s\n%s", got, s.Ladder())
	}
	if err := s.Close(); err != nil {
		t.Errorf("Close: %v", err)
	}
}

// The focus refuses what Lync's refuses, with its diagnostics.
func TestFocusRefusals(t *testing.T) {
	defer goleak.VerifyNone(t, goleak.IgnoreCurrent())
	s, _ := start(t, "two-site.yaml")
	m := mustMeeting(t, s, "sip:alice@contoso.com")
	fe := s.FrontEnd("fe-east.contoso.com")
	rmx := newClient(t, s, fe, "rmx-east.contoso.com")
	const self = "sip:rpp-east@contoso.com"
	focus := m.Focus.String()
	other := lync.FocusURI(m.Organizer, "NOSUCHMEETING1").String()
	good := addUser(t, focus, self, "{1}")
	for _, tc := range []struct {
		name    string
		to      string
		from    string
		body    []byte
		headers []sip.Header
		status  int
		diag    int
	}{
		{"unknown conference", other, self, addUser(t, other, self, "{1}"), nil, 404, 7002},
		{"invalid conference URI", "sip:alice@contoso.com;gruu;opaque=app:conf:focus:id:" + strings.Repeat("A", 40), self, good, nil, 404, 3012},
		{"an MCU the lab does not host", m.Focus.MCU(lync.MCUChat).String(), self, good, nil, 404, 3013},
		{"malformed C3P", focus, self, []byte("<request xmlns='urn:ietf:params:xml:ns:cccp'>"), nil, 400, 3006},
		{"getConference to the focus", focus, self, mustMarshal(t, &c3p.Request{To: focus, From: self, RequestID: "1", GetConference: &c3p.GetConference{ConfEntity: focus}}), nil, 400, 3007},
		{"addUser for another user", focus, self, addUser(t, focus, "sip:bob@contoso.com", "{1}"), nil, 400, 3007},
		{"addUser without an endpoint", focus, self, addUser(t, focus, self, ""), nil, 400, 3007},
		{"addUser for another conference", focus, self, addUser(t, other, self, "{1}"), nil, 400, 3003},
		{"SDP to the focus", focus, self, good, []sip.Header{sip.NewHeader("Content-Type", "application/sdp")}, 415, 0},
		{"from nobody", focus, "sip:nobody@contoso.com", addUser(t, focus, "sip:nobody@contoso.com", "{1}"), nil, 404, 4005},
		{"from another pool's endpoint", focus, "sip:rpp-west@contoso.com", addUser(t, focus, "sip:rpp-west@contoso.com", "{1}"), nil, 403, 4004},
	} {
		t.Run(tc.name, func(t *testing.T) {
			j, err := join(t, rmx, tc.to, tc.from, tc.body, tc.headers...)
			if err != nil {
				t.Fatal(err)
			}
			if j.res.StatusCode != tc.status || diagCode(j.res, "ms-diagnostics") != tc.diag {
				t.Errorf("%s, ms-diagnostics %v; want %d with %d", j.res.StartLine(), j.res.GetHeader("ms-diagnostics"), tc.status, tc.diag)
			}
		})
	}
	if r := m.Roster(); len(r) != 0 {
		t.Errorf("refused joins in the roster: %+v", r)
	}
	if err := s.Close(); err != nil {
		t.Errorf("Close: %v", err)
	}
}

// waitFor polls cond until it holds, failing the test after 5 s: for what
// has no answer to wait on, such as an ACK.
func waitFor(t *testing.T, cond func() bool) {
	t.Helper()
	for deadline := time.Now().Add(5 * time.Second); !cond(); time.Sleep(5 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatal("condition not met within 5 s")
		}
	}
}
