package shell

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/rppkit/rppkit/lync"
)

// Import is the Lync topology that Management Shell output describes.
type Import struct {
	Topology lync.Topology
	// Parts lists, sorted, the deployment-file keys under lync: that some
	// record covered: product sipDomains sites frontEndPools edgePools
	// trustedApplicationPools trustedApplications
	// trustedApplicationEndpoints users staticRoutes. A refresh replaces
	// only these, so what the output did not show is not wiped.
	Parts       []string
	Diagnostics []Diagnostic // in file, line order
}

// Covers reports whether the output covered the deployment-file key.
func (im *Import) Covers(key string) bool {
	_, ok := slices.BinarySearch(im.Parts, key)
	return ok
}

// The deployment-file keys under lync: that Import.Parts names.
const (
	PartProduct                     = "product"
	PartSIPDomains                  = "sipDomains"
	PartSites                       = "sites"
	PartFrontEndPools               = "frontEndPools"
	PartEdgePools                   = "edgePools"
	PartTrustedApplicationPools     = "trustedApplicationPools"
	PartTrustedApplications         = "trustedApplications"
	PartTrustedApplicationEndpoints = "trustedApplicationEndpoints"
	PartUsers                       = "users"
	PartStaticRoutes                = "staticRoutes"
)

// Severity says what a Diagnostic means for the import.
type Severity string

// The severities of a Diagnostic.
const (
	// SeverityError: a record recognised but not read (an FQDN that is not
	// one, a GRUU that is not a GRUU, a value the console cut), or records
	// that contradict each other. The object is left out, so the import is
	// partial and must not overwrite a deployment file.
	SeverityError Severity = "error"
	// SeverityWarning: something the output does not say that the
	// deployment needs (an empty ServiceGruu, a route without its
	// destination), or a record of no cmdlet rpp import reads.
	SeverityWarning Severity = "warning"
	// SeverityInfo: an inference made, or an object left out on purpose
	// (a Director, a branch site, a disabled route).
	SeverityInfo Severity = "info"
)

// Diagnostic is what Read says about one record (or line) of the output.
type Diagnostic struct {
	File     string
	Line     int // 1-based; 0 when about the whole file
	Severity Severity
	Cmdlet   string // the cmdlet the record was recognised as, "" for an unknown record
	Message  string
	Hint     string // what to try
	Err      error  // wraps one of the Err… sentinels below
}

// String formats the diagnostic as "file:line: severity: message (hint)".
func (d Diagnostic) String() string {
	var b strings.Builder
	b.WriteString(d.File)
	if d.Line > 0 {
		fmt.Fprintf(&b, ":%d", d.Line)
	}
	fmt.Fprintf(&b, ": %s: %s", d.Severity, d.Message)
	if d.Hint != "" {
		fmt.Fprintf(&b, " (%s)", d.Hint)
	}
	return b.String()
}

// The errors a Diagnostic wraps, for errors.Is.
var (
	// ErrUnknownRecord: a record of no cmdlet Read knows; skipped.
	ErrUnknownRecord = errors.New("not a record of any cmdlet rpp import reads")
	// ErrUnreadableRecord: a recognised record with a value that is not
	// what the cmdlet prints there; the object is left out. It is joined
	// with the value's own error (lync.ErrInvalidFQDN, lync.ErrMalformedGRUU …).
	ErrUnreadableRecord = errors.New("unreadable record")
	// ErrTruncatedValue: the console cut a value ("…" at the end of a
	// table cell, or a list cut at $FormatEnumerationLimit).
	ErrTruncatedValue = errors.New("value cut by the console")
	// ErrEmptyServiceGRUU: a trusted application whose ServiceGruu is
	// printed empty; imported with serviceGruu "".
	ErrEmptyServiceGRUU = errors.New("empty ServiceGruu")
	// ErrConflictingRecords: two records say different things about one
	// object (the outputs were taken at different times?).
	ErrConflictingRecords = errors.New("records disagree")
	// ErrRouteWithoutDestination: a static route seen only in
	// Get-CsStaticRoutingConfiguration's own listing, which omits the
	// destination.
	ErrRouteWithoutDestination = errors.New("static route without its destination")
	// ErrIncomplete: an object the output shows only in part (a trusted
	// application pool without its registrar or computers).
	ErrIncomplete = errors.New("object shown only in part")
	// ErrLeftOut: an object the deployment model has no place for (a
	// Director, a branch site, a disabled route, a SQL store), left out
	// on purpose.
	ErrLeftOut = errors.New("left out on purpose")
	// ErrInferred: a value the output does not state, inferred (an Edge
	// association from the only Edge pool of the site).
	ErrInferred = errors.New("inferred")
)

// Read builds the Lync topology that parsed Management Shell outputs
// describe. It recognises each record's cmdlet by its fields, not by the
// order or the file it comes in, so the outputs of several sessions can be
// given in any order; the same object seen twice is merged when the records
// agree. Every problem with a record — and every line the parser could not
// place (Output.Problems) — is a Diagnostic; the error is only ctx's.
func Read(ctx context.Context, outs ...*Output) (*Import, error) {
	rd := newReading()
	for i, out := range outs {
		if out == nil {
			continue
		}
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		for _, p := range out.Problems {
			rd.diag(Diagnostic{File: p.File, Line: p.Line, Severity: SeverityError,
				Message: fmt.Sprintf("line not read, and the record around it left out: %v", p.Err),
				Hint:    "collect with the snippet of rpp import --help and leave the file unedited",
				Err:     p}, i)
		}
		for n, r := range out.Records {
			if n%256 == 255 {
				if err := ctx.Err(); err != nil {
					return nil, err
				}
			}
			rd.record(r, i)
		}
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	im := rd.assemble()
	return im, nil
}

// place is where a fact was read: file, line and the position of the file
// among Read's arguments (diagnostics are ordered by it).
type place struct {
	file  string
	line  int
	order int
}

func (p place) String() string { return fmt.Sprintf("%s:%d", p.file, p.line) }

type orderedDiagnostic struct {
	Diagnostic
	order int
	seq   int
}

func sortDiagnostics(ds []orderedDiagnostic) []Diagnostic {
	slices.SortStableFunc(ds, func(a, b orderedDiagnostic) int {
		return cmp.Or(cmp.Compare(a.order, b.order), strings.Compare(a.File, b.File),
			cmp.Compare(a.Line, b.Line), cmp.Compare(a.seq, b.seq))
	})
	out := make([]Diagnostic, len(ds))
	for i, d := range ds {
		out[i] = d.Diagnostic
	}
	return out
}
