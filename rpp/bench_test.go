package rpp

import (
	"context"
	"errors"
	"fmt"
	"io"
	"runtime"
	"strings"
	"testing"

	"github.com/rppkit/rppkit/rmx"
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

// benchSites are the deployment sizes the benchmarks run: Check must stay
// linear up to the largest (a 10,000-site file is about 19 MB).
var benchSites = []int{100, 1000, 10000}

// BenchmarkCheck measures Check on generated deployments; compare with
// BenchmarkDecode of the same sizes (go test -bench 'Check|Decode' ./rpp).
func BenchmarkCheck(b *testing.B) {
	for _, n := range benchSites {
		b.Run(fmt.Sprintf("sites=%d", n), func(b *testing.B) {
			d, err := Parse("gen.yaml", generate(n))
			if err != nil {
				b.Fatal(err)
			}
			// Collect the parse's garbage now, not in the timed loop, whose
			// few runs at 10,000 sites would each pay a share of it.
			runtime.GC()
			b.ReportAllocs()
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				if r := Check(context.Background(), d, Options{}); len(r.Findings) != 0 || r.Err != nil {
					b.Fatal(r.Err, r.Findings)
				}
			}
		})
	}
}

// BenchmarkPlanPools measures PlanPools, which four rules of Check call,
// on the same deployments: it must stay linear too.
func BenchmarkPlanPools(b *testing.B) {
	for _, n := range benchSites {
		b.Run(fmt.Sprintf("sites=%d", n), func(b *testing.B) {
			d, err := Parse("gen.yaml", generate(n))
			if err != nil {
				b.Fatal(err)
			}
			runtime.GC() // as in BenchmarkCheck
			b.ReportAllocs()
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				if plans, err := PlanPools(d); err != nil || len(plans) != n {
					b.Fatal(len(plans), err)
				}
			}
		})
	}
}

// BenchmarkDecode measures Parse on generated deployments. Besides time
// and allocations per file it reports allocated bytes per byte of input
// (B/in-B), the figure that says how much memory a file of a given size
// may need.
func BenchmarkDecode(b *testing.B) {
	for _, n := range benchSites {
		b.Run(fmt.Sprintf("sites=%d", n), func(b *testing.B) {
			data := generate(n)
			benchParse(b, data, func(err error) bool { return err == nil })
		})
	}
}

// BenchmarkDecodeHostile measures Parse on input nobody writes by hand:
// it must fail in time and memory proportional to the input.
func BenchmarkDecodeHostile(b *testing.B) {
	big := generate(2000) // about 4 MB
	for _, tc := range []struct {
		name string
		data []byte
		is   error
	}{
		// 100,000 nested '[' (yaml.v3 stops at 10,000).
		{"deep-brackets", []byte("lync: " + strings.Repeat("[", 100000) + strings.Repeat("]", 100000) + "\n"), ErrSyntax},
		// A clean file that breaks on its last line.
		{"error-at-end", append(append([]byte(nil), big...), "rpp: [\n"...), ErrSyntax},
		// A bad version of 8 MB.
		{"huge-value", []byte("lync: {product: sfb2019, sipDomains: [a.com]}\nrpp:\n  workflows: [realconnect]\n  rmx:\n    - {name: r, fqdn: r.a.com, version: \"" + strings.Repeat("8", 8<<20) + "\"}\n"), rmx.ErrInvalidVersion},
		// Six million values of two bytes each (DefaultMaxNodes is four
		// million): refused before yaml.v3 builds a tree of them.
		{"many-values", []byte("lync: [" + strings.Repeat("a,", 6<<20) + "a]\n"), ErrTooLarge},
		// A misspelt key of 8 MB.
		{"huge-key", []byte("lync: {product: sfb2019, sipDomains: [a.com]}\nrpp:\n  ? " + strings.Repeat("w", 8<<20) + "\n  : [realconnect]\n"), ErrUnknownField},
	} {
		b.Run(tc.name, func(b *testing.B) {
			benchParse(b, tc.data, func(err error) bool { return errors.Is(err, tc.is) && len(err.Error()) < 4096 })
		})
	}
}

// benchParse runs Parse over data, checking each result with ok. It
// reports the bytes allocated per byte of input (B/in-B) and the bytes the
// result keeps per byte of input (kept-B/in-B): the deployment with its
// positions, once the YAML tree is garbage.
func benchParse(b *testing.B, data []byte, ok func(error) bool) {
	b.ReportAllocs()
	b.SetBytes(int64(len(data)))
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, err := Parse("gen.yaml", data); !ok(err) {
			b.Fatalf("Parse: %.300v", err)
		}
	}
	b.StopTimer()
	runtime.ReadMemStats(&after)
	b.ReportMetric(float64(after.TotalAlloc-before.TotalAlloc)/float64(b.N)/float64(len(data)), "B/in-B")
	runtime.GC()
	runtime.ReadMemStats(&before)
	d, _ := Parse("gen.yaml", data)
	runtime.GC()
	runtime.ReadMemStats(&after)
	b.ReportMetric(float64(int64(after.HeapAlloc)-int64(before.HeapAlloc))/float64(len(data)), "kept-B/in-B")
	runtime.KeepAlive(d)
}

// BenchmarkPlan measures Plan on the same deployments, as a new
// integration (every object created, every GRUU read back) and against
// itself (nothing to do, every object compared): both must stay linear in
// the size of the deployment.
func BenchmarkPlan(b *testing.B) {
	for _, n := range benchSites {
		d, err := Parse("gen.yaml", generate(n))
		if err != nil {
			b.Fatal(err)
		}
		for _, from := range []struct {
			name    string
			current *Deployment
			steps   func(int) bool
		}{
			{"new", nil, func(s int) bool { return s > 10*n }},
			{"itself", d, func(s int) bool { return s == 0 }},
		} {
			b.Run(fmt.Sprintf("sites=%d/from=%s", n, from.name), func(b *testing.B) {
				runtime.GC() // as in BenchmarkCheck
				b.ReportAllocs()
				b.ResetTimer()
				for i := 0; i < b.N; i++ {
					rb, err := Plan(context.Background(), d, from.current)
					if err != nil || !from.steps(len(rb.Steps)) {
						b.Fatal(err, len(rb.Steps))
					}
				}
			})
		}
	}
}

// BenchmarkPlanText measures writing a new integration's plan as text and
// as a script: linear too, however many steps and windows it has.
func BenchmarkPlanText(b *testing.B) {
	for _, n := range benchSites {
		b.Run(fmt.Sprintf("sites=%d", n), func(b *testing.B) {
			d, err := Parse("gen.yaml", generate(n))
			if err != nil {
				b.Fatal(err)
			}
			rb, err := Plan(context.Background(), d, nil)
			if err != nil {
				b.Fatal(err)
			}
			runtime.GC() // as in BenchmarkCheck
			b.ReportAllocs()
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				if err := rb.WriteText(io.Discard); err != nil {
					b.Fatal(err)
				}
				if err := rb.WritePowerShell(io.Discard, PowerShellOptions{}); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
