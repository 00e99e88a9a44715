package lab_test

import (
	"context"
	"testing"

	"github.com/rppkit/rppkit/examples"
	"github.com/rppkit/rppkit/rpp"
	"github.com/rppkit/rppkit/rpp/lab"
)

// BenchmarkRunBundledExample is the whole of `rpp lab` on the bundled
// example, less reading the file: the Lync stand-in, every RMX's ICE and,
// with RealConnect on, every DMA's test call, then shutting it all down.
func BenchmarkRunBundledExample(b *testing.B) {
	ctx := context.Background()
	d, err := rpp.LoadFS(ctx, examples.FS, examples.Default)
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		res, err := lab.Run(ctx, d, lab.Options{})
		if err != nil {
			b.Fatal(err)
		}
		if !res.OK() {
			b.Fatalf("the bundled example did not come up: %+v", res.Systems)
		}
	}
}
