package diagram_test

import (
	"context"
	"errors"
	"fmt"
	"log"
	"os"

	"github.com/rppkit/rppkit/examples"
	"github.com/rppkit/rppkit/rpp"
	"github.com/rppkit/rppkit/rpp/diagram"
)

// The story of an RMX left out of the Lync topology, drawn: the RMX is red,
// with the rule that explains it, and points at a red node instead of a
// trusted application pool; nothing relays its media through the Edge.
// Wrapped in a ```mermaid block, GitHub draws it.
func ExampleTopology() {
	d, err := rpp.LoadFS(context.Background(), examples.FS, "story-rmx-not-in-topology.yaml")
	if err != nil {
		log.Fatal(err)
	}
	if err := diagram.Topology(os.Stdout, d); err != nil {
		log.Fatal(err)
	}
	// Output:
	// flowchart TB
	//     subgraph site0["Site Main"]
	//         direction TB
	//         fe0["Front End pool<br/>fe.wingtip.com"]
	//         edge0{{"Edge pool<br/>edge.wingtip.com"}}
	//         pool0("Trusted application pool<br/>rpp.wingtip.com<br/>multiple-computer<br/>app video, port 5061<br/>GRUU srvr:video:Vn6k…")
	//         rmx0[["RMX rmx<br/>rmx.wingtip.com<br/>release 8.7.1<br/>ICE: new method<br/>rpp check: rpp-component-not-in-topology"]]
	//         dma0[["DMA dma<br/>dma.wingtip.com<br/>release 6.4<br/>RealConnect on"]]
	//         missing0(["no trusted application pool holds rmx.wingtip.com"])
	//     end
	//     fe0 -->|"A/V Edge"| edge0
	//     pool0 -->|"registrar"| fe0
	//     rmx0 --- missing0
	//     rmx0 -->|"SIP server"| fe0
	//     dma0 -->|"computer of"| pool0
	//     dma0 -->|"Lync peer fe"| fe0
	//     classDef site fill:#f6f8fa,stroke:#8c959f,color:#24292f
	//     class site0 site
	//     classDef lync fill:#e8f0fe,stroke:#3b6fb6,color:#10233f
	//     class fe0,edge0,pool0 lync
	//     classDef rpp fill:#e7f6ec,stroke:#2e7d4f,color:#0f2e1b
	//     class dma0 rpp
	//     classDef error fill:#fde4e4,stroke:#c62828,stroke-width:3px,color:#4a0d0d
	//     class rmx0,missing0 error
	//     linkStyle 2 stroke:#c62828,stroke-width:3px,color:#c62828
}

// A deployment without RealConnect has no call to draw.
func ExampleRealConnectFlow() {
	d, err := rpp.LoadFS(context.Background(), examples.FS, "single-site.yaml")
	if err != nil {
		log.Fatal(err)
	}
	err = diagram.RealConnectFlow(os.Stdout, d)
	fmt.Println(errors.Is(err, diagram.ErrNoRealConnect), err)
	// Output:
	// true diagram: no DMA with RealConnect enabled
}
