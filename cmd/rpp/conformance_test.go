package main

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/joshdk/go-junit"

	"github.com/rppkit/rppkit/conformance"
)

func TestConformanceText(t *testing.T) {
	r := runRpp(t, "conformance", "--run", "gruu/rmx-form/")
	if r.code != 0 || r.stderr != "" {
		t.Fatalf("exit %d, stderr %q", r.code, r.stderr)
	}
	lines := strings.Split(strings.TrimSpace(r.stdout), "\n")
	cases, _ := conformance.Select(conformance.Prefix("gruu/rmx-form/"))
	if len(lines) != len(cases)+1 || !strings.HasPrefix(lines[0], "ok   gruu/rmx-form/") ||
		!strings.HasPrefix(lines[len(lines)-1], fmt.Sprintf("%d passed, 0 failed, 0 skipped", len(cases))) {
		t.Errorf("output:\n%s", r.stdout)
	}
}

func TestConformanceJSONAndJUnit(t *testing.T) {
	r := runRpp(t, "conformance", "--format", "json", "--run", "release/", "--run", "static-route/")
	if r.code != 0 {
		t.Fatalf("exit %d, stderr %q", r.code, r.stderr)
	}
	var res conformance.Result
	if err := json.Unmarshal([]byte(r.stdout), &res); err != nil {
		t.Fatal(err)
	}
	want, _ := conformance.Select(conformance.Prefix("release/", "static-route/"))
	if len(res.Cases) != len(want) || res.Summary.Passed != len(want) {
		t.Errorf("JSON report: %+v for %d cases", res.Summary, len(want))
	}

	r = runRpp(t, "conformance", "--format", "junit", "--level", "should")
	if r.code != 0 {
		t.Fatalf("exit %d, stderr %q", r.code, r.stderr)
	}
	suites, err := junit.Ingest([]byte(r.stdout))
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, s := range suites {
		n += len(s.Tests)
		if s.Totals.Failed != 0 {
			t.Errorf("suite %s: %d failures", s.Name, s.Totals.Failed)
		}
	}
	should, _ := conformance.Select(conformance.OnlyLevel(conformance.Should))
	for _, c := range conformance.WireCases() {
		if c.Level == conformance.Should {
			should = append(should, conformance.Case{About: c})
		}
	}
	if n != len(should) || n == 0 {
		t.Errorf("JUnit holds %d cases, want %d (vectors and wire cases)", n, len(should))
	}
}

func TestConformanceList(t *testing.T) {
	r := runRpp(t, "conformance", "--list", "--run", "pools/")
	cases, _ := conformance.Select(conformance.Prefix("pools/"))
	if r.code != 0 || strings.Count(r.stdout, "\n") != len(cases) || !strings.Contains(r.stdout, "pools/per-edge/two-sites") {
		t.Errorf("exit %d, output:\n%s", r.code, r.stdout)
	}
	r = runRpp(t, "conformance", "--list", "--format", "json")
	var all []conformance.About
	vectors, _ := conformance.Select()
	if err := json.Unmarshal([]byte(r.stdout), &all); err != nil || len(all) != len(vectors)+len(conformance.WireCases()) {
		t.Errorf("--list --format json: %d cases, %v; want every vector and every wire case", len(all), err)
	}
	// The wire cases are listed and selected by prefix like the vectors.
	r = runRpp(t, "conformance", "--list", "--run", "device/provisioning/")
	if r.code != 0 || !strings.Contains(r.stdout, "device/provisioning/piggyback") || strings.Contains(r.stdout, "gruu/") {
		t.Errorf("--list --run device/provisioning/: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
}

// TestConformanceWire runs wire cases of both modes from the command line:
// rppkit's RMX stand-in against its Lync stand-in and back.
func TestConformanceWire(t *testing.T) {
	r := runRpp(t, "conformance", "--format", "json", "--run", "device/provisioning/", "--run", "lync/trust/", "--run", "gruu/rmx-form/")
	if r.code != 0 {
		t.Fatalf("exit %d, stderr %q\n%s", r.code, r.stderr, r.stdout)
	}
	var res conformance.Result
	if err := json.Unmarshal([]byte(r.stdout), &res); err != nil {
		t.Fatal(err)
	}
	kinds := map[string]int{}
	for _, c := range res.Cases {
		kinds[strings.SplitN(c.ID, "/", 2)[0]]++
		if c.Status != conformance.Pass {
			t.Errorf("%s: %s", c.ID, c.Status)
		}
	}
	if kinds["device"] == 0 || kinds["lync"] == 0 || kinds["gruu"] == 0 || res.Summary.Passed != len(res.Cases) {
		t.Errorf("cases by kind %v, summary %+v", kinds, res.Summary)
	}
}

func TestConformanceUsage(t *testing.T) {
	for _, args := range [][]string{
		{"conformance", "--format", "xml"},
		{"conformance", "--level", "may"},
		{"conformance", "--run", "no/such/"},
		{"conformance", "extra"},
		{"conformance", "--list", "--format", "junit"},
	} {
		if r := runRpp(t, args...); r.code != 2 || r.stderr == "" {
			t.Errorf("rpp %q = %d, stderr %q; want 2 and a message", args, r.code, r.stderr)
		}
	}
}

// --list refuses what a run refuses, with the same words: both go through
// one selection.
func TestConformanceListValidatesAsARunDoes(t *testing.T) {
	for _, args := range [][]string{
		{"--level", "may"},
		{"--level", "MUST"},
		{"--run", "no/such/"},
		{"--run", "gruu/,typo/"},
		{"--run", "gruu/", "--run", "static-route/both/", "--level", "should"}, // static-route/both/ holds must cases only
		{"--format", "xml"},
	} {
		run := runRpp(t, append([]string{"conformance"}, args...)...)
		list := runRpp(t, append([]string{"conformance", "--list"}, args...)...)
		if run.code != 2 || list.code != 2 || run.stderr == "" || list.stderr != run.stderr || list.stdout != "" {
			t.Errorf("%q: run exit %d %q; --list exit %d %q, stdout %q", args, run.code, run.stderr, list.code, list.stderr, list.stdout)
		}
	}
}
