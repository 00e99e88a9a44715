package diagram_test

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"go.uber.org/goleak"

	"github.com/rppkit/rppkit/internal/thirdparty"
	"github.com/rppkit/rppkit/rpp/diagram"
)

// TestMermaidCLIRendersEveryDiagram renders every example's diagrams, and
// those of the deployment with hostile names, with the Mermaid CLI (mmdc,
// npm @mermaid-js/mermaid-cli) in a real Chromium: a parser nobody here
// wrote, which fails on any statement the code gets wrong. All diagrams go
// in one Markdown file so Chromium starts once; mmdc writes one SVG per
// ```mermaid block, and each must hold the names it was drawn from.
//
// thirdparty.RequireMermaidCLI finds mmdc and Chromium, or skips saying
// what to install.
func TestMermaidCLIRendersEveryDiagram(t *testing.T) {
	mmdc, config := thirdparty.RequireMermaidCLI(t)
	defer goleak.VerifyNone(t, goleak.IgnoreCurrent())
	dir := t.TempDir()
	all := renderExamples(t)
	d := hostileDeployment(t)
	var top, flow bytes.Buffer
	if err := diagram.Topology(&top, d); err != nil {
		t.Fatal(err)
	}
	if err := diagram.RealConnectFlow(&flow, d); err != nil {
		t.Fatal(err)
	}
	all = append(all, rendered{"hostile.topology.mmd", top.Bytes()}, rendered{"hostile.realconnect.mmd", flow.Bytes()})

	var md strings.Builder
	for _, r := range all {
		fmt.Fprintf(&md, "# %s\n\n```mermaid\n%s```\n\n", r.name, r.text)
	}
	in, out := filepath.Join(dir, "diagrams.md"), filepath.Join(dir, "rendered.md")
	if err := os.WriteFile(in, []byte(md.String()), 0o600); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(mmdc, "-p", config, "-i", in, "-o", out)
	if b, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("mmdc: %v\n%s", err, b)
	}
	// mmdc numbers the SVGs of a Markdown file from 1, in order.
	for i, r := range all {
		p := filepath.Join(dir, fmt.Sprintf("rendered-%d.svg", i+1))
		b, err := os.ReadFile(p)
		if err != nil {
			t.Errorf("%s: no SVG: %v", r.name, err)
			continue
		}
		svg := string(b)
		if !strings.Contains(svg, "<svg") || strings.Contains(svg, "Syntax error") {
			t.Errorf("%s: %s is not a rendered diagram", r.name, p)
		}
		// Each diagram shows the Front End pool or the DMA it was drawn
		// from: the names reached the picture.
		want := "Front End"
		if strings.HasSuffix(r.name, ".realconnect.mmd") {
			want = "AV MCU"
		}
		if !strings.Contains(svg, want) {
			t.Errorf("%s: the SVG does not show %q", r.name, want)
		}
	}
	if svgs, _ := filepath.Glob(filepath.Join(dir, "rendered-*.svg")); len(svgs) != len(all) {
		t.Errorf("mmdc wrote %d SVGs for %d diagrams", len(svgs), len(all))
	}
}
