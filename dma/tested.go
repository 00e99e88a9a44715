package dma

import (
	"errors"
	"fmt"

	"github.com/rppkit/rppkit/internal/enum"
)

// PairStatus says what is known of a DMA and an RMX release used together
// for RealConnect.
type PairStatus string

// What a release pair can be known as.
const (
	// PairTested is a pair Polycom tested together.
	PairTested PairStatus = "tested"
	// PairFails is a pair known not to work together.
	PairFails PairStatus = "fails"
)

// ErrUnknownPairStatus is wrapped by the errors PairStatus.UnmarshalText
// returns.
var ErrUnknownPairStatus = errors.New("unknown release pair status")

// UnmarshalText implements encoding.TextUnmarshaler for tested and fails.
func (s *PairStatus) UnmarshalText(b []byte) (err error) {
	*s, err = enum.Parse(ErrUnknownPairStatus, string(b), PairTested, PairFails)
	return err
}

// ReleasePair is what is known of a DMA release line and an RMX release
// line used together for RealConnect. RMX holds the RMX release in the same
// dotted form (compare it with rmx.Version.Within after parsing; package dma
// does not depend on package rmx).
type ReleasePair struct {
	DMA    Version    `yaml:"dma" json:"dma"`
	RMX    string     `yaml:"rmx" json:"rmx"`
	Status PairStatus `yaml:"status" json:"status"`
	// Source says where the pairing is documented.
	Source string `yaml:"source" json:"source"`
}

func (p ReleasePair) String() string {
	return fmt.Sprintf("DMA %s with RMX %s (%s)", p.DMA, p.RMX, p.Status)
}

// ReleasePairs returns the release pairs the guidance names. It returns a
// new slice each time, so callers may extend it (rpp.Options.ReleasePairs
// takes the extended table).
//
// The guidance names one pair tested for RealConnect: DMA 6.4 with RMX
// 8.7.1. Polycom's answer to readers running older RMX releases with DMA
// 6.4 was to upgrade the RMX to 8.7.1, so for a DMA line with tested pairs
// an RMX release older than every one tested with it is outside the
// published range (see rpp's rule dma-rmx-untested-pair).
func ReleasePairs() []ReleasePair {
	return []ReleasePair{{
		DMA:    MustParseVersion("6.4"),
		RMX:    "8.7.1",
		Status: PairTested,
		Source: "Polycom guidance: RMX 8.7.1 is the release tested with DMA 6.4 for RealConnect",
	}}
}
