package rpp

import (
	"bytes"
	"errors"
	"io"
	"io/fs"
	"math/rand"
	"strings"
	"testing"

	"go.yaml.in/yaml/v3"

	"github.com/rppkit/rppkit/examples"
)

// TestSyntaxErrors checks the messages users see for the syntax errors
// people make: where the construct left open began and where the parser
// gave up, or the token where it gave up.
func TestSyntaxErrors(t *testing.T) {
	for _, tc := range []struct {
		name string
		data []byte
		want string
	}{
		// single-site.yaml's line 8 is "  sipDomains: [fabrikam.com]".
		{"unclosed [ in a block file", edit(t, "sipDomains: [fabrikam.com]", "sipDomains: [fabrikam.com"),
			`f.yaml:8:15: not valid YAML or JSON: '[' opened here is never closed (the parser gave up at 9:8)`},
		{"unclosed { at the end of JSON", []byte(`{"lync": {"product": "lync2013",}`),
			`f.yaml:1:1: not valid YAML or JSON: '{' opened here is never closed (the parser gave up at 2:1)`},
		{"unclosed [ at the end of a file", []byte("lync:\n  product: lync2013\n  sipDomains: [\n    a.com,\n    b.com,\n"),
			`f.yaml:3:15: not valid YAML or JSON: '[' opened here is never closed (the parser gave up at 6:1)`},
		{"missing comma in JSON", []byte("{\"lync\": {\"product\": \"lync2013\"\n  \"sipDomains\": [\"a.com\"]}}"),
			`f.yaml:2:3: not valid YAML or JSON: missing ',' or '}' before "sipDomains" in the '{' opened at 1:10`},
		{"two commas", []byte(`{"lync": {"product": "lync2013",, "x": 1}}`),
			`f.yaml:1:33: not valid YAML or JSON: a value is missing before ',' in the '{' opened at 1:10`},
		{"bracket closing the wrong collection", []byte("lync:\n  sites: [{name: East]\n"),
			`f.yaml:2:22: not valid YAML or JSON: ']' does not close the '{' opened at 2:11`},
		{"bracket closing nothing", []byte("lync:\n  sipDomains: [a.com]]\n"),
			`f.yaml:2:22: not valid YAML or JSON: ']' closes nothing: no '[' is open`},
		{"unterminated double quote", edit(t, `vmrs: ["3000", "3001", "3002"]`, `vmrs: ["3000", "3001", "3002]`),
			`f.yaml:75:30: not valid YAML or JSON: '"' opened here is never closed (the parser gave up at 76:1)`},
		{"closing quote left out", edit(t, `version: "8.5.10"`, `version: "8.5.10`),
			`f.yaml:37:16: not valid YAML or JSON: '"' opened here is closed only on line 38, where the parser gave up: mapping values are not allowed in this context (a closing quote left out?)`},
		{"unterminated single quote", []byte("lync:\n  product: 'lync2013\nrpp: {}\n"),
			`f.yaml:2:12: not valid YAML or JSON: "'" opened here is never closed (the parser gave up at 4:1)`},
		{"key over two lines in a flow", []byte("lync: {product: lync2013, sipDomains\n  : [a.com]}\n"),
			`f.yaml:2:3: not valid YAML or JSON: missing ',' or '}' before ':' (a key must be on one line) in the '{' opened at 1:7`},
		{"bad escape", []byte("lync:\n  product: \"lync\\2013\"\n"),
			`f.yaml:2:17: not valid YAML or JSON: unknown escape \2 in a double-quoted string; write \\ for a backslash, or use single quotes`},
		{"short hex escape", []byte("lync: {product: \"a\\x4\"}\n"),
			`f.yaml:1:19: not valid YAML or JSON: the escape \x wants 2 hexadecimal digits`},
		{"character that cannot begin a value", []byte("lync:\n  product: @lync2013\n"),
			`f.yaml:2:12: not valid YAML or JSON: a value cannot begin with '@'; put the value in quotes`},
		{"alias to no anchor", []byte("lync: {product: lync2013}\nrpp: *r\n"),
			`f.yaml:2:6: not valid YAML or JSON: alias *r names no anchor &r before it`},
		{"dedent to no level", []byte("lync:\n  product: lync2013\n sipDomains: [a.com]\n"),
			`f.yaml:3:2: not valid YAML or JSON: indented to column 2, which matches neither the mapping at column 1 (line 1) nor the mapping at column 3 (line 2)`},
		{"key among list items", []byte("lync:\n  sipDomains:\n    - a.com\n    b.com: x\n"),
			`f.yaml:4:5: not valid YAML or JSON: want a list item ('- ') here, as in the list that begins at line 3`},
		{"list item among keys", []byte("lync:\n  product: lync2013\n  - a.com\n"),
			`f.yaml:3:3: not valid YAML or JSON: a list item ('- ') where the mapping that begins at line 2 wants a key`},
		{"key indented after a complete value", []byte("lync:\n  product: \"lync2013\"\n    sipDomains: [a.com]\n"),
			`f.yaml:3:5: not valid YAML or JSON: indented to column 5, deeper than the mapping at column 3 (line 2), whose entry above is already complete`},
		{"nested too deep", []byte("lync: " + strings.Repeat("[", 100000) + strings.Repeat("]", 100000) + "\n"),
			`f.yaml:1:10007: not valid YAML or JSON: lists and mappings nested more than 10000 deep`},
		{"after a block scalar", []byte("lync: |\n  text\nrpp: x\nz: [\n"),
			`f.yaml:4:4: not valid YAML or JSON: '[' opened here is never closed (the parser gave up at 5:1)`},
		{"after a plain scalar over two lines", []byte("lync: some\n  \"text\nrpp: [\n"),
			`f.yaml:3:6: not valid YAML or JSON: '[' opened here is never closed (the parser gave up at 4:1)`},
		// What the scan does not follow is yaml.v3's message on the line it
		// means (it prints the line before for some errors).
		{"value after a value", []byte("lync:\n  product: lync2013: sfb2015\n"),
			`f.yaml:2: not valid YAML or JSON: mapping values are not allowed in this context`},
		{"control character", []byte("lync:\n  product: lync\a2013\n"),
			`f.yaml:2:16: not valid YAML or JSON: control character U+0007 is not allowed in YAML`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Parse("f.yaml", tc.data)
			if !errors.Is(err, ErrSyntax) {
				t.Fatalf("Parse = %v, want ErrSyntax", err)
			}
			if got := err.Error(); got != tc.want {
				t.Errorf("error\n got: %s\nwant: %s", got, tc.want)
			}
		})
	}
}

// mutate returns src with up to three random edits of the kinds that break
// YAML: brackets, quotes, commas, indentation, line breaks, tags.
func mutate(r *rand.Rand, src []byte) []byte {
	pieces := []string{"[", "]", "{", "}", ",", "\"", "'", ":", " ", "\n", "- ", "  ", "#", "\t", "&a ", "*a ", "!x ", "|", ">", "\\"}
	b := append([]byte(nil), src...)
	for k := r.Intn(3) + 1; k > 0 && len(b) > 0; k-- {
		i := r.Intn(len(b))
		switch r.Intn(3) {
		case 0:
			b = append(b[:i], append([]byte(pieces[r.Intn(len(pieces))]), b[i:]...)...)
		case 1:
			b = append(b[:i], b[i+1:]...)
		default:
			b = append(b[:i], b[min(len(b), i+r.Intn(20)):]...)
		}
	}
	return b
}

// yamlAccepts reports whether yaml.v3 reads text as one document without a
// syntax error.
func yamlAccepts(text []byte) bool {
	dec := yaml.NewDecoder(bytes.NewReader(text))
	var doc, next yaml.Node
	if err := dec.Decode(&doc); err != nil {
		return errors.Is(err, io.EOF)
	}
	err := dec.Decode(&next)
	return errors.Is(err, io.EOF)
}

// TestSyntaxScanFindsNothingInValidYAML runs the scan that locates syntax
// errors over text yaml.v3 accepts — thousands of mutations of the
// examples — and checks that it finds no problem there: a scan that
// followed YAML wrongly would show it here first. It also checks the two
// counts that bound a file's values before yaml.v3 parses it.
func TestSyntaxScanFindsNothingInValidYAML(t *testing.T) {
	names, err := fs.Glob(examples.FS, "*.yaml")
	if err != nil || len(names) == 0 {
		t.Fatal(names, err)
	}
	r := rand.New(rand.NewSource(1))
	valid, located, broken := 0, 0, 0
	for i := 0; i < 2500; i++ {
		text := mutate(r, exampleBytes(t, names[r.Intn(len(names))]))
		if !yamlAccepts(text) {
			broken++
			if fe := syntaxError("f.yaml", text, yamlErr(text)); fe.Pos.Column > 0 {
				located++
			}
			continue
		}
		valid++
		s := &synScan{b: text, m: synMark{line: 1, col: 1}, anchors: map[string]bool{}}
		if s.run(); s.prob != nil {
			t.Fatalf("the scan finds %q at %s in text yaml.v3 accepts:\n%s", s.prob.msg, s.prob.at, text)
		}
		// The counts that bound a file's values before yaml.v3 parses it
		// bound them from below and from above.
		var doc yaml.Node
		if err := yaml.Unmarshal(text, &doc); err == nil && len(doc.Content) > 0 {
			if own, low, high := countNodes(doc.Content[0]), countValues(text), maxValues(text); low > own || own > high {
				t.Fatalf("%d values counted as %d from below and %d from above:\n%s", own, low, high, text)
			}
		}
	}
	// For the record: how often the scan pins a random break to a column.
	t.Logf("%d valid texts; %d broken, located to a column: %d", valid, broken, located)
}

// TestSyntaxScanBlockScalarItem: yaml.v3 (libyaml) takes a block scalar
// header at the column of a "-" that ended its line as the list item
// ("-\n>" is [""], a FuzzParse find), while any other node there is an
// error; the scan agrees with it on both.
func TestSyntaxScanBlockScalarItem(t *testing.T) {
	for _, text := range []string{"-\n>", "-\r>", "-\n|", "- -\n  >", "- a\n-\n>", "-\n# c\n>", "-\n>\n  text\n", "-\n|2\n   a",
		"- a:\n>", "- x\n>", "-\n>\ntext\n", "-\nx"} {
		s := &synScan{b: []byte(text), m: synMark{line: 1, col: 1}, anchors: map[string]bool{}}
		s.run()
		if accepts := yamlAccepts([]byte(text)); accepts == (s.prob != nil) {
			t.Errorf("%q: yaml.v3 accepts it: %v; the scan finds %v", text, accepts, s.prob)
		}
	}
}

// TestSyntaxScanAgreesWithYAML: texts where the scan once went astray,
// from FuzzParse (one in CI) and from the generated YAML of
// TestSyntaxScanFindsNothingInGeneratedYAML. The scan agrees with yaml.v3
// on each, whether it accepts it or not:
//   - a block scalar's content is indented from the enclosing block
//     collection, not from the line of its header (" |\n \"" is the
//     string "\""), with the least and deepest indentations yaml.v3's
//     scanner takes, and its tab rule;
//   - a flow collection closed on its line can be a block key ("[]: {}"),
//     whatever quoted strings (a doubled quote in one) or tags ("!]") it
//     holds, and a quote after a plain scalar's ':' or a blank inside one
//     is just a character;
//   - in a flow mapping, '?' alone is an entry with an empty key;
//   - properties (&x, !t, a tag holding ':') may stand between a key and
//     the list at its own indentation that is its value, but a deeper
//     mapping or list may not;
//   - a document marker ends the document's blocks.
func TestSyntaxScanAgreesWithYAML(t *testing.T) {
	for _, text := range []string{
		" |\n \"", " |1\n  \"", "a:\n  |\n x", "a:\n  !!str |\n x\nb: c", "a:\n - |2\n    x\n   y", ">\n x\n  y\n", "- |\n x",
		"a: |\n   \n  x", "a: |\n x\n\n y\n z: 1", "a: |\n  x\n y", "a:\n  |\n\tx", "a:\n-\n>\n text\n- b",
		"000:000000:\n      []: {}\n      0:", "a:\n  {b: c}: d\n  e: f", "a:\n  [\"x]\", y]: d\n  e: f", "- [a]: b\n  c: d",
		"a:\n  ['it''s', b]: c\n  d: e", "a:\n  {x: !]!str y}: c\n  d: e", "a:\n  {b:\" c}: d\n  e: f", "a:\n  {\"b\":\"c\"}: d\n  e: f",
		"a:\n  [b]\n  c: d", "a: {b: c}\n  d: e", "a:\n  {b \"c: d}: e\n  f: g", "{?,}", "{? : x}", "{?, ?}", "[?, a]", "[? : x]",
		"a: &x\n- b", "a: !!seq\n- b", "a:\n  &x\n- b", "a: !t &x # c\n- b", " a71:\n  !ip::\n - b", "&a b: c\nd: e",
		"a:\n  b:\n- c", "a:\n  -\n- b",
		"---\na:\n- b\n...\n",
	} {
		s := &synScan{b: []byte(text), m: synMark{line: 1, col: 1}, anchors: map[string]bool{}}
		s.run()
		if accepts := yamlAccepts([]byte(text)); accepts == (s.prob != nil) {
			t.Errorf("%q: yaml.v3 accepts it: %v; the scan finds %v", text, accepts, s.prob)
		}
	}
}

// yamlErr returns yaml.v3's error for text.
func yamlErr(text []byte) error {
	dec := yaml.NewDecoder(bytes.NewReader(text))
	var doc yaml.Node
	if err := dec.Decode(&doc); err != nil {
		return err
	}
	return dec.Decode(&doc)
}
