package report_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"strings"
	"testing"

	junitparser "github.com/joshdk/go-junit"

	"github.com/rppkit/rppkit/examples"
	"github.com/rppkit/rppkit/rpp"
	"github.com/rppkit/rppkit/rpp/report"
)

// inputs checks a story, a clean example and a file that cannot be loaded,
// with the catalogue plus a rule of a vendor's own.
func inputs(t *testing.T, rules []*rpp.Rule) []report.Input {
	t.Helper()
	ctx := context.Background()
	opts := rpp.Options{Rules: rules}
	loadFS := func(name string) func(context.Context) (*rpp.Deployment, error) {
		return func(ctx context.Context) (*rpp.Deployment, error) { return rpp.LoadFS(ctx, examples.FS, name) }
	}
	broken := func(ctx context.Context) (*rpp.Deployment, error) {
		return rpp.Parse("broken.yaml", []byte("lync: {product: lync2013}\nrpp: {workflow: [realconnect]}\n"))
	}
	return []report.Input{
		report.Check(ctx, "story-gruu-wrong-prefix.yaml", report.FromFile, loadFS("story-gruu-wrong-prefix.yaml"), opts),
		report.Check(ctx, "two-site.yaml", report.FromExample, loadFS("two-site.yaml"), opts),
		report.Check(ctx, "broken.yaml", report.FromFile, broken, opts),
	}
}

// vendorRule is a rule of a vendor's own: it flags every DMA as a warning.
func vendorRule() *rpp.Rule {
	return &rpp.Rule{ID: "acme-dma-seen", Severity: rpp.Warning, Summary: "a DMA", Doc: "Seen.\n\nFix: none.", Source: "Acme",
		Run: func(p *rpp.Pass) {
			for i, d := range p.Deployment.RPP.DMA {
				p.Report(rpp.Finding{Object: "dma/" + d.Name, Field: "rpp.dma[" + string(rune('0'+i)) + "]", Message: "seen", Fix: "none"})
			}
		}}
}

func TestStatusAndExitCode(t *testing.T) {
	in := inputs(t, nil)
	want := []report.Status{report.Checked, report.Checked, report.Invalid}
	for i, s := range want {
		if got := in[i].Status(); got != s {
			t.Errorf("input %s: status %s, want %s", in[i].Name, got, s)
		}
	}
	if p := in[2].Problems(); len(p) == 0 || p[0].File != "broken.yaml" || p[0].Line == 0 {
		t.Errorf("broken.yaml's problems %+v, want them with file and line", p)
	}
	for _, tc := range []struct {
		in     []report.Input
		failOn rpp.Severity
		want   int
	}{
		{in, rpp.Error, report.ExitInvalid},
		{in[:2], rpp.Error, report.ExitFindings},
		{in[1:2], rpp.Error, report.ExitOK},
		{in[1:2], rpp.Warning, report.ExitOK},
		{inputs(t, append(rpp.Catalogue(), vendorRule()))[1:2], rpp.Warning, report.ExitFindings},
	} {
		if got := report.ExitCode(tc.in, tc.failOn); got != tc.want {
			t.Errorf("ExitCode(%d inputs, %s) = %d, want %d", len(tc.in), tc.failOn, got, tc.want)
		}
	}
}

// TestVendorRulesInEveryFormat: a vendor who adds a rule gets it in every
// format, and every input with its status.
func TestVendorRulesInEveryFormat(t *testing.T) {
	rules := append(rpp.Catalogue(), vendorRule())
	in := inputs(t, rules)
	opts := report.Options{Rules: rules, Tool: report.Tool{Name: "acmecheck", Version: "v2.0.0"}}
	for _, f := range report.Formats() {
		var buf bytes.Buffer
		if err := report.Write(&buf, f, in, opts); err != nil {
			t.Fatalf("%s: %v", f, err)
		}
		out := buf.String()
		for _, want := range []string{"acme-dma-seen", "broken.yaml", "two-site.yaml"} {
			if !strings.Contains(out, want) {
				t.Errorf("%s output lacks %q", f, want)
			}
		}
	}
	if err := report.Write(&bytes.Buffer{}, "xml", in, opts); !errors.Is(err, report.ErrUnknownFormat) {
		t.Errorf("Write(xml) = %v, want ErrUnknownFormat", err)
	}
	if _, err := report.ParseFormat("yaml"); !errors.Is(err, report.ErrUnknownFormat) {
		t.Errorf("ParseFormat(yaml) = %v, want ErrUnknownFormat", err)
	}
}

func TestJSONListsEveryInput(t *testing.T) {
	var buf bytes.Buffer
	if err := report.WriteJSON(&buf, inputs(t, nil), report.Options{Tool: report.Tool{Version: "v1.0.0"}}); err != nil {
		t.Fatal(err)
	}
	var rep struct {
		SchemaVersion int    `json:"schemaVersion"`
		Version       string `json:"version"`
		Inputs        []struct {
			Name, Origin, Status string
			Problems             []report.Problem
			Summary              rpp.Summary
		}
		Summary rpp.Summary
	}
	if err := json.Unmarshal(buf.Bytes(), &rep); err != nil {
		t.Fatal(err)
	}
	if rep.SchemaVersion != report.JSONSchemaVersion || rep.Version != "v1.0.0" || len(rep.Inputs) != 3 {
		t.Fatalf("report %+v", rep)
	}
	if in := rep.Inputs[2]; in.Status != "invalid" || len(in.Problems) == 0 || in.Problems[0].Line == 0 {
		t.Errorf("broken input %+v, want invalid with located problems", in)
	}
	if in := rep.Inputs[1]; in.Origin != "example" || in.Status != "checked" {
		t.Errorf("bundled example %+v, want origin example, checked", in)
	}
	if in := rep.Inputs[0]; in.Summary.Errors != 2 || rep.Summary.Errors != 2 {
		t.Errorf("story summary %+v, total %+v; want 2 errors", in.Summary, rep.Summary)
	}
}

// TestJUnitAsCIReadsIt reads the JUnit report back with a JUnit parser:
// each rule a test case per input, failed where it has an error finding,
// and the unloadable input an error, never a pass.
func TestJUnitAsCIReadsIt(t *testing.T) {
	var buf bytes.Buffer
	rules := rpp.Catalogue()
	if err := report.WriteJUnit(&buf, inputs(t, rules), report.Options{FailOn: rpp.Error}); err != nil {
		t.Fatal(err)
	}
	suites, err := junitparser.Ingest(buf.Bytes())
	if err != nil || len(suites) != 3 {
		t.Fatalf("%d suites, %v; want 3:\n%s", len(suites), err, buf.String())
	}
	failed := map[string]bool{}
	for _, tc := range suites[0].Tests {
		if tc.Status == junitparser.StatusFailed {
			failed[tc.Name] = true
		}
	}
	if len(suites[0].Tests) != len(rules) || !failed["rmx-contact-override-prefix"] || !failed["dma-gruu-prefix"] || len(failed) != 2 {
		t.Errorf("story: %d cases, failed %v; want %d cases, the two GRUU rules failed", len(suites[0].Tests), failed, len(rules))
	}
	if !strings.Contains(suites[1].Name, "bundled example") {
		t.Errorf("suite %q does not say it is the bundled example", suites[1].Name)
	}
	if b := suites[2]; len(b.Tests) != 1 || b.Tests[0].Status != junitparser.StatusError || !strings.Contains(b.Tests[0].Error.Error(), "broken.yaml") {
		t.Errorf("broken input: %+v, want one test case in error", b.Tests)
	}
}

// TestJUnitFailOn: a warning fails its test case only when FailOn says so.
func TestJUnitFailOn(t *testing.T) {
	in := report.Check(context.Background(), "video.yaml", report.FromFile, func(ctx context.Context) (*rpp.Deployment, error) {
		return rpp.LoadFS(ctx, examples.FS, "story-video-not-accepted.yaml") // one warning, rmx-encryption
	}, rpp.Options{})
	for _, tc := range []struct {
		failOn rpp.Severity
		failed bool
	}{{rpp.Error, false}, {rpp.Warning, true}, {rpp.Info, true}} {
		var buf bytes.Buffer
		if err := report.WriteJUnit(&buf, []report.Input{in}, report.Options{FailOn: tc.failOn}); err != nil {
			t.Fatal(err)
		}
		suites, err := junitparser.Ingest(buf.Bytes())
		if err != nil || len(suites) != 1 {
			t.Fatalf("%d suites, %v", len(suites), err)
		}
		failed := false
		for _, c := range suites[0].Tests {
			if c.Name == "rmx-encryption" {
				failed = c.Status == junitparser.StatusFailed
			}
		}
		if failed != tc.failed {
			t.Errorf("FailOn %s: rmx-encryption failed %v, want %v", tc.failOn, failed, tc.failed)
		}
	}
}
