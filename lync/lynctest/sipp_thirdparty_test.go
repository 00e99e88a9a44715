package lynctest_test

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"go.uber.org/goleak"

	"github.com/rppkit/rppkit/internal/thirdparty"
	"github.com/rppkit/rppkit/lync/lynctest"
)

// sippScenario is what an RMX on the new ICE method sends to bring ICE up,
// as a SIPp scenario: per call, the provisioning SUBSCRIBE (200 carrying the
// MRAS URI) and the MRAS SERVICE (200 with reasonPhrase OK and
// credentials). The MRAS URI and the Service GRUU come in with
// -key mras/-key gruu; %s is the regular expression (POSIX ERE, XML-escaped)
// the provisioning answer must match: the MRAS URI the lab gave its Edge.
// SIPp fails a call whose check_it expression does not match.
const sippScenario = `<?xml version="1.0" encoding="ISO-8859-1" ?>
<!DOCTYPE scenario SYSTEM "sipp.dtd">
<scenario name="rmx ICE bring-up: provisioning and MRAS">
  <send>
    <![CDATA[
      SUBSCRIBE sip:rpp-east@contoso.com SIP/2.0
      Via: SIP/2.0/TLS rmx-east.contoso.com:5061;branch=[branch]
      Max-Forwards: 70
      From: <sip:rpp-east@contoso.com>;tag=[pid]SIPpTag[call_number]
      To: <sip:rpp-east@contoso.com>
      Call-ID: [call_id]
      CSeq: 1 SUBSCRIBE
      Contact: <sip:rpp-east@rmx-east.contoso.com:5061;transport=tls>
      User-Agent: SIPp (rppkit third-party test)
      Event: vnd-microsoft-provisioning-v2
      Accept: application/vnd-microsoft-roaming-provisioning-v2+xml
      Content-Type: application/vnd-microsoft-roaming-provisioning-v2+xml
      Supported: ms-piggyback-first-notify
      Expires: 0
      Content-Length: [len]

      <?xml version="1.0" encoding="utf-8"?><provisioningGroupList xmlns="http://schemas.microsoft.com/2006/09/sip/provisioninggrouplist"><provisioningGroup name="ServerConfiguration"/></provisioningGroupList>
    ]]>
  </send>
  <recv response="200">
    <action>
      <ereg regexp="%s" search_in="body" check_it="true" assign_to="mrasuri"/>
      <ereg regexp="terminated" search_in="hdr" header="subscription-state:" check_it="true" assign_to="substate"/>
    </action>
  </recv>
  <send>
    <![CDATA[
      SERVICE [mras] SIP/2.0
      Via: SIP/2.0/TLS rmx-east.contoso.com:5061;branch=[branch]
      Max-Forwards: 70
      From: <sip:rpp-east@contoso.com>;tag=[pid]SIPpTag[call_number]
      To: <[mras]>
      Call-ID: [call_id]
      CSeq: 2 SERVICE
      Contact: <sip:[gruu]>
      User-Agent: SIPp (rppkit third-party test)
      Content-Type: application/msrtc-media-relay-auth+xml
      Content-Length: [len]

      <?xml version="1.0" encoding="utf-8"?><request xmlns="http://schemas.microsoft.com/2006/09/sip/mrasp" requestID="sipp[call_number]" version="2.0" to="[mras]" from="sip:rpp-east@contoso.com"><credentialsRequest credentialsRequestID="sipp[call_number]"><identity>sip:rpp-east@contoso.com</identity><location>internet</location><duration>480</duration></credentialsRequest></request>
    ]]>
  </send>
  <recv response="200">
    <action>
      <ereg regexp="reasonPhrase=&quot;OK&quot;" search_in="body" check_it="true" assign_to="ok"/>
      <ereg regexp="&lt;username&gt;[^&lt;]+&lt;/username&gt;&lt;password&gt;[^&lt;]+&lt;/password&gt;" search_in="body" check_it="true" assign_to="creds"/>
    </action>
  </recv>
  <Reference variables="mrasuri,substate,ok,creds"/>
</scenario>
`

// posixQuote escapes s for a POSIX extended regular expression.
func posixQuote(s string) string {
	return regexp.MustCompile(`[\\.^$|?*+()\[\]{}]`).ReplaceAllString(s, `\$0`)
}

func xmlAttrEscape(s string) string {
	return strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;", `"`, "&quot;").Replace(s)
}

// TestThirdpartySIPp drives the East Front End with SIPp: 50 calls, each
// the provisioning SUBSCRIBE and the MRAS SERVICE of an RMX, over one
// connection (-t t1). Debian's SIPp has no TLS, so stunnel in client mode
// carries that TCP connection over one TLS connection presenting
// rmx-east.contoso.com's certificate.
func TestThirdpartySIPp(t *testing.T) {
	sipp := thirdparty.NeedBinary(t, "sip-tester", "sipp")
	stunnelBin := thirdparty.NeedBinary(t, "stunnel4", "stunnel4", "stunnel")
	defer goleak.VerifyNone(t, goleak.IgnoreCurrent())
	s, d := start(t, "two-site.yaml")
	// rmx-east registers rpp-east, the identity it uses for ICE:
	// provisioning and MRAS serve registered identities only.
	rawRegistered(t, s, s.FrontEnd("fe-east.contoso.com"), rawRegister())
	defer s.Close()
	fe := s.FrontEnd("fe-east.contoso.com")
	mrasURI := s.Edge("edge-east.contoso.com").MRASURI
	gruu := d.RPP.RMX[0].Flags["SIP_CONTACT_OVERRIDE_STR"]
	dir := t.TempDir()
	ca := tpWriteCA(t, s, dir)
	rmx := tpIssuePEM(t, s, dir, "rmx-east", "rmx-east.contoso.com", "rmx-east.contoso.com")
	tunnel := tpStartStunnel(t, stunnelBin, dir, "stunnel-rmx-east", fe, ca, rmx)

	scenario := filepath.Join(dir, "rmx-ice.xml")
	check := xmlAttrEscape("<mrasUri>" + posixQuote(mrasURI) + "</mrasUri>")
	if err := os.WriteFile(scenario, []byte(fmt.Sprintf(sippScenario, check)), 0o600); err != nil {
		t.Fatal(err)
	}
	const calls = 50
	stats := filepath.Join(dir, "stats.csv")
	screen := filepath.Join(dir, "screen.log")
	errorsLog := filepath.Join(dir, "errors.log")
	args := []string{
		"-sf", scenario, "-t", "t1", "-m", strconv.Itoa(calls), "-r", "100", "-l", "10",
		"-i", "127.0.0.1", "-ci", "127.0.0.1", // SIP, media and control sockets on loopback only
		"-key", "mras", mrasURI, "-key", "gruu", gruu,
		"-trace_stat", "-stf", stats, "-fd", "1",
		"-trace_screen", "-screen_file", screen,
		"-trace_err", "-error_file", errorsLog,
		"-nostdin", "-recv_timeout", "5000", "-timeout", "60s", "-timeout_error",
		tunnel.Addr,
	}
	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	defer cancel()
	out := filepath.Join(dir, "sipp.out")
	f, err := os.Create(out)
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.CommandContext(ctx, sipp, args...)
	cmd.Dir, cmd.Stdout, cmd.Stderr, cmd.SysProcAttr = dir, f, f, thirdparty.ProcAttr()
	runErr := cmd.Run()
	f.Close()
	report := func() string {
		var b strings.Builder
		for _, p := range []string{out, screen, errorsLog} {
			if text, err := os.ReadFile(p); err == nil {
				fmt.Fprintf(&b, "--- %s\n%s\n", filepath.Base(p), text)
			}
		}
		fmt.Fprintf(&b, "--- stunnel\n%s\n--- lab (first lines)\n", tpReadFile(t, tunnel.Log))
		ladder := strings.SplitAfter(s.Ladder(), "\n")
		b.WriteString(strings.Join(ladder[:min(len(ladder), 20)], ""))
		return b.String()
	}
	if ctx.Err() != nil {
		t.Fatalf("SIPp did not end within 90 s\n%s", report())
	}
	if runErr != nil {
		t.Fatalf("SIPp: %v, want exit status 0 (all calls successful)\n%s", runErr, report())
	}

	st, err := thirdparty.SIPpStats(stats)
	if err != nil {
		t.Fatal(err)
	}
	for name, want := range map[string]int{"OutgoingCall(C)": calls, "SuccessfulCall(C)": calls, "FailedCall(C)": 0, "CurrentCall": 0} {
		if got, err := strconv.Atoi(st[name]); err != nil || got != want {
			t.Errorf("SIPp statistics: %s = %q, want %d", name, st[name], want)
		}
	}
	for name, v := range st {
		if strings.HasPrefix(name, "Failed") && strings.HasSuffix(name, "(C)") && v != "0" {
			t.Errorf("SIPp statistics: %s = %s, want 0", name, v)
		}
	}

	// Everything came from rmx-east over the trusted connection and was
	// answered 200.
	count := map[string]int{}
	for _, m := range s.Messages() {
		if m.Direction == lynctest.In && m.Peer != "rmx-east.contoso.com" || m.Direction == lynctest.Refused {
			t.Errorf("recorded %s %s from %s; want everything from rmx-east.contoso.com", m.Direction, m.StartLine, m.Peer)
		}
		method, _, _ := strings.Cut(m.StartLine, " ")
		count[string(m.Direction)+" "+method]++
		if m.Direction == lynctest.Out && !strings.HasPrefix(m.StartLine, "SIP/2.0 200 ") {
			t.Errorf("the lab answered %s", m.StartLine)
		}
	}
	if count["in REGISTER"] != 1 || count["in SUBSCRIBE"] != calls || count["in SERVICE"] != calls || count["out SIP/2.0"] != 2*calls+1 {
		t.Errorf("the lab recorded %v; want the REGISTER, %d SUBSCRIBEs, %d SERVICEs and %d answers", count, calls, calls, 2*calls+1)
	}
	// -t t1: one TCP connection, which stunnel carried over one TLS
	// connection.
	if n := strings.Count(tpReadFile(t, tunnel.Log), "accepted connection from"); n != 1 {
		t.Errorf("stunnel accepted %d connections from SIPp, want 1 (-t t1)\n%s", n, report())
	}
	if t.Failed() {
		t.Log(report())
	}
	s.Close()
}
