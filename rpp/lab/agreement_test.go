package lab_test

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"slices"
	"strings"
	"testing"

	"go.uber.org/goleak"

	"github.com/rppkit/rppkit/examples"
	"github.com/rppkit/rppkit/lync"
	"github.com/rppkit/rppkit/rmx"
	"github.com/rppkit/rppkit/rmx/rmxtest"
	"github.com/rppkit/rppkit/rpp"
	"github.com/rppkit/rppkit/rpp/lab"
)

type agreementCase struct {
	name    string
	example string
	mutate  func(d *rpp.Deployment)
	opts    []rmxtest.Option
	// want is each RMX's wire outcome: nil for ICE ready, else the symptom.
	want map[string]*rmx.Symptom
}

func agreementCases(t *testing.T) []agreementCase {
	names, err := fs.Glob(examples.FS, "*.yaml")
	if err != nil {
		t.Fatal(err)
	}
	// Every example as it is: what each of its RMXs does on the wire.
	cases := []agreementCase{}
	exampleWant := map[string]map[string]*rmx.Symptom{
		"story-shared-certificate.yaml":       {"rmx1": nil, "rmx2": rmx.SymptomRegister},
		"story-wildcard-certificate.yaml":     {"rmx1500": rmx.SymptomTLS},
		"story-legacy-ice-after-upgrade.yaml": {"rmx": rmx.SymptomMethodUnsupported},
		"story-gruu-wrong-prefix.yaml":        {"rmx": rmx.SymptomCredentialDenied},
		"story-rmx-not-in-topology.yaml":      {"rmx": rmx.SymptomTLS},
		"story-edge-not-in-dns.yaml":          {"rmx": rmx.SymptomEdgeResolve},
		"story-edge-certificate.yaml":         {"rmx": rmx.SymptomMRASFailure},
	}
	for _, n := range names {
		cases = append(cases, agreementCase{name: n, example: n, want: exampleWant[n]})
	}
	// The catalogue's mistakes that show on the wire, one at a time.
	return append(cases,
		agreementCase{"GRUU flag missing", "single-site.yaml", func(d *rpp.Deployment) { d.RPP.RMX[0].Flags = nil }, nil,
			map[string]*rmx.Symptom{"rmx1": rmx.SymptomCredentialDenied}},
		agreementCase{"GRUU flag of the other pool", "two-site.yaml", func(d *rpp.Deployment) {
			d.RPP.RMX[0].Flags[rmx.FlagContactOverride] = d.RPP.RMX[1].Flags[rmx.FlagContactOverride]
		}, nil, map[string]*rmx.Symptom{"rmx-east": rmx.SymptomCredentialDenied}},
		agreementCase{"sip: in the flag, firmware that strips it", "story-gruu-wrong-prefix.yaml", nil,
			[]rmxtest.Option{rmxtest.WithSchemeStripping()}, map[string]*rmx.Symptom{"rmx": nil}},
		agreementCase{"Server User Name names nobody", "single-site.yaml", func(d *rpp.Deployment) { d.RPP.RMX[0].SIP.ServerUserName = "videoice" }, nil,
			map[string]*rmx.Symptom{"rmx1": rmx.SymptomRegister}},
		agreementCase{"Server User Name with the whole address", "single-site.yaml", func(d *rpp.Deployment) {
			d.RPP.RMX[0].SIP.ServerUserName = "sip:rpp@fabrikam.com"
		}, nil, map[string]*rmx.Symptom{"rmx1": rmx.SymptomRegister}},
		agreementCase{"Server Domain Name of another domain", "single-site.yaml", func(d *rpp.Deployment) { d.RPP.RMX[0].SIP.ServerDomainName = "fabrikam.net" }, nil,
			map[string]*rmx.Symptom{"rmx1": rmx.SymptomRegister}},
		agreementCase{"no endpoint for the new method", "single-site.yaml", func(d *rpp.Deployment) { d.Lync.TrustedApplicationEndpoints = nil }, nil,
			map[string]*rmx.Symptom{"rmx1": rmx.SymptomRegister}},
		agreementCase{"RMX pointed at the Edge", "single-site.yaml", func(d *rpp.Deployment) { d.RPP.RMX[0].SIP.Server = "lyncedge.fabrikam.com" }, nil,
			map[string]*rmx.Symptom{"rmx1": rmx.SymptomTLS}},
		agreementCase{"wildcard certificate", "single-site.yaml", func(d *rpp.Deployment) {
			d.RPP.RMX[0].Certificate = &lync.Certificate{Subject: "*.fabrikam.com", SAN: []string{"*.fabrikam.com"}}
		}, nil, map[string]*rmx.Symptom{"rmx1": rmx.SymptomTLS}},
		// Microsoft supports no wildcard subject name for any role, even with
		// a SAN naming the host: cert-wildcard, refused in the handshake.
		agreementCase{"wildcard CN, SAN naming the host", "single-site.yaml", func(d *rpp.Deployment) {
			d.RPP.RMX[0].Certificate = &lync.Certificate{Subject: "*.fabrikam.com", SAN: []string{string(d.RPP.RMX[0].FQDN)}}
		}, nil, map[string]*rmx.Symptom{"rmx1": rmx.SymptomTLS}},
		// Lync trusts a computer by its SAN DNS names: a CN-only certificate
		// is cert-san-missing, refused in the handshake.
		agreementCase{"CN-only certificate", "single-site.yaml", func(d *rpp.Deployment) {
			d.RPP.RMX[0].Certificate = &lync.Certificate{Subject: string(d.RPP.RMX[0].FQDN)}
		}, nil, map[string]*rmx.Symptom{"rmx1": rmx.SymptomTLS}},
		agreementCase{"new method on 8.3", "single-site.yaml", func(d *rpp.Deployment) { d.RPP.RMX[0].Version = rmx.MustParseVersion("8.3.1") }, nil,
			map[string]*rmx.Symptom{"rmx1": rmx.SymptomMethodUnsupported}},
		agreementCase{"legacy method on 8.5", "single-site.yaml", func(d *rpp.Deployment) { d.RPP.RMX[1].Version = rmx.MustParseVersion("8.5.10") }, nil,
			map[string]*rmx.Symptom{"rmx2": rmx.SymptomMethodUnsupported}},
		agreementCase{"no ICE on 8.5", "single-site.yaml", func(d *rpp.Deployment) {
			d.RPP.RMX[0].SIP.ServerUserName, d.RPP.RMX[0].SIP.ICEEnvironment = "", rmx.ICENone
		}, nil, map[string]*rmx.Symptom{"rmx1": rmx.SymptomICENotConfigured}},
		agreementCase{"ICE environment Standard", "single-site.yaml", func(d *rpp.Deployment) { d.RPP.RMX[0].SIP.ICEEnvironment = rmx.ICEStandard }, nil,
			map[string]*rmx.Symptom{"rmx1": rmx.SymptomICEEnvironment}},
		agreementCase{"the internal DNS holds every name", "two-site.yaml", func(d *rpp.Deployment) { d.DNS = contosoDNS() }, nil,
			map[string]*rmx.Symptom{"rmx-east": nil, "rmx-west": nil}},
		agreementCase{"the East Edge's name not in the DNS", "two-site.yaml", func(d *rpp.Deployment) { d.DNS = contosoDNS("edge-east.contoso.com") }, nil,
			map[string]*rmx.Symptom{"rmx-east": rmx.SymptomEdgeResolve}},
		agreementCase{"the East Front End's name not in the DNS", "two-site.yaml", func(d *rpp.Deployment) { d.DNS = contosoDNS("fe-east.contoso.com") }, nil,
			map[string]*rmx.Symptom{"rmx-east": rmx.SymptomTLS}},
		// The Front End checks the Edge's internal certificate before it
		// hands MRAS requests on: edge-cert-name, for every RMX on ICE
		// whose media relays through that Edge, and for no other.
		agreementCase{"West's Edge certificate names one Edge Server", "two-site.yaml", func(d *rpp.Deployment) {
			d.Lync.EdgePools[1].Certificate = &lync.Certificate{Subject: "edge-west01.contoso.com"}
		}, nil, map[string]*rmx.Symptom{"rmx-west": rmx.SymptomMRASFailure}},
		agreementCase{"Edge certificate with a SAN list that leaves the pool out", "single-site.yaml", func(d *rpp.Deployment) {
			d.Lync.EdgePools[0].Certificate = &lync.Certificate{Subject: "lyncedge.fabrikam.com", SAN: []string{"sip.fabrikam.com"}}
		}, nil, map[string]*rmx.Symptom{"rmx1": rmx.SymptomMRASFailure, "rmx2": rmx.SymptomMRASFailure}},
		// As Microsoft plans it: the pool FQDN as subject name, no SAN.
		agreementCase{"Edge certificate with the pool's subject name only", "two-site.yaml", func(d *rpp.Deployment) {
			d.Lync.EdgePools[0].Certificate = &lync.Certificate{Subject: "CN=edge-east.contoso.com, OU=Lync"}
		}, nil, nil},
		agreementCase{"Service GRUU never published", "two-site.yaml", func(d *rpp.Deployment) { d.Lync.TrustedApplications[0].ServiceGRUU = "" }, nil,
			map[string]*rmx.Symptom{"rmx-east": rmx.SymptomCredentialDenied}},
	)
}

// contosoDNS is the internal zone of two-site.yaml, contoso.com, with an A
// record for each name of the integration but those left out.
func contosoDNS(leftOut ...lync.FQDN) *rpp.DNS {
	d := &rpp.DNS{Zones: []lync.FQDN{"contoso.com"}}
	for i, name := range []lync.FQDN{
		"fe-east.contoso.com", "fe-west.contoso.com", "edge-east.contoso.com", "edge-west.contoso.com",
		"rmx-east.contoso.com", "rmx-west.contoso.com", "dma-east.contoso.com", "dma-west.contoso.com",
	} {
		if !slices.Contains(leftOut, name) {
			d.Records = append(d.Records, rpp.DNSRecord{Name: name, Type: rpp.DNSA, Value: fmt.Sprintf("10.0.0.%d", i+1)})
		}
	}
	return d
}

// TestStaticAndWireAgree brings every case up in the lab and checks each
// RMX's outcome against the case's expectation, and the lab's explanation
// against the static check: a failure must be explained by a rule that lists
// its symptom, and a system that came up must have no such rule against it.
func TestStaticAndWireAgree(t *testing.T) {
	defer goleak.VerifyNone(t, goleak.IgnoreCurrent())
	for _, tc := range agreementCases(t) {
		t.Run(tc.name, func(t *testing.T) {
			d, err := rpp.LoadFS(context.Background(), examples.FS, tc.example)
			if err != nil {
				t.Fatal(err)
			}
			if tc.mutate != nil {
				tc.mutate(d)
			}
			res, err := lab.Run(context.Background(), d, lab.Options{RMX: tc.opts})
			if err != nil {
				t.Fatal(err)
			}
			ladder := ladderText(res)
			for _, sys := range res.Systems {
				if sys.Kind != lab.KindRMX {
					continue
				}
				want := tc.want[sys.Name]
				f := sys.Failure
				switch {
				case want == nil && f != nil:
					t.Errorf("%s: %v, want ICE ready\n%s", sys.Name, f.Err, ladder)
				case want != nil && f == nil:
					t.Errorf("%s reached %s, want %v\n%s", sys.Name, sys.State, want, ladder)
				case want != nil && !errors.Is(f.Err, want):
					t.Errorf("%s: %v, want %v\n%s", sys.Name, f.Err, want, ladder)
				case f != nil && len(f.Rules) == 0:
					t.Errorf("%s failed on the wire (%v), but rpp check reports no rule that explains it", sys.Name, f.Err)
				case f != nil && f.Symptom != want.Text:
					t.Errorf("%s: symptom %q, want %q", sys.Name, f.Symptom, want.Text)
				}
			}
			if len(res.Disagreements) > 0 && !(len(tc.opts) > 0 && allAbout(res.Disagreements, "rmx-contact-override-prefix")) {
				t.Errorf("static check and wire disagree: %v", res.Disagreements)
			}
		})
	}
}

// allAbout reports whether every disagreement names the rule id: a firmware
// quirk (an option of the case) can make a mistake harmless on the wire.
func allAbout(ds []string, id string) bool {
	for _, d := range ds {
		if !strings.HasSuffix(d, " "+id+" for it") {
			return false
		}
	}
	return true
}

func ladderText(r *lab.Result) string {
	var b strings.Builder
	r.WriteMermaid(&b)
	return b.String()
}

// callCase is a mistake of the RealConnect or traditional workflow, and
// what the lab must show for it: for each test call (keyed "realconnect
// DMA-NAME" or "traditional MATCHURI") and DMA ("dma DMA-NAME"), the phase
// it fails at ("" when it connects or comes up) and a rule `rpp check`
// reports for the same deployment that the lab names as its explanation.
type callCase struct {
	name    string
	example string
	mutate  func(d *rpp.Deployment)
	want    map[string]wantFailure
}

type wantFailure struct {
	phase string
	rule  string
}

func callCases() []callCase {
	return []callCase{
		{"clean RealConnect", "two-site.yaml", nil, map[string]wantFailure{
			"realconnect dma-east": {}, "realconnect dma-west": {}, "dma dma-east": {}, "dma dma-west": {},
		}},
		{"cascade profile never encrypts", "two-site.yaml", func(d *rpp.Deployment) {
			d.RPP.RMX[0].ConferenceProfiles = []rmx.ConferenceProfile{{Name: "lync", Encryption: rmx.EncryptNone}}
		}, map[string]wantFailure{
			"realconnect dma-east": {"cascade", "rmx-encryption"}, "realconnect dma-west": {},
		}},
		{"DMA's Service GRUU without sip:", "two-site.yaml", func(d *rpp.Deployment) {
			p := &d.RPP.DMA[0].LyncPeers[0]
			p.ServiceGRUU = strings.TrimPrefix(p.ServiceGRUU, "sip:")
		}, map[string]wantFailure{
			"realconnect dma-east": {"resolve", "dma-gruu-prefix"}, "realconnect dma-west": {},
		}},
		{"DMA's Service GRUU of the other site's pool", "two-site.yaml", func(d *rpp.Deployment) {
			d.RPP.DMA[0].LyncPeers[0].ServiceGRUU = d.RPP.DMA[1].LyncPeers[0].ServiceGRUU
		}, map[string]wantFailure{
			"realconnect dma-east": {"resolve", "dma-gruu-mismatch"}, "realconnect dma-west": {},
		}},
		{"DMA's Lync peer has no Service GRUU", "two-site.yaml", func(d *rpp.Deployment) {
			d.RPP.DMA[0].LyncPeers[0].ServiceGRUU = ""
		}, map[string]wantFailure{
			"realconnect dma-east": {"resolve", "dma-gruu-missing"}, "realconnect dma-west": {},
		}},
		{"RealConnect off on every DMA", "two-site.yaml", func(d *rpp.Deployment) {
			d.RPP.DMA[0].RealConnect.Enabled, d.RPP.DMA[1].RealConnect.Enabled = false, false
		}, map[string]wantFailure{
			"realconnect dma-east": {"route", "rc-dma-missing"}, "realconnect dma-west": {"route", "rc-dma-missing"},
		}},
		{"wildcard DMA certificate", "two-site.yaml", func(d *rpp.Deployment) {
			d.RPP.DMA[0].Certificate = &lync.Certificate{Subject: "*.contoso.com", SAN: []string{"*.contoso.com"}}
		}, map[string]wantFailure{
			"dma dma-east": {"Lync call-back", "cert-wildcard"}, "realconnect dma-east": {"resolve", "cert-wildcard"},
			"dma dma-west": {}, "realconnect dma-west": {},
		}},
		{"DMA presenting the RMX's certificate", "two-site.yaml", func(d *rpp.Deployment) {
			d.RPP.DMA[0].Certificate = d.RPP.RMX[0].Certificate
		}, map[string]wantFailure{
			"dma dma-east": {"Lync call-back", "cert-shared"}, "dma dma-west": {},
		}},
		{"DMA listening on another port than the application's", "two-site.yaml", func(d *rpp.Deployment) {
			d.RPP.DMA[0].ListenPort = 5072
		}, map[string]wantFailure{
			"dma dma-east": {"Lync call-back", "rpp-listen-port-mismatch"}, "dma dma-west": {},
		}},
		// The DMA finds no MCU because its RMX did not come up: the
		// RMX's failure, and the rules that explain it, explain the call.
		{"the Edge's certificate names another host", "story-edge-certificate.yaml", nil, map[string]wantFailure{
			"rmx rmx": {"service", "edge-cert-name"}, "realconnect dma": {"cascade", "edge-cert-name"}, "dma dma": {},
		}},
		{"the RMX missing from the pool", "story-rmx-not-in-topology.yaml", nil, map[string]wantFailure{
			"realconnect dma": {"cascade", "rpp-component-not-in-topology"},
		}},
		{"clean traditional", "single-site.yaml", nil, map[string]wantFailure{
			"traditional vmr.fabrikam.com": {}, "dma dma": {},
		}},
		{"traditional: the hosting RMX never encrypts", "single-site.yaml", func(d *rpp.Deployment) {
			d.RPP.RMX[0].ConferenceProfiles = []rmx.ConferenceProfile{{Name: "default", Encryption: rmx.EncryptNone}}
		}, map[string]wantFailure{
			"traditional vmr.fabrikam.com": {"host", "rmx-encryption"},
		}},
		{"the DNS has no address for an RMX's own name", "two-site.yaml", func(d *rpp.Deployment) { d.DNS = contosoDNS("rmx-east.contoso.com") },
			map[string]wantFailure{"rmx rmx-east": {"Lync call-back", "dns-record-missing"}, "rmx rmx-west": {}}},
		{"the DNS has no address for a DMA's own name", "two-site.yaml", func(d *rpp.Deployment) { d.DNS = contosoDNS("dma-west.contoso.com") },
			map[string]wantFailure{"dma dma-west": {"Lync call-back", "dns-record-missing"}, "dma dma-east": {}, "realconnect dma-east": {}}},
		{"the DNS has no address for the DMA's Lync peer", "two-site.yaml", func(d *rpp.Deployment) { d.DNS = contosoDNS("fe-east.contoso.com") },
			map[string]wantFailure{"realconnect dma-east": {"resolve", "dns-record-missing"}, "realconnect dma-west": {}}},
		{"traditional: static route to a host the DMA's certificate does not name", "single-site.yaml", func(d *rpp.Deployment) {
			d.Lync.StaticRoutes[0].Destination = "rpp.fabrikam.com"
			d.RPP.DMA[0].Certificate = &lync.Certificate{Subject: "dma.fabrikam.com", SAN: []string{"dma.fabrikam.com"}}
		}, map[string]wantFailure{
			"traditional vmr.fabrikam.com": {"route", "lync-static-route-cert"},
		}},
	}
}

// TestCallsAgreeWithCheck runs the RealConnect and traditional mistakes in
// the lab and checks each test call's and DMA's outcome, and that the rule
// the lab names is one `rpp check` reports.
func TestCallsAgreeWithCheck(t *testing.T) {
	defer goleak.VerifyNone(t, goleak.IgnoreCurrent())
	for _, tc := range callCases() {
		t.Run(tc.name, func(t *testing.T) {
			d, err := rpp.LoadFS(context.Background(), examples.FS, tc.example)
			if err != nil {
				t.Fatal(err)
			}
			if tc.mutate != nil {
				tc.mutate(d)
			}
			static := rpp.Check(context.Background(), d, rpp.Options{}).Rules()
			res, err := lab.Run(context.Background(), d, lab.Options{})
			if err != nil {
				t.Fatal(err)
			}
			got := map[string]*lab.Failure{}
			seen := map[string]bool{}
			for _, s := range res.Systems {
				if s.Kind == lab.KindDMA || s.Kind == lab.KindRMX {
					got[s.Kind+" "+s.Name], seen[s.Kind+" "+s.Name] = s.Failure, true
				}
			}
			for _, c := range res.Calls {
				key := string(c.Workflow) + " " + c.DMA
				if c.Workflow == rpp.Traditional {
					key = "traditional " + strings.Fields(c.Route)[0]
				}
				got[key], seen[key] = c.Failure, true
				if c.Failure == nil && !c.Connected {
					t.Errorf("%s: neither connected nor failed (%s)", key, c.NotPlaced)
				}
			}
			for key, want := range tc.want {
				f := got[key]
				switch {
				case !seen[key]:
					t.Errorf("%s: not in the lab's result\n%s", key, ladderText(res))
				case want.phase == "" && f != nil:
					t.Errorf("%s failed at %s: %s (%s), want it up\n%s", key, f.Phase, f.Symptom, f.Detail, ladderText(res))
				case want.phase != "" && f == nil:
					t.Errorf("%s came up, want a failure at %s\n%s", key, want.phase, ladderText(res))
				case want.phase != "" && f.Phase != want.phase:
					t.Errorf("%s failed at %s (%s; %s), want %s", key, f.Phase, f.Symptom, f.Detail, want.phase)
				case want.phase != "" && !slices.Contains(f.Rules, want.rule):
					t.Errorf("%s: the lab explains it by %v, want %s among them", key, f.Rules, want.rule)
				case want.rule != "" && !slices.Contains(static, want.rule):
					t.Errorf("rpp check does not report %s (it reports %v)", want.rule, static)
				}
			}
		})
	}
}
