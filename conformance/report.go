package conformance

import (
	"encoding/json"
	"encoding/xml"
	"fmt"
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

// JUnit XML, the report format CI systems ingest: one testsuite per
// subject, one testcase per case, <failure> with the diff, <skipped> with
// the reason.
type (
	junitSuites struct {
		XMLName  xml.Name     `xml:"testsuites"`
		Name     string       `xml:"name,attr"`
		Tests    int          `xml:"tests,attr"`
		Failures int          `xml:"failures,attr"`
		Skipped  int          `xml:"skipped,attr"`
		Time     string       `xml:"time,attr"`
		Suites   []junitSuite `xml:"testsuite"`
	}
	junitSuite struct {
		Name     string      `xml:"name,attr"`
		Tests    int         `xml:"tests,attr"`
		Failures int         `xml:"failures,attr"`
		Errors   int         `xml:"errors,attr"`
		Skipped  int         `xml:"skipped,attr"`
		Time     string      `xml:"time,attr"`
		Cases    []junitCase `xml:"testcase"`
	}
	junitCase struct {
		ClassName  string           `xml:"classname,attr"`
		Name       string           `xml:"name,attr"`
		Time       string           `xml:"time,attr"`
		Properties *junitProperties `xml:"properties,omitempty"`
		Failure    *junitFailure    `xml:"failure,omitempty"`
		Skipped    *junitSkipped    `xml:"skipped,omitempty"`
	}
	junitProperties struct {
		Property []junitProperty `xml:"property"`
	}
	junitProperty struct {
		Name  string `xml:"name,attr"`
		Value string `xml:"value,attr"`
	}
	junitFailure struct {
		Message string `xml:"message,attr"`
		Type    string `xml:"type,attr"`
		Text    string `xml:",chardata"`
	}
	junitSkipped struct {
		Message string `xml:"message,attr"`
	}
)

func seconds(d time.Duration) string { return fmt.Sprintf("%.3f", d.Seconds()) }

// WriteJUnit writes the result as JUnit XML.
func (r *Result) WriteJUnit(w io.Writer) error {
	out := junitSuites{Name: "rppkit conformance: " + r.Subject}
	index := map[string]int{}
	var total time.Duration
	for _, c := range r.Cases {
		i, ok := index[c.Subject]
		if !ok {
			i = len(out.Suites)
			index[c.Subject] = i
			out.Suites = append(out.Suites, junitSuite{Name: c.Subject})
		}
		s := &out.Suites[i]
		jc := junitCase{ClassName: "conformance." + c.Subject, Name: c.ID, Time: seconds(c.Duration),
			Properties: &junitProperties{Property: []junitProperty{{"level", string(c.Level)}, {"source", c.Source}}}}
		for _, rule := range c.Rules {
			jc.Properties.Property = append(jc.Properties.Property, junitProperty{"rule", rule})
		}
		switch c.Status {
		case Fail:
			jc.Failure = &junitFailure{Message: c.Reason, Type: "mismatch", Text: c.Message()}
			s.Failures++
			out.Failures++
		case Skip:
			jc.Skipped = &junitSkipped{Message: c.Reason}
			s.Skipped++
			out.Skipped++
		}
		s.Cases = append(s.Cases, jc)
		s.Tests++
		out.Tests++
		total += c.Duration
	}
	for i := range out.Suites {
		var d time.Duration
		for _, c := range r.Cases {
			if c.Subject == out.Suites[i].Name {
				d += c.Duration
			}
		}
		out.Suites[i].Time = seconds(d)
	}
	out.Time = seconds(total)
	if _, err := io.WriteString(w, xml.Header); err != nil {
		return err
	}
	enc := xml.NewEncoder(w)
	enc.Indent("", "  ")
	if err := enc.Encode(out); err != nil {
		return fmt.Errorf("writing JUnit XML: %w", err)
	}
	_, err := io.WriteString(w, "\n")
	return err
}
