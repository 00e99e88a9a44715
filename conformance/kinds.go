package conformance

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/rppkit/rppkit/rpp"
)

// kind is one behaviour: which Subject field and interface it is, how its
// vectors read, and how a case of it runs. Adding a behaviour is adding a
// kind, a Subject field and its Run/Evaluate pair.
type kind struct {
	name    string // the subject as vectors name it
	iface   string // the Go interface a subject implements
	entry   string // the typed test entry point (RunGRUU, …)
	summary string
	// typeName is the Go type of s's implementation, "" when s has none.
	typeName func(s *Subject) string
	// validate decodes a case's input and want, so a bad vector fails to
	// load rather than to run.
	validate func(c *Case) error
	// run asks s and returns the outcome wanted and the outcome got,
	// comparable with go-cmp, and the subject's error text if any. A
	// *skipError says the subject cannot be asked this case.
	run func(ctx context.Context, s *Subject, c *Case) (want, got any, detail string, err error)
}

// implemented reports whether s has this behaviour.
func (k *kind) implemented(s *Subject) bool { return k.typeName(s) != "" }

// skipError says why a case does not apply to a subject.
type skipError struct{ reason string }

func (e *skipError) Error() string { return e.reason }

func kinds() []*kind {
	return []*kind{gruuKind(), releaseKind(), iceKind(), poolsKind(), staticRouteKind(), deploymentKind()}
}

func kindOf(name string) *kind {
	for _, k := range kinds() {
		if k.name == name {
			return k
		}
	}
	return nil
}

func kindNames() []string {
	var names []string
	for _, k := range kinds() {
		names = append(names, k.name)
	}
	return names
}

// typed builds a kind from typed functions: S is the subject interface, get
// picks it out of a Subject, In is the input and W the want (and got) of its
// vectors.
func typed[S, In, W any](name, iface, entry, summary string,
	get func(*Subject) S,
	check func(In, W) error,
	call func(ctx context.Context, s S, c *Case, in In, want W) (wantOut, got W, err error),
) *kind {
	decode := func(c *Case) (in In, want W, err error) {
		if err = strictUnmarshal(c.Input, &in); err != nil {
			return in, want, fmt.Errorf("input: %w", err)
		}
		if err = strictUnmarshal(c.Want, &want); err != nil {
			return in, want, fmt.Errorf("want: %w", err)
		}
		return in, want, check(in, want)
	}
	return &kind{
		name: name, iface: iface, entry: entry, summary: summary,
		typeName: func(s *Subject) string {
			if impl := any(get(s)); impl != nil {
				return fmt.Sprintf("%T", impl)
			}
			return ""
		},
		validate: func(c *Case) error {
			_, _, err := decode(c)
			return err
		},
		run: func(ctx context.Context, s *Subject, c *Case) (any, any, string, error) {
			in, want, err := decode(c)
			if err != nil {
				return nil, nil, "", err
			}
			want, got, err := call(ctx, get(s), c, in, want)
			var skip *skipError
			switch {
			case errors.As(err, &skip):
				return nil, nil, "", err
			case err != nil:
				return want, got, err.Error(), nil
			}
			return want, got, "", nil
		},
	}
}

func oneOf(refused bool, set bool, what string) error {
	if refused == set {
		return fmt.Errorf("want either %s or refused, not both or neither", what)
	}
	return nil
}

// GRUU formatting.

type gruuInput struct {
	Form  string `json:"form"` // rmx or dma
	Value string `json:"value"`
}

type gruuWant struct {
	Value   string `json:"value,omitempty"`
	Refused bool   `json:"refused,omitempty"` // the subject must refuse the input
	// MayRefuse, with Value, lets the subject refuse instead of returning
	// Value: what a must-level case says when only a third outcome (a
	// value that breaks on the wire) is wrong.
	MayRefuse bool `json:"mayRefuse,omitempty"`
}

func gruuKind() *kind {
	return typed("gruu", "GRUUFormatter", "RunGRUU", "formatting a Service GRUU for the RMX flag and the DMA peer",
		func(s *Subject) GRUUFormatter { return s.GRUU },
		func(in gruuInput, w gruuWant) error {
			if in.Form != "rmx" && in.Form != "dma" {
				return fmt.Errorf("input form %q (want rmx or dma)", in.Form)
			}
			if w.MayRefuse && w.Value == "" {
				return fmt.Errorf("mayRefuse goes with a value")
			}
			return oneOf(w.Refused, w.Value != "", "value")
		},
		func(_ context.Context, s GRUUFormatter, _ *Case, in gruuInput, want gruuWant) (gruuWant, gruuWant, error) {
			form := s.RMXForm
			if in.Form == "dma" {
				form = s.DMAForm
			}
			v, err := form(in.Value)
			switch {
			case err != nil && want.MayRefuse:
				return want, want, nil // refusing is one of the two right outcomes
			case err != nil:
				return want, gruuWant{Refused: true}, err
			}
			return want, gruuWant{Value: v, MayRefuse: want.MayRefuse}, nil
		})
}

// RMX releases. A want names only the facts the case is about.

type releaseInput struct {
	Version string `json:"version"`
}

type releaseWant struct {
	ICEMethods       []string `json:"iceMethods,omitempty"`
	ICEMandatory     *bool    `json:"iceMandatory,omitempty"`
	SkypeForBusiness *bool    `json:"skypeForBusiness,omitempty"`
	Refused          bool     `json:"refused,omitempty"` // the subject must refuse the input
}

func releaseKind() *kind {
	return typed("release", "ReleaseAdvisor", "RunRelease", "the ICE methods, ICE obligation and Skype for Business support of an RMX release",
		func(s *Subject) ReleaseAdvisor { return s.Release },
		func(_ releaseInput, w releaseWant) error {
			return oneOf(w.Refused, w.ICEMethods != nil || w.ICEMandatory != nil || w.SkypeForBusiness != nil, "release facts")
		},
		func(_ context.Context, s ReleaseAdvisor, _ *Case, in releaseInput, want releaseWant) (releaseWant, releaseWant, error) {
			r, err := s.Release(in.Version)
			if err != nil {
				return want, releaseWant{Refused: true}, err
			}
			var got releaseWant // only what the case asks about
			if want.ICEMethods != nil {
				got.ICEMethods = slices.Sorted(slices.Values(r.ICEMethods))
				want.ICEMethods = slices.Sorted(slices.Values(want.ICEMethods))
			}
			if want.ICEMandatory != nil {
				got.ICEMandatory = &r.ICEMandatory
			}
			if want.SkypeForBusiness != nil {
				got.SkypeForBusiness = &r.SkypeForBusiness
			}
			return want, got, nil
		})
}

// ICE settings.

type iceWant struct {
	ICESettings
	Refused bool `json:"refused,omitempty"` // the subject must refuse the input
}

func iceKind() *kind {
	return typed("ice-settings", "ICEDeriver", "RunICE", "an RMX's ICE settings from a trusted application endpoint and its pool",
		func(s *Subject) ICEDeriver { return s.ICE },
		func(_ ICEInput, w iceWant) error {
			return oneOf(w.Refused, w.ICESettings != (ICESettings{}), "settings")
		},
		func(_ context.Context, s ICEDeriver, _ *Case, in ICEInput, want iceWant) (iceWant, iceWant, error) {
			settings, err := s.DeriveICE(in)
			if err != nil {
				return want, iceWant{Refused: true}, err
			}
			settings.ICEEnvironment = strings.ToLower(settings.ICEEnvironment)
			return want, iceWant{ICESettings: settings}, nil
		})
}

// Trusted application pools. Names compare without case, pools and
// computers in any order.

type poolsWant struct {
	Pools   []Pool `json:"pools,omitempty"`
	Refused bool   `json:"refused,omitempty"` // the subject must refuse the input
}

func normalisePools(pools []Pool) []Pool {
	if pools == nil {
		return nil
	}
	out := make([]Pool, len(pools))
	for i, p := range pools {
		c := make([]string, len(p.Computers))
		for j, name := range p.Computers {
			c[j] = strings.ToLower(name)
		}
		slices.Sort(c)
		out[i] = Pool{Registrar: strings.ToLower(p.Registrar), Computers: c}
	}
	slices.SortFunc(out, func(a, b Pool) int {
		return strings.Compare(a.Registrar+"|"+strings.Join(a.Computers, ","), b.Registrar+"|"+strings.Join(b.Computers, ","))
	})
	return out
}

func poolsKind() *kind {
	return typed("pools", "PoolPlanner", "RunPools", "choosing trusted application pools: one, or one per Edge-paired site",
		func(s *Subject) PoolPlanner { return s.Pools },
		func(_ PoolsInput, w poolsWant) error { return oneOf(w.Refused, w.Pools != nil, "pools") },
		func(_ context.Context, s PoolPlanner, _ *Case, in PoolsInput, want poolsWant) (poolsWant, poolsWant, error) {
			want.Pools = normalisePools(want.Pools)
			pools, err := s.PlanPools(in)
			if err != nil {
				return want, poolsWant{Refused: true}, err
			}
			return want, poolsWant{Pools: normalisePools(pools)}, nil
		})
}

// Static routes.

type staticRouteInput struct {
	Workflows []string `json:"workflows"`
}

type staticRouteWant struct {
	Needed  *bool `json:"needed,omitempty"`
	Refused bool  `json:"refused,omitempty"` // the subject must refuse the input
}

func staticRouteKind() *kind {
	return typed("static-route", "StaticRouteAdvisor", "RunStaticRoutes", "whether a set of workflows needs a static route",
		func(s *Subject) StaticRouteAdvisor { return s.StaticRoutes },
		func(_ staticRouteInput, w staticRouteWant) error { return oneOf(w.Refused, w.Needed != nil, "needed") },
		func(_ context.Context, s StaticRouteAdvisor, _ *Case, in staticRouteInput, want staticRouteWant) (staticRouteWant, staticRouteWant, error) {
			needed, err := s.NeedsStaticRoute(in.Workflows)
			if err != nil {
				return want, staticRouteWant{Refused: true}, err
			}
			return want, staticRouteWant{Needed: &needed}, nil
		})
}

// Whole deployments.

type deploymentInput struct {
	Deployment jsonObject `json:"deployment"`
}

type deploymentWant struct {
	// Rules are the IDs that fire, each once, sorted; [] for none.
	Rules   []string `json:"rules,omitempty"`
	Refused bool     `json:"refused,omitempty"` // the subject must refuse the input
}

func deploymentKind() *kind {
	return typed("deployment", "DeploymentChecker", "RunDeployment", "checking a whole deployment: the rule IDs that fire",
		func(s *Subject) DeploymentChecker { return s.Deployment },
		func(_ deploymentInput, w deploymentWant) error {
			return oneOf(w.Refused, w.Rules != nil, "rules (use [] for none)")
		},
		checkDeployment)
}

// checkDeployment asks a checker, comparing only the rules that both the
// catalogue and the checker know, and skipping a case about none of those.
func checkDeployment(ctx context.Context, s DeploymentChecker, c *Case, in deploymentInput, want deploymentWant) (deploymentWant, deploymentWant, error) {
	scope := map[string]bool{}
	for _, r := range rpp.Catalogue() {
		scope[r.ID] = true
	}
	if l, ok := s.(RuleLister); ok {
		own := map[string]bool{}
		for _, id := range l.Rules() {
			own[id] = scope[id]
		}
		scope = own
		if len(c.Rules) > 0 && !slices.ContainsFunc(c.Rules, func(id string) bool { return scope[id] }) {
			return want, want, &skipError{"the checker does not implement " + strings.Join(c.Rules, ", ")}
		}
	}
	inScope := func(ids []string) []string {
		out := []string{}
		for _, id := range ids {
			if scope[id] && !slices.Contains(out, id) {
				out = append(out, id)
			}
		}
		slices.Sort(out)
		return out
	}
	if !want.Refused {
		want.Rules = inScope(want.Rules)
	}
	ids, err := s.CheckDeployment(ctx, in.Deployment)
	if err != nil {
		return want, deploymentWant{Refused: true}, err
	}
	return want, deploymentWant{Rules: inScope(ids)}, nil
}

// jsonObject is raw JSON that must be an object.
type jsonObject []byte

func (o *jsonObject) UnmarshalJSON(b []byte) error {
	if len(b) == 0 || b[0] != '{' {
		return errors.New("want a JSON object")
	}
	*o = append((*o)[:0], b...)
	return nil
}
