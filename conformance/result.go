package conformance

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"
)

// Status is the outcome of one case.
type Status string

// Outcomes of a case.
const (
	Pass Status = "pass"
	Fail Status = "fail"
	// Skip covers a case that does not apply to the subject, a known
	// failure, and (in a lenient run) a failing should-level case; Reason
	// says which.
	Skip Status = "skip"
)

// CaseResult is the outcome of one case.
type CaseResult struct {
	About
	Status Status `json:"status"`
	Reason string `json:"reason,omitempty"`
	Diff   string `json:"diff,omitempty"` // -want +got
	// Input is the case's input as compact JSON when the subject failed
	// the case (also when a known failure or a lenient run made that a
	// skip), so that the report alone reproduces the failure.
	Input    json.RawMessage `json:"input,omitempty"`
	Duration time.Duration   `json:"-"`
}

// Message is the failure text of a case: what it checks, its rules and
// where it comes from, the input, why it failed and the diff.
func (r CaseResult) Message() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s (%s): %s\n", r.ID, r.Level, r.Title)
	if len(r.Rules) > 0 {
		fmt.Fprintf(&b, "rules: %s\n", strings.Join(r.Rules, ", "))
	}
	fmt.Fprintf(&b, "source: %s\n", r.Source)
	if len(r.Input) > 0 {
		fmt.Fprintf(&b, "input: %s\n", r.Input)
	}
	b.WriteString(r.Reason)
	if r.Diff != "" {
		fmt.Fprintf(&b, "\n(-want +got):\n%s", r.Diff)
	}
	return b.String()
}

// Result is the outcome of a run.
type Result struct {
	// Subject names the subject's Go type.
	Subject string       `json:"subject"`
	Cases   []CaseResult `json:"cases"`
	Summary Summary      `json:"summary"`
}

// Summary counts the cases of a run by outcome.
type Summary struct {
	Passed  int `json:"passed"`
	Failed  int `json:"failed"`
	Skipped int `json:"skipped"`
}

func (r *Result) add(c CaseResult) {
	r.Cases = append(r.Cases, c)
	switch c.Status {
	case Pass:
		r.Summary.Passed++
	case Fail:
		r.Summary.Failed++
	default:
		r.Summary.Skipped++
	}
}

// ErrCaseFailed is wrapped by each error Result.Err joins.
var ErrCaseFailed = errors.New("conformance case failed")

// Err returns nil when no case failed, and otherwise one error per failed
// case, joined (errors.Is(err, ErrCaseFailed) holds).
func (r *Result) Err() error {
	var errs []error
	for _, c := range r.Cases {
		if c.Status == Fail {
			errs = append(errs, fmt.Errorf("%w: %s", ErrCaseFailed, c.Message()))
		}
	}
	return errors.Join(errs...)
}

// Failed returns the IDs of the failed cases, in run order.
func (r *Result) Failed() []string {
	var ids []string
	for _, c := range r.Cases {
		if c.Status == Fail {
			ids = append(ids, c.ID)
		}
	}
	return ids
}

// compactJSON returns data without insignificant space. Data that is not
// JSON (a Case built in Go and handed to WithCases) becomes a JSON string,
// so that the JSON report stays valid.
func compactJSON(data []byte) json.RawMessage {
	var b bytes.Buffer
	if err := json.Compact(&b, data); err != nil {
		quoted, _ := json.Marshal(string(data))
		return quoted
	}
	return b.Bytes()
}
