package rpp_test

import (
	"context"
	"fmt"
	"io/fs"
	"strings"
	"time"

	"github.com/rppkit/rppkit/examples"
	"github.com/rppkit/rppkit/rpp"
)

// An ignore: block on rmx1 accepts its unencrypted profile, with a reason
// and a date; the finding stays in the report, marked and counted apart.
// After the date it is reported again, with a finding of its own.
func ExampleCheck_suppression() {
	text, _ := fs.ReadFile(examples.FS, "single-site.yaml")
	yaml := strings.Replace(string(text), "{name: default, encryption: whenAvailable}", "{name: default, encryption: none}", 1)
	yaml = strings.Replace(yaml, "    - name: rmx1\n", `    - name: rmx1
      ignore:
        rmx-encryption: {reason: "lab RMX; no media leaves the room", expires: 2027-03-31}
`, 1)
	d, err := rpp.Parse("site.yaml", []byte(yaml))
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, now := range []time.Time{time.Date(2027, 3, 31, 0, 0, 0, 0, time.UTC), time.Date(2027, 4, 1, 0, 0, 0, 0, time.UTC)} {
		r := rpp.Check(context.Background(), d, rpp.Options{Now: now})
		fmt.Println(now.Format(time.DateOnly), r.Summary)
		for _, f := range r.Findings {
			if f.Suppressed != nil {
				fmt.Printf("  %s suppressed at %s: %s\n", f.Rule, f.Suppressed.Position(), f.Suppressed.Reason)
			} else {
				fmt.Printf("  %s %s at %s\n", f.Severity, f.Rule, f.Position())
			}
		}
	}
	// Output:
	// 2027-03-31 {0 0 0 1}
	//   rmx-encryption suppressed at site.yaml:36:9: lab RMX; no media leaves the room
	// 2027-04-01 {0 2 0 0}
	//   warning suppression-expired at site.yaml:36:9
	//   warning rmx-encryption at site.yaml:49:27
}

// ParseConfig reads .rpp.yaml; Check applies it.
func ExampleParseConfig() {
	cfg, err := rpp.ParseConfig(context.Background(), ".rpp.yaml", []byte(`
severity:
  lync-pool-extra: off
  rmx-encryption: error
ignore:
  rmx/rmx1:
    dma-rmx-untested-pair: {reason: "tested with Polycom support, case 4711"}
`))
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(cfg.Severity["lync-pool-extra"], cfg.Severity["rmx-encryption"])
	for _, s := range cfg.Suppressions {
		fmt.Printf("%s on %s (%s, %s): %s\n", s.Rule, s.Target, s.Source, s.Position(), s.Reason)
	}
	_, err = rpp.ParseConfig(context.Background(), ".rpp.yaml", []byte("ignore:\n  rmx/rmx1:\n    cert-wildcard: {reason: x}\n"))
	fmt.Println(err)
	// Output:
	// off error
	// dma-rmx-untested-pair on rmx/rmx1 (config, .rpp.yaml:7:5): tested with Polycom support, case 4711
	// .rpp.yaml:3:5: ignore.rmx/rmx1.cert-wildcard: rule cannot be suppressed: cert-wildcard must always be seen; fix what it finds instead
}
