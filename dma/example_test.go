package dma_test

import (
	"errors"
	"fmt"

	"github.com/rppkit/rppkit/dma"
	"github.com/rppkit/rppkit/lync"
	"github.com/rppkit/rppkit/rmx"
)

// A DMA release as the admin reads it off the DMA, compared with the
// release lines the guidance speaks of.
func ExampleParseVersion() {
	v, err := dma.ParseVersion("6.4.1.2")
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(v, v.Within(dma.MustParseVersion("6.4")), v.Less(dma.MustParseVersion("10.0")))

	_, err = dma.ParseVersion("6.x")
	fmt.Println(errors.Is(err, dma.ErrInvalidVersion))
	// Output:
	// 6.4.1.2 true true
	// true
}

// What is known of a DMA and an RMX release used together for
// RealConnect: the pairs the guidance names, plus one a site has learnt
// the hard way (the table is a fresh slice, the caller's to extend).
func ExampleReleasePairs() {
	pairs := append(dma.ReleasePairs(), dma.ReleasePair{
		DMA: dma.MustParseVersion("6.4"), RMX: "8.5", Status: dma.PairFails,
		Source: "our lab, ticket 42",
	})
	lookup := func(d dma.Version, r rmx.Version) string {
		for _, p := range pairs {
			line, err := rmx.ParseVersion(p.RMX)
			if err == nil && d.Within(p.DMA) && r.Within(line) {
				return p.String()
			}
		}
		return fmt.Sprintf("DMA %s with RMX %s: not known", d, r)
	}
	dma64 := dma.MustParseVersion("6.4.1")
	for _, r := range []string{"8.7.1.3040", "8.5.10", "8.6"} {
		fmt.Println(lookup(dma64, rmx.MustParseVersion(r)))
	}
	// Output:
	// DMA 6.4 with RMX 8.7.1 (tested)
	// DMA 6.4 with RMX 8.5 (fails)
	// DMA 6.4.1 with RMX 8.6: not known
}

// The DMA's Lync peer wants the Service GRUU with sip:. lync.ParseGRUU
// reads either form, so a value pasted in the RMX's form (without sip:) is
// recognised and its DMA form given as the fix; a value that is no service
// GRUU at all is an error naming the part that is wrong.
func ExampleLyncPeer() {
	peers := []dma.LyncPeer{
		{Name: "fe-east", Address: "fe-east.contoso.com",
			ServiceGRUU: "sip:rpp-east.contoso.com@contoso.com;gruu;opaque=srvr:video:Tggd9yw0FFyNjnRqleNLwQAA"},
		{Name: "fe-west", Address: "fe-west.contoso.com",
			ServiceGRUU: "rpp-west.contoso.com@contoso.com;gruu;opaque=srvr:video:Lw0vG6hJs3QaK8zDn2cXbwAA"},
		{Name: "fe-north", Address: "fe-north.contoso.com",
			ServiceGRUU: "sip:rpp-north@contoso.com"},
	}
	for _, p := range peers {
		g, err := lync.ParseGRUU(p.ServiceGRUU)
		var ge *lync.GRUUError
		switch {
		case errors.As(err, &ge):
			fmt.Printf("%s: not a service GRUU (%s)\n", p.Name, ge.Part)
		case g.String() != p.ServiceGRUU:
			fmt.Printf("%s: set to %s\n", p.Name, g)
		default:
			fmt.Printf("%s: ok\n", p.Name)
		}
	}
	// Output:
	// fe-east: ok
	// fe-west: set to sip:rpp-west.contoso.com@contoso.com;gruu;opaque=srvr:video:Lw0vG6hJs3QaK8zDn2cXbwAA
	// fe-north: not a service GRUU (gruu)
}

// Which RMXs a DMA manages decides where meeting rooms belong: the RMXs it
// lists as its MCUs or, listing none, those of its own site.
func ExampleSystem_Manages() {
	east := dma.System{Name: "dma-east", FQDN: "dma-east.contoso.com", Site: "East"}
	pooled := dma.System{Name: "dma-hq", FQDN: "dma-hq.contoso.com", Site: "East", MCUs: []string{"rmx-west"}}
	fmt.Println(east.Manages("rmx-east", "East"), east.Manages("rmx-west", "West"))
	fmt.Println(pooled.Manages("rmx-east", "East"), pooled.Manages("rmx-west", "West"))
	fmt.Println(east.SIPPort())
	// Output:
	// true false
	// false true
	// 5061
}
