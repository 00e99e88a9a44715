package lynctest_test

import (
	"context"
	"fmt"

	"github.com/rppkit/rppkit/examples"
	"github.com/rppkit/rppkit/lync/lynctest"
	"github.com/rppkit/rppkit/rpp"
)

// Start a Lync stand-in for the topology of a deployment file: one Front
// End per Front End pool, each with the Edge its pool is paired with.
func ExampleNewServer() {
	d, err := rpp.LoadFS(context.Background(), examples.FS, "two-site.yaml")
	if err != nil {
		fmt.Println(err)
		return
	}
	s, err := lynctest.NewServer(context.Background(), &d.Lync)
	if err != nil {
		fmt.Println(err)
		return
	}
	defer s.Close()
	for _, fe := range s.FrontEnds() {
		_, ok := s.Resolve(string(fe.FQDN)) // the lab's DNS: 127.0.0.1:port
		fmt.Printf("%s resolves: %v; Edge %s hands out relay credentials\n", fe.FQDN, ok, fe.Edge.FQDN)
	}
	// A client of the lab gets a certificate with exactly the names the
	// deployment gives it, and trusts the lab's CA.
	cert, _ := s.CA.Issue("rmx-east.contoso.com", "rmx-east.contoso.com")
	fmt.Println("client certificate for", cert.Leaf.DNSNames)
	// Output:
	// fe-east.contoso.com resolves: true; Edge edge-east.contoso.com hands out relay credentials
	// fe-west.contoso.com resolves: true; Edge edge-west.contoso.com hands out relay credentials
	// client certificate for [rmx-east.contoso.com]
}
