package lynctest_test

import (
	"crypto/tls"
	"errors"
	"net"
	"strings"
	"testing"

	"go.uber.org/goleak"

	"github.com/rppkit/rppkit/lync/lynctest"
)

// TestWithUnansweredProvisioning checks that the fault records the
// provisioning SUBSCRIBE and answers nothing, while other requests are
// served.
func TestWithUnansweredProvisioning(t *testing.T) {
	defer goleak.VerifyNone(t, goleak.IgnoreCurrent())
	s := rawStart(t, lynctest.WithUnansweredProvisioning())
	fe := s.FrontEnd("fe-east.contoso.com")
	c := rawDial(t, s, fe)
	sub := rawSubscribe(t)
	c.mustWrite(sub.bytes())
	if res, err := c.answer(sub.callID()); !errors.Is(err, errNoAnswer) {
		t.Fatalf("answered %v %v; want no answer", res, err)
	}
	c.close()
	rawAlive(t, s, fe)
	if err := s.Close(); err != nil {
		t.Errorf("Close: %v", err)
	}
	in := 0
	for _, m := range s.Messages() {
		if strings.HasPrefix(m.StartLine, "SUBSCRIBE") && m.Direction == lynctest.In {
			in++
		}
	}
	if in != 1 {
		t.Errorf("%d SUBSCRIBEs recorded, want 1\n%s", in, s.Ladder())
	}
}

// TestWithTrustAnyCertificate checks that the fault makes a Front End
// serve peers the real trust check refuses: another CA's certificate, a
// wildcard, a CN-only certificate.
func TestWithTrustAnyCertificate(t *testing.T) {
	defer goleak.VerifyNone(t, goleak.IgnoreCurrent())
	s := rawStartBare(t, lynctest.WithTrustAnyCertificate())
	fe := s.FrontEnd("fe-east.contoso.com")
	other, err := lynctest.NewCA()
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name string
		ca   *lynctest.CA
		cn   string
		san  []string
	}{
		{"another CA", other, "rmx-east.contoso.com", []string{"rmx-east.contoso.com"}},
		{"a wildcard", s.CA, "*.contoso.com", []string{"*.contoso.com"}},
		{"no SAN", s.CA, "rmx-east.contoso.com", nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			cert, err := tc.ca.Issue(tc.cn, tc.san...)
			if err != nil {
				t.Fatal(err)
			}
			conn, err := tls.DialWithDialer(&net.Dialer{Timeout: rawWait}, "tcp", fe.Addr, s.ClientTLSConfig(cert, string(fe.FQDN)))
			if err != nil {
				t.Fatal(err)
			}
			c := newRawConn(t, conn)
			defer c.close()
			if res := c.mustAnswer(rawOptions()); res.StatusCode != 200 {
				t.Errorf("%s", res.StartLine())
			}
		})
	}
	if err := s.Close(); err != nil {
		t.Errorf("Close: %v", err)
	}
}
