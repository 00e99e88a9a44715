package dma

// TestedPair is a DMA release line and an RMX release line known to have
// been tested together for RealConnect. RMX holds the RMX release in the
// same dotted form (compare it with rmx.Version.Within after parsing).
type TestedPair struct {
	DMA Version
	RMX string
	// Source says where the pairing is documented.
	Source string
}

// TestedPairs returns the release pairs the guidance names. It returns a
// new slice each time, so callers may extend it.
func TestedPairs() []TestedPair {
	return []TestedPair{{
		DMA:    MustParseVersion("6.4"),
		RMX:    "8.7.1",
		Source: "Polycom guidance: RMX 8.7.1 is the release tested with DMA 6.4 for RealConnect",
	}}
}
