package rpp

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"regexp"
	"strconv"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/rppkit/rppkit/lync"
)

// Errors MergeLync wraps (in a *FieldError, with where), for errors.Is.
var (
	// ErrMergeLayout: the file is valid YAML but laid out in a way the
	// merge cannot edit without rewriting the admin's text: a flow-style
	// document ({lync: …, rpp: …}), a lync: part that is not a mapping, or
	// a YAML alias in a part the import replaces.
	ErrMergeLayout = errors.New("cannot merge into this layout")
	// ErrMergeUnsafe: the merged text would not read back with the rpp:
	// part and the parts the import did not cover unchanged. It means a bug
	// in the merge; nothing is returned.
	ErrMergeUnsafe = errors.New("merge would damage the file")
)

// LyncKeys lists the keys of a deployment file's lync: part in the order
// MergeLync writes new ones: the order of lync.Topology's fields.
func LyncKeys() []string {
	keys := make([]string, len(lyncParts))
	for i, p := range lyncParts {
		keys[i] = p.key
	}
	return keys
}

// MergeReport says what MergeLync changed, key by key.
type MergeReport struct {
	// Keys holds one entry per lync: key the import covered, in LyncKeys
	// order, changed or not.
	Keys []KeyChange
	// Created is true when doc held no deployment and the result is a new
	// file with an rpp: skeleton to fill in.
	Created bool
	// Problems is what Parse says about the result, nil when it decodes.
	// A new file's skeleton always has problems (its rpp: part lists no
	// workflow), and so does a file whose rpp: part had them before; the
	// lync: part MergeLync writes never does.
	Problems error
}

// KeyChange counts the changes to one key of the lync: part: items
// added, updated in place and removed for a list, Replaced for product.
type KeyChange struct {
	Key                     string
	Added, Updated, Removed int
	Replaced                bool
}

// Changed reports whether the key changed at all.
func (c KeyChange) Changed() bool {
	return c.Added+c.Updated+c.Removed > 0 || c.Replaced
}

func (c KeyChange) String() string {
	if c.Replaced {
		return "lync." + c.Key + " replaced"
	}
	var parts []string
	for _, p := range []struct {
		n    int
		verb string
	}{{c.Added, "added"}, {c.Updated, "updated"}, {c.Removed, "removed"}} {
		if p.n > 0 {
			parts = append(parts, fmt.Sprintf("%d %s", p.n, p.verb))
		}
	}
	if len(parts) == 0 {
		return "lync." + c.Key + " unchanged"
	}
	return "lync." + c.Key + ": " + strings.Join(parts, ", ")
}

// Changed reports whether any key changed.
func (r *MergeReport) Changed() bool {
	for _, k := range r.Keys {
		if k.Changed() {
			return true
		}
	}
	return false
}

// String is a one-line summary naming only the keys that changed.
func (r *MergeReport) String() string {
	var parts []string
	for _, k := range r.Keys {
		if k.Changed() {
			parts = append(parts, k.String())
		}
	}
	if len(parts) == 0 {
		return "lync: no change"
	}
	return strings.Join(parts, "; ")
}

// MergeLync returns doc, a deployment file (YAML or JSON, possibly empty),
// with the keys of its lync: part that covers reports as covered by an
// import replaced by t's, and a report of what changed. It is how
// `rpp import lync --into` refreshes a file from Management Shell output
// without losing what the admin wrote: the output is not a re-encoded file
// but doc with the changed lines replaced.
//
// A list key is merged item by item, each matched by its identity as Lync
// compares it (case-insensitively): a site by name, a pool by FQDN, a
// trusted application by pool and application ID, an endpoint or a user by
// SIP address, a static route by destination and matching URI, a SIP domain
// by itself. A matched item keeps its place and its comments, and, when
// nothing about it changed, its exact text; a field t leaves empty (a
// site's ID that Get-CsSite was not asked for, an edgePool the output did
// not show) keeps the file's value; list fields such as a pool's computers
// are replaced. New items are appended, in the style of the examples (flow
// mappings for the small objects, block mappings for pools and
// applications); items t lacks are removed with the comment lines directly
// above them. product is replaced. Keys covers says were not covered keep
// their text, and so does everything outside lync:, byte for byte. So
// merging t into a file that already says t returns the file unchanged.
//
// JSON stays JSON: the lync value is rewritten with two-space indentation
// (JSON has no comments to keep). An empty doc (or one with only comments)
// becomes a new file: the lync: part and an rpp: skeleton the admin fills
// in, which Parse reports as incomplete until then (see
// MergeReport.Problems).
//
// Errors: a doc that cannot be read is the decoder's error (a *DecodeError
// wrapping ErrSyntax, ErrEncoding, ErrTooLarge, … with file:line:column);
// a layout the merge cannot edit in place is a *FieldError wrapping
// ErrMergeLayout.
func MergeLync(name string, doc []byte, t lync.Topology, covers func(key string) bool) ([]byte, *MergeReport, error) {
	if covers == nil {
		covers = func(string) bool { return true }
	}
	enc, text, err := decodeText(name, doc)
	if err != nil {
		return nil, nil, asDecodeError(name, err)
	}
	// The decoder's verdict on the file as it is: text it cannot read
	// (syntax, encoding, size) stops the merge, with its file:line:column;
	// a deployment that is merely incomplete or wrong is what an import
	// is for.
	if _, err := Parse(name, doc); err != nil && (errors.Is(err, ErrSyntax) || errors.Is(err, ErrEncoding) || errors.Is(err, ErrTooLarge)) {
		return nil, nil, asDecodeError(name, err)
	}
	// yaml.v3 hangs comments on the wrong nodes in CRLF text; a file
	// written with CRLF throughout is merged as LF and written back as CRLF.
	crlf := bytes.Count(text, []byte("\r\n")) > 0 && bytes.Count(text, []byte("\r\n")) == bytes.Count(text, []byte("\n"))
	if crlf {
		text = bytes.ReplaceAll(text, []byte("\r\n"), []byte("\n"))
	}
	m := &merger{name: name, text: text, t: &t, covers: covers, report: &MergeReport{}}
	var out []byte
	if isJSON(text) && json.Valid(text) {
		out, err = m.mergeJSON()
	} else {
		out, err = m.mergeYAML()
	}
	if err != nil {
		return nil, nil, err
	}
	if !m.report.Changed() && !m.report.Created {
		out = text
	}
	if err := m.verify(out); err != nil {
		return nil, nil, err
	}
	if _, perr := Parse(name, out); perr != nil {
		m.report.Problems = perr
	}
	if bytes.Equal(out, text) {
		return doc, m.report, nil
	}
	if crlf {
		out = bytes.ReplaceAll(out, []byte("\n"), []byte("\r\n"))
	}
	return enc.encode(out), m.report, nil
}

// asDecodeError gives a whole-file error the shape Parse's errors have.
func asDecodeError(name string, err error) error {
	var de *DecodeError
	if errors.As(err, &de) {
		return de
	}
	var fe *FieldError
	if errors.As(err, &fe) {
		return &DecodeError{File: name, Errs: []*FieldError{fe}}
	}
	return &DecodeError{File: name, Errs: []*FieldError{{Pos: Position{File: name}, Err: err}}}
}

func isJSON(text []byte) bool {
	s := bytes.TrimLeft(text, " \t\r\n")
	return len(s) > 0 && s[0] == '{'
}

// merger holds one MergeLync call.
type merger struct {
	name   string
	text   []byte
	t      *lync.Topology
	covers func(string) bool
	report *MergeReport
	merged *yaml.Node // the lync: mapping as it must read back
	lines  []int // byte offset where each line (1-based index-1) starts
}

// syntaxError reads doc with the deployment decoder, whose syntax errors
// name where a construct was opened; yerr is the fallback.
func (m *merger) syntaxError(yerr error) error {
	if _, err := Parse(m.name, m.text); err != nil {
		var de *DecodeError
		if errors.As(err, &de) && errors.Is(err, ErrSyntax) {
			return de
		}
	}
	return &DecodeError{File: m.name, Errs: []*FieldError{{Pos: Position{File: m.name}, Err: fmt.Errorf("%w: %w", ErrSyntax, yerr)}}}
}

func (m *merger) layoutError(n *yaml.Node, field, why string) error {
	pos := Position{File: m.name}
	if n != nil {
		pos.Line, pos.Column = n.Line, n.Column
	}
	return &FieldError{Pos: pos, Field: field, Err: fmt.Errorf("%w: %s", ErrMergeLayout, why)}
}

// parse reads the text as one YAML document; nil root for an empty one.
func (m *merger) parse() (*yaml.Node, error) {
	dec := yaml.NewDecoder(bytes.NewReader(m.text))
	var doc yaml.Node
	if err := dec.Decode(&doc); err != nil {
		if errors.Is(err, io.EOF) {
			return nil, nil
		}
		return nil, m.syntaxError(err)
	}
	var extra yaml.Node
	if err := dec.Decode(&extra); !errors.Is(err, io.EOF) {
		if err != nil {
			return nil, m.syntaxError(err)
		}
		return nil, m.layoutError(&extra, "", "more than one YAML document in the file")
	}
	if len(doc.Content) == 0 {
		return nil, nil
	}
	root := doc.Content[0]
	if root.Kind == yaml.ScalarNode && root.Tag == "!!null" {
		return nil, nil
	}
	if root.Kind != yaml.MappingNode {
		return nil, &FieldError{Pos: Position{File: m.name, Line: root.Line, Column: root.Column},
			Err: fmt.Errorf("%w: the file holds %s, not a mapping with lync: and rpp:", ErrWrongType, kindName(root))}
	}
	return root, nil
}

func kindName(n *yaml.Node) string {
	switch n.Kind {
	case yaml.SequenceNode:
		return "a list"
	case yaml.ScalarNode:
		return "a value"
	case yaml.AliasNode:
		return "an alias"
	}
	return "a mapping"
}

// lookup returns the key and value nodes of key in mapping n.
func lookup(n *yaml.Node, key string) (k, v *yaml.Node, i int) {
	for i := 0; i+1 < len(n.Content); i += 2 {
		if n.Content[i].Kind == yaml.ScalarNode && n.Content[i].Value == key {
			return n.Content[i], n.Content[i+1], i
		}
	}
	return nil, nil, -1
}

// mergedLync builds the new lync mapping from the old one (nil when
// absent): old nodes are edited in place, so comments stay with them.
// It fills m.report.Keys and returns, per covered key, what to write.
func (m *merger) mergedLync(old *yaml.Node) (*yaml.Node, []*keyMerge, error) {
	lyncNode := old
	if lyncNode == nil {
		lyncNode = &yaml.Node{Kind: yaml.MappingNode, Tag: "!!map"}
	}
	m.merged = lyncNode
	var merges []*keyMerge
	for _, p := range lyncParts {
		if !m.covers(p.key) {
			continue
		}
		k, v, _ := lookup(lyncNode, p.key)
		if v != nil && hasAlias(v) {
			return nil, nil, m.layoutError(v, "lync."+p.key, "a YAML alias or anchor in a part the import replaces; write the values out")
		}
		km := p.merge(m.t, v)
		km.key, km.keyNode, km.old = p.key, k, v
		m.report.Keys = append(m.report.Keys, km.change)
		merges = append(merges, km)
		if km.value == nil {
			continue
		}
		if k == nil {
			lyncNode.Content = append(lyncNode.Content, scalarNode(p.key, 0), km.value)
		} else if v != km.value {
			_, _, i := lookup(lyncNode, p.key)
			lyncNode.Content[i+1] = km.value
		}
	}
	return lyncNode, merges, nil
}

func hasAlias(n *yaml.Node) bool {
	if n.Kind == yaml.AliasNode || n.Anchor != "" {
		return true
	}
	for _, c := range n.Content {
		if hasAlias(c) {
			return true
		}
	}
	return false
}

// keyMerge is the outcome for one covered key.
type keyMerge struct {
	key     string
	keyNode *yaml.Node // nil when the key is new
	old     *yaml.Node // the old value, nil when the key is new
	value   *yaml.Node // the new value (old itself when edited in place); nil: t has nothing for a new key
	change  KeyChange
	// items, for a block list edited item by item; nil means rewrite the
	// whole key.
	items []*itemMerge
	// inPlace: the old value node was a block list kept as such.
	inPlace bool
}

type itemMerge struct {
	old, node *yaml.Node // old nil: added; node nil: removed
	changed   bool
}

// lyncPart describes one key of the lync: part.
type lyncPart struct {
	key   string
	merge func(t *lync.Topology, old *yaml.Node) *keyMerge
}

var lyncParts = []lyncPart{
	{"product", mergeProduct},
	listPart("sipDomains", scalarItems, func(t *lync.Topology) []lync.FQDN { return t.SIPDomains }, func(d lync.FQDN) string { return d.Key() }),
	listPart("sites", flowItems, func(t *lync.Topology) []lync.Site { return t.Sites }, func(s lync.Site) string { return strings.ToLower(s.Name) }),
	listPart("frontEndPools", flowItems, func(t *lync.Topology) []lync.FrontEndPool { return t.FrontEndPools }, func(p lync.FrontEndPool) string { return p.FQDN.Key() }),
	listPart("edgePools", flowItems, func(t *lync.Topology) []lync.EdgePool { return t.EdgePools }, func(p lync.EdgePool) string { return p.FQDN.Key() }),
	listPart("trustedApplicationPools", blockItems, func(t *lync.Topology) []lync.TrustedApplicationPool { return t.TrustedApplicationPools }, func(p lync.TrustedApplicationPool) string { return p.FQDN.Key() }),
	listPart("trustedApplications", blockItems, func(t *lync.Topology) []lync.TrustedApplication { return t.TrustedApplications }, func(a lync.TrustedApplication) string {
		return a.Pool.Key() + "\x00" + a.ApplicationID.Key()
	}),
	listPart("trustedApplicationEndpoints", flowItems, func(t *lync.Topology) []lync.TrustedApplicationEndpoint { return t.TrustedApplicationEndpoints }, func(e lync.TrustedApplicationEndpoint) string { return e.SIPAddress.Key() }),
	listPart("users", scalarItems, func(t *lync.Topology) []lync.SIPAddress { return t.Users }, func(a lync.SIPAddress) string { return a.Key() }),
	listPart("staticRoutes", flowItems, func(t *lync.Topology) []lync.StaticRoute { return t.StaticRoutes }, func(r lync.StaticRoute) string {
		return r.Destination.Key() + "\x00" + strings.ToLower(r.MatchURI)
	}),
}

func mergeProduct(t *lync.Topology, old *yaml.Node) *keyMerge {
	km := &keyMerge{value: old, change: KeyChange{Key: "product"}}
	if t.Product == "" {
		return km // nothing imported: keep what is there
	}
	if old != nil && old.Kind == yaml.ScalarNode && strings.EqualFold(old.Value, string(t.Product)) {
		return km
	}
	if old != nil && old.Kind == yaml.ScalarNode {
		n := *old
		n.Value, n.Tag = string(t.Product), "!!str"
		if n.Style&(yaml.DoubleQuotedStyle|yaml.SingleQuotedStyle) == 0 {
			n.Style = 0
		}
		km.value = &n
	} else {
		km.value = scalarNode(string(t.Product), 0)
	}
	km.change.Replaced = true
	return km
}

// itemStyle is how new items of a list are written.
type itemStyle int

const (
	scalarItems itemStyle = iota // a flow list of values: [a, b]
	flowItems                    // a block list of flow mappings: - {fqdn: a, site: b}
	blockItems                   // a block list of block mappings
)

func listPart[T any](key string, style itemStyle, get func(*lync.Topology) []T, id func(T) string) lyncPart {
	return lyncPart{key: key, merge: func(t *lync.Topology, old *yaml.Node) *keyMerge {
		want := get(t)
		ids := make([]string, len(want))
		nodes := make([]*yaml.Node, len(want))
		for i, w := range want {
			ids[i], nodes[i] = id(w), itemNode(w, style)
		}
		oldID := func(n *yaml.Node) (string, bool) {
			var v T
			if n.Kind == yaml.AliasNode || n.Decode(&v) != nil {
				return "", false
			}
			return id(v), true
		}
		return mergeList(key, style, old, ids, nodes, oldID)
	}}
}

// mergeList matches the old list's items to the wanted ones by identity.
func mergeList(key string, style itemStyle, old *yaml.Node, ids []string, want []*yaml.Node, oldID func(*yaml.Node) (string, bool)) *keyMerge {
	km := &keyMerge{change: KeyChange{Key: key}}
	var oldItems []*yaml.Node
	if old != nil && old.Kind == yaml.SequenceNode {
		oldItems = old.Content
	}
	wantAt := map[string]int{}
	for i, id := range ids {
		if _, dup := wantAt[id]; !dup {
			wantAt[id] = i
		}
	}
	used := make([]bool, len(want))
	var items []*itemMerge
	for _, o := range oldItems {
		id, ok := oldID(o)
		i, found := wantAt[id]
		if !ok || !found || used[i] {
			items = append(items, &itemMerge{old: o})
			km.change.Removed++
			continue
		}
		used[i] = true
		n, changed := updateNode(o, want[i])
		items = append(items, &itemMerge{old: o, node: n, changed: changed})
		if changed {
			km.change.Updated++
		}
	}
	for i, w := range want {
		if !used[i] {
			items = append(items, &itemMerge{node: w, changed: true})
			km.change.Added++
		}
	}
	if old != nil && old.Kind == yaml.ScalarNode && old.Tag == "!!null" && len(want) == 0 {
		km.value = old // "key:" with nothing: an empty list already
		return km
	}
	if old != nil && old.Kind != yaml.SequenceNode {
		// A value where a list belongs: replaced as a whole; the decoder
		// would have refused it anyway.
		km.change.Updated += len(oldItems)
		if len(want) == 0 {
			km.change.Replaced = true
		}
	}
	if !km.change.Changed() && old != nil && old.Kind == yaml.SequenceNode {
		km.value = old
		return km
	}
	if old == nil && len(want) == 0 {
		// Nothing to say and nothing said: leave the key out, as the
		// examples do for lists a topology does not use.
		return km
	}
	seq := &yaml.Node{Kind: yaml.SequenceNode, Tag: "!!seq"}
	if old != nil && old.Kind == yaml.SequenceNode {
		c := *old
		seq = &c
	} else if style == scalarItems {
		seq.Style = yaml.FlowStyle
	}
	seq.Content = nil
	for _, it := range items {
		if it.node != nil {
			seq.Content = append(seq.Content, it.node)
		}
	}
	if len(seq.Content) == 0 {
		seq.Style = yaml.FlowStyle
	}
	km.value = seq
	if old != nil && old.Kind == yaml.SequenceNode && old.Style&yaml.FlowStyle == 0 && len(old.Content) > 0 && len(seq.Content) > 0 {
		km.items, km.inPlace = items, true
	}
	return km
}

// updateNode returns old with want's fields written into it, and whether
// anything changed. Values equal ignoring case are kept as written, except
// a Service GRUU, whose opaque token is case-sensitive. A field want lacks
// (t left it empty) keeps its old value.
func updateNode(old, want *yaml.Node) (*yaml.Node, bool) {
	switch {
	case old.Kind == yaml.ScalarNode && want.Kind == yaml.ScalarNode:
		if strings.EqualFold(old.Value, want.Value) || sameApplicationID(old, want) {
			return old, false
		}
		n := *old
		n.Value, n.Tag = want.Value, want.Tag
		if n.Style&(yaml.DoubleQuotedStyle|yaml.SingleQuotedStyle) == 0 {
			n.Style = want.Style
		}
		return &n, true
	case old.Kind == yaml.MappingNode && want.Kind == yaml.MappingNode:
		n := *old
		n.Content = append([]*yaml.Node(nil), old.Content...)
		changed := false
		for i := 0; i+1 < len(want.Content); i += 2 {
			wk, wv := want.Content[i], want.Content[i+1]
			_, ov, j := lookup(&n, wk.Value)
			if ov == nil {
				n.Content = append(n.Content, wk, wv)
				changed = true
				continue
			}
			var nv *yaml.Node
			var c bool
			if wk.Value == "serviceGruu" && ov.Kind == yaml.ScalarNode && wv.Kind == yaml.ScalarNode {
				nv, c = ov, ov.Value != wv.Value
				if c {
					v := *ov
					v.Value, v.Tag = wv.Value, wv.Tag
					nv = &v
				}
			} else {
				nv, c = updateNode(ov, wv)
			}
			n.Content[j+1] = nv
			changed = changed || c
		}
		if !changed {
			return old, false
		}
		return &n, true
	case old.Kind == yaml.SequenceNode && want.Kind == yaml.SequenceNode:
		// A list of values inside an item (a pool's computers): matched by
		// value, ignoring case.
		ids := make([]string, len(want.Content))
		for i, w := range want.Content {
			ids[i] = strings.ToLower(w.Value)
		}
		km := mergeList("", scalarItems, old, ids, want.Content, func(n *yaml.Node) (string, bool) {
			return strings.ToLower(n.Value), n.Kind == yaml.ScalarNode
		})
		if !km.change.Changed() {
			return old, false
		}
		return km.value, true
	}
	return want, true
}

// itemNode encodes one item of t in the examples' style, leaving out the
// fields t leaves empty (so they neither overwrite the file's values nor
// fail to decode, as port: 0 would).
func itemNode(v any, style itemStyle) *yaml.Node {
	var n yaml.Node
	if err := n.Encode(v); err != nil {
		// The lync types all encode; a failure is a programming error.
		panic(fmt.Sprintf("rpp: encoding %T: %v", v, err))
	}
	quote := func(s *yaml.Node) {
		if s.Kind == yaml.ScalarNode && strings.HasPrefix(strings.ToLower(s.Value), "sip:") {
			s.Style = yaml.DoubleQuotedStyle
		}
	}
	switch n.Kind {
	case yaml.ScalarNode:
		quote(&n)
	case yaml.MappingNode:
		var kept []*yaml.Node
		for i := 0; i+1 < len(n.Content); i += 2 {
			k, val := n.Content[i], n.Content[i+1]
			if isZero(val) {
				continue
			}
			quote(val)
			if k.Value == "applicationId" {
				// The bare form, as the examples and New-CsTrustedApplication
				// write it; urn:application:video is the same ID.
				val.Value = lync.ApplicationID(val.Value).Bare()
			}
			if val.Kind == yaml.SequenceNode {
				val.Style = yaml.FlowStyle
			}
			kept = append(kept, k, val)
		}
		n.Content = kept
		if style == flowItems {
			n.Style = yaml.FlowStyle
		}
	}
	return &n
}

// sameApplicationID: want is an applicationId (written bare by itemNode)
// and old the same ID in either form.
func sameApplicationID(old, want *yaml.Node) bool {
	return want.Value != "" && strings.EqualFold(lync.ApplicationID(old.Value).Bare(), want.Value) &&
		!strings.EqualFold(old.Value, lync.ApplicationID(old.Value).Bare())
}

func isZero(n *yaml.Node) bool {
	switch n.Kind {
	case yaml.ScalarNode:
		return n.Value == "" || n.Tag == "!!null" || (n.Tag == "!!int" && n.Value == "0")
	case yaml.SequenceNode, yaml.MappingNode:
		return len(n.Content) == 0
	}
	return false
}

func scalarNode(v string, style yaml.Style) *yaml.Node {
	return &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: v, Style: style}
}

// ----- YAML: edit the text line by line -----

// textEdit replaces text[start:end] with repl.
type textEdit struct {
	start, end int
	repl       []byte
}

func (m *merger) mergeYAML() ([]byte, error) {
	root, err := m.parse()
	if err != nil {
		return nil, err
	}
	m.indexLines()
	if root == nil {
		return m.newFile()
	}
	if root.Style&yaml.FlowStyle != 0 {
		return nil, m.layoutError(root, "", "a flow-style document ({lync: …, rpp: …}); write it in block style")
	}
	lk, lv, _ := lookup(root, "lync")
	if lv != nil && !(lv.Kind == yaml.MappingNode || lv.Kind == yaml.ScalarNode && lv.Tag == "!!null") {
		return nil, m.layoutError(lv, "lync", "lync: holds "+kindName(lv)+", not a mapping")
	}
	var old *yaml.Node
	if lv != nil && lv.Kind == yaml.MappingNode {
		old = lv
	}
	if old != nil && old.Style&yaml.FlowStyle != 0 {
		return nil, m.layoutError(old, "lync", "lync: is written in flow style ({…}); write it in block style")
	}
	merged, merges, err := m.mergedLync(old)
	if err != nil {
		return nil, err
	}
	if !m.report.Changed() {
		return m.text, nil
	}
	var edits []textEdit
	if old == nil {
		// No lync: mapping yet: write it whole, before the first key (after
		// the file's opening comments), or in place of an empty lync:.
		block := m.emit(&yaml.Node{Kind: yaml.MappingNode, Tag: "!!map", Content: []*yaml.Node{scalarNode("lync", 0), merged}}, 0)
		if lv != nil {
			start, end := m.lineStart(lk.Line), m.regionEnd(lv, lk.Column)
			lineComment := lk.LineComment + lv.LineComment
			if lineComment != "" {
				block = m.emit(&yaml.Node{Kind: yaml.MappingNode, Tag: "!!map", Content: []*yaml.Node{
					{Kind: yaml.ScalarNode, Tag: "!!str", Value: "lync", LineComment: lineComment}, merged}}, 0)
			}
			edits = append(edits, textEdit{start, end, block})
		} else {
			first := root.Content[0]
			at := m.lineStart(first.Line) - len(m.commentBlockAbove(first.Line, first.HeadComment))
			edits = append(edits, textEdit{at, at, append(block, m.newline()...)})
		}
		return m.apply(edits), nil
	}
	indent := old.Content[0].Column - 1
	for _, km := range merges {
		if !km.change.Changed() {
			continue
		}
		switch {
		case km.keyNode == nil:
			// A new key: after the last key of lync:.
			lastKey, lastVal := old.Content[len(old.Content)-2], old.Content[len(old.Content)-1]
			at := m.regionEnd(lastVal, lastKey.Column)
			edits = append(edits, textEdit{at, at, m.emitPair(scalarNode(km.key, 0), km.value, indent)})
		case km.inPlace:
			edits = append(edits, m.itemEdits(km)...)
		default:
			start, end := m.lineStart(km.keyNode.Line), m.regionEnd(km.old, km.keyNode.Column)
			k := *km.keyNode
			v := cloneTree(km.value)
			m.stripOutside(&k, v, start, end)
			edits = append(edits, textEdit{start, end, m.emitPair(&k, v, indent)})
		}
	}
	return m.apply(edits), nil
}

// itemEdits edits a block list item by item: unchanged items keep their
// text; changed ones are rewritten; removed ones deleted with the comment
// lines directly above them; new ones go after the last old item.
func (m *merger) itemEdits(km *keyMerge) []textEdit {
	var edits []textEdit
	dashCol := km.old.Column
	lastOld := km.old.Content[len(km.old.Content)-1]
	for _, it := range km.items {
		switch {
		case it.old == nil:
			at := m.regionEnd(lastOld, dashCol)
			edits = append(edits, textEdit{at, at, m.emitItem(it.node, dashCol-1)})
		case it.node == nil:
			dash := m.dashLine(it.old, dashCol)
			start := m.lineStart(dash) - len(m.commentBlockAbove(dash, headComments(it.old)))
			edits = append(edits, textEdit{start, m.regionEnd(it.old, dashCol), nil})
		case it.changed:
			dash := m.dashLine(it.old, dashCol)
			start, end := m.lineStart(dash), m.regionEnd(it.old, dashCol)
			n := cloneTree(it.node)
			m.stripOutside(nil, n, start, end)
			edits = append(edits, textEdit{start, end, m.emitItem(n, dashCol-1)})
		}
	}
	return edits
}

// headComments is the comment yaml.v3 hung on an item or on its first key.
func headComments(n *yaml.Node) string {
	if n.HeadComment != "" {
		return n.HeadComment
	}
	if n.Kind == yaml.MappingNode && len(n.Content) > 0 {
		return n.Content[0].HeadComment
	}
	return ""
}

func (m *merger) indexLines() {
	m.lines = []int{0}
	for i, c := range m.text {
		if c == '\n' {
			m.lines = append(m.lines, i+1)
		}
	}
}

// lineStart is the offset of line (1-based); past the end, len(text).
func (m *merger) lineStart(line int) int {
	if line < 1 {
		return 0
	}
	if line-1 < len(m.lines) {
		return m.lines[line-1]
	}
	return len(m.text)
}

func (m *merger) lineText(line int) []byte {
	start, end := m.lineStart(line), m.lineStart(line+1)
	return bytes.TrimRight(m.text[start:end], "\r\n")
}

func (m *merger) lineCount() int {
	n := len(m.lines)
	if n > 0 && m.lines[n-1] == len(m.text) {
		n-- // the text ends with a newline: no line after it
	}
	return n
}

// lastLine is the last line a node's own text reaches: the largest line of
// any node in it, then the lines after it that continue it (indented
// deeper than its parent's column, not blank, not comments), such as the
// closing bracket of a flow list or the lines of a block scalar.
func (m *merger) lastLine(n *yaml.Node, parentCol int) int {
	last := maxLine(n)
	for l := last + 1; l <= m.lineCount(); l++ {
		s := m.lineText(l)
		trimmed := bytes.TrimLeft(s, " \t")
		if len(trimmed) == 0 || trimmed[0] == '#' || len(s)-len(trimmed) < parentCol {
			break
		}
		last = l
	}
	return last
}

func maxLine(n *yaml.Node) int {
	l := n.Line
	for _, c := range n.Content {
		if x := maxLine(c); x > l {
			l = x
		}
	}
	return l
}

// regionEnd is the offset just past the last line of n's text.
func (m *merger) regionEnd(n *yaml.Node, parentCol int) int {
	return m.lineStart(m.lastLine(n, parentCol) + 1)
}

// dashLine is the line of an item's '-': the item's own line, or the line
// above when the dash stands alone.
func (m *merger) dashLine(item *yaml.Node, dashCol int) int {
	for l := item.Line; l >= 1; l-- {
		s := m.lineText(l)
		if len(s) >= dashCol && s[dashCol-1] == '-' && bytes.TrimSpace(s[:dashCol-1]) == nil {
			return l
		}
		if l < item.Line && len(bytes.TrimSpace(s)) > 0 {
			break
		}
	}
	return item.Line
}

// commentBlockAbove returns the comment lines directly above line when
// they are exactly comment (a node's head comment), else nil.
func (m *merger) commentBlockAbove(line int, comment string) []byte {
	if comment == "" {
		return nil
	}
	want := strings.Count(comment, "\n") + 1
	first := line - want
	if first < 1 {
		return nil
	}
	var got []string
	for l := first; l < line; l++ {
		got = append(got, string(bytes.TrimSpace(m.lineText(l))))
	}
	if strings.Join(got, "\n") != normalizeComment(comment) {
		return nil
	}
	return m.text[m.lineStart(first):m.lineStart(line)]
}

func normalizeComment(c string) string {
	lines := strings.Split(strings.TrimSpace(c), "\n")
	for i, l := range lines {
		lines[i] = strings.TrimSpace(l)
	}
	return strings.Join(lines, "\n")
}

// stripOutside clears the comments yaml.v3 hung on nodes of a region that
// are written outside it: a head comment above its first line, foot
// comments below its last. Those lines are kept as they are; writing them
// again would double them.
func (m *merger) stripOutside(key, val *yaml.Node, start, end int) {
	above := normalizeComment(string(m.commentsAround(start, -1)))
	below := normalizeComment(string(m.commentsAround(end, +1)))
	if key != nil && key.HeadComment != "" && strings.Contains(above, normalizeComment(key.HeadComment)) {
		key.HeadComment = ""
	}
	if key != nil && key.FootComment != "" && strings.Contains(below, normalizeComment(key.FootComment)) {
		key.FootComment = ""
	}
	clearHead := func(n *yaml.Node) {
		if n.HeadComment != "" && strings.Contains(above, normalizeComment(n.HeadComment)) {
			n.HeadComment = ""
		}
	}
	clearHead(val)
	if val.Kind == yaml.MappingNode && len(val.Content) > 0 {
		clearHead(val.Content[0])
	}
	var walk func(n *yaml.Node)
	walk = func(n *yaml.Node) {
		if n.FootComment != "" && strings.Contains(below, normalizeComment(n.FootComment)) {
			n.FootComment = ""
		}
		for _, c := range n.Content {
			walk(c)
		}
	}
	walk(val)
}

// commentsAround returns the comment and blank lines directly before
// (dir < 0) or after (dir > 0) offset at, which sits at a line start.
func (m *merger) commentsAround(at, dir int) []byte {
	line := 1
	for line <= len(m.lines) && m.lineStart(line) < at {
		line++
	}
	var lines [][]byte
	for l := line - 1; dir < 0 && l >= 1; l-- {
		s := bytes.TrimSpace(m.lineText(l))
		if len(s) > 0 && s[0] != '#' {
			break
		}
		lines = append([][]byte{s}, lines...)
	}
	for l := line; dir > 0 && l <= m.lineCount(); l++ {
		s := bytes.TrimSpace(m.lineText(l))
		if len(s) > 0 && s[0] != '#' {
			break
		}
		lines = append(lines, s)
	}
	var kept [][]byte
	for _, s := range lines {
		if len(s) > 0 {
			kept = append(kept, s)
		}
	}
	return bytes.Join(kept, []byte("\n"))
}

// apply performs the edits, which do not overlap, in order of position.
func (m *merger) apply(edits []textEdit) []byte {
	// Stable by start: inserts at the same place keep their order.
	for i := 1; i < len(edits); i++ {
		for j := i; j > 0 && edits[j].start < edits[j-1].start; j-- {
			edits[j], edits[j-1] = edits[j-1], edits[j]
		}
	}
	for i := range edits {
		edits[i].repl = m.keepOriginalLines(edits[i].repl, edits[i].start, edits[i].end)
	}
	var b bytes.Buffer
	at := 0
	for _, e := range edits {
		if e.start > at {
			b.Write(m.text[at:e.start])
			at = e.start
		}
		b.Write(m.ensureNewline(e.start, e.repl))
		at = max(at, e.end)
	}
	b.Write(m.text[at:])
	return b.Bytes()
}

// keepOriginalLines puts back the admin's own text for each rewritten line
// that differs from a line of the replaced region only in the blanks
// before its comment (yaml.v3 writes one), so an aligned comment stays
// aligned when its item is rewritten for another field's sake.
func (m *merger) keepOriginalLines(repl []byte, start, end int) []byte {
	if start >= end || len(repl) == 0 {
		return repl
	}
	orig := map[string][]byte{}
	for _, line := range bytes.SplitAfter(m.text[start:end], []byte("\n")) {
		orig[string(commentGap.ReplaceAll(line, []byte(" #")))] = line
	}
	var out []byte
	for _, line := range bytes.SplitAfter(repl, []byte("\n")) {
		if o, ok := orig[string(commentGap.ReplaceAll(line, []byte(" #")))]; ok && bytes.HasSuffix(o, []byte("\n")) == bytes.HasSuffix(line, []byte("\n")) {
			line = o
		}
		out = append(out, line...)
	}
	return out
}

// commentGap is the blanks before a line comment.
var commentGap = regexp.MustCompile(`[ \t]+#`)

// ensureNewline makes an insertion at the end of a text without a final
// newline start on a line of its own.
func (m *merger) ensureNewline(at int, repl []byte) []byte {
	if len(repl) > 0 && at == len(m.text) && at > 0 && m.text[at-1] != '\n' {
		return append([]byte(m.newline()), repl...)
	}
	return repl
}

// newline is the file's line ending.
func (m *merger) newline() string {
	if bytes.Contains(m.text, []byte("\r\n")) {
		return "\r\n"
	}
	return "\n"
}

// emit writes n as YAML with two-space indentation, every line indented by
// indent spaces, in the file's line ending.
func (m *merger) emit(n *yaml.Node, indent int) []byte {
	var b bytes.Buffer
	e := yaml.NewEncoder(&b)
	e.SetIndent(2)
	if err := e.Encode(n); err != nil {
		// Nodes built here and from a parsed file always encode.
		panic(fmt.Sprintf("rpp: encoding the lync: part: %v", err))
	}
	e.Close()
	pad := strings.Repeat(" ", indent)
	var out strings.Builder
	for _, line := range strings.SplitAfter(b.String(), "\n") {
		if line == "" {
			continue
		}
		if strings.TrimSpace(line) != "" {
			out.WriteString(pad)
		}
		out.WriteString(strings.TrimSuffix(line, "\n"))
		out.WriteString(m.newline())
	}
	return []byte(out.String())
}

func (m *merger) emitPair(k, v *yaml.Node, indent int) []byte {
	return m.emit(&yaml.Node{Kind: yaml.MappingNode, Tag: "!!map", Content: []*yaml.Node{k, v}}, indent)
}

func (m *merger) emitItem(n *yaml.Node, indent int) []byte {
	return m.emit(&yaml.Node{Kind: yaml.SequenceNode, Tag: "!!seq", Content: []*yaml.Node{n}}, indent)
}

func cloneTree(n *yaml.Node) *yaml.Node {
	c := *n
	c.Content = make([]*yaml.Node, len(n.Content))
	for i, x := range n.Content {
		c.Content[i] = cloneTree(x)
	}
	return &c
}

// newFile is the file written when doc held no deployment: the comments
// it had, the lync: part, and an rpp: skeleton to fill in.
func (m *merger) newFile() ([]byte, error) {
	merged, _, err := m.mergedLync(nil)
	if err != nil {
		return nil, err
	}
	m.report.Created = true
	var b bytes.Buffer
	if s := bytes.TrimSpace(m.text); len(s) > 0 {
		b.Write(bytes.TrimRight(m.text, " \t\r\n"))
		b.WriteString(m.newline())
	}
	b.Write(m.emit(&yaml.Node{Kind: yaml.MappingNode, Tag: "!!map", Content: []*yaml.Node{scalarNode("lync", 0), merged}}, 0))
	b.WriteString(strings.ReplaceAll(RPPSkeleton, "\n", m.newline()))
	return b.Bytes(), nil
}

// RPPSkeleton is the rpp: part MergeLync writes into a new file: what the
// import cannot know, for the admin to fill in. Parse refuses it until the
// workflows and at least one RMX or DMA are filled in.
const RPPSkeleton = `
# The RealPresence Platform side: Management Shell output cannot tell it.
# Fill it in (see examples/two-site.yaml), then run rpp check on this file.
rpp:
  workflows: []     # realconnect and/or traditional
  rmx: []           # each RMX: name, fqdn, site, version, certificate, sip, flags, conferenceProfiles
  dma: []           # each DMA: name, fqdn, site, version, certificate, lyncPeers, realConnect
`

// ----- JSON: rewrite the lync value -----

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

// ----- verification -----

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
	for _, p := range lyncParts {
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
	for _, p := range lyncParts {
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
