package lynctest_test

// FuzzConferencing is FuzzFrontEnd for the conferencing handlers: seeded
// with a focus factory getConference, a focus addUser INVITE, an AV MCU
// INVITE with SDP and their BYEs, so mutations reach the C3P and SDP
// parsers behind the focus, the focus factory and the AV MCU. The lab
// must survive every input. Run it with -fuzzminimizetime 2s, as
// FuzzFrontEnd.

import (
	"crypto/tls"
	"testing"
	"time"

	"github.com/rppkit/rppkit/lync"
	"github.com/rppkit/rppkit/lync/c3p"
	"github.com/rppkit/rppkit/lync/lynctest"
	"github.com/rppkit/rppkit/lync/sdp"
)

func FuzzConferencing(f *testing.F) {
	s := rawStart(f)
	f.Cleanup(func() { s.Close() })
	fe := s.FrontEnd("fe-east.contoso.com")
	cert, err := s.CA.Issue("rmx-east.contoso.com", "rmx-east.contoso.com")
	if err != nil {
		f.Fatal(err)
	}
	conf := s.ClientTLSConfig(cert, string(fe.FQDN))
	alice, _ := lync.ParseSIPAddress("sip:alice@contoso.com")
	m, err := s.CreateMeeting(alice, lynctest.WithConferenceID("F3BMJQ1T"), lynctest.WithDialInID("4411223"),
		lynctest.WithEncryption(lynctest.SupportEncryption))
	if err != nil {
		f.Fatal(err)
	}
	factory := lync.FocusFactoryURI(alice)
	get, _ := (&c3p.Request{To: factory, From: rawEastGRUU, RequestID: "1", GetConference: &c3p.GetConference{DialInID: "4411223"}}).Marshal()
	focus := m.Focus.String()
	add, _ := (&c3p.Request{To: focus, From: rawEastEndpoint, RequestID: "2", AddUser: &c3p.AddUser{ConfEntity: focus,
		User: c3p.User{Entity: rawEastEndpoint, Roles: []string{"attendee"}, EndpointEntity: "{1}"}}}).Marshal()
	host, _ := sdp.ParseCandidate("1 1 UDP 2130706431 127.0.0.1 9 typ host")
	offer, _ := (&sdp.Session{Origin: "RMX", Address: "127.0.0.1", Media: []sdp.Media{{Kind: "audio", Port: 9, Proto: "RTP/SAVP",
		Formats: []string{"0"}, Ufrag: "Bp2K", Pwd: "uQ8PvXcRYHLHRa7a1Hm0sGpw", Candidates: []sdp.Candidate{host},
		Crypto: []string{testCrypto}, Encryption: sdp.EncryptionOptional}}}).Marshal()
	fixed := func(msg *rawMsg, n string) []byte {
		return msg.set("Via", "SIP/2.0/TLS rmx-east.contoso.com:5061;branch=z9hG4bK"+n).
			set("From", "<"+rawEastEndpoint+">;tag=f"+n).set("Call-ID", "seed-"+n+"@rmx-east.contoso.com").bytes()
	}
	f.Add(fixed(rawReq("SERVICE", factory).set("To", "<"+factory+">").set("Contact", "<"+rawEastGRUU+">").
		set("From", "<"+rawEastGRUU+">;tag=1").withBody(c3p.ContentType, get), "c1"))
	f.Add(fixed(rawReq("INVITE", focus).set("To", "<"+focus+">").set("Contact", "<"+rawEastGRUU+">").withBody(c3p.ContentType, add), "c2"))
	f.Add(fixed(rawReq("INVITE", m.AVMCU.String()).set("To", "<"+m.AVMCU.String()+">").withBody(sdp.ContentType, offer), "c3"))
	f.Add(fixed(rawReq("BYE", m.AVMCU.String()).set("To", "<"+m.AVMCU.String()+">;tag=x").set("CSeq", "2 BYE"), "c3"))
	f.Add(fixed(rawReq("BYE", focus).set("To", "<"+focus+">;tag=x").set("CSeq", "2 BYE"), "c2"))
	f.Add(fixed(rawReq("ACK", focus).set("To", "<"+focus+">;tag=x").set("CSeq", "1 ACK"), "c2"))

	f.Fuzz(func(t *testing.T, in []byte) { fuzzAlive(t, fe, conf, in) })
}

// fuzzAlive writes in to the Front End, then a request of its own, whose
// answer (or the connection closing) ends the read early — an input that
// leaves a message unfinished swallows it, and the read runs to its
// deadline — and then checks that the server is alive: a fresh
// connection's OPTIONS still gets 200.
func fuzzAlive(t *testing.T, fe *lynctest.FrontEnd, conf *tls.Config, in []byte) {
	c := fuzzDial(t, fe.Addr, conf)
	_ = c.write(in)
	probe := rawOptions()
	_ = c.write(probe.bytes())
	for deadline := time.Now().Add(fuzzRead); time.Now().Before(deadline); {
		m, err := c.read(time.Until(deadline))
		if err != nil {
			break
		}
		if id := m.CallID(); id != nil && id.Value() == probe.callID() {
			break
		}
	}
	c.close()
	c = fuzzDial(t, fe.Addr, conf)
	defer c.close()
	m := rawOptions()
	if err := c.write(m.bytes()); err != nil {
		t.Fatalf("after %q: %v", in, err)
	}
	res, err := c.answer(m.callID())
	if err != nil || res.StatusCode != 200 {
		t.Fatalf("after %q: a fresh connection's OPTIONS: %v %v", in, res, err)
	}
}
