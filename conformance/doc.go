// Package conformance is rppkit's conformance kit: cases, drawn from the
// integration rules, that other tools run to prove they behave as the
// guidance says — the way testing/fstest.TestFS checks a file system.
//
// A tool implements the subject interface of each behaviour it has
// (GRUUFormatter: the Service GRUU for the RMX and the DMA; ReleaseAdvisor:
// what an RMX release supports; ICEDeriver: ICE settings; PoolPlanner:
// trusted application pools; StaticRouteAdvisor: static routes;
// DeploymentChecker: a whole deployment) and calls that behaviour's entry
// point from its tests:
//
//	func TestConformance(t *testing.T) {
//		res := conformance.RunGRUU(t, mytool.Formatter{}, conformance.Lenient())
//		res.WriteJUnit(junitFile) // the same run, as a report for CI
//	}
//
// Each entry point is typed (RunGRUU, RunRelease, RunICE, RunPools,
// RunStaticRoutes, RunDeployment), so handing the kit the wrong thing is a
// compile error; Run takes a Subject with a field per behaviour, for a tool
// that does several. Each case runs as a subtest named by its stable ID
// (gruu/rmx-form/strips-scheme); a failure is reported at the caller's line
// and shows what the case checks, its rules and source, its input as JSON
// and a go-cmp diff of the outcome wanted and got. The Result returned is
// the same one Evaluate (and EvaluateGRUU, …) returns outside go test, and
// writes JSON and JUnit XML reports.
//
// Options select cases by ID prefix or level before anything runs, make
// should-level failures skips (Lenient), and invert the expectation of known
// failures (KnownFailing) — a listed case that passes fails the run, so the
// list cannot go stale. Options that cannot be right are errors a caller can
// test with errors.Is: ErrUnknownLevel, ErrUnknownCase, ErrNoCases (a prefix
// that selects nothing), ErrNoSubject and ErrBadCase.
//
// The cases are data: one JSON file per case under vectors/ (Vectors),
// described by a JSON Schema (Schema), so a tool in PowerShell, Python or C#
// can run the same vectors without Go. CASES.md lists them. Adding a case is
// adding a file. Reference is rppkit itself as a subject; it passes the kit.
//
// Wire cases (WireCases) check behaviour on real sockets, in two modes. In
// device mode, RunDevice starts the caller's RMX-like trusted application
// (a DeviceUnderTest) against a Lync Front End and Edge the kit runs on
// loopback (lync/lynctest), handing it its configuration, certificate, CA
// and SIP server (DeviceEnv), and judges what it sent from the lab's
// recording: the provisioning SUBSCRIBE, the MRAS SERVICE, keep-alives, and
// the status it reports when provisioning goes unanswered, MRAS refuses or
// there is no Edge. In reverse mode, RunLync runs rppkit's RMX stand-in and
// raw SIP against the caller's Lync-side stand-in (LyncUnderTest): trust
// (another CA, wildcard, no SAN refused), provisioning and MRAS answers,
// RFC 4475's malformed requests. Both report per case like the vectors;
// ReferenceDevice and ReferenceLync are rppkit's own stand-ins, which pass,
// and EvaluateWire runs both modes against them.
package conformance
