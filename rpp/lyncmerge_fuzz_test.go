package rpp

import (
	"bytes"
	"io/fs"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/rppkit/rppkit/examples"
	"github.com/rppkit/rppkit/lync"
)

// coveredOnly keeps the fields of t whose keys covers names.
func coveredOnly(t lync.Topology, covers func(string) bool) lync.Topology {
	var out lync.Topology
	v, o := reflect.ValueOf(t), reflect.ValueOf(&out).Elem()
	for i := 0; i < v.NumField(); i++ {
		key, _, _ := strings.Cut(v.Type().Field(i).Tag.Get("yaml"), ",")
		if covers(key) {
			o.Field(i).Set(v.Field(i))
		}
	}
	return out
}

// FuzzMergeLync merges the two-site example's topology into any file,
// covering any subset of the keys: never a panic; a file it accepts comes
// back as YAML, merging again changes nothing, and when the result decodes
// its covered keys say what the topology says.
func FuzzMergeLync(f *testing.F) {
	names, _ := fs.Glob(examples.FS, "*.yaml")
	for _, n := range names {
		b, _ := examples.FS.ReadFile(n)
		f.Add(b, uint16(0xffff))
		f.Add(b, uint16(0x0155))
	}
	befores, _ := filepath.Glob("testdata/lyncmerge/*.before.*")
	for _, n := range befores {
		b, _ := os.ReadFile(n)
		f.Add(b, uint16(0xffff))
	}
	for _, s := range []string{"", "# only a comment\n", "lync:\nrpp: {}\n", "lync: {product: [\n", "- a\n", "{}", `{"lync": null, "rpp": {}}`,
		"lync:\n  sites:\n  - {name: East}\n  # foot\n\n  users: []\nrpp:\n  workflows: [realconnect]\n",
		"lync:\n  sites: &s [{name: East}]\n  users: *s\n", "lync:\r\n  sipDomains:\r\n    - contoso.com\r\n"} {
		f.Add([]byte(s), uint16(0xffff))
	}
	src, err := examples.FS.ReadFile(examples.Default)
	if err != nil {
		f.Fatal(err)
	}
	dep, err := Parse(examples.Default, src)
	if err != nil {
		f.Fatal(err)
	}
	t := dep.Lync
	keys := LyncKeys()
	f.Fuzz(func(tt *testing.T, doc []byte, mask uint16) {
		covers := func(k string) bool {
			for i, key := range keys {
				if key == k {
					return mask&(1<<i) != 0
				}
			}
			return false
		}
		out, report, err := MergeLync("f.yaml", doc, t, covers)
		if err != nil {
			return
		}
		again, report2, err := MergeLync("f.yaml", out, t, covers)
		if err != nil {
			tt.Fatalf("the merged file cannot be merged again: %v\n%s", err, out)
		}
		if !bytes.Equal(again, out) || report2.Changed() {
			tt.Fatalf("merging again changed the file (%s):\n%s", report2, cmp.Diff(string(out), string(again)))
		}
		if report.Problems != nil {
			return
		}
		got, err := Parse("f.yaml", out)
		if err != nil {
			tt.Fatalf("Problems is nil but Parse says %v", err)
		}
		if d := cmp.Diff(coveredOnly(t, covers), coveredOnly(got.Lync, covers), lyncEqual...); d != "" {
			tt.Fatalf("covered keys (-want +got):\n%s\nfile:\n%s", d, out)
		}
	})
}
