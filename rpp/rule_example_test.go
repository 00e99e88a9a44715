package rpp

import (
	"context"
	"errors"
	"slices"
	"strings"
	"testing"
)

// TestRuleExamples holds each rule's page to what it shows: every rule has
// an example; its failing file makes the rule fire, and its passing file
// does not, nor does it bring findings the base file does not have.
func TestRuleExamples(t *testing.T) {
	for _, r := range Catalogue() {
		t.Run(r.ID, func(t *testing.T) {
			e := r.Example
			if e == nil {
				t.Fatalf("rule %s has no Example (rpp/rule_examples_*.go)", r.ID)
			}
			for _, side := range []bool{false, true} {
				for i, ed := range e.edits(side) {
					if !strings.HasSuffix(ed.Find, "\n") || (ed.Replace != "" && !strings.HasSuffix(ed.Replace, "\n")) {
						t.Errorf("%s edit %d (passing %v) does not end its lines with a line break", r.ID, i+1, side)
					}
				}
			}
			if len(e.Failing) == 0 || len(e.Passing) == 0 {
				t.Fatalf("rule %s's example needs failing and passing edits", r.ID)
			}
			base := rulesFired(t, e.Base, nil)
			failing := rulesFired(t, e.Base, e, false)
			if !slices.Contains(failing, r.ID) {
				t.Errorf("the failing example of %s makes it fire nothing; it fired %q", r.ID, failing)
			}
			for _, id := range rulesFired(t, e.Base, e, true) {
				if id == r.ID {
					t.Errorf("the passing example of %s still makes it fire", r.ID)
				} else if !slices.Contains(base, id) {
					t.Errorf("the passing example of %s makes %s fire, which %s does not", r.ID, id, e.Base)
				}
			}
		})
	}
}

// rulesFired checks base as it is (e nil) or with e's failing or passing
// edits, and returns the IDs of the rules with unsuppressed findings.
func rulesFired(t *testing.T, base string, e *Example, passing ...bool) []string {
	t.Helper()
	var data []byte
	var err error
	if e == nil {
		data, err = (&Example{Base: base}).File(false)
	} else {
		data, err = e.File(passing[0])
	}
	if err != nil {
		t.Fatal(err)
	}
	d, err := Parse(base, data)
	if err != nil {
		t.Fatalf("%s with the edits: %v", base, err)
	}
	var ids []string
	for _, f := range Check(context.Background(), d, Options{}).Findings {
		if f.Suppressed == nil && !slices.Contains(ids, f.Rule) {
			ids = append(ids, f.Rule)
		}
	}
	return ids
}

func TestExampleEditsApplyToWholeLines(t *testing.T) {
	e := &Example{Base: "single-site.yaml", Failing: []LineEdit{{Find: "fabrikam.com, port: 5061", Replace: "x\n"}}}
	if _, err := e.File(false); !errors.Is(err, ErrEditNotFound) {
		t.Errorf("an edit in the middle of a line: %v, want ErrEditNotFound", err)
	}
	e.Failing[0].Find = "    - {destination: dma.fabrikam.com"
	got, err := e.Snippets(false)
	if err != nil || len(got) != 1 || got[0].Line != 29 {
		t.Errorf("Snippets = %+v, %v; want one at line 29", got, err)
	}
}
