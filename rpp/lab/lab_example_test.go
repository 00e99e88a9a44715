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
// state and each DMA's RealConnect test call.
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
	for _, c := range res.Calls {
		fmt.Println("call through", c.DMA, "cascaded by", c.RMX, "connected:", c.Connected,
			"candidates:", c.LocalCandidate+"/"+c.RemoteCandidate, "media both ways:", c.BytesSent > 0 && c.BytesReceived > 0)
	}
	fmt.Println("all up:", res.OK())
	// Output:
	// front end fe-east.contoso.com up
	// front end fe-west.contoso.com up
	// edge edge-east.contoso.com up
	// edge edge-west.contoso.com up
	// rmx rmx-east ICE ready
	// rmx rmx-west ICE ready
	// dma dma-east up
	// dma dma-west up
	// call through dma-east cascaded by rmx-east connected: true candidates: relay/relay media both ways: true
	// call through dma-west cascaded by rmx-west connected: true candidates: relay/relay media both ways: true
	// all up: true
}
