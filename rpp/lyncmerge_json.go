package rpp

// How MergeLync edits a JSON file: the lync value is rewritten whole
// (JSON has no comments to keep), the rest of the text left as it is.

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strconv"

	"go.yaml.in/yaml/v3"
)

func (m *merger) mergeJSON() ([]byte, error) {
	root, err := m.parse()
	if err != nil {
		return nil, err
	}
	_, lv, _ := lookup(root, "lync")
	var old *yaml.Node
	if lv != nil && lv.Kind == yaml.MappingNode {
		old = lv
	} else if lv != nil && !(lv.Kind == yaml.ScalarNode && lv.Tag == "!!null") {
		return nil, m.layoutError(lv, "lync", "lync holds "+kindName(lv)+", not an object")
	}
	merged, _, err := m.mergedLync(old)
	if err != nil {
		return nil, err
	}
	if !m.report.Changed() {
		return m.text, nil
	}
	start, end, indent, err := m.jsonLyncRange()
	if err != nil {
		return nil, err
	}
	var b bytes.Buffer
	b.Write(m.text[:start])
	if lv == nil {
		// No "lync" member: add it first, as the examples order them.
		b.WriteString("\n" + indent + `"lync": `)
		writeJSON(&b, merged, indent)
		if end < 0 {
			b.WriteString(",")
		} else {
			b.WriteString("\n")
		}
		if end < 0 {
			b.Write(m.text[start:])
		} else {
			b.Write(m.text[end:])
		}
		return b.Bytes(), nil
	}
	writeJSON(&b, merged, indent)
	b.Write(m.text[end:])
	return b.Bytes(), nil
}

// jsonLyncRange finds the "lync" member's value in the top-level object:
// its byte range and the indentation of its line. With no such member,
// start is just after the opening brace and end is -1 when the object has
// other members (so a comma must follow), else the offset of the brace
// closing an empty object.
func (m *merger) jsonLyncRange() (start, end int, indent string, err error) {
	dec := json.NewDecoder(bytes.NewReader(m.text))
	tok, err := dec.Token()
	if err != nil || tok != json.Delim('{') {
		return 0, 0, "", m.syntaxError(fmt.Errorf("not a JSON object: %v", err))
	}
	open := int(dec.InputOffset())
	members := 0
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return 0, 0, "", m.syntaxError(err)
		}
		key, _ := tok.(string)
		afterKey := int(dec.InputOffset())
		var raw json.RawMessage
		if err := dec.Decode(&raw); err != nil {
			return 0, 0, "", m.syntaxError(err)
		}
		members++
		if key == "lync" {
			valEnd := int(dec.InputOffset())
			valStart := valEnd - len(raw)
			_ = afterKey
			return valStart, valEnd, m.indentOf(valStart), nil
		}
	}
	if members > 0 {
		return open, -1, m.indentOf(open) + "  ", nil
	}
	closeAt := bytes.LastIndexByte(m.text, '}')
	return open, closeAt, "  ", nil
}

// indentOf is the leading blanks of the line holding offset at.
func (m *merger) indentOf(at int) string {
	lineStart := bytes.LastIndexByte(m.text[:at], '\n') + 1
	line := m.text[lineStart:at]
	return string(line[:len(line)-len(bytes.TrimLeft(line, " \t"))])
}

// writeJSON writes n as indented JSON, nested lines indented from indent.
func writeJSON(b *bytes.Buffer, n *yaml.Node, indent string) {
	inner := indent + "  "
	switch n.Kind {
	case yaml.MappingNode:
		if len(n.Content) == 0 {
			b.WriteString("{}")
			return
		}
		b.WriteString("{\n")
		for i := 0; i+1 < len(n.Content); i += 2 {
			b.WriteString(inner)
			writeJSONString(b, n.Content[i].Value)
			b.WriteString(": ")
			writeJSON(b, n.Content[i+1], inner)
			if i+2 < len(n.Content) {
				b.WriteString(",")
			}
			b.WriteString("\n")
		}
		b.WriteString(indent + "}")
	case yaml.SequenceNode:
		if len(n.Content) == 0 {
			b.WriteString("[]")
			return
		}
		b.WriteString("[\n")
		for i, c := range n.Content {
			b.WriteString(inner)
			writeJSON(b, c, inner)
			if i+1 < len(n.Content) {
				b.WriteString(",")
			}
			b.WriteString("\n")
		}
		b.WriteString(indent + "]")
	default:
		switch n.Tag {
		case "!!int", "!!float":
			if _, err := strconv.ParseFloat(n.Value, 64); err == nil && json.Valid([]byte(n.Value)) {
				b.WriteString(n.Value)
				return
			}
		case "!!bool":
			if n.Value == "true" || n.Value == "false" {
				b.WriteString(n.Value)
				return
			}
		case "!!null":
			b.WriteString("null")
			return
		}
		writeJSONString(b, n.Value)
	}
}

func writeJSONString(b *bytes.Buffer, s string) {
	enc := json.NewEncoder(b)
	enc.SetEscapeHTML(false)
	_ = enc.Encode(s)       // a string always encodes
	b.Truncate(b.Len() - 1) // the newline Encode adds
}
