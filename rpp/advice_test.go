package rpp

import (
	"errors"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/rppkit/rppkit/lync"
	"github.com/rppkit/rppkit/rmx"
)

// The conformance kit runs the cases of these functions (pools/…,
// ice-settings/…, static-route/…); these tests cover their Go errors and
// the examples.

func TestPlanPoolsOnExamples(t *testing.T) {
	two, err := PlanPools(load(t, "two-site.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	want := []PoolPlan{
		{Sites: []string{"East"}, Registrar: "fe-east.contoso.com", Computers: []lync.FQDN{"rmx-east.contoso.com", "dma-east.contoso.com"}},
		{Sites: []string{"West"}, Registrar: "fe-west.contoso.com", Computers: []lync.FQDN{"rmx-west.contoso.com", "dma-west.contoso.com"}},
	}
	if diff := cmp.Diff(want, two); diff != "" {
		t.Errorf("two-site (-want +got):\n%s", diff)
	}
	one, err := PlanPools(load(t, "single-site.yaml"))
	if err != nil || len(one) != 1 || one[0].Registrar != "lyncpool.fabrikam.com" || len(one[0].Computers) != 3 {
		t.Errorf("single-site: %+v, %v", one, err)
	}
	d := load(t, "single-site.yaml")
	d.Lync.FrontEndPools = nil
	if _, err := PlanPools(d); !errors.Is(err, ErrNoFrontEnd) {
		t.Errorf("no Front End pool: %v", err)
	}
}

func TestDeriveICESettingsErrors(t *testing.T) {
	d := load(t, "single-site.yaml")
	ep, app := d.Lync.TrustedApplicationEndpoints[0], d.Lync.TrustedApplications[0]
	s, err := DeriveICESettings(ep, app)
	want := ICESettings{ICEEnvironment: rmx.ICEMS, ServerUserName: "rpp", ServerDomainName: "fabrikam.com",
		ContactOverride: "rpp.fabrikam.com@fabrikam.com;gruu;opaque=srvr:video:QbJ7c2W1x0K9tP4mAz8hSgAA"}
	if err != nil || s != want {
		t.Errorf("DeriveICESettings = %+v, %v", s, err)
	}
	other := ep
	other.Pool = "rpp2.fabrikam.com"
	if _, err := DeriveICESettings(other, app); !errors.Is(err, ErrEndpointMismatch) {
		t.Errorf("endpoint of another pool: %v", err)
	}
	app.ServiceGRUU = "sip:rpp.fabrikam.com@fabrikam.com;opaque=srvr:video:QbJ7c2W1x0K9tP4mAz8hSgAA"
	if _, err := DeriveICESettings(ep, app); !errors.Is(err, lync.ErrMalformedGRUU) {
		t.Errorf("GRUU without gruu: %v", err)
	}
}

func TestNeedsStaticRoute(t *testing.T) {
	for _, tc := range []struct {
		w    []Workflow
		want bool
	}{{[]Workflow{RealConnect}, false}, {[]Workflow{Traditional}, true}, {[]Workflow{RealConnect, Traditional}, true}, {nil, false}} {
		if got := NeedsStaticRoute(tc.w); got != tc.want {
			t.Errorf("NeedsStaticRoute(%v) = %v", tc.w, got)
		}
	}
}
