package dmatest

import (
	"context"

	"github.com/rppkit/rppkit/lync"
)

// MCU is an MCU the DMA drives: for a resolved Lync conference it asks the
// MCU to cascade into the meeting's AV MCU, as the DMA asks an RMX (passing
// AV_MCU_FOCUS_URI through the RMX's API). The interface keeps dmatest
// free of rmxtest: the lab that wires a deployment hands each DMA the RMX
// stand-ins it manages, adapted with MCUFunc.
type MCU interface {
	// Cascade joins the meeting whose focus is focus and returns once
	// media flows, or fails saying why.
	Cascade(ctx context.Context, focus lync.ConferenceURI) (Link, error)
}

// Link is a cascade an MCU made; the DMA hangs it up when the endpoint's
// call ends.
type Link interface {
	Hangup(ctx context.Context) error
}

// MCUFunc adapts a function to MCU, such as an RMX stand-in's Cascade
// method:
//
//	dmatest.MCUFunc(func(ctx context.Context, f lync.ConferenceURI) (dmatest.Link, error) {
//		return r.Cascade(ctx, f)
//	})
type MCUFunc func(ctx context.Context, focus lync.ConferenceURI) (Link, error)

// Cascade calls f.
func (f MCUFunc) Cascade(ctx context.Context, focus lync.ConferenceURI) (Link, error) {
	return f(ctx, focus)
}
