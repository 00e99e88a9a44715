package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/rppkit/rppkit/examples"
)

// TestFixEveryStory: rpp check --fix on every failure story leaves no
// finding that had a fix, keeps the file's comments, and a second --fix
// changes nothing.
func TestFixEveryStory(t *testing.T) {
	dir := t.TempDir()
	for _, name := range storyNames(t) {
		data, err := examples.FS.ReadFile(name)
		if err != nil {
			t.Fatal(err)
		}
		file := filepath.Join(dir, name)
		if err := os.WriteFile(file, data, 0o640); err != nil {
			t.Fatal(err)
		}
		before := decodeJSONReport(t, runRpp(t, "check", "--format", "json", file).stdout)
		fixable := 0
		for _, f := range before.Findings {
			if len(f.Fixes) > 0 {
				fixable++
			}
		}

		r := runRpp(t, "check", "--fix", file)
		if r.code == 2 {
			t.Fatalf("%s: check --fix = 2, stderr:\n%s", name, r.stderr)
		}
		fixed, _ := os.ReadFile(file)
		if fixable > 0 && bytes.Equal(fixed, data) {
			t.Errorf("%s: %d findings had a fix, but the file is unchanged", name, fixable)
		}
		if fixable > 0 && !strings.Contains(r.stderr, "rpp: fixed "+file) {
			t.Errorf("%s: stderr %q does not say the file was fixed", name, r.stderr)
		}
		if st, _ := os.Stat(file); st.Mode().Perm() != 0o640 {
			t.Errorf("%s: mode %v after --fix, want 0640 kept", name, st.Mode().Perm())
		}
		// The opening comment (the story) survives.
		if first := strings.SplitN(string(data), "\n", 2)[0]; !strings.HasPrefix(string(fixed), first) {
			t.Errorf("%s: the opening comment %q is gone", name, first)
		}
		after := decodeJSONReport(t, runRpp(t, "check", "--format", "json", file).stdout)
		for _, f := range after.Findings {
			if len(f.Fixes) > 0 {
				t.Errorf("%s: after --fix, %s at %s still has a fix: %s", name, f.Rule, f.Field, f.Message)
			}
		}
		r = runRpp(t, "check", "--fix", file)
		again, _ := os.ReadFile(file)
		if !bytes.Equal(again, fixed) || strings.Contains(r.stderr, "rpp: fixed") {
			t.Errorf("%s: a second --fix changed the file (stderr %q)", name, r.stderr)
		}
	}
}

// TestFixDiffPreviews: --diff prints the fix as a unified diff and leaves
// the file alone; standard input is fixed to standard output.
func TestFixDiffPreviews(t *testing.T) {
	data, err := examples.FS.ReadFile("story-gruu-wrong-prefix.yaml")
	if err != nil {
		t.Fatal(err)
	}
	file := filepath.Join(t.TempDir(), "story.yaml")
	if err := os.WriteFile(file, data, 0o644); err != nil {
		t.Fatal(err)
	}
	r := runRpp(t, "check", "--fix", "--diff", file)
	if now, _ := os.ReadFile(file); !bytes.Equal(now, data) {
		t.Error("--diff changed the file")
	}
	name := strings.TrimLeft(filepath.ToSlash(file), "/") // git's a/ and b/ labels
	for _, want := range []string{"--- a/" + name, "+++ b/" + name, "\n-", "\n+", "@@ "} {
		if !strings.Contains(r.stdout, want) {
			t.Errorf("--diff output lacks %q:\n%s", want, r.stdout)
		}
	}
	if !strings.Contains(r.stdout, `+        SIP_CONTACT_OVERRIDE_STR: "rpp.woodgrove.com@woodgrove.com;gruu;opaque=srvr:video:Lw0vG6hJs3QaK8zDn2cXbwAA"`) &&
		!strings.Contains(r.stdout, "+        SIP_CONTACT_OVERRIDE_STR: rpp.woodgrove.com@woodgrove.com;gruu;opaque=srvr:video:Lw0vG6hJs3QaK8zDn2cXbwAA") {
		t.Errorf("--diff does not show the flag without sip:\n%s", r.stdout)
	}
	if r.code != 0 {
		t.Errorf("--diff: exit %d, want 0 (nothing left at error level once fixed); stderr %q", r.code, r.stderr)
	}

	r = rppWith(t, bytes.NewReader(data), nil, "check", "--fix", "-")
	if r.code != 0 || !strings.HasPrefix(r.stdout, "# ") || strings.Contains(r.stdout, "SIP_CONTACT_OVERRIDE_STR: \"sip:") {
		t.Errorf("--fix -: exit %d, stdout:\n%s\nstderr %q; want the fixed file", r.code, r.stdout, r.stderr)
	}
	if r := runRpp(t, "check", "--fix"); r.code != 2 || !strings.Contains(r.stderr, "--fix needs a FILE") {
		t.Errorf("--fix with no file at a terminal: exit %d, stderr %q", r.code, r.stderr)
	}
}

// TestFixRefusedLeavesTheFile: a fix that cannot be applied safely (here
// through a YAML alias, which would change both RMXs that share it) is
// refused, said so, and the file is left exactly as it was.
func TestFixRefusedLeavesTheFile(t *testing.T) {
	data, err := examples.FS.ReadFile("single-site.yaml")
	if err != nil {
		t.Fatal(err)
	}
	text := strings.Replace(string(data), "      flags:\n        SIP_CONTACT_OVERRIDE_STR: \"rpp.fabrikam.com@", "      flags: &flags\n        SIP_CONTACT_OVERRIDE_STR: \"SIP:rpp.fabrikam.com@", 1)
	text = strings.Replace(text, "        iceMethod: legacy\n", "        iceMethod: legacy\n      flags: *flags\n", 1)
	if !strings.Contains(text, "*flags") || !strings.Contains(text, "&flags") {
		t.Fatal("single-site.yaml changed; update this test")
	}
	file := filepath.Join(t.TempDir(), "aliased.yaml")
	if err := os.WriteFile(file, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	r := runRpp(t, "check", "--fix", file)
	if now, _ := os.ReadFile(file); string(now) != text {
		t.Error("a refused fix changed the file")
	}
	if r.code != 2 || !strings.Contains(r.stderr, "rpp: "+file+":") || !strings.Contains(r.stderr, "(no fix applied; the file is unchanged)") {
		t.Errorf("exit %d, stderr %q; want 2 and why no fix was applied", r.code, r.stderr)
	}
}
