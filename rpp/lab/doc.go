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
// Everything runs on 127.0.0.1 with ephemeral ports; nothing is dialled
// outside the lab. Run stops everything it started before it returns.
package lab
