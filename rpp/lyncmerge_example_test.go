package rpp_test

import (
	"fmt"
	"log"

	"github.com/rppkit/rppkit/lync"
	"github.com/rppkit/rppkit/rpp"
)

// A deployment file's lync: part refreshed from what an import read: the
// pool gains a computer in place, keeping its comment; the users the
// import did not cover stay as written, and so does the rpp: part.
func ExampleMergeLync() {
	doc := []byte(`lync:
  product: lync2013
  trustedApplicationPools:
    - fqdn: rpp.contoso.com       # East and West share it
      site: East
      registrar: fe-east.contoso.com
      computers: [dma.contoso.com]
  users: ["sip:alice@contoso.com"]
rpp:
  workflows: [realconnect]
`)
	var t lync.Topology
	t.Product = lync.SfB2015
	t.TrustedApplicationPools = []lync.TrustedApplicationPool{{
		FQDN: "rpp.contoso.com", Site: "East", Registrar: "fe-east.contoso.com",
		Computers: []lync.FQDN{"dma.contoso.com", "rmx.contoso.com"},
	}}
	covered := func(key string) bool { return key == "product" || key == "trustedApplicationPools" }

	out, report, err := rpp.MergeLync("deployment.yaml", doc, t, covered)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(report)
	fmt.Print(string(out))
	// Output:
	// lync.product replaced; lync.trustedApplicationPools: 1 updated
	// lync:
	//   product: sfb2015
	//   trustedApplicationPools:
	//     - fqdn: rpp.contoso.com       # East and West share it
	//       site: East
	//       registrar: fe-east.contoso.com
	//       computers: [dma.contoso.com, rmx.contoso.com]
	//   users: ["sip:alice@contoso.com"]
	// rpp:
	//   workflows: [realconnect]
}
