package rpp

import (
	"context"
	"fmt"
	"reflect"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/rppkit/rppkit/internal/suggest"
)

// Set sets the field at path field (such as rpp.rmx[0].sip.serverUserName,
// or rpp.rmx[0].flags.SIP_CONTACT_OVERRIDE_STR; see Position) to value,
// written as it would be in a deployment file, and reads it as the decoder
// does: "MS" sets rmx.ICEMS, "5061" a port, "" clears an optional field. A
// field that holds a list or a mapping takes its value as YAML text
// ("[a.com, b.com]", "{name: lync, encryption: always}").
//
// The error is a *DecodeError holding the *FieldError decoding would give
// for the same value in the file (errors.As finds it), positioned where the
// field is written: ErrUnknownField, with a "did you mean", for a path
// that names no field (or an item past the end of its list); the value's
// own error (lync.ErrInvalidFQDN, rmx.ErrUnknownICEEnvironment, …) for a
// bad value; ErrMissingField for clearing a required field. On error d is
// unchanged.
//
// Map entries (RMX flags) and absent optional objects (a certificate) are
// created as needed. The field keeps its position, so findings about it
// still point at its line; fields created by Set, and everything under a
// list or mapping Set replaced, are placed at their nearest enclosing field
// that was in the file.
func (d *Deployment) Set(field, value string) error {
	steps, err := parseFieldSteps(field)
	if err != nil {
		return &DecodeError{File: d.File(), Errs: []*FieldError{{Pos: Position{File: d.File()}, Field: field, Err: fmt.Errorf("%w: %v", ErrUnknownField, err)}}}
	}
	path := formatFieldSteps(steps)
	t, required, err := d.target(steps)
	if err != nil {
		return err
	}
	nv := reflect.New(t).Elem()
	dec := newDecoder(context.Background(), d.File(), DefaultMaxNodes)
	dec.path = []byte(path)
	dec.budget = DefaultMaxNodes
	// An empty value is an absent one, as "field:" is in a file.
	node := &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!null"}
	scalar := isScalarType(t)
	switch {
	case scalar && value != "":
		node = &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: value}
	case !scalar && strings.TrimSpace(value) != "":
		if node, err = parseValue(value); err != nil {
			return d.setError(path, err)
		}
	}
	dec.value(node, nv)
	if len(dec.errs) == 0 && len(dec.suppressions) > 0 {
		// Suppressions belong to the file, where a reviewer sees them.
		dec.fail(Position{}, fmt.Errorf("%w: an ignore: block in a value given to Set; write suppressions in the file", ErrUnsupported))
	}
	if len(dec.errs) == 0 && required && isEmpty(nv) {
		dec.fail(Position{}, fmt.Errorf("%w: must not be empty", ErrMissingField))
	}
	if len(dec.errs) > 0 {
		return d.placed(dec.errs)
	}
	old := reflect.New(t).Elem()
	if v := d.lookup(steps); v.IsValid() {
		old.Set(v)
	}
	undo := assign(reflect.ValueOf(d).Elem(), steps, nv)
	if errs := d.checkSet(path); len(errs) > 0 {
		undo()
		return d.placed(errs)
	}
	if !scalar && d.src != nil {
		// What was under the field is gone: forget where it was.
		forEachSubPath(old, []byte(path), func(p []byte) { delete(d.src.at, pathHash(p)) })
	}
	return nil
}

func (d *Deployment) setError(field string, err error) error {
	return &DecodeError{File: d.File(), Errs: []*FieldError{{Pos: d.Position(field), Field: field, Err: err}}}
}

// placed returns errs as a *DecodeError, each placed where its field (or
// its nearest enclosing field) is written in d's file: the value Set reads
// is not in the file, so its own lines mean nothing there.
func (d *Deployment) placed(errs []*FieldError) error {
	for _, fe := range errs {
		fe.Pos = d.Position(fe.Field)
	}
	return &DecodeError{File: d.File(), Errs: errs}
}

// target returns the type of the field steps name and whether it is
// required, or the error decoding would give for a path that names no
// field.
func (d *Deployment) target(steps []fieldStep) (reflect.Type, bool, error) {
	t := reflect.TypeOf(d).Elem()
	v := reflect.ValueOf(d).Elem() // invalid once the path leaves what exists
	required := false
	for i, st := range steps {
		for t.Kind() == reflect.Pointer {
			t = t.Elem()
			if v.IsValid() {
				v = v.Elem()
			}
		}
		here := formatFieldSteps(steps[:i+1])
		switch {
		case t.Kind() == reflect.Struct && st.index < 0:
			si := structFields(t)
			f, ok := si.fields[st.key]
			if !ok {
				hint := "known here: " + strings.Join(si.names, ", ")
				if s := suggest.Closest(st.key, si.names); s != "" {
					hint = "did you mean " + s + "?"
				}
				return nil, false, d.setError(here, fmt.Errorf("%w %s (%s)", ErrUnknownField, quoteBounded(st.key), hint))
			}
			t, required = t.Field(f.index).Type, f.required
			if v.IsValid() {
				v = v.Field(f.index)
			}
		case t.Kind() == reflect.Map && st.index < 0:
			if v.IsValid() {
				v = v.MapIndex(reflect.ValueOf(st.key).Convert(t.Key()))
			}
			t, required = t.Elem(), false
		case t.Kind() == reflect.Slice && st.index >= 0:
			n := 0
			if v.IsValid() {
				n = v.Len()
			}
			if st.index >= n {
				return nil, false, d.setError(here, fmt.Errorf("%w: %s has %d items", ErrUnknownField, formatFieldSteps(steps[:i]), n))
			}
			t, required, v = t.Elem(), false, v.Index(st.index)
		case t.Kind() == reflect.Slice:
			return nil, false, d.setError(here, fmt.Errorf("%w: %s is a list; give an index, as in %s[0]", ErrUnknownField, formatFieldSteps(steps[:i]), formatFieldSteps(steps[:i])))
		default:
			return nil, false, d.setError(here, fmt.Errorf("%w: %s holds a value, not fields", ErrUnknownField, formatFieldSteps(steps[:i])))
		}
	}
	return t, required, nil
}

// lookup returns the value at steps, or the invalid Value if it does not
// exist (a nil pointer or a missing map entry on the way).
func (d *Deployment) lookup(steps []fieldStep) reflect.Value {
	v := reflect.ValueOf(d).Elem()
	for _, st := range steps {
		for v.Kind() == reflect.Pointer {
			if v.IsNil() {
				return reflect.Value{}
			}
			v = v.Elem()
		}
		switch v.Kind() {
		case reflect.Struct:
			v = v.Field(structFields(v.Type()).fields[st.key].index)
		case reflect.Map:
			if v = v.MapIndex(reflect.ValueOf(st.key).Convert(v.Type().Key())); !v.IsValid() {
				return v
			}
		case reflect.Slice:
			v = v.Index(st.index)
		}
	}
	return v
}

// assign sets the field at steps under v to nv, creating the pointers and
// maps on the way, and returns how to undo it.
func assign(v reflect.Value, steps []fieldStep, nv reflect.Value) (undo func()) {
	if v.Kind() == reflect.Pointer {
		if v.IsNil() {
			v.Set(reflect.New(v.Type().Elem()))
			inner := assign(v.Elem(), steps, nv)
			return func() { inner(); v.Set(reflect.Zero(v.Type())) }
		}
		return assign(v.Elem(), steps, nv)
	}
	if len(steps) == 0 {
		old := reflect.New(v.Type()).Elem()
		old.Set(v)
		v.Set(nv)
		return func() { v.Set(old) }
	}
	st := steps[0]
	switch v.Kind() {
	case reflect.Struct:
		return assign(v.Field(structFields(v.Type()).fields[st.key].index), steps[1:], nv)
	case reflect.Slice:
		return assign(v.Index(st.index), steps[1:], nv)
	}
	// A map: the model's maps hold values (RMX flags), so the entry is the
	// last step.
	created := v.IsNil()
	if created {
		v.Set(reflect.MakeMap(v.Type()))
	}
	key := reflect.ValueOf(st.key).Convert(v.Type().Key())
	old := v.MapIndex(key)
	v.SetMapIndex(key, nv)
	return func() {
		switch {
		case created:
			v.Set(reflect.Zero(v.Type()))
		case old.IsValid():
			v.SetMapIndex(key, old)
		default:
			v.SetMapIndex(key, reflect.Value{})
		}
	}
}

// checkSet applies to the deployment after an edit at path the checks the
// decoder makes once a file is read (see checkValues), for what the edit
// may have changed.
func (d *Deployment) checkSet(path string) []*FieldError {
	var errs []*FieldError
	under := func(p, path string) bool {
		return p == path || strings.HasPrefix(p, path) && (p[len(path)] == '.' || p[len(path)] == '[')
	}
	for _, v := range uriFields(d) {
		if under(v.path, path) {
			if err := checkURI(v.value); err != nil {
				errs = append(errs, &FieldError{Field: v.path, Err: err})
			}
		}
	}
	if under(path, "rpp") && len(d.RPP.RMX) == 0 && len(d.RPP.DMA) == 0 {
		errs = append(errs, &FieldError{Field: "rpp", Err: fmt.Errorf("%w: lists no rmx and no dma; nothing to check", ErrMissingField)})
	}
	return errs
}

// isScalarType reports whether a field of type t holds one value.
func isScalarType(t reflect.Type) bool {
	if reflect.PointerTo(t).Implements(textUnmarshaler) {
		return true
	}
	switch t.Kind() {
	case reflect.String, reflect.Int, reflect.Bool:
		return true
	}
	return false
}

// parseValue reads the YAML text of a list or mapping that Set is given.
func parseValue(value string) (*yaml.Node, error) {
	var doc yaml.Node
	if err := yaml.Unmarshal([]byte(value), &doc); err != nil {
		return nil, syntaxError("", []byte(value), err).Err
	}
	if len(doc.Content) == 0 {
		return &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!null"}, nil
	}
	return doc.Content[0], nil
}

// forEachSubPath calls fn with the path of every field, item and entry
// under v, whose own path is path.
func forEachSubPath(v reflect.Value, path []byte, fn func([]byte)) {
	for v.Kind() == reflect.Pointer {
		if v.IsNil() {
			return
		}
		v = v.Elem()
	}
	if reflect.PointerTo(v.Type()).Implements(textUnmarshaler) {
		return
	}
	mark := len(path)
	switch v.Kind() {
	case reflect.Struct:
		si := structFields(v.Type())
		for _, name := range si.names {
			path = appendFieldKey(path[:mark], name)
			fn(path)
			forEachSubPath(v.Field(si.fields[name].index), path, fn)
		}
	case reflect.Slice:
		for i := 0; i < v.Len(); i++ {
			path = appendFieldIndex(path[:mark], i)
			fn(path)
			forEachSubPath(v.Index(i), path, fn)
		}
	case reflect.Map:
		for _, k := range v.MapKeys() {
			path = appendFieldKey(path[:mark], k.String())
			fn(path)
		}
	}
}
