// Package diagram draws a deployment as Mermaid text, the diagram language
// GitHub, GitLab and most documentation tools render from a ```mermaid
// block: Topology is a flowchart of what is deployed where and how the parts
// point at each other; RealConnectFlow is the sequence of a RealConnect call
// through those parts, with their real names.
//
// The pictures are made for people reading a plan or a README, so they say
// what package rpp already knows rather than working anything out again:
// the ICE method is rpp.ICEMethod's, the Edge an RMX relays through is
// lync.Index.EdgeFor's, and problems are the findings of rpp.Check, drawn
// on the object they are about (in red for errors, amber for warnings, with
// the rule IDs in the label, so `rpp explain` says the rest).
//
// Every name from the deployment file reaches the output through one
// escaping function, and node IDs are made from the kind of object and its
// position in the file, never from its name, so no name can end a
// statement, open a comment or inject Mermaid directives.
package diagram
