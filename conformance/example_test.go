package conformance_test

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"testing"

	"github.com/rppkit/rppkit/conformance"
	"github.com/rppkit/rppkit/examples/gruutool"
)

// routeAlways is a tool's static route advisor with the mistake the
// guidance warns about: it asks for a static route for RealConnect too.
type routeAlways struct{}

func (routeAlways) NeedsStaticRoute(workflows []string) (bool, error) {
	if len(workflows) == 0 {
		return false, fmt.Errorf("no workflow")
	}
	return true, nil
}

// Evaluating a tool outside go test: the result says which cases failed,
// and why.
func ExampleEvaluateStaticRoutes() {
	res, err := conformance.EvaluateStaticRoutes(context.Background(), routeAlways{},
		conformance.Prefix("static-route/realconnect-only/"))
	if err != nil {
		fmt.Println(err) // unusable options: errors.Is(err, conformance.ErrNoCases), …
		return
	}
	for _, c := range res.Cases {
		fmt.Println(c.Status, c.ID, c.Level)
	}
	fmt.Println(res.Err() != nil)
	// Output:
	// fail static-route/realconnect-only/any-case should
	// fail static-route/realconnect-only/not-needed must
	// true
}

// A tool that does several things is one Subject; the result writes the
// JSON report.
func ExampleEvaluate() {
	ref := conformance.Reference{} // stands for your tool's adapter
	res, err := conformance.Evaluate(context.Background(),
		conformance.Subject{Name: "mytool 1.0", GRUU: ref, StaticRoutes: ref},
		conformance.Prefix("gruu/rmx-form/strips-scheme", "static-route/both/needed-any-order"))
	if err != nil {
		fmt.Println(err)
		return
	}
	if err := res.WriteJSON(os.Stdout); err != nil {
		fmt.Println(err)
	}
	// Output:
	// {
	//   "subject": "mytool 1.0",
	//   "cases": [
	//     {
	//       "id": "gruu/rmx-form/strips-scheme",
	//       "title": "The RMX form of a Service GRUU pasted with sip: is the same GRUU without sip:.",
	//       "subject": "gruu",
	//       "level": "must",
	//       "rules": [
	//         "rmx-contact-override-prefix"
	//       ],
	//       "source": "RPP guidance, “New ICE Configuration Method”, Polycom Configuration",
	//       "status": "pass"
	//     },
	//     {
	//       "id": "static-route/both/needed-any-order",
	//       "title": "The order of the workflows does not matter.",
	//       "subject": "static-route",
	//       "level": "must",
	//       "rules": [
	//         "lync-static-route-missing"
	//       ],
	//       "source": "RPP guidance, “Static Routes”",
	//       "status": "pass"
	//     }
	//   ],
	//   "summary": {
	//     "passed": 2,
	//     "failed": 0,
	//     "skipped": 0
	//   }
	// }
}

// In a tool's own tests, one call runs the cases as subtests, and the
// result it returns writes the report CI ingests. (This example shows the
// test function; go test runs it in your package.)
func ExampleRunGRUU() {
	testConformance := func(t *testing.T) {
		res := conformance.RunGRUU(t, gruutool.Formatter{},
			conformance.Lenient(), // failing should-cases are skips, with the reason
			conformance.KnownFailing(conformance.KnownFailure{
				ID: "gruu/refuses/empty-host", Reason: "ticket 17"}), // fails once it passes
		)
		var junit bytes.Buffer
		if err := res.WriteJUnit(&junit); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile("conformance.xml", junit.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	_ = testConformance // func TestConformance(t *testing.T) { … } in a _test.go file
}

// The JUnit report of a run, for CI. (Durations vary, so the output is not
// checked here.)
func ExampleResult_WriteJUnit() {
	res, err := conformance.EvaluateStaticRoutes(context.Background(), routeAlways{},
		conformance.Prefix("static-route/"), conformance.Lenient())
	if err != nil {
		fmt.Println(err)
		return
	}
	if err := res.WriteJUnit(os.Stdout); err != nil {
		fmt.Println(err)
	}
}
