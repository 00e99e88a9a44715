package lynctest

import (
	"crypto/rand"
	"encoding/base64"
	"errors"
	"fmt"
	"strings"

	"github.com/emiago/sipgo/sip"

	"github.com/rppkit/rppkit/lync"
	"github.com/rppkit/rppkit/lync/sdp"
)

// encryptionMismatch is the refusal of an offer whose encryption the
// meeting's policy does not allow, as Lync clients and the AV MCU write it
// (PROTOCOLS.md §1; "sic" for "dont").
var encryptionMismatch = sip.NewHeader("ms-client-diagnostics", `52017;reason="Encryption levels dont match"`)

// inviteAVMCU answers the cascade's media INVITE to a meeting's AV MCU: SDP
// only (7004), parseable (7008), IPv4 (7009), from a user who joined the
// focus with addUser first (lab convention, DiagNotInFocus), with the
// encryption the meeting's policy allows (52017). The answer carries the
// candidates of the AV MCU's own ICE agents, gathered through the Edge;
// media is echoed once ICE connects.
func (fe *FrontEnd) inviteAVMCU(req *sip.Request, p *peer, u lync.ConferenceURI) *sip.Response {
	c := fe.s.conf
	m, self, refusal := fe.participant(req, p, u, DiagInvalidMCUURI, " is not the AV MCU of a meeting of the lab")
	if refusal != nil {
		return refusal
	}
	if ct := req.ContentType(); ct == nil || !strings.EqualFold(strings.TrimSpace(strings.Split(ct.Value(), ";")[0]), sdp.ContentType) {
		res := fe.refuse(req, 415, "Unsupported Media Type", DiagAVMCUSDPOnly, "")
		res.AppendHeader(sip.NewHeader("Accept", sdp.ContentType))
		return res
	}
	offer, err := sdp.Parse(req.Body())
	switch {
	case errors.Is(err, sdp.ErrIPv6):
		return fe.refuse(req, 488, "Not Acceptable Here", DiagIPv6NotSupported, err.Error())
	case err != nil:
		return fe.refuse(req, 488, "Not Acceptable Here", DiagSDPParse, err.Error())
	}
	pt := m.joined(self)
	if pt == nil {
		return fe.refuse(req, 403, "Forbidden", DiagNotInFocus, fmt.Sprintf("%s has not joined %s with addUser", self, m.Focus))
	}
	encrypt, why := m.encryptionFor(offer)
	if why != "" {
		res := sip.NewResponseFromRequest(req, 488, "Not Acceptable Here", nil)
		res.AppendHeader(encryptionMismatch)
		res.AppendHeader(sip.NewHeader("Warning", fmt.Sprintf("399 %s %q", fe.FQDN, why)))
		return res
	}
	agents, answer, err := fe.answerMedia(m, offer, encrypt)
	if err != nil {
		if errors.Is(err, errNoICE) {
			return fe.refuse(req, 488, "Not Acceptable Here", DiagSDPParse, err.Error())
		}
		fe.s.log.Info("AV MCU could not answer", "error", err)
		res := sip.NewResponseFromRequest(req, 503, "Service Unavailable", nil)
		res.AppendHeader(sip.NewHeader("Warning", fmt.Sprintf("399 %s %q", fe.FQDN, err.Error())))
		return res
	}
	body, err := answer.Marshal()
	if err != nil {
		for _, a := range agents {
			a.close()
		}
		fe.s.log.Error("AV MCU answer", "error", err)
		return sip.NewResponseFromRequest(req, 500, "Server Internal Error", nil)
	}
	callID := req.CallID().Value()
	pt.mu.Lock()
	pt.mediaCall = callID
	pt.mu.Unlock()
	c.startMedia(pt, agents)
	c.addDialog(&confDialog{callID: callID, kind: lync.MCUAudioVideo, meeting: m, participant: pt})
	res := sip.NewResponseFromRequest(req, 200, "OK", body)
	res.AppendHeader(sip.NewHeader("Content-Type", sdp.ContentType))
	res.To().Params.Add("tag", token(8))
	res.AppendHeader(&sip.ContactHeader{Address: req.Recipient})
	return res
}

// encryptionFor decides whether the AV MCU encrypts media with this offer,
// or why the meeting's policy refuses it. An m-line offers encryption when
// it is RTP/SAVP with a=crypto and a=encryption is not "rejected"
// (MS-SDPEXT a=encryption; RFC 4568).
func (m *Meeting) encryptionFor(offer *sdp.Session) (encrypt bool, why string) {
	for _, md := range offer.Media {
		if md.Port == 0 {
			continue
		}
		offers := md.Proto == "RTP/SAVP" && len(md.Crypto) > 0 && md.Encryption != sdp.EncryptionRejected
		switch m.Encryption {
		case RequireEncryption:
			if !offers {
				return false, fmt.Sprintf("the meeting requires encryption; the %s offer is %s with a=encryption:%s and %d a=crypto", md.Kind, md.Proto, md.Encryption, len(md.Crypto))
			}
			encrypt = true
		case DoNotSupportEncryption:
			if md.Encryption == sdp.EncryptionRequired || md.Proto == "RTP/SAVP" && md.Encryption == "" {
				return false, fmt.Sprintf("the meeting does not support encryption; the %s offer requires it", md.Kind)
			}
		default:
			encrypt = encrypt || offers
		}
	}
	return encrypt, ""
}

// errNoICE: the offer has no m-line with ICE credentials and candidates.
var errNoICE = errors.New("no m-line of the offer carries ICE credentials and candidates")

// answerMedia makes one ICE agent per set of ICE credentials in the offer
// (m-lines that share credentials share an agent) and the SDP answer.
// m-lines without ICE are refused with port 0.
func (fe *FrontEnd) answerMedia(m *Meeting, offer *sdp.Session, encrypt bool) ([]*iceAgent, *sdp.Session, error) {
	byCreds := map[string]*iceAgent{}
	var agents []*iceAgent
	fail := func(err error) ([]*iceAgent, *sdp.Session, error) {
		for _, a := range agents {
			a.close()
		}
		return nil, nil, err
	}
	answer := &sdp.Session{Origin: "-", SessionVersion: 1}
	for _, md := range offer.Media {
		out := sdp.Media{Kind: md.Kind, Proto: "RTP/AVP", Formats: md.Formats, Label: md.Label}
		for _, a := range md.Attributes {
			if a.Key == "rtpmap" || a.Key == "fmtp" {
				out.Attributes = append(out.Attributes, a)
			}
		}
		if md.Port == 0 || md.Ufrag == "" || md.Pwd == "" || len(md.Candidates) == 0 {
			answer.Media = append(answer.Media, out) // port 0: refused
			continue
		}
		key := md.Ufrag + "\x00" + md.Pwd
		a := byCreds[key]
		if a == nil {
			var err error
			if a, err = fe.newAgent(fe.s.conf.ctx, m.AVMCU.String()); err != nil {
				return fail(err)
			}
			a.remoteUfrag, a.remotePwd = md.Ufrag, md.Pwd
			byCreds[key] = a
			agents = append(agents, a)
		}
		for _, c := range md.Candidates {
			if c.Component != 1 || c.Transport != sdp.TransportUDP {
				continue // the AV MCU's agents run one UDP component
			}
			ic, err := c.ToICE()
			if err != nil {
				continue
			}
			if err := a.agent.AddRemoteCandidate(ic); err != nil {
				fe.s.log.Debug("remote candidate refused", "candidate", c.String(), "error", err)
			}
		}
		out.Ufrag, out.Pwd = a.ufrag, a.pwd
		out.Candidates = sdp.FromICECandidates(a.candidates)
		out.Address, out.Port = a.candidates[0].Address(), a.candidates[0].Port()
		out.Encryption = m.encryptionAttribute()
		if encrypt {
			line, err := answerCrypto(md.Crypto)
			if err != nil {
				return fail(err)
			}
			out.Proto, out.Crypto = "RTP/SAVP", []string{line}
		}
		if answer.Address == "" {
			answer.Address = out.Address
		}
		answer.Media = append(answer.Media, out)
	}
	if len(agents) == 0 {
		return fail(errNoICE)
	}
	return agents, answer, nil
}

// encryptionAttribute is the a=encryption the AV MCU writes for its
// policy.
func (m *Meeting) encryptionAttribute() sdp.Encryption {
	switch m.Encryption {
	case RequireEncryption:
		return sdp.EncryptionRequired
	case DoNotSupportEncryption:
		return sdp.EncryptionRejected
	}
	return sdp.EncryptionOptional
}

// answerCrypto answers the first a=crypto of an offer with the same tag and
// suite and a key of the AV MCU's own (RFC 4568 §7.1.2). The lab does not
// run SRTP: it negotiates keys as the AV MCU would and echoes what arrives.
func answerCrypto(offered []string) (string, error) {
	f := strings.Fields(offered[0])
	if len(f) < 2 {
		return "", fmt.Errorf("lynctest: a=crypto %q", offered[0])
	}
	key := make([]byte, 30) // AES_CM_128: 16-byte key, 14-byte salt
	if _, err := rand.Read(key); err != nil {
		return "", err
	}
	return fmt.Sprintf("%s %s inline:%s|2^31", f[0], f[1], base64.StdEncoding.EncodeToString(key)), nil
}
