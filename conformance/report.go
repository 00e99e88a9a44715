package conformance

import (
	"encoding/json"
	"github.com/rppkit/rppkit/internal/junit"
	"io"
	"time"
)

// WriteJSON writes the result as one JSON object: the subject, a summary
// and every case with its status, reason and diff.
func (r *Result) WriteJSON(w io.Writer) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	return enc.Encode(r)
}

// WriteJUnit writes the result as JUnit XML, the report format CI systems
// ingest: one testsuite per subject, one testcase per case, <failure> with
// the diff, <skipped> with the reason.
func (r *Result) WriteJUnit(w io.Writer) error {
	out := &junit.Suites{Name: "rppkit conformance: " + r.Subject}
	index := map[string]int{}
	durations := map[string]time.Duration{}
	var total time.Duration
	for _, c := range r.Cases {
		i, ok := index[c.Subject]
		if !ok {
			i = len(out.Suites)
			index[c.Subject] = i
			out.Suites = append(out.Suites, junit.Suite{Name: c.Subject})
		}
		jc := junit.Case{ClassName: "conformance." + c.Subject, Name: c.ID, Time: junit.Seconds(c.Duration),
			Properties: &junit.Properties{Property: []junit.Property{{Name: "level", Value: string(c.Level)}, {Name: "source", Value: c.Source}}}}
		for _, rule := range c.Rules {
			jc.Properties.Property = append(jc.Properties.Property, junit.Property{Name: "rule", Value: rule})
		}
		switch c.Status {
		case Fail:
			jc.Failure = &junit.Problem{Message: c.Reason, Type: "mismatch", Text: c.Message()}
		case Skip:
			jc.Skipped = &junit.Skipped{Message: c.Reason}
		}
		out.Add(i, jc)
		durations[c.Subject] += c.Duration
		total += c.Duration
	}
	for i := range out.Suites {
		out.Suites[i].Time = junit.Seconds(durations[out.Suites[i].Name])
	}
	out.Time = junit.Seconds(total)
	return out.Write(w)
}
