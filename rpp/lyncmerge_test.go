package rpp

import (
	"bytes"
	"errors"
	"flag"
	"io/fs"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	"go.yaml.in/yaml/v3"

	"github.com/rppkit/rppkit/examples"
	"github.com/rppkit/rppkit/lync"
)

var updateMerge = flag.Bool("update-merge", false, "rewrite the golden files in testdata/lyncmerge")

// mergeCase is NAME.import.yaml: what an import read, and what the merged
// file must say.
type mergeCase struct {
	Covers   []string      `yaml:"covers"`
	Topology lync.Topology `yaml:"topology"`
	// Expect is the lync: part the result must decode to when it is not
	// Topology itself (fields the import left empty keep the file's values).
	Expect *lync.Topology `yaml:"expect"`
	// Dropped lists the comments (text after '#') that go with removed
	// items; every other comment of the file must survive.
	Dropped []string `yaml:"dropped"`
	// Incomplete: the result is expected not to decode yet (a new file's
	// skeleton).
	Incomplete bool `yaml:"incomplete"`
}

func (c *mergeCase) covers(key string) bool { return slices.Contains(c.Covers, key) }

// lyncEqual compares topologies as Lync would: names ignoring case, lists
// in any order.
var lyncEqual = []cmp.Option{
	cmp.Comparer(func(a, b lync.FQDN) bool { return a.Equal(b) }),
	cmp.Comparer(func(a, b lync.SIPAddress) bool { return a.Equal(b) }),
	cmp.Comparer(func(a, b lync.ApplicationID) bool { return a.Equal(b) }),
	cmpopts.SortSlices(func(a, b lync.FQDN) bool { return a.Key() < b.Key() }),
	cmpopts.SortSlices(func(a, b lync.SIPAddress) bool { return a.Key() < b.Key() }),
	cmpopts.SortSlices(func(a, b lync.Site) bool { return strings.ToLower(a.Name) < strings.ToLower(b.Name) }),
	cmpopts.SortSlices(func(a, b lync.FrontEndPool) bool { return a.FQDN.Key() < b.FQDN.Key() }),
	cmpopts.SortSlices(func(a, b lync.EdgePool) bool { return a.FQDN.Key() < b.FQDN.Key() }),
	cmpopts.SortSlices(func(a, b lync.TrustedApplicationPool) bool { return a.FQDN.Key() < b.FQDN.Key() }),
	cmpopts.SortSlices(func(a, b lync.TrustedApplication) bool { return a.Pool.Key() < b.Pool.Key() }),
	cmpopts.SortSlices(func(a, b lync.TrustedApplicationEndpoint) bool { return a.SIPAddress.Key() < b.SIPAddress.Key() }),
	cmpopts.SortSlices(func(a, b lync.StaticRoute) bool { return a.Destination.Key() < b.Destination.Key() }),
	cmpopts.EquateEmpty(),
}

// comments lists the comment texts of a YAML file, one per comment line.
func comments(t *testing.T, text []byte) []string {
	t.Helper()
	var out []string
	var walk func(n *yaml.Node)
	walk = func(n *yaml.Node) {
		for _, c := range []string{n.HeadComment, n.LineComment, n.FootComment} {
			for _, l := range strings.Split(c, "\n") {
				if l = strings.TrimSpace(strings.TrimPrefix(strings.TrimSpace(l), "#")); l != "" {
					out = append(out, l)
				}
			}
		}
		for _, c := range n.Content {
			walk(c)
		}
	}
	var doc yaml.Node
	if err := yaml.Unmarshal(text, &doc); err != nil {
		t.Fatalf("reading comments: %v", err)
	}
	walk(&doc)
	slices.Sort(out)
	return out
}

// rppText is the file from the rpp: key (with the comment lines above it)
// to the end.
func rppText(t *testing.T, text []byte) string {
	t.Helper()
	i := bytes.Index(text, []byte("\nrpp:"))
	if i < 0 {
		t.Fatalf("no rpp: key in\n%s", text)
	}
	start := i + 1
	for {
		prev := bytes.LastIndexByte(text[:start-1], '\n') + 1
		line := bytes.TrimSpace(text[prev : start-1])
		if start-1 <= 0 || len(line) == 0 || line[0] != '#' {
			break
		}
		start = prev
	}
	return string(text[start:])
}

func TestMergeLyncGolden(t *testing.T) {
	befores, _ := filepath.Glob("testdata/lyncmerge/*.before.*")
	if len(befores) == 0 {
		t.Fatal("no golden cases in testdata/lyncmerge")
	}
	for _, before := range befores {
		name := strings.TrimSuffix(filepath.Base(before), filepath.Ext(before))
		name = strings.TrimSuffix(name, ".before")
		ext := filepath.Ext(before)
		t.Run(name, func(t *testing.T) {
			src, err := os.ReadFile(before)
			if err != nil {
				t.Fatal(err)
			}
			raw, err := os.ReadFile(filepath.Join("testdata/lyncmerge", name+".import.yaml"))
			if err != nil {
				t.Fatal(err)
			}
			var c mergeCase
			if err := yaml.Unmarshal(raw, &c); err != nil {
				t.Fatal(err)
			}
			got, report, err := MergeLync(before, src, c.Topology, c.covers)
			if err != nil {
				t.Fatalf("MergeLync: %v", err)
			}
			golden := filepath.Join("testdata/lyncmerge", name+".after"+ext)
			if *updateMerge {
				if err := os.WriteFile(golden, got, 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want, err := os.ReadFile(golden)
			if err != nil {
				t.Fatal(err)
			}
			if d := cmp.Diff(string(want), string(got)); d != "" {
				t.Errorf("merged file differs from %s (-want +got):\n%s", golden, d)
			}
			t.Logf("report: %s", report)

			// What it says: the import's topology.
			dep, err := Parse(golden, got)
			if c.Incomplete {
				if report.Problems == nil || !errors.Is(report.Problems, ErrMissingField) {
					t.Errorf("Problems = %v, want the skeleton's missing fields", report.Problems)
				}
				var probe struct {
					Lync lync.Topology `yaml:"lync"`
				}
				if err := yaml.Unmarshal(got, &probe); err != nil {
					t.Fatal(err)
				}
				dep = &Deployment{Lync: probe.Lync}
			} else if err != nil || report.Problems != nil {
				t.Fatalf("the merged file does not decode: %v (Problems: %v)", err, report.Problems)
			}
			expect := c.Topology
			if c.Expect != nil {
				expect = *c.Expect
			}
			if d := cmp.Diff(expect, dep.Lync, lyncEqual...); d != "" {
				t.Errorf("merged lync: part (-want +got):\n%s", d)
			}

			// What it keeps: the rpp: part byte for byte, every comment
			// but those of removed items.
			if ext == ".yaml" && !c.Incomplete && bytes.Contains(src, []byte("\nrpp:")) {
				if rppText(t, src) != rppText(t, got) {
					t.Errorf("the rpp: part changed:\n%s", cmp.Diff(rppText(t, src), rppText(t, got)))
				}
			}
			if ext == ".yaml" {
				var wantComments []string
				for _, cm := range comments(t, src) {
					if !slices.Contains(c.Dropped, cm) {
						wantComments = append(wantComments, cm)
					}
				}
				gotComments := comments(t, got)
				for _, cm := range wantComments {
					i := slices.Index(gotComments, cm)
					if i < 0 {
						t.Errorf("comment %q lost", cm)
						continue
					}
					gotComments = slices.Delete(gotComments, i, i+1)
				}
				for _, cm := range c.Dropped {
					if slices.Contains(gotComments, cm) {
						t.Errorf("comment %q of a removed item kept", cm)
					}
				}
			}

			// Merging the same import again changes nothing.
			again, report2, err := MergeLync(golden, got, c.Topology, c.covers)
			if err != nil {
				t.Fatalf("second MergeLync: %v", err)
			}
			if !bytes.Equal(again, got) || report2.Changed() {
				t.Errorf("merging again changed the file (%s):\n%s", report2, cmp.Diff(string(got), string(again)))
			}
		})
	}
}

// TestMergeLyncNoOp merges every example's own lync: part into it: the
// bytes must come back unchanged, comments, quoting and blank lines and all.
func TestMergeLyncNoOp(t *testing.T) {
	names, err := fs.Glob(examples.FS, "*.yaml")
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range names {
		src, err := examples.FS.ReadFile(name)
		if err != nil {
			t.Fatal(err)
		}
		dep, err := Parse(name, src)
		if err != nil {
			t.Fatal(err)
		}
		got, report, err := MergeLync(name, src, dep.Lync, nil)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if !bytes.Equal(got, src) || report.Changed() {
			t.Errorf("%s: merging its own topology changed it (%s):\n%s", name, report, cmp.Diff(string(src), string(got)))
		}
	}
}

// TestMergeLyncRefused: input the merge cannot edit is refused with where
// and why, as the decoder reports it, never a panic or a guess.
func TestMergeLyncRefused(t *testing.T) {
	var topo lync.Topology
	topo.Product = lync.SfB2015
	topo.Sites = []lync.Site{{Name: "East"}}
	for _, tc := range []struct {
		name, doc string
		sentinel  error
		line, col int
		decodeErr bool // a *DecodeError, as Parse returns
	}{
		{"unclosed flow list", "lync: {product: [\nrpp: {}\n", ErrSyntax, 1, 17, true},
		{"tab indentation", "lync:\n\tproduct: sfb2015\n", ErrSyntax, 2, 0, true},
		{"a list, not a deployment", "- lync\n- rpp\n", ErrWrongType, 1, 1, false},
		{"flow-style document", "{lync: {product: lync2013}, rpp: {workflows: [realconnect]}}\n", ErrMergeLayout, 1, 1, false},
		{"flow-style lync", "lync: {product: lync2013}\nrpp: {workflows: [realconnect]}\n", ErrMergeLayout, 1, 7, false},
		{"lync is a list", "lync: [a]\nrpp: {}\n", ErrMergeLayout, 1, 7, false},
		{"alias in a covered key", "lync:\n  sites: &s [{name: East}]\nrpp:\n  x: *s\n", ErrMergeLayout, 2, 10, false},
		{"lone CR among LF", "lync:\r  product: sfb2015\nrpp: {}\n", ErrMergeLayout, 0, 0, false},
		{"two documents", "lync: {}\n---\nrpp: {}\n", ErrSyntax, 2, 0, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			out, report, err := MergeLync("d.yaml", []byte(tc.doc), topo, nil)
			if err == nil {
				t.Fatalf("MergeLync = %q, %v; want an error", out, report)
			}
			if !errors.Is(err, tc.sentinel) {
				t.Errorf("error %v; want one wrapping %v", err, tc.sentinel)
			}
			var fe *FieldError
			if !errors.As(err, &fe) || fe.Pos.File != "d.yaml" || fe.Pos.Line != tc.line || fe.Pos.Column != tc.col {
				t.Errorf("error %v; want its position d.yaml:%d:%d", err, tc.line, tc.col)
			}
			var de *DecodeError
			if errors.As(err, &de) != tc.decodeErr {
				t.Errorf("error %T %v: a *DecodeError = %v, want %v", err, err, !tc.decodeErr, tc.decodeErr)
			}
		})
	}
}

// TestMergeLyncIntoEmptyFlowLync: an empty lync: {} — what a new file of
// an empty topology holds — has no layout to keep, so a later merge writes
// the topology there in block style, keeping the line's comment, instead
// of refusing the flow style.
func TestMergeLyncIntoEmptyFlowLync(t *testing.T) {
	first, _, err := MergeLync("d.yaml", []byte(" "), lync.Topology{}, nil)
	if err != nil || !strings.HasPrefix(string(first), "lync: {}\n") {
		t.Fatalf("MergeLync of nothing = %q, %v", first, err)
	}
	var topo lync.Topology
	topo.Product = lync.SfB2015
	topo.Sites = []lync.Site{{Name: "East", ID: 1}}
	doc := strings.Replace(string(first), "lync: {}\n", "lync: {}   # from rpp import\n", 1)
	got, _, err := MergeLync("d.yaml", []byte(doc), topo, nil)
	if err != nil {
		t.Fatalf("MergeLync into lync: {} = %v", err)
	}
	want := "lync: # from rpp import\n  product: sfb2015\n  sites:\n    - {name: East, id: 1}\n"
	if !strings.HasPrefix(string(got), want) || !strings.Contains(string(got), "\nrpp:\n") {
		t.Errorf("merged:\n%s\nwant it to begin:\n%s", got, want)
	}
	if again, _, err := MergeLync("d.yaml", got, topo, nil); err != nil || string(again) != string(got) {
		t.Errorf("merging again = %v, changed %v", err, string(again) != string(got))
	}
}

// TestMergeLyncKeepsEncoding: a UTF-16 file with a BOM, or one with CRLF
// or CR line ends, comes back the same way, merged as its UTF-8 LF twin is.
func TestMergeLyncKeepsEncoding(t *testing.T) {
	src, err := os.ReadFile("testdata/lyncmerge/refresh.before.yaml")
	if err != nil {
		t.Fatal(err)
	}
	want, err := os.ReadFile("testdata/lyncmerge/refresh.after.yaml")
	if err != nil {
		t.Fatal(err)
	}
	raw, err := os.ReadFile("testdata/lyncmerge/refresh.import.yaml")
	if err != nil {
		t.Fatal(err)
	}
	var c mergeCase
	if err := yaml.Unmarshal(raw, &c); err != nil {
		t.Fatal(err)
	}
	crlf := func(b []byte) []byte { return bytes.ReplaceAll(b, []byte("\n"), []byte("\r\n")) }
	utf16le := func(b []byte) []byte {
		out := []byte{0xff, 0xfe}
		for _, r := range string(b) {
			out = append(out, byte(r), byte(r>>8)) // the fixtures are ASCII
		}
		return out
	}
	cr := func(b []byte) []byte { return bytes.ReplaceAll(b, []byte("\n"), []byte("\r")) }
	for name, conv := range map[string]func([]byte) []byte{"CRLF": crlf, "CR": cr, "UTF-16LE": utf16le} {
		got, _, err := MergeLync("d.yaml", conv(src), c.Topology, c.covers)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if !bytes.Equal(got, conv(want)) {
			t.Errorf("%s: merged file is not the golden file in %s:\n%q", name, name, got)
		}
	}
}

// TestMergeLyncReport: the counts per key, and the one-line summary the
// CLI prints.
func TestMergeLyncReport(t *testing.T) {
	src, _ := os.ReadFile("testdata/lyncmerge/refresh.before.yaml")
	raw, _ := os.ReadFile("testdata/lyncmerge/refresh.import.yaml")
	var c mergeCase
	if err := yaml.Unmarshal(raw, &c); err != nil {
		t.Fatal(err)
	}
	_, report, err := MergeLync("d.yaml", src, c.Topology, c.covers)
	if err != nil {
		t.Fatal(err)
	}
	want := "lync.product replaced; lync.trustedApplicationPools: 1 added, 1 updated, 1 removed; " +
		"lync.trustedApplications: 1 added; lync.trustedApplicationEndpoints: 1 added; lync.users: 1 removed"
	if got := report.String(); got != want {
		t.Errorf("report = %q\nwant     %q", got, want)
	}
	if len(report.Keys) != len(c.Covers) {
		t.Errorf("report lists %d keys, want the %d covered", len(report.Keys), len(c.Covers))
	}
}

// TestLyncKeysCoverTopology: every field of lync.Topology is a key the
// merge knows, in the struct's order, so a field added later cannot be
// silently left out of an import.
func TestLyncKeysCoverTopology(t *testing.T) {
	var want []string
	typ := reflect.TypeFor[lync.Topology]()
	for i := 0; i < typ.NumField(); i++ {
		key, _, _ := strings.Cut(typ.Field(i).Tag.Get("yaml"), ",")
		want = append(want, key)
	}
	if d := cmp.Diff(want, LyncKeys()); d != "" {
		t.Errorf("LyncKeys() and lync.Topology's keys differ (-topology +LyncKeys):\n%s", d)
	}
}

// TestEncodeYAMLNodeNeverPanics: what yaml.v3's encoder refuses (an alias
// to nothing) or panics on (a nil item) comes back as an error for
// MergeLync to return.
func TestEncodeYAMLNodeNeverPanics(t *testing.T) {
	for name, n := range map[string]*yaml.Node{
		"alias to nothing": {Kind: yaml.AliasNode},
		"nil item":         {Kind: yaml.SequenceNode, Content: []*yaml.Node{nil}},
	} {
		var b bytes.Buffer
		if err := encodeYAMLNode(&b, n); err == nil {
			t.Errorf("encoding %s: no error, wrote %q", name, b.String())
		}
	}
}
