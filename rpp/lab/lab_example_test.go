package lab_test

import (
	"context"
	"fmt"
	"os"

	"github.com/rppkit/rppkit/examples"
	"github.com/rppkit/rppkit/rpp"
	"github.com/rppkit/rppkit/rpp/lab"
)

// Bring the bundled two-site example up on loopback and print each system's
// state.
func ExampleRun() {
	ctx := context.Background()
	d, err := rpp.LoadFS(ctx, examples.FS, "two-site.yaml")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return
	}
	res, err := lab.Run(ctx, d, lab.Options{})
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return
	}
	for _, s := range res.Systems {
		fmt.Println(s.Kind, s.Name, s.State)
	}
	fmt.Println("all up:", res.OK())
	// Output:
	// front end fe-east.contoso.com up
	// front end fe-west.contoso.com up
	// edge edge-east.contoso.com up
	// edge edge-west.contoso.com up
	// rmx rmx-east ICE ready
	// rmx rmx-west ICE ready
	// all up: true
}
