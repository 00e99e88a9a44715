package lab_test

import (
	"context"
	"io/fs"
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
	thirdparty.RequireMermaidCLI(t)
	defer goleak.VerifyNone(t, goleak.IgnoreCurrent())
	names, err := fs.Glob(examples.FS, "*.yaml")
	if err != nil {
		t.Fatal(err)
	}
	var ladders []string
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
		var b strings.Builder
		if err := res.WriteMermaid(&b); err != nil {
			t.Fatal(err)
		}
		ladders = append(ladders, b.String())
	}
	for i, svg := range thirdparty.RenderMermaid(t, ladders) {
		if !strings.Contains(svg, "<svg") || !strings.Contains(svg, "200 OK") && !strings.Contains(svg, "refused") {
			t.Errorf("ladder %d does not look like a rendered ladder", i+1)
		}
	}
}
