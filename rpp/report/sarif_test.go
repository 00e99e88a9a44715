package report

import "testing"

func TestFileURI(t *testing.T) {
	for in, want := range map[string]string{
		"examples/a.yaml":          "examples/a.yaml",
		"../../examples/a.yaml":    "../../examples/a.yaml",
		"with space.yaml":          "with%20space.yaml",
		"c:odd.yaml":               "./c:odd.yaml",
		"/abs/olute.yaml":          "file:///abs/olute.yaml",
		"/abs/with space.yaml":     "file:///abs/with%20space.yaml",
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

func TestNumericVersion(t *testing.T) {
	for in, want := range map[string]string{
		"v1.2.3": "1.2.3", "v0.0.0-20261128120000-0123456789ab": "0.0.0-20261128120000-0123456789ab",
		"(devel)": "0.0.0-devel", "(devel) 0123abcd+dirty": "0.0.0-devel.0123abcd+dirty", "(unknown)": "0.0.0-unknown", "2.0": "2.0",
	} {
		if got := numericVersion(in); got != want {
			t.Errorf("numericVersion(%q) = %q, want %q", in, got, want)
		}
	}
}
