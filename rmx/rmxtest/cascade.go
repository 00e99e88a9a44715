package rmxtest

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"sync"

	"github.com/emiago/sipgo/sip"
	"github.com/pion/ice/v2"

	"github.com/rppkit/rppkit/lync"
	"github.com/rppkit/rppkit/lync/c3p"
	"github.com/rppkit/rppkit/lync/sdp"
	"github.com/rppkit/rppkit/rmx"
)

// WithoutFocusJoin makes the stand-in skip the focus: Cascade INVITEs the
// AV MCU without joining the conference with addUser first — a
// deliberately wrong device, for the tests that prove the kit notices.
func WithoutFocusJoin() Option { return func(o *options) { o.skipFocus = true } }

// WithAVMCUContentType makes the stand-in label its SDP offer to the AV MCU
// with ct instead of application/sdp — a deliberately wrong device (the AV
// MCU takes application/sdp only, MS-OCER 7004).
func WithAVMCUContentType(ct string) Option { return func(o *options) { o.avmcuContentType = ct } }

// Encryption returns the a=encryption value (MS-SDP, "Session
// Description Protocol (SDP) Extensions": required, optional, rejected)
// that a conference profile's encryption setting makes the RMX offer:
// always → required, when available → optional, none → rejected.
func Encryption(e rmx.Encryption) sdp.Encryption {
	switch e {
	case rmx.EncryptAlways:
		return sdp.EncryptionRequired
	case rmx.EncryptWhenAvailable:
		return sdp.EncryptionOptional
	}
	return sdp.EncryptionRejected
}

// Cascade is the RMX's link into a Lync meeting: its dialog with the focus
// (unless WithoutFocusJoin), its media dialog with the AV MCU, and the
// media flowing over ICE through the Edge relay.
type Cascade struct {
	// Focus is the meeting's focus URI; AVMCU the AV MCU URI the RMX sent
	// its media INVITE to.
	Focus, AVMCU lync.ConferenceURI
	// Encryption is what the RMX offered, from its conference profile.
	Encryption sdp.Encryption

	r          *RMX
	focusDlg   *dialog // nil WithoutFocusJoin
	avmcuDlg   *dialog
	media      *media
	hangupOnce sync.Once
	hangupErr  error
}

// dialog is what the RMX keeps of an INVITE it sent and its 2xx, to
// acknowledge and end it.
type dialog struct {
	invite *sip.Request
	answer *sip.Response
}

// Stats returns the media counted so far and the selected candidate pair.
func (c *Cascade) Stats() MediaStats { return c.media.stats() }

// Cascade joins the Lync meeting whose focus is focus as the RMX does for
// RealConnect, once Start has brought ICE up: it joins the focus with C3P
// addUser (INVITE, 200, ACK), takes the AV MCU URI from the focus's answer
// (or derives it from the focus URI), gathers relay candidates with the
// MRAS credentials, INVITEs the AV MCU with SDP carrying them and the
// a=encryption of its conference profile, runs ICE through the Edge relay
// and starts media both ways. It returns once the AV MCU's first media
// arrived; failures are *Error values of PhaseCascade (signalling) or
// PhaseMedia (ICE, media).
//
// The RMX uses its first conference profile; without one it offers no
// encryption.
func (r *RMX) Cascade(ctx context.Context, focus lync.ConferenceURI) (*Cascade, error) {
	r.mu.Lock()
	st := r.status
	r.mu.Unlock()
	if st == nil || st.State != StateReady || st.Credentials == nil {
		state := "not started"
		if st != nil {
			state = st.State
		}
		return nil, fail(PhaseCascade, nil, "ICE is "+state+"; Cascade needs ICE ready with relay credentials", ErrNotReady)
	}
	if focus.Type != lync.MCUFocus {
		return nil, fail(PhaseCascade, nil, focus.String(), fmt.Errorf("%w: not a focus URI", lync.ErrInvalidConferenceURI))
	}
	c := &Cascade{r: r, Focus: focus, AVMCU: focus.MCU(lync.MCUAudioVideo), Encryption: Encryption(r.profileEncryption())}
	ok := false
	defer func() {
		if !ok { // leave the focus again, as the device does when the media fails
			if c.focusDlg != nil {
				bctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), r.o.timeout)
				_ = r.bye(bctx, c.focusDlg)
				cancel()
			}
			c.Close()
		}
	}()
	if !r.o.skipFocus {
		if err := c.joinFocus(ctx, st); err != nil {
			return nil, err
		}
	}
	if err := c.joinAVMCU(ctx, st); err != nil {
		return nil, err
	}
	wait, cancel := context.WithTimeout(ctx, r.o.timeout)
	defer cancel()
	if err := c.media.waitReceived(wait); err != nil {
		return nil, fail(PhaseMedia, nil, "no media from the AV MCU", err)
	}
	ok = true
	return c, nil
}

// ErrNotReady: Cascade was called before Start brought ICE up with relay
// credentials.
var ErrNotReady = errors.New("ICE is not ready")

// ErrNoAnswerBody: the 200 to an INVITE carried no usable body.
var ErrNoAnswerBody = errors.New("the answer carries no usable body")

func (r *RMX) profileEncryption() rmx.Encryption {
	if len(r.sys.ConferenceProfiles) == 0 {
		return rmx.EncryptNone
	}
	return r.sys.ConferenceProfiles[0].Encryption
}

// joinFocus sends the addUser INVITE and acknowledges the 200.
func (c *Cascade) joinFocus(ctx context.Context, st *Status) error {
	r := c.r
	body, err := (&c3p.Request{To: c.Focus.String(), From: st.Identity, RequestID: strconv.Itoa(int(randomUint16())),
		AddUser: &c3p.AddUser{ConfEntity: c.Focus.String(), User: c3p.User{
			Entity: st.Identity, Roles: []string{"attendee"}, EndpointEntity: "{" + newGUID() + "}"}}}).Marshal()
	if err != nil {
		return fail(PhaseCascade, nil, "addUser", err)
	}
	d, res, e := c.invite(ctx, st, c.Focus.String(), c3p.ContentType, body)
	if e != nil {
		return e
	}
	if res.StatusCode != 200 {
		return fail(PhaseCascade, nil, "focus: "+reason(res), nil)
	}
	c.focusDlg = d
	if err := r.ack(d); err != nil {
		return fail(PhaseCascade, nil, "ACK to the focus", err)
	}
	ans, err := c3p.ParseResponse(res.Body())
	if err != nil {
		return fail(PhaseCascade, nil, "focus: the addUser answer", fmt.Errorf("%w: %w", ErrNoAnswerBody, err))
	}
	if ans.Code != c3p.CodeSuccess {
		return fail(PhaseCascade, nil, fmt.Sprintf("focus: addUser %s %s", ans.Code, ans.Reason), nil)
	}
	// The AV MCU URI as the focus lists it; derived from the focus URI when
	// the answer lists none (Lync gives it in the conference package).
	if u, err := ans.MCUURI(lync.MCUAudioVideo); err == nil {
		c.AVMCU = u
	}
	return nil
}

// joinAVMCU gathers relay candidates, sends the SDP offer to the AV MCU,
// acknowledges the answer, runs ICE and starts the media.
func (c *Cascade) joinAVMCU(ctx context.Context, st *Status) error {
	r := c.r
	agent, cands, err := GatherRelay(ctx, st.Relay, st.Credentials.Username, st.Credentials.Password, r.o.timeout, r.o.logger)
	if err != nil {
		if agent != nil {
			agent.Close()
		}
		return fail(PhaseMedia, rmx.SymptomNoRelay, st.Relay, err)
	}
	closeAgent := true
	defer func() {
		if closeAgent {
			agent.Close()
		}
	}()
	offer, err := c.offer(agent, cands)
	if err != nil {
		return fail(PhaseCascade, nil, "SDP offer", err)
	}
	ct := sdp.ContentType
	if r.o.avmcuContentType != "" {
		ct = r.o.avmcuContentType
	}
	d, res, e := c.invite(ctx, st, c.AVMCU.String(), ct, offer)
	if e != nil {
		return e
	}
	if res.StatusCode != 200 {
		var symptom *rmx.Symptom
		if res.StatusCode == 488 {
			// MS-SDP: 488 when the encryption levels are not compatible;
			// the RMX shows the call's video as not accepted.
			symptom = rmx.SymptomVideoNotAccepted
		}
		return fail(PhaseCascade, symptom, "AV MCU: "+reason(res), nil)
	}
	c.avmcuDlg = d
	if err := r.ack(d); err != nil {
		return fail(PhaseCascade, nil, "ACK to the AV MCU", err)
	}
	ufrag, pwd, remote, err := iceOf(res.Body())
	if err != nil {
		return fail(PhaseCascade, nil, "AV MCU: the SDP answer", fmt.Errorf("%w: %w", ErrNoAnswerBody, err))
	}
	for _, rc := range remote {
		if err := agent.AddRemoteCandidate(rc); err != nil {
			return fail(PhaseMedia, nil, "AV MCU candidate "+rc.String(), err)
		}
	}
	dial, cancel := context.WithTimeout(ctx, r.o.timeout)
	defer cancel()
	conn, err := agent.Dial(dial, ufrag, pwd) // the offerer controls (RFC 8445 §6.1.1)
	if err != nil {
		return fail(PhaseMedia, nil, "ICE with the AV MCU did not connect", err)
	}
	closeAgent = false // the connection owns it now
	c.media = startMedia(conn, agent)
	return nil
}

// offer is the RMX's SDP offer to the AV MCU: one video stream whose ICE
// candidates are the relay candidates, with the profile's a=encryption
// and, unless encryption is rejected, an SRTP key (RTP/SAVP, a=crypto).
func (c *Cascade) offer(agent *ice.Agent, cands []ice.Candidate) ([]byte, error) {
	ufrag, pwd, err := agent.GetLocalUserCredentials()
	if err != nil {
		return nil, err
	}
	m := sdp.Media{Kind: "video", Proto: "RTP/AVP", Formats: []string{"122", "121"}, Ufrag: ufrag, Pwd: pwd,
		Encryption: c.Encryption, Label: "main-video"}
	for _, ic := range cands {
		m.Candidates = append(m.Candidates, sdp.FromICE(ic))
	}
	m.Port = m.Candidates[0].Port
	if c.Encryption != sdp.EncryptionRejected {
		key := make([]byte, 30) // AES_CM_128 master key and salt (RFC 4568 §6.2.1)
		if _, err := rand.Read(key); err != nil {
			return nil, err
		}
		m.Proto = "RTP/SAVP"
		m.Crypto = []string{"2 AES_CM_128_HMAC_SHA1_80 inline:" + base64.StdEncoding.EncodeToString(key) + "|2^31|1:1"}
	}
	s := &sdp.Session{Origin: "RMX", Address: m.Candidates[0].Address, Media: []sdp.Media{m}}
	return s.Marshal()
}

// iceOf reads the ICE credentials and candidates of an SDP answer's first
// stream that has them.
func iceOf(body []byte) (string, string, []ice.Candidate, error) {
	s, err := sdp.Parse(body)
	if err != nil {
		return "", "", nil, err
	}
	for _, m := range s.Media {
		if m.Ufrag == "" || len(m.Candidates) == 0 {
			continue
		}
		var out []ice.Candidate
		for _, sc := range m.Candidates {
			ic, err := sc.ToICE()
			if err != nil {
				return "", "", nil, err
			}
			out = append(out, ic)
		}
		return m.Ufrag, m.Pwd, out, nil
	}
	return "", "", nil, errors.New("no stream with ICE credentials and candidates")
}

// invite sends an INVITE to uri through the SIP server and returns the
// dialog and the final answer.
func (c *Cascade) invite(ctx context.Context, st *Status, uri, contentType string, body []byte) (*dialog, *sip.Response, *Error) {
	r := c.r
	to, err := r.uri(uri)
	if err != nil {
		return nil, nil, fail(PhaseCascade, nil, uri, err)
	}
	id, _ := r.uri(st.Identity)
	req := sip.NewRequest(sip.INVITE, to)
	r.dialogHeaders(req, id, to, r.contact(id))
	req.AppendHeader(sip.NewHeader("Content-Type", contentType))
	req.SetBody(body)
	res, e := r.send(ctx, PhaseCascade, req)
	if e != nil {
		return nil, nil, e
	}
	return &dialog{invite: req, answer: res}, res, nil
}

// ack acknowledges a 2xx (RFC 3261 §13.2.2.4): a new transaction, sent
// through the SIP server like every request of the RMX.
func (r *RMX) ack(d *dialog) error {
	req := r.inDialog(d, sip.ACK, d.invite.CSeq().SeqNo)
	return r.client.WriteRequest(req)
}

// inDialog builds a request within the dialog of d.
func (r *RMX) inDialog(d *dialog, method sip.RequestMethod, seq uint32) *sip.Request {
	target := d.invite.Recipient
	if ct := d.answer.Contact(); ct != nil {
		target = ct.Address
	}
	req := sip.NewRequest(method, *target.Clone())
	req.AppendHeader(sip.HeaderClone(d.invite.From()))
	req.AppendHeader(sip.HeaderClone(d.answer.To()))
	req.AppendHeader(sip.HeaderClone(d.invite.CallID()))
	req.AppendHeader(&sip.CSeqHeader{SeqNo: seq, MethodName: method})
	mf := sip.MaxForwardsHeader(70)
	req.AppendHeader(&mf)
	req.SetTransport("TLS")
	req.SetDestination(d.invite.Destination())
	return req
}

// bye ends the dialog of d.
func (r *RMX) bye(ctx context.Context, d *dialog) error {
	res, e := r.send(ctx, PhaseCascade, r.inDialog(d, sip.BYE, d.invite.CSeq().SeqNo+1))
	if e != nil {
		return e
	}
	if res.StatusCode != 200 {
		return fail(PhaseCascade, nil, "BYE: "+reason(res), nil)
	}
	return nil
}

// Hangup ends the cascade: BYE to the AV MCU, then to the focus, then the
// media stop. The first failure is returned; everything is released
// whatever happens.
func (c *Cascade) Hangup(ctx context.Context) error {
	c.hangupOnce.Do(func() {
		var errs []error
		for _, d := range []*dialog{c.avmcuDlg, c.focusDlg} {
			if d != nil {
				errs = append(errs, c.r.bye(ctx, d))
			}
		}
		errs = append(errs, c.Close())
		c.hangupErr = errors.Join(errs...)
	})
	return c.hangupErr
}

// Close stops the media and releases the ICE agent without BYE (Hangup
// sends them). It is safe to call more than once.
func (c *Cascade) Close() error {
	if c.media != nil {
		return c.media.close()
	}
	return nil
}

// contact is the Contact the RMX writes for identity id: on the new ICE
// method the pool's Service GRUU from SIP_CONTACT_OVERRIDE_STR, with sip:
// put in front (and a leading sip: of the flag stripped first on firmware
// that does, WithSchemeStripping); otherwise its own address.
func (r *RMX) contact(id sip.Uri) sip.Uri {
	own, _ := r.ownContact(id.User)
	if r.method() != rmx.ICENew {
		return own
	}
	v, ok := r.sys.Flags.ContactOverride()
	if !ok {
		return own
	}
	if r.o.stripScheme && len(v) >= 4 && strings.EqualFold(v[:4], "sip:") {
		v = v[4:]
	}
	if c, err := r.uri("sip:" + v); err == nil {
		return c
	}
	return own
}

func randomUint16() uint16 {
	var b [2]byte
	_, _ = rand.Read(b[:])
	return uint16(b[0])<<8 | uint16(b[1])
}

// newGUID returns a random (version 4) GUID in Lync's upper-case form.
func newGUID() string {
	var b [16]byte
	_, _ = rand.Read(b[:])
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	return strings.ToUpper(fmt.Sprintf("%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:16]))
}
