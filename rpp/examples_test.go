package rpp

import (
	"context"
	"io/fs"
	"slices"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/rppkit/rppkit/examples"
)

// exampleFindings is what each bundled example must produce: rule and object
// of every finding. The stories come from the guidance and its readers.
var exampleFindings = map[string][]string{
	"two-site.yaml":    nil,
	"single-site.yaml": nil,
	"story-shared-certificate.yaml": {
		"cert-san-missing rmx/rmx2",
		"cert-shared rmx/rmx2",
	},
	"story-wildcard-certificate.yaml": {
		"cert-san-missing dma/dma7000",
		"cert-san-missing rmx/rmx1500",
		"cert-shared dma/dma7000",
		"cert-wildcard dma/dma7000",
		"cert-wildcard rmx/rmx1500",
		"rmx-sfb-version rmx/rmx1500",
		"rmx-vmr-defined rmx/rmx1500",
	},
	"story-video-not-accepted.yaml":       {"rmx-encryption rmx/rmx"},
	"story-legacy-ice-after-upgrade.yaml": {"rmx-ice-method-unsupported rmx/rmx"},
	"story-gruu-wrong-prefix.yaml": {
		"dma-gruu-prefix dma/dma",
		"rmx-contact-override-prefix rmx/rmx",
	},
	"story-realconnect-no-cascade.yaml": {
		"dma-gruu-missing dma/dma",
		"rc-dma-missing rpp",
	},
	"story-rmx-not-in-topology.yaml": {"rpp-component-not-in-topology rmx/rmx"},
	"story-edge-not-in-dns.yaml":     {"dns-record-missing rmx/rmx"},
	"story-edge-certificate.yaml":    {"edge-cert-name lync/edgePool/edge.adatum.com"},
}

func TestExamples(t *testing.T) {
	names, err := fs.Glob(examples.FS, "*.yaml")
	if err != nil {
		t.Fatal(err)
	}
	if len(names) != len(exampleFindings) {
		t.Errorf("examples %v; the table knows %d", names, len(exampleFindings))
	}
	for _, name := range names {
		want, ok := exampleFindings[name]
		if !ok {
			t.Errorf("example %s has no expected findings in the table", name)
			continue
		}
		r := Check(context.Background(), load(t, name), Options{})
		var got []string
		for _, f := range r.Findings {
			got = append(got, f.Rule+" "+f.Object)
			if f.File != name || f.Line == 0 {
				t.Errorf("%s: finding %s points at %s:%d", name, f.Rule, f.File, f.Line)
			}
		}
		slices.Sort(got)
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("%s findings (-want +got):\n%s", name, diff)
		}
	}
}

// TestFindingPositions checks that findings point at the line of the field
// at fault, as written in the file.
func TestFindingPositions(t *testing.T) {
	r := Check(context.Background(), load(t, "story-gruu-wrong-prefix.yaml"), Options{})
	want := map[string]int{ // rule → line in story-gruu-wrong-prefix.yaml
		"rmx-contact-override-prefix": 39,
		"dma-gruu-prefix":             48,
	}
	for _, f := range r.Findings {
		if f.Line != want[f.Rule] {
			t.Errorf("%s at line %d, want %d", f.Rule, f.Line, want[f.Rule])
		}
	}
	if got := r.Findings[0].Replacement(); got != "rpp.woodgrove.com@woodgrove.com;gruu;opaque=srvr:video:Lw0vG6hJs3QaK8zDn2cXbwAA" {
		t.Errorf("replacement for the RMX flag = %q", got)
	}
}
