package rpp

import (
	"fmt"

	"go.yaml.in/yaml/v3"
)

// verify reads the result back: it must be one YAML document whose parts
// outside lync:, and whose lync: keys the import did not cover, are the
// same as doc's.
func (m *merger) verify(out []byte) error {
	var before, after yaml.Node
	if err := yaml.Unmarshal(m.text, &before); err != nil {
		before = yaml.Node{}
	}
	if err := yaml.Unmarshal(out, &after); err != nil {
		return &FieldError{Pos: Position{File: m.name}, Err: fmt.Errorf("%w: the result does not parse: %v", ErrMergeUnsafe, err)}
	}
	b, a := docRoot(&before), docRoot(&after)
	if a == nil || a.Kind != yaml.MappingNode {
		return &FieldError{Pos: Position{File: m.name}, Err: fmt.Errorf("%w: the result is not a mapping", ErrMergeUnsafe)}
	}
	if b == nil || b.Kind != yaml.MappingNode {
		// A new file: its lync: part is all the merge's.
		_, av, _ := lookup(a, "lync")
		if av == nil {
			return &FieldError{Pos: Position{File: m.name}, Err: fmt.Errorf("%w: the new file has no lync: part", ErrMergeUnsafe)}
		}
		return m.verifyCovered(av)
	}
	for i := 0; i+1 < len(b.Content); i += 2 {
		key := b.Content[i].Value
		_, av, _ := lookup(a, key)
		bv := b.Content[i+1]
		if key == "lync" && bv.Kind == yaml.MappingNode {
			if av == nil || av.Kind != yaml.MappingNode {
				return &FieldError{Pos: Position{File: m.name}, Err: fmt.Errorf("%w: lync: lost", ErrMergeUnsafe)}
			}
			if err := m.verifyCovered(av); err != nil {
				return err
			}
			for j := 0; j+1 < len(bv.Content); j += 2 {
				lk := bv.Content[j].Value
				if m.covers(lk) && isLyncKey(lk) {
					continue
				}
				_, x, _ := lookup(av, lk)
				if x == nil || !sameTree(bv.Content[j+1], x) {
					return &FieldError{Pos: Position{File: m.name}, Field: "lync." + lk, Err: fmt.Errorf("%w: a key the import did not cover changed", ErrMergeUnsafe)}
				}
			}
			continue
		}
		if key == "lync" {
			continue
		}
		if av == nil || !sameTree(bv, av) {
			return &FieldError{Pos: Position{File: m.name}, Field: key, Err: fmt.Errorf("%w: %s changed", ErrMergeUnsafe, key)}
		}
	}
	return nil
}

// verifyCovered checks that each covered key reads back as merged.
func (m *merger) verifyCovered(got *yaml.Node) error {
	if m.merged == nil || !m.report.Changed() {
		return nil
	}
	for _, p := range lyncParts() {
		if !m.covers(p.key) {
			continue
		}
		_, want, _ := lookup(m.merged, p.key)
		_, have, _ := lookup(got, p.key)
		if (want == nil) != (have == nil) || want != nil && !sameTree(want, have) {
			return &FieldError{Pos: Position{File: m.name}, Field: "lync." + p.key,
				Err: fmt.Errorf("%w: it does not read back as the import says", ErrMergeUnsafe)}
		}
	}
	return nil
}

func isLyncKey(k string) bool {
	for _, p := range lyncParts() {
		if p.key == k {
			return true
		}
	}
	return false
}

func docRoot(d *yaml.Node) *yaml.Node {
	if d.Kind == yaml.DocumentNode && len(d.Content) > 0 {
		return d.Content[0]
	}
	return nil
}

// sameTree compares values, tags and shape, not positions or comments.
func sameTree(a, b *yaml.Node) bool {
	if a.Kind != b.Kind || a.Value != b.Value || a.ShortTag() != b.ShortTag() || len(a.Content) != len(b.Content) {
		return false
	}
	for i := range a.Content {
		if !sameTree(a.Content[i], b.Content[i]) {
			return false
		}
	}
	return true
}
