package main

import (
	"encoding/json"
	"fmt"
	"io"

	"github.com/rppkit/rppkit/rpp"
)

// jsonReport is the contract of `rpp check --format json`: one object for
// all the files, whose findings carry exactly the keys of rpp.Finding's JSON
// encoding (rule, severity, object, field, file, line, message, fix).
type jsonReport struct {
	Findings []rpp.Finding `json:"findings"`
	Summary  rpp.Summary   `json:"summary"`
}

func writeJSON(w io.Writer, results []checked) error {
	// Not nil, so that no findings encode as [] and not as null.
	rep := jsonReport{Findings: []rpp.Finding{}}
	for _, r := range results {
		for _, f := range r.report.Findings {
			rep.Findings = append(rep.Findings, f)
			rep.Summary.Add(f.Severity)
		}
	}
	return encodeJSON(w, rep)
}

// encodeJSON writes v indented, leaving <, > and & as they are: the output
// is read by people and tools, never embedded in HTML.
func encodeJSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return fmt.Errorf("encoding JSON: %w", err)
	}
	return nil
}
