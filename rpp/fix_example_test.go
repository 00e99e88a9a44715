package rpp_test

import (
	"context"
	"fmt"
	"io/fs"
	"strings"

	"github.com/rppkit/rppkit/examples"
	"github.com/rppkit/rppkit/rpp"
)

// Fix a deployment file: check it, apply the findings' fixes to its text,
// and write the result back (here, print the lines that changed). Comments,
// order and layout stay as they were.
func ExampleApplyFixes() {
	const name = "story-gruu-wrong-prefix.yaml"
	src, err := fs.ReadFile(examples.FS, name)
	if err != nil {
		fmt.Println(err)
		return
	}
	d, err := rpp.Parse(name, src)
	if err != nil {
		fmt.Println(err)
		return
	}
	report := rpp.Check(context.Background(), d, rpp.Options{})
	fixed, err := rpp.ApplyFixes(src, report.Findings)
	if err != nil {
		fmt.Println(err) // a *rpp.FixError: errors.Is(err, rpp.ErrFixConflict), …
		return
	}
	before, after := strings.Split(string(src), "\n"), strings.Split(string(fixed), "\n")
	for i := range before {
		if before[i] != after[i] {
			fmt.Printf("line %d: %s\n", i+1, strings.TrimSpace(after[i]))
		}
	}
	// Output:
	// line 39: SIP_CONTACT_OVERRIDE_STR: "rpp.woodgrove.com@woodgrove.com;gruu;opaque=srvr:video:Lw0vG6hJs3QaK8zDn2cXbwAA"
	// line 48: - {name: sfb, address: sfb.woodgrove.com, serviceGruu: "sip:rpp.woodgrove.com@woodgrove.com;gruu;opaque=srvr:video:Lw0vG6hJs3QaK8zDn2cXbwAA"}
}
