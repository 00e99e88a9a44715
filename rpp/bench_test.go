package rpp

import (
	"context"
	"fmt"
	"strings"
	"testing"
)

// generate writes a deployment file of n sites, each with a Front End pool,
// an Edge pool, its own trusted application pool (rule 2: several Edge
// pools and several RPP sets), one DMA and two RMXs. It is clean: Check
// finds nothing, so every rule runs its full course.
func generate(n int) []byte {
	var b strings.Builder
	b.WriteString("lync:\n  product: sfb2019\n  sipDomains: [example.com]\n  sites:\n")
	for i := 0; i < n; i++ {
		fmt.Fprintf(&b, "    - {name: s%d, id: %d}\n", i, i+1)
	}
	b.WriteString("  frontEndPools:\n")
	for i := 0; i < n; i++ {
		fmt.Fprintf(&b, "    - {fqdn: fe%d.example.com, site: s%d, edgePool: edge%d.example.com}\n", i, i, i)
	}
	b.WriteString("  edgePools:\n")
	for i := 0; i < n; i++ {
		fmt.Fprintf(&b, "    - {fqdn: edge%d.example.com, site: s%d}\n", i, i)
	}
	b.WriteString("  trustedApplicationPools:\n")
	for i := 0; i < n; i++ {
		fmt.Fprintf(&b, "    - {fqdn: rpp%d.example.com, site: s%d, registrar: fe%d.example.com, computers: [dma%d.example.com, rmx%da.example.com, rmx%db.example.com]}\n", i, i, i, i, i, i)
	}
	b.WriteString("  trustedApplications:\n")
	for i := 0; i < n; i++ {
		fmt.Fprintf(&b, "    - {applicationId: video, pool: rpp%d.example.com, port: 5061, serviceGruu: \"sip:%s\"}\n", i, gruuOf(i))
	}
	b.WriteString("  trustedApplicationEndpoints:\n")
	for i := 0; i < n; i++ {
		fmt.Fprintf(&b, "    - {sipAddress: \"sip:rpp%d@example.com\", applicationId: video, pool: rpp%d.example.com}\n", i, i)
	}
	b.WriteString("  users: [\"sip:user@example.com\"]\n  staticRoutes: []\nrpp:\n  workflows: [realconnect]\n  rmx:\n")
	for i := 0; i < n; i++ {
		for _, x := range []string{"a", "b"} {
			fmt.Fprintf(&b, `    - name: rmx%[1]d%[2]s
      fqdn: rmx%[1]d%[2]s.example.com
      site: s%[1]d
      version: "8.7.1.3040"
      certificate: {subject: rmx%[1]d%[2]s.example.com, san: [rmx%[1]d%[2]s.example.com]}
      sip: {server: fe%[1]d.example.com, serverDomainName: example.com, iceEnvironment: ms, serverUserName: rpp%[1]d}
      flags: {SIP_CONTACT_OVERRIDE_STR: "%[3]s"}
      conferenceProfiles: [{name: lync, encryption: whenAvailable}]
`, i, x, gruuOf(i))
		}
	}
	b.WriteString("  dma:\n")
	for i := 0; i < n; i++ {
		fmt.Fprintf(&b, `    - name: dma%[1]d
      fqdn: dma%[1]d.example.com
      site: s%[1]d
      version: "6.4"
      certificate: {subject: dma%[1]d.example.com, san: [dma%[1]d.example.com]}
      lyncPeers: [{name: fe%[1]d, address: fe%[1]d.example.com, serviceGruu: "sip:%[2]s"}]
      realConnect: {enabled: true}
      vmrs: ["%[1]d"]
`, i, gruuOf(i))
	}
	return []byte(b.String())
}

func gruuOf(i int) string {
	return fmt.Sprintf("rpp%d.example.com@example.com;gruu;opaque=srvr:video:T%021dAA", i, i)
}

func TestGeneratedDeploymentIsClean(t *testing.T) {
	d, err := Parse("gen.yaml", generate(20))
	if err != nil {
		t.Fatal(err)
	}
	r := Check(context.Background(), d, Options{})
	for _, f := range r.Findings {
		t.Errorf("%s %s: %s", f.Rule, f.Object, f.Message)
	}
	if len(d.RPP.RMX) != 40 || len(d.RPP.DMA) != 20 || len(d.Lync.TrustedApplicationPools) != 20 {
		t.Errorf("generated %d RMXs, %d DMAs, %d pools", len(d.RPP.RMX), len(d.RPP.DMA), len(d.Lync.TrustedApplicationPools))
	}
}

// BenchmarkCheck measures Check on generated deployments; compare with
// BenchmarkDecode of the same sizes (go test -bench 'Check|Decode' ./rpp).
func BenchmarkCheck(b *testing.B) {
	for _, n := range []int{100, 1000} {
		d, err := Parse("gen.yaml", generate(n))
		if err != nil {
			b.Fatal(err)
		}
		b.Run(fmt.Sprintf("sites=%d", n), func(b *testing.B) {
			b.ReportAllocs()
			for i := 0; i < b.N; i++ {
				if r := Check(context.Background(), d, Options{}); len(r.Findings) != 0 {
					b.Fatal(r.Findings[0].Message)
				}
			}
		})
	}
}

func BenchmarkDecode(b *testing.B) {
	for _, n := range []int{100, 1000} {
		data := generate(n)
		b.Run(fmt.Sprintf("sites=%d", n), func(b *testing.B) {
			b.ReportAllocs()
			b.SetBytes(int64(len(data)))
			for i := 0; i < b.N; i++ {
				if _, err := Parse("gen.yaml", data); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
