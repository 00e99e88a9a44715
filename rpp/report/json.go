package report

import (
	"encoding/json"
	"fmt"
	"io"

	"github.com/rppkit/rppkit/rpp"
)

// JSONSchemaVersion is the version of the shape WriteJSON writes. Keys are
// only ever added; a change that renames or removes one would change it.
const JSONSchemaVersion = 1

// jsonReport is the contract of `rpp check --format json`: one object for
// all the inputs. The findings and summary keys are the original contract;
// the rest were added without renaming anything.
type jsonReport struct {
	SchemaVersion int           `json:"schemaVersion"`
	Version       string        `json:"version"` // the tool's
	Tool          string        `json:"tool"`
	Inputs        []jsonInput   `json:"inputs"`
	Findings      []rpp.Finding `json:"findings"`
	Summary       rpp.Summary   `json:"summary"`
}

// jsonInput is one input with its status: "checked", "invalid" (could not
// be loaded; problems says why) or "incomplete" (checking stopped; problems
// says why, findings holds what was found).
type jsonInput struct {
	Name     string      `json:"name"`
	Origin   Origin      `json:"origin"`
	Status   Status      `json:"status"`
	Problems []Problem   `json:"problems"`
	Summary  rpp.Summary `json:"summary"`
}

// WriteJSON writes one JSON object:
//
//	{"schemaVersion": 1, "version": "v1.2.3", "tool": "rpp",
//	 "inputs": [{"name": "a.yaml", "origin": "file", "status": "checked",
//	             "problems": [], "summary": {…}},
//	            {"name": "b.yaml", "origin": "file", "status": "invalid",
//	             "problems": [{"file": "b.yaml", "line": 3, "column": 5,
//	                           "field": "rpp.rmx[0].version", "message": "…"}],
//	             "summary": {…}}],
//	 "findings": [{"rule": …, "severity": "error|warning|info", "object": …,
//	               "field": …, "file": …, "line": …, "column": …,
//	               "message": …, "fix": …, "fixes": [{"message": …,
//	               "edits": [{"field": …, "value": …}]}], "docUrl": …,
//	               "suppressed": {"rule": …, "target": …, "reason": …,
//	                              "expires": "YYYY-MM-DD", "source": "deployment|config",
//	                              "file": …, "line": …, "column": …}}],
//	 "summary": {"errors": N, "warnings": N, "info": N, "suppressed": N}}
//
// Lists are [] rather than null when empty. A suppressed finding is listed
// with its suppression and counted only under "suppressed".
func WriteJSON(w io.Writer, inputs []Input, opts Options) error {
	rep := jsonReport{SchemaVersion: JSONSchemaVersion, Version: opts.tool().Version, Tool: opts.tool().Name,
		Inputs: []jsonInput{}, Findings: []rpp.Finding{}}
	for _, in := range inputs {
		ji := jsonInput{Name: in.Name, Origin: in.Origin, Status: in.Status(), Problems: in.Problems()}
		if ji.Problems == nil {
			ji.Problems = []Problem{}
		}
		for _, f := range in.Report.Findings {
			rep.Findings = append(rep.Findings, f)
			rep.Summary.Count(f)
			ji.Summary.Count(f)
		}
		rep.Inputs = append(rep.Inputs, ji)
	}
	return EncodeJSON(w, rep)
}

// EncodeJSON writes v indented, leaving <, > and & as they are: the output
// is read by people and tools, never embedded in HTML.
func EncodeJSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return fmt.Errorf("encoding JSON: %w", err)
	}
	return nil
}
