package conformance_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/google/go-cmp/cmp"
	"github.com/joshdk/go-junit"

	"github.com/rppkit/rppkit/conformance"
)

// One run gives the test verdict and the report: RunGRUU returns the
// result of the subtests it ran.
func TestRunReturnsItsResult(t *testing.T) {
	res := conformance.RunGRUU(t, conformance.Reference{}, conformance.Prefix("gruu/dma-form/"))
	want, err := conformance.Select(conformance.Prefix("gruu/dma-form/"))
	if err != nil {
		t.Fatal(err)
	}
	var wantIDs, gotIDs []string
	for _, c := range want {
		wantIDs = append(wantIDs, c.ID)
	}
	for _, c := range res.Cases {
		gotIDs = append(gotIDs, c.ID)
	}
	if diff := cmp.Diff(wantIDs, gotIDs); diff != "" || res.Summary.Passed != len(want) {
		t.Errorf("result of RunGRUU: %+v, cases (-want +got):\n%s", res.Summary, diff)
	}
	if res.Subject != "conformance.Reference" {
		t.Errorf("Subject = %q", res.Subject)
	}
	var x bytes.Buffer
	if err := res.WriteJUnit(&x); err != nil {
		t.Fatal(err)
	}
	suites, err := junit.Ingest(x.Bytes())
	if err != nil || len(suites) != 1 || suites[0].Totals.Passed != len(want) {
		t.Errorf("JUnit of RunGRUU's result: %v, %+v", err, suites)
	}
}

// Each typed entry point runs the cases of its own behaviour only.
func TestTypedEntryPointsSelectTheirCases(t *testing.T) {
	ref := conformance.Reference{}
	ctx := context.Background()
	for _, tc := range []struct {
		subject string
		eval    func() (*conformance.Result, error)
	}{
		{"gruu", func() (*conformance.Result, error) { return conformance.EvaluateGRUU(ctx, ref) }},
		{"release", func() (*conformance.Result, error) { return conformance.EvaluateRelease(ctx, ref) }},
		{"ice-settings", func() (*conformance.Result, error) { return conformance.EvaluateICE(ctx, ref) }},
		{"pools", func() (*conformance.Result, error) { return conformance.EvaluatePools(ctx, ref) }},
		{"static-route", func() (*conformance.Result, error) { return conformance.EvaluateStaticRoutes(ctx, ref) }},
		{"deployment", func() (*conformance.Result, error) { return conformance.EvaluateDeployment(ctx, ref) }},
	} {
		res, err := tc.eval()
		if err != nil {
			t.Fatalf("%s: %v", tc.subject, err)
		}
		want, err := conformance.Select(conformance.Prefix(tc.subject + "/"))
		if err != nil {
			t.Fatal(err)
		}
		if len(res.Cases) != len(want) {
			t.Errorf("%s: %d cases run, the catalogue has %d", tc.subject, len(res.Cases), len(want))
		}
		for _, c := range res.Cases {
			if c.Subject != tc.subject {
				t.Errorf("%s: ran %s", tc.subject, c.ID)
			}
		}
	}
}

// Every error a caller may branch on is a sentinel, whatever the entry
// point.
func TestOptionErrors(t *testing.T) {
	ctx := context.Background()
	ref := conformance.Reference{}
	good, err := conformance.LoadCases(fstest.MapFS{"static-route/mine/x.json": {Data: []byte(
		`{"id":"static-route/mine/x","title":"t","subject":"static-route","level":"must","source":"s","input":{"workflows":["traditional"]},"want":{"needed":true}}`)}})
	if err != nil {
		t.Fatal(err)
	}
	bad := good[0]
	bad.Want = json.RawMessage(`{"needed":true,"refused":true}`)
	otherLevel := good[0]
	otherLevel.Level = "may"
	for _, tc := range []struct {
		name string
		err  error
		eval func() (*conformance.Result, error)
	}{
		{"unknown level", conformance.ErrUnknownLevel, func() (*conformance.Result, error) {
			return conformance.EvaluateGRUU(ctx, ref, conformance.OnlyLevel("may"))
		}},
		{"empty level", conformance.ErrUnknownLevel, func() (*conformance.Result, error) {
			return conformance.EvaluateGRUU(ctx, ref, conformance.OnlyLevel(""))
		}},
		{"known failure of no case", conformance.ErrUnknownCase, func() (*conformance.Result, error) {
			return conformance.EvaluateGRUU(ctx, ref, conformance.KnownFailing(conformance.KnownFailure{ID: "gruu/no/such", Reason: "r"}))
		}},
		{"known failure outside WithCases", conformance.ErrUnknownCase, func() (*conformance.Result, error) {
			return conformance.EvaluateStaticRoutes(ctx, ref, conformance.WithCases(good),
				conformance.KnownFailing(conformance.KnownFailure{ID: "static-route/both/needed", Reason: "r"}))
		}},
		{"prefix of no case", conformance.ErrNoCases, func() (*conformance.Result, error) {
			return conformance.EvaluateGRUU(ctx, ref, conformance.Prefix("gruu/no-such/"))
		}},
		{"one prefix of no case among good ones", conformance.ErrNoCases, func() (*conformance.Result, error) {
			return conformance.Evaluate(ctx, ref.Subject(), conformance.Prefix("gruu/", "typo/"))
		}},
		{"prefix of another behaviour", conformance.ErrNoCases, func() (*conformance.Result, error) {
			return conformance.EvaluateGRUU(ctx, ref, conformance.Prefix("release/"))
		}},
		{"prefix with none of the level", conformance.ErrNoCases, func() (*conformance.Result, error) {
			return conformance.EvaluateStaticRoutes(ctx, ref, conformance.Prefix("static-route/both/"), conformance.OnlyLevel(conformance.Should))
		}},
		{"no cases given", conformance.ErrNoCases, func() (*conformance.Result, error) {
			return conformance.EvaluateStaticRoutes(ctx, ref, conformance.WithCases(nil))
		}},
		{"cases of another behaviour", conformance.ErrNoCases, func() (*conformance.Result, error) {
			return conformance.EvaluateGRUU(ctx, ref, conformance.WithCases(good))
		}},
		{"empty subject", conformance.ErrNoSubject, func() (*conformance.Result, error) {
			return conformance.Evaluate(ctx, conformance.Subject{Name: "nothing"})
		}},
		{"nil formatter", conformance.ErrNoSubject, func() (*conformance.Result, error) {
			return conformance.EvaluateGRUU(ctx, nil)
		}},
		{"invalid case given", conformance.ErrBadCase, func() (*conformance.Result, error) {
			return conformance.EvaluateStaticRoutes(ctx, ref, conformance.WithCases([]conformance.Case{bad}))
		}},
		{"case of unknown level given", conformance.ErrBadCase, func() (*conformance.Result, error) {
			return conformance.EvaluateStaticRoutes(ctx, ref, conformance.WithCases([]conformance.Case{otherLevel}))
		}},
		{"case given twice", conformance.ErrBadCase, func() (*conformance.Result, error) {
			return conformance.EvaluateStaticRoutes(ctx, ref, conformance.WithCases(append(good, good...)))
		}},
	} {
		res, err := tc.eval()
		if !errors.Is(err, tc.err) || res != nil {
			t.Errorf("%s: %v, %v; want %v", tc.name, res, err, tc.err)
		}
	}
	// Select validates as Evaluate does.
	if _, err := conformance.Select(conformance.Prefix("typo/")); !errors.Is(err, conformance.ErrNoCases) {
		t.Errorf("Select with a prefix of no case: %v", err)
	}
	if _, err := conformance.Select(conformance.OnlyLevel("MUST")); !errors.Is(err, conformance.ErrUnknownLevel) {
		t.Errorf("Select with level MUST: %v", err)
	}
	// The good case alone runs: the errors above come from what was changed.
	if res, err := conformance.EvaluateStaticRoutes(ctx, ref, conformance.WithCases(good)); err != nil || res.Summary.Passed != 1 {
		t.Errorf("the good case: %v, %v", res, err)
	}
}

// A failure says what the case checks, its rules and source, its input as
// compact JSON and the diff; the result keeps the input for the report.
func TestFailureShowsTheInput(t *testing.T) {
	res, err := conformance.EvaluateStaticRoutes(context.Background(), alwaysRoute{},
		conformance.Prefix("static-route/realconnect-only/not-needed"))
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Cases) != 1 || res.Cases[0].Status != conformance.Fail {
		t.Fatalf("%+v", res.Cases)
	}
	c := res.Cases[0]
	vector, err := conformance.Select(conformance.Prefix(c.ID))
	if err != nil {
		t.Fatal(err)
	}
	var compact bytes.Buffer
	if err := json.Compact(&compact, vector[0].Input); err != nil {
		t.Fatal(err)
	}
	if string(c.Input) != compact.String() || strings.ContainsAny(string(c.Input), "\n\t ") {
		t.Errorf("Input = %s, want the vector's input compact: %s", c.Input, compact.String())
	}
	msg := c.Message()
	for _, part := range []string{c.ID, "source: " + c.Source, "input: " + compact.String(), "(-want +got):", c.Diff} {
		if !strings.Contains(msg, part) {
			t.Errorf("the message lacks %q:\n%s", part, msg)
		}
	}
	var back conformance.Result
	var js bytes.Buffer
	if err := res.WriteJSON(&js); err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(js.Bytes(), &back); err != nil {
		t.Fatal(err)
	}
	var reread bytes.Buffer
	if err := json.Compact(&reread, back.Cases[0].Input); err != nil || reread.String() != compact.String() {
		t.Errorf("JSON report input: %s, %v", back.Cases[0].Input, err)
	}
	// A rule-bearing case names its rules.
	res, err = conformance.EvaluateDeployment(context.Background(), noRules{}, conformance.Prefix("deployment/rmx-encryption/fires"))
	if err != nil {
		t.Fatal(err)
	}
	if msg := res.Cases[0].Message(); !strings.Contains(msg, "rules: rmx-encryption") || !strings.Contains(msg, `input: {"deployment":{`) {
		t.Errorf("deployment failure message:\n%s", msg)
	}
	// A passing case carries no input.
	res, err = conformance.EvaluateStaticRoutes(context.Background(), conformance.Reference{}, conformance.Prefix(c.ID))
	if err != nil || res.Cases[0].Input != nil {
		t.Errorf("passing case: %v, input %s", err, res.Cases[0].Input)
	}
}

type noRules struct{}

func (noRules) CheckDeployment(context.Context, []byte) ([]string, error) { return []string{}, nil }

// The environment variable that turns the caller tests below on; they
// fail on purpose and run only in a child process.
const childEnv = "RPPKIT_CONFORMANCE_CALLER_CHILD"

// A failure, a lenient skip and a fatal option error are reported at the
// caller's RunX line, not inside the kit: the child tests below fail on
// purpose, and their output names where.
func TestFailuresPointAtTheCaller(t *testing.T) {
	if os.Getenv(childEnv) != "" {
		t.Skip("in the child process")
	}
	location := regexp.MustCompile(`(?m)^\s+(\S+\.go:\d+): (.*)$`)
	for _, child := range []struct {
		test    string
		reports int // locations reported besides the CALL line
	}{
		{"TestCallerFailingSubject", 2}, // one failure, one lenient skip
		{"TestCallerBadOption", 1},      // t.Fatal
	} {
		cmd := exec.Command(os.Args[0], "-test.run=^"+child.test+"$", "-test.v", "-test.count=1")
		cmd.Env = append(os.Environ(), childEnv+"=1")
		out, err := cmd.CombinedOutput()
		var exit *exec.ExitError
		if !errors.As(err, &exit) {
			t.Fatalf("%s: %v, want a failing test\n%s", child.test, err, out)
		}
		var call string
		var at []string
		for _, m := range location.FindAllStringSubmatch(string(out), -1) {
			if strings.HasPrefix(m[2], "CALL ") {
				call = strings.TrimPrefix(m[2], "CALL ")
				continue
			}
			at = append(at, m[1])
		}
		if call == "" || len(at) != child.reports {
			t.Fatalf("%s: call %q, %d locations reported, want %d:\n%s", child.test, call, len(at), child.reports, out)
		}
		for _, a := range at {
			if a != call {
				t.Errorf("%s: reported at %s, want the caller's line %s:\n%s", child.test, a, call, out)
			}
		}
	}
}

// callSite logs the file:line of the line after the call, where the child
// tests call the kit.
func callSite(t *testing.T) {
	t.Helper()
	_, file, line, _ := runtime.Caller(1)
	t.Logf("CALL %s:%d", filepath.Base(file), line+1)
}

func TestCallerFailingSubject(t *testing.T) {
	if os.Getenv(childEnv) == "" {
		t.Skip("fails on purpose; run by TestFailuresPointAtTheCaller")
	}
	callSite(t)
	conformance.RunStaticRoutes(t, alwaysRoute{}, conformance.Prefix("static-route/realconnect-only/"), conformance.Lenient())
}

func TestCallerBadOption(t *testing.T) {
	if os.Getenv(childEnv) == "" {
		t.Skip("fails on purpose; run by TestFailuresPointAtTheCaller")
	}
	callSite(t)
	conformance.RunGRUU(t, conformance.Reference{}, conformance.OnlyLevel("may"))
}

// Handing the kit the wrong subject does not compile: testdata/compile has
// the same package twice, once calling RunGRUU with a release advisor.
func TestWrongSubjectIsACompileError(t *testing.T) {
	if testing.Short() {
		t.Skip("builds packages with the go command")
	}
	gocmd, err := exec.LookPath("go")
	if err != nil {
		t.Skipf("no go command: %v", err)
	}
	build := func(pkg string) (string, error) {
		out, err := exec.Command(gocmd, "build", "-o", os.DevNull, "./testdata/compile/"+pkg).CombinedOutput()
		return string(out), err
	}
	if out, err := build("rightsubject"); err != nil {
		t.Fatalf("the right subject does not compile: %v\n%s", err, out)
	}
	out, err := build("wrongsubject")
	if err == nil {
		t.Fatal("RunGRUU accepts a release advisor")
	}
	if want := "releaseOnly does not implement conformance.GRUUFormatter"; !strings.Contains(out, want) {
		t.Errorf("the build fails, but not with %q:\n%s", want, out)
	}
}

// The inputs are named types a tool can build in Go.
func TestNamedInputTypes(t *testing.T) {
	const gruu = "sip:rpp.contoso.com@contoso.com;gruu;opaque=srvr:video:Tggd9yw0FFyNjnRqleNLwQAA"
	got, err := conformance.Reference{}.DeriveICE(conformance.ICEInput{
		Endpoint:    conformance.ICEEndpoint{SIPAddress: "sip:rpp-ice@contoso.com", ApplicationID: "video", Pool: "rpp.contoso.com"},
		Application: conformance.ICEApplication{ApplicationID: "urn:application:video", Pool: "rpp.contoso.com", Port: 5061, ServiceGRUU: gruu},
	})
	if err != nil {
		t.Fatal(err)
	}
	if got.ServerUserName != "rpp-ice" || got.ContactOverride != strings.TrimPrefix(gruu, "sip:") {
		t.Errorf("DeriveICE = %+v", got)
	}
	pools, err := conformance.Reference{}.PlanPools(conformance.PoolsInput{
		FrontEndPools: []conformance.FrontEndPool{
			{FQDN: "fe-east.contoso.com", Site: "East", EdgePool: "edge-east.contoso.com"},
			{FQDN: "fe-west.contoso.com", Site: "West", EdgePool: "edge-west.contoso.com"},
		},
		EdgePools: []conformance.EdgePool{{FQDN: "edge-east.contoso.com", Site: "East"}, {FQDN: "edge-west.contoso.com", Site: "West"}},
		RMX:       []conformance.System{{FQDN: "rmx-east.contoso.com", Site: "East"}, {FQDN: "rmx-west.contoso.com", Site: "West"}},
	})
	if err != nil || len(pools) != 2 {
		t.Errorf("PlanPools = %+v, %v; want one pool per Edge-paired site", pools, err)
	}
}

// A Subject names itself by the types of its behaviours unless named.
func TestSubjectName(t *testing.T) {
	for _, tc := range []struct {
		s    conformance.Subject
		want string
	}{
		{conformance.Reference{}.Subject(), "conformance.Reference"},
		{conformance.Subject{GRUU: formatterOnly{}, StaticRoutes: alwaysRoute{}}, "conformance_test.formatterOnly, conformance_test.alwaysRoute"},
		{conformance.Subject{Name: "mytool 1.2", GRUU: formatterOnly{}}, "mytool 1.2"},
	} {
		res, err := conformance.Evaluate(context.Background(), tc.s, conformance.Prefix("gruu/rmx-form/strips-scheme"))
		if err != nil {
			t.Fatal(err)
		}
		if res.Subject != tc.want {
			t.Errorf("Subject = %q, want %q", res.Subject, tc.want)
		}
	}
}
