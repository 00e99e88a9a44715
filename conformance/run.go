package conformance

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

// Option tunes a run.
type Option func(*config)

type config struct {
	prefixes []string
	level    Level
	lenient  bool
	known    map[string]string // case ID → reason
	cases    []Case
	custom   bool // cases replace the catalogue, even when empty
}

// Prefix keeps only the cases whose ID begins with one of the prefixes
// ("gruu/", "deployment/rmx-"). Selection happens before anything runs.
func Prefix(prefixes ...string) Option {
	return func(c *config) { c.prefixes = append(c.prefixes, prefixes...) }
}

// OnlyLevel keeps only the cases of one level.
func OnlyLevel(l Level) Option { return func(c *config) { c.level = l } }

// Lenient reports a failing should-level case as a skip with the reason,
// rather than as a failure. (By default runs are strict.)
func Lenient() Option { return func(c *config) { c.lenient = true } }

// KnownFailure is a case a subject is known to fail, and why.
type KnownFailure struct {
	ID     string
	Reason string
}

// KnownFailing inverts the expectation of the listed cases: failing them is
// reported as a skip with the reason, and passing one fails the run, so the
// list never goes stale. Every ID must be a case of the catalogue.
func KnownFailing(list ...KnownFailure) Option {
	return func(c *config) {
		if c.known == nil {
			c.known = map[string]string{}
		}
		for _, k := range list {
			c.known[k.ID] = k.Reason
		}
	}
}

// WithCases runs cases instead of the kit's catalogue (a tool's own
// vectors, read with LoadCases).
func WithCases(cases []Case) Option {
	return func(c *config) { c.cases, c.custom = slices.Clone(cases), true }
}

// Run runs every case that subject supports, each as a subtest named by its
// case ID, and fails the test on each case it fails:
//
//	func TestConformance(t *testing.T) {
//		conformance.Run(t, mytool.New(), conformance.Prefix("gruu/"))
//	}
//
// subject implements one or more of the subject interfaces (GRUUFormatter,
// ReleaseAdvisor, ICEDeriver, PoolPlanner, StaticRouteAdvisor,
// DeploymentChecker); cases of the others are not run. A failure shows a
// go-cmp diff of the outcome wanted and got, and where the rule comes from.
func Run(t *testing.T, subject any, opts ...Option) {
	t.Helper()
	cfg, cases, err := prepare(subject, opts)
	if err != nil {
		t.Fatal(err)
	}
	if len(cases) == 0 {
		t.Fatalf("no conformance case applies: the subject (%T) implements none of the subjects selected", subject)
	}
	for i := range cases {
		c := &cases[i]
		t.Run(c.ID, func(t *testing.T) {
			r := cfg.runCase(context.Background(), subject, c)
			switch r.Status {
			case Fail:
				t.Error(r.Message())
			case Skip:
				if r.Diff != "" {
					t.Skipf("%s\n(-want +got):\n%s", r.Reason, r.Diff)
				}
				t.Skip(r.Reason)
			}
		})
	}
}

// Evaluate runs the cases as Run does, without the testing package, and
// returns the outcome of each. It returns an error only when the options or
// the cases are unusable; failures are in the Result (see Result.Err).
func Evaluate(ctx context.Context, subject any, opts ...Option) (*Result, error) {
	cfg, cases, err := prepare(subject, opts)
	if err != nil {
		return nil, err
	}
	res := &Result{Subject: fmt.Sprintf("%T", subject)}
	for i := range cases {
		if err := ctx.Err(); err != nil {
			return res, err
		}
		res.add(cfg.runCase(ctx, subject, &cases[i]))
	}
	return res, nil
}

// Select returns the cases the options select, without running any: what
// `rpp conformance --list` prints.
func Select(opts ...Option) ([]Case, error) {
	_, cases, err := prepare(nil, opts)
	return cases, err
}

// prepare applies the options and selects the cases: by prefix, by level,
// and (given a subject) by the interfaces it implements.
func prepare(subject any, opts []Option) (*config, []Case, error) {
	cfg := &config{}
	for _, o := range opts {
		o(cfg)
	}
	if cfg.level != "" && cfg.level != Must && cfg.level != Should {
		return nil, nil, fmt.Errorf("conformance: unknown level %q (want must or should)", cfg.level)
	}
	all := cfg.cases
	if !cfg.custom {
		var err error
		if all, err = Catalogue(); err != nil {
			return nil, nil, err
		}
	}
	var unknown []string
	for id := range cfg.known {
		if !slices.ContainsFunc(all, func(c Case) bool { return c.ID == id }) {
			unknown = append(unknown, id)
		}
	}
	if len(unknown) > 0 {
		slices.Sort(unknown)
		return nil, nil, fmt.Errorf("conformance: known-failing list names unknown cases: %s", strings.Join(unknown, ", "))
	}
	var cases []Case
	for _, c := range all {
		if cfg.selects(c) && (subject == nil || kindOf(c.Subject).implemented(subject)) {
			cases = append(cases, c)
		}
	}
	return cfg, cases, nil
}

func (cfg *config) selects(c Case) bool {
	if cfg.level != "" && c.Level != cfg.level {
		return false
	}
	if len(cfg.prefixes) == 0 {
		return true
	}
	return slices.ContainsFunc(cfg.prefixes, func(p string) bool { return strings.HasPrefix(c.ID, p) })
}

// runCase runs one case and judges it, applying the known-failing list and
// leniency.
func (cfg *config) runCase(ctx context.Context, subject any, c *Case) CaseResult {
	start := time.Now()
	r := CaseResult{About: c.About}
	defer func() { r.Duration = time.Since(start) }()
	want, got, detail, err := runProtected(ctx, subject, c)
	var skip *skipError
	switch {
	case errors.As(err, &skip):
		r.Status, r.Reason = Skip, skip.reason
		return r
	case err != nil:
		r.Status, r.Reason = Fail, err.Error()
	default:
		if r.Diff = cmp.Diff(want, got); r.Diff != "" {
			r.Status, r.Reason = Fail, "the outcome differs from the one wanted"
			if detail != "" {
				r.Reason += "; the subject said: " + detail
			}
		} else {
			r.Status = Pass
		}
	}
	if reason, listed := cfg.known[c.ID]; listed {
		if r.Status == Pass {
			r.Status, r.Reason = Fail, fmt.Sprintf("stale known failure (%s): the case passes; remove it from the list", reason)
		} else {
			r.Status, r.Reason = Skip, fmt.Sprintf("known failure (%s): %s", reason, r.Reason)
		}
		return r
	}
	if r.Status == Fail && c.Level == Should && cfg.lenient {
		r.Status, r.Reason = Skip, "should-level case fails (lenient run): "+r.Reason
	}
	return r
}

// runProtected runs a case, turning a panic in the subject into a failure
// of that case rather than of the whole run.
func runProtected(ctx context.Context, subject any, c *Case) (want, got any, detail string, err error) {
	defer func() {
		if v := recover(); v != nil {
			err = fmt.Errorf("the subject panicked: %v", v)
		}
	}()
	return kindOf(c.Subject).run(ctx, subject, c)
}
