package rpp

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	"go.yaml.in/yaml/v3"

	"github.com/rppkit/rppkit/examples"
)

// fixable returns the findings that carry a fix, as "rule field" strings.
func fixable(r Report) []string {
	var out []string
	for _, f := range r.Findings {
		if len(f.Fixes) > 0 {
			out = append(out, f.Rule+" "+f.Field)
		}
	}
	return out
}

// TestApplyFixesExamples is the acceptance test of issue 8: every fixable
// finding of every example is fixed, the result decodes, no finding that
// had a fix is left, only the edited lines changed, and a second run
// changes nothing. Each example runs as written (YAML with comments) and
// as pretty-printed JSON.
func TestApplyFixesExamples(t *testing.T) {
	ctx := context.Background()
	names, err := fs.Glob(examples.FS, "*.yaml")
	if err != nil {
		t.Fatal(err)
	}
	fixedSome := 0
	for _, name := range names {
		yamlSrc, err := fs.ReadFile(examples.FS, name)
		if err != nil {
			t.Fatal(err)
		}
		for _, form := range []struct {
			name string
			src  []byte
		}{{name, yamlSrc}, {strings.TrimSuffix(name, ".yaml") + ".json", toJSON(t, yamlSrc, true)}} {
			t.Run(form.name, func(t *testing.T) {
				src := form.src
				d, err := Parse(form.name, src)
				if err != nil {
					t.Fatal(err)
				}
				before := Check(ctx, d, Options{})
				want := fixable(before)
				out, err := ApplyFixes(src, before.Findings)
				if err != nil {
					t.Fatalf("ApplyFixes: %v", err)
				}
				if len(want) == 0 {
					if !bytes.Equal(out, src) {
						t.Fatalf("no fixable finding, yet the file changed")
					}
					return
				}
				fixedSome++
				fixed, err := Parse(form.name, out)
				if err != nil {
					t.Fatalf("the fixed file does not decode: %v\n%s", err, out)
				}
				// The text edit means what the model edit means.
				for _, f := range before.Findings {
					if len(f.Fixes) > 0 {
						for _, e := range f.Fixes[0].Edits {
							if err := d.Set(e.Field, e.Value); err != nil {
								t.Fatalf("Set(%s, %q): %v", e.Field, e.Value, err)
							}
						}
					}
				}
				// Value types (versions) keep their state unexported; the
				// deployment's own unexported state is where fields were.
				exported := cmp.Exporter(func(t reflect.Type) bool { return t != reflect.TypeFor[Deployment]() })
				if diff := cmp.Diff(d, fixed, exported, cmpopts.IgnoreUnexported(Deployment{})); diff != "" {
					t.Errorf("the fixed file decodes to other than the deployment with the edits Set (-Set +file):\n%s", diff)
				}
				after := Check(ctx, fixed, Options{})
				for _, f := range after.Findings {
					if slices.Contains(want, f.Rule+" "+f.Field) {
						t.Errorf("after fixing, %s still fires at %s: %s", f.Rule, f.Field, f.Message)
					}
				}
				checkOnlyEditedLines(t, src, out, editedLines(d, before.Findings))
				again, err := ApplyFixes(out, after.Findings)
				if err != nil {
					t.Fatalf("second ApplyFixes: %v", err)
				}
				if !bytes.Equal(again, out) {
					t.Errorf("a second run changed the file:\n%s", again)
				}
			})
		}
	}
	if fixedSome == 0 {
		t.Error("no example has a fixable finding: the test proves nothing")
	}
}

// toJSON writes a YAML document as JSON, keys in the order they were
// written, pretty-printed or on one line.
func toJSON(t testing.TB, src []byte, pretty bool) []byte {
	t.Helper()
	root, err := parseOneDocument(src)
	if err != nil {
		t.Fatal(err)
	}
	var b bytes.Buffer
	var write func(n *yaml.Node)
	write = func(n *yaml.Node) {
		switch n.Kind {
		case yaml.MappingNode:
			b.WriteByte('{')
			for i := 0; i+1 < len(n.Content); i += 2 {
				if i > 0 {
					b.WriteByte(',')
				}
				b.WriteString(strconv.Quote(n.Content[i].Value) + ":")
				write(n.Content[i+1])
			}
			b.WriteByte('}')
		case yaml.SequenceNode:
			b.WriteByte('[')
			for i, c := range n.Content {
				if i > 0 {
					b.WriteByte(',')
				}
				write(c)
			}
			b.WriteByte(']')
		case yaml.ScalarNode:
			switch n.Tag {
			case "!!int", "!!float", "!!bool", "!!null":
				b.WriteString(n.Value)
			default:
				b.WriteString(strconv.Quote(n.Value))
			}
		default:
			t.Fatalf("cannot write %v as JSON", n.Kind)
		}
	}
	write(root)
	if !pretty {
		return b.Bytes()
	}
	var out bytes.Buffer
	if err := json.Indent(&out, b.Bytes(), "", "  "); err != nil {
		t.Fatal(err)
	}
	out.WriteByte('\n')
	return out.Bytes()
}

// editedLines returns the lines (1-based) where the fields the findings'
// first fixes edit are written, or, for a field that is absent, where its
// nearest enclosing field is.
func editedLines(d *Deployment, findings []Finding) map[int]bool {
	lines := map[int]bool{}
	for _, f := range findings {
		if len(f.Fixes) > 0 {
			for _, e := range f.Fixes[0].Edits {
				lines[d.Position(e.Field).Line] = true
			}
		}
	}
	return lines
}

// checkOnlyEditedLines compares src and out line by line: a line that is
// not among edited must be unchanged, and lines may only be added right
// after an edited line's block (as fields are added at the end of their
// mapping).
func checkOnlyEditedLines(t *testing.T, src, out []byte, edited map[int]bool) {
	t.Helper()
	a := strings.SplitAfter(string(src), "\n")
	b := strings.SplitAfter(string(out), "\n")
	i, j := 0, 0
	for i < len(a) && j < len(b) {
		switch {
		case a[i] == b[j]:
			i, j = i+1, j+1
		case edited[i+1]:
			i, j = i+1, j+1 // an edited line, rewritten
		case !slices.Contains(a[i:], b[j]):
			j++ // a line added by a fix
		default:
			t.Errorf("line %d changed although no fix edits it:\n-%s+%s", i+1, a[i], b[j])
			return
		}
	}
	for ; i < len(a); i++ {
		if !edited[i+1] {
			t.Errorf("line %d lost: %q", i+1, a[i])
		}
	}
}

func TestFixErrorMessage(t *testing.T) {
	e := &FixError{Pos: Position{File: "d.yaml", Line: 3, Column: 7}, Rule: "rmx-x", Field: "rpp.rmx[0].a",
		Err: fmt.Errorf("%w: boom", ErrFixTarget)}
	if got, want := e.Error(), "d.yaml:3:7: fix of rmx-x: rpp.rmx[0].a: field cannot be set: boom"; got != want {
		t.Errorf("Error() = %q, want %q", got, want)
	}
	if !errors.Is(e, ErrFixTarget) {
		t.Error("errors.Is(FixError, ErrFixTarget) = false")
	}
}

// set is a finding of rule whose one fix sets field to value.
func set(rule, field, value string) Finding {
	return Finding{Rule: rule, Field: field, Fixes: []SuggestedFix{SetTo("fix it", field, value)}}
}

func TestApplyFixesCases(t *testing.T) {
	const gruu = "rpp.contoso.com@contoso.com;gruu;opaque=srvr:video:AbCd"
	utf16le := func(s string) string {
		b := []byte{0xff, 0xfe}
		for _, r := range s { // ASCII only
			b = append(b, byte(r), 0)
		}
		return string(b)
	}
	for _, tc := range []struct {
		name     string
		src      string
		findings []Finding
		want     string
	}{{
		name:     "plain stays plain, comment kept",
		src:      "sip:\n  serverUserName: rpp   # the endpoint\n  server: fe\n",
		findings: []Finding{set("r", "sip.serverUserName", "rpp-east")},
		want:     "sip:\n  serverUserName: rpp-east   # the endpoint\n  server: fe\n",
	}, {
		name:     "a GRUU with ; is plain in block context",
		src:      "flags:\n  SIP_CONTACT_OVERRIDE_STR: sip:old\n",
		findings: []Finding{set("r", "flags.SIP_CONTACT_OVERRIDE_STR", gruu)},
		want:     "flags:\n  SIP_CONTACT_OVERRIDE_STR: " + gruu + "\n",
	}, {
		name: "plain values YAML would misread get double quotes",
		src:  "a: x\nb: x\nc: x\nd: x\ne: x\nf: x\ng: x\nh: x\n",
		findings: []Finding{
			set("r", "a", "key: value"), set("r", "b", "x #y"), set("r", "c", "@rpp"), set("r", "d", "*rpp"),
			set("r", "e", "true"), set("r", "f", "5061"), set("r", "g", " padded"), set("r", "h", ""),
		},
		want: "a: \"key: value\"\nb: \"x #y\"\nc: \"@rpp\"\nd: \"*rpp\"\ne: \"true\"\nf: \"5061\"\ng: \" padded\"\nh: \"\"\n",
	}, {
		name:     "a plain number stays a plain number",
		src:      "port: 5061\n",
		findings: []Finding{set("r", "port", "5062")},
		want:     "port: 5062\n",
	}, {
		name:     "single quotes stay, quotes inside doubled",
		src:      "a: 'old'\nb: 'old'\n",
		findings: []Finding{set("r", "a", "it's"), set("r", "b", "two\nlines")},
		want:     "a: 'it''s'\nb: \"two\\nlines\"\n",
	}, {
		name:     "double quotes stay, with escapes",
		src:      "a: \"old\"\n",
		findings: []Finding{set("r", "a", `say "hi" \ bye`)},
		want:     "a: \"say \\\"hi\\\" \\\\ bye\"\n",
	}, {
		name:     "flow mapping: plain where the flow context allows, quoted where a comma would split it",
		src:      "sip: {server: fe, iceEnvironment: none, domain: x}\n",
		findings: []Finding{set("r", "sip.iceEnvironment", "ms"), set("r", "sip.domain", "a,b")},
		want:     "sip: {server: fe, iceEnvironment: ms, domain: \"a,b\"}\n",
	}, {
		name:     "flow sequence item",
		src:      "sipDomains: [a.com, b.com]\n",
		findings: []Finding{set("r", "sipDomains[1]", "c.com")},
		want:     "sipDomains: [a.com, c.com]\n",
	}, {
		name:     "literal block scalar becomes one line, header comment kept",
		src:      "a:\n  gruu: |-   # pasted\n    sip:x@y\n\n  next: 1\n",
		findings: []Finding{set("r", "a.gruu", "x@y")},
		want:     "a:\n  gruu: x@y   # pasted\n\n  next: 1\n",
	}, {
		name:     "folded block scalar in a list, trailing blank lines it keeps replaced too",
		src:      "- k: >+\n    one\n    two\n\n  j: 1\n",
		findings: []Finding{set("r", "[0].k", "one two")},
		want:     "- k: one two\n  j: 1\n",
	}, {
		name:     "multi-line plain scalar",
		src:      "a: first\n  second\n\n  third\nb: 1\n",
		findings: []Finding{set("r", "a", "one")},
		want:     "a: one\nb: 1\n",
	}, {
		name:     "a value written as nothing, and ~",
		src:      "a:\nb: ~\nc: x\n",
		findings: []Finding{set("r", "a", "1"), set("r", "b", "two")},
		want:     "a: 1\nb: two\nc: x\n",
	}, {
		name:     "empty list items and a bare tag get a space before their value",
		src:      "l:\n-\n- \nt: !!str\n",
		findings: []Finding{set("r", "l[0]", "x"), set("r", "l[1]", "y"), set("r", "t", "z")},
		want:     "l:\n- x\n- y \nt: !!str z\n",
	}, {
		name:     "a field that already holds the value is left as written",
		src:      "a: \"\\x41\"   # c\nb: >-\n  one\n  two\n",
		findings: []Finding{set("r", "a", "A"), set("r", "b", "one two")},
		want:     "a: \"\\x41\"   # c\nb: >-\n  one\n  two\n",
	}, {
		name:     "JSON: \\b and \\f as Go writes them, so a file both read as JSON and YAML is written the same either way",
		src:      `["x", "y"]`,
		findings: []Finding{set("r", "[0]", "\b"), set("r", "[1]", "\f")},
		want:     `["\b", "\f"]`,
	}, {
		name:     "an anchored value that no alias repeats keeps its anchor",
		src:      "a: &v old\n",
		findings: []Finding{set("r", "a", "new")},
		want:     "a: &v new\n",
	}, {
		name:     "a key the path quotes, present and absent",
		src:      "flags:\n  \"A B\": x\n",
		findings: []Finding{set("r", `flags."A B"`, "y"), set("r", `flags["C.D"]`, "z"), set("r", `flags."#E"`, "w")},
		want:     "flags:\n  \"A B\": y\n  C.D: z\n  \"#E\": w\n",
	}, {
		name:     "an explicit tag stays",
		src:      "port: !!str 5061\n",
		findings: []Finding{set("r", "port", "5062")},
		want:     "port: !!str 5062\n",
	}, {
		name: "absent field: added after the mapping's last field, parents created, indentation of the file",
		src: "rmx:\n    - name: r0\n      sip:\n         server: fe\n      vmrs: [] # none\n" +
			"    # the second\n    - name: r1\n",
		findings: []Finding{set("r", "rmx[0].flags.SIP_CONTACT_OVERRIDE_STR", gruu), set("s", "rmx[0].flags.OTHER", "1")},
		want: "rmx:\n    - name: r0\n      sip:\n         server: fe\n      vmrs: [] # none\n" +
			"      flags:\n         SIP_CONTACT_OVERRIDE_STR: " + gruu + "\n         OTHER: 1\n" +
			"    # the second\n    - name: r1\n",
	}, {
		name:     "absent field in an empty flow mapping",
		src:      "flags: {}\n",
		findings: []Finding{set("r", "flags.SIP_CONTACT_OVERRIDE_STR", gruu)},
		want:     "flags: {SIP_CONTACT_OVERRIDE_STR: " + gruu + "}\n",
	}, {
		name:     "absent field in a flow mapping, nested",
		src:      "sip: {server: fe}   # c\n",
		findings: []Finding{set("r", "sip.iceMethod", "new"), set("r", "sip.x.y", "a b")},
		want:     "sip: {server: fe, iceMethod: new, x: {y: a b}}   # c\n",
	}, {
		name:     "absent field under a key with no value",
		src:      "rmx:\n  flags:   # none yet\n  vmrs: []\n",
		findings: []Finding{set("r", "rmx.flags.K", "v")},
		want:     "rmx:\n  flags:   # none yet\n    K: v\n  vmrs: []\n",
	}, {
		name:     "absent field under null",
		src:      "flags: null\n",
		findings: []Finding{set("r", "flags.K", "v: w")},
		want:     "flags: {K: \"v: w\"}\n",
	}, {
		name:     "absent field at the end of a file without a final line break",
		src:      "a:\n  b: 1",
		findings: []Finding{set("r", "a.c", "2")},
		want:     "a:\n  b: 1\n  c: 2\n",
	}, {
		name:     "CRLF stays CRLF",
		src:      "a:\r\n  b: 1\r\nc: x\r\n",
		findings: []Finding{set("r", "a.b", "2"), set("r", "a.new", "3")},
		want:     "a:\r\n  b: 2\r\n  new: 3\r\nc: x\r\n",
	}, {
		name:     "a UTF-8 byte-order mark stays",
		src:      "\ufeffa: x\n",
		findings: []Finding{set("r", "a", "y")},
		want:     "\ufeffa: y\n",
	}, {
		name:     "UTF-16 stays UTF-16",
		src:      utf16le("a: x\r\n"),
		findings: []Finding{set("r", "a", "yz")},
		want:     utf16le("a: yz\r\n"),
	}, {
		name:     "JSON: strings stay strings, numbers stay numbers",
		src:      `{"a": "x", "port": 5061, "b": "y"}`,
		findings: []Finding{set("r", "a", "5061"), set("r", "port", "5062"), set("r", "b", "q\"t")},
		want:     `{"a": "5061", "port": 5062, "b": "q\"t"}`,
	}, {
		name:     "JSON: characters YAML does not allow raw are escaped",
		src:      `{"a": "x"}`,
		findings: []Finding{set("r", "a", "d\x7fe\u0085f\u2028g\u00e9\x01")},
		want:     `{"a": "d\u007fe\u0085f\u2028gé\u0001"}`,
	}, {
		name:     "JSON: a field added inline, its parent created",
		src:      `{"rmx": [{"name": "r", "sip": {}}]}`,
		findings: []Finding{set("r", "rmx[0].sip.iceMethod", "new"), set("r", "rmx[0].flags.K", "v"), set("r", "rmx[0].port", "5061")},
		want:     `{"rmx": [{"name": "r", "sip": {"iceMethod": "new"}, "flags": {"K": "v"}, "port": 5061}]}`,
	}, {
		name:     "JSON pretty-printed: a field added on a line of its own",
		src:      "{\n  \"flags\": {\n    \"A\": \"x\"\n  },\n  \"b\": null\n}\n",
		findings: []Finding{set("r", "flags.B", "y"), set("r", "b.c", "d")},
		want:     "{\n  \"flags\": {\n    \"A\": \"x\",\n    \"B\": \"y\"\n  },\n  \"b\": {\"c\": \"d\"}\n}\n",
	}, {
		name:     "the same edit from two findings is applied once",
		src:      "a: x\n",
		findings: []Finding{set("r", "a", "y"), set("s", "a", "y")},
		want:     "a: y\n",
	}, {
		name:     "findings without fixes are skipped; an edit without a field edits the finding's own",
		src:      "a: x\nb: x\n",
		findings: []Finding{{Rule: "r", Field: "a"}, {Rule: "t", Field: "b", Fixes: []SuggestedFix{{Message: "m", Edits: []Edit{{Value: "z"}}}}}},
		want:     "a: x\nb: z\n",
	}} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := ApplyFixes([]byte(tc.src), tc.findings)
			if err != nil {
				t.Fatalf("ApplyFixes: %v", err)
			}
			if string(got) != tc.want {
				t.Errorf("ApplyFixes:\n%s\nwant:\n%s\n(got %q)", got, tc.want, got)
			}
			again, err := ApplyFixes(got, tc.findings)
			if err != nil || !bytes.Equal(again, got) {
				t.Errorf("applying the same fixes again = %q, %v; want no change", again, err)
			}
		})
	}
}

func TestApplyFixesErrors(t *testing.T) {
	const deployment = "story-gruu-wrong-prefix.yaml"
	valid, err := fs.ReadFile(examples.FS, deployment)
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name     string
		src      string
		findings []Finding
		want     error
		// in is what the message must name: the field, the rules, the place.
		in []string
	}{{
		name:     "two values for one field",
		src:      "a:\n  b: x\n",
		findings: []Finding{set("rule-one", "a.b", "y"), set("rule-two", "a.b", "z")},
		want:     ErrFixConflict,
		in:       []string{"fix of rule-two: a.b: conflicting fixes: rule-one sets it to \"y\", rule-two to \"z\""},
	}, {
		name:     "a value where another fix adds fields",
		src:      "a: {}\n",
		findings: []Finding{set("rule-one", "a.b.c", "y"), set("rule-two", "a.b", "z")},
		want:     ErrFixConflict,
		in:       []string{"rule-two", "rule-one", "a.b.c"},
	}, {
		name:     "fields under a value another fix sets",
		src:      "a: {}\n",
		findings: []Finding{set("rule-one", "a.b", "z"), set("rule-two", "a.b.c", "y")},
		want:     ErrFixConflict,
		in:       []string{"rule-two", "rule-one sets a.b to a value"},
	}, {
		name:     "a null set to a value and given fields",
		src:      "a:\n",
		findings: []Finding{set("rule-one", "a.b", "z"), set("rule-two", "a", "y")},
		want:     ErrFixConflict,
		in:       []string{"rule-two", "rule-one"},
	}, {
		name:     "a list item that is not there",
		src:      "lync:\n  staticRoutes:\n    - {port: 5061}\n",
		findings: []Finding{{Rule: "rule-one", Field: "lync.staticRoutes[2].port", File: "d.yaml", Line: 2, Column: 3, Fixes: []SuggestedFix{SetTo("m", "lync.staticRoutes[2].port", "5062")}}},
		want:     ErrFixTarget,
		in:       []string{"d.yaml:3:5: fix of rule-one: lync.staticRoutes[2].port: field cannot be set: the list has 1 items"},
	}, {
		name:     "a list that is not there",
		src:      "lync: {}\n",
		findings: []Finding{set("rule-one", "lync.staticRoutes[0].port", "5062")},
		want:     ErrFixTarget,
		in:       []string{"lync.staticRoutes is missing, and a fix cannot add a list"},
	}, {
		name:     "a path through a value",
		src:      "a: x\n",
		findings: []Finding{set("rule-one", "a.b", "y")},
		want:     ErrFixTarget,
		in:       []string{"a holds \"x\", not a mapping"},
	}, {
		name:     "a mapping set to a value",
		src:      "a: {b: c}\n",
		findings: []Finding{set("rule-one", "a", "y")},
		want:     ErrFixTarget,
		in:       []string{"it holds a mapping; a fix sets a value"},
	}, {
		name:     "a path through an alias",
		src:      "x: &base {b: c}\na: *base\n",
		findings: []Finding{set("rule-one", "a.b", "y")},
		want:     ErrFixTarget,
		in:       []string{"alias *base"},
	}, {
		name:     "a value an alias repeats",
		src:      "x: &v c\na: *v\n",
		findings: []Finding{set("rule-one", "x", "y")},
		want:     ErrFixTarget,
		in:       []string{"anchored (&v)"},
	}, {
		name:     "a malformed path",
		src:      "a: x\n",
		findings: []Finding{set("rule-one", "a[x]", "y")},
		want:     ErrFixTarget,
		in:       []string{`fix of rule-one: a[x]: field cannot be set: malformed field path "a[x]"`},
	}, {
		name:     "a value that is not UTF-8",
		src:      "a: x\n",
		findings: []Finding{set("rule-one", "a", "\xff")},
		want:     ErrFixValue,
		in:       []string{`fix of rule-one: a: value cannot be written: "\xff" is not UTF-8 text`},
	}, {
		name:     "a file with no mapping",
		src:      "# nothing yet\n~\n",
		findings: []Finding{set("rule-one", "a", "x")},
		want:     ErrFixTarget,
		in:       []string{"the file holds no mapping"},
	}, {
		name:     "source that is not YAML, said where",
		src:      "a: [x\n",
		findings: []Finding{set("rule-one", "a", "y")},
		want:     ErrSyntax,
		in:       []string{"1:4: "},
	}, {
		name:     "source that is not text, said where",
		src:      "\xff\xfea\x00:\x00 \x00\x00\xd8",
		findings: []Finding{set("rule-one", "a", "y")},
		want:     ErrEncoding,
		in:       []string{"1:4: "},
	}, {
		name:     "a fix that would make the deployment invalid",
		src:      string(valid),
		findings: []Finding{set("rule-one", "rpp.rmx[0].version", "8.x")},
		want:     ErrFixUnsafe,
		in:       []string{"no longer a valid deployment", "rpp.rmx[0].version"},
	}} {
		t.Run(tc.name, func(t *testing.T) {
			out, err := ApplyFixes([]byte(tc.src), tc.findings)
			if !errors.Is(err, tc.want) {
				t.Fatalf("ApplyFixes = %q, %v; want an error wrapping %v", out, err, tc.want)
			}
			var fe *FixError
			if !errors.As(err, &fe) {
				t.Fatalf("error %v (%T) is not a *FixError", err, err)
			}
			if out != nil {
				t.Errorf("ApplyFixes returned text with its error: %q", out)
			}
			for _, s := range tc.in {
				if !strings.Contains(err.Error(), s) {
					t.Errorf("error %q does not say %q", err, s)
				}
			}
		})
	}
	t.Run("the conflicting rule is data", func(t *testing.T) {
		_, err := ApplyFixes([]byte("a: x\n"), []Finding{set("rule-one", "a", "y"), set("rule-two", "a", "z")})
		var fe *FixError
		if !errors.As(err, &fe) || fe.Rule != "rule-two" || fe.OtherRule != "rule-one" || fe.Field != "a" {
			t.Errorf("error = %#v; want Rule rule-two, OtherRule rule-one, Field a", fe)
		}
	})
}

// TestVerifyCatchesDamage hands verify edited texts that change more than
// the edits say, as a broken splice would: each must be refused.
func TestVerifyCatchesDamage(t *testing.T) {
	src := "a:\n  b: x   # c\n  c: [1, 2]\nd: {e: f}\n"
	f, err := parseFixSource("", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	edits, err := collectEdits([]Finding{set("r", "a.b", "y"), set("r", "d.g", "h")}, nil)
	if err != nil {
		t.Fatal(err)
	}
	out, plan, err := f.apply(edits)
	good := "a:\n  b: y   # c\n  c: [1, 2]\nd: {e: f, g: h}\n"
	if err != nil || string(out) != good {
		t.Fatalf("apply = %q, %v; want %q", out, err, good)
	}
	if err := f.verify([]byte(good), plan); err != nil {
		t.Fatalf("verify refused the right edit: %v", err)
	}
	for _, bad := range []string{
		"a:\n  b: x   # c\n  c: [1, 2]\nd: {e: f, g: h}\n",       // an edit missing
		"a:\n  b: \"y\"   # c\n  c: [1, 2]\nd: {e: f, g: hh}\n",  // a wrong value
		"a:\n  b: y   # c\n  c: [1, 2, 3]\nd: {e: f, g: h}\n",    // an item added
		"a:\n  b: y   # c\n  c: [1, \"2\"]\nd: {e: f, g: h}\n",   // a type changed
		"a:\n  b: y   # c\n  c: [1, 2]\nd: {g: h}\n",             // a field lost
		"a:\n  b: y   # c\n  c: [1, 2]\nd: {e: f, g: h, i: j}\n", // a field not asked for
		"a:\n  b: y   # c\n  c: [1, 2]\nd:\n  e: f\n  g: h\n",    // a style changed
		"a:\n  b: y   # c\n  c: [1, 2\nd: {e: f, g: h}\n",        // no longer YAML
		"a:\n  b: y   # c\n  c: [1, 2]\nd: {e: f, g: null}\n",    // null for a value
		"a:\n  b: y   # c\n  c: [1, 2]\nd: {e: f, g: h, g: h}\n", // a value added twice
		"a:\n  b: y   # c\n  c: [1, 2]\nd: {e: f, g: {h: i}}\n",  // a mapping for a value
	} {
		if err := f.verify([]byte(bad), plan); !errors.Is(err, ErrFixUnsafe) {
			t.Errorf("verify(%q) = %v; want ErrFixUnsafe", bad, err)
		}
	}
}

func TestApplyFixesWithChoose(t *testing.T) {
	f := Finding{Rule: "r", Field: "a", Fixes: []SuggestedFix{SetTo("first", "a", "one"), SetTo("second", "a", "two")}}
	for _, tc := range []struct {
		choose func(Finding) int
		want   string
	}{
		{nil, "a: one\n"},
		{func(Finding) int { return 1 }, "a: two\n"},
		{func(Finding) int { return -1 }, "a: x\n"},
		{func(Finding) int { return 7 }, "a: x\n"},
	} {
		got, err := ApplyFixesWith([]byte("a: x\n"), []Finding{f}, FixOptions{Choose: tc.choose})
		if err != nil || string(got) != tc.want {
			t.Errorf("ApplyFixesWith = %q, %v; want %q", got, err, tc.want)
		}
	}
}

// TestFixPaths checks the field paths ApplyFixes reads: those findings
// write (parseFieldSteps, the decoder's, is the one reader), each naming
// the same field however its keys are quoted.
func TestFixPaths(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"rpp.rmx[1].flags.SIP_CONTACT_OVERRIDE_STR", `."rpp"."rmx"[1]."flags"."SIP_CONTACT_OVERRIDE_STR"`},
		{"rpp.dma[0].lyncPeers[0].serviceGruu", `."rpp"."dma"[0]."lyncPeers"[0]."serviceGruu"`},
		{`rpp.rmx[0]."odd key"`, `."rpp"."rmx"[0]."odd key"`},
		{`rpp.rmx[0]["odd key"]`, `."rpp"."rmx"[0]."odd key"`},
		{`rpp.rmx[0]."a.b[1]"`, `."rpp"."rmx"[0]."a.b[1]"`},
		{`"line\nbreak".x`, `."line\nbreak"."x"`},
		{`"rpp".rmx`, `."rpp"."rmx"`},
	} {
		steps, err := parseFieldSteps(tc.in)
		if err != nil {
			t.Errorf("parseFieldSteps(%q): %v", tc.in, err)
			continue
		}
		if got := pathKey(steps); got != tc.want {
			t.Errorf("pathKey(parseFieldSteps(%q)) = %s; want %s", tc.in, got, tc.want)
		}
	}
	for _, bad := range []string{"", "a..b", "a.", "a[", "a[-1]", "a[+1]", `a."open`, `a["k"x]`, "a[0]b"} {
		_, err := ApplyFixes([]byte("a: x\n"), []Finding{set("r", bad, "y")})
		if !errors.Is(err, ErrFixTarget) || !errors.Is(err, errFieldPath) {
			t.Errorf("ApplyFixes with field %q: %v; want ErrFixTarget and errFieldPath", bad, err)
		}
	}
}

// FuzzApplyFixes edits arbitrary text: ApplyFixes must never panic, must
// explain every refusal with a *FixError, and what it returns must parse,
// with each edited field holding its new value, and be left as it is by
// the same fixes applied again.
func FuzzApplyFixes(f *testing.F) {
	fields := []string{
		"a", "a.b", "b.c.d", "[0]", "a[1]", `a."k y"`,
		"rpp.rmx[0].flags.SIP_CONTACT_OVERRIDE_STR", "rpp.rmx[0].sip.iceEnvironment",
		"rpp.dma[0].lyncPeers[0].serviceGruu", "lync.staticRoutes[0].port",
		"rpp.rmx[0].conferenceProfiles[0].encryption",
	}
	names, _ := fs.Glob(examples.FS, "*.yaml")
	for i, n := range names {
		b, _ := fs.ReadFile(examples.FS, n)
		f.Add(b, uint8(i), "sip:x@y;gruu")
	}
	for i, s := range []string{
		"a: x\n", "a:\n  b: |\n    t\n", "{\"a\": {\"b\": 1}}", "a: [x, y]\n", "- x\n", "a: &x y\nb: *x\n",
		"a: {}\r\n", "\ufeffa:\n", "a: 'q'\n", "a: \"q\"", "a: b\n  c\n", "a: {b: {}, c}\n", "a: !!str 5\n",
	} {
		f.Add([]byte(s), uint8(i), "v: #x")
	}
	f.Fuzz(func(t *testing.T, src []byte, which uint8, value string) {
		findings := []Finding{set("one", fields[int(which)%len(fields)], value)}
		if which >= 128 {
			findings = append(findings, set("two", fields[int(which/3)%len(fields)], value+"2"))
		}
		out, err := ApplyFixes(src, findings)
		if err != nil {
			var fe *FixError
			if !errors.As(err, &fe) || fe.Err == nil {
				t.Fatalf("error %v (%T) is not a *FixError", err, err)
			}
			return
		}
		_, text, err := decodeText("", out)
		if err != nil {
			t.Fatalf("result %q: %v", out, err)
		}
		fs, err := parseFixSource("", text)
		if err != nil {
			t.Fatalf("result %q does not parse: %v", out, err)
		}
		edits, _ := collectEdits(findings, nil)
		for _, e := range edits {
			at, err := fs.locate(e)
			if err != nil || len(at.rest) > 0 || at.node.Value != e.Value {
				t.Fatalf("in %q, %s does not hold %q (%v)", out, e.Field, e.Value, err)
			}
		}
		if again, err := ApplyFixes(out, findings); err != nil || !bytes.Equal(again, out) {
			t.Fatalf("applying the fixes to %q again gave %q, %v", out, again, err)
		}
	})
}

// BenchmarkApplyFixes edits generated deployments (see generate), as YAML
// and as JSON on one line: each RMX gets its flag replaced and an absent
// field added, two edits per RMX.
func BenchmarkApplyFixes(b *testing.B) {
	for _, tc := range []struct {
		form string
		n    int
	}{{"yaml", 100}, {"yaml", 1000}, {"json", 100}, {"json", 1000}} {
		src := generate(tc.n)
		if tc.form == "json" {
			src = toJSON(b, src, false)
		}
		n := tc.n
		var findings []Finding
		for i := 0; i < 2*n; i++ {
			findings = append(findings,
				set("r", fmt.Sprintf("rpp.rmx[%d].flags.SIP_CONTACT_OVERRIDE_STR", i), gruuOf(i+1)),
				set("s", fmt.Sprintf("rpp.rmx[%d].sip.iceMethod", i), "new"))
		}
		b.Run(fmt.Sprintf("%s/sites=%d", tc.form, n), func(b *testing.B) {
			b.ReportAllocs()
			b.SetBytes(int64(len(src)))
			for i := 0; i < b.N; i++ {
				if _, err := ApplyFixes(src, findings); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// TestOffsetLongLines checks the offsets of nodes far along one line (JSON
// written on one line) against a walk from the line's start, with
// characters of one to four bytes before them.
func TestOffsetLongLines(t *testing.T) {
	var b strings.Builder
	b.WriteString("first: line\nlong: {")
	for i := 0; i < 400; i++ {
		fmt.Fprintf(&b, "k%d: %s, ", i, []string{"a", "é", "€uro", "😀x"}[i%4])
	}
	b.WriteString("end: [1, 2]}\nlast: line\n")
	f, err := parseFixSource("", []byte(b.String()))
	if err != nil {
		t.Fatal(err)
	}
	far := 0
	walkNodes(f.root, func(n *yaml.Node) {
		got, err := f.offset(n)
		if err != nil {
			t.Fatalf("offset of %d:%d: %v", n.Line, n.Column, err)
		}
		want := f.lines[n.Line-1]
		for c := 1; c < n.Column; c++ {
			_, w := utf8.DecodeRune(f.b[want:])
			want += w
		}
		if got != want {
			t.Fatalf("offset of %d:%d = %d, want %d", n.Line, n.Column, got, want)
		}
		if n.Column > 3*columnStep {
			far++
		}
	})
	if far < 100 {
		t.Errorf("only %d nodes beyond column %d: the test does not reach the marks", far, 3*columnStep)
	}
}
