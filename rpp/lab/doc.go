// Package lab brings a whole deployment up on loopback and reports what
// happens on the wire: the Lync side from the deployment's lync section
// (package lync/lynctest), an RMX stand-in per RMX (rmx/rmxtest) and, when
// the RealConnect workflow is on, a DMA stand-in per DMA (dma/dmatest) that
// places a test call into a sample meeting.
//
// It is what `rpp lab` runs. Run returns a Result: each system's status,
// the SIP ladder (who sent what to whom, the status codes and the
// ms-diagnostics Lync gave), and for each failure the phase, the symptom an
// admin would see on the device, and the rules `rpp check` reports for the
// same deployment that explain it. A failure that no rule explains is shown
// as such: the static check and the wire disagree, which is a bug in one of
// them.
//
// The lab sits above package rpp and the stand-ins, which know nothing of
// rpp: it hands each stand-in its own system (an rmx.System, a
// dma.System) and the lab's CA, name resolution and topology. Certificates
// are issued from the deployment's certificate fields, so a shared or
// wildcard certificate in the file is really shared or wildcard on the wire.
//
// Name resolution is the lab's own (each Front End and Edge at its loopback
// address), narrowed by the deployment's dns: section when it has one: a
// name inside a listed zone with no address there does not resolve for the
// RMXs (their SIP server, the Edge pool named in the MRAS URI) and the DMAs
// (their Lync peers), and Lync cannot reach an RMX or DMA whose own name
// has none — what rule dns-record-missing reports. Names the section does
// not judge resolve as without it.
//
// What the lab does, in order:
//
//   - Every RMX brings ICE up (TLS, REGISTER, provisioning, MRAS, relay
//     candidates); the ones that reach ICE ready listen for Lync over
//     mutual TLS, and Lync probes each with OPTIONS on its trusted
//     application's port, checking the RMX's server certificate against the
//     FQDN it dials.
//   - Every DMA starts with the ICE-ready RMXs it manages as its MCUs, and
//     Lync probes it the same way.
//   - With the traditional workflow, for each static route, a Lync user
//     calls the first VMR of the DMA the route leads to; the DMA hands the
//     call to an RMX, which answers by its conference profile.
//   - With RealConnect, the lab creates a sample meeting, and for each DMA
//     a standards endpoint dials the DMA's dial prefix and the meeting's
//     dial-in ID; the DMA resolves it through Lync, an RMX joins the focus
//     and cascades into the AV MCU through the Edge relay, and the lab
//     waits for media both ways before it hangs up.
//
// The ladder merges what the Lync stand-in recorded with what each DMA
// exchanged with its endpoints, in time order.
//
// Lab conventions, beyond those of the stand-ins: the sample meeting's
// organizer is the topology's first Lync user (or, with none, a user the lab
// adds to its own copy of the topology); the DMA drives an RMX through the
// MCU interfaces of dma/dmatest in process, as the real DMA drives the RMX
// through its API, so that leg is not on the ladder; the Lync user of a
// traditional call sends no media (its offer is what a Lync client offers,
// on a port nothing listens on), so such a call is judged by its answer.
//
// Everything runs on 127.0.0.1 with ephemeral ports; nothing is dialled
// outside the lab. When the context ends, Run stops what it is doing and
// closes the stand-ins itself, DMAs first, then RMXs, then Lync, so each
// hang-up is still answered; it returns once everything it started has
// stopped.
package lab
