// Package rppkit makes the integration of the Polycom RealPresence Platform —
// the DMA call controller and the RMX / RealPresence Collaboration Server
// MCU — with Microsoft Lync Server 2013 and Skype for Business Server
// checkable.
//
// Admins wire the RMX and the DMA into Lync as trusted applications: a
// multiple-computer trusted application pool, a trusted application, a
// trusted application endpoint, the pool's Service GRUU pasted into the RMX
// (without sip:) and the DMA (with sip:), the RMX's ICE settings, static
// routes for the traditional workflow only, one pool per Edge-paired site
// where there are several, release rules for RMX 8.3, 8.4 and 8.5+, SAN
// certificates, and RealConnect. rppkit turns each of those steps into code:
//
//   - package lync models the Lync topology: pools, trusted applications,
//     endpoints, static routes, SIP addresses and Service GRUUs
//     (lync.ParseGRUU);
//   - package rmx models the RMX: releases and what they can do
//     (rmx.Capabilities), its SIP and ICE settings, flags and profiles;
//   - package dma models the DMA: its Lync peers, RealConnect settings and
//     the DMA/RMX release pairs tested together;
//   - package rpp is the integration: a Deployment read from a YAML or JSON
//     file (rpp.Load), the rule catalogue with stable IDs (rpp.Catalogue) and
//     rpp.Check, which reports every mistake with its rule, place and fix
//     (as data: rpp.ApplyFixes applies it to the file);
//   - package rpp/report writes the findings as text, JSON, SARIF or JUnit;
//   - package conformance is a kit other tools run to check their own
//     behaviour against the rules, in Go tests or as JSON vectors;
//   - packages lync/lynctest and rmx/rmxtest are a Lync Front End and Edge,
//     and an RMX, on loopback, for tests at the wire;
//   - command rpp (cmd/rpp) checks deployment files, fixes them and explains
//     rules.
//
// This root package is the overview `go doc` shows first; it holds only
// Version, the version of rppkit in the running program.
package rppkit
