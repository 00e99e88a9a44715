package rpp

import (
	"context"
	"fmt"
	"path/filepath"
	"reflect"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/rppkit/rppkit/dma"
	"github.com/rppkit/rppkit/internal/suggest"
	"github.com/rppkit/rppkit/rmx"
)

// ConfigFileName is the configuration file rpp check looks for beside each
// deployment file.
const ConfigFileName = ".rpp.yaml"

// ConfigBeside returns the path of the configuration file that belongs to
// the deployment file at path: ConfigFileName in the same directory.
func ConfigBeside(path string) string {
	return filepath.Join(filepath.Dir(path), ConfigFileName)
}

// Config is a configuration file (.rpp.yaml): what a team decides about
// the checks once, for deployment files they may not be able to edit.
//
//	severity:                  # per rule: error, warning, info or off
//	  rmx-encryption: error
//	  lync-pool-extra: off
//	ignore:                    # per object name, as findings name them
//	  rmx/rmx-east:
//	    dma-rmx-untested-pair:
//	      reason: "tested in the lab with Polycom support, case 4711"
//	      expires: 2027-03-31
//	releasePairs:              # extends the DMA/RMX release table
//	  - {dma: "6.2", rmx: "8.7.1", status: tested, source: "our lab, May 2026"}
//
// docs/rpp-config.schema.json is its JSON Schema.
type Config struct {
	// File is where the configuration was read from; "" when built in
	// code.
	File string
	// Severity maps rule IDs to the severity their findings are given
	// instead of the rule's own, or to Off.
	Severity map[string]Override
	// Suppressions are the ignore: section, each with Source InConfig and
	// an object name as Target.
	Suppressions []Suppression
	// ReleasePairs extend the table of DMA/RMX release pairs (the
	// releasePairs: section): pairs a site tested itself, or found to fail.
	// Check appends them to Options.ReleasePairs (or dma.ReleasePairs()).
	ReleasePairs []dma.ReleasePair
}

// Override is a severity override of a Config: a severity, or Off.
type Override struct {
	// Off turns the rule off: it does not run, as with rpp check
	// --disable.
	Off      bool
	Severity Severity
}

// String returns "off" or the severity.
func (o Override) String() string {
	if o.Off {
		return "off"
	}
	return o.Severity.String()
}

// configKeys are the top-level keys of a configuration file; the JSON
// Schema documents each (a test keeps them in step).
func configKeys() []string { return []string{"severity", IgnoreKey, "releasePairs"} }

// ConfigKeys returns the keys a configuration file may hold: the top
// level's and, under "ignore.OBJECT.RULE-ID", a suppression's. For tools
// (and the schema test) that must stay in step with LoadConfig.
func ConfigKeys() (top, suppression []string) { return configKeys(), suppressionKeys() }

// enabled returns rules without those c turns off.
func (c *Config) enabled(rules []*Rule) []*Rule {
	if c == nil {
		return rules
	}
	var out []*Rule
	for _, r := range rules {
		if !c.Severity[r.ID].Off {
			out = append(out, r)
		}
	}
	return out
}

// override gives findings the severities c sets for their rules.
func (c *Config) override(findings []Finding) {
	if c == nil {
		return
	}
	for i := range findings {
		if o, ok := c.Severity[findings[i].Rule]; ok && !o.Off {
			findings[i].Severity = o.Severity
		}
	}
}

// LoadConfig reads the configuration file at path; see ParseConfig.
func LoadConfig(ctx context.Context, path string) (*Config, error) {
	data, err := ReadFile(ctx, path)
	if err != nil {
		return nil, err
	}
	return ParseConfig(ctx, path, data)
}

// ParseConfig decodes a configuration file from data, naming positions
// after file. It is as strict as Parse: an unknown key, an unknown rule ID
// or severity, a suppression without a reason, of a rule that is not
// ignorable or with a bad date are errors, reported together as a
// *DecodeError with each one's line and key path. An empty file (or one of
// comments) is an empty configuration.
func ParseConfig(ctx context.Context, file string, data []byte) (*Config, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	d := newDecoder(ctx, file, DefaultMaxNodes)
	cfg := d.config(data)
	if _, err := d.result(nil); err != nil {
		return nil, err
	}
	return cfg, nil
}

func (d *decoder) config(data []byte) *Config {
	cfg := &Config{File: d.file}
	text, ok := d.text(data)
	if !ok {
		return nil
	}
	doc, onlyComments := d.document(text, "configuration")
	if onlyComments {
		return cfg // nothing configured
	}
	if doc == nil {
		return nil
	}
	top := doc.Content[0]
	if !d.plan(top) {
		return nil
	}
	top = resolve(top)
	if top.Kind == yaml.ScalarNode && top.Tag == "!!null" {
		return cfg
	}
	if top.Kind != yaml.MappingNode {
		d.fail(d.pos(top), fmt.Errorf("%w: the file holds %s; want a mapping with the keys %s", ErrWrongType, describe(top), strings.Join(configKeys(), " and ")))
		return nil
	}
	d.configSections(top, cfg)
	return cfg
}

// configSections reads the top-level mapping of a configuration file.
func (d *decoder) configSections(top *yaml.Node, cfg *Config) {
	d.entries(top, func(k, val *yaml.Node, name string) bool {
		val = resolve(val)
		switch name {
		case "severity":
			cfg.Severity = d.severities(val)
		case IgnoreKey:
			cfg.Suppressions = d.configIgnore(val)
		case "releasePairs":
			cfg.ReleasePairs = d.releasePairs(val)
		default:
			hint := "known here: " + strings.Join(configKeys(), ", ")
			if s := suggest.Closest(name, configKeys()); s != "" {
				hint = "did you mean " + s + "?"
			}
			d.fail(d.pos(k), fmt.Errorf("%w %s (%s)", ErrUnknownField, quoteBounded(name), hint))
		}
		return true
	})
}

// severities reads severity: {RULE-ID: error|warning|info|off}.
func (d *decoder) severities(n *yaml.Node) map[string]Override {
	out := map[string]Override{}
	d.ruleEntries(n, "a mapping (RULE-ID: error|warning|info|off)", func(k, val *yaml.Node, id string) bool {
		val = resolve(val)
		if _, err := d.rules.lookup(id); err != nil {
			d.fail(d.pos(k), err)
		}
		if !d.spend(val, 1) {
			return false
		}
		if o, err := parseOverride(val); err != nil {
			d.fail(d.pos(val), err)
		} else {
			out[id] = o
		}
		return true
	})
	return out
}

// parseOverride reads error, warning, info or off, in any case.
func parseOverride(n *yaml.Node) (Override, error) {
	if n.Kind != yaml.ScalarNode || n.Style&yaml.TaggedStyle != 0 {
		return Override{}, fmt.Errorf("%w: want error, warning, info or off, got %s", ErrWrongType, describe(n))
	}
	if strings.EqualFold(n.Value, "off") {
		return Override{Off: true}, nil
	}
	sev, err := ParseSeverity(n.Value)
	if err != nil {
		return Override{}, fmt.Errorf("%w %s (want error, warning, info or off)", ErrUnknownSeverity, quoteBounded(n.Value))
	}
	return Override{Severity: sev}, nil
}

// configIgnore reads ignore: {OBJECT: {RULE-ID: {reason, expires}}}.
func (d *decoder) configIgnore(n *yaml.Node) []Suppression {
	if !d.spend(n, 1) {
		return nil
	}
	if n.Kind != yaml.MappingNode {
		d.fail(d.pos(n), fmt.Errorf("%w: want a mapping of object names (rmx/NAME: {RULE-ID: {reason: …}}), got %s", ErrWrongType, describe(n)))
		return nil
	}
	var out []Suppression
	d.entries(n, func(k, val *yaml.Node, object string) bool {
		if strings.TrimSpace(object) == "" {
			d.fail(d.pos(k), fmt.Errorf("%w: an empty object name; write it as findings name it (rmx/NAME, dma/NAME, lync/KIND/NAME)", ErrMissingField))
		} else {
			out = append(out, d.ignoreBlock(val, object, InConfig)...)
		}
		return true
	})
	return out
}

// releasePairs reads releasePairs: [{dma, rmx, status, source}] with the
// deployment decoder's own walk (types, unknown keys, positions), then
// requires every field: a pair without a source is a claim nobody can
// check, and one without a status says nothing.
func (d *decoder) releasePairs(n *yaml.Node) []dma.ReleasePair {
	var pairs []dma.ReleasePair
	before := len(d.errs)
	d.noIgnore = true // suppressions belong in the ignore: section
	d.value(n, reflect.ValueOf(&pairs).Elem())
	d.noIgnore = false
	if len(d.errs) > before {
		return nil
	}
	for i, p := range pairs {
		mark := d.pushIndex(i)
		item := d.recorded()
		missing := func(field string) {
			m := d.pushKey(field)
			d.fail(item, fmt.Errorf("%w: a release pair needs dma, rmx, status and source", ErrMissingField))
			d.pop(m)
		}
		if p.DMA.IsZero() {
			missing("dma")
		}
		if p.RMX == "" {
			missing("rmx")
		} else if _, err := rmx.ParseVersion(p.RMX); err != nil {
			m := d.pushKey("rmx")
			d.fail(d.recorded(), err)
			d.pop(m)
		}
		if p.Status == "" {
			missing("status")
		}
		if strings.TrimSpace(p.Source) == "" {
			missing("source")
		}
		d.pop(mark)
	}
	return pairs
}

// recorded returns where the field at d.path was written, as record noted.
func (d *decoder) recorded() Position {
	lc, ok := d.at[pathHash(d.path)]
	if !ok {
		return Position{File: d.file}
	}
	return Position{File: d.file, Line: int(lc >> 32), Column: int(uint32(lc))}
}
