package conformance

import (
	"bytes"
	"embed"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"path"
	"slices"
	"strings"

	"github.com/rppkit/rppkit/rpp"
)

// Level says how binding a case is.
type Level string

// Levels of a case.
const (
	// Must cases state what the guidance requires; failing one is an error.
	Must Level = "must"
	// Should cases state what the guidance recommends; Lenient runs report
	// a failing one as a skip with the reason.
	Should Level = "should"
)

// Case is one conformance case: a stable ID, what it checks and where that
// comes from, its input and the outcome it wants. Cases are data: the JSON
// files under vectors/, one per case, described by case.schema.json.
type Case struct {
	About
	// Input and Want are the subject's input and the outcome wanted; their
	// shape depends on Subject (see case.schema.json).
	Input json.RawMessage `json:"input"`
	Want  json.RawMessage `json:"want"`
}

// About is what a case checks and where that comes from: the part of a
// case that its result repeats.
type About struct {
	// ID is stable: subject/topic/name, such as gruu/rmx-form/strips-scheme.
	// It is the vector's path under vectors/, without .json.
	ID string `json:"id"`
	// Title says in one sentence what the case checks.
	Title string `json:"title"`
	// Subject names the behaviour: gruu, release, ice-settings, pools,
	// static-route or deployment.
	Subject string `json:"subject"`
	Level   Level  `json:"level"`
	// Rules are the catalogue rules the case comes from, if any.
	Rules []string `json:"rules,omitempty"`
	// Source names the guidance the case comes from.
	Source string `json:"source"`
}

//go:embed vectors
var vectors embed.FS

//go:embed case.schema.json
var schema []byte

// Schema returns the JSON Schema (draft 2020-12) that every vector follows,
// for tools that run the vectors without Go.
func Schema() []byte { return bytes.Clone(schema) }

// Vectors returns the vector files, for tools that want them as files.
func Vectors() fs.FS {
	sub, _ := fs.Sub(vectors, "vectors")
	return sub
}

// ErrBadCase is wrapped by the errors Catalogue and LoadCases return for a
// vector that is not a valid case.
var ErrBadCase = errors.New("invalid conformance case")

// Catalogue returns every case of the kit, sorted by ID.
func Catalogue() ([]Case, error) { return LoadCases(Vectors()) }

// LoadCases reads the cases from the .json files of fsys (a tree like
// vectors/), checking each: known fields only, an ID equal to its path, a
// known subject and level, rules of the catalogue, an input and a want.
func LoadCases(fsys fs.FS) ([]Case, error) {
	known := catalogueRuleIDs()
	var cases []Case
	var errs []error
	err := fs.WalkDir(fsys, ".", func(p string, e fs.DirEntry, err error) error {
		if err != nil || e.IsDir() || path.Ext(p) != ".json" {
			return err
		}
		data, err := fs.ReadFile(fsys, p)
		if err != nil {
			return err
		}
		c, err := parseCase(strings.TrimSuffix(p, ".json"), data, known)
		if err != nil {
			errs = append(errs, fmt.Errorf("%s: %w", p, err))
			return nil
		}
		cases = append(cases, c)
		return nil
	})
	if err != nil {
		return nil, err
	}
	if len(errs) > 0 {
		return nil, errors.Join(errs...)
	}
	slices.SortFunc(cases, func(a, b Case) int { return strings.Compare(a.ID, b.ID) })
	return cases, nil
}

func parseCase(id string, data []byte, knownRules map[string]bool) (Case, error) {
	var c Case
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&c); err != nil {
		return c, fmt.Errorf("%w: %v", ErrBadCase, err)
	}
	if c.ID != id {
		return c, fmt.Errorf("%w: id %q is not its path %q", ErrBadCase, c.ID, id)
	}
	return c, c.check(knownRules)
}

// check checks a case as LoadCases does, but for the path: a known subject
// and level, an ID under its subject, rules of the catalogue, an input and a
// want of the subject's shape. The error wraps ErrBadCase.
func (c *Case) check(knownRules map[string]bool) error {
	bad := func(format string, args ...any) error {
		return fmt.Errorf("%w: %s", ErrBadCase, fmt.Sprintf(format, args...))
	}
	switch {
	case kindOf(c.Subject) == nil:
		return bad("unknown subject %q (want %s)", c.Subject, strings.Join(kindNames(), ", "))
	case !strings.HasPrefix(c.ID, c.Subject+"/"):
		return bad("id %q does not begin with its subject %q", c.ID, c.Subject+"/")
	case c.Level != Must && c.Level != Should:
		return bad("level %q (want must or should)", c.Level)
	case c.Title == "" || c.Source == "":
		return bad("no title or source")
	case len(c.Input) == 0 || len(c.Want) == 0:
		return bad("no input or want")
	}
	for _, r := range c.Rules {
		if !knownRules[r] {
			return bad("rule %q is not in the catalogue", r)
		}
	}
	if err := kindOf(c.Subject).validate(c); err != nil {
		return bad("%v", err)
	}
	return nil
}

// checkCases checks cases built in Go (WithCases) as LoadCases checks
// vectors, and that no two share an ID (the ID names the subtest and the
// known-failing entry).
func checkCases(cases []Case) error {
	known := catalogueRuleIDs()
	seen := map[string]bool{}
	var errs []error
	for i := range cases {
		c := &cases[i]
		if err := c.check(known); err != nil {
			errs = append(errs, fmt.Errorf("case %q: %w", c.ID, err))
		} else if seen[c.ID] {
			errs = append(errs, fmt.Errorf("case %q: %w: given twice", c.ID, ErrBadCase))
		}
		seen[c.ID] = true
	}
	return errors.Join(errs...)
}

func catalogueRuleIDs() map[string]bool {
	known := map[string]bool{}
	for _, r := range rpp.Catalogue() {
		known[r.ID] = true
	}
	return known
}

// strictUnmarshal decodes data into v, refusing unknown fields, so that a
// typo in a vector is an error rather than a case that checks nothing.
func strictUnmarshal(data []byte, v any) error {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	return dec.Decode(v)
}
