package rpp

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	"github.com/santhosh-tekuri/jsonschema/v6"
	"go.yaml.in/yaml/v3"

	"github.com/rppkit/rppkit/dma"
	"github.com/rppkit/rppkit/rmx"
)

func configSchema(t *testing.T) (*jsonschema.Schema, map[string]any) {
	t.Helper()
	const url = "mem:///rpp-config.schema.json"
	f, err := os.Open(filepath.Join("..", "docs", "rpp-config.schema.json"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	doc, err := jsonschema.UnmarshalJSON(f)
	if err != nil {
		t.Fatal(err)
	}
	c := jsonschema.NewCompiler()
	c.AssertFormat()
	if err := c.AddResource(url, doc); err != nil {
		t.Fatal(err)
	}
	sch, err := c.Compile(url)
	if err != nil {
		t.Fatal(err)
	}
	return sch, doc.(map[string]any)
}

// plain turns a YAML tree into the JSON value a schema validates: every
// scalar is text, as LoadConfig reads it (so an unquoted date stays
// "2027-03-31", not a timestamp).
func plain(n *yaml.Node) any {
	switch n.Kind {
	case yaml.DocumentNode:
		return plain(n.Content[0])
	case yaml.MappingNode:
		m := map[string]any{}
		for i := 0; i+1 < len(n.Content); i += 2 {
			m[n.Content[i].Value] = plain(n.Content[i+1])
		}
		return m
	case yaml.SequenceNode:
		var l []any
		for _, c := range n.Content {
			l = append(l, plain(c))
		}
		return l
	}
	if n.Tag == "!!null" {
		return nil
	}
	return n.Value
}

func yamlValue(t *testing.T, text string) any {
	t.Helper()
	var n yaml.Node
	if err := yaml.Unmarshal([]byte(text), &n); err != nil {
		t.Fatal(err)
	}
	return plain(&n)
}

// TestConfigSchema: the example configuration is valid for both the schema
// and ParseConfig, and each mistake is refused by both.
func TestConfigSchema(t *testing.T) {
	sch, _ := configSchema(t)
	example, err := os.ReadFile(filepath.Join("..", "docs", "rpp-config.example.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	if err := sch.Validate(yamlValue(t, string(example))); err != nil {
		t.Errorf("the example is not valid for the schema: %v", err)
	}
	cfg, err := ParseConfig(context.Background(), "rpp-config.example.yaml", example)
	if err != nil {
		t.Fatalf("ParseConfig(example): %v", err)
	}
	if len(cfg.Severity) != 2 || len(cfg.Suppressions) != 2 || len(cfg.ReleasePairs) != 1 {
		t.Errorf("example read as %+v", cfg)
	}
	for _, bad := range []string{
		"severity: {rmx-encryption: fatal}",
		"severity: {rmx-encryption: [error]}",
		"serverity: {}",
		"ignore: {rmx/rmx1: {rmx-encryption: {expires: 2027-03-31}}}",
		"ignore: {rmx/rmx1: {rmx-encryption: {reason: \"\"}}}",
		"ignore: {rmx/rmx1: {rmx-encryption: {reason: x, expires: 2027-13-45}}}",
		"ignore: {rmx/rmx1: {rmx-encryption: {reason: x, until: 2027-01-01}}}",
		"ignore: {rmx/rmx1: [rmx-encryption]}",
		"releasePairs: [{dma: \"6.2\", rmx: \"8.7.1\", status: tested}]",
		"releasePairs: [{dma: \"6.2\", rmx: \"8.7.1\", status: works, source: lab}]",
		"releasePairs: [{dma: \"6.2\", rmx: \"8.x\", status: tested, source: lab}]",
		"releasePairs: [{dma: \"6.2\", rmx: \"8.7.1\", status: tested, source: lab, note: x}]",
		"releasePairs: {dma: \"6.2\"}",
	} {
		if err := sch.Validate(yamlValue(t, bad)); err == nil {
			t.Errorf("the schema accepts %q", bad)
		}
		if _, err := ParseConfig(context.Background(), "c.yaml", []byte(bad)); err == nil {
			t.Errorf("ParseConfig accepts %q", bad)
		}
	}
}

// TestConfigSchemaInStep: the schema documents exactly the keys
// ParseConfig reads, and the severities it takes.
func TestConfigSchemaInStep(t *testing.T) {
	_, doc := configSchema(t)
	keys := func(v any) []string {
		var out []string
		for k := range v.(map[string]any) {
			out = append(out, k)
		}
		slices.Sort(out)
		return out
	}
	top, sup := ConfigKeys()
	slices.Sort(top)
	slices.Sort(sup)
	if diff := cmp.Diff(top, keys(doc["properties"])); diff != "" {
		t.Errorf("top-level keys (-ParseConfig +schema):\n%s", diff)
	}
	defs := doc["$defs"].(map[string]any)
	if diff := cmp.Diff(sup, keys(defs["suppression"].(map[string]any)["properties"])); diff != "" {
		t.Errorf("suppression keys (-ParseConfig +schema):\n%s", diff)
	}
	// releasePairs items are read into dma.ReleasePair by its yaml tags.
	var pairKeys []string
	pt := reflect.TypeFor[dma.ReleasePair]()
	for i := 0; i < pt.NumField(); i++ {
		if name, _, _ := strings.Cut(pt.Field(i).Tag.Get("yaml"), ","); name != "" && name != "-" {
			pairKeys = append(pairKeys, name)
		}
	}
	slices.Sort(pairKeys)
	if diff := cmp.Diff(pairKeys, keys(defs["releasePair"].(map[string]any)["properties"])); diff != "" {
		t.Errorf("release pair keys (-dma.ReleasePair +schema):\n%s", diff)
	}
	props := doc["properties"].(map[string]any)
	enum := props["severity"].(map[string]any)["additionalProperties"].(map[string]any)["enum"]
	var want []any
	for _, s := range []string{"error", "warning", "info", "off"} {
		want = append(want, s)
		if _, err := parseOverride(&yaml.Node{Kind: yaml.ScalarNode, Value: s}); err != nil {
			t.Errorf("ParseConfig refuses severity %s: %v", s, err)
		}
	}
	if diff := cmp.Diff(want, enum); diff != "" {
		t.Errorf("severities (-want +schema):\n%s", diff)
	}
	for _, obj := range []map[string]any{props, defs["suppression"].(map[string]any)["properties"].(map[string]any),
		defs["releasePair"].(map[string]any)["properties"].(map[string]any)} {
		for k, d := range obj {
			if s, _ := d.(map[string]any)["description"].(string); s == "" {
				t.Errorf("schema key %s has no description", k)
			}
		}
	}
}

func TestParseConfigErrors(t *testing.T) {
	for _, tc := range []struct {
		name, text string
		is         error
		line       int
		want       string
	}{
		{"unknown key", "severity: {}\nignores: {}", ErrUnknownField, 2, "did you mean ignore?"},
		{"unknown rule", "severity:\n  rmx-encrypton: error", ErrUnknownRule, 2, "did you mean rmx-encryption?"},
		{"unknown severity", "severity:\n  rmx-encryption: fatal", ErrUnknownSeverity, 2, "want error, warning, info or off"},
		{"severity twice", "severity:\n  rmx-encryption: error\n  rmx-encryption: info", ErrDuplicateKey, 3, "first at line 2"},
		{"no reason", "ignore:\n  rmx/rmx1:\n    rmx-encryption: {expires: 2027-01-01}", ErrMissingField, 3, "rmx-encryption needs a reason"},
		{"not ignorable", "ignore:\n  rmx/rmx1:\n    cert-wildcard: {reason: x}", ErrNotIgnorable, 3, "cert-wildcard"},
		{"bad date", "ignore:\n  rmx/rmx1:\n    rmx-encryption: {reason: x, expires: soon}", ErrInvalidDate, 3, "soon"},
		{"not a mapping", "- severity", ErrWrongType, 1, "want a mapping"},
		{"syntax", "severity: {", ErrSyntax, 1, ""},
		{"two documents", "severity: {}\n---\nignore: {}", ErrSyntax, 2, "second YAML document"},
		{"pair without source", "releasePairs:\n  - {dma: \"6.2\", rmx: \"8.7.1\", status: tested}", ErrMissingField, 2, "releasePairs[0].source: required field missing"},
		{"pair with a bad status", "releasePairs:\n  - dma: \"6.2\"\n    status: works", dma.ErrUnknownPairStatus, 3, "works"},
		{"pair with a bad RMX release", "releasePairs:\n  - dma: \"6.2\"\n    rmx: 8.x\n    status: fails\n    source: lab", rmx.ErrInvalidVersion, 3, "releasePairs[0].rmx"},
		{"pair with an unknown key", "releasePairs:\n  - {dma: \"6.2\", rmx: \"8.7.1\", status: tested, source: lab, ignore: {}}", ErrUnknownField, 2, "ignore"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := ParseConfig(context.Background(), ".rpp.yaml", []byte(tc.text))
			var de *DecodeError
			if !errors.As(err, &de) || !errors.Is(err, tc.is) {
				t.Fatalf("ParseConfig = %v; want a *DecodeError wrapping %v", err, tc.is)
			}
			fe := de.Errs[0]
			if fe.Pos.File != ".rpp.yaml" || fe.Pos.Line != tc.line || !strings.Contains(fe.Error(), tc.want) {
				t.Errorf("error %q at line %d; want line %d, %q", fe.Error(), fe.Pos.Line, tc.line, tc.want)
			}
		})
	}
	for _, empty := range []string{"", "# nothing yet\n", "~"} {
		cfg, err := ParseConfig(context.Background(), ".rpp.yaml", []byte(empty))
		if err != nil || len(cfg.Severity) != 0 || len(cfg.Suppressions) != 0 {
			t.Errorf("ParseConfig(%q) = %+v, %v; want an empty configuration", empty, cfg, err)
		}
	}
}

// TestConfigSeverity: an override changes its rule's findings and no
// other's; off stops the rule.
func TestConfigSeverity(t *testing.T) {
	d, err := Parse("s.yaml", singleSiteWith(t, profileLine, weakEncryption))
	if err != nil {
		t.Fatal(err)
	}
	severities := func(cfgText string) map[string]Severity {
		t.Helper()
		cfg, err := ParseConfig(context.Background(), ".rpp.yaml", []byte(cfgText))
		if err != nil {
			t.Fatal(err)
		}
		r := Check(context.Background(), d, Options{Config: cfg})
		out := map[string]Severity{}
		for _, f := range r.Findings {
			out[f.Rule] = f.Severity
		}
		return out
	}
	for _, tc := range []struct {
		cfg  string
		want map[string]Severity
	}{
		{"", map[string]Severity{"rmx-encryption": Warning}},
		{"severity: {rmx-encryption: error}", map[string]Severity{"rmx-encryption": Error}},
		{"severity: {rmx-encryption: INFO}", map[string]Severity{"rmx-encryption": Info}},
		{"severity: {cert-wildcard: warning}", map[string]Severity{"rmx-encryption": Warning}},
		{"severity: {rmx-encryption: off}", map[string]Severity{}},
		{"severity: {cert-wildcard: off}", map[string]Severity{"rmx-encryption": Warning}},
	} {
		if diff := cmp.Diff(tc.want, severities(tc.cfg)); diff != "" {
			t.Errorf("%q: findings' severities (-want +got):\n%s", tc.cfg, diff)
		}
	}
}

// TestLoadConfigSuppresses reads a configuration file from disk and checks
// with it: its suppression by object name silences the finding.
func TestLoadConfigSuppresses(t *testing.T) {
	path := filepath.Join(t.TempDir(), ConfigFileName)
	text := "ignore:\n  rmx/rmx1:\n    rmx-encryption: {reason: \"lab RMX\", expires: 2099-12-31}\n"
	if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	cfg, err := LoadConfig(context.Background(), path)
	if err != nil {
		t.Fatal(err)
	}
	want := []Suppression{{Rule: "rmx-encryption", Target: "rmx/rmx1", Reason: "lab RMX", Expires: "2099-12-31", Source: InConfig, File: path, Line: 3, Column: 5}}
	if diff := cmp.Diff(want, cfg.Suppressions); diff != "" {
		t.Errorf("suppressions (-want +got):\n%s", diff)
	}
	d, err := Parse("s.yaml", singleSiteWith(t, profileLine, weakEncryption))
	if err != nil {
		t.Fatal(err)
	}
	r := Check(context.Background(), d, Options{Config: cfg})
	if len(r.Findings) != 1 || r.Findings[0].Suppressed == nil || r.Findings[0].Suppressed.Source != InConfig || r.Summary != (Summary{Suppressed: 1}) {
		t.Errorf("findings %+v, summary %+v", r.Findings, r.Summary)
	}
	if got := ConfigBeside(filepath.Join("a", "b", "d.yaml")); got != filepath.Join("a", "b", ConfigFileName) {
		t.Errorf("ConfigBeside = %s", got)
	}
}

// FuzzParseConfig feeds ParseConfig arbitrary bytes: it must never panic,
// and must explain every refusal with a *DecodeError of positioned lines.
func FuzzParseConfig(f *testing.F) {
	example, _ := os.ReadFile(filepath.Join("..", "docs", "rpp-config.example.yaml"))
	f.Add(example)
	for _, s := range []string{"", "~", "[]", "severity: {rmx-encryption: off}", "severity: {x: y}", "ignore: {rmx/a: {rmx-encryption: {reason: r}}}",
		"ignore: {\"\": {}}", "ignore: {a: &x {rmx-encryption: *x}}", "severity: {}\n---\n", "a: !!str b", "ignore: {a: {cert-wildcard: {reason: r}}}"} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		cfg, err := ParseConfig(context.Background(), "c.yaml", data)
		if err != nil {
			var de *DecodeError
			if !errors.As(err, &de) || len(de.Errs) == 0 {
				t.Fatalf("error %v (%T) is not a non-empty *DecodeError", err, err)
			}
			for _, fe := range de.Errs {
				if fe.Err == nil || fe.Pos.File != "c.yaml" || strings.ContainsAny(fe.Error(), "\n\r") {
					t.Fatalf("bad FieldError %#v: %q", fe, fe.Error())
				}
			}
			return
		}
		for _, s := range cfg.Suppressions {
			if s.Reason == "" || s.Source != InConfig || s.Line == 0 {
				t.Fatalf("accepted a suppression without reason or position: %+v", s)
			}
		}
	})
}

// TestConfigReleasePairs: a pair in the configuration extends the table
// the release rules read; without it the pair is unknown.
func TestConfigReleasePairs(t *testing.T) {
	d := load(t, "two-site.yaml")
	d.RPP.DMA[0].Version = dma.MustParseVersion("6.2.1")
	for _, tc := range []struct {
		cfg  string
		want []string
	}{
		{"", []string{"dma-rmx-pair-unknown"}},
		{"releasePairs: [{dma: \"6.2\", rmx: \"8.7.1\", status: tested, source: \"our lab\"}]", nil},
		{"releasePairs: [{dma: \"6.1\", rmx: \"8.7.1\", status: tested, source: \"our lab\"}]", []string{"dma-rmx-pair-unknown"}},
	} {
		cfg, err := ParseConfig(context.Background(), ".rpp.yaml", []byte(tc.cfg))
		if err != nil {
			t.Fatal(err)
		}
		r := Check(context.Background(), d, Options{Config: cfg})
		if diff := cmp.Diff(tc.want, fired(r), cmpopts.EquateEmpty()); diff != "" {
			t.Errorf("%q: findings (-want +got):\n%s", tc.cfg, diff)
		}
	}
}
