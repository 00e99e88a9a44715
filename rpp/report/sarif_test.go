package report

import "testing"

func TestFileURI(t *testing.T) {
	for in, want := range map[string]string{
		"examples/a.yaml":          "examples/a.yaml",
		"../../examples/a.yaml":    "../../examples/a.yaml",
		"with space.yaml":          "with%20space.yaml",
		"c:odd.yaml":               "./c:odd.yaml",
		"/abs/olute.yaml":          "/abs/olute.yaml",
		"per%cent#hash?query.yaml": "per%25cent%23hash%3Fquery.yaml",
	} {
		if got := fileURI(in); got != want {
			t.Errorf("fileURI(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestRuleName(t *testing.T) {
	for in, want := range map[string]string{"cert-wildcard": "CertWildcard", "rc-dma-missing": "RcDmaMissing", "x": "X"} {
		if got := ruleName(in); got != want {
			t.Errorf("ruleName(%q) = %q, want %q", in, got, want)
		}
	}
}
