package dma

import (
	"errors"
	"strings"
	"testing"
)

func TestParseVersion(t *testing.T) {
	v, err := ParseVersion("6.4.1.2")
	if err != nil || v.String() != "6.4.1.2" || !v.Within(MustParseVersion("6.4")) || v.Within(MustParseVersion("6.3")) {
		t.Errorf("ParseVersion(6.4.1.2) = %v, %v", v, err)
	}
	_, err = ParseVersion("six")
	if !errors.Is(err, ErrInvalidVersion) || !strings.Contains(err.Error(), `DMA version "six"`) {
		t.Errorf("ParseVersion(six) = %v", err)
	}
	if !MustParseVersion("6.4").Less(MustParseVersion("10.0")) {
		t.Error("6.4 is not less than 10.0")
	}
}

func TestTestedPairs(t *testing.T) {
	pairs := TestedPairs()
	if len(pairs) == 0 || pairs[0].DMA.String() != "6.4" || pairs[0].RMX != "8.7.1" || pairs[0].Source == "" {
		t.Fatalf("TestedPairs() = %+v; want DMA 6.4 with RMX 8.7.1 first", pairs)
	}
	pairs[0].RMX = "changed"
	if TestedPairs()[0].RMX != "8.7.1" {
		t.Error("TestedPairs shares its slice between calls")
	}
}
