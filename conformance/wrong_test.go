package conformance_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/rppkit/rppkit/conformance"
	"github.com/rppkit/rppkit/lync"
)

// Deliberately wrong subjects: each makes one mistake the guidance warns
// about, and the kit must catch exactly that mistake — these cases fail,
// no others. This proves the kit can fail.

type keepsSchemeForRMX struct{ conformance.Reference }

func (keepsSchemeForRMX) RMXForm(s string) (string, error) {
	s = strings.TrimSpace(s)
	_, err := lync.ParseGRUU(s)
	return s, err // the mistake: pasted as Lync printed it, sip: and all
}

type dropsSchemeForDMA struct{ conformance.Reference }

func (dropsSchemeForDMA) DMAForm(s string) (string, error) {
	g, err := lync.ParseGRUU(strings.TrimSpace(s))
	return g.WithoutScheme(), err // the mistake: the RMX form on the DMA
}

// passesBlanksOn formats a value pasted with blanks well, but leaves a
// blank on it, where it breaks on the wire.
type passesBlanksOn struct{ conformance.Reference }

func (passesBlanksOn) RMXForm(s string) (string, error) {
	return withBlank(s, conformance.Reference{}.RMXForm)
}

func (passesBlanksOn) DMAForm(s string) (string, error) {
	return withBlank(s, conformance.Reference{}.DMAForm)
}

func withBlank(s string, form func(string) (string, error)) (string, error) {
	joined := strings.Join(strings.Fields(s), "")
	v, err := form(joined)
	if err == nil && joined != s {
		v += " " // the mistake: a blank goes to the device
	}
	return v, err
}

type newOnlyAt84 struct{ conformance.Reference }

func (w newOnlyAt84) Release(v string) (conformance.Release, error) {
	r, err := w.Reference.Release(v)
	if strings.HasPrefix(v, "8.4") {
		r.ICEMethods = []string{"new"} // the mistake: 8.4 taken for 8.5
	}
	return r, err
}

type alwaysRoute struct{}

func (alwaysRoute) NeedsStaticRoute(ws []string) (bool, error) {
	if _, err := (conformance.Reference{}).NeedsStaticRoute(ws); err != nil {
		return false, err
	}
	return true, nil // the mistake: a static route for RealConnect too
}

type onePoolPlanner struct{ conformance.Reference }

func (w onePoolPlanner) PlanPools(in conformance.PoolsInput) ([]conformance.Pool, error) {
	pools, err := w.Reference.PlanPools(in)
	if err != nil || len(pools) < 2 {
		return pools, err
	}
	for _, p := range pools[1:] { // the mistake: every site in the first pool
		pools[0].Computers = append(pools[0].Computers, p.Computers...)
	}
	return pools[:1], nil
}

// referenceWith is the reference with one behaviour replaced, so that a
// run over the whole catalogue shows that only that behaviour's mistake is
// caught.
func referenceWith(change func(*conformance.Subject)) conformance.Subject {
	s := conformance.Reference{}.Subject()
	change(&s)
	return s
}

func TestWrongSubjectsFailTheirCases(t *testing.T) {
	for _, tc := range []struct {
		name    string
		subject conformance.Subject
		want    []string
	}{
		{"keeps sip: in the RMX form", referenceWith(func(s *conformance.Subject) { s.GRUU = keepsSchemeForRMX{} }), []string{
			"gruu/rmx-form/any-application-id",
			"gruu/rmx-form/keeps-parameter-order",
			"gruu/rmx-form/strips-scheme",
			"gruu/rmx-form/strips-upper-case-scheme",
			"gruu/rmx-form/token-with-dash-and-underscore",
			"gruu/whitespace/trims-padding-rmx-form",
		}},
		{"drops sip: from the DMA form", referenceWith(func(s *conformance.Subject) { s.GRUU = dropsSchemeForDMA{} }), []string{
			"gruu/dma-form/adds-scheme",
			"gruu/dma-form/any-application-id",
			"gruu/dma-form/keeps-parameter-order",
			"gruu/dma-form/keeps-scheme",
			"gruu/dma-form/lower-cases-scheme",
			"gruu/whitespace/trailing-newline-never-kept",
			"gruu/whitespace/trims-trailing-newline",
		}},
		{"passes blanks on", referenceWith(func(s *conformance.Subject) { s.GRUU = passesBlanksOn{} }), []string{
			"gruu/refuses/embedded-space",
			"gruu/refuses/user-part-not-fqdn", // joining "rpp east" makes another pool
			"gruu/whitespace/embedded-space-never-kept",
			"gruu/whitespace/trailing-newline-never-kept",
			"gruu/whitespace/trims-padding-rmx-form",
			"gruu/whitespace/trims-trailing-newline",
		}},
		{"treats 8.4 as new-only", referenceWith(func(s *conformance.Subject) { s.Release = newOnlyAt84{} }), []string{
			"release/all-facts/8.4.2",
			"release/ice-methods/8.4-both",
			"release/ice-methods/8.4.2-both",
		}},
		{"static route for RealConnect-only", referenceWith(func(s *conformance.Subject) { s.StaticRoutes = alwaysRoute{} }), []string{
			"static-route/realconnect-only/any-case",
			"static-route/realconnect-only/not-needed",
		}},
		{"one pool for two Edge-paired sites", referenceWith(func(s *conformance.Subject) { s.Pools = onePoolPlanner{} }), []string{
			"pools/per-edge/names-without-case",
			"pools/per-edge/prefers-front-end-with-edge",
			"pools/per-edge/three-sites",
			"pools/per-edge/two-sites",
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			res, err := conformance.Evaluate(context.Background(), tc.subject)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tc.want, res.Failed()); diff != "" {
				t.Errorf("failed cases (-want +got):\n%s", diff)
			}
			if err := res.Err(); !errors.Is(err, conformance.ErrCaseFailed) || !strings.Contains(err.Error(), "-want +got") {
				t.Errorf("Result.Err() = %v", err)
			}
		})
	}
}
