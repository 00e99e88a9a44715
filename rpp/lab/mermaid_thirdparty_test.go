package lab_test

import (
	"context"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"go.uber.org/goleak"

	"github.com/rppkit/rppkit/examples"
	"github.com/rppkit/rppkit/internal/thirdparty"
	"github.com/rppkit/rppkit/rpp"
	"github.com/rppkit/rppkit/rpp/lab"
)

// TestMermaidCLIRendersEveryLadder renders the ladder of every example with
// the Mermaid CLI (mmdc, npm @mermaid-js/mermaid-cli) in a real Chromium: a
// parser nobody here wrote, which fails on any statement our escaping lets
// through. All the diagrams go in one Markdown file so Chromium starts once.
//
// thirdparty.RequireMermaidCLI finds mmdc and Chromium, or skips saying
// what to install.
func TestMermaidCLIRendersEveryLadder(t *testing.T) {
	mmdc, config := thirdparty.RequireMermaidCLI(t)
	defer goleak.VerifyNone(t, goleak.IgnoreCurrent())
	dir := t.TempDir()
	names, err := fs.Glob(examples.FS, "*.yaml")
	if err != nil {
		t.Fatal(err)
	}
	var md strings.Builder
	for _, n := range names {
		d, err := rpp.LoadFS(context.Background(), examples.FS, n)
		if err != nil {
			t.Fatal(err)
		}
		res, err := lab.Run(context.Background(), d, lab.Options{})
		if err != nil {
			t.Fatal(err)
		}
		if len(res.Ladder) == 0 {
			continue // nothing reached the wire: no diagram to draw
		}
		fmt.Fprintf(&md, "# %s\n\n```mermaid\n", n)
		if err := res.WriteMermaid(&md); err != nil {
			t.Fatal(err)
		}
		md.WriteString("```\n\n")
	}
	in, out := filepath.Join(dir, "ladders.md"), filepath.Join(dir, "rendered.md")
	if err := os.WriteFile(in, []byte(md.String()), 0o600); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(mmdc, "-p", config, "-i", in, "-o", out)
	if b, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("mmdc: %v\n%s\ninput:\n%s", err, b, md.String())
	}
	svgs, _ := filepath.Glob(filepath.Join(dir, "rendered-*.svg"))
	if want := strings.Count(md.String(), "```mermaid"); len(svgs) != want {
		t.Fatalf("mmdc wrote %d SVGs, want %d", len(svgs), want)
	}
	for _, p := range svgs {
		b, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(string(b), "<svg") || !strings.Contains(string(b), "200 OK") && !strings.Contains(string(b), "refused") {
			t.Errorf("%s does not look like a rendered ladder", p)
		}
	}
}
