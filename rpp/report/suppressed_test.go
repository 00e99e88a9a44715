package report_test

import (
	"bytes"
	"encoding/json"
	"encoding/xml"
	"strings"
	"testing"

	"github.com/rppkit/rppkit/rpp"
	"github.com/rppkit/rppkit/rpp/report"
)

// suppressedInputs is one checked input with an active warning and an
// error silenced by the deployment file, and one with an error silenced by
// .rpp.yaml.
func suppressedInputs() []report.Input {
	active := rpp.Finding{Rule: "rmx-encryption", Severity: rpp.Warning, Object: "rmx/rmx1", Field: "rpp.rmx[0].conferenceProfiles[0].encryption",
		File: "a.yaml", Line: 47, Column: 39, Message: "encryption is off", Fix: "set it to whenAvailable"}
	inSource := rpp.Finding{Rule: "rmx-sfb-version", Severity: rpp.Error, Object: "rmx/rmx2", Field: "rpp.rmx[1].version",
		File: "a.yaml", Line: 53, Column: 16, Message: "too old for Skype for Business", Fix: "upgrade",
		Suppressed: &rpp.Suppression{Rule: "rmx-sfb-version", Target: "rpp.rmx[1]", Reason: "retired in March", Expires: "2027-03-31",
			Source: rpp.InDeployment, File: "a.yaml", Line: 51, Column: 9}}
	external := rpp.Finding{Rule: "cert-san-missing", Severity: rpp.Error, Object: "dma/dma", Field: "rpp.dma[0].certificate",
		File: "b.yaml", Line: 9, Column: 7, Message: "no SAN for the pool", Fix: "reissue",
		Suppressed: &rpp.Suppression{Rule: "cert-san-missing", Target: "dma/dma", Reason: "vendor-managed file",
			Source: rpp.InConfig, File: ".rpp.yaml", Line: 3, Column: 5}}
	in := func(name string, fs ...rpp.Finding) report.Input {
		var r rpp.Report
		r.Findings = fs
		for _, f := range fs {
			r.Summary.Count(f)
		}
		return report.Input{Name: name, Origin: report.FromFile, Report: r}
	}
	return []report.Input{in("a.yaml", active, inSource), in("b.yaml", external)}
}

func write(t *testing.T, f report.Format, inputs []report.Input, opts report.Options) string {
	t.Helper()
	var b bytes.Buffer
	if err := report.Write(&b, f, inputs, opts); err != nil {
		t.Fatal(err)
	}
	return b.String()
}

func TestSuppressedDoNotFail(t *testing.T) {
	inputs := suppressedInputs()
	if got := report.ExitCode(inputs, rpp.Error); got != report.ExitOK {
		t.Errorf("ExitCode with only suppressed errors = %d, want 0", got)
	}
	if got := report.ExitCode(inputs, rpp.Warning); got != report.ExitFindings {
		t.Errorf("ExitCode --fail-on warning = %d, want 1 (the active warning)", got)
	}
	inputs[0].Report.Findings[1].Suppressed = nil
	if got := report.ExitCode(inputs, rpp.Error); got != report.ExitFindings {
		t.Errorf("ExitCode once the error is not suppressed = %d, want 1", got)
	}
}

func TestJSONSuppressed(t *testing.T) {
	var got struct {
		Findings []struct {
			Rule       string
			Suppressed *struct{ Reason, Source, Expires string }
		}
		Summary map[string]int
		Inputs  []struct{ Summary map[string]int }
	}
	if err := json.Unmarshal([]byte(write(t, report.JSON, suppressedInputs(), report.Options{})), &got); err != nil {
		t.Fatal(err)
	}
	if len(got.Findings) != 3 || got.Findings[0].Suppressed != nil ||
		got.Findings[1].Suppressed == nil || *got.Findings[1].Suppressed != (struct{ Reason, Source, Expires string }{"retired in March", "deployment", "2027-03-31"}) ||
		got.Findings[2].Suppressed == nil || got.Findings[2].Suppressed.Source != "config" {
		t.Errorf("findings %+v", got.Findings)
	}
	want := map[string]int{"errors": 0, "warnings": 1, "info": 0, "suppressed": 2}
	for k, v := range want {
		if got.Summary[k] != v {
			t.Errorf("summary %v, want %v", got.Summary, want)
		}
	}
	if got.Inputs[1].Summary["suppressed"] != 1 || got.Inputs[1].Summary["errors"] != 0 {
		t.Errorf("b.yaml's summary %v", got.Inputs[1].Summary)
	}
}

func TestSARIFSuppressions(t *testing.T) {
	var log struct {
		Runs []struct {
			Results []struct {
				RuleID       string `json:"ruleId"`
				Suppressions []struct {
					Kind, Status, Justification, GUID string
				}
			}
		}
	}
	out := write(t, report.SARIF, suppressedInputs(), report.Options{})
	if err := json.Unmarshal([]byte(out), &log); err != nil {
		t.Fatal(err)
	}
	res := log.Runs[0].Results
	if len(res) != 3 || len(res[0].Suppressions) != 0 || len(res[1].Suppressions) != 1 || len(res[2].Suppressions) != 1 {
		t.Fatalf("results %+v", res)
	}
	if s := res[1].Suppressions[0]; s.Kind != "inSource" || s.Justification != "retired in March" || s.Status != "accepted" {
		t.Errorf("in-source suppression %+v", s)
	}
	if s := res[2].Suppressions[0]; s.Kind != "external" || s.Justification != "vendor-managed file" {
		t.Errorf("external suppression %+v", s)
	}
	if again := write(t, report.SARIF, suppressedInputs(), report.Options{}); again != out {
		t.Error("suppression GUIDs differ between runs")
	}
}

// TestSuppressedHiddenUnlessShown: text and the CI formats leave suppressed
// findings out, and list them, with their reasons, on request.
func TestSuppressedHiddenUnlessShown(t *testing.T) {
	for _, f := range []report.Format{report.Text, report.GitHub, report.Checkstyle, report.JUnit} {
		hidden := write(t, f, suppressedInputs(), report.Options{})
		shown := write(t, f, suppressedInputs(), report.Options{ShowSuppressed: true})
		for _, reason := range []string{"retired in March", "vendor-managed file"} {
			if strings.Contains(hidden, reason) {
				t.Errorf("%s: a suppressed finding is shown without --show-suppressed:\n%s", f, hidden)
			}
			if !strings.Contains(shown, reason) {
				t.Errorf("%s: --show-suppressed does not show %q:\n%s", f, reason, shown)
			}
		}
		if !strings.Contains(hidden, "encryption is off") || !strings.Contains(shown, "encryption is off") {
			t.Errorf("%s: the active finding is missing", f)
		}
	}
	text := write(t, report.Text, suppressedInputs(), report.Options{})
	text = strings.Join(strings.Fields(text), " ")
	if !strings.Contains(text, "0 errors, 1 warning, 0 info in 2 files; 2 suppressed (--show-suppressed lists them)") {
		t.Errorf("text summary:\n%s", text)
	}
	shown := write(t, report.Text, suppressedInputs(), report.Options{ShowSuppressed: true})
	if !strings.Contains(shown, "a.yaml:53:16: error rmx-sfb-version (suppressed)") || !strings.Contains(shown, "suppressed (deployment, a.yaml:51:9, until 2027-03-31): retired in March") {
		t.Errorf("shown text:\n%s", shown)
	}
	if gh := write(t, report.GitHub, suppressedInputs(), report.Options{ShowSuppressed: true}); strings.Count(gh, "::error") != 0 || strings.Count(gh, "::notice") != 2 {
		t.Errorf("github with --show-suppressed: suppressed errors must be notices:\n%s", gh)
	}
	var suites struct {
		Suites []struct {
			Cases []struct {
				Name    string    `xml:"name,attr"`
				Failure *struct{} `xml:"failure"`
			} `xml:"testcase"`
		} `xml:"testsuite"`
	}
	if err := xml.Unmarshal([]byte(write(t, report.JUnit, suppressedInputs(), report.Options{ShowSuppressed: true})), &suites); err != nil {
		t.Fatal(err)
	}
	for _, s := range suites.Suites {
		for _, c := range s.Cases {
			if c.Failure != nil && c.Name != "rmx-encryption" {
				t.Errorf("JUnit case %s fails on a suppressed finding", c.Name)
			}
		}
	}
}
