package thirdparty

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// RequireMermaidCLI returns the Mermaid CLI (mmdc, npm
// @mermaid-js/mermaid-cli) and the puppeteer configuration to run it
// with, or skips t saying what to install. mmdc is found on PATH; the
// configuration in RPP_PUPPETEER_CONFIG, or else one written to a
// temporary directory pointing at /usr/bin/chromium (Debian's chromium:
// the npm package's own browser download cannot be fetched here).
func RequireMermaidCLI(t testing.TB) (mmdc, config string) {
	t.Helper()
	mmdc, err := exec.LookPath("mmdc")
	if err != nil {
		Missing(t, "mmdc not found in PATH (npm @mermaid-js/mermaid-cli with PUPPETEER_SKIP_DOWNLOAD=1; .ci/run installs it)")
	}
	config = os.Getenv("RPP_PUPPETEER_CONFIG")
	if config != "" {
		return mmdc, config
	}
	if _, err := os.Stat("/usr/bin/chromium"); err != nil {
		Missing(t, "no Chromium at /usr/bin/chromium and no RPP_PUPPETEER_CONFIG (Debian package chromium; .ci/run installs it)")
	}
	config = filepath.Join(t.TempDir(), "puppeteer.json")
	if err := os.WriteFile(config, []byte(`{"executablePath": "/usr/bin/chromium", "args": ["--no-sandbox", "--headless=new"]}`), 0o600); err != nil {
		t.Fatal(err)
	}
	return mmdc, config
}

// RenderMermaid renders diagrams (Mermaid texts) with the Mermaid CLI in
// one run, so Chromium starts once, and returns the SVG of each, in order.
// It skips t as RequireMermaidCLI does, and fails it with mmdc's output
// when mmdc refuses a diagram or writes fewer SVGs than diagrams.
func RenderMermaid(t testing.TB, diagrams []string) []string {
	t.Helper()
	mmdc, config := RequireMermaidCLI(t)
	dir := t.TempDir()
	var md strings.Builder
	for i, d := range diagrams {
		fmt.Fprintf(&md, "# diagram %d\n\n```mermaid\n%s\n```\n\n", i+1, strings.TrimRight(d, "\n"))
	}
	in, out := filepath.Join(dir, "diagrams.md"), filepath.Join(dir, "rendered.md")
	if err := os.WriteFile(in, []byte(md.String()), 0o600); err != nil {
		t.Fatal(err)
	}
	if b, err := exec.Command(mmdc, "-p", config, "-i", in, "-o", out).CombinedOutput(); err != nil {
		t.Fatalf("mmdc: %v\n%s\ninput:\n%s", err, b, md.String())
	}
	svgs := make([]string, len(diagrams))
	for i := range diagrams {
		// mmdc numbers the SVGs of a Markdown file from 1, in order.
		b, err := os.ReadFile(filepath.Join(dir, fmt.Sprintf("rendered-%d.svg", i+1)))
		if err != nil {
			t.Fatalf("mmdc wrote no SVG for diagram %d: %v", i+1, err)
		}
		svgs[i] = string(b)
	}
	if all, _ := filepath.Glob(filepath.Join(dir, "rendered-*.svg")); len(all) != len(diagrams) {
		t.Fatalf("mmdc wrote %d SVGs for %d diagrams", len(all), len(diagrams))
	}
	return svgs
}
