package main

import (
	"bytes"
	"context"
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

// runRpp runs the command line args in process with no environment.
func runRpp(t *testing.T, args ...string) result {
	t.Helper()
	return rppWith(t, nil, nil, args...)
}

// rppWith runs args with stdin and the environment variables in env.
func rppWith(t *testing.T, stdin io.Reader, env map[string]string, args ...string) result {
	t.Helper()
	var stdout, stderr bytes.Buffer
	getenv := func(k string) string { return env[k] }
	code := run(context.Background(), args, stdin, &stdout, &stderr, getenv)
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
		{[]string{"chek"}, `unknown command "chek" (did you mean check?)`},
		{[]string{"frobnicate"}, `unknown command "frobnicate"`},
		{[]string{"check", "--frob"}, "flag provided but not defined: -frob"},
		{[]string{"check", "--format", "xml"}, `unknown format "xml" (want text, json or sarif)`},
		{[]string{"check", "a.yaml", "--format=yaml"}, `unknown format "yaml"`},
		{[]string{"check", "--format"}, "flag needs an argument: -format"},
		{[]string{"rules", "--format", "sarif"}, `unknown format "sarif" (want text or json)`},
		{[]string{"rules", "extra"}, `unexpected argument "extra"`},
		{[]string{"explain"}, "want one RULE-ID, got 0"},
		{[]string{"explain", "cert-wildcard", "cert-shared"}, "want one RULE-ID, got 2"},
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

func TestNotImplemented(t *testing.T) {
	for _, name := range []string{"plan", "lab"} {
		r := runRpp(t, name, "x.yaml")
		want := "rpp: command " + name + " is not implemented yet\n"
		if r.code != 2 || r.stderr != want {
			t.Errorf("rpp %s = %d, stderr %q; want 2, %q", name, r.code, r.stderr, want)
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
		files, err := parseFlags(opts.flagSet(), tc.args)
		if err != nil || !slices.Equal(files, tc.files) || opts.strict != tc.strict || opts.format.value != tc.format {
			t.Errorf("parseFlags(%q) = %q, strict %v, format %q, %v; want %q, %v, %q",
				tc.args, files, opts.strict, opts.format.value, err, tc.files, tc.strict, tc.format)
		}
	}
}
