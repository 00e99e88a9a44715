package diagram_test

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/rppkit/rppkit/examples"
	"github.com/rppkit/rppkit/rpp"
	"github.com/rppkit/rppkit/rpp/diagram"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata")

// rendered is one diagram of one example.
type rendered struct {
	name string // testdata file name: EXAMPLE.topology.mmd or EXAMPLE.realconnect.mmd
	text []byte
}

// renderExamples draws every example deployment: its topology, and its
// RealConnect call flow when it has a DMA with RealConnect on.
func renderExamples(t *testing.T) []rendered {
	t.Helper()
	names, err := fs.Glob(examples.FS, "*.yaml")
	if err != nil || len(names) == 0 {
		t.Fatalf("no examples: %v", err)
	}
	var out []rendered
	for _, n := range names {
		d, err := rpp.LoadFS(context.Background(), examples.FS, n)
		if err != nil {
			t.Fatal(err)
		}
		base := strings.TrimSuffix(n, ".yaml")
		var top bytes.Buffer
		if err := diagram.Topology(&top, d); err != nil {
			t.Fatalf("%s: Topology: %v", n, err)
		}
		out = append(out, rendered{base + ".topology.mmd", top.Bytes()})
		var flow bytes.Buffer
		err = diagram.RealConnectFlow(&flow, d)
		switch {
		case errors.Is(err, diagram.ErrNoRealConnect):
			if hasRealConnectDMA(d) {
				t.Errorf("%s: ErrNoRealConnect, yet a DMA has RealConnect on", n)
			}
		case err != nil:
			t.Fatalf("%s: RealConnectFlow: %v", n, err)
		default:
			out = append(out, rendered{base + ".realconnect.mmd", flow.Bytes()})
		}
	}
	return out
}

func hasRealConnectDMA(d *rpp.Deployment) bool {
	for _, s := range d.RPP.DMA {
		if s.RealConnect.Enabled {
			return true
		}
	}
	return false
}

// TestGolden compares each example's diagrams with testdata; go test
// -update rewrites them (then look at the diff, and at the renders).
func TestGolden(t *testing.T) {
	got := renderExamples(t)
	want := map[string]bool{}
	for _, r := range got {
		want[r.name] = true
		path := filepath.Join("testdata", r.name)
		if *update {
			if err := os.WriteFile(path, r.text, 0o644); err != nil {
				t.Fatal(err)
			}
			continue
		}
		b, err := os.ReadFile(path)
		if err != nil {
			t.Errorf("%v (run go test -update)", err)
			continue
		}
		if !bytes.Equal(b, r.text) {
			t.Errorf("%s differs from what the code draws (go test -update rewrites it):\n%s", path, r.text)
		}
	}
	// A golden file no example draws any more is stale.
	files, _ := filepath.Glob(filepath.Join("testdata", "*.mmd"))
	for _, f := range files {
		if !want[filepath.Base(f)] {
			if *update {
				os.Remove(f)
				continue
			}
			t.Errorf("%s is drawn by no example", f)
		}
	}
}

// TestReadmeSnippet: the README's pictures of rpp plan (between its
// "rpp plan pictures" markers) are exactly what the code draws for the
// two-site example.
func TestReadmeSnippet(t *testing.T) {
	b, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	_, section, ok := strings.Cut(string(b), "<!-- rpp plan pictures -->")
	section, _, ok2 := strings.Cut(section, "<!-- end of rpp plan pictures -->")
	if !ok || !ok2 {
		t.Fatal("README.md has no <!-- rpp plan pictures --> section")
	}
	var blocks []string
	for _, part := range strings.Split(section, "```mermaid\n")[1:] {
		block, _, ok := strings.Cut(part, "```")
		if !ok {
			t.Fatal("an unterminated mermaid block")
		}
		blocks = append(blocks, block)
	}
	var want []string
	for _, name := range []string{"two-site.topology.mmd", "two-site.realconnect.mmd"} {
		for _, r := range renderExamples(t) {
			if r.name == name {
				want = append(want, string(r.text))
			}
		}
	}
	if len(blocks) != len(want) {
		t.Fatalf("the plan pictures of README.md have %d mermaid blocks, want %d", len(blocks), len(want))
	}
	for i := range want {
		if blocks[i] != want[i] {
			t.Errorf("mermaid block %d of the plan pictures of README.md is not what the code draws:\n%s", i+1, want[i])
		}
	}
}
