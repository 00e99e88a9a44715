package rpp

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"go.yaml.in/yaml/v3"

	"github.com/rppkit/rppkit/internal/suggest"
)

// Errors a suppression's FieldError wraps, for errors.Is. A suppression of
// a rule that is not in the catalogue wraps ErrUnknownRule; one without a
// reason wraps ErrMissingField.
var (
	// ErrNotIgnorable is a suppression of a rule whose findings must
	// always be seen (Rule.NotIgnorable).
	ErrNotIgnorable = errors.New("rule cannot be suppressed")
	// ErrInvalidDate is an expires value that is not a date (YYYY-MM-DD).
	ErrInvalidDate = errors.New("not a date (YYYY-MM-DD)")
)

// IgnoreKey is the key that carries suppressions on an object of a
// deployment file, and the top-level key of suppressions in a Config.
const IgnoreKey = "ignore"

// SuppressionSource says where a suppression was written.
type SuppressionSource string

// Where suppressions are written.
const (
	// InDeployment is an ignore: block on an object of the deployment
	// file (SARIF kind "inSource").
	InDeployment SuppressionSource = "deployment"
	// InConfig is the ignore: section of a configuration file (.rpp.yaml),
	// for deployment files the user cannot edit (SARIF kind "external").
	InConfig SuppressionSource = "config"
)

// Suppression silences one rule's findings on one object, for a stated
// reason and, optionally, until a date. A suppressed finding is not gone:
// it stays in the Report with Finding.Suppressed set, so reports can show
// what was silenced and why.
type Suppression struct {
	// Rule is the ID of the rule silenced.
	Rule string `json:"rule"`
	// Target is what is covered. For InDeployment it is the field path of
	// the object that carries the ignore: block (rpp.rmx[0]): it covers the
	// findings whose Field is that path or inside it. For InConfig it is
	// an object name (rmx/rmx-east, lync/pool/pool1.contoso.com): it
	// covers the findings whose Object is that name.
	Target string `json:"target"`
	// Reason says why the finding is acceptable; never empty.
	Reason string `json:"reason"`
	// Expires is the last day (YYYY-MM-DD) the suppression holds; "" for
	// never. From the day after, it no longer suppresses and is itself a
	// finding (suppression-expired).
	Expires string            `json:"expires,omitempty"`
	Source  SuppressionSource `json:"source"`
	// File, Line and Column say where the rule ID was written.
	File   string `json:"file,omitempty"`
	Line   int    `json:"line,omitempty"`
	Column int    `json:"column,omitempty"`
}

// Position returns where the suppression was written.
func (s Suppression) Position() Position {
	return Position{File: s.File, Line: s.Line, Column: s.Column}
}

// Expired reports whether the suppression's last day is before now's
// date (in now's location): a suppression expiring 2027-03-31 holds all
// of that day.
func (s Suppression) Expired(now time.Time) bool {
	return s.Expires != "" && now.Format(time.DateOnly) > s.Expires
}

// Covers reports whether the suppression is about f: the same rule, and
// f's field inside the suppressed object (InDeployment) or f's object the
// one named (InConfig). Expiry is not considered.
func (s Suppression) Covers(f Finding) bool {
	if s.Rule != f.Rule {
		return false
	}
	if s.Source == InConfig {
		return s.Target == f.Object
	}
	return fieldWithin(f.Field, s.Target)
}

// fieldWithin reports whether field is path or a field under it: path
// rpp.rmx[1] holds rpp.rmx[1].sip.transport but not rpp.rmx[10].
func fieldWithin(field, path string) bool {
	if path == "" || !strings.HasPrefix(field, path) {
		return false
	}
	rest := field[len(path):]
	return rest == "" || rest[0] == '.' || rest[0] == '['
}

// Suppressions returns the suppressions written in the deployment file,
// in file order; none for a Deployment built in code.
func (d *Deployment) Suppressions() []Suppression {
	if d == nil || d.src == nil {
		return nil
	}
	return slices.Clone(d.src.suppressions)
}

// suppressionKeys are the keys of one rule's entry in an ignore block.
func suppressionKeys() []string { return []string{"reason", "expires"} }

// ruleIndex is the catalogue by ID, for the rule IDs written in ignore
// blocks and configuration files.
type ruleIndex struct {
	byID map[string]*Rule
	ids  []string
}

func newRuleIndex() *ruleIndex {
	rules := Catalogue()
	ri := &ruleIndex{byID: make(map[string]*Rule, len(rules))}
	for _, r := range rules {
		ri.byID[r.ID] = r
		ri.ids = append(ri.ids, r.ID)
	}
	return ri
}

// lookup returns the rule with exactly this ID (a file is not let off a
// case mistake, as the command line is by LookupRule), or the error
// unknownRule gives.
func (ri *ruleIndex) lookup(id string) (*Rule, error) {
	if r, ok := ri.byID[id]; ok {
		return r, nil
	}
	return nil, unknownRule(id, ri.ids)
}

// ignoreBlock reads n, the value of an ignore key whose own path is
// d.path, as {RULE-ID: {reason: …, expires: YYYY-MM-DD}}, and returns the
// suppressions it holds for target. Every problem is recorded with its
// position and field path (…ignore.RULE-ID), so the message names the
// rule.
func (d *decoder) ignoreBlock(n *yaml.Node, target string, source SuppressionSource) []Suppression {
	var out []Suppression
	d.ruleEntries(resolve(n), "a mapping of rule IDs (RULE-ID: {reason: …})", func(k, val *yaml.Node, id string) bool {
		if s, ok := d.suppression(k, val, id); ok {
			s.Target, s.Source = target, source
			out = append(out, s)
		}
		return true
	})
	return out
}

// ruleEntries walks n, a mapping keyed by rule IDs (an ignore block, the
// configuration's severities), with entries; anything else is an error
// saying what was wanted.
func (d *decoder) ruleEntries(n *yaml.Node, want string, each func(k, val *yaml.Node, id string) bool) {
	if !d.spend(n, 1) {
		return
	}
	if n.Kind != yaml.MappingNode {
		d.fail(d.pos(n), fmt.Errorf("%w: want %s, got %s", ErrWrongType, want, describe(n)))
		return
	}
	if d.rules == nil {
		d.rules = newRuleIndex()
	}
	d.entries(n, each)
}

// suppression reads one rule's entry of an ignore block: k is the rule
// ID's key, val its {reason, expires}.
func (d *decoder) suppression(k, val *yaml.Node, id string) (Suppression, bool) {
	pos := d.pos(k)
	s := Suppression{Rule: id, File: pos.File, Line: pos.Line, Column: pos.Column}
	ok := true
	rule, err := d.rules.lookup(id)
	switch {
	case err != nil:
		d.fail(pos, err)
		ok = false
	case rule.NotIgnorable:
		d.fail(pos, fmt.Errorf("%w: %s must always be seen; fix what it finds instead", ErrNotIgnorable, id))
		ok = false
	}
	val = resolve(val)
	if !d.spend(val, 1) {
		return s, false
	}
	if val.Kind != yaml.MappingNode {
		d.fail(d.pos(val), fmt.Errorf("%w: want a mapping (reason: …, expires: YYYY-MM-DD), got %s", ErrWrongType, describe(val)))
		return s, false
	}
	var reasonKey *yaml.Node
	spent := false
	walked := d.entries(val, func(fk, fv *yaml.Node, name string) bool {
		fv = resolve(fv)
		if !d.spend(fv, 1) {
			spent = true
			return false
		}
		switch name {
		case "reason":
			reasonKey = fk
			if fv.Kind != yaml.ScalarNode || fv.Style&yaml.TaggedStyle != 0 {
				d.fail(d.pos(fv), fmt.Errorf("%w: want text, got %s", ErrWrongType, describe(fv)))
				ok = false
			} else if fv.Tag != "!!null" {
				s.Reason = strings.TrimSpace(fv.Value)
			}
		case "expires":
			if fv.Kind != yaml.ScalarNode || fv.Style&yaml.TaggedStyle != 0 {
				d.fail(d.pos(fv), fmt.Errorf("%w: want a date (YYYY-MM-DD), got %s", ErrWrongType, describe(fv)))
				ok = false
			} else if _, err := time.Parse(time.DateOnly, fv.Value); err != nil || fv.Tag == "!!null" {
				d.fail(d.pos(fv), fmt.Errorf("%w: %s", ErrInvalidDate, quoteBounded(fv.Value)))
				ok = false
			} else {
				s.Expires = fv.Value
			}
		default:
			hint := "known here: " + strings.Join(suppressionKeys(), ", ")
			if sug := suggest.Closest(name, suppressionKeys()); sug != "" {
				hint = "did you mean " + sug + "?"
			}
			d.fail(d.pos(fk), fmt.Errorf("%w %s (%s)", ErrUnknownField, quoteBounded(name), hint))
			ok = false
		}
		return true
	})
	if spent {
		return s, false
	}
	ok = ok && walked
	if s.Reason == "" {
		// The rule ID is in the path, so the message names the rule.
		where, field := pos, "reason"
		if reasonKey != nil {
			where = d.pos(reasonKey)
		}
		mark := d.pushKey(field)
		d.fail(where, fmt.Errorf("%w: a suppression of %s needs a reason (why the finding is acceptable)", ErrMissingField, id))
		d.pop(mark)
		ok = false
	}
	return s, ok
}
