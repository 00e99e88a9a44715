package report_test

import (
	"bytes"
	"context"
	"encoding/xml"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/rppkit/rppkit/examples"
	"github.com/rppkit/rppkit/rpp"
	"github.com/rppkit/rppkit/rpp/report"
)

// exampleInputs checks every bundled example as if it were a file of the
// user's, so the reports name them as files.
func exampleInputs(t *testing.T) []report.Input {
	t.Helper()
	names, err := fs.Glob(examples.FS, "*.yaml")
	if err != nil || len(names) == 0 {
		t.Fatalf("no examples (err %v)", err)
	}
	var in []report.Input
	for _, name := range names {
		in = append(in, report.Check(context.Background(), name, report.FromFile, func(ctx context.Context) (*rpp.Deployment, error) {
			return rpp.LoadFS(ctx, examples.FS, name)
		}, rpp.Options{}))
	}
	return in
}

// TestGoldenCIFormats compares the github and checkstyle reports of each
// example with its golden file (testdata/golden/EXAMPLE.FORMAT); -update
// rewrites them after a deliberate change (a new rule, say).
func TestGoldenCIFormats(t *testing.T) {
	dir := filepath.Join("testdata", "golden")
	for _, in := range exampleInputs(t) {
		for _, f := range []report.Format{report.GitHub, report.Checkstyle} {
			var buf bytes.Buffer
			if err := report.Write(&buf, f, []report.Input{in}, report.Options{}); err != nil {
				t.Fatalf("%s %s: %v", in.Name, f, err)
			}
			path := filepath.Join(dir, strings.TrimSuffix(in.Name, ".yaml")+"."+string(f))
			if *update {
				if err := os.MkdirAll(dir, 0o755); err != nil {
					t.Fatal(err)
				}
				if err := os.WriteFile(path, buf.Bytes(), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want, err := os.ReadFile(path)
			if err != nil {
				t.Fatalf("%v (go test ./rpp/report -run TestGoldenCIFormats -update writes it)", err)
			}
			if diff := cmp.Diff(string(want), buf.String()); diff != "" {
				t.Errorf("%s: the %s report differs from %s (-want +got):\n%s", in.Name, f, path, diff)
			}
		}
	}
}

// TestCheckstyleParsesBack: the Checkstyle report of the examples (and of
// a file that cannot be loaded) is well-formed XML whose errors are the
// findings, one for one, with line, column, severity and source.
func TestCheckstyleParsesBack(t *testing.T) {
	in := append(exampleInputs(t), inputs(t, nil)[2]) // broken.yaml
	var buf bytes.Buffer
	if err := report.WriteCheckstyle(&buf, in, report.Options{}); err != nil {
		t.Fatal(err)
	}
	var doc report.CheckstyleReport
	if err := xml.Unmarshal(buf.Bytes(), &doc); err != nil {
		t.Fatalf("the report is not XML: %v\n%s", err, buf.String())
	}
	if doc.Version == "" {
		t.Error("<checkstyle> has no version")
	}
	type key struct{ Where, Source, Severity, Message string }
	var want, got []key
	for _, i := range in {
		for _, f := range i.Report.Findings {
			want = append(want, key{f.File + ":" + strconv.Itoa(f.Line) + ":" + strconv.Itoa(f.Column), "rppkit." + f.Rule, f.Severity.String(), f.Message})
		}
	}
	files := map[string]bool{}
	var loadErrors int
	for _, file := range doc.Files {
		files[file.Name] = true
		for _, e := range file.Errors {
			if e.Source == "rppkit.load" {
				loadErrors++
				if file.Name != "broken.yaml" || e.Line == 0 || e.Severity != "error" {
					t.Errorf("load error %+v in file %s, want it in broken.yaml with a line", e, file.Name)
				}
				continue
			}
			// The message is the finding's and then its fix.
			msg, _, _ := strings.Cut(e.Message, ". Fix: ")
			got = append(got, key{file.Name + ":" + strconv.Itoa(e.Line) + ":" + strconv.Itoa(e.Column), e.Source, e.Severity, msg})
		}
	}
	if len(want) == 0 {
		t.Fatal("the examples gave no findings; the test would prove nothing")
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("checkstyle errors differ from the findings (-want +got):\n%s", diff)
	}
	for _, i := range in {
		if !files[i.Name] {
			t.Errorf("no <file> for %s: a clean or unchecked input must still be listed", i.Name)
		}
	}
	if loadErrors == 0 {
		t.Error("broken.yaml's problems are not in the report: an unchecked file would read as clean")
	}
}

// hostileRule reports one finding whose message, fix and field carry what
// would break a workflow command: line breaks, %, : and ,.
func hostileRule(msg string) *rpp.Rule {
	return &rpp.Rule{ID: "acme-hostile", Severity: rpp.Warning, Summary: "hostile", Doc: "Hostile.\n\nFix: none.", Source: "Acme",
		Run: func(p *rpp.Pass) { p.Report(rpp.Finding{Object: "rpp", Field: "rpp", Message: msg}) }}
}

// unescapeGitHub undoes the workflow command escaping as the runner does
// (actions/runner ActionCommand.cs), for data (property=false) or a
// property value.
func unescapeGitHub(s string, property bool) string {
	pairs := []string{"%0D", "\r", "%0A", "\n"}
	if property {
		pairs = append(pairs, "%3A", ":", "%2C", ",")
	}
	pairs = append(pairs, "%25", "%") // last, so %250A stays %0A
	return strings.NewReplacer(pairs...).Replace(s)
}

// parseGitHubLine splits a workflow command into its command, properties
// and data, or fails the test.
func parseGitHubLine(t *testing.T, line string) (cmd string, props map[string]string, data string) {
	t.Helper()
	rest, ok := strings.CutPrefix(line, "::")
	if !ok {
		t.Fatalf("%q is not a workflow command", line)
	}
	head, data, ok := strings.Cut(rest, "::")
	if !ok {
		t.Fatalf("%q has no data part", line)
	}
	cmd, propText, _ := strings.Cut(head, " ")
	props = map[string]string{}
	for _, p := range strings.Split(propText, ",") {
		k, v, ok := strings.Cut(p, "=")
		if !ok {
			t.Fatalf("%q: property %q has no value", line, p)
		}
		props[k] = unescapeGitHub(v, true)
	}
	return cmd, props, unescapeGitHub(data, false)
}

// githubFor writes the github report of one deployment file named file,
// checked with the catalogue plus rule.
func githubFor(t *testing.T, file string, rule *rpp.Rule) string {
	t.Helper()
	rules := append(rpp.Catalogue(), rule)
	in := report.Check(context.Background(), file, report.FromFile, func(ctx context.Context) (*rpp.Deployment, error) {
		d, err := rpp.LoadFS(ctx, examples.FS, "two-site.yaml")
		if err != nil {
			return nil, err
		}
		// Positions name the file as given, hostile characters and all.
		return d, nil
	}, rpp.Options{Rules: rules})
	var buf bytes.Buffer
	if err := report.WriteGitHub(&buf, []report.Input{in}, report.Options{Rules: rules}); err != nil {
		t.Fatal(err)
	}
	return buf.String()
}

// TestGitHubEscapesHostileMessages: whatever a message holds, each finding
// is one line, GitHub reads back the message as written, and nothing in it
// starts a command of its own.
func TestGitHubEscapesHostileMessages(t *testing.T) {
	for _, msg := range []string{
		"plain",
		"two\nlines",
		"cr\r\nlf",
		"100% sure, 50%0A off",
		"a: b, c",
		"ends the command::error file=x::forged",
		"\n::error::forged on its own line",
	} {
		checkGitHubMessage(t, msg)
	}
}

func checkGitHubMessage(t *testing.T, msg string) {
	t.Helper()
	out := githubFor(t, "two-site.yaml", hostileRule(msg))
	lines := strings.Split(strings.TrimSuffix(out, "\n"), "\n")
	found := 0
	for _, line := range lines {
		cmd, props, data := parseGitHubLine(t, line)
		if cmd != "error" && cmd != "warning" && cmd != "notice" {
			t.Fatalf("message %q: line %q is command %q", msg, line, cmd)
		}
		if props["title"] != "acme-hostile" {
			continue
		}
		found++
		if cmd != "warning" {
			t.Errorf("message %q: a warning finding gave ::%s", msg, cmd)
		}
		if data != msg {
			t.Errorf("message %q: GitHub would read %q from %q", msg, data, line)
		}
	}
	if found != 1 {
		t.Errorf("message %q: %d annotations titled acme-hostile, want 1:\n%s", msg, found, out)
	}
}

// FuzzGitHubEscape: any message is one annotation line that reads back as
// the message.
func FuzzGitHubEscape(f *testing.F) {
	for _, s := range []string{"plain", "two\nlines", "%0A", "a:b,c", "::error::x", "\r", "%25%"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, msg string) {
		checkGitHubMessage(t, msg)
	})
}

// TestGitHubAnnotations: the story with a wrong GRUU prefix gives an
// ::error with its file, line, column and rule; the clean example gives
// none; an input that cannot be loaded gives an ::error at its problem.
func TestGitHubAnnotations(t *testing.T) {
	in := inputs(t, nil) // story-gruu-wrong-prefix.yaml, two-site.yaml (the bundled example), broken.yaml
	var buf bytes.Buffer
	if err := report.WriteGitHub(&buf, in, report.Options{}); err != nil {
		t.Fatal(err)
	}
	seen := map[string]int{}
	for _, line := range strings.Split(strings.TrimSuffix(buf.String(), "\n"), "\n") {
		cmd, props, data := parseGitHubLine(t, line)
		seen[props["file"]]++
		for _, f := range in[0].Report.Findings {
			if props["title"] == f.Rule && props["line"] == strconv.Itoa(f.Line) {
				if cmd != "error" && f.Severity == rpp.Error || props["file"] != f.File || props["col"] != strconv.Itoa(f.Column) || !strings.HasPrefix(data, f.Message) {
					t.Errorf("finding %+v gave %q", f, line)
				}
			}
		}
		if props["file"] == "broken.yaml" && (cmd != "error" || props["line"] == "" || props["title"] != "rpp: not checked") {
			t.Errorf("broken.yaml's problem gave %q", line)
		}
	}
	if seen["story-gruu-wrong-prefix.yaml"] != len(in[0].Report.Findings) || len(in[0].Report.Findings) == 0 {
		t.Errorf("%d annotations on the story, want one per finding (%d)", seen["story-gruu-wrong-prefix.yaml"], len(in[0].Report.Findings))
	}
	if seen["two-site.yaml"] != 0 {
		t.Errorf("the clean example has %d annotations", seen["two-site.yaml"])
	}
	if seen["broken.yaml"] == 0 {
		t.Error("broken.yaml has no annotation: an unchecked file would pass silently")
	}
}

// TestGitHubLevels: each severity maps to its workflow command.
func TestGitHubLevels(t *testing.T) {
	for sev, want := range map[rpp.Severity]string{rpp.Error: "error", rpp.Warning: "warning", rpp.Info: "notice"} {
		r := hostileRule("m")
		r.Severity = sev
		out := githubFor(t, "two-site.yaml", r)
		if !strings.Contains(out, "::"+want+" ") || !strings.Contains(out, "title=acme-hostile::m\n") {
			t.Errorf("%s finding: %q, want ::%s", sev, out, want)
		}
	}
}

func TestSelectRules(t *testing.T) {
	all := rpp.Catalogue()
	if len(all) < 3 {
		t.Fatal("the catalogue is too small for this test")
	}
	a, b := all[0].ID, all[1].ID
	ids := func(rules []*rpp.Rule) []string {
		var out []string
		for _, r := range rules {
			out = append(out, r.ID)
		}
		return out
	}
	for _, tc := range []struct {
		enable, disable []string
		want            []string
	}{
		{nil, nil, ids(all)},
		{[]string{b, a}, nil, []string{a, b}}, // the catalogue's order
		{[]string{strings.ToUpper(a)}, nil, []string{a}},
		{[]string{a, b}, []string{b}, []string{a}},
		{nil, []string{a}, ids(all[1:])},
	} {
		got, err := report.SelectRules(all, tc.enable, tc.disable)
		if err != nil {
			t.Errorf("SelectRules(%q, %q): %v", tc.enable, tc.disable, err)
			continue
		}
		if diff := cmp.Diff(tc.want, ids(got)); diff != "" {
			t.Errorf("SelectRules(%q, %q) (-want +got):\n%s", tc.enable, tc.disable, diff)
		}
	}
	typo := a[:len(a)-1]
	_, err := report.SelectRules(all, []string{typo}, []string{"no-such-rule-at-all"})
	var ue *report.UnknownRulesError
	if !errors.As(err, &ue) || !errors.Is(err, rpp.ErrUnknownRule) {
		t.Fatalf("unknown IDs: %v, want an *UnknownRulesError wrapping rpp.ErrUnknownRule", err)
	}
	if diff := cmp.Diff([]string{typo, "no-such-rule-at-all"}, ue.IDs); diff != "" || ue.Meant[0] != a || ue.Meant[1] != "" {
		t.Errorf("unknown IDs %q meant %q; want both named, %s suggested for the first", ue.IDs, ue.Meant, a)
	}
	if _, err := report.SelectRules(all, []string{a}, []string{a}); !errors.Is(err, report.ErrEmptySelection) {
		t.Errorf("enable and disable the same rule: %v, want ErrEmptySelection", err)
	}
}

func TestOutputs(t *testing.T) {
	o, err := report.ParseOutput("SARIF=out/r.sarif")
	if err != nil || o != (report.Output{Format: report.SARIF, Path: "out/r.sarif"}) {
		t.Errorf("ParseOutput(SARIF=out/r.sarif) = %+v, %v", o, err)
	}
	for _, bad := range []string{"json", "=r.json", "json=", "xml=r.xml"} {
		if _, err := report.ParseOutput(bad); !errors.Is(err, report.ErrBadOutput) && !errors.Is(err, report.ErrUnknownFormat) {
			t.Errorf("ParseOutput(%q) = %v, want ErrBadOutput or ErrUnknownFormat", bad, err)
		}
	}
	ok := []report.Output{{report.Text, "-"}, {report.JSON, "r.json"}, {report.SARIF, "r.sarif"}}
	if err := report.CheckOutputs(ok); err != nil {
		t.Errorf("CheckOutputs(%v) = %v", ok, err)
	}
	for _, bad := range [][]report.Output{
		{{report.JSON, "r.json"}, {report.JSON, "./r.json"}},
		{{report.JSON, "r.json"}, {report.SARIF, "r.json"}},
		{{report.Text, "-"}, {report.JSON, "-"}},
	} {
		if err := report.CheckOutputs(bad); !errors.Is(err, report.ErrBadOutput) {
			t.Errorf("CheckOutputs(%v) = %v, want ErrBadOutput", bad, err)
		}
	}
}
