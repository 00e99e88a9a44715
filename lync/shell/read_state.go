package shell

import (
	"errors"
	"fmt"
	"strings"

	"github.com/rppkit/rppkit/lync"
)

// reading is what Read has gathered so far: facts from each record, kept
// with the place they came from, to be put together by assemble once every
// output is read (a pool's registrar and its computers come from different
// cmdlets, in any order).
type reading struct {
	diags   []orderedDiagnostic
	covered map[string]bool

	product       slot
	domains       map[string]lync.FQDN
	sites         map[string]*siteFact
	frontEnds     map[string]*frontEndFact
	edges         map[string]*edgeFact
	pools         map[string]*poolFact
	apps          map[string]*appFact
	endpoints     map[string]*endpointFact
	users         map[string]lync.SIPAddress
	routes        map[string]*routeFact
	routeMatches  map[string]bool // match URIs of the expanded routes, disabled ones too
	configRoutes  []configRouteFact
	registrars    []registrarFact
	computerGruus []computerGruuFact
	otherPools    []place
}

func newReading() *reading {
	return &reading{
		covered:      map[string]bool{},
		domains:      map[string]lync.FQDN{},
		sites:        map[string]*siteFact{},
		frontEnds:    map[string]*frontEndFact{},
		edges:        map[string]*edgeFact{},
		pools:        map[string]*poolFact{},
		apps:         map[string]*appFact{},
		endpoints:    map[string]*endpointFact{},
		users:        map[string]lync.SIPAddress{},
		routes:       map[string]*routeFact{},
		routeMatches: map[string]bool{},
	}
}

// slot is one property of an object, as the first record that gave it
// said; later records must agree.
type slot struct {
	val string
	at  place
	set bool
}

type siteFact struct {
	name string
	id   slot
}

type frontEndFact struct {
	fqdn lync.FQDN
	at   place
	site slot
	edge slot // set with "" when a Registrar service names no Edge pool
	// computers are the pool's Front End servers, from Get-CsPool's
	// Computers; none when no record listed them.
	computers []lync.FQDN
}

type edgeFact struct {
	fqdn lync.FQDN
	at   place
	site slot
}

type poolFact struct {
	fqdn          lync.FQDN
	at            place
	site          slot
	registrar     slot
	computers     []lync.FQDN
	computersSeen bool // some record listed the pool's computers
}

type appFact struct {
	pool      lync.FQDN
	app       lync.ApplicationID
	at        place
	port      slot
	gruu      slot
	emptyGRUU *place // where ServiceGruu was printed empty
}

type endpointFact struct {
	addr lync.SIPAddress
	at   place
	app  slot
	pool slot
}

type routeFact struct {
	route lync.StaticRoute
	at    place
}

type configRouteFact struct {
	matchURI string
	at       place
}

type registrarFact struct {
	pool lync.FQDN
	edge lync.FQDN
	has  bool // EdgeServer was printed (maybe empty: no Edge)
	site string
	at   place
}

type computerGruuFact struct {
	pool     lync.FQDN // "" for a row of $app.ComputerGruus, which does not name it
	computer lync.FQDN
	app      lync.ApplicationID
	at       place
}

func (rd *reading) diag(d Diagnostic, order int) {
	rd.diags = append(rd.diags, orderedDiagnostic{Diagnostic: d, order: order, seq: len(rd.diags)})
}

func (rd *reading) report(at place, sev Severity, cmdlet, msg, hint string, err error) {
	rd.diag(Diagnostic{File: at.file, Line: at.line, Severity: sev, Cmdlet: cmdlet, Message: msg, Hint: hint, Err: err}, at.order)
}

// record reads one record into facts, or reports it unknown.
func (rd *reading) record(r *Record, order int) {
	at := place{file: r.File, line: r.Line, order: order}
	k := kindOf(r)
	if k == nil {
		var names []string
		for i, f := range r.Fields {
			if i == 3 {
				names = append(names, "…")
				break
			}
			names = append(names, f.Name)
		}
		rd.report(at, SeverityWarning, "", fmt.Sprintf("%s (fields %s); skipped", ErrUnknownRecord, strings.Join(names, ", ")),
			"collect with the snippet of rpp import --help", ErrUnknownRecord)
		return
	}
	k.read(&rec{rd: rd, r: r, kind: k, at: at})
}

// put sets s to v, or reports a conflict when s already holds a different
// value (same compares two values). what names the object and property.
func (rd *reading) put(s *slot, v string, at place, same func(a, b string) bool, cmdlet, what string) {
	if !s.set {
		*s = slot{val: v, at: at, set: true}
		return
	}
	if same(s.val, v) {
		return
	}
	rd.report(at, SeverityError, cmdlet,
		fmt.Sprintf("%s is %s here but %s at %s; kept the first", what, show(v), show(s.val), s.at),
		"collect all the outputs again in one session (rpp import --help)", ErrConflictingRecords)
}

func show(v string) string {
	if v == "" {
		return "empty"
	}
	return v
}

func sameFQDN(a, b string) bool  { return lync.FQDN(a).Equal(lync.FQDN(b)) }
func sameFold(a, b string) bool  { return strings.EqualFold(a, b) }
func sameExact(a, b string) bool { return a == b }

// sameGRUU compares Service GRUUs as lync.GRUU.Equal does.
func sameGRUU(a, b string) bool {
	ga, errA := lync.ParseGRUU(a)
	gb, errB := lync.ParseGRUU(b)
	if errA != nil || errB != nil {
		return a == b
	}
	return ga.Equal(gb)
}

// rec reads the fields of one record; the first unreadable field marks it
// bad, and its read function then leaves the object out.
type rec struct {
	rd   *reading
	r    *Record
	kind *recordKind
	at   place
	bad  bool
}

// fieldAt is where the field is, or the record when it is absent.
func (x *rec) fieldAt(name string) place {
	if f, ok := x.r.Field(name); ok && f.Line > 0 {
		return place{file: x.at.file, line: f.Line, order: x.at.order}
	}
	return x.at
}

func (x *rec) report(name string, sev Severity, msg, hint string, err error) {
	x.rd.report(x.fieldAt(name), sev, x.kind.Cmdlet, msg, hint, err)
}

// fail reports an unreadable field and marks the record bad.
func (x *rec) fail(name string, err error) {
	x.bad = true
	x.report(name, SeverityError, fmt.Sprintf("%s record, field %s: %v; left out", x.kind.Cmdlet, name, err),
		"", fmt.Errorf("%w: %w", ErrUnreadableRecord, err))
}

// cut reports a value the console cut and marks the record bad.
func (x *rec) cut(name, v string) {
	x.bad = true
	hint := "save the output with Format-List and Out-File -Width 4096, as rpp import --help shows"
	if strings.HasPrefix(strings.TrimSpace(v), "{") {
		hint = "set $FormatEnumerationLimit = -1 before the Get-Cs… command, as rpp import --help shows"
	}
	x.report(name, SeverityError, fmt.Sprintf("%s record, field %s: %s: %q; left out", x.kind.Cmdlet, name, ErrTruncatedValue, v),
		hint, ErrTruncatedValue)
}

// val returns the field's value (blanks trimmed) and whether the record
// has the field; a value the console cut is reported.
func (x *rec) val(name string) (string, bool) {
	f, ok := x.r.Field(name)
	if !ok {
		return "", false
	}
	v := strings.TrimSpace(f.Value)
	if Truncated(v) {
		x.cut(name, v)
		return "", true
	}
	return v, true
}

// str is val without the presence.
func (x *rec) str(name string) string {
	v, _ := x.val(name)
	return v
}

// fqdn reads a host name, dropping a "Service:" prefix such as
// "Registrar:" that the cmdlet prints before it; "" when absent or empty.
func (x *rec) fqdn(name, prefix string) lync.FQDN {
	v := x.str(name)
	if prefix != "" {
		v = trimPrefixFold(v, prefix)
	}
	if v == "" {
		return ""
	}
	f, err := lync.ParseFQDN(v)
	if err != nil {
		x.fail(name, err)
		return ""
	}
	return f
}

// list reads a {a, b, c} list; a list cut at $FormatEnumerationLimit is
// returned as shown, with cut set, and reported only when the caller says
// so (a cut list of pool services can still tell the role).
func (x *rec) list(name string) (items []string, cut, ok bool) {
	f, ok := x.r.Field(name)
	if !ok {
		return nil, false, false
	}
	shown, cut := SplitList(strings.TrimSpace(f.Value))
	for _, it := range shown {
		// A list wrapped at a blank comes back joined without it
		// ("a,b"); no item Read reads holds a comma.
		for _, p := range strings.Split(it, ",") {
			if p = strings.TrimSpace(p); p != "" {
				items = append(items, p)
			}
		}
	}
	return items, cut, true
}

// fqdnList reads a complete list of host names.
func (x *rec) fqdnList(name string) ([]lync.FQDN, bool) {
	items, cut, ok := x.list(name)
	if !ok {
		return nil, false
	}
	if cut {
		x.cut(name, x.r.Value(name))
		return nil, true
	}
	var out []lync.FQDN
	for _, it := range items {
		f, err := lync.ParseFQDN(it)
		if err != nil {
			x.fail(name, err)
			return nil, true
		}
		out = append(out, f)
	}
	return out, true
}

// siteName reads "Site:East" (or "East") as the site name East.
func (x *rec) siteName(name string) string {
	v := strings.TrimSpace(trimPrefixFold(x.str(name), "Site:"))
	if strings.ContainsAny(v, "{},;") {
		x.fail(name, errors.New("not a site identity (Site:NAME)"))
		return ""
	}
	return v
}

func (x *rec) cover(part string) { x.rd.covered[part] = true }
