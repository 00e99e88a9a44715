package rmxtest_test

import (
	"bytes"
	"context"
	"errors"
	"net"
	"strconv"
	"strings"
	"testing"
	"time"

	"go.uber.org/goleak"

	"github.com/rppkit/rppkit/examples"
	"github.com/rppkit/rppkit/lync"
	"github.com/rppkit/rppkit/lync/lynctest"
	"github.com/rppkit/rppkit/lync/sdp"
	"github.com/rppkit/rppkit/rmx"
	"github.com/rppkit/rppkit/rmx/rmxtest"
	"github.com/rppkit/rppkit/rpp"
)

// rmxWithProfile is a stand-in for an RMX whose first conference profile
// encrypts as enc ("" for no profile).
func rmxWithProfile(enc rmx.Encryption) *rmxtest.RMX {
	sys := rmx.System{Name: "rmx", FQDN: "rmx.contoso.com"}
	if enc != "" {
		sys.ConferenceProfiles = []rmx.ConferenceProfile{{Name: "vmr", Encryption: enc}, {Name: "other", Encryption: rmx.EncryptAlways}}
	}
	return rmxtest.New(sys, rmxtest.WithLogger(quiet))
}

func offer(t *testing.T, level lynctest.EncryptionLevel) []byte {
	t.Helper()
	b, err := lynctest.ClientOffer(level)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// The conference profile decides a call into a VMR: a profile that never
// encrypts refuses a Lync client's offer, which requires encryption, with
// 488 and ms-client-diagnostics 52017 ("video not accepted"); one that
// encrypts when it can or always answers SRTP with a key of its own.
func TestHostVMRByProfile(t *testing.T) {
	defer goleak.VerifyNone(t, goleak.IgnoreCurrent())
	for _, tc := range []struct {
		profile rmx.Encryption
		client  lynctest.EncryptionLevel
		refused bool
		proto   string // of the answer
	}{
		{rmx.EncryptNone, lynctest.RequireEncryption, true, ""},
		{"", lynctest.RequireEncryption, true, ""}, // no profile: no encryption
		{rmx.EncryptNone, lynctest.SupportEncryption, false, "RTP/AVP"},
		{rmx.EncryptNone, lynctest.DoNotSupportEncryption, false, "RTP/AVP"},
		{rmx.EncryptWhenAvailable, lynctest.RequireEncryption, false, "RTP/SAVP"},
		{rmx.EncryptWhenAvailable, lynctest.DoNotSupportEncryption, false, "RTP/AVP"},
		{rmx.EncryptAlways, lynctest.RequireEncryption, false, "RTP/SAVP"},
		{rmx.EncryptAlways, lynctest.SupportEncryption, false, "RTP/SAVP"},
		{rmx.EncryptAlways, lynctest.DoNotSupportEncryption, true, ""},
	} {
		name := string(tc.profile) + "/" + string(tc.client)
		t.Run(name, func(t *testing.T) {
			r := rmxWithProfile(tc.profile)
			defer r.Close()
			off := offer(t, tc.client)
			c, err := r.HostVMR(context.Background(), "7000", off)
			if tc.refused {
				var e *rmxtest.Error
				var ref *rmxtest.Refusal
				if c != nil || !errors.As(err, &e) || e.Phase != rmxtest.PhaseCall || !errors.Is(err, rmx.SymptomVideoNotAccepted) ||
					!errors.Is(err, rmxtest.ErrEncryptionMismatch) || !errors.As(err, &ref) {
					t.Fatalf("HostVMR: %v, %v; want a PhaseCall refusal with %q", c, err, rmx.SymptomVideoNotAccepted.Text)
				}
				status, reason, headers := ref.SIPRefusal()
				if status != 488 || reason != "Not Acceptable Here" || headers["ms-client-diagnostics"] != `52017;reason="Encryption levels dont match"` {
					t.Errorf("refusal %d %s %v", status, reason, headers)
				}
				return
			}
			if err != nil {
				t.Fatalf("HostVMR: %v", err)
			}
			defer c.Hangup(context.Background())
			ans, err := sdp.Parse(c.Answer)
			if err != nil {
				t.Fatal(err)
			}
			offered, _ := sdp.Parse(off)
			if len(ans.Media) != 2 || c.Encrypted != (tc.proto == "RTP/SAVP") {
				t.Fatalf("answer %+v, encrypted %v", ans.Media, c.Encrypted)
			}
			for i, m := range ans.Media {
				if m.Kind != offered.Media[i].Kind || m.Proto != tc.proto || m.Port == 0 {
					t.Errorf("answer m-line %d: %s %d %s; want %s on a port, %s", i, m.Kind, m.Port, m.Proto, offered.Media[i].Kind, tc.proto)
				}
				if tc.proto == "RTP/SAVP" {
					if len(m.Crypto) != 1 || m.Crypto[0] == offered.Media[i].Crypto[0] || !strings.HasPrefix(m.Crypto[0], "2 AES_CM_128_HMAC_SHA1_80 inline:") {
						t.Errorf("a=crypto %v; want the RMX's own key for the offered tag and suite", m.Crypto)
					}
				} else if len(m.Crypto) != 0 {
					t.Errorf("plain RTP answer with a=crypto %v", m.Crypto)
				}
			}
		})
	}
}

// The answer's ports are real: each echoes what arrives, counted, until
// Hangup closes it.
func TestHostVMREchoesMedia(t *testing.T) {
	defer goleak.VerifyNone(t, goleak.IgnoreCurrent())
	r := rmxWithProfile(rmx.EncryptWhenAvailable)
	defer r.Close()
	c, err := r.HostVMR(context.Background(), "7000", offer(t, lynctest.RequireEncryption))
	if err != nil {
		t.Fatal(err)
	}
	ans, _ := sdp.Parse(c.Answer)
	video := ans.Media[1]
	conn, err := net.Dial("udp4", net.JoinHostPort(ans.Address, strconv.Itoa(video.Port)))
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	pkt := bytes.Repeat([]byte{0x80}, 172)
	buf := make([]byte, 1500)
	for range 3 {
		if _, err := conn.Write(pkt); err != nil {
			t.Fatal(err)
		}
		conn.SetReadDeadline(time.Now().Add(5 * time.Second))
		n, err := conn.Read(buf)
		if err != nil || n != len(pkt) {
			t.Fatalf("echo: %d bytes, %v", n, err)
		}
	}
	if st := c.Stats(); st.PacketsReceived != 3 || st.PacketsSent != 3 || st.BytesReceived != 3*172 || st.BytesSent != 3*172 {
		t.Errorf("stats %+v", st)
	}
	if err := c.Hangup(context.Background()); err != nil {
		t.Fatal(err)
	}
	conn.Write(pkt)
	conn.SetReadDeadline(time.Now().Add(200 * time.Millisecond))
	if _, err := conn.Read(buf); err == nil {
		t.Error("the port still echoes after Hangup")
	}
}

// What HostVMR refuses besides encryption: no conference, an offer that is
// not SDP, a closed stand-in. None is the "video not accepted" symptom.
func TestHostVMRRefusals(t *testing.T) {
	defer goleak.VerifyNone(t, goleak.IgnoreCurrent())
	r := rmxWithProfile(rmx.EncryptWhenAvailable)
	for _, tc := range []struct {
		name   string
		vmr    string
		offer  []byte
		status int
		want   error
	}{
		{"no conference", "", offer(t, lynctest.RequireEncryption), 404, rmxtest.ErrNoVMR},
		{"not SDP", "7000", []byte("<xml/>"), 488, rmxtest.ErrBadOffer},
		{"no offer", "7000", nil, 488, rmxtest.ErrBadOffer},
	} {
		c, err := r.HostVMR(context.Background(), tc.vmr, tc.offer)
		var ref *rmxtest.Refusal
		if c != nil || !errors.Is(err, tc.want) || !errors.As(err, &ref) || ref.Status != tc.status || errors.Is(err, rmx.SymptomVideoNotAccepted) {
			t.Errorf("%s: %v, %v; want %d with %v", tc.name, c, err, tc.status, tc.want)
		}
	}
	r.Close()
	if _, err := r.HostVMR(context.Background(), "7000", offer(t, lynctest.RequireEncryption)); !errors.Is(err, rmxtest.ErrClosed) {
		t.Errorf("HostVMR after Close: %v", err)
	}
}

// With ServeLync, a static route straight at the RMX works: Lync's OPTIONS
// probe reaches it over MTLS, and a Lync user's call into a VMR is
// answered by the RMX's profile — 200 when it encrypts, 488 with 52017
// when it never does.
func TestServeLyncTakesRoutedCalls(t *testing.T) {
	defer goleak.VerifyNone(t, goleak.IgnoreCurrent())
	for _, tc := range []struct {
		profile rmx.Encryption
		status  int
	}{{rmx.EncryptWhenAvailable, 200}, {rmx.EncryptNone, 488}} {
		t.Run(string(tc.profile), func(t *testing.T) {
			d := loadDeployment(t, "single-site.yaml")
			d.Lync.StaticRoutes = []lync.StaticRoute{{Destination: "rmx1.fabrikam.com", Port: 5061, Transport: lync.TLS, MatchURI: "rmx.fabrikam.com"}}
			s, err := lynctest.NewServer(context.Background(), &d.Lync, lynctest.WithLogger(quiet))
			if err != nil {
				t.Fatal(err)
			}
			defer s.Close()
			sys := d.RPP.RMX[0]
			sys.ConferenceProfiles = []rmx.ConferenceProfile{{Name: "vmr", Encryption: tc.profile}}
			r, err := rmxtest.ForLab(s, sys, rmxtest.WithLogger(quiet))
			if err != nil {
				t.Fatal(err)
			}
			defer r.Close()
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			addr, err := r.ServeLync(ctx)
			if err != nil {
				t.Fatal(err)
			}
			s.SetComputerAddress(sys.FQDN, 5061, addr)
			if p := s.ProbeComputer(ctx, sys.FQDN, 5061); p.Err != nil || p.Status != 200 {
				t.Fatalf("probe: %+v", p)
			}
			carol, _ := lync.ParseSIPAddress("sip:carol@fabrikam.com")
			call, err := s.Route(ctx, carol, "sip:8000@rmx.fabrikam.com")
			if err != nil || call.Status != tc.status || call.Computer != sys.FQDN {
				t.Fatalf("Route: %+v, %v\n%s", call, err, s.Ladder())
			}
			if tc.status == 488 {
				if call.Diagnostics != `52017;reason="Encryption levels dont match"` {
					t.Errorf("diagnostics %q", call.Diagnostics)
				}
				return
			}
			if _, err := sdp.Parse(call.Body); err != nil || call.ContentType != sdp.ContentType {
				t.Errorf("answer %s: %v", call.ContentType, err)
			}
			if code, err := call.Hangup(ctx); code != 200 || err != nil {
				t.Errorf("Hangup: %d, %v", code, err)
			}
		})
	}
}

func loadDeployment(t *testing.T, example string) *rpp.Deployment {
	t.Helper()
	d, err := rpp.LoadFS(context.Background(), examples.FS, example)
	if err != nil {
		t.Fatal(err)
	}
	return d
}

// FuzzHostVMR: whatever a caller offers, HostVMR answers with SDP that
// parses, or refuses with PhaseCall and a SIP refusal — never a panic.
// Seeded with the offers of each client encryption level.
func FuzzHostVMR(f *testing.F) {
	for _, level := range []lynctest.EncryptionLevel{lynctest.RequireEncryption, lynctest.SupportEncryption, lynctest.DoNotSupportEncryption} {
		b, err := lynctest.ClientOffer(level)
		if err != nil {
			f.Fatal(err)
		}
		for p := range 3 {
			f.Add(uint8(p), b)
		}
	}
	f.Add(uint8(0), []byte("v=0\r\nm=video 0 RTP/SAVP 122\r\n"))
	profiles := []rmx.Encryption{rmx.EncryptNone, rmx.EncryptWhenAvailable, rmx.EncryptAlways}
	f.Fuzz(func(t *testing.T, profile uint8, body []byte) {
		r := rmxWithProfile(profiles[int(profile)%len(profiles)])
		defer r.Close()
		c, err := r.HostVMR(context.Background(), "7000", body)
		if err != nil {
			var e *rmxtest.Error
			var ref *rmxtest.Refusal
			if c != nil || !errors.As(err, &e) || e.Phase != rmxtest.PhaseCall || !errors.As(err, &ref) || ref.Status < 400 {
				t.Fatalf("refusal %v, %v", c, err)
			}
			return
		}
		if _, err := sdp.Parse(c.Answer); err != nil {
			t.Fatalf("the answer does not parse: %v\n%s", err, c.Answer)
		}
		c.Hangup(context.Background())
	})
}
