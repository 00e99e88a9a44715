package rpp

import (
	"context"
	"errors"
	"math/rand"
	"slices"
	"strings"
	"testing"

	"github.com/rppkit/rppkit/dma"
	"github.com/rppkit/rppkit/rmx"
)

func TestCheckRefusesWhatItCannotJudge(t *testing.T) {
	good := &Rule{ID: "acme-good", Severity: Warning, Summary: "s", Doc: "why\n\nFix: do", Run: func(*Pass) {}}
	for _, tc := range []struct {
		name  string
		d     *Deployment
		rules []*Rule
		want  error
	}{
		{"nil deployment", nil, nil, ErrNoDeployment},
		{"rule without Run", load(t, "two-site.yaml"), []*Rule{good, {ID: "acme-norun", Summary: "s", Doc: "Fix: x"}}, ErrInvalidRule},
		{"nil rule", load(t, "two-site.yaml"), []*Rule{nil}, ErrInvalidRule},
		{"deployment built in code without its required fields", &Deployment{}, nil, ErrMissingField},
		{"deployment built in code with a bad enum", func() *Deployment {
			d := *load(t, "two-site.yaml")
			d.src = nil
			d.RPP.RMX = slices.Clone(d.RPP.RMX)
			d.RPP.RMX[0].SIP.ICEEnvironment = "bogus"
			return &d
		}(), nil, rmx.ErrUnknownICEEnvironment},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := Check(context.Background(), tc.d, Options{Rules: tc.rules})
			if !errors.Is(r.Err, tc.want) {
				t.Errorf("Err = %v, want %v", r.Err, tc.want)
			}
			if len(r.Findings) != 0 || r.Summary != (Summary{}) {
				t.Errorf("a refused check reports findings: %+v", r)
			}
		})
	}
}

func TestValidateRules(t *testing.T) {
	if err := ValidateRules(Catalogue()); err != nil {
		t.Fatalf("the catalogue: %v", err)
	}
	run := func(*Pass) {}
	for _, tc := range []struct {
		name string
		rule Rule
	}{
		{"no ID", Rule{Summary: "s", Doc: "Fix: x", Run: run}},
		{"ID not kebab-case", Rule{ID: "Acme_Rule", Summary: "s", Doc: "Fix: x", Run: run}},
		{"one word", Rule{ID: "acme", Summary: "s", Doc: "Fix: x", Run: run}},
		{"no Run", Rule{ID: "acme-rule", Summary: "s", Doc: "Fix: x"}},
		{"no summary", Rule{ID: "acme-rule", Doc: "Fix: x", Run: run}},
		{"doc without a fix", Rule{ID: "acme-rule", Summary: "s", Doc: "why", Run: run}},
		{"unknown severity", Rule{ID: "acme-rule", Severity: Severity(7), Summary: "s", Doc: "Fix: x", Run: run}},
		{"ID of the catalogue", Rule{ID: "cert-wildcard", Summary: "s", Doc: "Fix: x", Run: run}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := tc.rule
			err := ValidateRules(append(Catalogue(), &r))
			if !errors.Is(err, ErrInvalidRule) {
				t.Errorf("ValidateRules = %v, want ErrInvalidRule", err)
			}
		})
	}
}

func TestParseSeverity(t *testing.T) {
	for _, s := range []string{"error", "WARNING", "Info"} {
		if _, err := ParseSeverity(s); err != nil {
			t.Errorf("ParseSeverity(%q): %v", s, err)
		}
	}
	var s Severity
	if err := s.UnmarshalText([]byte("fatal")); !errors.Is(err, ErrUnknownSeverity) {
		t.Errorf("UnmarshalText(fatal) = %v, want ErrUnknownSeverity", err)
	}
}

// TestCheckJudgesADeploymentBuiltInCode: a valid deployment built in code
// is checked like a decoded one.
func TestCheckJudgesADeploymentBuiltInCode(t *testing.T) {
	d := *load(t, "story-gruu-wrong-prefix.yaml")
	d.src = nil
	r := Check(context.Background(), &d, Options{})
	if r.Err != nil || len(r.Findings) != 2 {
		t.Errorf("Check = %d findings, %v; want the story's 2 findings", len(r.Findings), r.Err)
	}
}

func TestHasSpace(t *testing.T) {
	for s, want := range map[string]bool{"": false, "sip:a@b;gruu": false, "a b": true, "a\tb": true, "ab\r\n": true,
		"a\u00a0b": true, "a\u2028b": true, "é": false, "\v": true} {
		if got := hasSpace(s); got != want {
			t.Errorf("hasSpace(%q) = %v, want %v", s, got, want)
		}
	}
}

// TestManagersAsManages: the lookup rmx-vmr-defined uses answers what
// dma.System.Manages answers, DMA by DMA, for every mix of MCU lists and
// sites.
func TestManagersAsManages(t *testing.T) {
	rng := rand.New(rand.NewSource(1))
	names, sites := []string{"a", "B", "c"}, []string{"", "x", "Y"}
	for n := 0; n < 500; n++ {
		var dmas []dma.System
		for k := rng.Intn(4); k > 0; k-- {
			s := dma.System{Site: sites[rng.Intn(3)]}
			for m := rng.Intn(3); m > 0; m-- {
				s.MCUs = append(s.MCUs, names[rng.Intn(3)])
			}
			dmas = append(dmas, s)
		}
		r := &rmx.System{Name: strings.ToLower(names[rng.Intn(3)]), Site: strings.ToLower(sites[rng.Intn(3)])}
		want := slices.IndexFunc(dmas, func(s dma.System) bool { return s.Manages(r.Name, r.Site) })
		if got := managers(dmas)(r); got != want {
			t.Fatalf("managers(%+v)(%+v) = %d, want %d", dmas, r, got, want)
		}
	}
}
