package lab

import (
	"errors"
	"fmt"
	"strings"

	"github.com/rppkit/rppkit/rmx/rmxtest"
)

// failureOf describes a stand-in's error as the admin meets it.
func failureOf(err error) *Failure {
	f := &Failure{Err: err, Rules: []string{}}
	var e *rmxtest.Error
	if !errors.As(err, &e) {
		f.Phase, f.Symptom = "lab", err.Error()
		return f
	}
	f.Phase = string(e.Phase)
	f.Detail = e.Detail
	if e.Symptom != nil {
		f.symptom = e.Symptom
		f.Symptom, f.Where = e.Symptom.Text, string(e.Symptom.Where)
	}
	if f.Detail == "" && e.Err != nil {
		f.Detail = e.Err.Error()
	}
	return f
}

// describeICE says what an RMX that came up got: its method, its MRAS URI
// and relay.
func describeICE(s *rmxtest.Status) string {
	var parts []string
	if s.Method != "" {
		parts = append(parts, fmt.Sprintf("%s ICE method as %s", s.Method, s.Identity))
	}
	if s.Relay != "" {
		parts = append(parts, fmt.Sprintf("relay %s, %d candidates", s.Relay, len(s.Candidates)))
	}
	return strings.Join(parts, "; ")
}
