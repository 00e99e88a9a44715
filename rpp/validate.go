package rpp

import (
	"context"
	"encoding"
	"reflect"
	"slices"
	"strconv"

	"go.yaml.in/yaml/v3"
)

// Validate reports whether d could have been read from a deployment file:
// it returns nil, or the *DecodeError decoding would return for the same
// values (a missing required field, a bad FQDN, a Service GRUU that is not
// a SIP URI, an enum value such as rmx.ICEEnvironment("bogus") that is not
// one of its constants in any case), with field paths and without
// positions. A nil d is ErrNoDeployment.
//
// There is one validation path: d is written out as the YAML tree a file
// holding it would have, and that tree goes through the decoder's own
// walk. A field left at its zero value counts as absent, as an empty value
// in a file does. d is not changed.
func (d *Deployment) Validate() error {
	if d == nil {
		return ErrNoDeployment
	}
	root := encodeNode(reflect.ValueOf(d).Elem())
	if root == nil {
		root = &yaml.Node{Kind: yaml.MappingNode, Tag: "!!map"}
	}
	dec := newDecoder(context.Background(), "", DefaultMaxNodes)
	if !dec.plan(root) {
		_, err := dec.result(nil)
		return err
	}
	dep := &Deployment{src: &source{at: dec.at}}
	dec.value(root, reflect.ValueOf(dep).Elem())
	if len(dec.errs) == 0 && !dec.stopped {
		dec.checkValues(dep)
	}
	_, err := dec.result(dep)
	return err
}

var textMarshaler = reflect.TypeFor[encoding.TextMarshaler]()

// encodeNode returns the YAML node a deployment file would hold for v, or
// nil when v is its type's zero value (absent from the file).
func encodeNode(v reflect.Value) *yaml.Node {
	return (&encoder{structs: map[reflect.Type]*structInfo{}}).node(v)
}

// encoder writes values out as YAML nodes, knowing each struct type's
// fields once.
type encoder struct {
	structs map[reflect.Type]*structInfo
}

func (e *encoder) node(v reflect.Value) *yaml.Node {
	if !v.IsValid() || v.IsZero() {
		return nil
	}
	scalar := func(s string) *yaml.Node { return &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: s} }
	if v.Type().Implements(textMarshaler) {
		b, err := v.Interface().(encoding.TextMarshaler).MarshalText()
		if err != nil {
			return scalar(err.Error()) // not reached: the model's MarshalText cannot fail
		}
		return scalar(string(b))
	}
	switch v.Kind() {
	case reflect.Pointer:
		return e.node(v.Elem())
	case reflect.String:
		return scalar(v.String())
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return scalar(strconv.FormatInt(v.Int(), 10))
	case reflect.Bool:
		return scalar(strconv.FormatBool(v.Bool()))
	case reflect.Slice:
		n := &yaml.Node{Kind: yaml.SequenceNode, Tag: "!!seq"}
		for i := 0; i < v.Len(); i++ {
			item := e.node(v.Index(i))
			switch {
			case item != nil:
			case v.Type().Elem().Kind() == reflect.Struct:
				item = &yaml.Node{Kind: yaml.MappingNode, Tag: "!!map"} // {}: its required fields are missing
			default:
				item = scalar("") // an empty item, as [""] in a file
			}
			n.Content = append(n.Content, item)
		}
		return n
	case reflect.Map:
		n := &yaml.Node{Kind: yaml.MappingNode, Tag: "!!map"}
		keys := v.MapKeys()
		slices.SortFunc(keys, func(a, b reflect.Value) int {
			switch {
			case a.String() < b.String():
				return -1
			case a.String() > b.String():
				return 1
			}
			return 0
		})
		for _, k := range keys {
			val := e.node(v.MapIndex(k))
			if val == nil {
				val = scalar("")
			}
			n.Content = append(n.Content, scalar(k.String()), val)
		}
		return n
	case reflect.Struct:
		n := &yaml.Node{Kind: yaml.MappingNode, Tag: "!!map"}
		si := e.structs[v.Type()]
		if si == nil {
			si = structFields(v.Type())
			e.structs[v.Type()] = si
		}
		for _, name := range si.names {
			if val := e.node(v.Field(si.fields[name].index)); val != nil {
				n.Content = append(n.Content, scalar(name), val)
			}
		}
		return n
	}
	// A kind the model does not use: hand the walk something it refuses
	// with a message, rather than dropping the value.
	return scalar(v.String())
}

// clone returns a deep copy of d, which must be valid (see checkable), with
// its own record of where each field was written: the copy goes through
// the same YAML tree and walk as Validate, so it holds exactly what a file
// holding d would decode to.
func (d *Deployment) clone() *Deployment {
	root := encodeNode(reflect.ValueOf(d).Elem())
	if root == nil {
		root = &yaml.Node{Kind: yaml.MappingNode, Tag: "!!map"}
	}
	dec := newDecoder(context.Background(), d.File(), DefaultMaxNodes)
	dec.plan(root)
	c := &Deployment{}
	dec.value(root, reflect.ValueOf(c).Elem())
	if d.src != nil {
		at := make(map[uint64]uint64, len(d.src.at))
		for k, v := range d.src.at {
			at[k] = v
		}
		c.src = &source{file: d.src.file, at: at, suppressions: d.src.suppressions}
	}
	return c
}
