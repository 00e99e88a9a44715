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

func TestReleasePairs(t *testing.T) {
	pairs := ReleasePairs()
	if len(pairs) == 0 || pairs[0].DMA.String() != "6.4" || pairs[0].RMX != "8.7.1" || pairs[0].Status != PairTested || pairs[0].Source == "" {
		t.Fatalf("ReleasePairs() = %+v; want DMA 6.4 with RMX 8.7.1, tested, first", pairs)
	}
	pairs[0].RMX = "changed"
	if ReleasePairs()[0].RMX != "8.7.1" {
		t.Error("ReleasePairs shares its slice between calls")
	}
	var s PairStatus
	if err := s.UnmarshalText([]byte("Fails")); err != nil || s != PairFails {
		t.Errorf("PairStatus(Fails) = %q, %v", s, err)
	}
	if err := s.UnmarshalText([]byte("works")); !errors.Is(err, ErrUnknownPairStatus) {
		t.Errorf("PairStatus(works) = %v, want ErrUnknownPairStatus", err)
	}
}
