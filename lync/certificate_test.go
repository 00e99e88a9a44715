package lync

import (
	"errors"
	"strings"
	"testing"
)

// TestVerifyCertificateName: the usual TLS rule (a SAN DNS name, or the
// subject CN when there is no SAN) and never a wildcard, each refusal told
// apart by its sentinel.
func TestVerifyCertificateName(t *testing.T) {
	const host FQDN = "edge.contoso.com"
	cases := []struct {
		name    string
		cn      string
		san     []string
		is      error  // nil: the certificate names host
		mention string // a word the error must carry, to say what it names
	}{
		{"subject name only, as Microsoft plans the internal certificate", "edge.contoso.com", nil, nil, ""},
		{"subject name in another case, with a trailing dot", "EDGE.Contoso.com.", nil, nil, ""},
		{"SAN names the host", "something-else", []string{"other.contoso.com", "edge.contoso.com"}, nil, ""},
		{"SAN only", "", []string{"edge.contoso.com"}, nil, ""},
		{"subject name of another pool", "edge-west.contoso.com", nil, ErrCertificateName, "edge-west.contoso.com"},
		{"no name at all", "", nil, ErrCertificateName, `""`},
		{"SAN without the host; the CN is not read then", "edge.contoso.com", []string{"sip.contoso.com"}, ErrCertificateName, "checked against them only"},
		{"wildcard SAN", "", []string{"*.contoso.com"}, ErrCertificateWildcard, "*.contoso.com"},
		{"wildcard CN beside a SAN naming the host", "*.contoso.com", []string{"edge.contoso.com"}, ErrCertificateWildcard, "subject CN"},
		{"wildcard CN only", "*.contoso.com", nil, ErrCertificateWildcard, "*.contoso.com"},
	}
	for _, tc := range cases {
		err := VerifyCertificateName(tc.cn, tc.san, host)
		switch {
		case tc.is == nil && err != nil:
			t.Errorf("%s: %v; want the host named", tc.name, err)
		case tc.is != nil && !errors.Is(err, tc.is):
			t.Errorf("%s: %v; want %v", tc.name, err, tc.is)
		case tc.is != nil && !strings.Contains(err.Error(), tc.mention):
			t.Errorf("%s: %q does not say %q", tc.name, err, tc.mention)
		}
	}
}

func TestCertificateVerifyNameReadsTheDN(t *testing.T) {
	c := Certificate{Subject: "CN=edge.contoso.com, O=Contoso"}
	if err := c.VerifyName("edge.contoso.com"); err != nil {
		t.Errorf("a DN subject naming the host: %v", err)
	}
	if err := c.VerifyName("edge-west.contoso.com"); !errors.Is(err, ErrCertificateName) {
		t.Errorf("another host: %v; want ErrCertificateName", err)
	}
	if !c.HasNames() || (Certificate{Fingerprint: "ab:cd"}).HasNames() || !(Certificate{SAN: []string{"x.contoso.com"}}).HasNames() {
		t.Error("HasNames does not tell a certificate that names something from one that names nothing")
	}
}
