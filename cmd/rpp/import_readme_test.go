package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/rppkit/rppkit/lync/shell"
)

// TestImportREADME: the README shows the snippet rpp import --help prints,
// and the import of the East/West example as rpp import prints it.
func TestImportREADME(t *testing.T) {
	b, err := os.ReadFile(filepath.Join("..", "..", "README.md"))
	if err != nil {
		t.Fatal(err)
	}
	readme := string(b)
	_, block, ok := strings.Cut(readme, "<!-- rpp import snippet -->\n```powershell\n")
	block, _, ok2 := strings.Cut(block, "```\n<!-- end of rpp import snippet -->")
	if !ok || !ok2 {
		t.Fatal("README.md has no rpp import snippet block")
	}
	if block != shell.CollectScript {
		t.Errorf("README.md's snippet differs from shell.CollectScript:\n%s", block)
	}

	const cmd = "$ rpp import lync --into deployment.yaml rpp-lync.txt trusted-applications.txt\n"
	_, shown, ok := strings.Cut(readme, cmd)
	shown, _, ok2 = strings.Cut(shown, "```")
	if !ok || !ok2 {
		t.Fatalf("README.md does not show %q in a code block", cmd)
	}
	dir := filepath.Join("..", "..", "examples", "shell", "east-west-misconfigured")
	into := filepath.Join(t.TempDir(), "deployment.yaml")
	src, err := os.ReadFile(filepath.Join(dir, "deployment.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(into, src, 0o644); err != nil {
		t.Fatal(err)
	}
	r := runRpp(t, "import", "lync", "--into", into, filepath.Join(dir, "rpp-lync.txt"), filepath.Join(dir, "trusted-applications.txt"))
	if r.code != 0 {
		t.Fatalf("exit %d: %s", r.code, r.stderr)
	}
	got := strings.ReplaceAll(r.stderr+r.stdout, dir+string(filepath.Separator), "")
	got = strings.ReplaceAll(got, into, "deployment.yaml")
	if strings.TrimSpace(shown) != strings.TrimSpace(got) {
		t.Errorf("README.md shows:\n%s\nrpp import prints:\n%s", shown, got)
	}
}
