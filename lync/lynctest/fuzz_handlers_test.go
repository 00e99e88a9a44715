package lynctest_test

// FuzzFrontEnd writes arbitrary bytes to the Front End over a trusted MTLS
// connection and checks that the server survives: a fresh connection's
// OPTIONS still gets 200. A panic anywhere in the lab or in sipgo under it
// ends the fuzzing process and is reported with its input.

import (
	"crypto/tls"
	"net"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/rppkit/rppkit/lync/mras"
	"github.com/rppkit/rppkit/lync/provision"
)

// fuzzRead bounds how long one input's answers are read.
const fuzzRead = 200 * time.Millisecond

// fuzzSeeds are well-formed requests of each kind the Front End serves, with
// fixed tokens so the corpus is stable.
func fuzzSeeds(mrasURI string) [][]byte {
	fixed := func(m *rawMsg, n string) *rawMsg {
		return m.set("Via", "SIP/2.0/TLS rmx-east.contoso.com:5061;branch=z9hG4bK"+n).
			set("From", "<"+rawEastEndpoint+">;tag=f"+n).set("Call-ID", "seed-"+n+"@rmx-east.contoso.com")
	}
	prov, _ := provision.NewRequest(provision.ServerConfiguration).Marshal()
	sub := func() *rawMsg {
		return rawReq("SUBSCRIBE", rawEastEndpoint).set("Event", provision.Event).set("Accept", provision.ContentType).
			set("Expires", "0").withBody(provision.ContentType, prov)
	}
	body, _ := (&mras.Request{RequestID: "1", Version: "2.0", To: mrasURI, From: rawEastEndpoint,
		Credentials: []mras.CredentialsRequest{{ID: "1", Identity: rawEastEndpoint, Location: mras.Internet, Duration: 480}}}).Marshal()
	return [][]byte{
		fixed(rawReq("OPTIONS", "sip:fe-east.contoso.com"), "1").bytes(),
		fixed(rawReq("REGISTER", "sip:contoso.com").set("Expires", "3600"), "2").bytes(),
		fixed(sub().set("Supported", provision.PiggybackFirstNotify), "3").bytes(),
		fixed(sub(), "4").bytes(),
		fixed(rawReq("SERVICE", mrasURI).set("To", "<"+mrasURI+">").set("Contact", "<"+rawEastGRUU+">").withBody(mras.ContentType, body), "5").bytes(),
		fixed(rawReq("FOO", "sip:fe-east.contoso.com"), "6").bytes(),
		[]byte("\r\n\r\n"),
	}
}

func FuzzFrontEnd(f *testing.F) {
	s := rawStart(f)
	f.Cleanup(func() { s.Close() })
	fe := s.FrontEnd("fe-east.contoso.com")
	cert, err := s.CA.Issue("rmx-east.contoso.com", "rmx-east.contoso.com")
	if err != nil {
		f.Fatal(err)
	}
	conf := s.ClientTLSConfig(cert, string(fe.FQDN))

	for _, seed := range fuzzSeeds(s.Edge("edge-east.contoso.com").MRASURI) {
		f.Add(seed)
	}
	torture, _ := filepath.Glob(filepath.Join("testdata", "torture", "*", "*.dat"))
	for _, file := range torture {
		b, err := os.ReadFile(file)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}

	// The lab is concurrent: one input's coverage varies from run to run,
	// so inputs often look new and go test would spend its default 60 s
	// minimising each. Run it with -fuzzminimizetime 2s (README, .ci/run).
	f.Fuzz(func(t *testing.T, in []byte) { fuzzAlive(t, fe, conf, in) })
}

// fuzzDial is rawDial with a certificate issued once.
func fuzzDial(t *testing.T, addr string, conf *tls.Config) *rawConn {
	t.Helper()
	c, err := tls.DialWithDialer(&net.Dialer{Timeout: rawWait}, "tcp", addr, conf)
	if err != nil {
		t.Fatalf("the Front End does not accept a trusted connection: %v", err)
	}
	return newRawConn(t, c)
}
