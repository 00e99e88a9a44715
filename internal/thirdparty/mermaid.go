package thirdparty

import (
	"os"
	"os/exec"
	"path/filepath"
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
		t.Skip("mmdc not found in PATH (npm @mermaid-js/mermaid-cli with PUPPETEER_SKIP_DOWNLOAD=1; .ci/run installs it)")
	}
	config = os.Getenv("RPP_PUPPETEER_CONFIG")
	if config != "" {
		return mmdc, config
	}
	if _, err := os.Stat("/usr/bin/chromium"); err != nil {
		t.Skip("no Chromium at /usr/bin/chromium and no RPP_PUPPETEER_CONFIG (Debian package chromium; .ci/run installs it)")
	}
	config = filepath.Join(t.TempDir(), "puppeteer.json")
	if err := os.WriteFile(config, []byte(`{"executablePath": "/usr/bin/chromium", "args": ["--no-sandbox", "--headless=new"]}`), 0o600); err != nil {
		t.Fatal(err)
	}
	return mmdc, config
}
