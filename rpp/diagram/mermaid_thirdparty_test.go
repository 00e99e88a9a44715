package diagram_test

import (
	"bytes"
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
	thirdparty.RequireMermaidCLI(t)
	defer goleak.VerifyNone(t, goleak.IgnoreCurrent())
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
	texts := make([]string, len(all))
	for i, r := range all {
		texts[i] = string(r.text)
	}
	for i, svg := range thirdparty.RenderMermaid(t, texts) {
		name := all[i].name
		if !strings.Contains(svg, "<svg") || strings.Contains(svg, "Syntax error") {
			t.Errorf("%s: not a rendered diagram", name)
		}
		// Each diagram shows the Front End pool or the AV MCU it was
		// drawn from: the names reached the picture.
		want := "Front End"
		if strings.HasSuffix(name, ".realconnect.mmd") {
			want = "AV MCU"
		}
		if !strings.Contains(svg, want) {
			t.Errorf("%s: the SVG does not show %q", name, want)
		}
	}
}
