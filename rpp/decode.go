package rpp

import (
	"bytes"
	"cmp"
	"context"
	"encoding"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"reflect"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	goyaml "github.com/goccy/go-yaml"
	goparser "github.com/goccy/go-yaml/parser"
	"go.yaml.in/yaml/v3"

	"github.com/rppkit/rppkit/internal/suggest"
	"github.com/rppkit/rppkit/lync"
	"github.com/rppkit/rppkit/rmx"
)

// Errors a FieldError wraps, for errors.Is. A bad value wraps the error of
// its type instead (rmx.ErrInvalidVersion, lync.ErrMalformedGRUU, …).
var (
	ErrSyntax       = errors.New("not valid YAML or JSON")
	ErrEmpty        = errors.New("no deployment in the file")
	ErrTooLarge     = errors.New("deployment file too large")
	ErrUnknownField = errors.New("unknown field")
	ErrDuplicateKey = errors.New("field given twice")
	ErrWrongType    = errors.New("wrong type")
	ErrMissingField = errors.New("required field missing")
)

// MaxFileSize is the largest deployment file Parse accepts.
const MaxFileSize = 64 << 20

const (
	maxErrors = 20      // errors reported per file before giving up
	maxNodes  = 1 << 20 // values visited, aliases expanded, per file
)

// FieldError is one problem in a deployment file, with where it is.
type FieldError struct {
	Pos   Position
	Field string // the field path, such as rpp.rmx[0].version; "" for the whole file
	Err   error
}

func (e *FieldError) Error() string {
	var b strings.Builder
	if s := e.Pos.String(); s != "" {
		b.WriteString(s)
		b.WriteString(": ")
	}
	if e.Field != "" {
		b.WriteString(e.Field)
		b.WriteString(": ")
	}
	b.WriteString(e.Err.Error())
	return b.String()
}

func (e *FieldError) Unwrap() error { return e.Err }

// DecodeError lists every problem found in one deployment file, in the
// order of the file. Each is on a line of its own in Error.
type DecodeError struct {
	File string
	Errs []*FieldError
}

func (e *DecodeError) Error() string {
	lines := make([]string, len(e.Errs))
	for i, fe := range e.Errs {
		lines[i] = fe.Error()
	}
	return strings.Join(lines, "\n")
}

// Unwrap returns the FieldErrors, so errors.Is and errors.As look at each.
func (e *DecodeError) Unwrap() []error {
	errs := make([]error, len(e.Errs))
	for i, fe := range e.Errs {
		errs[i] = fe
	}
	return errs
}

// Load reads the deployment file at path (YAML or JSON). It returns
// ctx.Err() if ctx ends first.
func Load(ctx context.Context, path string) (*Deployment, error) {
	return loadFile(ctx, path, func() (io.ReadCloser, error) { return os.Open(path) })
}

// LoadFS reads the deployment file name from fsys, such as the examples
// embedded in package examples.
func LoadFS(ctx context.Context, fsys fs.FS, name string) (*Deployment, error) {
	return loadFile(ctx, name, func() (io.ReadCloser, error) { return fsys.Open(name) })
}

func loadFile(ctx context.Context, name string, open func() (io.ReadCloser, error)) (*Deployment, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	f, err := open()
	if err != nil {
		return nil, err // an *fs.PathError, which names the file
	}
	defer f.Close()
	return DecodeNamed(ctx, name, f)
}

// Decode reads a deployment (YAML or JSON) from r. Positions carry no file
// name; DecodeNamed gives one.
func Decode(ctx context.Context, r io.Reader) (*Deployment, error) { return DecodeNamed(ctx, "", r) }

// DecodeNamed reads a deployment from r, naming positions after name (such
// as "<stdin>").
func DecodeNamed(ctx context.Context, name string, r io.Reader) (*Deployment, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	data, err := readAll(r)
	if err != nil {
		if name != "" {
			err = fmt.Errorf("%s: %w", name, err)
		}
		return nil, err
	}
	return Parse(name, data)
}

func readAll(r io.Reader) ([]byte, error) {
	data, err := io.ReadAll(io.LimitReader(r, MaxFileSize+1))
	if err != nil {
		return nil, err
	}
	if len(data) > MaxFileSize {
		return nil, fmt.Errorf("%w (more than %d MiB)", ErrTooLarge, MaxFileSize>>20)
	}
	return data, nil
}

// Parse decodes a deployment from data, naming positions after file.
//
// Decoding is strict: an unknown or misspelt field, a value of the wrong
// type, a missing required field, a bad version, FQDN, SIP address or enum,
// and text that is not YAML or JSON are all errors. The error is a
// *DecodeError listing each problem with its file, line, column and field
// path; nothing is silently defaulted. Values that are well-formed but wrong
// for the deployment (a Service GRUU of the wrong pool, say) are not decode
// errors: Check reports them as findings.
func Parse(file string, data []byte) (*Deployment, error) {
	d := &decoder{file: file, pos: map[string]Position{}, structs: map[reflect.Type]*structInfo{}}
	root := d.parseYAML(data)
	dep := &Deployment{src: &source{file: file, pos: d.pos}}
	if root != nil {
		d.value(root, reflect.ValueOf(dep).Elem(), "")
		if len(d.errs) == 0 {
			d.checkValues(dep)
		}
	}
	if len(d.errs) > 0 {
		// Report in file order: a missing field is found only at the end of
		// its mapping, but belongs where the mapping begins.
		slices.SortStableFunc(d.errs, func(a, b *FieldError) int {
			return cmp.Or(cmp.Compare(a.Pos.Line, b.Pos.Line), cmp.Compare(a.Pos.Column, b.Pos.Column))
		})
		return nil, &DecodeError{File: file, Errs: d.errs}
	}
	return dep, nil
}

type decoder struct {
	file    string
	pos     map[string]Position
	errs    []*FieldError
	nodes   int
	structs map[reflect.Type]*structInfo
}

func (d *decoder) at(n *yaml.Node) Position {
	return Position{File: d.file, Line: n.Line, Column: n.Column}
}

func (d *decoder) fail(pos Position, field string, err error) {
	if len(d.errs) == maxErrors {
		d.errs = append(d.errs, &FieldError{Pos: Position{File: d.file}, Err: errors.New("too many errors; stopping")})
	}
	if len(d.errs) > maxErrors {
		return
	}
	d.errs = append(d.errs, &FieldError{Pos: pos, Field: field, Err: err})
}

var yamlLine = regexp.MustCompile(`^yaml: line (\d+): (.*)$`)

// parseYAML returns the document's top node, or nil after recording why
// there is none. JSON is YAML's flow style, so one parser reads both.
func (d *decoder) parseYAML(data []byte) *yaml.Node {
	whole := Position{File: d.file}
	if i := bytes.IndexByte(data, 0); i >= 0 || !utf8.Valid(data) {
		if i < 0 {
			i = invalidUTF8At(data)
		}
		line := 1 + bytes.Count(data[:i], []byte("\n"))
		col := 1 + i - (bytes.LastIndexByte(data[:i], '\n') + 1)
		d.fail(Position{File: d.file, Line: line, Column: col}, "",
			fmt.Errorf("%w: not a text file (byte %#02x is not UTF-8 text)", ErrSyntax, data[i]))
		return nil
	}
	dec := yaml.NewDecoder(bytes.NewReader(data))
	var doc yaml.Node
	if err := dec.Decode(&doc); err != nil {
		if errors.Is(err, io.EOF) {
			d.fail(whole, "", fmt.Errorf("%w: the file is empty; want a mapping with the keys lync and rpp", ErrEmpty))
			return nil
		}
		d.failYAML(err, data)
		return nil
	}
	var next yaml.Node
	if err := dec.Decode(&next); err == nil {
		d.fail(Position{File: d.file, Line: next.Line}, "",
			fmt.Errorf("%w: a second YAML document ('---'); put one deployment in a file", ErrSyntax))
		return nil
	} else if !errors.Is(err, io.EOF) {
		d.failYAML(err, data)
		return nil
	}
	top := &doc
	if top.Kind == yaml.DocumentNode {
		if len(top.Content) == 0 {
			d.fail(whole, "", fmt.Errorf("%w: the file holds only comments; want a mapping with the keys lync and rpp", ErrEmpty))
			return nil
		}
		top = top.Content[0]
	}
	if top.Kind != yaml.MappingNode {
		d.fail(d.at(top), "", fmt.Errorf("%w: the file holds %s; want a mapping with the keys lync and rpp", ErrWrongType, describe(top)))
		return nil
	}
	return top
}

// failYAML reports a syntax error. yaml.v3 gives the line where the
// enclosing block began; goccy/go-yaml's parser pinpoints the offending
// token, so it is asked for the position (and its wording) when it agrees
// that the text is broken.
func (d *decoder) failYAML(err error, data []byte) {
	var se *goyaml.SyntaxError
	if _, gerr := goparser.ParseBytes(data, 0); errors.As(gerr, &se) && se.Token != nil && se.Token.Position != nil {
		p := se.Token.Position
		d.fail(Position{File: d.file, Line: p.Line, Column: p.Column}, "", fmt.Errorf("%w: %s", ErrSyntax, se.Message))
		return
	}
	msg := err.Error()
	if m := yamlLine.FindStringSubmatch(msg); m != nil {
		line, _ := strconv.Atoi(m[1])
		d.fail(Position{File: d.file, Line: line}, "", fmt.Errorf("%w: %s", ErrSyntax, m[2]))
		return
	}
	d.fail(Position{File: d.file}, "", fmt.Errorf("%w: %s", ErrSyntax, strings.TrimPrefix(msg, "yaml: ")))
}

func invalidUTF8At(b []byte) int {
	for i := 0; i < len(b); {
		r, n := utf8.DecodeRune(b[i:])
		if r == utf8.RuneError && n <= 1 {
			return i
		}
		i += n
	}
	return 0
}

// structInfo is what the decoder needs of a struct type: its fields by
// deployment-file name.
type structInfo struct {
	names  []string
	fields map[string]fieldInfo
}

type fieldInfo struct {
	index    int
	required bool
}

func (d *decoder) structOf(t reflect.Type) *structInfo {
	if si, ok := d.structs[t]; ok {
		return si
	}
	si := &structInfo{fields: map[string]fieldInfo{}}
	for i := 0; i < t.NumField(); i++ {
		f := t.Field(i)
		name, _, _ := strings.Cut(f.Tag.Get("yaml"), ",")
		if !f.IsExported() || name == "" || name == "-" {
			continue
		}
		si.names = append(si.names, name)
		si.fields[name] = fieldInfo{index: i, required: f.Tag.Get("rpp") == "required"}
	}
	d.structs[t] = si
	return si
}

var textUnmarshaler = reflect.TypeFor[encoding.TextUnmarshaler]()

// value decodes n into v, recording the position of everything under path.
//
// This walk exists because no YAML library both rejects unknown fields and
// reports every error with its line and field path; the YAML parsing itself
// is yaml.v3's.
func (d *decoder) value(n *yaml.Node, v reflect.Value, path string) {
	for depth := 0; n.Kind == yaml.AliasNode; depth++ {
		if n.Alias == nil || depth > 64 {
			d.fail(d.at(n), path, fmt.Errorf("%w: alias *%s leads nowhere", ErrSyntax, n.Value))
			return
		}
		n = n.Alias
	}
	if !d.spend(n, path, 1) {
		return
	}
	if n.Kind == yaml.ScalarNode && n.Tag == "!!null" {
		return // absent; a required field is caught by its struct
	}
	if reflect.PointerTo(v.Type()).Implements(textUnmarshaler) {
		if n.Kind == yaml.ScalarNode && n.Value == "" {
			return // an empty value is an absent one; required fields say so
		}
		if n.Kind != yaml.ScalarNode {
			d.fail(d.at(n), path, fmt.Errorf("%w: want a value, got %s", ErrWrongType, describe(n)))
			return
		}
		if err := v.Addr().Interface().(encoding.TextUnmarshaler).UnmarshalText([]byte(n.Value)); err != nil {
			d.fail(d.at(n), path, err)
		}
		return
	}
	switch v.Kind() {
	case reflect.Pointer:
		v.Set(reflect.New(v.Type().Elem()))
		d.value(n, v.Elem(), path)
	case reflect.Struct:
		d.mapping(n, v, path)
	case reflect.Slice:
		if n.Kind != yaml.SequenceNode {
			d.fail(d.at(n), path, fmt.Errorf("%w: want a list, got %s", ErrWrongType, describe(n)))
			return
		}
		if !d.spend(n, path, len(n.Content)) {
			return
		}
		s := reflect.MakeSlice(v.Type(), len(n.Content), len(n.Content))
		for i, item := range n.Content {
			p := fmt.Sprintf("%s[%d]", path, i)
			d.pos[p] = d.at(item)
			d.value(item, s.Index(i), p)
		}
		v.Set(s)
	case reflect.Map:
		d.stringMap(n, v, path)
	case reflect.String:
		if n.Kind != yaml.ScalarNode {
			d.fail(d.at(n), path, fmt.Errorf("%w: want text, got %s", ErrWrongType, describe(n)))
			return
		}
		v.SetString(n.Value)
	case reflect.Int:
		i, err := strconv.Atoi(n.Value)
		if n.Kind != yaml.ScalarNode || err != nil {
			d.fail(d.at(n), path, fmt.Errorf("%w: want a whole number, got %s", ErrWrongType, describe(n)))
			return
		}
		v.SetInt(int64(i))
	case reflect.Bool:
		switch strings.ToLower(n.Value) {
		case "true":
			v.SetBool(true)
		case "false":
			v.SetBool(false)
		default:
			d.fail(d.at(n), path, fmt.Errorf("%w: want true or false, got %s", ErrWrongType, describe(n)))
		}
	default:
		// Only reachable if a model type gains a field kind this walk does
		// not know; say so rather than drop the value.
		d.fail(d.at(n), path, fmt.Errorf("rppkit cannot decode a %s here", v.Type()))
	}
}

// spend takes k values from the file's budget and reports whether any is
// left. The budget bounds the work a small file can cause through aliases.
func (d *decoder) spend(n *yaml.Node, path string, k int) bool {
	if d.nodes > maxNodes {
		return false
	}
	if d.nodes += k; d.nodes > maxNodes {
		d.fail(d.at(n), path, fmt.Errorf("%w: more than %d values (aliases expanding?)", ErrTooLarge, maxNodes))
		return false
	}
	return true
}

// mapping decodes a YAML mapping into a struct, field by field.
func (d *decoder) mapping(n *yaml.Node, v reflect.Value, path string) {
	if n.Kind != yaml.MappingNode {
		d.fail(d.at(n), path, fmt.Errorf("%w: want a mapping (field: value), got %s", ErrWrongType, describe(n)))
		return
	}
	si := d.structOf(v.Type())
	seen := map[string]*yaml.Node{}
	failed := map[string]bool{}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, val := n.Content[i], n.Content[i+1]
		name, p, ok := d.key(k, path)
		if !ok {
			continue
		}
		f, known := si.fields[name]
		switch {
		case !known:
			hint := "known here: " + strings.Join(si.names, ", ")
			if s := suggest.Closest(name, si.names); s != "" {
				hint = "did you mean " + s + "?"
			}
			d.fail(d.at(k), p, fmt.Errorf("%w %q (%s)", ErrUnknownField, name, hint))
			continue
		case seen[name] != nil:
			d.fail(d.at(k), p, fmt.Errorf("%w (first at line %d)", ErrDuplicateKey, seen[name].Line))
			continue
		}
		seen[name] = k
		d.pos[p] = d.at(k)
		before := len(d.errs)
		d.value(val, v.Field(f.index), p)
		if len(d.errs) > before {
			failed[name] = true
		}
	}
	for _, name := range si.names {
		f := si.fields[name]
		if !f.required || failed[name] || !v.Field(f.index).IsZero() {
			continue // a field whose value was refused is not also "missing"
		}
		p := join(path, name)
		if k := seen[name]; k != nil {
			d.fail(d.at(k), p, fmt.Errorf("%w: must not be empty", ErrMissingField))
		} else {
			d.fail(d.at(n), p, ErrMissingField)
		}
	}
}

// stringMap decodes a mapping of text to text, such as RMX system flags.
func (d *decoder) stringMap(n *yaml.Node, v reflect.Value, path string) {
	if n.Kind != yaml.MappingNode {
		d.fail(d.at(n), path, fmt.Errorf("%w: want a mapping (NAME: value), got %s", ErrWrongType, describe(n)))
		return
	}
	m := reflect.MakeMapWithSize(v.Type(), len(n.Content)/2)
	seen := map[string]int{}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, val := n.Content[i], n.Content[i+1]
		name, p, ok := d.key(k, path)
		if !ok {
			continue
		}
		if line, dup := seen[name]; dup {
			d.fail(d.at(k), p, fmt.Errorf("%w (first at line %d)", ErrDuplicateKey, line))
			continue
		}
		seen[name] = k.Line
		d.pos[p] = d.at(k)
		elem := reflect.New(v.Type().Elem()).Elem()
		d.value(val, elem, p)
		m.SetMapIndex(reflect.ValueOf(name).Convert(v.Type().Key()), elem)
	}
	v.Set(m)
}

// key reads a mapping key, refusing what a deployment file never needs.
func (d *decoder) key(k *yaml.Node, path string) (name, p string, ok bool) {
	if k.Kind != yaml.ScalarNode {
		d.fail(d.at(k), path, fmt.Errorf("%w: a field name must be text, got %s", ErrWrongType, describe(k)))
		return "", "", false
	}
	if k.Value == "<<" && k.Tag == "!!merge" {
		d.fail(d.at(k), path, fmt.Errorf("%w: YAML merge keys (<<) are not supported; write the fields out", ErrSyntax))
		return "", "", false
	}
	return k.Value, join(path, k.Value), true
}

func join(path, name string) string {
	if path == "" {
		return name
	}
	return path + "." + name
}

// describe names what a node holds, for "want X, got Y" messages.
func describe(n *yaml.Node) string {
	switch n.Kind {
	case yaml.MappingNode:
		return "a mapping"
	case yaml.SequenceNode:
		return "a list"
	case yaml.ScalarNode:
		if n.Tag == "!!null" {
			return "null"
		}
		v := n.Value
		if len(v) > 40 {
			v = v[:37] + "..."
		}
		return strconv.Quote(v)
	}
	return "something else"
}

// checkValues rejects what decodes but cannot be a deployment at all. Values
// that are merely wrong (a GRUU of another pool) are left for Check.
func (d *decoder) checkValues(dep *Deployment) {
	fail := func(path string, err error) { d.fail(dep.Position(path), path, err) }
	uri := func(path, value string) {
		if value == "" {
			return
		}
		// Only a value that is not a SIP URI at all is refused: everything a
		// service GRUU can get wrong beyond that is a finding with a rule ID.
		var ge *lync.GRUUError
		// White space pasted with the value is a finding
		// (rpp-gruu-whitespace), not an input error: judge what was meant.
		if _, err := lync.ParseGRUU(pasted(value)); errors.As(err, &ge) && ge.Part == lync.PartSyntax {
			fail(path, err)
		}
	}
	for i, a := range dep.Lync.TrustedApplications {
		uri(fmt.Sprintf("lync.trustedApplications[%d].serviceGruu", i), a.ServiceGRUU)
	}
	for i, r := range dep.RPP.RMX {
		uri(fmt.Sprintf("rpp.rmx[%d].flags.%s", i, rmx.FlagContactOverride), r.Flags[rmx.FlagContactOverride])
	}
	for i, s := range dep.RPP.DMA {
		for j, p := range s.LyncPeers {
			uri(fmt.Sprintf("rpp.dma[%d].lyncPeers[%d].serviceGruu", i, j), p.ServiceGRUU)
		}
	}
	if len(dep.RPP.RMX) == 0 && len(dep.RPP.DMA) == 0 {
		fail("rpp", fmt.Errorf("%w: lists no rmx and no dma; nothing to check", ErrMissingField))
	}
}
