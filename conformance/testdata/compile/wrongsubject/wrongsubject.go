// Package wrongsubject hands the conformance kit a release advisor where it
// wants a GRUU formatter. It must not compile: TestWrongSubjectIsACompileError
// builds it and expects the type error; rightsubject differs only in the call.
package wrongsubject

import (
	"testing"

	"github.com/rppkit/rppkit/conformance"
)

type releaseOnly struct{}

func (releaseOnly) Release(string) (conformance.Release, error) {
	return conformance.Release{}, nil
}

func testConformance(t *testing.T) {
	conformance.RunGRUU(t, releaseOnly{})
}

var _ = testConformance
