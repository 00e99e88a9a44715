package rpp

import (
	"github.com/rppkit/rppkit/internal/ctxio"

	"bytes"
	"cmp"
	"context"
	"encoding"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"reflect"
	"slices"
	"strconv"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/rppkit/rppkit/internal/suggest"
	"github.com/rppkit/rppkit/lync"
	"github.com/rppkit/rppkit/rmx"
)

// Errors a FieldError wraps, for errors.Is. A bad value wraps the error of
// its type instead (rmx.ErrInvalidVersion, lync.ErrMalformedGRUU, …).
var (
	ErrSyntax   = errors.New("not valid YAML or JSON")
	ErrEncoding = errors.New("not UTF-8 or UTF-16 text")
	ErrEmpty    = errors.New("no deployment in the file")
	ErrTooLarge = errors.New("deployment file too large")
	// ErrUnsupported is YAML a deployment file does not use: tags (!!str,
	// !!binary, !custom …) and merge keys (<<).
	ErrUnsupported  = errors.New("not supported in a deployment file")
	ErrUnknownField = errors.New("unknown field")
	ErrDuplicateKey = errors.New("field given twice")
	ErrWrongType    = errors.New("wrong type")
	ErrMissingField = errors.New("required field missing")
)

// MaxFileSize is the largest deployment file the loaders read.
const MaxFileSize = 64 << 20

// DefaultMaxNodes is the MaxNodes of the zero DecodeOptions: 2.8 times the
// 1.5 million values of a 10,000-site deployment (19 MB). It also bounds
// the memory a file can make the YAML parser use, which is about 170 bytes
// per value however few bytes of text the values take ("[a,a,a,…]").
const DefaultMaxNodes = 4 << 20

// AliasExpansion is how many times its own values a deployment may hold
// once its YAML aliases are expanded. A file that names one list of ten
// thousand meeting rooms from a thousand RMXs holds ten million values in
// a few kilobytes; it is refused however large MaxNodes is.
const AliasExpansion = 10

const (
	maxErrors = 20 // errors reported per file before giving up
	// aliasAllowance lets a small file use aliases freely: its expanded
	// values are limited to the larger of this and AliasExpansion times
	// its own.
	aliasAllowance = 10_000
	// ctxEvery is how many values the decoder visits between two looks at
	// the context.
	ctxEvery = 1 << 12
)

// DecodeOptions tune how deployment files are read. The zero value is what
// Load, LoadFS, Decode, DecodeNamed and Parse use; its methods are the same
// loaders with these options.
type DecodeOptions struct {
	// MaxNodes is the most values (mappings, lists, keys and scalars) a
	// deployment may hold, each use of a YAML alias counted in full; 0
	// means DefaultMaxNodes. A file above it is refused with an error
	// (wrapping ErrTooLarge) that says to raise it.
	MaxNodes int
}

func (o DecodeOptions) maxNodes() int {
	if o.MaxNodes > 0 {
		return o.MaxNodes
	}
	return DefaultMaxNodes
}

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

// Load reads the deployment file at path (YAML or JSON); see Parse. It
// returns ctx.Err() if ctx ends first, even while the file is being opened
// (a FIFO without a writer) or read.
func Load(ctx context.Context, path string) (*Deployment, error) {
	return DecodeOptions{}.Load(ctx, path)
}

// LoadFS reads the deployment file name from fsys, such as the examples
// embedded in package examples.
func LoadFS(ctx context.Context, fsys fs.FS, name string) (*Deployment, error) {
	return DecodeOptions{}.LoadFS(ctx, fsys, name)
}

// Decode reads a deployment (YAML or JSON) from r. Positions carry no file
// name; DecodeNamed gives one.
func Decode(ctx context.Context, r io.Reader) (*Deployment, error) {
	return DecodeOptions{}.DecodeNamed(ctx, "", r)
}

// DecodeNamed reads a deployment from r, naming positions after name (such
// as "<stdin>"). If r has a read deadline (a pipe or FIFO opened by
// os.Open, a network connection), a read that blocks is interrupted when
// ctx ends; otherwise ctx is seen between reads.
func DecodeNamed(ctx context.Context, name string, r io.Reader) (*Deployment, error) {
	return DecodeOptions{}.DecodeNamed(ctx, name, r)
}

// Parse decodes a deployment from data, naming positions after file.
//
// Decoding is strict: an unknown or misspelt field, a value of the wrong
// type, a missing required field, a bad version, FQDN, SIP address or enum,
// YAML tags, and text that is not YAML or JSON are all errors. The error is
// a *DecodeError listing each problem with its file, line, column and field
// path; nothing is silently defaulted. Values that are well-formed but
// wrong for the deployment (a Service GRUU of the wrong pool, say) are not
// decode errors: Check reports them as findings. The package documentation
// says how values are read.
func Parse(file string, data []byte) (*Deployment, error) {
	return DecodeOptions{}.Parse(context.Background(), file, data)
}

// ParseContext is Parse that stops, returning ctx.Err(), when ctx ends.
func ParseContext(ctx context.Context, file string, data []byte) (*Deployment, error) {
	return DecodeOptions{}.Parse(ctx, file, data)
}

// Load is the package's Load with these options.
func (o DecodeOptions) Load(ctx context.Context, path string) (*Deployment, error) {
	f, err := ctxio.Open(ctx, path)
	if err != nil {
		return nil, err // an *fs.PathError, which names the file, or ctx.Err()
	}
	defer f.Close()
	return o.read(ctx, path, f, ctxio.Size(f))
}

// LoadFS is the package's LoadFS with these options. An fs.FS cannot be
// told to stop opening a file: if ctx ends while fsys.Open blocks (on a
// FIFO in an os.DirFS), LoadFS returns ctx.Err() and a goroutine stays in
// fsys.Open until it returns, then closes the file.
func (o DecodeOptions) LoadFS(ctx context.Context, fsys fs.FS, name string) (*Deployment, error) {
	f, err := ctxio.OpenFS(ctx, fsys, name)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return o.read(ctx, name, f, ctxio.Size(f))
}

// ReadFile reads the bytes of the deployment file at path as Load does
// (the same size limit, the same care for FIFOs and the context), for a
// tool that needs the text as well as the deployment: rpp check --fix reads
// with it, then decodes with Parse and rewrites with ApplyFixes.
func ReadFile(ctx context.Context, path string) ([]byte, error) {
	f, err := ctxio.Open(ctx, path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return readNamed(ctx, path, f, ctxio.Size(f))
}

// ReadAll reads a deployment's bytes from r as DecodeNamed does.
func ReadAll(ctx context.Context, name string, r io.Reader) ([]byte, error) {
	return readNamed(ctx, name, r, 0)
}

// readNamed reads all of r, naming name in its errors.
func readNamed(ctx context.Context, name string, r io.Reader, size int64) ([]byte, error) {
	data, err := readDeployment(ctx, r, size)
	switch {
	case err == nil:
		return data, nil
	case ctx.Err() != nil:
		return nil, ctx.Err()
	case errors.Is(err, ErrTooLarge):
		return nil, &DecodeError{File: name, Errs: []*FieldError{{Pos: Position{File: name}, Err: err}}}
	case name != "":
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	return nil, err
}

// DecodeNamed is the package's DecodeNamed with these options.
func (o DecodeOptions) DecodeNamed(ctx context.Context, name string, r io.Reader) (*Deployment, error) {
	return o.read(ctx, name, r, 0)
}

func (o DecodeOptions) read(ctx context.Context, name string, r io.Reader, size int64) (*Deployment, error) {
	data, err := readNamed(ctx, name, r, size)
	if err != nil {
		return nil, err
	}
	return o.Parse(ctx, name, data)
}

// Parse is the package's Parse with these options, stopping with ctx.Err()
// when ctx ends.
func (o DecodeOptions) Parse(ctx context.Context, file string, data []byte) (*Deployment, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	d := newDecoder(ctx, file, o.maxNodes())
	dep := d.decode(data)
	return d.result(dep)
}

type decoder struct {
	ctx  context.Context
	file string
	at   map[uint64]uint64 // see source.at
	errs []*FieldError
	// path is the field path of the value being decoded; one buffer for
	// the whole walk, so that paths cost nothing until an error needs one.
	path []byte

	own      int // values in the document itself
	nodes    int // values visited, aliases expanded
	budget   int // the most values the walk may visit
	maxNodes int
	stopped  bool  // out of budget, or ctx ended: visit nothing more
	ctxErr   error // why ctx ended, if it did
	anchored int   // depth inside anchored nodes, whose trees aliases share

	structs map[reflect.Type]*structInfo

	// suppressions are the ignore: blocks read so far; rules indexes the
	// catalogue for them, built at the first one.
	suppressions []Suppression
	rules        *ruleIndex
	// noIgnore refuses ignore: keys, outside a deployment file.
	noIgnore bool
}

func newDecoder(ctx context.Context, file string, maxNodes int) *decoder {
	return &decoder{ctx: ctx, file: file, maxNodes: maxNodes, at: map[uint64]uint64{}, structs: map[reflect.Type]*structInfo{}}
}

// result returns dep, or why there is none.
func (d *decoder) result(dep *Deployment) (*Deployment, error) {
	if d.ctxErr != nil {
		return nil, d.ctxErr
	}
	if len(d.errs) > 0 {
		// Report in file order: a missing field is found only at the end of
		// its mapping, but belongs where the mapping begins.
		slices.SortStableFunc(d.errs, func(a, b *FieldError) int {
			return cmp.Or(cmp.Compare(a.Pos.Line, b.Pos.Line), cmp.Compare(a.Pos.Column, b.Pos.Column))
		})
		return nil, &DecodeError{File: d.file, Errs: d.errs}
	}
	return dep, nil
}

// decode reads a whole deployment from data; nil after recording why not.
func (d *decoder) decode(data []byte) *Deployment {
	text, ok := d.text(data)
	if !ok {
		return nil
	}
	root := d.parseYAML(text)
	if root == nil {
		return nil
	}
	if !d.plan(root) {
		return nil
	}
	dep := &Deployment{src: &source{file: d.file, at: d.at}}
	d.value(root, reflect.ValueOf(dep).Elem())
	if len(d.errs) == 0 && !d.stopped {
		d.checkValues(dep)
	}
	dep.src.suppressions = d.suppressions
	return dep
}

func (d *decoder) pos(n *yaml.Node) Position {
	return Position{File: d.file, Line: n.Line, Column: n.Column}
}

// fail records err at pos for the field being decoded.
func (d *decoder) fail(pos Position, err error) {
	d.failField(pos, string(d.path), err)
}

func (d *decoder) failField(pos Position, field string, err error) {
	if len(d.errs) == maxErrors {
		d.errs = append(d.errs, &FieldError{Pos: Position{File: d.file}, Err: errors.New("too many errors; stopping")})
	}
	if len(d.errs) > maxErrors {
		return
	}
	d.errs = append(d.errs, &FieldError{Pos: pos, Field: field, Err: err})
}

// record notes where the field being decoded was written.
func (d *decoder) record(n *yaml.Node) {
	if n.Line > 0 {
		d.at[pathHash(d.path)] = uint64(n.Line)<<32 | uint64(uint32(n.Column))
	}
}

func (d *decoder) pushKey(name string) int {
	mark := len(d.path)
	d.path = appendFieldKey(d.path, name)
	return mark
}

func (d *decoder) pushIndex(i int) int {
	mark := len(d.path)
	d.path = appendFieldIndex(d.path, i)
	return mark
}

func (d *decoder) pop(mark int) { d.path = d.path[:mark] }

// parseYAML returns the document's top node, or nil after recording why
// there is none. JSON is YAML's flow style, so one parser reads both.
//
// yaml.v3 reads the text through a ctxReader, so a long parse stops when
// ctx ends. It refuses nesting deeper than 10,000 lists and mappings (its
// max_flow_level and max_indents) in time and memory linear in the input;
// the walk after it recurses only as deep as the deployment's own types.
func (d *decoder) parseYAML(text []byte) *yaml.Node {
	whole := Position{File: d.file}
	if len(bytes.TrimSpace(text)) == 0 {
		d.failField(whole, "", fmt.Errorf("%w: the file is empty; want a mapping with the keys lync and rpp", ErrEmpty))
		return nil
	}
	doc, onlyComments := d.document(text, "deployment")
	if onlyComments {
		d.failField(whole, "", fmt.Errorf("%w: the file holds only comments; want a mapping with the keys lync and rpp", ErrEmpty))
	}
	if doc == nil {
		return nil
	}
	top := doc
	if top.Kind == yaml.DocumentNode {
		top = top.Content[0]
	}
	switch {
	case top.Kind == yaml.ScalarNode && top.Tag == "!!null" && top.Style == 0 && (top.Value == "" || top.Value == "~" || top.Value == "null"):
		d.failField(whole, "", fmt.Errorf("%w: the document is empty (null); want a mapping with the keys lync and rpp", ErrEmpty))
		return nil
	case top.Kind != yaml.MappingNode:
		d.failField(d.pos(top), "", fmt.Errorf("%w: the file holds %s; want a mapping with the keys lync and rpp", ErrWrongType, describe(top)))
		return nil
	}
	return top
}

// document reads the one YAML document of text, of a file that holds one
// what (a deployment, a configuration). It returns nil when there is none
// to read: onlyComments when the text holds nothing else (the caller says
// what that means), else with the syntax error, the second document or the
// context's end recorded.
func (d *decoder) document(text []byte, what string) (doc *yaml.Node, onlyComments bool) {
	dec := yaml.NewDecoder(&ctxReader{ctx: d.ctx, text: text})
	var n yaml.Node
	if err := dec.Decode(&n); err != nil {
		switch {
		case d.ctx.Err() != nil:
			d.ctxErr = d.ctx.Err()
		case errors.Is(err, io.EOF):
			return nil, true
		default:
			d.errs = append(d.errs, syntaxError(d.file, text, err))
		}
		return nil, false
	}
	var next yaml.Node
	switch err := dec.Decode(&next); {
	case err == nil:
		d.failField(Position{File: d.file, Line: next.Line}, "",
			fmt.Errorf("%w: a second YAML document ('---'); put one %s in a file", ErrSyntax, what))
		return nil, false
	case d.ctx.Err() != nil:
		d.ctxErr = d.ctx.Err()
		return nil, false
	case !errors.Is(err, io.EOF):
		d.errs = append(d.errs, syntaxError(d.file, text, err))
		return nil, false
	}
	return &n, false
}

// text returns data as text to parse; false after recording why it is
// not: an encoding it cannot be read in, or more values than maxNodes.
func (d *decoder) text(data []byte) ([]byte, bool) {
	text, fe := textOf(d.file, data)
	if fe != nil {
		d.errs = append(d.errs, fe)
		return nil, false
	}
	return text, d.affordable(text)
}

// affordable reports whether text can hold no more than maxNodes values,
// recording why not, before yaml.v3 builds its tree of it: the tree, not
// the text, is what costs memory. A quick count from above settles almost
// every file; only a file it cannot clear is counted token by token.
func (d *decoder) affordable(text []byte) bool {
	if maxValues(text) <= d.maxNodes {
		return true
	}
	if n := countValues(text); n > d.maxNodes {
		d.failField(Position{File: d.file}, "", fmt.Errorf("%w: more than %d values (DecodeOptions.MaxNodes, rpp check --max-values); raise it to read this file",
			ErrTooLarge, d.maxNodes))
		return false
	}
	return true
}

// plan counts the document's own values and sets the walk's budget from
// them, reporting whether the document is small enough to walk.
func (d *decoder) plan(root *yaml.Node) bool {
	stack := []*yaml.Node{root}
	places := 0 // keys and list items: the positions the walk records
	for len(stack) > 0 {
		n := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		d.own++
		switch n.Kind {
		case yaml.MappingNode:
			places += len(n.Content) / 2
		case yaml.SequenceNode:
			places += len(n.Content)
		}
		stack = append(stack, n.Content...) // an alias node has none: it counts once
	}
	if d.own > d.maxNodes {
		d.failField(Position{File: d.file}, "", fmt.Errorf("%w: %d values, more than %d (DecodeOptions.MaxNodes, rpp check --max-values); raise it to read this file",
			ErrTooLarge, d.own, d.maxNodes))
		return false
	}
	d.budget = min(d.maxNodes, max(AliasExpansion*d.own, aliasAllowance))
	if len(d.at) == 0 {
		d.at = make(map[uint64]uint64, places)
	}
	return true
}

// spend takes a value from the walk's budget, reporting whether the walk
// may go on. It also looks at ctx now and then.
func (d *decoder) spend(n *yaml.Node, k int) bool {
	if d.stopped {
		return false
	}
	before := d.nodes
	d.nodes += k
	if d.nodes/ctxEvery != before/ctxEvery {
		if err := d.ctx.Err(); err != nil {
			d.ctxErr, d.stopped = err, true
			return false
		}
	}
	if d.nodes > d.budget {
		d.stopped = true
		if d.budget == d.maxNodes {
			d.fail(d.pos(n), fmt.Errorf("%w: more than %d values with its YAML aliases expanded (DecodeOptions.MaxNodes, rpp check --max-values); raise it to read this file",
				ErrTooLarge, d.maxNodes))
		} else {
			d.fail(d.pos(n), fmt.Errorf("%w: YAML aliases expand its %d values to more than %d (%d times as many); write the values out",
				ErrTooLarge, d.own, d.budget, AliasExpansion))
		}
		return false
	}
	return true
}

// structInfo is what the decoder needs of a struct type: its fields by
// deployment-file name.
type structInfo struct {
	names  []string
	fields map[string]fieldInfo
}

type fieldInfo struct {
	index    int // in the struct
	order    int // in names
	required bool
}

func (d *decoder) structOf(t reflect.Type) *structInfo {
	if si, ok := d.structs[t]; ok {
		return si
	}
	si := structFields(t)
	d.structs[t] = si
	return si
}

func structFields(t reflect.Type) *structInfo {
	si := &structInfo{fields: map[string]fieldInfo{}}
	for i := 0; i < t.NumField(); i++ {
		f := t.Field(i)
		name, _, _ := strings.Cut(f.Tag.Get("yaml"), ",")
		if !f.IsExported() || name == "" || name == "-" {
			continue
		}
		si.fields[name] = fieldInfo{index: i, order: len(si.names), required: f.Tag.Get("rpp") == "required"}
		si.names = append(si.names, name)
	}
	return si
}

var textUnmarshaler = reflect.TypeFor[encoding.TextUnmarshaler]()

// value decodes n into v, recording the position of everything under the
// current path.
//
// This walk exists because no YAML library both rejects unknown fields and
// reports every error with its line and field path; the YAML parsing itself
// is yaml.v3's. It visits only what the deployment's types have room for,
// so it recurses no deeper than they nest, however deep the YAML is.
func (d *decoder) value(n *yaml.Node, v reflect.Value) {
	for depth := 0; n.Kind == yaml.AliasNode; depth++ {
		if n.Alias == nil || depth > 64 {
			name, _ := shortPrefix(n.Value)
			d.fail(d.pos(n), fmt.Errorf("%w: alias *%s leads nowhere", ErrSyntax, name))
			return
		}
		n = n.Alias
	}
	if !d.spend(n, 1) {
		return
	}
	if n.Style&yaml.TaggedStyle != 0 {
		d.fail(d.pos(n), unsupportedTag(n))
		return
	}
	if n.Anchor != "" {
		d.anchored++
		defer func() { d.anchored-- }()
	}
	if n.Kind == yaml.ScalarNode && n.Tag == "!!null" {
		return // absent; a required field is caught by its struct
	}
	if reflect.PointerTo(v.Type()).Implements(textUnmarshaler) {
		if n.Kind != yaml.ScalarNode {
			d.fail(d.pos(n), fmt.Errorf("%w: want a value, got %s", ErrWrongType, describe(n)))
			return
		}
		if n.Value == "" {
			return // an empty value is an absent one; required fields say so
		}
		if err := v.Addr().Interface().(encoding.TextUnmarshaler).UnmarshalText([]byte(n.Value)); err != nil {
			d.fail(d.pos(n), bound(err, n.Value))
		}
		return
	}
	switch v.Kind() {
	case reflect.Pointer:
		v.Set(reflect.New(v.Type().Elem()))
		d.value(n, v.Elem())
	case reflect.Struct:
		d.mapping(n, v)
	case reflect.Slice:
		d.list(n, v)
	case reflect.Map:
		d.stringMap(n, v)
	case reflect.String:
		if n.Kind != yaml.ScalarNode {
			d.fail(d.pos(n), fmt.Errorf("%w: want text, got %s", ErrWrongType, describe(n)))
			return
		}
		v.SetString(n.Value)
	case reflect.Int:
		i, ok := wholeNumber(n)
		if !ok {
			d.fail(d.pos(n), fmt.Errorf("%w: want a whole number (decimal digits), got %s", ErrWrongType, describe(n)))
			return
		}
		v.SetInt(int64(i))
	case reflect.Bool:
		b, ok := boolean(n)
		if !ok {
			d.fail(d.pos(n), fmt.Errorf("%w: want true or false, got %s", ErrWrongType, describe(n)))
			return
		}
		v.SetBool(b)
	default:
		// Only reachable if a model type gains a field kind this walk does
		// not know; say so rather than drop the value.
		d.fail(d.pos(n), fmt.Errorf("rppkit cannot decode a %s here", v.Type()))
	}
}

// wholeNumber reads a scalar as a whole number: decimal digits, without a
// sign or a leading zero, quoted or not.
func wholeNumber(n *yaml.Node) (int, bool) {
	s := n.Value
	if n.Kind != yaml.ScalarNode || s == "" || len(s) > 18 || len(s) > 1 && s[0] == '0' || strings.Trim(s, "0123456789") != "" {
		return 0, false
	}
	i, err := strconv.Atoi(s)
	return i, err == nil
}

// boolean reads a scalar as true or false, in YAML 1.2's spellings, quoted
// or not. YAML 1.1's yes, no, on and off are not booleans.
func boolean(n *yaml.Node) (bool, bool) {
	if n.Kind != yaml.ScalarNode {
		return false, false
	}
	switch n.Value {
	case "true", "True", "TRUE":
		return true, true
	case "false", "False", "FALSE":
		return false, true
	}
	return false, false
}

// resolve follows n if it is an alias, as far as it leads.
func resolve(n *yaml.Node) *yaml.Node {
	for depth := 0; n.Kind == yaml.AliasNode && n.Alias != nil && depth <= 64; depth++ {
		n = n.Alias
	}
	return n
}

// unsupportedTag is the error for an explicit YAML tag on n.
func unsupportedTag(n *yaml.Node) error {
	tag, _ := shortPrefix(n.Tag)
	return fmt.Errorf("%w: the YAML tag %s; write the value without it", ErrUnsupported, tag)
}

// list decodes a YAML sequence into a slice, item by item.
func (d *decoder) list(n *yaml.Node, v reflect.Value) {
	if n.Kind != yaml.SequenceNode {
		d.fail(d.pos(n), fmt.Errorf("%w: want a list, got %s", ErrWrongType, describe(n)))
		return
	}
	if d.nodes+len(n.Content) > d.budget {
		d.spend(n, len(n.Content)) // refused before allocating a slice that large
		return
	}
	s := reflect.MakeSlice(v.Type(), len(n.Content), len(n.Content))
	for i, item := range n.Content {
		mark := d.pushIndex(i)
		d.record(item)
		if target := resolve(item); target.Kind == yaml.ScalarNode && target.Style&yaml.TaggedStyle == 0 && (target.Tag == "!!null" || target.Value == "") {
			// An absent value means nothing in a list.
			d.fail(d.pos(item), fmt.Errorf("%w: an empty list item", ErrWrongType))
		} else {
			d.value(item, s.Index(i))
		}
		d.pop(mark)
		d.release(item)
	}
	v.Set(s)
}

// release lets the garbage collector have what the walk is done with, so
// that the YAML tree and the decoded deployment are not both held whole.
// Trees under an anchor are kept: an alias may walk them again.
func (d *decoder) release(n *yaml.Node) {
	if d.anchored == 0 && n.Anchor == "" {
		n.Content = nil
	}
}

// mapping decodes a YAML mapping into a struct, field by field.
func (d *decoder) mapping(n *yaml.Node, v reflect.Value) {
	if n.Kind != yaml.MappingNode {
		d.fail(d.pos(n), fmt.Errorf("%w: want a mapping (field: value), got %s", ErrWrongType, describe(n)))
		return
	}
	si := d.structOf(v.Type())
	// Small structs (all of the deployment's) keep their bookkeeping on the
	// stack.
	var seenBuf [32]*yaml.Node
	var failedBuf [32]bool
	var seen []*yaml.Node
	var failed []bool
	if len(si.names) <= len(seenBuf) {
		seen, failed = seenBuf[:len(si.names)], failedBuf[:len(si.names)]
	} else {
		seen, failed = make([]*yaml.Node, len(si.names)), make([]bool, len(si.names))
	}
	var ignoreKey *yaml.Node
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, val := n.Content[i], n.Content[i+1]
		name, ok := d.key(k)
		if !ok {
			continue
		}
		mark := d.pushKey(name)
		f, known := si.fields[name]
		switch {
		case !known && name == IgnoreKey && mark > 0 && !d.noIgnore && ignoreKey != nil:
			d.fail(d.pos(k), fmt.Errorf("%w (first at line %d)", ErrDuplicateKey, ignoreKey.Line))
		case !known && name == IgnoreKey && mark > 0 && !d.noIgnore:
			// Suppressions, which any mapping below the top may carry
			// without its model type having a field for them: they
			// cover the mapping's own path (see Suppression.Covers).
			ignoreKey = k
			d.record(k)
			target := string(d.path[:mark])
			d.suppressions = append(d.suppressions, d.ignoreBlock(val, target, InDeployment)...)
			d.release(val)
		case !known:
			// ignore, which every mapping below the top takes, is
			// suggested for a typo but not listed with the fields.
			candidates := si.names
			if mark > 0 {
				candidates = append(slices.Clip(candidates), IgnoreKey)
			}
			hint := "known here: " + strings.Join(si.names, ", ")
			if s := suggest.Closest(name, candidates); s != "" {
				hint = "did you mean " + s + "?"
			}
			d.fail(d.pos(k), fmt.Errorf("%w %s (%s)", ErrUnknownField, quoteBounded(name), hint))
		case seen[f.order] != nil:
			d.fail(d.pos(k), fmt.Errorf("%w (first at line %d)", ErrDuplicateKey, seen[f.order].Line))
		default:
			seen[f.order] = k
			d.record(k)
			before := len(d.errs)
			d.value(val, v.Field(f.index))
			failed[f.order] = len(d.errs) > before
			d.release(val)
		}
		d.pop(mark)
	}
	if d.stopped {
		return
	}
	for i, name := range si.names {
		f := si.fields[name]
		if !f.required || failed[i] || !isEmpty(v.Field(f.index)) {
			continue // a field whose value was refused is not also "missing"
		}
		mark := d.pushKey(name)
		if k := seen[i]; k != nil {
			d.fail(d.pos(k), fmt.Errorf("%w: must not be empty", ErrMissingField))
		} else {
			d.fail(d.pos(n), ErrMissingField)
		}
		d.pop(mark)
	}
}

// isEmpty reports whether v holds nothing: its zero value, or an empty
// list or mapping ("workflows: []" gives no workflow).
func isEmpty(v reflect.Value) bool {
	switch v.Kind() {
	case reflect.Slice, reflect.Map:
		return v.Len() == 0
	}
	return v.IsZero()
}

// stringMap decodes a mapping of text to text, such as RMX system flags.
func (d *decoder) stringMap(n *yaml.Node, v reflect.Value) {
	if n.Kind != yaml.MappingNode {
		d.fail(d.pos(n), fmt.Errorf("%w: want a mapping (NAME: value), got %s", ErrWrongType, describe(n)))
		return
	}
	m := reflect.MakeMapWithSize(v.Type(), len(n.Content)/2)
	d.entries(n, func(_, val *yaml.Node, name string) bool {
		if strings.EqualFold(name, "ignore") && val.Kind == yaml.MappingNode {
			// A suppression written one level too deep: say where it goes
			// rather than that a flag cannot be a mapping.
			d.fail(d.pos(val), fmt.Errorf("%w: an ignore: block cannot go inside a mapping of text values such as flags; put it beside this mapping, on the object itself", ErrWrongType))
			return true
		}
		elem := reflect.New(v.Type().Elem()).Elem()
		d.value(val, elem)
		m.SetMapIndex(reflect.ValueOf(name).Convert(v.Type().Key()), elem)
		return true
	})
	v.Set(m)
}

// entries walks the pairs of mapping n: it reads each key (d.key), puts
// it on the field path, reports a key seen before (ErrDuplicateKey,
// naming the first one's line) and skips it, records the key's position,
// and calls each with the key, its value and its text; each returns false
// to stop the walk. entries reports whether every key was read, none was
// a duplicate, and the walk ran to the end.
func (d *decoder) entries(n *yaml.Node, each func(k, val *yaml.Node, name string) bool) bool {
	clean := true
	seen := map[string]int{}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, val := n.Content[i], n.Content[i+1]
		name, ok := d.key(k)
		if !ok {
			clean = false
			continue
		}
		mark := d.pushKey(name)
		if line, dup := seen[name]; dup {
			d.fail(d.pos(k), fmt.Errorf("%w (first at line %d)", ErrDuplicateKey, line))
			clean = false
			d.pop(mark)
			continue
		}
		seen[name] = k.Line
		d.record(k)
		goOn := each(k, val, name)
		d.pop(mark)
		if !goOn {
			return false
		}
	}
	return clean
}

// key reads a mapping key, refusing what a deployment file never needs.
func (d *decoder) key(k *yaml.Node) (string, bool) {
	if !d.spend(k, 1) {
		return "", false
	}
	switch {
	case k.Kind != yaml.ScalarNode:
		d.fail(d.pos(k), fmt.Errorf("%w: a field name must be text, got %s", ErrWrongType, describe(k)))
		return "", false
	case k.Style&yaml.TaggedStyle != 0:
		d.fail(d.pos(k), unsupportedTag(k))
		return "", false
	case k.Value == "<<" && k.Tag == "!!merge":
		d.fail(d.pos(k), fmt.Errorf("%w: YAML merge keys (<<); write the fields out", ErrUnsupported))
		return "", false
	}
	return k.Value, true
}

// describe names what a node holds, for "want X, got Y" messages.
func describe(n *yaml.Node) string {
	switch n.Kind {
	case yaml.MappingNode:
		return "a mapping"
	case yaml.SequenceNode:
		return "a list"
	case yaml.AliasNode:
		return "an alias"
	case yaml.ScalarNode:
		if n.Tag == "!!null" {
			return "null"
		}
		return quoteBounded(n.Value)
	}
	return "something else"
}

// checkValues rejects what decodes but cannot be a deployment at all. Values
// that are merely wrong (a GRUU of another pool) are left for Check.
func (d *decoder) checkValues(dep *Deployment) {
	for _, v := range uriFields(dep) {
		if err := checkURI(v.value); err != nil {
			d.failField(dep.Position(v.path), v.path, err)
		}
	}
	d.checkDNS(dep)
	if len(dep.RPP.RMX) == 0 && len(dep.RPP.DMA) == 0 {
		d.failField(dep.Position("rpp"), "rpp", fmt.Errorf("%w: lists no rmx and no dma; nothing to check", ErrMissingField))
	}
}

// pathValue is a field path and its value.
type pathValue struct{ path, value string }

// uriFields lists the fields that hold a Service GRUU as written.
func uriFields(dep *Deployment) []pathValue {
	var vs []pathValue
	for i, a := range dep.Lync.TrustedApplications {
		vs = append(vs, pathValue{fmt.Sprintf("lync.trustedApplications[%d].serviceGruu", i), a.ServiceGRUU})
	}
	for i, r := range dep.RPP.RMX {
		key := r.Flags.KeyOf(rmx.FlagContactOverride)
		if v, ok := r.Flags[key]; ok {
			vs = append(vs, pathValue{fmt.Sprintf("rpp.rmx[%d].flags.%s", i, key), v})
		}
	}
	for i, s := range dep.RPP.DMA {
		for j, p := range s.LyncPeers {
			vs = append(vs, pathValue{fmt.Sprintf("rpp.dma[%d].lyncPeers[%d].serviceGruu", i, j), p.ServiceGRUU})
		}
	}
	return vs
}

// checkURI refuses a Service GRUU that is not a SIP URI at all; everything
// a service GRUU can get wrong beyond that is a finding with a rule ID.
func checkURI(value string) error {
	if value == "" {
		return nil
	}
	var ge *lync.GRUUError
	// White space pasted with the value is a finding
	// (rpp-gruu-whitespace), not an input error: judge what was meant.
	if _, err := lync.ParseGRUU(pasted(value)); errors.As(err, &ge) && ge.Part == lync.PartSyntax {
		return bound(err, pasted(value))
	}
	return nil
}
