// Package conformance is rppkit's conformance kit: cases, drawn from the
// integration rules, that other tools run to prove they behave as the
// guidance says — the way testing/fstest.TestFS checks a file system.
//
// A tool implements the subject interfaces for what it does (formatting a
// Service GRUU for the RMX and the DMA, knowing what an RMX release supports,
// deriving ICE settings, planning trusted application pools, deciding on
// static routes, checking a whole deployment) and calls Run from its tests:
//
//	func TestConformance(t *testing.T) {
//		conformance.Run(t, mytool.Formatter{})
//	}
//
// Each case runs as a subtest named by its stable ID (gruu/rmx-form/
// strips-scheme); a failure shows a go-cmp diff of the outcome wanted and
// got, and where the rule comes from. Options select cases by ID prefix or
// level before anything runs, make should-level failures skips (Lenient),
// and invert the expectation of known failures (KnownFailing) — a listed
// case that passes fails the run, so the list cannot go stale. Evaluate runs
// the same cases outside go test and returns a Result, which writes JSON
// and JUnit XML reports.
//
// The cases are data: one JSON file per case under vectors/ (Vectors),
// described by a JSON Schema (Schema), so a tool in PowerShell, Python or C#
// can run the same vectors without Go. CASES.md lists them. Adding a case is
// adding a file. Reference is rppkit itself as a subject; it passes the kit.
package conformance
