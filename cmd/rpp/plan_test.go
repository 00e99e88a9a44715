package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/rppkit/rppkit/examples"
)

// planExit is what `rpp plan` exits with on each example: 0 with a plan,
// 1 when the deployment has errors no step can fix.
var planExit = map[string]int{
	"single-site.yaml":                    0,
	"two-site.yaml":                       0,
	"story-gruu-wrong-prefix.yaml":        0, // the plan pastes the GRUU in the right forms
	"story-legacy-ice-after-upgrade.yaml": 0, // the plan migrates the RMX to the new method
	"story-rmx-not-in-topology.yaml":      0, // the plan adds the RMX to its site's pool
	"story-video-not-accepted.yaml":       0, // a warning: planned, and noted
	"story-shared-certificate.yaml":       1,
	"story-wildcard-certificate.yaml":     1,
	"story-realconnect-no-cascade.yaml":   1,
	"story-edge-not-in-dns.yaml":          1, // no step adds a DNS record
	"story-edge-certificate.yaml":         1, // a certificate to reissue: no step of the plan can
}

func TestPlanExitCodes(t *testing.T) {
	for _, n := range exampleNames(t) {
		want, ok := planExit[n]
		if !ok {
			t.Errorf("example %s has no expected plan exit status", n)
			continue
		}
		for _, format := range []string{"text", "json", "ps1", "mermaid"} {
			r := runRpp(t, "plan", "--format", format, examplePath(n))
			if r.code != want {
				t.Errorf("plan --format %s %s: exit %d, want %d\nstderr: %s", format, n, r.code, want, r.stderr)
			}
			if want == 1 {
				// Each unfixable error named with file:line and rule, nothing on stdout.
				if r.stdout != "" || !strings.Contains(r.stderr, "no step can fix") || !strings.Contains(r.stderr, examplePath(n)+":") {
					t.Errorf("plan %s refused without naming where:\nstdout %q\nstderr %s", n, r.stdout, r.stderr)
				}
			}
		}
	}
}

// TestPlanInputLikeCheck: no FILE at a terminal plans the bundled example
// and says so; piped input is planned; bad input exits 2 with check's
// messages; two files are a usage error.
func TestPlanInputLikeCheck(t *testing.T) {
	r := runRpp(t, "plan")
	if r.code != 0 || !strings.Contains(r.stderr, "bundled example "+examples.Default) || !strings.Contains(r.stdout, "Plan: "+examples.Default+" (the bundled example)") {
		t.Errorf("plan at a terminal: exit %d\nstdout %.300s\nstderr %s", r.code, r.stdout, r.stderr)
	}
	src, err := os.ReadFile(examplePath("single-site.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	r = rppWith(t, strings.NewReader(string(src)), nil, "plan", "--format", "ps1")
	if r.code != 0 || !strings.Contains(r.stdout, "New-CsTrustedApplicationPool -Identity 'rpp.fabrikam.com'") || !strings.Contains(r.stdout, "Desired: <stdin> (standard input)") {
		t.Errorf("piped plan: exit %d\n%s\n%s", r.code, r.stdout, r.stderr)
	}
	bad := filepath.Join(t.TempDir(), "bad.yaml")
	if err := os.WriteFile(bad, []byte("lync:\n  product: lync2013\n  sipDomainz: [a.com]\nrpp: {workflows: [realconnect]}\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	check := runRpp(t, "check", bad)
	r = runRpp(t, "plan", bad)
	if r.code != 2 || r.stdout != "" || r.stderr != check.stderr || !strings.Contains(r.stderr, bad+":3:3") {
		t.Errorf("plan of a bad file: exit %d\nstderr %s\ncheck said %s", r.code, r.stderr, check.stderr)
	}
	r = runRpp(t, "plan", "--from", bad, examplePath("two-site.yaml"))
	if r.code != 2 || !strings.Contains(r.stderr, bad+":3:3") {
		t.Errorf("plan from a bad current file: exit %d\n%s", r.code, r.stderr)
	}
	r = runRpp(t, "plan", examplePath("two-site.yaml"), examplePath("single-site.yaml"))
	if r.code != 2 || !strings.Contains(r.stderr, "--from") {
		t.Errorf("two files: exit %d\n%s", r.code, r.stderr)
	}
	r = rppWith(t, strings.NewReader(string(src)), nil, "plan", "--from", "-")
	if r.code != 2 || !strings.Contains(r.stderr, "standard input cannot hold both deployments") {
		t.Errorf("both from standard input: exit %d\n%s", r.code, r.stderr)
	}
	r = rppWith(t, strings.NewReader(string(src)), nil, "plan", "--from", "-", examplePath("single-site.yaml"))
	if r.code != 0 || !strings.Contains(r.stdout, "Nothing to do") || !strings.Contains(r.stdout, "From: <stdin>") {
		t.Errorf("current from standard input: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
}

// TestPlanFrom: a deployment planned from itself has nothing to do; a
// migration prints its steps and windows, in JSON too.
func TestPlanFrom(t *testing.T) {
	two := examplePath("two-site.yaml")
	r := runRpp(t, "plan", "--from", two, two)
	if r.code != 0 || !strings.Contains(r.stdout, "Nothing to do") {
		t.Errorf("plan from itself: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	r = runRpp(t, "plan", "--format", "ps1", "--from", two, two)
	if r.code != 0 || !strings.Contains(r.stdout, "Nothing to do in Lync.") || strings.Contains(r.stdout, "New-CsTrusted") {
		t.Errorf("ps1 from itself: exit %d\n%s", r.code, r.stdout)
	}
	current := filepath.Join("..", "..", "rpp", "testdata", "plan", "migrations", "one-pool-two-sites.yaml")
	r = runRpp(t, "plan", "--format", "json", "--from", current, two)
	if r.code != 0 {
		t.Fatalf("exit %d: %s", r.code, r.stderr)
	}
	var out struct {
		SchemaVersion int
		Tool          string
		Desired       struct{ Name, Origin string }
		Current       *struct{ Name, Origin string }
		Plan          struct {
			Steps []struct {
				Number    int
				System    string
				Action    string
				DependsOn []int
				Window    string
			}
			Windows []struct {
				Name     string
				From, To int
				Systems  []string
			}
		}
	}
	if err := json.Unmarshal([]byte(r.stdout), &out); err != nil {
		t.Fatalf("%v\n%s", err, r.stdout)
	}
	if out.SchemaVersion != 1 || out.Tool != "rpp" || out.Current == nil || out.Current.Name != current || out.Desired.Origin != "file" {
		t.Errorf("report header %+v", out)
	}
	if len(out.Plan.Windows) == 0 || out.Plan.Windows[0].Name != "pool-move" || len(out.Plan.Steps) < 10 || out.Plan.Steps[0].Window != "pool-move" {
		t.Errorf("plan %+v", out.Plan)
	}
}

// TestPlanMermaid: the topology by default, the RealConnect call flow on
// request, and a clear error for a deployment without RealConnect.
func TestPlanMermaid(t *testing.T) {
	r := runRpp(t, "plan", "--format", "mermaid", examplePath("two-site.yaml"))
	if r.code != 0 || !strings.HasPrefix(r.stdout, "flowchart") {
		t.Errorf("topology: exit %d\n%.200s\n%s", r.code, r.stdout, r.stderr)
	}
	r = runRpp(t, "plan", "--format", "mermaid", "--diagram", "realconnect", examplePath("two-site.yaml"))
	if r.code != 0 || !strings.HasPrefix(r.stdout, "sequenceDiagram") {
		t.Errorf("call flow: exit %d\n%.200s\n%s", r.code, r.stdout, r.stderr)
	}
	r = runRpp(t, "plan", "--format", "mermaid", "--diagram", "realconnect", examplePath("story-legacy-ice-after-upgrade.yaml"))
	if r.code != 2 || !strings.Contains(r.stderr, "no RealConnect call to draw") {
		t.Errorf("call flow without RealConnect: exit %d\n%s", r.code, r.stderr)
	}
	r = runRpp(t, "plan", "--diagram", "bogus", examplePath("two-site.yaml"))
	if r.code != 2 {
		t.Errorf("--diagram bogus: exit %d", r.code)
	}
}

// TestPlanREADME: the plan the README shows is what rpp plan prints for
// the same files.
func TestPlanREADME(t *testing.T) {
	readme, err := os.ReadFile(filepath.Join("..", "..", "README.md"))
	if err != nil {
		t.Fatal(err)
	}
	const cmd = "$ rpp plan --from legacy-8.3.yaml new-8.5.yaml\n"
	_, shown, ok := strings.Cut(string(readme), cmd)
	shown, _, ok2 := strings.Cut(shown, "```")
	if !ok || !ok2 {
		t.Fatalf("README.md does not show %q in a code block", cmd)
	}
	dir := filepath.Join("..", "..", "rpp", "testdata", "plan", "migrations")
	r := runRpp(t, "plan", "--from", filepath.Join(dir, "legacy-8.3.yaml"), filepath.Join(dir, "new-8.5.yaml"))
	if r.code != 0 {
		t.Fatalf("exit %d: %s", r.code, r.stderr)
	}
	got := strings.ReplaceAll(r.stdout, dir+string(filepath.Separator), "")
	// The README leaves out the windows and notes after the steps.
	got, _, _ = strings.Cut(got, "\nOutage windows:")
	if strings.TrimSpace(shown) != strings.TrimSpace(got) {
		t.Errorf("README.md shows:\n%s\nrpp plan prints:\n%s", shown, got)
	}
}
