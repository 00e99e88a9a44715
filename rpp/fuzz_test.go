package rpp

import (
	"context"
	"errors"
	"io/fs"
	"math/rand"
	"strings"
	"testing"

	"github.com/rppkit/rppkit/examples"
)

// FuzzParse feeds the decoder arbitrary bytes. It must never panic; it must
// explain every refusal, one line per problem, with a position or a
// whole-file reason; it must stop with the context's error when its context
// has ended; the scan that locates syntax errors must find nothing in text
// yaml.v3 accepts; and what it accepts must validate and survive Check.
func FuzzParse(f *testing.F) {
	names, _ := fs.Glob(examples.FS, "*.yaml")
	for _, n := range names {
		b, _ := fs.ReadFile(examples.FS, n)
		f.Add(b)
	}
	for _, s := range []string{"", "{}", "[]", "lync:", "a: &a [*a]", "lync: {product: x}\nrpp: {}", "\x00", "{\"lync\": 1}", "- - -",
		"lync: [", "a: 'b", "a: \"\\q\"", "a:\n  b: 1\n c: 2", "a:\n  - b\n  c: 1", "\xff\xfel\x00", "\xef\xbb\xbfa: 1", "a: !!str b",
		"rpp:\n  \"a\\nb\": 1", "a: {b: [c, d}, e: f}", "a: |\n  x\nb: c\nd: [\n", "0: #00000000000\n0000000: 0\n       \""} {
		f.Add([]byte(s))
	}
	// Suppressions: accepted, refused (no reason, not ignorable, unknown
	// rule, bad date, at the top) and odd (aliases, flow style).
	single, _ := fs.ReadFile(examples.FS, "single-site.yaml")
	for _, block := range []string{
		"      ignore: {rmx-encryption: {reason: lab, expires: 2027-03-31}}\n",
		"      ignore:\n        rmx-encryption: {expires: 2027-03-31}\n",
		"      ignore: {cert-wildcard: {reason: x}}\n",
		"      ignore: {rmx-encrypton: {reason: x}}\n",
		"      ignore: {rmx-encryption: {reason: x, expires: 2027-02-30}}\n",
		"      ignore: &i {rmx-encryption: {reason: *i}}\n",
		"      ignore: [rmx-encryption]\n      ignore: {}\n",
	} {
		f.Add([]byte(strings.Replace(string(single), "    - name: rmx1\n", "    - name: rmx1\n"+block, 1)))
	}
	f.Add([]byte("ignore: {cert-shared: {reason: x}}\n" + string(single)))
	// DNS sections: accepted (CNAMEs, a loop, a name outside the zones)
	// and refused (values of the wrong type, records outside the zones,
	// zones twice, a CNAME beside an A).
	for _, section := range []string{
		"dns:\n  zones: [fabrikam.com]\n  records:\n    - {name: rmx1.fabrikam.com, type: a, value: 192.0.2.1}\n    - {name: dma.fabrikam.com, type: CNAME, value: rmx1.fabrikam.com}\n",
		"dns:\n  zones: [fabrikam.com]\n  records:\n    - {name: lyncedge.fabrikam.com, type: cname, value: x.fabrikam.com}\n    - {name: x.fabrikam.com, type: CNAME, value: lyncedge.fabrikam.com}\n",
		"dns:\n  zones: [fabrikam.com, fabrikam.com.]\n  records: [{name: a.contoso.com, type: AAAA, value: 192.0.2.1}]\n",
		"dns:\n  zones: [fabrikam.com]\n  records:\n    - {name: a.fabrikam.com, type: A, value: 192.0.2.1}\n    - {name: a.fabrikam.com, type: CNAME, value: \"[::1]\"}\n",
		"dns: {zones: [], records: [{name: a, type: MX, value: b}]}\n",
	} {
		f.Add(append(single[:len(single):len(single)], section...))
	}

	// Generated YAML: the grammar's constructs written in many ways.
	gen := rand.New(rand.NewSource(1))
	for range 12 {
		f.Add(generatedYAML(gen))
	}

	cancelled, cancel := context.WithCancel(context.Background())
	cancel()
	f.Fuzz(func(t *testing.T, data []byte) {
		if _, err := ParseContext(cancelled, "f.yaml", data); !errors.Is(err, context.Canceled) {
			t.Fatalf("ParseContext with an ended context = %v", err)
		}
		d, err := Parse("f.yaml", data)
		if err != nil {
			var de *DecodeError
			if !errors.As(err, &de) || len(de.Errs) == 0 {
				t.Fatalf("error %v (%T) is not a non-empty *DecodeError", err, err)
			}
			for _, fe := range de.Errs {
				if fe.Err == nil || fe.Pos.File != "f.yaml" || strings.ContainsAny(fe.Error(), "\n\r") {
					t.Fatalf("bad FieldError %#v: %q", fe, fe.Error())
				}
			}
			if text, fe := textOf("f.yaml", data); fe == nil && !errors.Is(err, ErrSyntax) && yamlAccepts(text) {
				s := &synScan{b: text, m: synMark{line: 1, col: 1}, anchors: map[string]bool{}}
				if s.run(); s.prob != nil {
					t.Fatalf("the syntax scan finds %q at %s in text yaml.v3 accepts", s.prob.msg, s.prob.at)
				}
			}
			return
		}
		if err := d.Validate(); err != nil {
			t.Fatalf("decoded, but does not validate: %v", err)
		}
		r := Check(context.Background(), d, Options{})
		if r.Err != nil {
			t.Fatalf("Check: %v", r.Err)
		}
		for _, fd := range r.Findings {
			if fd.Rule == "" || fd.Object == "" || fd.Field == "" || fd.Message == "" {
				t.Fatalf("incomplete finding %+v", fd)
			}
		}
	})
}
