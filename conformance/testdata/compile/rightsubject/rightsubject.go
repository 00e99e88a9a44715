// Package rightsubject is wrongsubject with the right entry point: it must
// compile, which shows that wrongsubject fails for its subject alone.
package rightsubject

import (
	"testing"

	"github.com/rppkit/rppkit/conformance"
)

type releaseOnly struct{}

func (releaseOnly) Release(string) (conformance.Release, error) {
	return conformance.Release{}, nil
}

func testConformance(t *testing.T) {
	conformance.RunRelease(t, releaseOnly{})
}

var _ = testConformance
