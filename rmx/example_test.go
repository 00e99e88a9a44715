package rmx_test

import (
	"fmt"

	"github.com/rppkit/rppkit/rmx"
)

// Before upgrading an RMX, check what the target release demands.
func ExampleCapabilities() {
	for _, s := range []string{"8.3", "8.4", "8.5", "8.5.4"} {
		c := rmx.Capabilities(rmx.MustParseVersion(s))
		fmt.Printf("RMX %-5s ICE methods %-12s ICE mandatory %-5v Skype for Business %v\n",
			s, fmt.Sprint(c.ICEMethods), c.ICEMandatory, c.SkypeForBusiness)
	}
	// Output:
	// RMX 8.3   ICE methods [legacy]     ICE mandatory false Skype for Business false
	// RMX 8.4   ICE methods [new legacy] ICE mandatory false Skype for Business false
	// RMX 8.5   ICE methods [new]        ICE mandatory true  Skype for Business false
	// RMX 8.5.4 ICE methods [new]        ICE mandatory true  Skype for Business true
}
