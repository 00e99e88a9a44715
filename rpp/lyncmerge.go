package rpp

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
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
	keys := make([]string, len(lyncParts()))
	for i, p := range lyncParts() {
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
// not show, an empty Service GRUU, a pool's computers when t lists none)
// keeps the file's value, since an import cannot tell "none" from "not
// shown" there; a list field t fills (a pool's computers) is merged value
// by value like the lists above. New items are appended, in the style of the examples (flow
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
	// The text is edited by lines ending in LF. yaml.v3 hangs comments on
	// the wrong nodes in CRLF text, and YAML also ends lines at a lone CR:
	// a file written with CRLF or CR throughout is merged as LF and
	// written back as it was.
	eol := "\n"
	crlf, lf, cr := bytes.Count(text, []byte("\r\n")), bytes.Count(text, []byte("\n")), bytes.Count(text, []byte("\r"))
	switch {
	case crlf > 0 && crlf == lf && crlf == cr:
		eol = "\r\n"
	case cr > 0 && lf == 0:
		eol = "\r"
	case cr > crlf:
		return nil, nil, &FieldError{Pos: Position{File: name}, Err: fmt.Errorf("%w: lines end with a lone carriage return (CR) among line feeds; save the file with LF or CRLF line ends", ErrMergeLayout)}
	}
	text = bytes.ReplaceAll(text, []byte(eol), []byte("\n"))
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
		if errors.Is(perr, ErrSyntax) || errors.Is(perr, ErrTooLarge) {
			// The input read as YAML; the output must too.
			return nil, nil, &FieldError{Pos: Position{File: name}, Err: fmt.Errorf("%w: the result would not read: %w", ErrMergeUnsafe, perr)}
		}
		m.report.Problems = perr
	}
	if bytes.Equal(out, text) {
		return doc, m.report, nil
	}
	out = bytes.ReplaceAll(out, []byte("\n"), []byte(eol))
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
	// emitErr is the first node the YAML encoder could not write.
	emitErr error
	lines   []int // byte offset where each line (1-based index-1) starts
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
			Err: fmt.Errorf("%w: the file holds %s, not a mapping with the keys lync and rpp", ErrWrongType, kindName(root))}
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
	for _, p := range lyncParts() {
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

// lyncParts describes the keys of the lync: part, in lync.Topology's
// order. A function, not a variable: no package state to change.
func lyncParts() []lyncPart {
	return []lyncPart{
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
		holdsList := false
		for i := 0; i+1 < len(n.Content); i += 2 {
			k, val := n.Content[i], n.Content[i+1]
			if val.Kind == yaml.MappingNode {
				// A value of its own fields (an Edge pool's certificate):
				// those left empty are left out too, and it is written in
				// flow style, as the examples write it.
				pruneZero(val)
				val.Style = yaml.FlowStyle
			}
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
				holdsList = true
			}
			kept = append(kept, k, val)
		}
		n.Content = kept
		// An item holding a list (a pool's computers) is written a key a
		// line, as the examples write trusted application pools, so that
		// it stays readable.
		if style == flowItems && !holdsList {
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

// pruneZero drops the keys of the mapping n whose values are zero (isZero),
// in n and in the mappings it holds.
func pruneZero(n *yaml.Node) {
	kept := n.Content[:0]
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], n.Content[i+1]
		if v.Kind == yaml.MappingNode {
			pruneZero(v)
		}
		if !isZero(v) {
			kept = append(kept, k, v)
		}
	}
	n.Content = kept
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
