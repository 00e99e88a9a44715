package conformance_test

import (
	"context"
	"fmt"

	"github.com/rppkit/rppkit/conformance"
)

// A Lync-side stand-in under test — here rppkit's own — is run through the
// lync/… cases; a vendor fills LyncUnderTest from its own test double.
func ExampleEvaluateLync() {
	ctx := context.Background()
	l, stop, err := conformance.ReferenceLync(ctx)
	if err != nil {
		panic(err)
	}
	defer stop()
	res, err := conformance.EvaluateLync(ctx, l, conformance.Prefix("lync/trust/"))
	if err != nil {
		panic(err)
	}
	for _, c := range res.Cases {
		fmt.Println(c.ID, c.Status)
	}
	// Output:
	// lync/trust/no-san pass
	// lync/trust/other-ca pass
	// lync/trust/trusted-computer pass
	// lync/trust/wildcard pass
}

// A device under test — here rppkit's RMX stand-in — is started against the
// kit's lab once per scenario; a vendor's NewDevice wraps its own device.
func ExampleEvaluateDevice() {
	res, err := conformance.EvaluateDevice(context.Background(), conformance.ReferenceDevice(),
		conformance.Prefix("device/mras/forbidden-status", "device/provisioning/no-edge"))
	if err != nil {
		panic(err)
	}
	for _, c := range res.Cases {
		fmt.Println(c.ID, c.Status)
	}
	// Output:
	// device/mras/forbidden-status pass
	// device/provisioning/no-edge pass
}
