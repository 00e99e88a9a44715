package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/rppkit/rppkit/rpp"
)

// warningOnly is the example whose only findings are warnings.
const warningOnly = "story-video-not-accepted.yaml"

// TestFailOn: the failing severity decides exit 1. The warning-only story
// fails at warning and info and with --strict, passes at error (and by
// default); a story with an error fails at every level; a clean example
// passes at every level.
func TestFailOn(t *testing.T) {
	for _, tc := range []struct {
		name string
		args []string
		want int
	}{
		{warningOnly, nil, 0},
		{warningOnly, []string{"--fail-on", "error"}, 0},
		{warningOnly, []string{"--fail-on", "warning"}, 1},
		{warningOnly, []string{"--fail-on=WARNING"}, 1},
		{warningOnly, []string{"--fail-on", "info"}, 1},
		{warningOnly, []string{"--strict"}, 1},
		{warningOnly, []string{"--strict", "--fail-on", "warning"}, 1}, // agreeing: fine
		{"story-gruu-wrong-prefix.yaml", []string{"--fail-on", "error"}, 1},
		{"two-site.yaml", []string{"--fail-on", "info"}, 0},
	} {
		r := runRpp(t, append([]string{"check", examplePath(tc.name)}, tc.args...)...)
		if r.code != tc.want {
			t.Errorf("rpp check %s %q = %d, want %d\nstderr: %s", tc.name, tc.args, r.code, tc.want, r.stderr)
		}
	}
}

// TestCIUsageErrors: flags that contradict each other, name no rule or
// clash over a file are refused with exit 2 before anything is checked.
func TestCIUsageErrors(t *testing.T) {
	ids := firedRules(t, warningOnly)
	typo := ids[0][:len(ids[0])-1]
	file := examplePath(warningOnly)
	dir := t.TempDir()
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"--strict", "--fail-on", "error"}, "--strict means --fail-on warning, but --fail-on error was given"},
		{[]string{"--fail-on", "fatal"}, `invalid value for --fail-on: unknown severity "fatal"`},
		{[]string{"--enable", typo}, `unknown rule "` + typo + `" (did you mean ` + ids[0] + `?)`},
		{[]string{"--disable", "cert-wildcard,no-such-rule-at-all"}, `unknown rule "no-such-rule-at-all"`},
		{[]string{"--enable", "a,,b"}, "invalid value for --enable"},
		{[]string{"--enable", ids[0], "--disable", ids[0]}, "leaves no rule to run"},
		{[]string{"--output", "json"}, "want FORMAT=FILE"},
		{[]string{"--output", "xml=r.xml"}, `unknown format "xml"`},
		{[]string{"--output", "json=" + filepath.Join(dir, "r.json"), "--output", "json=" + filepath.Join(dir, ".", "r.json")}, "both write file"},
		{[]string{"--output", "json=" + filepath.Join(dir, "r"), "--output", "sarif=" + filepath.Join(dir, "r")}, "both write file"},
		{[]string{"--format", "text", "--output", "json=-"}, "both write standard output"},
		{[]string{"--fix", "--output", "json=" + filepath.Join(dir, "r.json")}, "--output writes a check's reports"},
	} {
		r := runRpp(t, append([]string{"check", file}, tc.args...)...)
		if r.code != 2 || !strings.Contains(r.stderr, tc.want) || !strings.Contains(r.stderr, "usage") {
			t.Errorf("rpp check %q = %d, stderr %q; want 2, %q and a usage", tc.args, r.code, r.stderr, tc.want)
		}
		if r.stdout != "" {
			t.Errorf("rpp check %q wrote to stdout: %q", tc.args, r.stdout)
		}
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 0 {
		t.Errorf("refused command lines wrote %d files", len(entries))
	}
}

// firedRules returns the IDs of the rules with findings in an example.
func firedRules(t *testing.T, name string) []string {
	t.Helper()
	r := runRpp(t, "check", "--format", "json", examplePath(name))
	var ids []string
	for _, f := range decodeJSONReport(t, r.stdout).Findings {
		ids = append(ids, f.Rule)
	}
	if len(ids) == 0 {
		t.Fatalf("%s has no findings", name)
	}
	return ids
}

// TestEnableDisable: --disable silences a rule that fires, --enable runs
// only the rules named (so a rule left out is silent), and the rest of the
// check is unchanged.
func TestEnableDisable(t *testing.T) {
	for _, name := range []string{warningOnly, "story-gruu-wrong-prefix.yaml"} {
		fired := firedRules(t, name)
		file := examplePath(name)
		// Every rule that fired, disabled: nothing is left, even at info.
		r := runRpp(t, "check", file, "--fail-on", "info", "--disable", strings.Join(fired, ","))
		if r.code != 0 || !strings.Contains(r.stdout, "no findings") {
			t.Errorf("%s with its rules disabled = %d:\n%s", name, r.code, r.stdout)
		}
		// Only the first rule that fired, enabled: its findings alone.
		r = runRpp(t, "check", file, "--format", "json", "--enable", fired[0])
		for _, f := range decodeJSONReport(t, r.stdout).Findings {
			if f.Rule != fired[0] {
				t.Errorf("%s --enable %s reported %s", name, fired[0], f.Rule)
			}
		}
		if !strings.Contains(r.stdout, `"`+fired[0]+`"`) {
			t.Errorf("%s --enable %s: the rule's findings are gone", name, fired[0])
		}
		// Enabling rules that do not fire here silences the ones that do.
		var quiet []string
		for _, rule := range rpp.Catalogue() {
			if !strings.Contains(strings.Join(fired, " "), rule.ID) {
				quiet = append(quiet, rule.ID)
			}
		}
		r = runRpp(t, append([]string{"check", file, "--strict"}, enableEach(quiet)...)...)
		if r.code != 0 {
			t.Errorf("%s with only its quiet rules = %d:\n%s", name, r.code, r.stdout)
		}
	}
}

// enableEach gives one --enable per ID: the flag repeats.
func enableEach(ids []string) []string {
	var args []string
	for _, id := range ids {
		args = append(args, "--enable", id)
	}
	return args
}

// TestSeveralOutputs: one run writes text to standard output and each
// --output to its file, the same report as --format gives alone; "-" puts
// an --output on standard output in place of the text.
func TestSeveralOutputs(t *testing.T) {
	dir := t.TempDir()
	file := examplePath("story-gruu-wrong-prefix.yaml")
	jsonPath, sarifPath, ghPath := filepath.Join(dir, "report.json"), filepath.Join(dir, "report.sarif"), filepath.Join(dir, "gh.txt")
	// A file that exists already is replaced whole.
	if err := os.WriteFile(jsonPath, []byte(strings.Repeat("stale ", 10000)), 0o644); err != nil {
		t.Fatal(err)
	}
	r := runRpp(t, "check", "--format", "text", "--output", "json="+jsonPath, "--output", "sarif="+sarifPath, file, "--output", "github="+ghPath)
	if r.code != 1 {
		t.Fatalf("exit %d, want 1 (the story has errors)\n%s", r.code, r.stderr)
	}
	if want := runRpp(t, "check", file).stdout; r.stdout != want {
		t.Errorf("standard output is not the text report:\n%s\nwant:\n%s", r.stdout, want)
	}
	for _, tc := range []struct{ path, format string }{{jsonPath, "json"}, {sarifPath, "sarif"}, {ghPath, "github"}} {
		got, err := os.ReadFile(tc.path)
		if err != nil {
			t.Fatal(err)
		}
		if want := runRpp(t, "check", "--format", tc.format, file).stdout; string(got) != want {
			t.Errorf("%s differs from --format %s:\n%s\nwant:\n%s", tc.path, tc.format, got, want)
		}
	}
	entries, _ := os.ReadDir(dir)
	if len(entries) != 3 {
		t.Errorf("%d files in the output directory, want 3 (no temporary file left)", len(entries))
	}

	r = runRpp(t, "check", file, "--output", "checkstyle=-")
	if !strings.HasPrefix(r.stdout, "<?xml") || !strings.Contains(r.stdout, "<checkstyle") {
		t.Errorf("--output checkstyle=- without --format: stdout is not the Checkstyle report:\n%s", r.stdout)
	}

	r = runRpp(t, "check", file, "--output", "json="+filepath.Join(dir, "no-such-dir", "r.json"))
	if r.code != 2 || !strings.Contains(r.stderr, "writing the json report to") {
		t.Errorf("unwritable --output = %d, stderr %q; want 2 naming the report", r.code, r.stderr)
	}
}

// TestGitHubFormatFromCheck: rpp check --format github annotates the
// story's file and line, and exits as --fail-on says.
func TestGitHubFormatFromCheck(t *testing.T) {
	file := examplePath(warningOnly)
	for _, args := range [][]string{{"--strict"}, {"--fail-on", "warning"}} {
		r := runRpp(t, append([]string{"check", "--format", "github", file}, args...)...)
		if r.code != 1 {
			t.Errorf("--format github %q = %d, want 1", args, r.code)
		}
		for _, line := range strings.Split(strings.TrimSuffix(r.stdout, "\n"), "\n") {
			if !strings.HasPrefix(line, "::warning file="+file+",line=") || !strings.Contains(line, ",title=") {
				t.Errorf("line %q is not a ::warning annotation with file and line", line)
			}
		}
	}
}
