package main

import (
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// suppressDir writes single-site.yaml, with rmx1's profile unencrypted
// (an rmx-encryption warning) and block inserted under rmx1's name, to a
// new directory, with configText as its .rpp.yaml when it is not "". It
// returns the deployment's path and the line block starts on.
func suppressDir(t *testing.T, block, configText string) (string, int) {
	t.Helper()
	data, err := os.ReadFile(examplePath("single-site.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	text := strings.Replace(string(data), "{name: default, encryption: whenAvailable}", "{name: default, encryption: none}", 1)
	const rmx1 = "    - name: rmx1\n"
	at := strings.Index(text, rmx1) + len(rmx1)
	line := strings.Count(text[:at], "\n") + 1
	text = text[:at] + block + text[at:]
	dir := t.TempDir()
	path := filepath.Join(dir, "site.yaml")
	if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	if configText != "" {
		if err := os.WriteFile(filepath.Join(dir, ".rpp.yaml"), []byte(configText), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return path, line
}

const suppressBlock = "      ignore:\n        rmx-encryption: {reason: \"lab RMX, no media leaves the room\"}\n"

// TestCheckRefusesBadSuppressions: a suppression without a reason, or of a
// rule that cannot be suppressed, exits 2 naming file:line and the rule.
func TestCheckRefusesBadSuppressions(t *testing.T) {
	for _, tc := range []struct {
		name, block, rule, want string
	}{
		{"no reason", "      ignore:\n        rmx-encryption: {expires: 2027-03-31}\n", "rmx-encryption", "needs a reason"},
		{"empty reason", "      ignore:\n        rmx-encryption: {reason: \"\"}\n", "rmx-encryption", "needs a reason"},
		{"not ignorable", "      ignore:\n        cert-wildcard: {reason: \"we like wildcards\"}\n", "cert-wildcard", "cannot be suppressed"},
		{"not ignorable", "      ignore:\n        rmx-ice-method-unsupported: {reason: \"x\"}\n", "rmx-ice-method-unsupported", "cannot be suppressed"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			path, line := suppressDir(t, tc.block, "")
			for _, extra := range [][]string{nil, {"--no-suppress"}} {
				r := runRpp(t, append([]string{"check", path}, extra...)...)
				where := path + ":" + strconv.Itoa(line+1) + ":"
				if r.code != 2 || !strings.Contains(r.stderr, where) || !strings.Contains(r.stderr, tc.rule) || !strings.Contains(r.stderr, tc.want) {
					t.Errorf("%q: exit %d, stderr:\n%s\nwant exit 2 naming %s and %s", extra, r.code, r.stderr, where, tc.rule)
				}
			}
		})
	}
}

// TestCheckSuppressions: a suppressed warning does not fail --strict, is
// counted in text and listed with --show-suppressed; --no-suppress brings
// it back.
func TestCheckSuppressions(t *testing.T) {
	unsuppressed, _ := suppressDir(t, "", "")
	if r := runRpp(t, "check", "--strict", unsuppressed); r.code != 1 || !strings.Contains(r.stdout, "rmx-encryption") {
		t.Fatalf("without the suppression: exit %d\n%s", r.code, r.stdout)
	}
	path, _ := suppressDir(t, suppressBlock, "")
	r := runRpp(t, "check", "--strict", path)
	flat := strings.Join(strings.Fields(r.stdout), " ")
	if r.code != 0 || strings.Contains(r.stdout, "rmx-encryption") || !strings.Contains(flat, "1 suppressed (--show-suppressed lists them)") {
		t.Errorf("suppressed: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	r = runRpp(t, "check", "--strict", "--show-suppressed", path)
	flat = strings.Join(strings.Fields(r.stdout), " ")
	if r.code != 0 || !strings.Contains(flat, "rmx-encryption (suppressed)") || !strings.Contains(flat, "lab RMX, no media leaves the room") {
		t.Errorf("--show-suppressed: exit %d\n%s", r.code, r.stdout)
	}
	r = runRpp(t, "check", "--strict", "--no-suppress", path)
	if r.code != 1 || !strings.Contains(r.stdout, "rmx-encryption") || strings.Contains(r.stdout, "suppressed") {
		t.Errorf("--no-suppress: exit %d\n%s", r.code, r.stdout)
	}
	r = runRpp(t, "check", "--format", "json", path)
	rep := decodeJSONReport(t, r.stdout)
	if len(rep.Findings) != 1 || rep.Findings[0].Suppressed == nil || rep.Findings[0].Suppressed.Reason != "lab RMX, no media leaves the room" ||
		rep.Findings[0].Suppressed.Source != "deployment" || rep.Summary.Suppressed != 1 || rep.Summary.Warnings != 0 {
		t.Errorf("JSON: %s", r.stdout)
	}
}

// TestCheckSARIFSuppressions: SARIF with in-source and external
// suppressions is valid SARIF 2.1.0.
func TestCheckSARIFSuppressions(t *testing.T) {
	sch := sarifSchema(t)
	path, _ := suppressDir(t, suppressBlock, "ignore:\n  rmx/rmx2:\n    rmx-sfb-version: {reason: \"retired in March\", expires: 2099-03-31}\n")
	// rmx2's 8.4.2 is too old for Skype for Business.
	data, _ := os.ReadFile(path)
	if err := os.WriteFile(path, []byte(strings.Replace(string(data), "product: lync2013", "product: sfb2015", 1)), 0o644); err != nil {
		t.Fatal(err)
	}
	r := runRpp(t, "check", "--format", "sarif", path)
	validateSARIF(t, sch, "suppressions", r.stdout)
	for _, want := range []string{`"kind": "inSource"`, `"kind": "external"`, `"justification": "retired in March"`, `"justification": "lab RMX, no media leaves the room"`} {
		if !strings.Contains(r.stdout, want) {
			t.Errorf("SARIF lacks %s:\n%s", want, r.stdout)
		}
	}
}

// TestCheckConfig: the .rpp.yaml beside the file is read; --config takes
// its place; a bad one exits 2 with file:line.
func TestCheckConfig(t *testing.T) {
	for _, tc := range []struct {
		name, config string
		args         []string
		code         int
		want         string
	}{
		{"no config: a warning passes", "", nil, 0, "1 warning"},
		{"severity raised beside the file", "severity: {rmx-encryption: error}\n", nil, 1, "1 error"},
		{"another rule's severity: no change", "severity: {cert-shared: info}\n", nil, 0, "1 warning"},
		{"off", "severity: {rmx-encryption: off}\n", []string{"--strict"}, 0, "no findings"},
		{"suppressed by object name", "ignore:\n  rmx/rmx1:\n    rmx-encryption: {reason: lab}\n", []string{"--strict"}, 0, "1 suppressed"},
		{"another object's name: unused", "ignore:\n  rmx/rmx9:\n    rmx-encryption: {reason: lab}\n", []string{"--strict"}, 1, "suppression-unused"},
		{"expired", "ignore:\n  rmx/rmx1:\n    rmx-encryption: {reason: lab, expires: 2020-01-01}\n", []string{"--strict"}, 1, "suppression-expired"},
		{"unknown key", "severity: {}\nignores: {}\n", nil, 2, ".rpp.yaml:2:1: ignores: unknown field"},
		{"unknown rule", "severity:\n  rmx-encrypton: error\n", nil, 2, ".rpp.yaml:2:3: severity.rmx-encrypton: unknown rule"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			path, _ := suppressDir(t, "", tc.config)
			r := runRpp(t, append([]string{"check", path}, tc.args...)...)
			out := strings.Join(strings.Fields(r.stdout+r.stderr), " ")
			if r.code != tc.code || !strings.Contains(out, tc.want) {
				t.Errorf("exit %d, want %d with %q:\n%s%s", r.code, tc.code, tc.want, r.stdout, r.stderr)
			}
		})
	}
	// --config replaces the file beside the deployment.
	path, _ := suppressDir(t, "", "severity: {rmx-encryption: error}\n")
	other := filepath.Join(t.TempDir(), "team.yaml")
	if err := os.WriteFile(other, []byte("severity: {rmx-encryption: info}\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if r := runRpp(t, "check", "--strict", "--config", other, path); r.code != 0 || !strings.Contains(r.stdout, "1 info") {
		t.Errorf("--config: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	if r := runRpp(t, "check", "--config", filepath.Join(t.TempDir(), "none.yaml"), path); r.code != 2 || !strings.Contains(r.stderr, "none.yaml") {
		t.Errorf("--config of a missing file: exit %d\n%s", r.code, r.stderr)
	}
}

// TestFixLeavesSuppressedFindings: --fix does not "fix" an accepted
// exception, and fixes the same finding when it is not suppressed.
func TestFixLeavesSuppressedFindings(t *testing.T) {
	for _, tc := range []struct {
		name, block, config string
		fixed               bool
	}{
		{"suppressed in the file", suppressBlock, "", false},
		{"suppressed in .rpp.yaml", "", "ignore: {rmx/rmx1: {rmx-encryption: {reason: lab}}}\n", false},
		{"not suppressed", "", "", true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			path, _ := suppressDir(t, tc.block, tc.config)
			before, _ := os.ReadFile(path)
			r := runRpp(t, "check", "--fix", path)
			after, _ := os.ReadFile(path)
			if changed := string(after) != string(before); changed != tc.fixed || r.code != 0 {
				t.Errorf("changed %v, want %v; exit %d\n%s%s", changed, tc.fixed, r.code, r.stdout, r.stderr)
			}
		})
	}
}
