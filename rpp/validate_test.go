package rpp

import (
	"errors"
	"io/fs"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/rppkit/rppkit/dma"
	"github.com/rppkit/rppkit/examples"
	"github.com/rppkit/rppkit/lync"
	"github.com/rppkit/rppkit/rmx"
)

// built is a valid deployment built in code.
func built() *Deployment {
	return &Deployment{
		Lync: lync.Topology{Product: lync.SfB2015, SIPDomains: []lync.FQDN{"a.com"}},
		RPP: RPP{
			Workflows: []Workflow{RealConnect},
			RMX: []rmx.System{{Name: "r", FQDN: "r.a.com", Version: rmx.MustParseVersion("8.7"),
				SIP: rmx.SIP{ICEEnvironment: rmx.ICEMS}}},
			DMA: []dma.System{{Name: "d", FQDN: "d.a.com", RealConnect: dma.RealConnect{Enabled: true}}},
		},
	}
}

// TestValidate: a deployment built in code gets the errors decoding the
// same values would give, with field paths and no positions.
func TestValidate(t *testing.T) {
	if err := built().Validate(); err != nil {
		t.Fatalf("valid deployment: %v", err)
	}
	for _, tc := range []struct {
		name   string
		change func(d *Deployment)
		is     error
		want   []string
	}{
		{"missing product", func(d *Deployment) { d.Lync.Product = "" }, ErrMissingField,
			[]string{"lync.product: required field missing"}},
		{"bad FQDN", func(d *Deployment) { d.RPP.RMX[0].FQDN = "rmx.a.com:5061" }, lync.ErrInvalidFQDN,
			[]string{`rpp.rmx[0].fqdn: invalid host name "rmx.a.com:5061": contains ':'; give the host name without a scheme or port`}},
		{"bad enum", func(d *Deployment) { d.RPP.RMX[0].SIP.ICEEnvironment = "bogus" }, rmx.ErrUnknownICEEnvironment,
			[]string{`rpp.rmx[0].sip.iceEnvironment: unknown ICE environment "bogus" (want none, ms or standard)`}},
		{"GRUU that is not a SIP URI", func(d *Deployment) {
			d.RPP.DMA[0].LyncPeers = []dma.LyncPeer{{Name: "fe", Address: "fe.a.com", ServiceGRUU: "<sip:x>"}}
		},
			lync.ErrMalformedGRUU, []string{`rpp.dma[0].lyncPeers[0].serviceGruu: service GRUU "<sip:x>": syntax: contains '<' at offset 0, which a SIP URI cannot hold unescaped`}},
		{"an object without its required fields", func(d *Deployment) { d.RPP.RMX = append(d.RPP.RMX, rmx.System{}) }, ErrMissingField,
			[]string{"rpp.rmx[1].name: required field missing", "rpp.rmx[1].fqdn: required field missing", "rpp.rmx[1].version: required field missing"}},
		{"an empty list item", func(d *Deployment) { d.Lync.SIPDomains = append(d.Lync.SIPDomains, "") }, ErrWrongType,
			[]string{"lync.sipDomains[1]: wrong type: an empty list item"}},
		{"a negative site id", func(d *Deployment) { d.Lync.Sites = []lync.Site{{Name: "s", ID: -1}} }, ErrWrongType,
			[]string{`lync.sites[0].id: wrong type: want a whole number (decimal digits), got "-1"`}},
		{"a bad port", func(d *Deployment) {
			d.Lync.StaticRoutes = []lync.StaticRoute{{Destination: "d.a.com", Port: 70000, Transport: "TLS"}}
		}, lync.ErrInvalidPort, []string{`lync.staticRoutes[0].port: invalid port "70000": want a number from 1 to 65535`}},
		{"nothing to check", func(d *Deployment) { d.RPP.RMX, d.RPP.DMA = nil, nil }, ErrMissingField,
			[]string{"rpp: required field missing: lists no rmx and no dma; nothing to check"}},
		{"the zero deployment", func(d *Deployment) { *d = Deployment{} }, ErrMissingField,
			[]string{"lync: required field missing", "rpp: required field missing"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			d := built()
			tc.change(d)
			err := d.Validate()
			var de *DecodeError
			if !errors.Is(err, tc.is) || !errors.As(err, &de) {
				t.Fatalf("Validate = %v, want a *DecodeError wrapping %v", err, tc.is)
			}
			for _, fe := range de.Errs {
				if fe.Pos.IsValid() {
					t.Errorf("error with a position: %v", fe)
				}
			}
			if diff := cmp.Diff(tc.want, strings.Split(err.Error(), "\n")); diff != "" {
				t.Errorf("errors (-want +got):\n%s", diff)
			}
		})
	}
	if err := (*Deployment)(nil).Validate(); !errors.Is(err, ErrNoDeployment) {
		t.Errorf("nil deployment: %v", err)
	}
}

// TestValidateDecodedExamples: every example decodes, and what decodes
// validates.
func TestValidateDecodedExamples(t *testing.T) {
	names, _ := fs.Glob(examples.FS, "*.yaml")
	for _, n := range names {
		d := load(t, n)
		if err := d.Validate(); err != nil {
			t.Errorf("%s: %v", n, err)
		}
	}
}
