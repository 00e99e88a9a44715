package lynctest_test

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"go.uber.org/goleak"

	"github.com/rppkit/rppkit/internal/thirdparty"
	"github.com/rppkit/rppkit/lync/lynctest"
	"github.com/rppkit/rppkit/lync/mras"
	"github.com/rppkit/rppkit/lync/provision"
)

// sipsakRun runs sipsak with args, bounded, and returns its exit code and
// combined output. Exit codes (sipsak(1)): 0 a 200 arrived, 1 another final
// response, 2 a local error, 3 a remote error (handshake, timeout, reset).
func sipsakRun(t *testing.T, bin, dir, name string, args ...string) (int, string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	out := filepath.Join(dir, name+".out")
	f, err := os.Create(out)
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.CommandContext(ctx, bin, args...)
	cmd.Stdout, cmd.Stderr, cmd.SysProcAttr = f, f, thirdparty.ProcAttr()
	err = cmd.Run()
	f.Close()
	text := tpReadFile(t, out)
	if ctx.Err() != nil {
		t.Fatalf("sipsak %s did not end within 30 s:\n%s", strings.Join(args, " "), text)
	}
	var exit *exec.ExitError
	switch {
	case err == nil:
		return 0, text
	case errors.As(err, &exit):
		return exit.ExitCode(), text
	}
	t.Fatalf("sipsak: %v", err)
	return 0, ""
}

// sipsakRequest renders a hand-written request as sipsak -L sends it: CRLF line
// ends and an exact Content-Length.
func sipsakRequest(startLine string, headers []string, body string) string {
	var b strings.Builder
	b.WriteString(startLine + "\r\n")
	for _, h := range headers {
		b.WriteString(h + "\r\n")
	}
	fmt.Fprintf(&b, "Content-Length: %d\r\n\r\n%s", len(body), body)
	return b.String()
}

// The provisioning SUBSCRIBE an RMX on the new ICE method sends for its
// endpoint sip:rpp-east@contoso.com (MS-SIPREGE §2.2.2).
func sipsakSubscribe() string {
	return sipsakRequest("SUBSCRIBE sip:rpp-east@contoso.com SIP/2.0", []string{
		"Via: SIP/2.0/TLS rmx-east.contoso.com:5061;branch=z9hG4bK-sipsak-sub1",
		"Max-Forwards: 70",
		"From: <sip:rpp-east@contoso.com>;tag=sipsak-sub",
		"To: <sip:rpp-east@contoso.com>",
		"Call-ID: sipsak-sub1@rmx-east.contoso.com",
		"CSeq: 1 SUBSCRIBE",
		"Contact: <sip:rpp-east@rmx-east.contoso.com:5061;transport=tls>",
		"User-Agent: sipsak (rppkit third-party test)",
		"Event: vnd-microsoft-provisioning-v2",
		"Accept: application/vnd-microsoft-roaming-provisioning-v2+xml",
		"Content-Type: application/vnd-microsoft-roaming-provisioning-v2+xml",
		"Supported: ms-piggyback-first-notify",
		"Expires: 0",
	}, `<?xml version="1.0" encoding="utf-8"?>`+
		`<provisioningGroupList xmlns="http://schemas.microsoft.com/2006/09/sip/provisioninggrouplist">`+
		`<provisioningGroup name="ServerConfiguration"/></provisioningGroupList>`)
}

// The MRAS credentials SERVICE (MS-AVEDGEA) to mrasURI, with the pool's
// Service GRUU as Contact (the new ICE method).
func sipsakService(mrasURI, gruu string) string {
	return sipsakRequest("SERVICE "+mrasURI+" SIP/2.0", []string{
		"Via: SIP/2.0/TLS rmx-east.contoso.com:5061;branch=z9hG4bK-sipsak-svc1",
		"Max-Forwards: 70",
		"From: <sip:rpp-east@contoso.com>;tag=sipsak-svc",
		"To: <" + mrasURI + ">",
		"Call-ID: sipsak-svc1@rmx-east.contoso.com",
		"CSeq: 1 SERVICE",
		"Contact: <sip:" + gruu + ">",
		"User-Agent: sipsak (rppkit third-party test)",
		"Content-Type: application/msrtc-media-relay-auth+xml",
	}, `<?xml version="1.0" encoding="utf-8"?>`+
		`<request xmlns="http://schemas.microsoft.com/2006/09/sip/mrasp" requestID="sipsak1" version="2.0"`+
		` to="`+mrasURI+`" from="sip:rpp-east@contoso.com">`+
		`<credentialsRequest credentialsRequestID="sipsak1"><identity>sip:rpp-east@contoso.com</identity>`+
		`<location>internet</location><duration>480</duration></credentialsRequest></request>`)
}

var (
	sipsakStatus       = regexp.MustCompile(`(?m)^SIP/2\.0 (\d{3}) `)
	sipsakProvisioning = regexp.MustCompile(`(?s)<provisionGroupList .*?</provisionGroupList>`)
	sipsakMRAS         = regexp.MustCompile(`(?s)<response .*?</response>`)
)

// TestThirdpartySipsak sends hand-written provisioning and MRAS requests to
// the East Front End with sipsak, the way an RMX on the new ICE method does,
// from a trusted computer's certificate and from untrusted ones.
//
// Debian's sipsak 0.9.8.1 is built with GnuTLS and accepts
// --tls-client-cert, but never loads it: the binary imports no GnuTLS
// function that sets a client key, so it sends an empty Certificate
// message. Its own TLS therefore reaches the Front End only to be refused
// (first subtest); the trusted computer's certificate is presented by
// stunnel, in client mode in front of the Front End, with sipsak speaking
// SIP over TCP to it.
func TestThirdpartySipsak(t *testing.T) {
	sipsak := thirdparty.NeedBinary(t, "sipsak", "sipsak")
	stunnelBin := thirdparty.NeedBinary(t, "stunnel4", "stunnel4", "stunnel")
	defer goleak.VerifyNone(t, goleak.IgnoreCurrent())
	s, d := start(t, "two-site.yaml")
	// rmx-east registers rpp-east, the identity it uses for ICE:
	// provisioning and MRAS serve registered identities only.
	rawRegistered(t, s, s.FrontEnd("fe-east.contoso.com"), rawRegister())
	defer s.Close()
	fe := s.FrontEnd("fe-east.contoso.com")
	edge := s.Edge("edge-east.contoso.com")
	gruu := d.RPP.RMX[0].Flags["SIP_CONTACT_OVERRIDE_STR"]
	dir := t.TempDir()
	ca := tpWriteCA(t, s, dir)
	rmx := tpIssuePEM(t, s, dir, "rmx-east", "rmx-east.contoso.com", "rmx-east.contoso.com")
	write := func(name, text string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(text), 0o600); err != nil {
			t.Fatal(err)
		}
		return p
	}
	subFile := write("subscribe.sip", sipsakSubscribe())
	// -L: the files already end lines with CRLF; -i: send them as written,
	// without a Via of sipsak's own; -H: do not resolve the local host name.
	common := []string{"-vv", "-L", "-i", "-H", "127.0.0.1"}

	t.Run("own TLS without a client certificate is refused", func(t *testing.T) {
		before := len(s.Messages())
		args := append(append([]string{"-v"}, common...), "-E", "tls", "--tls-ca-cert", ca, "--tls-client-cert", rmx.Both,
			"-f", subFile, "-s", "sip:rpp-east@"+fe.Addr)
		code, out := sipsakRun(t, sipsak, dir, "sipsak-own-tls", args...)
		if code != 3 || !strings.Contains(out, "TLS fatal alert") || sipsakStatus.MatchString(out) {
			t.Errorf("sipsak over its own TLS: exit %d, want 3 with a TLS fatal alert and no response: the Front End"+
				" must refuse a client that presents no certificate\n%s", code, out)
		}
		for _, m := range s.Messages()[before:] {
			if m.Direction != lynctest.Refused {
				t.Errorf("the Front End handled SIP from a client without a certificate: %s %s", m.Direction, m.StartLine)
			}
		}
	})

	tunnel := tpStartStunnel(t, stunnelBin, dir, "stunnel-rmx-east", fe, ca, rmx)
	target := "sip:rpp-east@" + tunnel.Addr

	var mrasURI string
	t.Run("provisioning SUBSCRIBE", func(t *testing.T) {
		before := len(s.Messages())
		code, out := sipsakRun(t, sipsak, dir, "sipsak-subscribe", append(common, "-E", "tcp", "-f", subFile, "-s", target)...)
		if st := sipsakStatus.FindStringSubmatch(out); code != 0 || st == nil || st[1] != "200" {
			t.Fatalf("sipsak SUBSCRIBE: exit %d, want 0 and a 200\n%s\nstunnel:\n%s\n%s", code, out, tpReadFile(t, tunnel.Log), s.Ladder())
		}
		body := sipsakProvisioning.FindString(out)
		n, err := provision.ParseNotification([]byte(body))
		if err != nil {
			t.Fatalf("provisioning body in sipsak's output: %v\n%s", err, out)
		}
		g, ok := n.ServerConfiguration()
		if !ok || g.MRASURI != edge.MRASURI {
			t.Fatalf("sipsak received MRAS URI %q (ServerConfiguration %v), want the East Edge's %q\n%s", g.MRASURI, ok, edge.MRASURI, out)
		}
		for _, h := range []string{"ms-piggyback-cseq: 1", "subscription-state: terminated;expires=0"} {
			if !strings.Contains(strings.ToLower(out), strings.ToLower(h)) {
				t.Errorf("the 200 lacks %q\n%s", h, out)
			}
		}
		mrasURI = g.MRASURI
		in, ok200 := tpExchange(s.Messages()[before:], "SUBSCRIBE")
		if in == nil || ok200 == nil || in.Peer != "rmx-east.contoso.com" ||
			!strings.Contains(ok200.Text, "<mrasUri>"+edge.MRASURI+"</mrasUri>") {
			t.Errorf("the lab recorded SUBSCRIBE %+v and answer %+v; want one from rmx-east.contoso.com answered 200 with the MRAS URI\n%s",
				in, ok200, s.Ladder())
		}
	})
	if mrasURI == "" {
		t.FailNow()
	}

	t.Run("MRAS SERVICE", func(t *testing.T) {
		before := len(s.Messages())
		svcFile := write("service.sip", sipsakService(mrasURI, gruu))
		code, out := sipsakRun(t, sipsak, dir, "sipsak-service", append(common, "-E", "tcp", "-f", svcFile, "-s", target)...)
		if st := sipsakStatus.FindStringSubmatch(out); code != 0 || st == nil || st[1] != "200" {
			t.Fatalf("sipsak SERVICE: exit %d, want 0 and a 200\n%s\n%s", code, out, s.Ladder())
		}
		r, err := mras.ParseResponse([]byte(sipsakMRAS.FindString(out)))
		if err != nil {
			t.Fatalf("MRAS body in sipsak's output: %v\n%s", err, out)
		}
		if r.ReasonPhrase != mras.OK || r.RequestID != "sipsak1" || len(r.Credentials) != 1 ||
			r.Credentials[0].Credentials == nil || r.Credentials[0].Credentials.Username == "" ||
			r.Credentials[0].Credentials.Password == "" || len(r.Credentials[0].Relays) != 1 ||
			r.Credentials[0].Relays[0].UDPPort != edge.RelayUDPPort {
			t.Errorf("MRAS answered %+v, want reasonPhrase OK with credentials and the East relay\n%s", r, out)
		}
		in, ok200 := tpExchange(s.Messages()[before:], "SERVICE")
		if in == nil || ok200 == nil || in.Peer != "rmx-east.contoso.com" || !strings.Contains(ok200.Text, `reasonPhrase="OK"`) ||
			!strings.Contains(ok200.Text, "<username>") {
			t.Errorf("the lab recorded SERVICE %+v and answer %+v; want one from rmx-east.contoso.com answered with credentials\n%s",
				in, ok200, s.Ladder())
		}
	})

	for _, tc := range []struct {
		name, base, cn string
		san            []string
		want           error
	}{
		{"computer not in the topology", "rogue", "rmx-rogue.contoso.com", []string{"rmx-rogue.contoso.com"}, lynctest.ErrUnknownComputer},
		{"wildcard certificate", "wildcard", "*.contoso.com", []string{"*.contoso.com"}, lynctest.ErrWildcardCertificate},
		{"wildcard CN, SAN naming the host", "wildcard-cn", "*.contoso.com", []string{"rmx-east.contoso.com"}, lynctest.ErrWildcardCertificate},
		{"CN-only certificate", "cn-only", "rmx-east.contoso.com", nil, lynctest.ErrNoSAN},
	} {
		t.Run(tc.name, func(t *testing.T) {
			before := len(s.Messages())
			base := tc.base
			cert := tpIssuePEM(t, s, dir, base, tc.cn, tc.san...)
			rogue := tpStartStunnel(t, stunnelBin, dir, "stunnel-"+base, fe, ca, cert)
			code, out := sipsakRun(t, sipsak, dir, "sipsak-"+base,
				append(common, "-E", "tcp", "-f", subFile, "-s", "sip:rpp-east@"+rogue.Addr)...)
			if code == 0 || sipsakStatus.MatchString(out) {
				t.Errorf("sipsak with a certificate for %s: exit %d and a response; want no SIP answer at all\n%s", tc.cn, code, out)
			}
			// The Front End records a refusal just after it sends the TLS
			// alert, so the client can see the alert first: wait for it.
			for deadline := time.Now().Add(5 * time.Second); len(s.Messages()) == before && time.Now().Before(deadline); {
				time.Sleep(10 * time.Millisecond)
			}
			var refused []lynctest.Message
			for _, m := range s.Messages()[before:] {
				switch m.Direction {
				case lynctest.Refused:
					refused = append(refused, m)
				default:
					t.Errorf("the Front End handled SIP over a refused connection: %s %s", m.Direction, m.StartLine)
				}
			}
			if len(refused) == 0 || !errors.Is(refused[0].Err, lynctest.ErrUntrustedPeer) || !errors.Is(refused[0].Err, tc.want) ||
				refused[0].Server != "fe-east.contoso.com" {
				t.Errorf("recorded %+v; want a refusal by fe-east.contoso.com for %v\nstunnel:\n%s", refused, tc.want, tpReadFile(t, rogue.Log))
			}
			if log := tpReadFile(t, rogue.Log); !strings.Contains(log, "alert bad certificate") {
				t.Errorf("stunnel did not see the Front End refuse its certificate:\n%s", log)
			}
		})
	}
	s.Close()
}

// tpExchange finds, among msgs, the first request of method received and the
// response the lab sent after it.
func tpExchange(msgs []lynctest.Message, method string) (req, res *lynctest.Message) {
	for i := range msgs {
		m := &msgs[i]
		switch {
		case req == nil && m.Direction == lynctest.In && strings.HasPrefix(m.StartLine, method+" "):
			req = m
		case req != nil && m.Direction == lynctest.Out && strings.HasPrefix(m.StartLine, "SIP/2.0 "):
			return req, m
		}
	}
	return req, nil
}
