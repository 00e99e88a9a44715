package report

import (
	"errors"
	"fmt"
	"strings"

	"github.com/rppkit/rppkit/internal/suggest"
	"github.com/rppkit/rppkit/rpp"
)

// UnknownRulesError names the rule IDs a selection gave that no rule has,
// each with the ID that was probably meant. It wraps rpp.ErrUnknownRule.
type UnknownRulesError struct {
	// IDs are the unknown IDs, as given.
	IDs []string
	// Meant holds, for each of IDs, the closest known ID, or "".
	Meant []string
}

func (e *UnknownRulesError) Error() string {
	parts := make([]string, len(e.IDs))
	for i, id := range e.IDs {
		parts[i] = fmt.Sprintf("%q", id)
		if e.Meant[i] != "" {
			parts[i] += " (did you mean " + e.Meant[i] + "?)"
		}
	}
	noun := "rule"
	if len(parts) > 1 {
		noun = "rules"
	}
	return fmt.Sprintf("unknown %s %s; rpp rules lists them", noun, strings.Join(parts, ", "))
}

// Unwrap lets errors.Is(err, rpp.ErrUnknownRule) hold.
func (e *UnknownRulesError) Unwrap() error { return rpp.ErrUnknownRule }

// ErrEmptySelection is returned by SelectRules when the selection leaves
// no rule to run: a check that runs nothing would pass every file.
var ErrEmptySelection = errors.New("the rule selection leaves no rule to run")

// SelectRules returns the rules of rules that a selection keeps, in their
// order: only those named in enable when it is not empty, less those named
// in disable. IDs match without regard to case. Any ID that names no rule
// of rules is an *UnknownRulesError, so a typo never silently runs
// everything (or nothing); a selection that keeps no rule is
// ErrEmptySelection. The command line's --enable and --disable select
// rules through it; a configuration file's "severity: off" is applied by
// rpp.Check afterwards (rpp.Options.Config).
func SelectRules(rules []*rpp.Rule, enable, disable []string) ([]*rpp.Rule, error) {
	ids := make([]string, len(rules))
	for i, r := range rules {
		ids[i] = r.ID
	}
	unknown := &UnknownRulesError{}
	lookup := func(list []string) map[string]bool {
		set := map[string]bool{}
		for _, id := range list {
			known := false
			for _, r := range rules {
				if strings.EqualFold(r.ID, id) {
					set[r.ID], known = true, true
				}
			}
			if !known {
				unknown.IDs = append(unknown.IDs, id)
				unknown.Meant = append(unknown.Meant, suggest.Closest(id, ids))
			}
		}
		return set
	}
	on, off := lookup(enable), lookup(disable)
	if len(unknown.IDs) > 0 {
		return nil, unknown
	}
	var out []*rpp.Rule
	for _, r := range rules {
		if (len(enable) == 0 || on[r.ID]) && !off[r.ID] {
			out = append(out, r)
		}
	}
	if len(out) == 0 {
		return nil, ErrEmptySelection
	}
	return out, nil
}
