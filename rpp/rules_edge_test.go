package rpp

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/rppkit/rppkit/lync"
)

// edgeLine is single-site.yaml's Edge pool, which the cases below give a
// certificate.
const edgeLine = "    - {fqdn: lyncedge.fabrikam.com, site: HQ}\n"

func withEdgeCertificate(cert string) exampleEdit {
	return exampleEdit{edgeLine, "    - {fqdn: lyncedge.fabrikam.com, site: HQ, certificate: " + cert + "}\n"}
}

// TestEdgeCertName makes edge-cert-name act on each way an Edge internal
// certificate can miss the pool's FQDN, pointing at the field at fault and
// naming the RMXs whose MRAS requests it breaks; and keeps it silent when
// the certificate is absent, names nothing, or names the pool (by its
// subject alone, as Microsoft plans it, or by its SAN).
func TestEdgeCertName(t *testing.T) {
	cases := []struct {
		name, cert string
		field      string // "" when the rule must say nothing
		says       string
	}{
		{"subject of one Edge Server, not the pool", "{subject: lyncedge01.fabrikam.com}",
			"lync.edgePools[0].certificate.subject", `subject CN is "lyncedge01.fabrikam.com"`},
		{"SAN list without the pool; the subject is not read then", "{subject: lyncedge.fabrikam.com, san: [sip.fabrikam.com]}",
			"lync.edgePools[0].certificate.san", "checked against them only"},
		{"wildcard", `{subject: "*.fabrikam.com"}`,
			"lync.edgePools[0].certificate", "wildcard"},
		{"wildcard SAN beside the pool", "{subject: lyncedge.fabrikam.com, san: [lyncedge.fabrikam.com, \"*.fabrikam.com\"]}",
			"lync.edgePools[0].certificate", "wildcard"},
		{"subject name only, as Microsoft plans it", "{subject: LyncEdge.Fabrikam.com}", "", ""},
		{"a distinguished name", `{subject: "CN=lyncedge.fabrikam.com, O=Fabrikam"}`, "", ""},
		{"SAN naming the pool", "{subject: edge, san: [lyncedge01.fabrikam.com, lyncedge.fabrikam.com]}", "", ""},
		{"only a thumbprint: no name to judge", `{fingerprint: "AB:CD:EF"}`, "", ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			data := edited(t, "single-site.yaml", withEdgeCertificate(tc.cert))
			d, err := Parse("single-site.yaml", data)
			if err != nil {
				t.Fatal(err)
			}
			var got []Finding
			for _, f := range Check(context.Background(), d, Options{}).Findings {
				got = append(got, f)
				if f.Rule != "edge-cert-name" {
					t.Errorf("unexpected finding %s %s: %s", f.Rule, f.Field, f.Message)
				}
			}
			if tc.field == "" {
				if len(got) > 0 {
					t.Errorf("findings %v; want none", got)
				}
				return
			}
			if len(got) != 1 {
				t.Fatalf("findings %v; want one edge-cert-name", got)
			}
			f := got[0]
			if f.Field != tc.field || f.Object != "lync/edgePool/lyncedge.fabrikam.com" || f.Severity != Error {
				t.Errorf("finding at %s on %s (%v); want %s on lync/edgePool/lyncedge.fabrikam.com, error", f.Field, f.Object, f.Severity, tc.field)
			}
			if line := lineOf(t, data, "site: HQ, certificate: "); f.File != "single-site.yaml" || f.Line != line {
				t.Errorf("finding points at %s:%d; want single-site.yaml:%d", f.File, f.Line, line)
			}
			for _, want := range []string{tc.says, "MRAS fails for rmx/rmx1, rmx/rmx2"} {
				if !strings.Contains(f.Message, want) {
					t.Errorf("message %q does not say %q", f.Message, want)
				}
			}
			if !strings.Contains(f.Fix, "subject name lyncedge.fabrikam.com") || f.DocURL == "" {
				t.Errorf("fix %q, doc %q", f.Fix, f.DocURL)
			}
		})
	}
}

// TestEdgeCertNameWithoutRMXsOnICE: an Edge no RMX asks for relay
// credentials still has its finding (external users depend on it), but the
// message names no RMX.
func TestEdgeCertNameWithoutRMXsOnICE(t *testing.T) {
	data := edited(t, "single-site.yaml", withEdgeCertificate("{subject: lyncedge01.fabrikam.com}"))
	d, err := Parse("single-site.yaml", data)
	if err != nil {
		t.Fatal(err)
	}
	d.RPP.RMX = nil
	var n int
	for _, f := range Check(context.Background(), d, Options{}).Findings {
		if f.Rule != "edge-cert-name" {
			continue
		}
		n++
		if strings.Contains(f.Message, "MRAS fails") {
			t.Errorf("message names RMXs that do not exist: %s", f.Message)
		}
	}
	if n != 1 {
		t.Errorf("%d edge-cert-name findings; want 1", n)
	}
}

// TestEdgeCertificateDecodedStrictly: the Edge pool's certificate is read
// as the RMX's is: an unknown key or a bad EKU is an error naming the field
// and its line.
func TestEdgeCertificateDecodedStrictly(t *testing.T) {
	cases := []struct {
		cert, field string
		is          error
	}{
		{"{subject: lyncedge.fabrikam.com, eku: [codeSigning]}", "lync.edgePools[0].certificate.eku[0]", lync.ErrUnknownEKU},
		{"{subject: lyncedge.fabrikam.com, sans: [lyncedge.fabrikam.com]}", "lync.edgePools[0].certificate.sans", nil},
	}
	for _, tc := range cases {
		_, err := Parse("single-site.yaml", edited(t, "single-site.yaml", withEdgeCertificate(tc.cert)))
		var fe *FieldError
		if !errors.As(err, &fe) || fe.Field != tc.field || fe.Pos.Line == 0 || tc.is != nil && !errors.Is(err, tc.is) {
			t.Errorf("%s: err %v; want a field error at %s with a line", tc.cert, err, tc.field)
		}
	}
}

// TestMergeLyncKeepsEdgeCertificate: an import never carries an Edge
// pool's internal certificate (no cmdlet prints it), so refreshing a file
// from one keeps the certificate the admin wrote, comment and all, even
// when the import changes that Edge pool.
func TestMergeLyncKeepsEdgeCertificate(t *testing.T) {
	const cert = "      # requested on lyncedge01 by mistake\n      certificate: {subject: lyncedge01.fabrikam.com}\n"
	src := edited(t, "single-site.yaml",
		exampleEdit{edgeLine, "    - fqdn: lyncedge.fabrikam.com\n      site: HQ\n" + cert},
		exampleEdit{"    - {name: HQ, id: 1}\n", "    - {name: HQ, id: 1}\n    - {name: DR, id: 2}\n"})
	dep, err := Parse("single-site.yaml", src)
	if err != nil {
		t.Fatal(err)
	}
	want := *dep.Lync.EdgePools[0].Certificate
	imported := dep.Lync
	imported.EdgePools = []lync.EdgePool{{FQDN: "lyncedge.fabrikam.com", Site: "DR"}}
	got, rep, err := MergeLync("single-site.yaml", src, imported, nil)
	if err != nil {
		t.Fatal(err)
	}
	if !rep.Changed() || !strings.Contains(string(got), "site: DR\n"+cert) {
		t.Errorf("the merge did not move the Edge pool to DR keeping its certificate as written:\n%s", got)
	}
	d, err := Parse("single-site.yaml", got)
	if err != nil {
		t.Fatal(err)
	}
	if c := d.Lync.EdgePools[0].Certificate; c == nil || c.Subject != want.Subject || len(c.SAN) != 0 {
		t.Errorf("certificate after the merge %+v; want %+v", c, want)
	}
}
