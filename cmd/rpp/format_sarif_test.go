package main

import (
	"bytes"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/santhosh-tekuri/jsonschema/v6"

	"github.com/rppkit/rppkit"
	"github.com/rppkit/rppkit/internal/thirdparty"
	"github.com/rppkit/rppkit/rpp"
)

// sarifSchema compiles the official SARIF 2.1.0 schema (see
// testdata/README.md). It is given a fixed URL so that no local path
// appears in its messages.
func sarifSchema(t *testing.T) *jsonschema.Schema {
	t.Helper()
	const url = "mem:///sarif-schema-2.1.0.json"
	f, err := os.Open(filepath.Join("..", "..", "rpp", "report", "testdata", "sarif-schema-2.1.0.json"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	doc, err := jsonschema.UnmarshalJSON(f)
	if err != nil {
		t.Fatal(err)
	}
	c := jsonschema.NewCompiler()
	c.DefaultDraft(jsonschema.Draft4)
	if err := c.AddResource(url, doc); err != nil {
		t.Fatal(err)
	}
	sch, err := c.Compile(url)
	if err != nil {
		t.Fatal(err)
	}
	return sch
}

func validateSARIF(t *testing.T, sch *jsonschema.Schema, name, out string) {
	t.Helper()
	inst, err := jsonschema.UnmarshalJSON(strings.NewReader(out))
	if err != nil {
		t.Fatalf("%s: SARIF output is not JSON: %v", name, err)
	}
	if err := sch.Validate(inst); err != nil {
		t.Errorf("%s: SARIF output is not valid SARIF 2.1.0:\n%v", name, err)
	}
}

// The schema really rejects things: a log without runs is invalid.
func TestSARIFSchemaRejects(t *testing.T) {
	sch := sarifSchema(t)
	for _, bad := range []string{`{"version":"2.1.0"}`, `{"version":"2.0","runs":[]}`,
		`{"version":"2.1.0","runs":[{"tool":{"driver":{"name":"x"}},"results":[{"message":{"text":"m"},"level":"info"}]}]}`} {
		inst, _ := jsonschema.UnmarshalJSON(strings.NewReader(bad))
		if sch.Validate(inst) == nil {
			t.Errorf("schema accepts %s", bad)
		}
	}
}

// sarifLog is the part of a SARIF log the tests look at.
type sarifLog struct {
	Runs []struct {
		Tool struct {
			Driver struct {
				Name           string `json:"name"`
				Version        string `json:"version"`
				InformationURI string `json:"informationUri"`
				Rules          []struct {
					ID                   string `json:"id"`
					Name                 string `json:"name"`
					ShortDescription     struct{ Text string }
					FullDescription      struct{ Text string }
					Help                 struct{ Text string }
					DefaultConfiguration struct{ Level string }
					HelpURI              string            `json:"helpUri"`
					Properties           map[string]string `json:"properties"`
				} `json:"rules"`
			} `json:"driver"`
		} `json:"tool"`
		Invocations []struct {
			ExecutionSuccessful        bool `json:"executionSuccessful"`
			ToolExecutionNotifications []struct {
				Level   string
				Message struct{ Text string }
			} `json:"toolExecutionNotifications"`
		} `json:"invocations"`
		Results []struct {
			RuleID    string `json:"ruleId"`
			RuleIndex *int   `json:"ruleIndex"`
			Level     string `json:"level"`
			Message   struct{ Text string }
			Locations []struct {
				PhysicalLocation struct {
					ArtifactLocation struct {
						URI         string `json:"uri"`
						Description struct{ Text string }
					} `json:"artifactLocation"`
					Region struct {
						StartLine   int `json:"startLine"`
						StartColumn int `json:"startColumn"`
					} `json:"region"`
				} `json:"physicalLocation"`
				LogicalLocations []struct {
					FullyQualifiedName string `json:"fullyQualifiedName"`
				} `json:"logicalLocations"`
			} `json:"locations"`
			Properties map[string]any `json:"properties"`
		} `json:"results"`
	} `json:"runs"`
}

func TestSARIFExamples(t *testing.T) {
	sch := sarifSchema(t)
	catalogue := rpp.Catalogue()
	for _, name := range exampleNames(t) {
		file := examplePath(name)
		r := runRpp(t, "check", "--format", "sarif", file)
		validateSARIF(t, sch, name, r.stdout)

		var log sarifLog
		if err := json.Unmarshal([]byte(r.stdout), &log); err != nil || len(log.Runs) != 1 {
			t.Fatalf("%s: want one run, got %d (%v)", name, len(log.Runs), err)
		}
		run := log.Runs[0]
		const home = "https://github.com/rppkit/rppkit"
		if d := run.Tool.Driver; d.Name != "rpp" || d.InformationURI != home || !strings.Contains(d.Version, strings.Trim(strings.TrimPrefix(rppkit.Version(), "v"), "()")) || d.Version == "" || d.Version[0] < '0' || d.Version[0] > '9' || len(d.Rules) != len(catalogue) {
			t.Errorf("%s: driver %q %q version %q with %d rules; want rpp, %s, %s and the %d rules of the catalogue",
				name, d.Name, d.InformationURI, d.Version, len(d.Rules), home, rppkit.Version(), len(catalogue))
		}
		for i, rule := range run.Tool.Driver.Rules {
			if i >= len(catalogue) {
				break
			}
			c := catalogue[i]
			if rule.ID != c.ID || rule.ShortDescription.Text != c.Summary || rule.FullDescription.Text != c.Doc ||
				rule.Help.Text != c.Doc || rule.DefaultConfiguration.Level != map[rpp.Severity]string{rpp.Error: "error", rpp.Warning: "warning", rpp.Info: "note"}[c.Severity] ||
				rule.Properties["source"] != c.Source || rule.Name == "" || rule.HelpURI != c.URL() {
				t.Errorf("%s: rules[%d] = %+v, want catalogue rule %s", name, i, rule, c.ID)
			}
		}

		want := decodeJSONReport(t, runRpp(t, "check", "--format", "json", file).stdout).Findings
		if len(run.Results) != len(want) {
			t.Fatalf("%s: %d results, want %d (one per finding)", name, len(run.Results), len(want))
		}
		for i, res := range run.Results {
			f := want[i]
			if res.RuleID != f.Rule {
				t.Errorf("%s: results[%d].ruleId = %q, want %q", name, i, res.RuleID, f.Rule)
			}
			if res.RuleIndex == nil || *res.RuleIndex >= len(catalogue) || catalogue[*res.RuleIndex].ID != f.Rule {
				t.Errorf("%s: results[%d].ruleIndex does not point at %s", name, i, f.Rule)
			}
			if lvl := map[rpp.Severity]string{rpp.Error: "error", rpp.Warning: "warning", rpp.Info: "note"}[f.Severity]; res.Level != lvl {
				t.Errorf("%s: results[%d].level = %q, want %q", name, i, res.Level, lvl)
			}
			if !strings.HasPrefix(res.Message.Text, f.Message) || !strings.HasSuffix(res.Message.Text, " Fix: "+f.Fix) {
				t.Errorf("%s: results[%d].message = %q, want the message and the fix", name, i, res.Message.Text)
			}
			if len(res.Locations) != 1 {
				t.Fatalf("%s: results[%d] has %d locations, want 1", name, i, len(res.Locations))
			}
			loc := res.Locations[0]
			if p := loc.PhysicalLocation; p.ArtifactLocation.URI != filepath.ToSlash(file) || p.Region.StartLine != f.Line || p.Region.StartColumn <= 0 {
				t.Errorf("%s: results[%d] at %+v, want %s line %d", name, i, p, file, f.Line)
			}
			if len(loc.LogicalLocations) != 1 || loc.LogicalLocations[0].FullyQualifiedName != f.Object+"/"+f.Field {
				t.Errorf("%s: results[%d].logicalLocations = %+v, want %s/%s", name, i, loc.LogicalLocations, f.Object, f.Field)
			}
		}
		if len(run.Invocations) != 1 || !run.Invocations[0].ExecutionSuccessful {
			t.Errorf("%s: invocations %+v, want one, successful", name, run.Invocations)
		}
	}
}

func TestSARIFReplacement(t *testing.T) {
	var log sarifLog
	out := runRpp(t, "check", "--format", "sarif", examplePath("story-video-not-accepted.yaml")).stdout
	if err := json.Unmarshal([]byte(out), &log); err != nil {
		t.Fatal(err)
	}
	if res := log.Runs[0].Results; len(res) != 1 || res[0].Properties["replacement"] != "whenAvailable" {
		t.Errorf("results %+v, want one with the replacement value", res)
	}
}

// Inputs that cannot be loaded still give a valid log, which says the run
// was not successful and why; standard input has no URI but keeps its line.
func TestSARIFBadInputAndStdin(t *testing.T) {
	sch := sarifSchema(t)
	dir := t.TempDir()
	bad := filepath.Join(dir, "with space.yaml")
	if err := os.WriteFile(bad, []byte("lync: {product: lync2013}\nrpp:\n  workflow: [realconnect]\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	data, err := os.ReadFile(examplePath("story-gruu-wrong-prefix.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	r := rppWith(t, bytes.NewReader(data), nil, "check", "--format", "sarif", bad, "-", filepath.Join(dir, "missing.yaml"))
	if r.code != 2 {
		t.Errorf("exit %d, want 2", r.code)
	}
	validateSARIF(t, sch, "bad input", r.stdout)
	var log sarifLog
	if err := json.Unmarshal([]byte(r.stdout), &log); err != nil {
		t.Fatal(err)
	}
	run := log.Runs[0]
	if len(run.Invocations) != 1 || run.Invocations[0].ExecutionSuccessful {
		t.Fatalf("invocations %+v, want one, unsuccessful", run.Invocations)
	}
	var texts []string
	for _, n := range run.Invocations[0].ToolExecutionNotifications {
		if n.Level != "error" {
			t.Errorf("notification %+v, want level error", n)
		}
		texts = append(texts, n.Message.Text)
	}
	all := strings.Join(texts, "\n")
	if !strings.Contains(all, "with space.yaml:3:3: rpp.workflow: unknown field") || !strings.Contains(all, "missing.yaml") {
		t.Errorf("notifications:\n%s\nwant the problems of both bad files", all)
	}
	if len(run.Results) != 2 {
		t.Fatalf("%d results, want the 2 findings of standard input", len(run.Results))
	}
	for _, res := range run.Results {
		p := res.Locations[0].PhysicalLocation
		if p.ArtifactLocation.URI != "" || p.ArtifactLocation.Description.Text != "standard input" || p.Region.StartLine == 0 {
			t.Errorf("stdin result at %+v, want no URI, a description and a line", p)
		}
	}
}

// TestSARIFMultitool validates rpp's SARIF with Microsoft's own validator
// (npm @microsoft/sarif-multitool), which also checks what the schema does
// not: a numeric tool version (SARIF2005) and a help URI on each rule
// (SARIF2012), among others. It runs when sarif-multitool is on PATH (CI
// installs it) and skips otherwise.
func TestSARIFMultitool(t *testing.T) {
	tool, err := exec.LookPath("sarif-multitool")
	if err != nil {
		thirdparty.Missing(t, "sarif-multitool is not on PATH (npm install @microsoft/sarif-multitool)")
	}
	dir := t.TempDir()
	bad := filepath.Join(dir, "bad.yaml")
	if err := os.WriteFile(bad, []byte("lync: {product: lync2013}\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	args := []string{"check", "--format", "sarif", bad}
	for _, n := range exampleNames(t) {
		args = append(args, examplePath(n))
	}
	r := runRpp(t, args...)
	in, out := filepath.Join(dir, "rpp.sarif"), filepath.Join(dir, "validation.sarif")
	if err := os.WriteFile(in, []byte(r.stdout), 0o644); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(tool, "validate", in, "--output", out, "--log", "ForceOverwrite")
	if b, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("sarif-multitool validate: %v\n%s", err, b)
	}
	data, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	var log struct {
		Runs []struct {
			Results []json.RawMessage `json:"results"`
		} `json:"runs"`
	}
	if err := json.Unmarshal(data, &log); err != nil || len(log.Runs) != 1 {
		t.Fatalf("validator output: %v\n%s", err, data)
	}
	for _, res := range log.Runs[0].Results {
		t.Errorf("validator result: %s", res)
	}
}
