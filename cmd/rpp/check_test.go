package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"github.com/google/go-cmp/cmp"
	"maps"
	"math/rand"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/rppkit/rppkit"
	"github.com/rppkit/rppkit/examples"
	"github.com/rppkit/rppkit/rpp"
	"github.com/rppkit/rppkit/rpp/report"
)

// wantExit is the exit status `rpp check` must give each example, and with
// --strict: the clean examples pass, story-video-not-accepted.yaml holds
// only a warning, and every other story holds an error.
func wantExit(name string) (plain, strict int) {
	switch {
	case name == "two-site.yaml" || name == "single-site.yaml":
		return 0, 0
	case name == "story-video-not-accepted.yaml":
		return 0, 1
	case strings.HasPrefix(name, "story-"):
		return 1, 1
	}
	return -1, -1
}

func TestCheckExamplesExitStatus(t *testing.T) {
	for _, name := range exampleNames(t) {
		plain, strict := wantExit(name)
		if plain < 0 {
			t.Errorf("%s: an example this test does not know; say what it should give", name)
			continue
		}
		file := examplePath(name)
		for _, format := range []string{"text", "json", "sarif"} {
			if r := runRpp(t, "check", "--format", format, file); r.code != plain {
				t.Errorf("rpp check --format %s %s = %d, want %d\nstdout:\n%s\nstderr:\n%s", format, name, r.code, plain, r.stdout, r.stderr)
			}
			// --strict after the file: flags may follow operands.
			if r := runRpp(t, "check", "--format", format, file, "--strict"); r.code != strict {
				t.Errorf("rpp check --format %s %s --strict = %d, want %d", format, name, r.code, strict)
			}
		}
		r := runRpp(t, "check", file)
		if plain == 0 && strict == 0 && !strings.Contains(r.stdout, "no findings in "+file) {
			t.Errorf("rpp check %s: stdout lacks %q:\n%s", name, "no findings in "+file, r.stdout)
		}
		if r.stderr != "" {
			t.Errorf("rpp check %s: stderr %q, want nothing", name, r.stderr)
		}
	}
}

// jsonFindingKeys are the keys of a finding in the JSON contract (fixes is
// there only when the finding has a fix).
var jsonFindingKeys = []string{"column", "docUrl", "field", "file", "fix", "line", "message", "object", "rule", "severity"}

// jsonReport is the JSON contract as a script reads it.
type jsonReport struct {
	SchemaVersion int           `json:"schemaVersion"`
	Version       string        `json:"version"`
	Tool          string        `json:"tool"`
	Inputs        []jsonInput   `json:"inputs"`
	Findings      []rpp.Finding `json:"findings"`
	Summary       rpp.Summary   `json:"summary"`
}

type jsonInput struct {
	Name     string           `json:"name"`
	Origin   string           `json:"origin"`
	Status   string           `json:"status"`
	Problems []report.Problem `json:"problems"`
	Summary  rpp.Summary      `json:"summary"`
}

// decodeJSONReport decodes `rpp check --format json` output, checking the
// contract's shape as it goes: the top-level keys, each finding's keys and
// types, and that the summary counts the findings.
func decodeJSONReport(t *testing.T, out string) jsonReport {
	t.Helper()
	var raw map[string]any
	if err := json.Unmarshal([]byte(out), &raw); err != nil {
		t.Fatalf("output is not one JSON object: %v\n%s", err, out)
	}
	if keys := sortedKeys(raw); !slices.Equal(keys, []string{"findings", "inputs", "schemaVersion", "summary", "tool", "version"}) {
		t.Errorf("top-level keys %q, want findings, inputs, schemaVersion, summary, tool, version", keys)
	}
	list, ok := raw["findings"].([]any)
	if !ok {
		t.Fatalf("findings is %T, want a list (never null)", raw["findings"])
	}
	for i, f := range list {
		obj, ok := f.(map[string]any)
		if !ok {
			t.Fatalf("findings[%d] is %T, want an object", i, f)
		}
		if keys := slices.DeleteFunc(sortedKeys(obj), func(k string) bool { return k == "fixes" || k == "suppressed" }); !slices.Equal(keys, jsonFindingKeys) {
			t.Errorf("findings[%d] has keys %q, want exactly %q", i, keys, jsonFindingKeys)
		}
		if _, ok := obj["line"].(float64); !ok {
			t.Errorf("findings[%d].line is %T, want a number", i, obj["line"])
		}
		if s := obj["severity"]; s != "error" && s != "warning" && s != "info" {
			t.Errorf("findings[%d].severity = %v, want error, warning or info", i, s)
		}
	}
	summary, _ := raw["summary"].(map[string]any)
	if keys := sortedKeys(summary); !slices.Equal(keys, []string{"errors", "info", "suppressed", "warnings"}) {
		t.Errorf("summary keys %q, want errors, info, suppressed, warnings", keys)
	}

	dec := json.NewDecoder(strings.NewReader(out))
	dec.DisallowUnknownFields()
	var rep jsonReport
	if err := dec.Decode(&rep); err != nil {
		t.Fatalf("decoding the report: %v", err)
	}
	var count rpp.Summary
	for _, f := range rep.Findings {
		count.Count(f)
	}
	if count != rep.Summary {
		t.Errorf("summary %+v, but the findings count %+v", rep.Summary, count)
	}
	if rep.SchemaVersion != 1 || rep.Version != rppkit.Version() || rep.Tool != "rpp" || rep.Inputs == nil {
		t.Errorf("schemaVersion %d, version %q, tool %q, inputs %v; want 1, %q, rpp and a list",
			rep.SchemaVersion, rep.Version, rep.Tool, rep.Inputs, rppkit.Version())
	}
	for _, in := range rep.Inputs {
		if (in.Status == "checked") != (len(in.Problems) == 0) || in.Problems == nil {
			t.Errorf("input %+v: a checked input has no problems, any other has some (and problems is a list)", in)
		}
	}
	return rep
}

func sortedKeys(m map[string]any) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

// expectedRules returns the rule IDs a story's opening comment lists on its
// "Expected:" lines. A word that looks like a rule ID (it starts as a
// catalogue ID does) but is not one is an error: the story and the catalogue
// have drifted apart.
func expectedRules(t *testing.T, name string) []string {
	t.Helper()
	data, err := examples.FS.ReadFile(name)
	if err != nil {
		t.Fatal(err)
	}
	var text strings.Builder
	in := false
	sc := bufio.NewScanner(bytes.NewReader(data))
	for sc.Scan() {
		line, ok := strings.CutPrefix(sc.Text(), "#")
		if !ok {
			break // the opening comment is over
		}
		line = strings.TrimSpace(line)
		if rest, found := strings.CutPrefix(line, "Expected:"); found {
			in, line = true, rest
		} else if line == "" {
			in = false
		}
		if in {
			text.WriteString(line + "\n")
		}
	}
	prefixes := map[string]bool{}
	ids := map[string]bool{}
	for _, r := range rpp.Catalogue() {
		ids[r.ID] = true
		p, _, _ := strings.Cut(r.ID, "-")
		prefixes[p] = true
	}
	// Not after a slash: rmx/rmx-east is an object, not a rule.
	idLike := regexp.MustCompile(`(?:^|[^/\w-])([a-z]+(?:-[a-z0-9]+)+)`)
	var found []string
	for _, m := range idLike.FindAllStringSubmatch(text.String(), -1) {
		id := m[1]
		p, _, _ := strings.Cut(id, "-")
		if !prefixes[p] {
			continue
		}
		if !ids[id] {
			t.Errorf("%s: Expected: names %q, which is not a rule of the catalogue", name, id)
			continue
		}
		found = append(found, id)
	}
	return found
}

func TestCheckJSONExamples(t *testing.T) {
	for _, name := range exampleNames(t) {
		r := runRpp(t, "check", "--format", "json", examplePath(name))
		rep := decodeJSONReport(t, r.stdout)
		got := map[string]bool{}
		for _, f := range rep.Findings {
			got[f.Rule] = true
			if f.File != examplePath(name) || f.Line <= 0 {
				t.Errorf("%s: finding %s at %s:%d, want the file as given and a line", name, f.Rule, f.File, f.Line)
			}
			if f.Message == "" || f.Fix == "" || f.Object == "" {
				t.Errorf("%s: finding %s lacks a message, fix or object: %+v", name, f.Rule, f)
			}
		}
		if !strings.HasPrefix(name, "story-") {
			if len(rep.Findings) != 0 {
				t.Errorf("%s: %d findings, want none", name, len(rep.Findings))
			}
			continue
		}
		want := expectedRules(t, name)
		if len(want) == 0 {
			t.Errorf("%s: its opening comment lists no expected rule", name)
		}
		for _, id := range want {
			if !got[id] {
				t.Errorf("%s: expected %s among the findings, got %v", name, id, slices.Sorted(maps.Keys(got)))
			}
		}
	}
}

func TestCheckJSONEmptyFindingsIsList(t *testing.T) {
	r := runRpp(t, "check", "--format", "json", examplePath("two-site.yaml"))
	if !strings.Contains(r.stdout, `"findings": []`) {
		t.Errorf("no findings should encode as [], got:\n%s", r.stdout)
	}
	decodeJSONReport(t, r.stdout)
}

func TestCheckJSONManyFiles(t *testing.T) {
	stories := storyNames(t)
	args := []string{"check", "--format", "json"}
	var want []rpp.Finding
	for _, name := range stories {
		args = append(args, examplePath(name))
		one := decodeJSONReport(t, runRpp(t, "check", "--format", "json", examplePath(name)).stdout)
		want = append(want, one.Findings...)
	}
	r := runRpp(t, args...)
	rep := decodeJSONReport(t, r.stdout)
	if r.code != 1 {
		t.Errorf("exit %d, want 1", r.code)
	}
	if len(rep.Findings) != len(want) {
		t.Fatalf("%d findings for %d files, want %d (the sum of each file's)", len(rep.Findings), len(stories), len(want))
	}
	if diff := cmp.Diff(want, rep.Findings); diff != "" {
		t.Errorf("findings differ from each file's, in command-line order (-want +got):\n%s", diff)
	}
}

func TestCheckNoFileUsesBundledExample(t *testing.T) {
	for _, format := range []string{"text", "json", "sarif", "junit"} {
		r := runRpp(t, "check", "--format", format) // standard input is a terminal
		if r.code != 0 {
			t.Errorf("--format %s: exit %d, want 0; stderr %q", format, r.code, r.stderr)
		}
		want := "rpp: no file given and standard input is a terminal; checking the bundled example " + examples.Default + "\n"
		if r.stderr != want {
			t.Errorf("--format %s: stderr %q, want %q", format, r.stderr, want)
		}
		// The report itself says so, not only standard error.
		var says bool
		switch format {
		case "text", "junit":
			says = strings.Contains(r.stdout, examples.Default+" (the bundled example)")
		case "json":
			rep := decodeJSONReport(t, r.stdout)
			says = len(rep.Inputs) == 1 && rep.Inputs[0].Origin == "example" && rep.Inputs[0].Name == examples.Default
		case "sarif":
			says = strings.Contains(r.stdout, "the bundled example deployment "+examples.Default) ||
				strings.Contains(r.stdout, `"status": "checked"`) && strings.Contains(r.stdout, "example")
		}
		if !says {
			t.Errorf("--format %s: the report does not say it checked the bundled example:\n%s", format, r.stdout)
		}
	}
	r := runRpp(t, "check")
	if !strings.Contains(r.stdout, "no findings in "+examples.Default+" (the bundled example) (") {
		t.Errorf("stdout %q, want the no-findings summary for the bundled example", r.stdout)
	}
}

// TestCheckReadsPipedInput: with no FILE and standard input not a terminal,
// check reads standard input — never the bundled example in its place.
func TestCheckReadsPipedInput(t *testing.T) {
	data, err := examples.FS.ReadFile("story-gruu-wrong-prefix.yaml")
	if err != nil {
		t.Fatal(err)
	}
	for _, format := range []string{"text", "json", "sarif", "junit"} {
		r := rppWith(t, bytes.NewReader(data), nil, "check", "--format", format)
		if r.code != 1 || !strings.Contains(r.stdout, "dma-gruu-prefix") || strings.Contains(r.stdout+r.stderr, examples.Default) {
			t.Errorf("--format %s, piped story: exit %d, stdout:\n%s\nstderr %q; want 1 and the story's findings", format, r.code, r.stdout, r.stderr)
		}
		r = rppWith(t, strings.NewReader(""), nil, "check", "--format", format)
		if r.code != 2 || !strings.Contains(r.stderr, "rpp: "+stdinName+": ") {
			t.Errorf("--format %s, empty pipe: exit %d, stderr %q; want 2 and the problem", format, r.code, r.stderr)
		}
		if format == "json" {
			rep := decodeJSONReport(t, r.stdout)
			if len(rep.Inputs) != 1 || rep.Inputs[0].Status != "invalid" || rep.Inputs[0].Origin != "stdin" {
				t.Errorf("empty pipe, json inputs %+v, want stdin invalid", rep.Inputs)
			}
		}
	}
}

// badFile is a malformed deployment file and what rpp must say about it.
type badFile struct {
	name string
	data []byte
	// want are the lines of stderr, after "rpp: " and the file name; each
	// is a regular expression matched against the whole line.
	want []string
}

func badFiles(t *testing.T) []badFile {
	t.Helper()
	good, err := examples.FS.ReadFile("story-gruu-wrong-prefix.yaml")
	if err != nil {
		t.Fatal(err)
	}
	edit := func(old, new string) []byte {
		if !bytes.Contains(good, []byte(old)) {
			t.Fatalf("story-gruu-wrong-prefix.yaml no longer holds %q; update this test", old)
		}
		return bytes.Replace(good, []byte(old), []byte(new), 1)
	}
	garbage := make([]byte, 512)
	rand.New(rand.NewSource(1)).Read(garbage)
	garbage[100] = 0
	two := edit("iceEnvironment:", "iceEnviroment:")
	two = bytes.Replace(two, []byte(`version: "6.4"`), []byte(`version: "six"`), 1)
	return []badFile{
		{"broken.yaml", []byte("lync:\n  product: [lync2013\nrpp: {}\n"),
			[]string{`:\d+(:\d+)?: not valid YAML or JSON: .+`}},
		{"misspelt.yaml", edit("iceEnvironment:", "iceEnviroment:"),
			[]string{`:\d+:\d+: rpp\.rmx\[0\]\.sip\.iceEnviroment: unknown field "iceEnviroment" \(did you mean iceEnvironment\?\)`}},
		{"version.yaml", edit(`version: "8.7.1"`, `version: "8.x"`),
			[]string{`:\d+:\d+: rpp\.rmx\[0\]\.version: .*"8\.x".*`}},
		{"gruu.yaml", edit("serviceGruu: \"sip:rpp.woodgrove.com@", "serviceGruu: \"<sip:rpp.woodgrove.com@"),
			[]string{`:\d+:\d+: lync\.trustedApplications\[0\]\.serviceGruu: .*'<'.*`}},
		// Two problems give two lines, in the order of the file.
		{"two-problems.yaml", two, []string{
			`:\d+:\d+: rpp\.rmx\[0\]\.sip\.iceEnviroment: unknown field .*`,
			`:\d+:\d+: rpp\.dma\[0\]\.version: .*"six".*`,
		}},
		{"empty.yaml", nil, []string{`: no deployment in the file: .*empty.*`}},
		{"garbage.yaml", garbage, []string{`:\d+:\d+: not valid YAML or JSON: not a text file .*`}},
	}
}

func TestCheckMalformed(t *testing.T) {
	dir := t.TempDir()
	for _, tc := range badFiles(t) {
		t.Run(tc.name, func(t *testing.T) {
			file := filepath.Join(dir, tc.name)
			if err := os.WriteFile(file, tc.data, 0o644); err != nil {
				t.Fatal(err)
			}
			for _, format := range []string{"text", "json", "sarif"} {
				r := runRpp(t, "check", "--format", format, file)
				if r.code != 2 {
					t.Errorf("--format %s: exit %d, want 2", format, r.code)
				}
				lines := strings.Split(strings.TrimSuffix(r.stderr, "\n"), "\n")
				if len(lines) != len(tc.want) {
					t.Fatalf("--format %s: stderr has %d lines, want %d:\n%s", format, len(lines), len(tc.want), r.stderr)
				}
				for i, l := range lines {
					re := "^rpp: " + regexp.QuoteMeta(file) + tc.want[i] + "$"
					if !regexp.MustCompile(re).MatchString(l) {
						t.Errorf("--format %s: stderr line %d = %q, want it to match %s", format, i+1, l, re)
					}
				}
			}
		})
	}
}

func TestCheckMissingFile(t *testing.T) {
	file := filepath.Join(t.TempDir(), "nosuch.yaml")
	r := runRpp(t, "check", file)
	if r.code != 2 || !strings.HasPrefix(r.stderr, "rpp: ") || !strings.Contains(r.stderr, file) ||
		strings.Count(r.stderr, "\n") != 1 {
		t.Errorf("exit %d, stderr %q; want 2 and one line naming %s", r.code, r.stderr, file)
	}
	if !strings.Contains(r.stdout, "1 file could not be checked") {
		t.Errorf("stdout %q, want the summary to say the file was not checked", r.stdout)
	}
}

func TestCheckGoodAndBadFiles(t *testing.T) {
	dir := t.TempDir()
	bad := filepath.Join(dir, "bad.yaml")
	if err := os.WriteFile(bad, []byte("lync: {product: lync2013}\nrpp:\n  workflow: [realconnect]\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	good := examplePath("story-gruu-wrong-prefix.yaml")
	for _, args := range [][]string{{bad, good}, {good, bad}} {
		r := runRpp(t, append([]string{"check", "--format", "json"}, args...)...)
		if r.code != 2 {
			t.Errorf("check %q: exit %d, want 2", args, r.code)
		}
		if !strings.Contains(r.stderr, "rpp: "+bad+":3:3: rpp.workflow: unknown field") {
			t.Errorf("check %q: stderr %q, want the misspelt workflow reported", args, r.stderr)
		}
		rep := decodeJSONReport(t, r.stdout)
		if len(rep.Findings) == 0 || rep.Findings[0].File != good {
			t.Errorf("check %q: findings %+v, want the good file's still reported", args, rep.Findings)
		}
		// A script reading only the JSON sees that bad.yaml was not
		// checked, and why, line by line.
		statuses := map[string]string{}
		for _, in := range rep.Inputs {
			statuses[in.Name] = in.Status
			if in.Name == bad {
				want := report.Problem{File: bad, Line: 3, Column: 3, Field: "rpp.workflow", Message: `unknown field "workflow" (did you mean workflows?)`}
				if !slices.Contains(in.Problems, want) {
					t.Errorf("check %q: bad.yaml's problems %+v, want among them %+v", args, in.Problems, want)
				}
			}
		}
		if want := map[string]string{bad: "invalid", good: "checked"}; !maps.Equal(statuses, want) {
			t.Errorf("check %q: inputs %v, want %v", args, statuses, want)
		}

		r = runRpp(t, append([]string{"check"}, args...)...)
		text := strings.Join(strings.Fields(r.stdout), " ") // undo the wrapping
		if !strings.Contains(text, "dma-gruu-prefix") || !strings.Contains(text, "; 1 file could not be checked") {
			t.Errorf("check %q text:\n%s\nwant the good file's findings and the bad file counted", args, r.stdout)
		}
	}
}

// TestCheckNeverPanics feeds rpp pieces of real deployment files and random
// bytes. run recovers from a panic in a rule to keep checking other files,
// so the test looks for the internal-error message as well as for a panic.
func TestCheckNeverPanics(t *testing.T) {
	rng := rand.New(rand.NewSource(2))
	var inputs [][]byte
	for _, name := range exampleNames(t) {
		data, _ := examples.FS.ReadFile(name)
		lines := bytes.SplitAfter(data, []byte("\n"))
		for i := 0; i < 20; i++ {
			// Drop a run of lines: fields go missing, nesting breaks.
			a := rng.Intn(len(lines))
			b := min(len(lines), a+1+rng.Intn(5))
			inputs = append(inputs, slices.Concat(slices.Concat(lines[:a]...), slices.Concat(lines[b:]...)))
		}
		for i := 0; i < 10; i++ {
			// Flip a byte to something YAML cares about.
			const special = ":-[]{}#&*!|>'\"%@` \t\n"
			c := slices.Clone(data)
			c[rng.Intn(len(c))] = special[rng.Intn(len(special))]
			inputs = append(inputs, c)
		}
	}
	for i := 0; i < 20; i++ {
		b := make([]byte, rng.Intn(300))
		rng.Read(b)
		inputs = append(inputs, b)
	}
	inputs = append(inputs, []byte("{}"), []byte("[]"), []byte("null"), []byte("lync: &a [*a]"),
		[]byte("rpp:\n  rmx:\n    - {}\n"), []byte("---\n---\n"), []byte("\xef\xbb\xbf"))
	for i, in := range inputs {
		for _, format := range []string{"text", "json", "sarif"} {
			r := rppWith(t, bytes.NewReader(in), nil, "check", "--format", format, "-")
			if r.code < 0 || r.code > 2 || strings.Contains(r.stderr, "internal error") {
				t.Fatalf("input %d (%q): exit %d, stderr:\n%s", i, in, r.code, r.stderr)
			}
			if r.code == 2 && r.stderr == "" {
				t.Errorf("input %d (%q): exit 2 with nothing on stderr", i, in)
			}
			if format == "json" {
				decodeJSONReport(t, r.stdout)
			}
		}
	}
	t.Logf("%d inputs", len(inputs))
}

func TestCheckInternalErrorIsReported(t *testing.T) {
	in := report.Check(context.Background(), "x.yaml", report.FromFile, func(context.Context) (*rpp.Deployment, error) { panic("boom") }, rpp.Options{})
	var buf bytes.Buffer
	printProblems(&buf, in)
	if !strings.HasPrefix(buf.String(), "rpp: x.yaml: internal error") || !strings.Contains(buf.String(), "boom") {
		t.Errorf("got %q, want an internal error naming the file and the panic", buf.String())
	}
}

// TestCheckMaxValues: a file above the value limit is refused with how to
// raise the limit, and --max-values raises it.
func TestCheckMaxValues(t *testing.T) {
	file := examplePath("two-site.yaml")
	r := runRpp(t, "check", "--max-values", "50", file)
	if r.code != 2 || !strings.Contains(r.stderr, "rpp check --max-values") {
		t.Errorf("--max-values 50: exit %d, stderr %q; want 2 and how to raise the limit", r.code, r.stderr)
	}
	if r := runRpp(t, "check", "--max-values", "5000", file); r.code != 0 {
		t.Errorf("--max-values 5000: exit %d, stderr %q", r.code, r.stderr)
	}
	if r := runRpp(t, "check", "--max-values", "-1", file); r.code != 2 || !strings.Contains(r.stderr, "invalid value for --max-values") {
		t.Errorf("--max-values -1: exit %d, stderr %q", r.code, r.stderr)
	}
}
