package conformance

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"
)

// Wire-level cases: behaviour seen on real sockets rather than computed
// from values. They come in two modes, as Autobahn tests both clients and
// servers:
//
//   - device (subject "device"): the caller's RMX-like trusted application
//     is started against a Lync Front End and Edge that the kit runs
//     (lync/lynctest), and the kit judges what it sent from the lab's
//     recording (RunDevice, EvaluateDevice);
//   - lync (subject "lync"): rppkit's RMX stand-in (rmx/rmxtest) and raw
//     SIP are run against the caller's Lync-side stand-in, and the kit
//     judges its answers (RunLync, EvaluateLync).
//
// Wire cases are Go, not vectors: each needs a run on the wire, which a
// JSON vector cannot describe. They have stable IDs, levels and sources
// like the rest of the kit, take the same Options (Prefix, OnlyLevel,
// Lenient, KnownFailing) and report in the same Result (JSON, JUnit).

// The subjects of wire cases, as About.Subject and the first part of IDs.
const (
	SubjectDevice = "device"
	SubjectLync   = "lync"
)

// wireCase is one wire case: what it checks and, given the evidence of its
// scenario's run, whether the subject did it (nil), did not (an error
// saying what it did instead), or cannot be judged (*skipError).
type wireCase[E any] struct {
	About
	scenario string
	check    func(ev E) error
}

// WireCases returns the wire cases of both modes, sorted by ID, without
// running any: what `rpp conformance --list` shows beside the vectors.
func WireCases() []About {
	var out []About
	for _, c := range deviceCases() {
		out = append(out, c.About)
	}
	for _, c := range lyncCases() {
		out = append(out, c.About)
	}
	slices.SortFunc(out, func(a, b About) int { return strings.Compare(a.ID, b.ID) })
	return out
}

// selectWire applies the options to the wire cases of one or both modes,
// as prepare does to the vectors: every prefix must select a case, every
// known failure must name one.
func selectWire(opts []Option, all []About) (*config, map[string]bool, error) {
	cfg := &config{}
	for _, o := range opts {
		o(cfg)
	}
	for _, l := range cfg.levels {
		if l != Must && l != Should {
			return nil, nil, fmt.Errorf("%w %q (want %s or %s)", ErrUnknownLevel, l, Must, Should)
		}
	}
	if cfg.custom {
		return nil, nil, fmt.Errorf("%w: WithCases replaces vectors; wire cases are the kit's own", ErrBadCase)
	}
	if err := cfg.checkKnown(func(id string) bool { return slices.ContainsFunc(all, func(a About) bool { return a.ID == id }) }); err != nil {
		return nil, nil, err
	}
	selected := map[string]bool{}
	for _, a := range all {
		c := Case{About: a}
		if cfg.levelSelects(c) && cfg.prefixSelects(c) {
			selected[a.ID] = true
		}
	}
	for _, p := range cfg.prefixes {
		if !slices.ContainsFunc(all, func(a About) bool { return selected[a.ID] && strings.HasPrefix(a.ID, p) }) {
			return nil, nil, fmt.Errorf("%w: prefix %q selects no wire case", ErrNoCases, p)
		}
	}
	if len(selected) == 0 {
		return nil, nil, fmt.Errorf("%w among the wire cases", ErrNoCases)
	}
	return cfg, selected, nil
}

// judge turns a check's outcome into a CaseResult, applying the
// known-failing list and leniency as runCase does for vectors.
func (cfg *config) judge(a About, err error, d time.Duration) CaseResult {
	r := CaseResult{About: a, Duration: d}
	var skip *skipError
	switch {
	case errors.As(err, &skip):
		r.Status, r.Reason = Skip, skip.reason
		return r
	case err != nil:
		r.Status, r.Reason = Fail, err.Error()
	default:
		r.Status = Pass
	}
	return cfg.excuse(r)
}

// runScenarios runs each scenario that a selected case needs, once, and
// judges its cases in ID order. run returns the scenario's evidence, or an
// error that fails all its cases (the kit could not run it).
func runScenarios[E any](ctx context.Context, cfg *config, selected map[string]bool, cases []wireCase[E],
	run func(ctx context.Context, scenario string) (E, error), res *Result) error {
	slices.SortFunc(cases, func(a, b wireCase[E]) int { return strings.Compare(a.ID, b.ID) })
	var order []string
	for _, c := range cases {
		if selected[c.ID] && !slices.Contains(order, c.scenario) {
			order = append(order, c.scenario)
		}
	}
	results := map[string]CaseResult{}
	for _, sc := range order {
		if err := ctx.Err(); err != nil {
			return err
		}
		start := time.Now()
		ev, err := run(ctx, sc)
		d := time.Since(start)
		for _, c := range cases {
			if c.scenario != sc || !selected[c.ID] {
				continue
			}
			cerr := err
			if cerr == nil {
				cerr = c.check(ev)
			} else {
				cerr = fmt.Errorf("the kit could not run scenario %q: %w", sc, err)
			}
			results[c.ID] = cfg.judge(c.About, cerr, d)
		}
	}
	for _, c := range cases {
		if r, ok := results[c.ID]; ok {
			res.add(r)
		}
	}
	return nil
}

// reportWire reports each case of res as a subtest named by its ID.
func reportWire(t *testing.T, res *Result) {
	t.Helper()
	for _, r := range res.Cases {
		t.Run(r.ID, func(t *testing.T) {
			t.Helper()
			reportCase(t, r)
		})
	}
}

// failf is a case's failure: what the subject did instead.
func failf(format string, args ...any) error { return fmt.Errorf(format, args...) }

// skipf says why a case cannot be judged on this run.
func skipf(format string, args ...any) error { return &skipError{reason: fmt.Sprintf(format, args...)} }
