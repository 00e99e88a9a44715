package rmxtest_test

import (
	"context"
	"errors"
	"io/fs"
	"slices"
	"strings"
	"testing"

	"go.uber.org/goleak"

	"github.com/rppkit/rppkit/examples"
	"github.com/rppkit/rppkit/lync"
	"github.com/rppkit/rppkit/lync/lynctest"
	"github.com/rppkit/rppkit/rmx"
	"github.com/rppkit/rppkit/rmx/rmxtest"
	"github.com/rppkit/rppkit/rpp"
)

// explains maps each wire symptom to the rules whose findings account for
// it, read from the catalogue (rpp.Rule.Symptoms): the static check and the
// lab agree when an RMX that fails on the wire has a finding of one of these
// rules, and an RMX that reaches ICE ready has none of any.
func explains() map[*rmx.Symptom][]string {
	m := map[*rmx.Symptom][]string{}
	for _, r := range rpp.Catalogue() {
		for _, s := range r.Symptoms {
			m[s] = append(m[s], r.ID)
		}
	}
	return m
}

// wireRules are the rules that show on the wire: those with symptoms.
func wireRules() []string {
	var all []string
	for _, r := range rpp.Catalogue() {
		if len(r.Symptoms) > 0 {
			all = append(all, r.ID)
		}
	}
	return all
}

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
		agreementCase{"Service GRUU never published", "two-site.yaml", func(d *rpp.Deployment) { d.Lync.TrustedApplications[0].ServiceGRUU = "" }, nil,
			map[string]*rmx.Symptom{"rmx-east": rmx.SymptomCredentialDenied}},
	)
}

// TestStaticAndWireAgree brings every RMX of every case up in the lab and
// checks the outcome against the case's expectation and against what
// rpp.Check says of the same deployment.
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
			report := rpp.Check(context.Background(), d, rpp.Options{})
			s, err := lynctest.NewServer(context.Background(), &d.Lync)
			if err != nil {
				t.Fatal(err)
			}
			defer s.Close()
			opts := append([]rmxtest.Option{rmxtest.WithLogger(quiet), rmxtest.WithSubscribeRetries(1, 0)}, tc.opts...)
			explains := explains()
			for _, o := range rmxtest.StartAll(context.Background(), s, d.RPP.RMX, opts...) {
				want := tc.want[o.RMX]
				var e *rmxtest.Error
				if o.Err != nil && !errors.As(o.Err, &e) {
					t.Errorf("%s: %T is not an *rmxtest.Error: %v", o.RMX, o.Err, o.Err)
					continue
				}
				switch {
				case want == nil && o.Err != nil:
					t.Errorf("%s: %v, want ICE ready\n%s", o.RMX, o.Err, s.Ladder())
				case want != nil && o.Err == nil:
					t.Errorf("%s reached %s, want %v\n%s", o.RMX, o.Status.State, want, s.Ladder())
				case want != nil && (e.Symptom != want || !errors.Is(o.Err, want)):
					t.Errorf("%s: %v, want %v\n%s", o.RMX, o.Err, want, s.Ladder())
				}
				static := rulesFor(report, d, o.RMX)
				if o.Err == nil {
					if bad := intersect(static, wireRules()); len(bad) > 0 && !(slices.Equal(bad, []string{"rmx-contact-override-prefix"}) && len(tc.opts) > 0) {
						t.Errorf("%s reached ICE ready, but rpp check reports %v for it", o.RMX, bad)
					}
					continue
				}
				if why := intersect(static, explains[e.Symptom]); len(why) == 0 {
					t.Errorf("%s failed on the wire (%v), but rpp check reports none of %v for it (it reports %v)",
						o.RMX, o.Err, explains[e.Symptom], static)
				}
			}
		})
	}
}

// rulesFor returns the rules that fire for the RMX called name, or for the
// topology objects of its pool (its pool, the pool's applications and
// endpoints).
func rulesFor(r rpp.Report, d *rpp.Deployment, name string) []string {
	x := d.Lync.Index()
	pool := ""
	for _, sys := range d.RPP.RMX {
		if sys.Name == name {
			if p := x.PoolOf(sys.FQDN); p >= 0 {
				pool = string(d.Lync.TrustedApplicationPools[p].FQDN)
			}
		}
	}
	ofPool := func(object string) bool {
		if pool == "" {
			return false
		}
		if addr, ok := strings.CutPrefix(object, "lync/endpoint/"); ok {
			a, err := lync.ParseSIPAddress(addr)
			return err == nil && x.Endpoint(a) >= 0 && d.Lync.TrustedApplicationEndpoints[x.Endpoint(a)].Pool.Equal(lync.FQDN(pool))
		}
		return strings.HasPrefix(object, "lync/pool/"+pool) || strings.HasPrefix(object, "lync/application/"+pool+"/")
	}
	var ids []string
	for _, f := range r.Findings {
		if f.Object == "rmx/"+name || ofPool(f.Object) {
			ids = append(ids, f.Rule)
		}
	}
	slices.Sort(ids)
	return slices.Compact(ids)
}

func intersect(a, b []string) []string {
	var out []string
	for _, x := range a {
		if slices.Contains(b, x) {
			out = append(out, x)
		}
	}
	return out
}
