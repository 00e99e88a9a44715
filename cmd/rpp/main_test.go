package main

import (
	"regexp"

	"bytes"
	"context"
	"github.com/rppkit/rppkit"
	"io"
	"io/fs"
	"path"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/rppkit/rppkit/examples"
)

// result is what one in-process run of rpp produced.
type result struct {
	code           int
	stdout, stderr string
}

// runRpp runs the command line args in process with no environment, as
// from a terminal: standard input is a terminal with nothing piped.
func runRpp(t *testing.T, args ...string) result {
	t.Helper()
	return rppWith(t, nil, nil, args...)
}

// rppWith runs args with the environment variables in env and stdin piped
// in; a nil stdin stands for a terminal.
func rppWith(t *testing.T, stdin io.Reader, env map[string]string, args ...string) result {
	t.Helper()
	var stdout, stderr bytes.Buffer
	getenv := func(k string) string { return env[k] }
	code := run(context.Background(), args, streams{stdin: stdin, stdinTerminal: stdin == nil, stdout: &stdout, stderr: &stderr}, getenv)
	return result{code, stdout.String(), stderr.String()}
}

// exampleNames lists the bundled example files.
func exampleNames(t *testing.T) []string {
	t.Helper()
	names, err := fs.Glob(examples.FS, "*.yaml")
	if err != nil || len(names) == 0 {
		t.Fatalf("no examples in examples.FS (err %v)", err)
	}
	return names
}

// storyNames lists the story-*.yaml examples.
func storyNames(t *testing.T) []string {
	t.Helper()
	var stories []string
	for _, n := range exampleNames(t) {
		if strings.HasPrefix(n, "story-") {
			stories = append(stories, n)
		}
	}
	if len(stories) == 0 {
		t.Fatal("no story-*.yaml examples")
	}
	return stories
}

// examplePath is the path of an example relative to this package's
// directory, where go test runs, as a user would type it.
func examplePath(name string) string {
	return filepath.Join("..", "..", "examples", filepath.FromSlash(path.Clean(name)))
}

func TestHelp(t *testing.T) {
	for _, args := range [][]string{{"help"}, {"-h"}, {"--help"}} {
		r := runRpp(t, args...)
		if r.code != 0 || !strings.Contains(r.stdout, "rpp check") || r.stderr != "" {
			t.Errorf("rpp %v = %d, stdout %q, stderr %q; want 0 and usage on stdout", args, r.code, r.stdout, r.stderr)
		}
	}
}

func TestNoCommand(t *testing.T) {
	r := runRpp(t)
	if r.code != 2 || !strings.Contains(r.stderr, "usage:") || r.stdout != "" {
		t.Errorf("rpp = %d, stdout %q, stderr %q; want 2 and usage on stderr", r.code, r.stdout, r.stderr)
	}
}

func TestHelpCommand(t *testing.T) {
	for _, args := range [][]string{{"help", "check"}, {"check", "-h"}, {"check", "a.yaml", "--help"}} {
		r := runRpp(t, args...)
		if r.code != 0 || !strings.Contains(r.stdout, "usage: rpp check") || !strings.Contains(r.stdout, "-strict") {
			t.Errorf("rpp %v = %d, stdout %q; want 0 and check's usage with its flags", args, r.code, r.stdout)
		}
	}
	if r := runRpp(t, "help", "chek"); r.code != 2 || !strings.Contains(r.stderr, "did you mean check?") {
		t.Errorf("rpp help chek = %d, stderr %q; want 2 and a suggestion", r.code, r.stderr)
	}
}

func TestUsageErrors(t *testing.T) {
	for _, tc := range []struct {
		args []string
		want string // in stderr
	}{
		{[]string{"chek"}, `unknown command chek (did you mean check?)`},
		{[]string{"chekc"}, `unknown command chekc (did you mean check?)`}, // a transposition
		{[]string{"frobnicate"}, `unknown command frobnicate`},
		{[]string{"import"}, `name the kind of output to read: lync`},
		{[]string{"plan", "--form", "ps1"}, "unknown flag --form (did you mean --from?)"},
		{[]string{"plan", "--format", "sarif"}, `unknown format "sarif" (want text, json, ps1 or mermaid)`},
		{[]string{"check", "--frob"}, "unknown flag --frob (rpp help check lists the flags)"},
		{[]string{"check", "--fromat", "json"}, "unknown flag --fromat (did you mean --format?)"},
		{[]string{"check", "-stirct"}, "unknown flag --stirct (did you mean --strict?)"},
		{[]string{"check", "--format", "xml"}, `invalid value for --format: unknown format "xml" (want text, json, sarif, junit, github or checkstyle)`},
		{[]string{"check", "a.yaml", "--format=yaml"}, `invalid value for --format: unknown format "yaml"`},
		{[]string{"check", "--format"}, "--format needs a value (format)"},
		{[]string{"check", "--strict=maybe"}, `invalid value for --strict: want true or false, got "maybe"`},
		{[]string{"check", "--diff", "a.yaml"}, "--diff previews --fix; give both"},
		{[]string{"check", "--show-suppressed", "--no-suppress", "a.yaml"}, "--no-suppress suppresses nothing; give one"},
		{[]string{"rules", "--format", "sarif"}, `unknown format "sarif" (want text, json or markdown)`},
		{[]string{"rules", "extra"}, `unexpected argument extra`},
		{[]string{"explain"}, "name at least one RULE-ID"},
		{[]string{"version", "now"}, "unexpected argument now"},
		{[]string{"conformance", "--levle", "must"}, "unknown flag --levle (did you mean --level?)"},
	} {
		r := runRpp(t, tc.args...)
		if r.code != 2 || !strings.Contains(r.stderr, tc.want) || !strings.Contains(r.stderr, "usage") {
			t.Errorf("rpp %q = %d, stderr %q; want 2, %q and a usage", tc.args, r.code, r.stderr, tc.want)
		}
		if r.stdout != "" {
			t.Errorf("rpp %q wrote to stdout: %q", tc.args, r.stdout)
		}
	}
}

// TestOneFlagStyle: help, synopses and errors all write flags as --name.
func TestOneFlagStyle(t *testing.T) {
	single := regexp.MustCompile(`(^|[\s\[(])-[a-z]`)
	outputs := []string{runRpp(t, "help").stdout}
	for _, c := range commands() {
		outputs = append(outputs, runRpp(t, "help", c.name).stdout, runRpp(t, c.name, "--nope").stderr)
	}
	for _, out := range outputs {
		for _, line := range strings.Split(out, "\n") {
			if single.MatchString(line) {
				t.Errorf("a flag in single-dash style: %q", line)
			}
		}
	}
	if r := runRpp(t, "help", "check"); !strings.Contains(r.stdout, "  --format format\n") || !strings.Contains(r.stdout, "  --strict\n") {
		t.Errorf("help check does not list --format format and --strict:\n%s", r.stdout)
	}
}

func TestVersion(t *testing.T) {
	for _, args := range [][]string{{"version"}, {"--version"}} {
		r := runRpp(t, args...)
		if r.code != 0 || !strings.HasPrefix(r.stdout, "rpp ") || r.stdout != "rpp "+rppkit.Version()+"\n" {
			t.Errorf("rpp %q = %d, %q; want 0 and rpp VERSION", args, r.code, r.stdout)
		}
	}
}

func TestParseFlags(t *testing.T) {
	for _, tc := range []struct {
		args   []string
		files  []string
		strict bool
		format string
	}{
		{nil, nil, false, "text"},
		{[]string{"a", "--strict"}, []string{"a"}, true, "text"},
		{[]string{"--format", "json", "a", "b", "-strict"}, []string{"a", "b"}, true, "json"},
		{[]string{"a", "--format=sarif", "b"}, []string{"a", "b"}, false, "sarif"},
		{[]string{"-", "--strict"}, []string{"-"}, true, "text"},
		{[]string{"a", "--", "--strict", "-x"}, []string{"a", "--strict", "-x"}, false, "text"},
	} {
		var opts checkOptions
		files, err := opts.flagSet().parse(tc.args)
		if err != nil || !slices.Equal(files, tc.files) || opts.strict != tc.strict || opts.format.value != tc.format {
			t.Errorf("parseFlags(%q) = %q, strict %v, format %q, %v; want %q, %v, %q",
				tc.args, files, opts.strict, opts.format.value, err, tc.files, tc.strict, tc.format)
		}
	}
}
