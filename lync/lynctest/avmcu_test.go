package lynctest_test

import (
	"bytes"
	"context"
	"io"
	"log/slog"
	"net"
	"strconv"
	"testing"
	"time"

	"github.com/emiago/sipgo/sip"
	"go.uber.org/goleak"

	"github.com/rppkit/rppkit/lync/lynctest"
	"github.com/rppkit/rppkit/lync/mras"
	"github.com/rppkit/rppkit/lync/sdp"
	"github.com/rppkit/rppkit/rmx/rmxtest"
)

const testCrypto = "2 AES_CM_128_HMAC_SHA1_80 inline:Tf5WkE7x3rC1cNw9pZ0qH2bVjL4mS8aYdGfK6uRo|2^31"

// offer is an audio offer as the cascade sends it.
func offer(t *testing.T, proto string, enc sdp.Encryption, crypto bool, ufrag, pwd string, cands []sdp.Candidate) []byte {
	t.Helper()
	md := sdp.Media{Kind: "audio", Port: 40000, Proto: proto, Formats: []string{"0", "8"}, Ufrag: ufrag, Pwd: pwd,
		Candidates: cands, Encryption: enc, Label: "main-audio",
		Attributes: []sdp.Attribute{{Key: "rtpmap", Value: "0 PCMU/8000"}, {Key: "rtpmap", Value: "8 PCMA/8000"}}}
	if len(cands) > 0 {
		md.Port = cands[0].Port
	}
	if crypto {
		md.Crypto = []string{testCrypto}
	}
	b, err := (&sdp.Session{Origin: "RMX", Address: "127.0.0.1", Media: []sdp.Media{md}}).Marshal()
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// mrasCredentials asks MRAS for relay credentials as the RMX does on the
// new ICE method: From its endpoint, Contact its pool's Service GRUU.
func mrasCredentials(t *testing.T, s *lynctest.Server, c *client, self string) *mras.CredentialsResponse {
	t.Helper()
	uri := c.fe.Edge.MRASURI
	body, _ := (&mras.Request{RequestID: "1", Version: "2.0", To: uri, From: self,
		Credentials: []mras.CredentialsRequest{{ID: "1", Identity: self, Location: mras.Internet, Duration: 480}}}).Marshal()
	res, err := c.request(context.Background(), "SERVICE", uri, body, fromHeader(t, self), &sip.ToHeader{Address: uriOf(t, uri)},
		&sip.ContactHeader{Address: uriOf(t, gruuEast)}, sip.NewHeader("Content-Type", mras.ContentType))
	if err != nil {
		t.Fatal(err)
	}
	r, err := mras.ParseResponse(res.Body())
	if err != nil || r.ReasonPhrase != mras.OK || len(r.Credentials) != 1 {
		t.Fatalf("MRAS: %v %+v\n%s", err, r, s.Ladder())
	}
	return &r.Credentials[0]
}

// The cascade: join the focus, INVITE the AV MCU with relay candidates
// from MRAS credentials; the AV MCU answers with its own relay candidates,
// ICE connects through the Edge relay, media is echoed and counted both
// ways, the selected pair is relay on both sides; BYE ends the media.
func TestAVMCUCascadeMedia(t *testing.T) {
	defer goleak.VerifyNone(t, goleak.IgnoreCurrent())
	s, _ := start(t, "two-site.yaml")
	m := mustMeeting(t, s, "sip:alice@contoso.com")
	rmx := newClient(t, s, s.FrontEnd("fe-east.contoso.com"), "rmx-east.contoso.com")
	rawRegistered(t, s, s.FrontEnd("fe-east.contoso.com"), rawRegister()) // MRAS serves registered identities
	const self = "sip:rpp-east@contoso.com"
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()

	focus := m.Focus.String()
	fj, err := join(t, rmx, focus, self, addUser(t, focus, self, "{9E3D4B39-5A3B-4A56-A8A8-1B1F0A0C0D0E}"))
	if err != nil || fj.res.StatusCode != 200 {
		t.Fatalf("addUser: %v %v", fj, err)
	}
	fj.ack(t, rmx)

	cr := mrasCredentials(t, s, rmx, self)
	relay := net.JoinHostPort(cr.Relays[0].HostName, strconv.Itoa(cr.Relays[0].UDPPort))
	quiet := slog.New(slog.NewTextHandler(io.Discard, nil))
	agent, cands, err := rmxtest.GatherRelay(ctx, relay, cr.Credentials.Username, cr.Credentials.Password, 5*time.Second, quiet)
	if agent != nil {
		defer agent.Close()
	}
	if err != nil {
		t.Fatal(err)
	}
	ufrag, pwd, _ := agent.GetLocalUserCredentials()
	mj, err := join(t, rmx, m.AVMCU.String(), self, offer(t, "RTP/SAVP", sdp.EncryptionRequired, true, ufrag, pwd, sdp.FromICECandidates(cands)),
		sip.NewHeader("Content-Type", sdp.ContentType))
	if err != nil {
		t.Fatal(err)
	}
	if mj.res.StatusCode != 200 {
		t.Fatalf("AV MCU INVITE: %s %v\n%s", mj.res.StartLine(), mj.res.GetHeader("Warning"), s.Ladder())
	}
	answer, err := sdp.Parse(mj.res.Body())
	if err != nil {
		t.Fatalf("answer: %v\n%s", err, mj.res.Body())
	}
	a := answer.Media[0]
	if a.Proto != "RTP/SAVP" || len(a.Crypto) != 1 || a.Encryption != sdp.EncryptionRequired || a.Crypto[0] == testCrypto {
		t.Errorf("answer %s, crypto %v, encryption %s; want RTP/SAVP with a key of its own, required", a.Proto, a.Crypto, a.Encryption)
	}
	for _, c := range a.Candidates {
		if c.Type != sdp.TypeRelay {
			t.Errorf("AV MCU candidate %s: want relay only", c)
		}
		ic, err := c.ToICE()
		if err != nil {
			t.Fatal(err)
		}
		if err := agent.AddRemoteCandidate(ic); err != nil {
			t.Fatal(err)
		}
	}
	mj.ack(t, rmx)
	conn, err := agent.Dial(ctx, a.Ufrag, a.Pwd)
	if err != nil {
		t.Fatalf("ICE: %v", err)
	}
	const packets, size = 20, 172 // 20 ms of G.711 with its RTP header
	for i := range packets {
		out := bytes.Repeat([]byte{byte(i)}, size)
		if _, err := conn.Write(out); err != nil {
			t.Fatal(err)
		}
		in := make([]byte, 1500)
		_ = conn.SetReadDeadline(time.Now().Add(5 * time.Second))
		n, err := conn.Read(in)
		if err != nil || !bytes.Equal(in[:n], out) {
			t.Fatalf("echo %d: %d bytes, %v", i, n, err)
		}
	}
	pair, err := agent.GetSelectedCandidatePair()
	if err != nil || pair.Local.Type().String() != "relay" || pair.Remote.Type().String() != "relay" {
		t.Errorf("the RMX's selected pair %v (%v); want relay on both sides", pair, err)
	}
	var p lynctest.Participant
	for deadline := time.Now().Add(5 * time.Second); time.Now().Before(deadline); time.Sleep(10 * time.Millisecond) {
		if p = m.Roster()[0]; p.BytesOut == packets*size {
			break
		}
	}
	if p.Media != lynctest.MediaConnected || p.BytesIn != packets*size || p.BytesOut != packets*size ||
		p.LocalCandidate != "relay" || p.RemoteCandidate != "relay" {
		t.Errorf("roster entry %+v; want connected, %d bytes each way, relay on both sides", p, packets*size)
	}
	if res := mj.bye(t, rmx); res.StatusCode != 200 {
		t.Errorf("BYE to the AV MCU: %s", res.StartLine())
	}
	if p := m.Roster()[0]; p.Media != lynctest.MediaEnded || !p.JoinedFocus {
		t.Errorf("after BYE to the AV MCU: %+v", p)
	}
	if res := fj.bye(t, rmx); res.StatusCode != 200 {
		t.Errorf("BYE to the focus: %s", res.StartLine())
	}
	conn.Close()
	agent.Close()
	if err := s.Close(); err != nil {
		t.Errorf("Close: %v", err)
	}
}

// The AV MCU refuses what the real one refuses, with its diagnostics; the
// meeting's encryption policy decides which offers it takes.
func TestAVMCURefusals(t *testing.T) {
	defer goleak.VerifyNone(t, goleak.IgnoreCurrent())
	s, _ := start(t, "two-site.yaml")
	rmx := newClient(t, s, s.FrontEnd("fe-east.contoso.com"), "rmx-east.contoso.com")
	const self = "sip:rpp-east@contoso.com"
	host, err := sdp.ParseCandidate("1 1 UDP 2130706431 127.0.0.1 40000 typ host")
	if err != nil {
		t.Fatal(err)
	}
	cands := []sdp.Candidate{host}
	const ufrag, pwd = "Bp2K", "uQ8PvXcRYHLHRa7a1Hm0sGpw"
	encrypted := offer(t, "RTP/SAVP", sdp.EncryptionRequired, true, ufrag, pwd, cands)
	ctSDP := sip.NewHeader("Content-Type", sdp.ContentType)
	meetings := map[lynctest.EncryptionLevel]*lynctest.Meeting{}
	for _, level := range []lynctest.EncryptionLevel{lynctest.RequireEncryption, lynctest.SupportEncryption, lynctest.DoNotSupportEncryption} {
		m := mustMeeting(t, s, "sip:bob@contoso.com", lynctest.WithEncryption(level))
		focus := m.Focus.String()
		j, err := join(t, rmx, focus, self, addUser(t, focus, self, "{1}"))
		if err != nil || j.res.StatusCode != 200 {
			t.Fatalf("addUser: %v", err)
		}
		j.ack(t, rmx)
		meetings[level] = m
	}
	notJoined := mustMeeting(t, s, "sip:alice@contoso.com")
	required := meetings[lynctest.RequireEncryption]
	for _, tc := range []struct {
		name       string
		m          *lynctest.Meeting
		to         string // instead of the meeting's AV MCU
		body       []byte
		header     sip.Header
		status     int
		diag       int
		clientDiag int
	}{
		{"before addUser", notJoined, "", encrypted, ctSDP, 403, lynctest.DiagNotInFocus.Code, 0},
		{"C3P content type", required, "", encrypted, sip.NewHeader("Content-Type", "application/cccp+xml"), 415, 7004, 0},
		{"multipart content type", required, "", encrypted, sip.NewHeader("Content-Type", "multipart/alternative;boundary=x"), 415, 7004, 0},
		{"SDP that does not parse", required, "", []byte("v=0\r\nthis is not SDP\r\n"), ctSDP, 488, 7008, 0},
		{"IPv6 connection address", required, "", bytes.Replace(encrypted, []byte("IN IP4 127.0.0.1"), []byte("IN IP6 ::1"), -1), ctSDP, 488, 7009, 0},
		{"an AV MCU of no meeting", required, "sip:alice@contoso.com;gruu;opaque=app:conf:audio-video:id:NOSUCHMEETING", encrypted, ctSDP, 404, 3013, 0},
		{"no ICE in the offer", required, "", offer(t, "RTP/SAVP", sdp.EncryptionRequired, true, "", "", nil), ctSDP, 488, 7008, 0},
		{"encryption rejected, meeting requires it", required, "", offer(t, "RTP/AVP", sdp.EncryptionRejected, false, ufrag, pwd, cands), ctSDP, 488, 0, 52017},
		{"RTP/AVP without a=crypto, meeting requires encryption", required, "", offer(t, "RTP/AVP", "", false, ufrag, pwd, cands), ctSDP, 488, 0, 52017},
		{"RTP/SAVP but a=encryption:rejected", required, "", offer(t, "RTP/SAVP", sdp.EncryptionRejected, true, ufrag, pwd, cands), ctSDP, 488, 0, 52017},
		{"encryption required, meeting does not support it", meetings[lynctest.DoNotSupportEncryption], "", encrypted, ctSDP, 488, 0, 52017},
		{"unencrypted, meeting supports encryption", meetings[lynctest.SupportEncryption], "", offer(t, "RTP/AVP", sdp.EncryptionRejected, false, ufrag, pwd, cands), ctSDP, 200, 0, 0},
		{"unencrypted, meeting does not support encryption", meetings[lynctest.DoNotSupportEncryption], "", offer(t, "RTP/AVP", sdp.EncryptionRejected, false, ufrag, pwd, cands), ctSDP, 200, 0, 0},
		{"encrypted, meeting requires encryption", required, "", encrypted, ctSDP, 200, 0, 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			to := tc.to
			if to == "" {
				to = tc.m.AVMCU.String()
			}
			j, err := join(t, rmx, to, self, tc.body, tc.header)
			if err != nil {
				t.Fatal(err)
			}
			if j.res.StatusCode != tc.status || diagCode(j.res, "ms-diagnostics") != tc.diag || diagCode(j.res, "ms-client-diagnostics") != tc.clientDiag {
				t.Fatalf("%s, ms-diagnostics %v, ms-client-diagnostics %v; want %d with %d/%d", j.res.StartLine(),
					j.res.GetHeader("ms-diagnostics"), j.res.GetHeader("ms-client-diagnostics"), tc.status, tc.diag, tc.clientDiag)
			}
			if tc.clientDiag != 0 {
				if h := j.res.GetHeader("ms-client-diagnostics"); h.Value() != `52017;reason="Encryption levels dont match"` {
					t.Errorf("ms-client-diagnostics: %s", h.Value())
				}
			}
			if tc.status == 200 {
				a, err := sdp.Parse(j.res.Body())
				if err != nil {
					t.Fatal(err)
				}
				if unencrypted := tc.m.Encryption != lynctest.RequireEncryption; unencrypted != (a.Media[0].Proto == "RTP/AVP" && len(a.Media[0].Crypto) == 0) {
					t.Errorf("answer %s with %d a=crypto to a %s meeting", a.Media[0].Proto, len(a.Media[0].Crypto), tc.m.Encryption)
				}
				j.ack(t, rmx)
				if res := j.bye(t, rmx); res.StatusCode != 200 {
					t.Errorf("BYE: %s", res.StartLine())
				}
			}
		})
	}
	if err := s.Close(); err != nil {
		t.Errorf("Close: %v", err)
	}
}

// The end of the context given to NewServer ends every media session and
// leaves no goroutine behind.
func TestAVMCUContextEndsMedia(t *testing.T) {
	defer goleak.VerifyNone(t, goleak.IgnoreCurrent())
	d := loadExample(t, "two-site.yaml")
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	s, err := lynctest.NewServer(ctx, &d.Lync)
	if err != nil {
		t.Fatal(err)
	}
	m := mustMeeting(t, s, "sip:alice@contoso.com", lynctest.WithEncryption(lynctest.SupportEncryption))
	rmx := newClient(t, s, s.FrontEnd("fe-east.contoso.com"), "rmx-east.contoso.com")
	const self = "sip:rpp-east@contoso.com"
	focus := m.Focus.String()
	if j, err := join(t, rmx, focus, self, addUser(t, focus, self, "{1}")); err != nil || j.res.StatusCode != 200 {
		t.Fatalf("addUser: %v", err)
	}
	host, _ := sdp.ParseCandidate("1 1 UDP 2130706431 127.0.0.1 9 typ host") // nobody answers ICE there
	j, err := join(t, rmx, m.AVMCU.String(), self, offer(t, "RTP/AVP", "", false, "Bp2K", "uQ8PvXcRYHLHRa7a1Hm0sGpw", []sdp.Candidate{host}),
		sip.NewHeader("Content-Type", sdp.ContentType))
	if err != nil || j.res.StatusCode != 200 {
		t.Fatalf("AV MCU INVITE: %v %v", j, err)
	}
	if p := m.Roster()[0]; p.Media != lynctest.MediaConnecting {
		t.Errorf("media %s, want connecting", p.Media)
	}
	rmx.c.Close()
	rmx.ua.Close()
	cancel()
	if err := s.Close(); err != nil { // waits for the Close the context started
		t.Errorf("Close: %v", err)
	}
	if p := m.Roster()[0]; p.Media != lynctest.MediaEnded {
		t.Errorf("media %s after the lab closed, want ended", p.Media)
	}
}

// Leaving the focus ends the participant's media leg: its AV MCU dialog is
// gone too.
func TestFocusByeEndsMedia(t *testing.T) {
	defer goleak.VerifyNone(t, goleak.IgnoreCurrent())
	s, _ := start(t, "two-site.yaml")
	m := mustMeeting(t, s, "sip:alice@contoso.com", lynctest.WithEncryption(lynctest.SupportEncryption))
	rmx := newClient(t, s, s.FrontEnd("fe-east.contoso.com"), "rmx-east.contoso.com")
	const self = "sip:rpp-east@contoso.com"
	focus := m.Focus.String()
	fj, err := join(t, rmx, focus, self, addUser(t, focus, self, "{1}"))
	if err != nil || fj.res.StatusCode != 200 {
		t.Fatalf("addUser: %v", err)
	}
	host, _ := sdp.ParseCandidate("1 1 UDP 2130706431 127.0.0.1 9 typ host")
	mj, err := join(t, rmx, m.AVMCU.String(), self, offer(t, "RTP/AVP", "", false, "Bp2K", "uQ8PvXcRYHLHRa7a1Hm0sGpw", []sdp.Candidate{host}),
		sip.NewHeader("Content-Type", sdp.ContentType))
	if err != nil || mj.res.StatusCode != 200 {
		t.Fatalf("AV MCU INVITE: %v %v", mj, err)
	}
	if res := fj.bye(t, rmx); res.StatusCode != 200 {
		t.Fatalf("BYE to the focus: %s", res.StartLine())
	}
	if p := m.Roster()[0]; p.JoinedFocus || p.Media != lynctest.MediaEnded {
		t.Errorf("after leaving the focus: %+v", p)
	}
	if res := mj.bye(t, rmx); res.StatusCode != 481 {
		t.Errorf("BYE to the AV MCU after leaving the focus: %s, want 481", res.StartLine())
	}
	if err := s.Close(); err != nil {
		t.Errorf("Close: %v", err)
	}
}
