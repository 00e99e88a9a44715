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

// Errors of the options and the selection, for callers that branch on them
// (errors.Is); each is wrapped with the detail that names the culprit.
var (
	// ErrUnknownLevel: OnlyLevel was given a level other than Must or
	// Should.
	ErrUnknownLevel = errors.New("unknown conformance level")
	// ErrUnknownCase: KnownFailing names a case that is not among the cases
	// run (the catalogue, or WithCases).
	ErrUnknownCase = errors.New("unknown conformance case")
	// ErrNoCases: the options and the subject leave no case to run, or one
	// of the Prefix values selects none — a typo there would otherwise
	// quietly test less than asked.
	ErrNoCases = errors.New("no conformance case selected")
	// ErrNoSubject: a Subject with no behaviour set, or a nil interface
	// handed to a typed entry point.
	ErrNoSubject = errors.New("no conformance subject")
)

// Option tunes a run.
type Option func(*config)

type config struct {
	prefixes []string
	levels   []Level
	lenient  bool
	known    map[string]string // case ID → reason
	cases    []Case
	custom   bool // cases replace the catalogue, even when empty
}

// Prefix keeps only the cases whose ID begins with one of the prefixes
// ("gruu/", "deployment/rmx-"). Selection happens before anything runs, and
// each prefix must select at least one case (ErrNoCases).
func Prefix(prefixes ...string) Option {
	return func(c *config) { c.prefixes = append(c.prefixes, prefixes...) }
}

// OnlyLevel keeps only the cases of one level: Must or Should (anything else
// is ErrUnknownLevel).
func OnlyLevel(l Level) Option { return func(c *config) { c.levels = append(c.levels, l) } }

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
// list never goes stale. Every ID must be a case of the catalogue (or of
// WithCases); one that is not is ErrUnknownCase.
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
// vectors, read with LoadCases). They are checked as LoadCases checks
// vectors: an invalid case or a repeated ID is ErrBadCase.
func WithCases(cases []Case) Option {
	return func(c *config) { c.cases, c.custom = slices.Clone(cases), true }
}

// RunGRUU tests a GRUU formatter on the gruu/… cases, each as a subtest
// named by its case ID, and returns the result, which also writes a JSON or
// JUnit report:
//
//	func TestConformance(t *testing.T) {
//		conformance.RunGRUU(t, mytool.Formatter{}, conformance.Lenient())
//	}
//
// A failing case fails its subtest with what it checks, its rules and
// source, its input and a go-cmp diff of the outcome wanted and got; the
// report points at the caller's line. Unusable options stop the test
// (t.Fatal) with one of the errors above. The result holds the cases that
// ran: go test -run can leave some subtests out.
func RunGRUU(t *testing.T, f GRUUFormatter, opts ...Option) *Result {
	t.Helper()
	return run(t, Subject{GRUU: f}, opts)
}

// RunRelease tests a release advisor on the release/… cases, as RunGRUU.
func RunRelease(t *testing.T, a ReleaseAdvisor, opts ...Option) *Result {
	t.Helper()
	return run(t, Subject{Release: a}, opts)
}

// RunICE tests an ICE settings deriver on the ice-settings/… cases, as
// RunGRUU.
func RunICE(t *testing.T, d ICEDeriver, opts ...Option) *Result {
	t.Helper()
	return run(t, Subject{ICE: d}, opts)
}

// RunPools tests a pool planner on the pools/… cases, as RunGRUU.
func RunPools(t *testing.T, p PoolPlanner, opts ...Option) *Result {
	t.Helper()
	return run(t, Subject{Pools: p}, opts)
}

// RunStaticRoutes tests a static route advisor on the static-route/…
// cases, as RunGRUU.
func RunStaticRoutes(t *testing.T, a StaticRouteAdvisor, opts ...Option) *Result {
	t.Helper()
	return run(t, Subject{StaticRoutes: a}, opts)
}

// RunDeployment tests a deployment checker on the deployment/… cases, as
// RunGRUU. A checker that implements RuleLister is asked only about its
// rules.
func RunDeployment(t *testing.T, c DeploymentChecker, opts ...Option) *Result {
	t.Helper()
	return run(t, Subject{Deployment: c}, opts)
}

// Run tests every behaviour s has, in one run, as RunGRUU does for one:
//
//	func TestConformance(t *testing.T) {
//		tool := mytool.New()
//		conformance.Run(t, conformance.Subject{GRUU: tool, Release: tool})
//	}
func Run(t *testing.T, s Subject, opts ...Option) *Result {
	t.Helper()
	return run(t, s, opts)
}

// run is the one test driver: every function on the way to t.Error is a
// helper, so a failure is reported at the caller's RunX line.
func run(t *testing.T, s Subject, opts []Option) *Result {
	t.Helper()
	cfg, cases, err := prepare(&s, opts)
	if err != nil {
		t.Fatal(err)
	}
	res := &Result{Subject: s.name()}
	for i := range cases {
		c := &cases[i]
		t.Run(c.ID, func(t *testing.T) {
			t.Helper()
			r := cfg.runCase(context.Background(), &s, c)
			res.add(r) // before reporting: Skip and Fatal end the goroutine
			reportCase(t, r)
		})
	}
	return res
}

func reportCase(t *testing.T, r CaseResult) {
	t.Helper()
	switch r.Status {
	case Fail:
		t.Error(r.Message())
	case Skip:
		if r.Input != nil { // a failure that a known failure or leniency excused
			t.Skip(r.Message())
		}
		t.Skip(r.Reason)
	}
}

// Evaluate runs the cases of every behaviour s has, as Run does, outside
// go test, and returns the outcome of each:
//
//	res, err := conformance.Evaluate(ctx, conformance.Subject{GRUU: f})
//	if err != nil { … }        // unusable options or cases (errors above)
//	res.WriteJUnit(w)          // res.Err() joins the failed cases
//
// It returns an error only when the options, the subject or the cases are
// unusable, or ctx ends (with the cases run so far); failures are in the
// Result (see Result.Err).
func Evaluate(ctx context.Context, s Subject, opts ...Option) (*Result, error) {
	cfg, cases, err := prepare(&s, opts)
	if err != nil {
		return nil, err
	}
	res := &Result{Subject: s.name()}
	for i := range cases {
		if err := ctx.Err(); err != nil {
			return res, err
		}
		res.add(cfg.runCase(ctx, &s, &cases[i]))
	}
	return res, nil
}

// EvaluateGRUU is RunGRUU outside go test, as Evaluate.
func EvaluateGRUU(ctx context.Context, f GRUUFormatter, opts ...Option) (*Result, error) {
	return Evaluate(ctx, Subject{GRUU: f}, opts...)
}

// EvaluateRelease is RunRelease outside go test, as Evaluate.
func EvaluateRelease(ctx context.Context, a ReleaseAdvisor, opts ...Option) (*Result, error) {
	return Evaluate(ctx, Subject{Release: a}, opts...)
}

// EvaluateICE is RunICE outside go test, as Evaluate.
func EvaluateICE(ctx context.Context, d ICEDeriver, opts ...Option) (*Result, error) {
	return Evaluate(ctx, Subject{ICE: d}, opts...)
}

// EvaluatePools is RunPools outside go test, as Evaluate.
func EvaluatePools(ctx context.Context, p PoolPlanner, opts ...Option) (*Result, error) {
	return Evaluate(ctx, Subject{Pools: p}, opts...)
}

// EvaluateStaticRoutes is RunStaticRoutes outside go test, as Evaluate.
func EvaluateStaticRoutes(ctx context.Context, a StaticRouteAdvisor, opts ...Option) (*Result, error) {
	return Evaluate(ctx, Subject{StaticRoutes: a}, opts...)
}

// EvaluateDeployment is RunDeployment outside go test, as Evaluate.
func EvaluateDeployment(ctx context.Context, c DeploymentChecker, opts ...Option) (*Result, error) {
	return Evaluate(ctx, Subject{Deployment: c}, opts...)
}

// Select returns the cases the options select for a subject of every
// behaviour, without running any — what `rpp conformance --list` prints. It
// validates the options exactly as Evaluate does, with the same errors.
func Select(opts ...Option) ([]Case, error) {
	_, cases, err := prepare(nil, opts)
	return cases, err
}

// prepare applies the options, checks them, and selects the cases: by
// prefix, by level, and by the behaviours s has (all of them when s is nil).
func prepare(s *Subject, opts []Option) (*config, []Case, error) {
	cfg := &config{}
	for _, o := range opts {
		o(cfg)
	}
	for _, l := range cfg.levels {
		if l != Must && l != Should {
			return nil, nil, fmt.Errorf("%w %q (want %s or %s)", ErrUnknownLevel, l, Must, Should)
		}
	}
	applies := func(*kind) bool { return true }
	if s != nil {
		applies = func(k *kind) bool { return k.implemented(s) }
		if !slices.ContainsFunc(kinds(), applies) {
			return nil, nil, fmt.Errorf("%w: the subject implements none of %s", ErrNoSubject, strings.Join(ifaceNames(), ", "))
		}
	}
	all := cfg.cases
	if cfg.custom {
		if err := checkCases(all); err != nil {
			return nil, nil, err
		}
	} else {
		var err error
		if all, err = Catalogue(); err != nil {
			return nil, nil, err
		}
	}
	if err := cfg.checkKnown(func(id string) bool { return slices.ContainsFunc(all, func(c Case) bool { return c.ID == id }) }); err != nil {
		return nil, nil, err
	}
	var cases []Case
	for _, c := range all {
		if cfg.levelSelects(c) && cfg.prefixSelects(c) && applies(kindOf(c.Subject)) {
			cases = append(cases, c)
		}
	}
	for _, p := range cfg.prefixes {
		if !slices.ContainsFunc(cases, func(c Case) bool { return strings.HasPrefix(c.ID, p) }) {
			return nil, nil, fmt.Errorf("%w: prefix %q selects none %s", ErrNoCases, p, cfg.scope(s))
		}
	}
	if len(cases) == 0 {
		return nil, nil, fmt.Errorf("%w %s", ErrNoCases, cfg.scope(s))
	}
	return cfg, cases, nil
}

// scope says what narrowed the selection, for ErrNoCases.
func (cfg *config) scope(s *Subject) string {
	var parts []string
	if len(cfg.levels) > 0 {
		parts = append(parts, fmt.Sprintf("of level %s", cfg.levels[len(cfg.levels)-1]))
	}
	if cfg.custom {
		parts = append(parts, fmt.Sprintf("among the %d cases given", len(cfg.cases)))
	}
	if s != nil {
		var has []string
		for _, k := range kinds() {
			if k.implemented(s) {
				has = append(has, k.name+"/ ("+k.iface+")")
			}
		}
		parts = append(parts, "for a subject of "+strings.Join(has, ", "))
	}
	if len(parts) == 0 {
		return "in the catalogue"
	}
	return strings.Join(parts, ", ")
}

func ifaceNames() []string {
	var names []string
	for _, k := range kinds() {
		names = append(names, k.iface)
	}
	return names
}

// levelSelects applies OnlyLevel; given more than once, the last one wins,
// as with a repeated flag.
func (cfg *config) levelSelects(c Case) bool {
	return len(cfg.levels) == 0 || c.Level == cfg.levels[len(cfg.levels)-1]
}

func (cfg *config) prefixSelects(c Case) bool {
	return len(cfg.prefixes) == 0 ||
		slices.ContainsFunc(cfg.prefixes, func(p string) bool { return strings.HasPrefix(c.ID, p) })
}

// runCase runs one case and judges it, applying the known-failing list and
// leniency.
func (cfg *config) runCase(ctx context.Context, s *Subject, c *Case) CaseResult {
	start := time.Now()
	r := CaseResult{About: c.About}
	defer func() { r.Duration = time.Since(start) }()
	want, got, detail, err := runProtected(ctx, s, c)
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
	if r.Status == Fail {
		r.Input = compactJSON(c.Input)
	}
	return cfg.excuse(r)
}

// checkKnown refuses a known-failing list that names a case the kit does
// not have (exists says which IDs it has).
func (cfg *config) checkKnown(exists func(id string) bool) error {
	var unknown []string
	for id := range cfg.known {
		if !exists(id) {
			unknown = append(unknown, id)
		}
	}
	if len(unknown) > 0 {
		slices.Sort(unknown)
		return fmt.Errorf("the known-failing list names an %w: %s", ErrUnknownCase, strings.Join(unknown, ", "))
	}
	return nil
}

// excuse applies the known-failing list and leniency to a case's outcome:
// a listed case that fails is skipped with the list's reason, one that
// passes is a stale entry and fails; a failing should-level case is skipped
// in a lenient run. Vectors and wire cases are excused alike.
func (cfg *config) excuse(r CaseResult) CaseResult {
	if reason, listed := cfg.known[r.ID]; listed {
		if r.Status == Pass {
			r.Status, r.Reason = Fail, fmt.Sprintf("stale known failure (%s): the case passes; remove it from the list", reason)
		} else {
			r.Status, r.Reason = Skip, fmt.Sprintf("known failure (%s): %s", reason, r.Reason)
		}
		return r
	}
	if r.Status == Fail && r.Level == Should && cfg.lenient {
		r.Status, r.Reason = Skip, "should-level case fails (lenient run): "+r.Reason
	}
	return r
}

// runProtected runs a case, turning a panic in the subject into a failure
// of that case rather than of the whole run.
func runProtected(ctx context.Context, s *Subject, c *Case) (want, got any, detail string, err error) {
	defer func() {
		if v := recover(); v != nil {
			err = fmt.Errorf("the subject panicked: %v", v)
		}
	}()
	return kindOf(c.Subject).run(ctx, s, c)
}
