package main

import (
	"bytes"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/rppkit/rppkit/lync/shell"
)

var updateImport = flag.Bool("update-import", false, "rewrite the golden files in testdata/import")

// eastWest is the misconfigured East/West fixture: saved Management Shell
// output (UTF-16 from the collecting snippet, and a console copy with
// wrapped values) and the deployment file holding only the rpp: part.
var eastWestDir = filepath.Join("..", "..", "examples", "shell", "east-west-misconfigured")

func eastWestOutputs() []string {
	return []string{filepath.Join(eastWestDir, "rpp-lync.txt"), filepath.Join(eastWestDir, "trusted-applications.txt")}
}

// copyFile copies src into dir with mode, returning the copy's path.
func copyFile(t *testing.T, src, dir string, mode os.FileMode) string {
	t.Helper()
	b, err := os.ReadFile(src)
	if err != nil {
		t.Fatal(err)
	}
	dst := filepath.Join(dir, filepath.Base(src))
	if err := os.WriteFile(dst, b, mode); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(dst, mode); err != nil { // past the umask
		t.Fatal(err)
	}
	return dst
}

// diagnosticLine is how rpp import prints what the reader says: the place,
// the severity, the message; a hint is indented on the line below.
var diagnosticLine = regexp.MustCompile(`^(\S+:\d+: (error|warning|info): .+|    \S.*)$`)

// TestImportEastWestThenCheck is the acceptance test of issue 11: the
// misconfigured East/West topology imported into a deployment file that
// holds only its rpp: part, then checked. The check reports exactly the
// rules the misconfigurations break, and the rpp: part and the comments
// stay as they were.
func TestImportEastWestThenCheck(t *testing.T) {
	dir := t.TempDir()
	orig, err := os.ReadFile(filepath.Join(eastWestDir, "deployment.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	into := copyFile(t, filepath.Join(eastWestDir, "deployment.yaml"), dir, 0o640)

	r := runRpp(t, append([]string{"import", "lync", "--into", into}, eastWestOutputs()...)...)
	if r.code != exitOK {
		t.Fatalf("rpp import = %d, stderr:\n%s", r.code, r.stderr)
	}
	wantSummary := into + ": lync.product replaced; lync.sipDomains: 1 added; lync.sites: 2 added; " +
		"lync.frontEndPools: 2 added; lync.edgePools: 2 added; lync.trustedApplicationPools: 1 added; " +
		"lync.trustedApplications: 1 added; lync.trustedApplicationEndpoints: 1 added; lync.users: 4 added; " +
		"lync.staticRoutes: 1 added\n"
	if r.stdout != wantSummary {
		t.Errorf("stdout:\n%s\nwant\n%s", r.stdout, wantSummary)
	}
	for _, line := range strings.Split(strings.TrimSuffix(r.stderr, "\n"), "\n") {
		if line != "" && !diagnosticLine.MatchString(line) {
			t.Errorf("stderr line %q is not file:line: severity: message (or an indented hint)", line)
		}
	}
	st, err := os.Stat(into)
	if err != nil {
		t.Fatal(err)
	}
	if st.Mode().Perm() != 0o640 {
		t.Errorf("mode after import %v, want the file's own 0640", st.Mode().Perm())
	}
	got, err := os.ReadFile(into)
	if err != nil {
		t.Fatal(err)
	}

	// The rpp: part, with the comments above it, and the file's opening
	// comments are the admin's text, unchanged.
	rppAt := bytes.Index(orig, []byte("\nrpp:")) + 1
	if !bytes.HasSuffix(got, orig[rppAt:]) {
		t.Errorf("the rpp: part changed:\n%s", cmp.Diff(string(orig[rppAt:]), string(got[max(0, len(got)-len(orig)+rppAt):])))
	}
	header := orig[:bytes.Index(orig, []byte("\n\n"))+2]
	if !bytes.HasPrefix(got, header) {
		t.Errorf("the opening comments changed; the file begins\n%s", got[:min(len(got), len(header))])
	}

	// rpp check reports what the topology gets wrong — no more, no less.
	r = runRpp(t, "check", "--format", "json", into)
	if r.code != exitFindings {
		t.Fatalf("rpp check = %d, want 1 (errors); stderr:\n%s", r.code, r.stderr)
	}
	var rep struct {
		Findings []struct {
			Rule, Severity, File string
		}
	}
	if err := json.Unmarshal([]byte(r.stdout), &rep); err != nil {
		t.Fatalf("check's JSON: %v\n%s", err, r.stdout)
	}
	var rules []string
	for _, f := range rep.Findings {
		rules = append(rules, f.Rule)
	}
	slices.Sort(rules)
	want := []string{
		"edge-remote",                  // rmx-west's media goes through East's Edge
		"lync-pool-per-edge",           // one pool, registered to fe-east, for both sites
		"lync-sip-address-conflict",    // the ICE endpoint reuses the legacy user's address
		"lync-static-route-unneeded",   // a route to dma-east with RealConnect only
		"rmx-sip-server-not-registrar", // rmx-west points at fe-west, its pool at fe-east
	}
	if d := cmp.Diff(want, rules); d != "" {
		t.Errorf("rules reported (-want +got):\n%s", d)
	}

	// Importing the same output again changes nothing.
	before := got
	r = runRpp(t, append([]string{"import", "lync", "--into", into}, eastWestOutputs()...)...)
	after, _ := os.ReadFile(into)
	if r.code != exitOK || r.stdout != into+": lync: no change\n" || !bytes.Equal(before, after) {
		t.Errorf("second import = %d, stdout %q; file changed: %v", r.code, r.stdout, !bytes.Equal(before, after))
	}
}

// TestImportGolden: the East/West output, with no --into, prints a new
// deployment file: the lync: part and the rpp: skeleton, and says on
// standard error what is left to fill in.
func TestImportGolden(t *testing.T) {
	r := runRpp(t, append([]string{"import", "lync"}, eastWestOutputs()...)...)
	if r.code != exitOK {
		t.Fatalf("rpp import = %d, stderr:\n%s", r.code, r.stderr)
	}
	golden := filepath.Join("testdata", "import", "east-west.golden.yaml")
	if *updateImport {
		if err := os.WriteFile(golden, []byte(r.stdout), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatal(err)
	}
	if d := cmp.Diff(string(want), r.stdout); d != "" {
		t.Errorf("stdout differs from %s (-want +got):\n%s", golden, d)
	}
	if !strings.Contains(r.stderr, "fill in its rpp: part") || !strings.Contains(r.stderr, "rpp.workflows: required field missing") {
		t.Errorf("stderr does not say the rpp: part is to fill in:\n%s", r.stderr)
	}
}

// TestImportNewFile: --into a file that does not exist creates it.
func TestImportNewFile(t *testing.T) {
	into := filepath.Join(t.TempDir(), "new.yaml")
	r := runRpp(t, append([]string{"import", "lync", "--into", into}, eastWestOutputs()...)...)
	if r.code != exitOK || r.stdout != into+": written with the imported lync: part and an rpp: skeleton to fill in\n" {
		t.Fatalf("rpp import = %d, stdout %q, stderr:\n%s", r.code, r.stdout, r.stderr)
	}
	got, err := os.ReadFile(into)
	if err != nil {
		t.Fatal(err)
	}
	want, _ := os.ReadFile(filepath.Join("testdata", "import", "east-west.golden.yaml"))
	if !bytes.Equal(got, want) {
		t.Errorf("the new file is not what stdout shows without --into:\n%s", cmp.Diff(string(want), string(got)))
	}
}

// TestImportStdin: "-" reads the output from standard input.
func TestImportStdin(t *testing.T) {
	b, err := os.ReadFile(eastWestOutputs()[0])
	if err != nil {
		t.Fatal(err)
	}
	r := rppWith(t, bytes.NewReader(b), nil, "import", "lync", "-", eastWestOutputs()[1])
	if r.code != exitOK || !strings.Contains(r.stdout, "rpp.contoso.com") {
		t.Fatalf("rpp import - = %d, stdout %q, stderr:\n%s", r.code, r.stdout, r.stderr)
	}
	if !strings.Contains(r.stderr, "<stdin>:56: info:") {
		t.Errorf("diagnostics do not name standard input:\n%s", r.stderr)
	}
}

// TestImportExitStatus: usage, unreadable input and partial reads, each
// with its status, and --into never written unless the import was whole.
func TestImportExitStatus(t *testing.T) {
	dir := t.TempDir()
	deployment := filepath.Join(eastWestDir, "deployment.yaml")
	broken := filepath.Join(dir, "broken.yaml")
	if err := os.WriteFile(broken, []byte("rpp: {workflows: [realconnect\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name   string
		args   []string
		code   int
		stdout string // a substring; "" for empty
		stderr string // a substring
		into   string // a --into file that must come out unchanged
	}{
		{"no kind", []string{"import"}, exitInvalid, "", "name the kind of output to read: lync", ""},
		{"unknown kind", []string{"import", "cisco", "x.txt"}, exitInvalid, "", `unknown kind of output cisco (known: lync)`, ""},
		{"flag before kind", []string{"import", "--into", "d.yaml", "lync"}, exitInvalid, "", "name the kind of output first", ""},
		{"no output", []string{"import", "lync"}, exitInvalid, "", "give the saved Management Shell output", ""},
		{"unknown flag", []string{"import", "lync", "--inot", "d.yaml", "x.txt"}, exitInvalid, "", "did you mean --into?", ""},
		{"into stdout", []string{"import", "lync", "--into", "-", "x.txt"}, exitInvalid, "", "--into takes a deployment file", ""},
		{"stdin twice", []string{"import", "lync", "-", "-"}, exitInvalid, "", "read once", ""},
		{"missing file", []string{"import", "lync", filepath.Join(dir, "nope.txt")}, exitInvalid, "", "nope.txt: no such file", ""},
		{"directory", []string{"import", "lync", dir}, exitInvalid, "", "a directory, not a file saved from the Management Shell", ""},
		{"nothing recognised", []string{"import", "lync", filepath.Join("testdata", "import", "unknown-only.txt")}, exitInvalid, "",
			"unknown-only.txt:4: warning: not a record of any cmdlet", ""},
		{"unreadable record, stdout", []string{"import", "lync", filepath.Join("testdata", "import", "unreadable-pool.txt")}, exitFindings,
			"sipDomains: [contoso.com]", "unreadable-pool.txt:14: error: ", ""},
		{"unreadable record, --into", []string{"import", "lync", "--into", "DEPLOYMENT", filepath.Join("testdata", "import", "unreadable-pool.txt")}, exitFindings,
			"", "is unchanged: some records could not be read", deployment},
		{"--into not YAML", []string{"import", "lync", "--into", broken, eastWestOutputs()[0]}, exitInvalid,
			"", "broken.yaml:1:18: not valid YAML or JSON", broken},
		{"--into a directory", []string{"import", "lync", "--into", dir, eastWestOutputs()[0]}, exitInvalid, "", "regular file", ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			args := slices.Clone(tc.args)
			var before []byte
			if tc.into != "" {
				into := copyFile(t, tc.into, t.TempDir(), 0o644)
				for i, a := range args {
					if a == "DEPLOYMENT" || a == tc.into {
						args[i] = into
					}
				}
				before, _ = os.ReadFile(into)
				defer func() {
					after, _ := os.ReadFile(into)
					if !bytes.Equal(before, after) {
						t.Errorf("--into file changed:\n%s", cmp.Diff(string(before), string(after)))
					}
				}()
			}
			r := runRpp(t, args...)
			if r.code != tc.code {
				t.Errorf("exit %d, want %d; stderr:\n%s", r.code, tc.code, r.stderr)
			}
			if tc.stdout == "" && r.stdout != "" || !strings.Contains(r.stdout, tc.stdout) {
				t.Errorf("stdout %q, want it to hold %q", r.stdout, tc.stdout)
			}
			if !strings.Contains(r.stderr, tc.stderr) {
				t.Errorf("stderr:\n%s\nwant it to hold %q", r.stderr, tc.stderr)
			}
		})
	}
}

// TestImportHelp: help prints the usage and the snippet that collects what
// the import reads, on standard output.
func TestImportHelp(t *testing.T) {
	for _, args := range [][]string{{"import", "--help"}, {"import", "-h"}, {"import", "lync", "--help"}, {"import", "lync", "-h", "x.txt"}} {
		r := runRpp(t, args...)
		if r.code != exitOK || r.stderr != "" {
			t.Errorf("rpp %v = %d, stderr %q; want 0 and nothing on stderr", args, r.code, r.stderr)
		}
		if !strings.Contains(r.stdout, "usage: rpp import lync [--into FILE] SHELL-OUTPUT...") || !strings.Contains(r.stdout, shell.CollectScript) {
			t.Errorf("rpp %v printed\n%s\nwant the usage and shell.CollectScript", args, r.stdout)
		}
	}
	if r := runRpp(t, "help"); !strings.Contains(r.stdout, "rpp import lync") {
		t.Errorf("rpp help does not list import:\n%s", r.stdout)
	}
}

// TestImportKeepsEdgeCertificate: no cmdlet prints an Edge pool's internal
// certificate, so the import leaves Edge pools without one; importing again
// into a file where the admin wrote one keeps it as written (a block
// mapping with a comment, a flow mapping), and rpp check judges it.
func TestImportKeepsEdgeCertificate(t *testing.T) {
	into := copyFile(t, filepath.Join(eastWestDir, "deployment.yaml"), t.TempDir(), 0o644)
	if r := runRpp(t, append([]string{"import", "lync", "--into", into}, eastWestOutputs()...)...); r.code != exitOK {
		t.Fatalf("rpp import = %d, stderr:\n%s", r.code, r.stderr)
	}
	imported, err := os.ReadFile(into)
	if err != nil {
		t.Fatal(err)
	}
	edits := strings.NewReplacer(
		"    - {fqdn: edge-east.contoso.com, site: East}\n",
		"    - fqdn: edge-east.contoso.com\n      site: East\n      # from the Certificates snap-in on edge-east01\n      certificate:\n        subject: edge-east01.contoso.com\n",
		"    - {fqdn: edge-west.contoso.com, site: West}\n",
		"    - {fqdn: edge-west.contoso.com, site: West, certificate: {subject: \"CN=edge-west.contoso.com, O=Contoso\"}}\n")
	edited := []byte(edits.Replace(string(imported)))
	if bytes.Equal(edited, imported) || bytes.Count(edited, []byte("certificate:")) != bytes.Count(imported, []byte("certificate:"))+2 {
		t.Fatalf("the imported file no longer has the Edge pools this test edits:\n%s", imported)
	}
	if err := os.WriteFile(into, edited, 0o644); err != nil {
		t.Fatal(err)
	}
	r := runRpp(t, append([]string{"import", "lync", "--into", into}, eastWestOutputs()...)...)
	after, _ := os.ReadFile(into)
	if r.code != exitOK || r.stdout != into+": lync: no change\n" || !bytes.Equal(after, edited) {
		t.Errorf("import = %d, stdout %q; the file changed:\n%s", r.code, r.stdout, cmp.Diff(string(edited), string(after)))
	}
	r = runRpp(t, "check", "--format", "json", into)
	var rep struct {
		Findings []struct{ Rule, Object, Field string }
	}
	if err := json.Unmarshal([]byte(r.stdout), &rep); err != nil {
		t.Fatalf("check's JSON: %v\n%s", err, r.stdout)
	}
	var edge []string
	for _, f := range rep.Findings {
		if f.Rule == "edge-cert-name" {
			edge = append(edge, f.Object+" "+f.Field)
		}
	}
	if want := []string{"lync/edgePool/edge-east.contoso.com lync.edgePools[0].certificate.subject"}; !slices.Equal(edge, want) {
		t.Errorf("edge-cert-name findings %q; want %q", edge, want)
	}
}
