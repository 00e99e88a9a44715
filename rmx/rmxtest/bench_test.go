package rmxtest_test

import (
	"context"
	"slices"
	"testing"
	"time"

	"github.com/rppkit/rppkit/rmx/rmxtest"
)

// BenchmarkICEReady measures one RMX stand-in from its TLS connect to
// "ICE ready" (register, provisioning, MRAS, relay candidates) against the
// lab, and reports the median as well as the mean:
//
//	go test -run '^$' -bench ICEReady -benchtime 50x ./rmx/rmxtest
func BenchmarkICEReady(b *testing.B) {
	s, d := lab(b, "two-site.yaml")
	defer s.Close()
	durations := make([]time.Duration, 0, b.N)
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		b.StopTimer()
		r, err := rmxtest.ForLab(s, d.RPP.RMX[0], rmxtest.WithLogger(quiet))
		if err != nil {
			b.Fatal(err)
		}
		b.StartTimer()
		start := time.Now()
		st, err := r.Start(context.Background())
		durations = append(durations, time.Since(start))
		b.StopTimer()
		if err != nil || st.State != rmxtest.StateReady {
			b.Fatalf("%+v %v", st, err)
		}
		r.Close()
		b.StartTimer()
	}
	slices.Sort(durations)
	b.ReportMetric(float64(durations[len(durations)/2].Microseconds())/1000, "ms-median")
}
