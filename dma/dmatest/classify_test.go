package dmatest

import (
	"errors"
	"strings"
	"testing"

	"github.com/rppkit/rppkit/dma"
	"github.com/rppkit/rppkit/lync"
)

// FuzzClassify: whatever an endpoint dials, the dial rules classify it
// without panicking, and consistently: a VMR exactly when the dial string
// is one; RealConnect exactly when RealConnect is on and the rest after
// the prefix is a dial-in ID; otherwise ErrNoRoute.
func FuzzClassify(f *testing.F) {
	for _, seed := range []struct {
		number, prefix string
		on             bool
	}{
		{"1000", "", true}, {"4411223", "", true}, {"774411223", "77", true}, {"4411223", "77", true},
		{"alice", "", true}, {"12", "", true}, {"4411223", "", false}, {"", "", true},
		{"0000000000000000000000", "", true}, {"77", "77", true}, {"٣٣٣٣", "", true},
	} {
		f.Add(seed.number, seed.prefix, seed.on)
	}
	f.Fuzz(func(t *testing.T, number, prefix string, on bool) {
		sys := &dma.System{VMRs: []string{"1000", "1001"}, RealConnect: dma.RealConnect{Enabled: on, DialPrefix: prefix}}
		kind, id, err := classify(sys, number)
		isVMR := number == "1000" || number == "1001"
		rest, hasPrefix := strings.CutPrefix(number, prefix)
		_, idErr := lync.ParseDialInID(rest)
		switch {
		case isVMR:
			if kind != KindVMR || err != nil {
				t.Fatalf("%q: %s, %v; want a VMR", number, kind, err)
			}
		case on && hasPrefix && idErr == nil:
			if kind != KindRealConnect || err != nil || string(id) != rest {
				t.Fatalf("%q (prefix %q): %s %q, %v; want RealConnect to %q", number, prefix, kind, id, err, rest)
			}
		default:
			if kind != KindNone || !errors.Is(err, ErrNoRoute) {
				t.Fatalf("%q (prefix %q, on %v): %s, %v; want ErrNoRoute", number, prefix, on, kind, err)
			}
		}
	})
}
