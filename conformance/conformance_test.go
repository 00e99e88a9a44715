package conformance_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"io/fs"
	"os"
	"slices"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/google/go-cmp/cmp"
	"github.com/joshdk/go-junit"
	"github.com/santhosh-tekuri/jsonschema/v6"

	"github.com/rppkit/rppkit/conformance"
	"github.com/rppkit/rppkit/rpp"
)

var update = flag.Bool("update", false, "rewrite CASES.md from the vectors")

// TestReference: rppkit passes its own kit, every case of it, and the one
// run gives the test verdict and the report.
func TestReference(t *testing.T) {
	res := conformance.Run(t, conformance.Reference{}.Subject())
	if n := len(catalogue(t)); len(res.Cases) != n || res.Summary.Passed != n || res.Err() != nil {
		t.Errorf("Run's result: %+v for %d cases, %v", res.Summary, n, res.Err())
	}
}

func catalogue(t *testing.T) []conformance.Case {
	t.Helper()
	cases, err := conformance.Catalogue()
	if err != nil {
		t.Fatal(err)
	}
	return cases
}

func TestCatalogueSize(t *testing.T) {
	cases := catalogue(t)
	if len(cases) < 120 {
		t.Errorf("the kit has %d cases; it promises at least 120", len(cases))
	}
	res, err := conformance.Evaluate(context.Background(), conformance.Reference{}.Subject())
	if err != nil {
		t.Fatal(err)
	}
	if res.Summary.Passed != len(cases) || res.Err() != nil {
		t.Errorf("reference: %+v, %v", res.Summary, res.Err())
	}
}

// TestVectorsMatchSchema validates every vector file against
// case.schema.json, as a tool without Go would.
func TestVectorsMatchSchema(t *testing.T) {
	var doc any
	if err := json.Unmarshal(conformance.Schema(), &doc); err != nil {
		t.Fatal(err)
	}
	c := jsonschema.NewCompiler()
	if err := c.AddResource("mem:///case.schema.json", doc); err != nil {
		t.Fatal(err)
	}
	sch, err := c.Compile("mem:///case.schema.json")
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	err = fs.WalkDir(conformance.Vectors(), ".", func(p string, e fs.DirEntry, err error) error {
		if err != nil || e.IsDir() {
			return err
		}
		data, err := fs.ReadFile(conformance.Vectors(), p)
		if err != nil {
			return err
		}
		v, err := jsonschema.UnmarshalJSON(bytes.NewReader(data))
		if err != nil {
			t.Errorf("%s: %v", p, err)
			return nil
		}
		if err := sch.Validate(v); err != nil {
			t.Errorf("%s: %v", p, err)
		}
		n++
		return nil
	})
	if err != nil || n != len(catalogue(t)) {
		t.Errorf("validated %d files (err %v); the catalogue has %d cases", n, err, len(catalogue(t)))
	}
	// The schema must be able to say no.
	bad := map[string]any{"id": "gruu/x", "title": "t", "subject": "gruu", "level": "must", "source": "s",
		"input": map[string]any{"form": "fax", "value": "x"}, "want": map[string]any{"value": "x"}}
	if sch.Validate(bad) == nil {
		t.Error("the schema accepts an unknown GRUU form")
	}
}

// TestEveryRuleIsCovered: each catalogue rule has a deployment case where it
// fires and one where it stays silent.
func TestEveryRuleIsCovered(t *testing.T) {
	fires, silent := map[string]bool{}, map[string]bool{}
	for _, c := range catalogue(t) {
		if c.Subject != "deployment" {
			continue
		}
		var want struct{ Rules []string }
		if err := json.Unmarshal(c.Want, &want); err != nil {
			t.Fatal(err)
		}
		for _, r := range c.Rules {
			if slices.Contains(want.Rules, r) {
				fires[r] = true
			} else {
				silent[r] = true
			}
		}
	}
	for _, r := range rpp.Catalogue() {
		if !fires[r.ID] || !silent[r.ID] {
			t.Errorf("rule %s: a case where it fires: %v, where it is silent: %v", r.ID, fires[r.ID], silent[r.ID])
		}
	}
}

func TestLoadCasesRefusesBadVectors(t *testing.T) {
	good := `{"id":"static-route/x","title":"t","subject":"static-route","level":"must","source":"s","input":{"workflows":["traditional"]},"want":{"needed":true}}`
	for name, tc := range map[string]struct{ path, body, says string }{
		"id not its path":  {"static-route/y.json", good, "is not its path"},
		"unknown subject":  {"static-route/x.json", strings.Replace(good, `"subject":"static-route"`, `"subject":"fax"`, 1), "unknown subject"},
		"unknown level":    {"static-route/x.json", strings.Replace(good, `"must"`, `"may"`, 1), "level"},
		"unknown rule":     {"static-route/x.json", strings.Replace(good, `"level"`, `"rules":["no-such-rule"],"level"`, 1), "not in the catalogue"},
		"unknown field":    {"static-route/x.json", strings.Replace(good, `"title"`, `"titel":"x","title"`, 1), "unknown field"},
		"misspelt input":   {"static-route/x.json", strings.Replace(good, `"workflows"`, `"workflow"`, 1), "input"},
		"ambiguous want":   {"static-route/x.json", strings.Replace(good, `"needed":true`, `"needed":true,"refused":true`, 1), "not both"},
		"no title":         {"static-route/x.json", strings.Replace(good, `"title":"t"`, `"title":""`, 1), "no title"},
		"not JSON":         {"static-route/x.json", "{", "invalid conformance case"},
		"wrong id subject": {"gruu/x.json", strings.Replace(good, `"id":"static-route/x"`, `"id":"gruu/x"`, 1), "does not begin with its subject"},
	} {
		_, err := conformance.LoadCases(fstest.MapFS{tc.path: {Data: []byte(tc.body)}})
		if !errors.Is(err, conformance.ErrBadCase) || !strings.Contains(err.Error(), tc.says) {
			t.Errorf("%s: %v, want an error saying %q", name, err, tc.says)
		}
	}
	cases, err := conformance.LoadCases(fstest.MapFS{"static-route/x.json": {Data: []byte(good)}})
	if err != nil || len(cases) != 1 {
		t.Fatalf("good vector: %v", err)
	}
}

// A new case is a new file: run a tool's own vector without Go changes.
func TestWithCases(t *testing.T) {
	cases, err := conformance.LoadCases(fstest.MapFS{"static-route/mine/traditional.json": {Data: []byte(
		`{"id":"static-route/mine/traditional","title":"t","subject":"static-route","level":"must","source":"mine","input":{"workflows":["traditional"]},"want":{"needed":false}}`)}})
	if err != nil {
		t.Fatal(err)
	}
	res, err := conformance.Evaluate(context.Background(), conformance.Reference{}.Subject(), conformance.WithCases(cases))
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]string{"static-route/mine/traditional"}, res.Failed()); diff != "" {
		t.Errorf("a deliberately wrong vector did not fail the reference: %s", diff)
	}
}

func TestSelection(t *testing.T) {
	all := catalogue(t)
	for _, tc := range []struct {
		name string
		opts []conformance.Option
		keep func(conformance.Case) bool
	}{
		{"prefix", []conformance.Option{conformance.Prefix("gruu/rmx-form/")}, func(c conformance.Case) bool { return strings.HasPrefix(c.ID, "gruu/rmx-form/") }},
		{"two prefixes", []conformance.Option{conformance.Prefix("release/skype/", "static-route/")}, func(c conformance.Case) bool {
			return strings.HasPrefix(c.ID, "release/skype/") || strings.HasPrefix(c.ID, "static-route/")
		}},
		{"level", []conformance.Option{conformance.OnlyLevel(conformance.Should)}, func(c conformance.Case) bool { return c.Level == conformance.Should }},
		{"prefix and level", []conformance.Option{conformance.Prefix("gruu/"), conformance.OnlyLevel(conformance.Must)}, func(c conformance.Case) bool {
			return strings.HasPrefix(c.ID, "gruu/") && c.Level == conformance.Must
		}},
	} {
		var want []string
		for _, c := range all {
			if tc.keep(c) {
				want = append(want, c.ID)
			}
		}
		res, err := conformance.Evaluate(context.Background(), conformance.Reference{}.Subject(), tc.opts...)
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, c := range res.Cases {
			got = append(got, c.ID)
		}
		if len(want) == 0 || len(want) == len(all) {
			t.Errorf("%s: the filter selects %d of %d cases; it tests nothing", tc.name, len(want), len(all))
		}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("%s: selected cases (-want +got):\n%s", tc.name, diff)
		}
	}
}

// Selection by subject: a formatter alone gets only GRUU cases.
func TestSubjectSelectsCases(t *testing.T) {
	res, err := conformance.Evaluate(context.Background(), conformance.Subject{GRUU: formatterOnly{}})
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range res.Cases {
		if c.Subject != "gruu" {
			t.Errorf("case %s ran for a GRUU formatter", c.ID)
		}
	}
	if res.Summary.Passed == 0 || res.Summary.Failed != 0 {
		t.Errorf("summary %+v", res.Summary)
	}
}

type formatterOnly struct{}

func (formatterOnly) RMXForm(s string) (string, error) { return conformance.Reference{}.RMXForm(s) }
func (formatterOnly) DMAForm(s string) (string, error) { return conformance.Reference{}.DMAForm(s) }

// A planner that always plans one pool fails the should-level per-Edge
// cases: failures when strict, skips with the reason when lenient.
func TestStrictAndLenient(t *testing.T) {
	strict, err := conformance.EvaluatePools(context.Background(), onePoolPlanner{}, conformance.Prefix("pools/"))
	if err != nil {
		t.Fatal(err)
	}
	lenient, err := conformance.EvaluatePools(context.Background(), onePoolPlanner{}, conformance.Prefix("pools/"), conformance.Lenient())
	if err != nil {
		t.Fatal(err)
	}
	if strict.Summary.Failed == 0 || lenient.Summary.Failed != 0 || lenient.Summary.Skipped != strict.Summary.Failed {
		t.Fatalf("strict %+v, lenient %+v", strict.Summary, lenient.Summary)
	}
	for _, c := range lenient.Cases {
		if c.Status == conformance.Skip && !strings.Contains(c.Reason, "should-level case fails") {
			t.Errorf("%s: skip without the reason: %q", c.ID, c.Reason)
		}
	}
}

func TestKnownFailing(t *testing.T) {
	known := conformance.KnownFailing(
		conformance.KnownFailure{ID: "static-route/realconnect-only/not-needed", Reason: "bug 12"},
		conformance.KnownFailure{ID: "static-route/traditional/needed", Reason: "thought broken"},
	)
	res, err := conformance.EvaluateStaticRoutes(context.Background(), alwaysRoute{}, conformance.Prefix("static-route/"), known)
	if err != nil {
		t.Fatal(err)
	}
	status := map[string]conformance.CaseResult{}
	for _, c := range res.Cases {
		status[c.ID] = c
	}
	if c := status["static-route/realconnect-only/not-needed"]; c.Status != conformance.Skip || !strings.Contains(c.Reason, "known failure (bug 12)") {
		t.Errorf("listed failing case: %+v", c)
	}
	if c := status["static-route/traditional/needed"]; c.Status != conformance.Fail || !strings.Contains(c.Reason, "stale known failure") {
		t.Errorf("listed passing case: %+v", c)
	}
	if c := status["static-route/realconnect-only/any-case"]; c.Status != conformance.Fail {
		t.Errorf("unlisted failing case: %+v", c)
	}
}

// A subject that panics fails its cases, not the run.
func TestPanickingSubject(t *testing.T) {
	res, err := conformance.EvaluateStaticRoutes(context.Background(), panicky{}, conformance.Prefix("static-route/"))
	if err != nil {
		t.Fatal(err)
	}
	if res.Summary.Passed != 0 || res.Summary.Failed != len(res.Cases) || !strings.Contains(res.Cases[0].Reason, "panicked") {
		t.Errorf("%+v", res.Cases[0])
	}
	if err := res.Err(); !errors.Is(err, conformance.ErrCaseFailed) {
		t.Errorf("Result.Err() = %v", err)
	}
}

type panicky struct{}

func (panicky) NeedsStaticRoute([]string) (bool, error) { panic("boom") }

func TestReports(t *testing.T) {
	subject := conformance.Subject{StaticRoutes: alwaysRoute{}, GRUU: conformance.Reference{}}
	res, err := conformance.Evaluate(context.Background(), subject, conformance.Prefix("static-route/", "gruu/rmx-form/"), conformance.Lenient())
	if err != nil {
		t.Fatal(err)
	}
	var js bytes.Buffer
	if err := res.WriteJSON(&js); err != nil {
		t.Fatal(err)
	}
	var back conformance.Result
	if err := json.Unmarshal(js.Bytes(), &back); err != nil {
		t.Fatal(err)
	}
	if back.Summary != res.Summary || len(back.Cases) != len(res.Cases) {
		t.Errorf("JSON round trip: %+v vs %+v", back.Summary, res.Summary)
	}

	var x bytes.Buffer
	if err := res.WriteJUnit(&x); err != nil {
		t.Fatal(err)
	}
	suites, err := junit.Ingest(x.Bytes())
	if err != nil {
		t.Fatal(err)
	}
	if len(suites) != 2 { // one suite per behaviour: gruu and static-route
		t.Fatalf("%d suites in\n%s", len(suites), x.String())
	}
	var passed, failed, skipped int
	for _, s := range suites {
		for _, tc := range s.Tests {
			switch tc.Status {
			case junit.StatusPassed:
				passed++
			case junit.StatusFailed:
				failed++
				if tc.Error == nil || !strings.Contains(tc.Error.Error(), "-want +got") {
					t.Errorf("%s: failure without the diff", tc.Name)
				}
			case junit.StatusSkipped:
				skipped++
				if tc.Message == "" {
					t.Errorf("%s: skipped without the reason", tc.Name)
				}
			}
		}
	}
	if got := (conformance.Summary{Passed: passed, Failed: failed, Skipped: skipped}); got != res.Summary || failed == 0 {
		t.Errorf("JUnit says %+v, the result %+v", got, res.Summary)
	}
}

func TestCasesMarkdown(t *testing.T) {
	var b bytes.Buffer
	if err := conformance.WriteMarkdown(&b, catalogue(t)); err != nil {
		t.Fatal(err)
	}
	if *update {
		if err := os.WriteFile("CASES.md", b.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	have, err := os.ReadFile("CASES.md")
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(string(have), b.String()); diff != "" {
		t.Errorf("CASES.md is out of date; run go test ./conformance -run TestCasesMarkdown -update (-have +want):\n%s", diff)
	}
}
