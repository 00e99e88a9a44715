package rpp_test

import (
	"context"
	"fmt"
	"os"

	"github.com/rppkit/rppkit/rpp"
)

// Plan the move of an RMX from the legacy ICE method on 8.4 to the new
// method on 8.5: the endpoint first, the new settings while 8.4 still
// runs, one reboot, a check, the upgrade, and the old account retired
// last.
func ExamplePlan() {
	ctx := context.Background()
	current, err := rpp.Load(ctx, "testdata/plan/migrations/legacy-8.4.yaml")
	if err != nil {
		fmt.Println(err)
		return
	}
	desired, err := rpp.Load(ctx, "testdata/plan/migrations/new-8.5.yaml")
	if err != nil {
		fmt.Println(err)
		return
	}
	rb, err := rpp.Plan(ctx, desired, current)
	if err != nil {
		fmt.Println(err) // an *rpp.UnplannableError names each error no step can fix
		return
	}
	for _, s := range rb.Steps {
		fmt.Printf("%d. %s %s %v\n", s.Number, s.System, s.Action, s.DependsOn)
	}
	// Output:
	// 1. lync create []
	// 2. lync publish [1]
	// 3. rmx/rmx change [1 2]
	// 4. rmx/rmx change []
	// 5. rmx/rmx reboot [3 4]
	// 6. rmx/rmx verify [3 4 5]
	// 7. rmx/rmx upgrade [6]
	// 8. lync remove [6]
}

// The Lync side of a new integration as a Management Shell script that is
// safe to run twice.
func ExampleRunbook_WritePowerShell() {
	d, err := rpp.Load(context.Background(), "../examples/single-site.yaml")
	if err != nil {
		fmt.Println(err)
		return
	}
	rb, err := rpp.Plan(context.Background(), d, nil)
	if err != nil {
		fmt.Println(err)
		return
	}
	rb.Steps = rb.Steps[:1] // the first step, to keep the example short
	if err := rb.WritePowerShell(os.Stdout, rpp.PowerShellOptions{}); err != nil {
		fmt.Println(err)
	}
	// Output:
	// # Lync Server Management Shell script written by rpp plan.
	// # Safe to run twice: each New-Cs... and Remove-Cs... runs only when its Get-Cs... check says it is still to do.
	// $ErrorActionPreference = 'Stop'
	//
	// # Step 1: Create the multiple-computer trusted application pool rpp.fabrikam.com, registered with lyncpool.fabrikam.com
	// if (-not (Get-CsTrustedApplicationPool -Identity 'TrustedApplicationPool:rpp.fabrikam.com' -ErrorAction SilentlyContinue)) {
	//     New-CsTrustedApplicationPool -Identity 'rpp.fabrikam.com' -Registrar 'lyncpool.fabrikam.com' -Site 1 -ComputerFqdn 'dma.fabrikam.com' -RequiresReplication $false -ThrottleAsServer $true -TreatAsAuthenticated $true
	// }
}
