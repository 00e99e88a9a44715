// Package junit writes JUnit XML, the test report format CI systems ingest
// (Jenkins, GitLab, GitHub Actions' test reporters): suites of test cases,
// each passed, failed, in error or skipped. rppkit writes it for the
// conformance kit and for rpp check.
package junit

import (
	"encoding/xml"
	"fmt"
	"io"
	"time"
)

// Suites is the document: every suite of a run.
type Suites struct {
	XMLName  xml.Name `xml:"testsuites"`
	Name     string   `xml:"name,attr"`
	Tests    int      `xml:"tests,attr"`
	Failures int      `xml:"failures,attr"`
	Errors   int      `xml:"errors,attr"`
	Skipped  int      `xml:"skipped,attr"`
	Time     string   `xml:"time,attr,omitempty"`
	Suites   []Suite  `xml:"testsuite"`
}

// Suite is a group of cases: a subject, an input file.
type Suite struct {
	Name       string      `xml:"name,attr"`
	Tests      int         `xml:"tests,attr"`
	Failures   int         `xml:"failures,attr"`
	Errors     int         `xml:"errors,attr"`
	Skipped    int         `xml:"skipped,attr"`
	Time       string      `xml:"time,attr,omitempty"`
	Properties *Properties `xml:"properties,omitempty"`
	Cases      []Case      `xml:"testcase"`
}

// Case is one test case. At most one of Failure, Error and Skipped is set.
type Case struct {
	ClassName  string      `xml:"classname,attr"`
	Name       string      `xml:"name,attr"`
	Time       string      `xml:"time,attr,omitempty"`
	Properties *Properties `xml:"properties,omitempty"`
	Failure    *Problem    `xml:"failure,omitempty"`
	Error      *Problem    `xml:"error,omitempty"`
	Skipped    *Skipped    `xml:"skipped,omitempty"`
	SystemOut  string      `xml:"system-out,omitempty"`
}

// Properties are name/value pairs.
type Properties struct {
	Property []Property `xml:"property"`
}

// Property is one name/value pair.
type Property struct {
	Name  string `xml:"name,attr"`
	Value string `xml:"value,attr"`
}

// Problem is a failure (the case's check did not hold) or an error (the
// case could not run).
type Problem struct {
	Message string `xml:"message,attr"`
	Type    string `xml:"type,attr"`
	Text    string `xml:",chardata"`
}

// Skipped says why a case did not run.
type Skipped struct {
	Message string `xml:"message,attr"`
}

// Seconds formats a duration as JUnit's time attribute.
func Seconds(d time.Duration) string { return fmt.Sprintf("%.3f", d.Seconds()) }

// Add appends c to the suite and counts it, in the suite and in s.
func (s *Suites) Add(suite int, c Case) {
	su := &s.Suites[suite]
	su.Cases = append(su.Cases, c)
	su.Tests++
	s.Tests++
	switch {
	case c.Failure != nil:
		su.Failures++
		s.Failures++
	case c.Error != nil:
		su.Errors++
		s.Errors++
	case c.Skipped != nil:
		su.Skipped++
		s.Skipped++
	}
}

// Write writes the document, with its XML header.
func (s *Suites) Write(w io.Writer) error {
	if _, err := io.WriteString(w, xml.Header); err != nil {
		return err
	}
	enc := xml.NewEncoder(w)
	enc.Indent("", "  ")
	if err := enc.Encode(s); err != nil {
		return fmt.Errorf("writing JUnit XML: %w", err)
	}
	_, err := io.WriteString(w, "\n")
	return err
}
