package main

import (
	"bytes"
	"context"
	"github.com/rppkit/rppkit/internal/textfmt"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/rppkit/rppkit/examples"
)

var ansi = regexp.MustCompile("\x1b\\[[0-9;]*m")

// checkWidth reports lines of out wider than textfmt.LineWidth, unless the line is a
// single word (a GRUU, a long path) that no wrapping could shorten.
func checkWidth(t *testing.T, name, out string) {
	t.Helper()
	for i, line := range strings.Split(out, "\n") {
		plain := ansi.ReplaceAllString(line, "")
		if n := len([]rune(plain)); n > textfmt.LineWidth && len(strings.Fields(plain)) > 1 {
			t.Errorf("%s: line %d has %d columns:\n%s", name, i+1, n, plain)
		}
	}
}

func TestTextFitsIn80Columns(t *testing.T) {
	// A long directory name makes the file:line headings too long for a
	// line, which must still wrap.
	dir := filepath.Join(t.TempDir(), strings.Repeat("deployments-", 6))
	if err := os.Mkdir(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	for _, name := range storyNames(t) {
		data, _ := examples.FS.ReadFile(name)
		long := filepath.Join(dir, name)
		if err := os.WriteFile(long, data, 0o644); err != nil {
			t.Fatal(err)
		}
		for _, file := range []string{examplePath(name), long} {
			for _, env := range []map[string]string{nil, {"RPP_FORCE_COLOR": "1"}} {
				r := rppWith(t, nil, env, "check", file)
				if !strings.Contains(r.stdout, "fix: ") {
					t.Errorf("%s: no fix in the output:\n%s", file, r.stdout)
				}
				checkWidth(t, file, r.stdout)
			}
		}
	}
}

// TestTextShowsEveryPart checks that each finding's parts reach the text
// report, whatever the wrapping did to them.
func TestTextShowsEveryPart(t *testing.T) {
	for _, name := range storyNames(t) {
		file := examplePath(name)
		rep := decodeJSONReport(t, runRpp(t, "check", "--format", "json", file).stdout)
		text := runRpp(t, "check", file).stdout
		flat := strings.Join(strings.Fields(text), " ")
		for _, f := range rep.Findings {
			for _, part := range []string{f.File + ":" + strconv.Itoa(f.Line) + ":", f.Severity.String() + " " + f.Rule,
				"object " + f.Object, "field " + f.Field, f.Message, "fix: " + f.Fix} {
				if !strings.Contains(flat, strings.Join(strings.Fields(part), " ")) {
					t.Errorf("%s: text output lacks %q:\n%s", name, part, text)
				}
			}
		}
	}
}

func TestTextGroupsBySystem(t *testing.T) {
	r := runRpp(t, "check", examplePath("story-wildcard-certificate.yaml"), examplePath("story-realconnect-no-cascade.yaml"))
	var headings []string
	for _, line := range strings.Split(r.stdout, "\n") {
		switch line {
		case "Lync", "RMX", "DMA", "Deployment":
			headings = append(headings, line)
		}
	}
	// The wildcard story has RMX and DMA findings, the RealConnect one DMA
	// and deployment findings: systems in a fixed order within each file.
	want := []string{"RMX", "DMA", "DMA", "Deployment"}
	if !slices.Equal(headings, want) {
		t.Errorf("system headings %q, want %q:\n%s", headings, want, r.stdout)
	}
	if i, j := strings.Index(r.stdout, "story-wildcard"), strings.Index(r.stdout, "story-realconnect"); i < 0 || j < i {
		t.Errorf("files not in command-line order:\n%s", r.stdout)
	}
}

func TestTextReplacement(t *testing.T) {
	r := runRpp(t, "check", examplePath("story-video-not-accepted.yaml"))
	if !strings.Contains(r.stdout, "    set to: whenAvailable\n") {
		t.Errorf("want the replacement value shown:\n%s", r.stdout)
	}
	// A GRUU is longer than a line: it stands alone, unbroken.
	r = runRpp(t, "check", examplePath("story-gruu-wrong-prefix.yaml"))
	if !strings.Contains(r.stdout, "    set to:\n      sip:rpp.woodgrove.com@woodgrove.com;gruu;opaque=srvr:video:") {
		t.Errorf("want the long GRUU on a line of its own:\n%s", r.stdout)
	}
}

func TestTextSummary(t *testing.T) {
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{examplePath("two-site.yaml")}, "no findings in " + examplePath("two-site.yaml") + " ("},
		{[]string{examplePath("two-site.yaml"), examplePath("single-site.yaml")}, "no findings in 2 files ("},
		{[]string{examplePath("story-video-not-accepted.yaml")}, "0 errors, 1 warning, 0 info in "},
		{[]string{examplePath("story-gruu-wrong-prefix.yaml"), examplePath("story-video-not-accepted.yaml")},
			"2 errors, 1 warning, 0 info in 2 files"},
	} {
		r := runRpp(t, append([]string{"check"}, tc.args...)...)
		lines := strings.Split(strings.TrimSpace(r.stdout), "\n")
		if last := lines[len(lines)-1]; !strings.HasPrefix(last, tc.want) {
			t.Errorf("check %q: last line %q, want it to start %q", tc.args, last, tc.want)
		}
	}
}

func TestColor(t *testing.T) {
	file := examplePath("story-video-not-accepted.yaml") // a warning
	wildcard := examplePath("story-wildcard-certificate.yaml")
	forced := map[string]string{"RPP_FORCE_COLOR": "1"}

	r := rppWith(t, nil, forced, "check", file, wildcard)
	for _, code := range []string{"\x1b[33mwarning\x1b[0m", "\x1b[31merror\x1b[0m",
		"\x1b[1mrmx-encryption\x1b[0m"} {
		if !strings.Contains(r.stdout, code) {
			t.Errorf("forced colour: output lacks %q:\n%q", code, r.stdout)
		}
	}
	// Colour changes nothing but the escapes.
	if plain := runRpp(t, "check", file, wildcard).stdout; ansi.ReplaceAllString(r.stdout, "") != plain {
		t.Errorf("coloured output without its escapes differs from plain output")
	}

	noColor := map[string]string{"RPP_FORCE_COLOR": "1", "NO_COLOR": "1"}
	if r := rppWith(t, nil, noColor, "check", file); strings.Contains(r.stdout, "\x1b") {
		t.Errorf("NO_COLOR set: output has escapes:\n%q", r.stdout)
	}
	if r := runRpp(t, "check", file); strings.Contains(r.stdout, "\x1b") {
		t.Errorf("not a terminal: output has escapes:\n%q", r.stdout)
	}

	// An *os.File that is not a terminal gets no colour either.
	f, err := os.CreateTemp(t.TempDir(), "stdout")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var stderr bytes.Buffer
	code := run(context.Background(), []string{"check", file}, streams{stdout: f, stderr: &stderr}, func(string) string { return "" })
	out, err := os.ReadFile(f.Name())
	if err != nil {
		t.Fatal(err)
	}
	if code != 0 || !strings.Contains(string(out), "rmx-encryption") || bytes.Contains(out, []byte("\x1b")) {
		t.Errorf("file stdout: exit %d, output %q; want 0, the finding and no escapes", code, out)
	}
}

func TestColorInNoOtherFormat(t *testing.T) {
	forced := map[string]string{"RPP_FORCE_COLOR": "1"}
	for _, format := range []string{"json", "sarif"} {
		if r := rppWith(t, nil, forced, "check", "--format", format, examplePath("story-wildcard-certificate.yaml")); strings.Contains(r.stdout, "\x1b") {
			t.Errorf("--format %s has colour escapes", format)
		}
	}
}

func TestControlCharactersAreShown(t *testing.T) {
	// A double-quoted YAML string can hold an escape character; it must not
	// reach the terminal raw, in findings or in problems.
	data, _ := examples.FS.ReadFile("story-video-not-accepted.yaml")
	data = bytes.Replace(data, []byte("name: hd-720"), []byte(`name: "hd\e[31m-720"`), 1)
	r := rppWith(t, bytes.NewReader(data), nil, "check", "-")
	if strings.Contains(r.stdout+r.stderr, "\x1b") {
		t.Errorf("raw escape in output:\n%q\n%q", r.stdout, r.stderr)
	}
	if !strings.Contains(r.stdout, `hd\x1b[31m-720`) {
		t.Errorf("want the escape shown as \\x1b:\n%s", r.stdout)
	}
}
