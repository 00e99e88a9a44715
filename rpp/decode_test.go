package rpp

import (
	"bytes"
	"context"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/rppkit/rppkit/examples"
	"github.com/rppkit/rppkit/lync"
	"github.com/rppkit/rppkit/rmx"
)

func exampleBytes(t testing.TB, name string) []byte {
	t.Helper()
	b, err := fs.ReadFile(examples.FS, name)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// edit replaces the one occurrence of old in the single-site example.
func edit(t *testing.T, old, new string) []byte {
	t.Helper()
	src := exampleBytes(t, "single-site.yaml")
	if bytes.Count(src, []byte(old)) != 1 {
		t.Fatalf("%q is not in single-site.yaml exactly once", old)
	}
	return bytes.Replace(src, []byte(old), []byte(new), 1)
}

func TestParseRejects(t *testing.T) {
	for _, tc := range []struct {
		name string
		data []byte
		is   error
		want []string // each is one line of the error, in order
	}{
		{"misspelt field", edit(t, "iceEnvironment: ms\n        serverUserName: rpp\n", "iceEnviroment: ms\n        serverUserName: rpp\n"), ErrUnknownField,
			[]string{`f.yaml:42:9: rpp.rmx[0].sip.iceEnviroment: unknown field "iceEnviroment" (did you mean iceEnvironment?)`}},
		{"unknown field with no near name", edit(t, "  workflows: [traditional]", "  workflows: [traditional]\n  colour: blue"), ErrUnknownField,
			[]string{`f.yaml:33:3: rpp.colour: unknown field "colour" (known here: workflows, rmx, dma)`}},
		{"bad version", edit(t, `version: "8.5.10"`, `version: "8.x"`), rmx.ErrInvalidVersion,
			[]string{`f.yaml:37:16: rpp.rmx[0].version: invalid release number: RMX version "8.x": component 2 ("x") is not a number`}},
		{"version missing", edit(t, "      version: \"8.4.2\"\n", ""), ErrMissingField,
			[]string{`f.yaml:49:7: rpp.rmx[1].version: required field missing`}},
		{"GRUU that is not a SIP URI", edit(t, `serviceGruu: "sip:rpp.fabrikam.com@fabrikam.com;gruu;opaque=srvr:video:QbJ7c2W1x0K9tP4mAz8hSgAA"`+"\n  trustedApplicationEndpoints",
			`serviceGruu: "<sip:rpp.fabrikam.com@fabrikam.com;gruu;opaque=srvr:video:QbJ7c2W1x0K9tP4mAz8hSgAA>"`+"\n  trustedApplicationEndpoints"), lync.ErrMalformedGRUU,
			[]string{`f.yaml:24:7: lync.trustedApplications[0].serviceGruu: service GRUU "<sip:rpp.fabrikam.com@fabrikam.com;gruu;opaque=srvr:video:QbJ7c2W1x0K9tP4mAz8hSgAA>": syntax: contains '<' at offset 0, which a SIP URI cannot hold unescaped`}},
		{"wrong type", edit(t, "sipDomains: [fabrikam.com]", "sipDomains: fabrikam.com"), ErrWrongType,
			[]string{`f.yaml:8:15: lync.sipDomains: wrong type: want a list, got "fabrikam.com"`}},
		{"bad enum and bad port together", edit(t, "{destination: dma.fabrikam.com, port: 5061, transport: tls,", "{destination: dma.fabrikam.com, port: 99999, transport: udp,"), lync.ErrInvalidPort,
			[]string{
				`f.yaml:29:45: lync.staticRoutes[0].port: invalid port "99999": want a number from 1 to 65535`,
				`f.yaml:29:63: lync.staticRoutes[0].transport: unknown transport "udp" (want tls or tcp)`,
			}},
		{"FQDN with a port", edit(t, "fqdn: rmx1.fabrikam.com", "fqdn: rmx1.fabrikam.com:5061"), lync.ErrInvalidFQDN,
			[]string{`f.yaml:35:13: rpp.rmx[0].fqdn: invalid host name "rmx1.fabrikam.com:5061": contains ':'; give the host name without a scheme or port`}},
		{"duplicate key", edit(t, "      site: HQ\n      version: \"8.5.10\"", "      site: HQ\n      site: HQ\n      version: \"8.5.10\""), ErrDuplicateKey,
			[]string{`f.yaml:37:7: rpp.rmx[0].site: field given twice (first at line 36)`}},
		{"broken YAML", []byte("lync:\n  product: lync2013\n sipDomains: [a.com]\n"), ErrSyntax,
			[]string{`f.yaml:3:2: not valid YAML or JSON: indented to column 2, which matches neither the mapping at column 1 (line 1) nor the mapping at column 3 (line 2)`}},
		{"empty file", nil, ErrEmpty,
			[]string{`f.yaml: no deployment in the file: the file is empty; want a mapping with the keys lync and rpp`}},
		{"blank lines", []byte("\n  \n\t\n"), ErrEmpty,
			[]string{`f.yaml: no deployment in the file: the file is empty; want a mapping with the keys lync and rpp`}},
		{"comments only", []byte("# nothing yet\n"), ErrEmpty,
			[]string{`f.yaml: no deployment in the file: the file holds only comments; want a mapping with the keys lync and rpp`}},
		{"an empty document", []byte("# nothing yet\n---\n"), ErrEmpty,
			[]string{`f.yaml: no deployment in the file: the document is empty (null); want a mapping with the keys lync and rpp`}},
		{"binary garbage", []byte("lync:\n  \x00\x01\x02\xff"), ErrSyntax,
			[]string{`f.yaml:2:3: not valid YAML or JSON: not a text file (byte 0x00 is not UTF-8 text)`}},
		{"a list at the top", []byte("- lync\n- rpp\n"), ErrWrongType,
			[]string{`f.yaml:1:1: wrong type: the file holds a list; want a mapping with the keys lync and rpp`}},
		{"two documents", []byte("lync: {}\n---\nrpp: {}\n"), ErrSyntax,
			[]string{`f.yaml:2: not valid YAML or JSON: a second YAML document ('---'); put one deployment in a file`}},
		{"nothing to check", []byte("lync: {product: lync2013, sipDomains: [a.com]}\nrpp: {workflows: [realconnect]}\n"), ErrMissingField,
			[]string{`f.yaml:2:1: rpp: required field missing: lists no rmx and no dma; nothing to check`}},
		{"merge key", []byte("lync: &l {product: lync2013}\nrpp:\n  <<: *l\n"), ErrUnsupported,
			[]string{`f.yaml:1:7: lync.sipDomains: required field missing`,
				`f.yaml:3:3: rpp: not supported in a deployment file: YAML merge keys (<<); write the fields out`,
				`f.yaml:3:3: rpp.workflows: required field missing`}},
		{"broken JSON", []byte(`{"lync": {"product": "lync2013",}`), ErrSyntax,
			[]string{`f.yaml:1:1: not valid YAML or JSON: '{' opened here is never closed (the parser gave up at 2:1)`}},
		{"an empty required list", edit(t, "workflows: [traditional]", "workflows: []"), ErrMissingField,
			[]string{`f.yaml:32:3: rpp.workflows: required field missing: must not be empty`}},
		{"an empty list item", edit(t, "sipDomains: [fabrikam.com]", "sipDomains: [fabrikam.com, ~, '']"), ErrWrongType,
			[]string{`f.yaml:8:30: lync.sipDomains[1]: wrong type: an empty list item`,
				`f.yaml:8:33: lync.sipDomains[2]: wrong type: an empty list item`}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			d, err := Parse("f.yaml", tc.data)
			if err == nil {
				t.Fatalf("Parse succeeded: %+v", d)
			}
			if !errors.Is(err, tc.is) {
				t.Errorf("error does not wrap %v: %v", tc.is, err)
			}
			var de *DecodeError
			if !errors.As(err, &de) {
				t.Fatalf("error %T is not a *DecodeError", err)
			}
			if diff := cmp.Diff(tc.want, strings.Split(err.Error(), "\n")); diff != "" {
				t.Errorf("error lines (-want +got):\n%s", diff)
			}
		})
	}
}

func TestParseStopsAfterManyErrors(t *testing.T) {
	var b strings.Builder
	b.WriteString("lync: {product: lync2013, sipDomains: [a.com]}\nrpp:\n  workflows: [realconnect]\n  rmx:\n")
	for i := 0; i < 100; i++ {
		b.WriteString("    - {name: r, fqdn: r.a.com, version: bad}\n")
	}
	_, err := Parse("f.yaml", []byte(b.String()))
	var de *DecodeError
	if !errors.As(err, &de) || len(de.Errs) != maxErrors+1 || !strings.Contains(err.Error(), "too many errors") {
		t.Errorf("got %d errors: %v", len(de.Errs), err)
	}
}

func TestParseBoundsAliasExpansion(t *testing.T) {
	// Aliases let a small file name a huge deployment: 1,000 RMXs that each
	// refer to one list of 10,000 meeting rooms is 10 million values.
	var b strings.Builder
	b.WriteString("lync: {product: lync2013, sipDomains: [a.com]}\nvmrs: &v [")
	b.WriteString(strings.Repeat("x, ", 9999))
	b.WriteString("x]\nrpp:\n  workflows: [realconnect]\n  rmx:\n    - &r {name: r, fqdn: r.a.com, version: \"8.5\", vmrs: *v}\n")
	b.WriteString(strings.Repeat("    - *r\n", 999))
	_, err := Parse("f.yaml", []byte(b.String()))
	if !errors.Is(err, ErrTooLarge) {
		t.Fatalf("Parse = %v, want ErrTooLarge", err)
	}
}

// TestJSONDecodesLikeYAML decodes the JSON form of an example (tabs
// included) and checks it is the same deployment with the same findings.
func TestJSONDecodesLikeYAML(t *testing.T) {
	yd := load(t, "story-gruu-wrong-prefix.yaml")
	js, err := jsonOf(yd)
	if err != nil {
		t.Fatal(err)
	}
	jd, err := Parse("f.json", js)
	if err != nil {
		t.Fatalf("JSON form does not decode: %v\n%s", err, js)
	}
	opts := cmp.Options{cmp.AllowUnexported(Deployment{}), cmp.Comparer(func(a, b *source) bool { return true }),
		cmp.Comparer(func(a, b lync.SIPAddress) bool { return a == b }),
		cmp.Comparer(func(a, b rmx.Version) bool { return a.Compare(b) == 0 && a.String() == b.String() }),
		cmp.Comparer(func(a, b dmaVersion) bool { return a.String() == b.String() })}
	if diff := cmp.Diff(yd, jd, opts); diff != "" {
		t.Errorf("JSON and YAML decode differently (-yaml +json):\n%s", diff)
	}
	yr, jr := Check(context.Background(), yd, Options{}), Check(context.Background(), jd, Options{})
	if diff := cmp.Diff(fired(yr), fired(jr)); diff != "" || jr.Findings[0].Line == 0 {
		t.Errorf("findings differ (-yaml +json):\n%s", diff)
	}
}

func TestLoad(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "d.yaml")
	if err := os.WriteFile(path, exampleBytes(t, "two-site.yaml"), 0o600); err != nil {
		t.Fatal(err)
	}
	d, err := Load(context.Background(), path)
	if err != nil {
		t.Fatal(err)
	}
	if d.File() != path || d.Position("rpp.rmx[1].sip.serverUserName").Line != 75 {
		t.Errorf("file %q, position %v", d.File(), d.Position("rpp.rmx[1].sip.serverUserName"))
	}
	// An absent field falls back to its nearest present ancestor.
	if got, want := d.Position("rpp.rmx[1].sip.iceMethod"), d.Position("rpp.rmx[1].sip"); got != want {
		t.Errorf("absent field at %v, want %v", got, want)
	}
	if _, err := Load(context.Background(), filepath.Join(dir, "missing.yaml")); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("Load(context.Background(), missing) = %v", err)
	}
	d, err = Decode(context.Background(), bytes.NewReader(exampleBytes(t, "two-site.yaml")))
	if err != nil || d.File() != "" || d.Position("lync").Line != 9 {
		t.Errorf("Decode: %v, file %q, lync at %v", err, d.File(), d.Position("lync"))
	}
}

func TestParseEmptyValues(t *testing.T) {
	// An empty value means "not set": fine where the field is optional, a
	// missing field where it is required.
	src := edit(t, `version: "6.3.2"`, `version: ""`)
	d, err := Parse("f.yaml", src)
	if err != nil || !d.RPP.DMA[0].Version.IsZero() {
		t.Fatalf("empty optional DMA version: %v", err)
	}
	_, err = Parse("f.yaml", edit(t, `version: "8.5.10"`, `version: ""`))
	if !errors.Is(err, ErrMissingField) || !strings.Contains(err.Error(), "f.yaml:37:7: rpp.rmx[0].version: required field missing: must not be empty") {
		t.Errorf("empty RMX version: %v", err)
	}
}

func TestParseAcceptsEquivalentSpellings(t *testing.T) {
	src := edit(t, "iceEnvironment: ms\n        serverUserName: rpp\n", "iceEnvironment: MS\n        serverUserName: rpp\n")
	src = bytes.Replace(src, []byte("product: lync2013"), []byte("product: Lync2013"), 1)
	src = bytes.Replace(src, []byte("workflows: [traditional]"), []byte("workflows: [Traditional]"), 1)
	d, err := Parse("f.yaml", src)
	if err != nil {
		t.Fatal(err)
	}
	if d.RPP.RMX[0].SIP.ICEEnvironment != rmx.ICEMS || d.Lync.Product != lync.Lync2013 || !d.RPP.Has(Traditional) {
		t.Errorf("values not normalised: %+v", d.RPP.RMX[0].SIP)
	}
	if r := Check(context.Background(), d, Options{}); len(r.Findings) != 0 {
		t.Errorf("findings: %v", r.Findings)
	}
}
