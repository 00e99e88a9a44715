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

// VMRHost is an MCU that hosts the DMA's VMRs: for a call from Lync to one
// of them (a static route's INVITE, over mutual TLS) the DMA hands the
// caller's SDP offer to the MCU and relays its answer — or its refusal —
// to Lync, as a DMA puts a VMR call on an MCU it manages. Give one with
// WithVMRHost, or as an MCU of WithMCU that also implements VMRHost.
// The interface keeps dmatest free of rmxtest: the lab adapts an RMX
// stand-in's HostVMR with VMRHostFunc.
type VMRHost interface {
	// HostVMR takes the call into the conference vmr with the caller's
	// offer and returns the MCU's SDP answer and the call (hung up when
	// the caller's call ends), or an error. An error whose chain holds a
	// Refusal (errors.As) is the MCU's SIP answer, relayed as it is.
	HostVMR(ctx context.Context, vmr string, offer []byte) (answer []byte, call Link, err error)
}

// VMRHostFunc adapts a function to VMRHost, such as an RMX stand-in's
// HostVMR method:
//
//	dmatest.VMRHostFunc(func(ctx context.Context, vmr string, offer []byte) ([]byte, dmatest.Link, error) {
//		c, err := r.HostVMR(ctx, vmr, offer)
//		if err != nil {
//			return nil, nil, err
//		}
//		return c.Answer, c, nil
//	})
type VMRHostFunc func(ctx context.Context, vmr string, offer []byte) ([]byte, Link, error)

// HostVMR calls f.
func (f VMRHostFunc) HostVMR(ctx context.Context, vmr string, offer []byte) ([]byte, Link, error) {
	return f(ctx, vmr, offer)
}

// Refusal is what an MCU's error says when the MCU refused a call with a
// SIP answer (an *rmxtest.Refusal is one): the DMA relays the status,
// reason phrase and headers — an encryption mismatch's 488 with
// ms-client-diagnostics 52017 — to the caller.
type Refusal interface {
	error
	SIPRefusal() (status int, reason string, headers map[string]string)
}
