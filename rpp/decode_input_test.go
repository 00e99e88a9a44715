package rpp

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"

	"go.yaml.in/yaml/v3"
	"golang.org/x/text/encoding/unicode"

	"github.com/rppkit/rppkit/lync"
	"github.com/rppkit/rppkit/rmx"
)

// small is a deployment small enough to edit by hand in a test: the
// trusted application's port is on line 5, the DMA on line 9.
const small = `lync:
  product: lync2013
  sipDomains: [a.com]
  trustedApplications:
    - {applicationId: video, pool: p.a.com, port: 5061}
  sites: [{name: s, id: 1}]
rpp:
  workflows: [realconnect]
  dma:
    - {name: d, fqdn: d.a.com, version: "6.4", realConnect: {enabled: true}}
`

// editSmall replaces the one occurrence of old in small.
func editSmall(t *testing.T, old, new string) []byte {
	t.Helper()
	if strings.Count(small, old) != 1 {
		t.Fatalf("%q is not in small exactly once", old)
	}
	return []byte(strings.Replace(small, old, new, 1))
}

// checkRefused parses data and checks the error's lines and what it wraps.
func checkRefused(t *testing.T, data []byte, is error, want ...string) {
	t.Helper()
	_, err := Parse("f.yaml", data)
	if !errors.Is(err, is) {
		t.Fatalf("Parse = %v, want %v", err, is)
	}
	if got := strings.Split(err.Error(), "\n"); strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("error\n got: %q\nwant: %q", got, want)
	}
}

func TestSmallParses(t *testing.T) {
	if _, err := Parse("f.yaml", []byte(small)); err != nil {
		t.Fatal(err)
	}
}

// TestTagsRefused: decoding is strict, so an explicit YAML tag, which
// would change how a value is read, is refused wherever it is, naming it.
func TestTagsRefused(t *testing.T) {
	for _, tc := range []struct{ old, new, want string }{
		{"port: 5061", "port: !!str 5061", `f.yaml:5:51: lync.trustedApplications[0].port: not supported in a deployment file: the YAML tag !!str; write the value without it`},
		{"port: 5061", "port: !!int 5061", `f.yaml:5:51: lync.trustedApplications[0].port: not supported in a deployment file: the YAML tag !!int; write the value without it`},
		{"product: lync2013", "product: !!binary bHluYzIwMTM=", `f.yaml:2:12: lync.product: not supported in a deployment file: the YAML tag !!binary; write the value without it`},
		{"product: lync2013", "product: !custom lync2013", `f.yaml:2:12: lync.product: not supported in a deployment file: the YAML tag !custom; write the value without it`},
		{"product: lync2013", "product: !<tag:yaml.org,2002:str> lync2013", `f.yaml:2:12: lync.product: not supported in a deployment file: the YAML tag !!str; write the value without it`},
		{"sipDomains: [a.com]", "sipDomains: !!set {a.com}", `f.yaml:3:15: lync.sipDomains: not supported in a deployment file: the YAML tag !!set; write the value without it`},
		{"enabled: true", "enabled: !!bool true", `f.yaml:10:71: rpp.dma[0].realConnect.enabled: not supported in a deployment file: the YAML tag !!bool; write the value without it`},
		{"rpp:\n", "rpp: !!map\n", `f.yaml:7:6: rpp: not supported in a deployment file: the YAML tag !!map; write the value without it`},
	} {
		t.Run(tc.new, func(t *testing.T) {
			checkRefused(t, editSmall(t, tc.old, tc.new), ErrUnsupported, tc.want)
		})
	}
	// A tagged key is refused, and the field it names is then missing.
	checkRefused(t, editSmall(t, "  product:", "  !!str product:"), ErrUnsupported,
		`f.yaml:2:3: lync: not supported in a deployment file: the YAML tag !!str; write the value without it`,
		`f.yaml:2:3: lync.product: required field missing`)
}

// TestQuotedValues: a value means what its field says, quoted or not, in
// YAML and in JSON; what the field cannot hold is refused the same way
// however it is written.
func TestQuotedValues(t *testing.T) {
	for _, tc := range []struct{ old, new string }{
		{"port: 5061", `port: "5061"`},
		{"port: 5061", `port: '5061'`},
		{"id: 1", `id: "1"`},
		{"enabled: true", `enabled: "true"`},
		{"enabled: true", `enabled: True`},
		{`version: "6.4"`, `version: 6.4`},
		{"product: lync2013", `product: "Lync2013"`},
	} {
		d, err := Parse("f.yaml", editSmall(t, tc.old, tc.new))
		if err != nil {
			t.Errorf("%s: %v", tc.new, err)
			continue
		}
		if d.Lync.TrustedApplications[0].Port != 5061 || d.Lync.Sites[0].ID != 1 || !d.RPP.DMA[0].RealConnect.Enabled ||
			d.RPP.DMA[0].Version.String() != "6.4" || d.Lync.Product != lync.Lync2013 {
			t.Errorf("%s: read as %+v", tc.new, d)
		}
	}
	js := []byte(`{"lync": {"product": "lync2013", "sipDomains": ["a.com"], "sites": [{"name": "s", "id": "1"}],
	  "trustedApplications": [{"applicationId": "video", "pool": "p.a.com", "port": "5061"}]},
	 "rpp": {"workflows": ["realconnect"], "dma": [{"name": "d", "fqdn": "d.a.com", "realConnect": {"enabled": "true"}}]}}`)
	if d, err := Parse("f.json", js); err != nil || d.Lync.TrustedApplications[0].Port != 5061 || d.Lync.Sites[0].ID != 1 || !d.RPP.DMA[0].RealConnect.Enabled {
		t.Errorf("JSON with quoted numbers: %v", err)
	}
	for _, tc := range []struct {
		old, new string
		is       error
		want     string
	}{
		{"port: 5061", `port: "+5061"`, lync.ErrInvalidPort, `f.yaml:5:51: lync.trustedApplications[0].port: invalid port "+5061": want a number from 1 to 65535 in decimal digits`},
		{"port: 5061", `port: 05061`, lync.ErrInvalidPort, `f.yaml:5:51: lync.trustedApplications[0].port: invalid port "05061": want a number from 1 to 65535 in decimal digits`},
		{"port: 5061", `port: 5061.0`, lync.ErrInvalidPort, `f.yaml:5:51: lync.trustedApplications[0].port: invalid port "5061.0": want a number from 1 to 65535 in decimal digits`},
		{"id: 1", `id: -1`, ErrWrongType, `f.yaml:6:25: lync.sites[0].id: wrong type: want a whole number (decimal digits), got "-1"`},
		{"id: 1", `id: "01"`, ErrWrongType, `f.yaml:6:25: lync.sites[0].id: wrong type: want a whole number (decimal digits), got "01"`},
		{"id: 1", `id: 0x1`, ErrWrongType, `f.yaml:6:25: lync.sites[0].id: wrong type: want a whole number (decimal digits), got "0x1"`},
		{"enabled: true", `enabled: yes`, ErrWrongType, `f.yaml:10:71: rpp.dma[0].realConnect.enabled: wrong type: want true or false, got "yes"`},
		{"enabled: true", `enabled: "tRuE"`, ErrWrongType, `f.yaml:10:71: rpp.dma[0].realConnect.enabled: wrong type: want true or false, got "tRuE"`},
		{"enabled: true", `enabled: 1`, ErrWrongType, `f.yaml:10:71: rpp.dma[0].realConnect.enabled: wrong type: want true or false, got "1"`},
	} {
		t.Run(tc.new, func(t *testing.T) { checkRefused(t, editSmall(t, tc.old, tc.new), tc.is, tc.want) })
	}
}

// TestEncodings: UTF-16 with a byte-order mark (Windows PowerShell's
// Out-File) and UTF-8 with one are read, with the same positions as plain
// UTF-8 (in characters) and CR LF line ends; other encodings are refused
// with what is wrong and where.
func TestEncodings(t *testing.T) {
	src := exampleBytes(t, "single-site.yaml")
	broken := edit(t, "iceEnvironment: ms\n        serverUserName: rpp\n", "iceEnviroment: ms\n        serverUserName: rpp\n")
	const misspelt = `rpp.rmx[0].sip.iceEnviroment: unknown field "iceEnviroment" (did you mean iceEnvironment?)`
	utf16 := func(order unicode.Endianness, b []byte) []byte {
		out, err := unicode.UTF16(order, unicode.UseBOM).NewEncoder().Bytes(b)
		if err != nil {
			t.Fatal(err)
		}
		return out
	}
	crlf := func(b []byte) []byte { return bytes.ReplaceAll(b, []byte("\n"), []byte("\r\n")) }
	want, err := Parse("f.yaml", src)
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name          string
		good, invalid []byte
	}{
		{"UTF-8 with a byte-order mark", append([]byte("\xef\xbb\xbf"), src...), append([]byte("\xef\xbb\xbf"), broken...)},
		{"UTF-16LE", utf16(unicode.LittleEndian, src), utf16(unicode.LittleEndian, broken)},
		{"UTF-16BE", utf16(unicode.BigEndian, src), utf16(unicode.BigEndian, broken)},
		{"UTF-16LE with CR LF", utf16(unicode.LittleEndian, crlf(src)), utf16(unicode.LittleEndian, crlf(broken))},
	} {
		t.Run(tc.name, func(t *testing.T) {
			d, err := Parse("f.yaml", tc.good)
			if err != nil {
				t.Fatal(err)
			}
			for _, field := range []string{"lync.product", "rpp.rmx[0].sip.serverUserName", "rpp.rmx[1].flags.SIP_CONTACT_OVERRIDE_STR", "rpp.dma[0].vmrs[2]"} {
				if got, want := d.Position(field), want.Position(field); got != want {
					t.Errorf("%s at %v, want %v", field, got, want)
				}
			}
			if _, err := Parse("f.yaml", tc.invalid); err == nil || err.Error() != "f.yaml:42:9: "+misspelt {
				t.Errorf("error %v, want f.yaml:42:9: %s", err, misspelt)
			}
		})
	}
	for _, tc := range []struct {
		name string
		data []byte
		is   error
		want string
	}{
		{"UTF-32LE", append([]byte("\xff\xfe\x00\x00"), "l\x00\x00\x00"...), ErrEncoding,
			`f.yaml: not UTF-8 or UTF-16 text: the file is UTF-32 (it begins with a UTF-32 byte-order mark); save it as UTF-8`},
		{"UTF-32BE", append([]byte("\x00\x00\xfe\xff"), "\x00\x00\x00l"...), ErrEncoding,
			`f.yaml: not UTF-8 or UTF-16 text: the file is UTF-32 (it begins with a UTF-32 byte-order mark); save it as UTF-8`},
		{"UTF-32 without a byte-order mark", []byte("l\x00\x00\x00y\x00\x00\x00"), ErrEncoding,
			`f.yaml: not UTF-8 or UTF-16 text: the file looks like UTF-32 (NUL bytes around each character); save it as UTF-8`},
		{"UTF-16 without a byte-order mark", []byte("l\x00y\x00n\x00c\x00"), ErrEncoding,
			`f.yaml: not UTF-8 or UTF-16 text: the file looks like UTF-16 without a byte-order mark (a NUL byte beside each character); save it as UTF-8, or as UTF-16 with a byte-order mark`},
		{"UTF-16 with a lone high surrogate", append(utf16(unicode.LittleEndian, []byte("lync:\n  p")), 0x00, 0xd8, 'x', 0), ErrEncoding,
			`f.yaml:2:4: not UTF-8 or UTF-16 text: UTF-16 text with a high surrogate (0xd800) that no low surrogate follows`},
		{"UTF-16 with a lone low surrogate", append(utf16(unicode.BigEndian, []byte("l")), 0xdc, 0x00), ErrEncoding,
			`f.yaml:1:2: not UTF-8 or UTF-16 text: UTF-16 text with a low surrogate (0xdc00) that no high surrogate precedes`},
		{"UTF-16 of an odd length", append(utf16(unicode.LittleEndian, []byte("ly")), 'n'), ErrEncoding,
			`f.yaml:1:3: not UTF-8 or UTF-16 text: UTF-16 text that ends in half a character (an odd number of bytes)`},
		{"Latin-1", []byte("lync:\n  product: caf\xe9\n"), ErrEncoding,
			`f.yaml:2:15: not UTF-8 or UTF-16 text: byte 0xe9 is not UTF-8 (was the file saved as Latin-1 or Windows-1252?); save it as UTF-8`},
		{"a C1 control character", []byte("lync:\n  product: caf\u0080\n"), ErrSyntax,
			`f.yaml:2:15: not valid YAML or JSON: control character U+0080 is not allowed in YAML`},
		{"DEL", []byte("lync: \x7f\n"), ErrSyntax,
			`f.yaml:1:7: not valid YAML or JSON: control character U+007F is not allowed in YAML`},
	} {
		t.Run(tc.name, func(t *testing.T) { checkRefused(t, tc.data, tc.is, tc.want) })
	}
}

// TestHostileValuesBounded: a huge key or value is quoted by its
// beginning, never whole, and the "did you mean" work stays bounded.
func TestHostileValuesBounded(t *testing.T) {
	const n = 1 << 20
	huge := strings.Repeat("w", n)
	prefix := `"` + huge[:maxQuoteRunes] + `"…`
	for _, tc := range []struct {
		name string
		data []byte
		is   error
		want string
	}{
		{"key", editSmall(t, "  workflows: [realconnect]", "  ? "+huge+"\n  : x\n  workflows: [realconnect]"), ErrUnknownField,
			fmt.Sprintf("f.yaml:8:5: rpp.%s: unknown field %s (%d bytes) (known here: workflows, rmx, dma)", prefix, prefix, n)},
		{"version", editSmall(t, `version: "6.4"`, `version: "`+huge+`"`), rmx.ErrInvalidVersion,
			fmt.Sprintf(`f.yaml:10:41: rpp.dma[0].version: invalid release number: DMA version %s (%d bytes): want 2 to 4 dotted numbers, like 8.5 or 8.7.1.3040`, prefix, n)},
		{"wrong type", editSmall(t, "sipDomains: [a.com]", "sipDomains: "+huge), ErrWrongType,
			fmt.Sprintf(`f.yaml:3:15: lync.sipDomains: wrong type: want a list, got %s (%d bytes)`, prefix, n)},
		{"alias", editSmall(t, "  workflows: [realconnect]", "  workflows: *"+huge), ErrSyntax,
			fmt.Sprintf(`f.yaml:8:14: not valid YAML or JSON: alias *%s names no anchor &%s before it`, huge[:maxQuoteRunes], huge[:maxQuoteRunes])},
		{"FQDN", editSmall(t, "fqdn: d.a.com", "fqdn: "+huge), lync.ErrInvalidFQDN,
			fmt.Sprintf(`f.yaml:10:23: rpp.dma[0].fqdn: invalid host name %s (%d bytes): longer than 253 characters`, prefix, n)},
	} {
		t.Run(tc.name, func(t *testing.T) { checkRefused(t, tc.data, tc.is, tc.want) })
	}
}

// TestFieldPathsQuoted: a key that is not a plain name is quoted in field
// paths, so that an error is one line and the path reads back.
func TestFieldPathsQuoted(t *testing.T) {
	checkRefused(t, editSmall(t, "  workflows: [realconnect]", "  \"a\\nb\": 1\n  workflows: [realconnect]"), ErrUnknownField,
		`f.yaml:8:3: rpp."a\nb": unknown field "a\nb" (known here: workflows, rmx, dma)`)
	checkRefused(t, editSmall(t, "  workflows: [realconnect]", "  \"\": 1\n  workflows: [realconnect]"), ErrUnknownField,
		`f.yaml:8:3: rpp."": unknown field "" (known here: workflows, rmx, dma)`)
	src := edit(t, "      flags:\n", "      flags:\n        \"A.B [C]\": x\n        \"\\u2028\": y\n")
	d, err := Parse("f.yaml", src)
	if err != nil {
		t.Fatal(err)
	}
	for field, line := range map[string]int{
		`rpp.rmx[0].flags."A.B [C]"`:      45,
		`rpp.rmx[0].flags["A.B [C]"]`:     45,
		`rpp.rmx[0].flags."\u2028"`:       46,
		`rpp.rmx[0].flags."A.B [C]".none`: 45,
		`rpp.rmx[0].flags.absent`:         44,
	} {
		if got := d.Position(field).Line; got != line {
			t.Errorf("Position(%s) on line %d, want %d", field, got, line)
		}
	}
	if d.RPP.RMX[0].Flags["A.B [C]"] != "x" || d.RPP.RMX[0].Flags["\u2028"] != "y" {
		t.Errorf("flags %q", d.RPP.RMX[0].Flags)
	}
}

// TestParseLargeDeployment: size is bounded by values, not by bytes, and
// the bound is generous: more than a million values decode (the old limit
// refused them as "aliases expanding?"). BenchmarkDecode decodes and checks
// a clean 10,000-site deployment.
func TestParseLargeDeployment(t *testing.T) {
	if testing.Short() {
		t.Skip("decodes 1.1 million values")
	}
	head := strings.TrimSuffix(strings.Replace(small, `realConnect: {enabled: true}}`, "realConnect: {enabled: true}, vmrs: [", 1), "\n")
	d, err := Parse("f.yaml", []byte(head+strings.Repeat("v, ", 1100000)+"v]}\n"))
	if err != nil {
		t.Fatalf("%.300v", err)
	}
	if len(d.RPP.DMA[0].VMRs) != 1100001 {
		t.Errorf("%d VMRs", len(d.RPP.DMA[0].VMRs))
	}
}

func countNodes(n *yaml.Node) int {
	c := 1
	for _, k := range n.Content {
		c += countNodes(k)
	}
	return c
}

// TestNodeLimits: aliases may not make a file more than AliasExpansion
// times its own size, and DecodeOptions.MaxNodes bounds the whole; each
// error says which bound and how to get past it.
func TestNodeLimits(t *testing.T) {
	src := exampleBytes(t, "single-site.yaml")
	_, err := DecodeOptions{MaxNodes: 100}.Parse(context.Background(), "f.yaml", src)
	if !errors.Is(err, ErrTooLarge) || err.Error() != "f.yaml: deployment file too large: more than 100 values (DecodeOptions.MaxNodes, rpp check --max-values); raise it to read this file" {
		t.Errorf("own values over MaxNodes: %v", err)
	}
	// Counted before yaml.v3 builds a tree of them: a short file of many
	// short values is refused at once, whatever its syntax.
	for _, many := range []string{"a: [" + strings.Repeat("a,", 2000) + "a]\n", "a: [" + strings.Repeat("a,", 2000) + "a\n"} {
		_, err = DecodeOptions{MaxNodes: 1000}.Parse(context.Background(), "f.yaml", []byte(many))
		if err == nil || err.Error() != "f.yaml: deployment file too large: more than 1000 values (DecodeOptions.MaxNodes, rpp check --max-values); raise it to read this file" {
			t.Errorf("many values over MaxNodes: %v", err)
		}
	}
	// Aliases within ten times the file's size, but over MaxNodes.
	aliased := []byte(strings.Replace(small, "  sipDomains: [a.com]", "  sipDomains: &d [a.com, b.com, c.com, d.com]\n  users: []\nx: [*d, *d, *d]", 1))
	aliased = bytes.Replace(aliased, []byte("x: [*d, *d, *d]\n"), nil, 1)
	if _, err := Parse("f.yaml", aliased); err != nil {
		t.Fatalf("a little aliasing: %v", err)
	}
	many := strings.Replace(small, "  sipDomains: [a.com]", "  sipDomains: &d ["+strings.Repeat("a.com, ", 50)+"a.com]", 1)
	many = strings.Replace(many, "    - {name: d,", "    - {vmrs: *d, name: d,", 1)
	var doc yaml.Node
	if err := yaml.Unmarshal([]byte(many), &doc); err != nil {
		t.Fatal(err)
	}
	own := countNodes(&doc) // the alias expands to 51 more
	if _, err := (DecodeOptions{MaxNodes: own + 60}).Parse(context.Background(), "f.yaml", []byte(many)); err != nil {
		t.Errorf("aliases within MaxNodes: %v", err)
	}
	_, err = DecodeOptions{MaxNodes: own + 10}.Parse(context.Background(), "f.yaml", []byte(many))
	if !errors.Is(err, ErrTooLarge) || !strings.Contains(err.Error(), "with its YAML aliases expanded (DecodeOptions.MaxNodes, rpp check --max-values); raise it to read this file") {
		t.Errorf("aliases over MaxNodes: %v", err)
	}
}
