package rpp

import (
	"bytes"
	"errors"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/rppkit/rppkit/lync"
	"github.com/rppkit/rppkit/rmx"
)

// deploymentOpts compares deployments by value.
var deploymentOpts = cmp.Options{cmp.AllowUnexported(Deployment{}), cmp.Comparer(func(a, b *source) bool { return true }),
	cmp.Comparer(func(a, b lync.SIPAddress) bool { return a == b }),
	cmp.Comparer(func(a, b rmx.Version) bool { return a.Compare(b) == 0 && a.String() == b.String() }),
	cmp.Comparer(func(a, b dmaVersion) bool { return a.String() == b.String() })}

func TestSet(t *testing.T) {
	d := load(t, "single-site.yaml")
	at := d.Position("rpp.rmx[0].sip.serverUserName")
	for _, tc := range []struct{ field, value string }{
		{"rpp.rmx[0].sip.serverUserName", "rpp2"},
		{"rpp.rmx[0].sip.iceEnvironment", "MS"},
		{"rpp.rmx[0].version", "8.7.1"},
		{"lync.trustedApplications[0].port", "5062"},
		{"rpp.dma[0].realConnect.enabled", "true"},
		{"rpp.rmx[0].flags.SIP_CONTACT_OVERRIDE_STR", "rpp.fabrikam.com@fabrikam.com;gruu;opaque=srvr:video:QbJ7c2W1x0K9tP4mAz8hSgAA"},
		{"rpp.rmx[1].flags.NEW_FLAG", "YES"},
		{`rpp.rmx[1].flags."ODD KEY"`, "x"},
		{"rpp.rmx[1].sip.iceMethod", ""},
		{"lync.sipDomains", "[fabrikam.com, contoso.com]"},
		{"rpp.rmx[1].conferenceProfiles[0]", "{name: lync, encryption: always}"},
	} {
		if err := d.Set(tc.field, tc.value); err != nil {
			t.Errorf("Set(%s, %q): %v", tc.field, tc.value, err)
		}
	}
	r0, r1 := d.RPP.RMX[0], d.RPP.RMX[1]
	if r0.SIP.ServerUserName != "rpp2" || r0.SIP.ICEEnvironment != rmx.ICEMS || r0.Version.String() != "8.7.1" ||
		d.Lync.TrustedApplications[0].Port != 5062 || !d.RPP.DMA[0].RealConnect.Enabled ||
		r1.Flags["NEW_FLAG"] != "YES" || r1.Flags["ODD KEY"] != "x" || r1.SIP.ICEMethod != "" ||
		len(d.Lync.SIPDomains) != 2 || r1.ConferenceProfiles[0].Encryption != rmx.EncryptAlways {
		t.Errorf("not set: %+v", d)
	}
	// An edited field keeps its place; a new one is placed at its parent.
	if got := d.Position("rpp.rmx[0].sip.serverUserName"); got != at {
		t.Errorf("edited field at %v, want %v", got, at)
	}
	if got, want := d.Position("rpp.rmx[1].flags.NEW_FLAG"), d.Position("rpp.rmx[1].flags"); got != want || !got.IsValid() {
		t.Errorf("new flag at %v, want %v", got, want)
	}
	// A replaced list forgets where its old items were.
	if got, want := d.Position("rpp.rmx[1].conferenceProfiles[0].name"), d.Position("rpp.rmx[1].conferenceProfiles[0]"); got != want {
		t.Errorf("replaced item's field at %v, want its item's place %v", got, want)
	}
	if err := d.Validate(); err != nil {
		t.Errorf("after Set: %v", err)
	}
	// Emptying what is left to check is refused as decoding refuses it.
	s, err := Parse("f.yaml", []byte(small))
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Set("rpp.dma", "[]"); !errors.Is(err, ErrMissingField) || err.Error() != "f.yaml:7:1: rpp: required field missing: lists no rmx and no dma; nothing to check" || len(s.RPP.DMA) != 1 {
		t.Errorf("Set(rpp.dma, []) = %v", err)
	}
}

// TestSetRefuses: a bad value gets the error decoding it from the file
// would give; a bad path gets ErrUnknownField with a suggestion; and the
// deployment is left as it was.
func TestSetRefuses(t *testing.T) {
	src := exampleBytes(t, "single-site.yaml")
	for _, tc := range []struct {
		field, value string
		old, new     string // the same edit in the file, if it can be written there
		is           error
		want         string
	}{
		{"rpp.rmx[0].version", "8.x", `version: "8.5.10"`, `version: "8.x"`, rmx.ErrInvalidVersion,
			`f.yaml:37:7: rpp.rmx[0].version: invalid release number: RMX version "8.x": component 2 ("x") is not a number`},
		{"rpp.rmx[0].sip.iceEnvironment", "bogus", "iceEnvironment: ms\n        serverUserName: rpp\n", "iceEnvironment: bogus\n        serverUserName: rpp\n", rmx.ErrUnknownICEEnvironment,
			`f.yaml:42:9: rpp.rmx[0].sip.iceEnvironment: unknown ICE environment "bogus" (want none, ms or standard)`},
		{"lync.trustedApplications[0].port", "+5061", "port: 5061\n      serviceGruu", "port: +5061\n      serviceGruu", lync.ErrInvalidPort,
			`f.yaml:23:7: lync.trustedApplications[0].port: invalid port "+5061": want a number from 1 to 65535 in decimal digits`},
		{"rpp.rmx[0].fqdn", "rmx1.fabrikam.com:5061", "fqdn: rmx1.fabrikam.com", "fqdn: rmx1.fabrikam.com:5061", lync.ErrInvalidFQDN,
			`f.yaml:35:7: rpp.rmx[0].fqdn: invalid host name "rmx1.fabrikam.com:5061": contains ':'; give the host name without a scheme or port`},
		{"rpp.rmx[0].flags.SIP_CONTACT_OVERRIDE_STR", "<sip:x>", "", "", lync.ErrMalformedGRUU,
			`f.yaml:45:9: rpp.rmx[0].flags.SIP_CONTACT_OVERRIDE_STR: service GRUU "<sip:x>": syntax: contains '<' at offset 0, which a SIP URI cannot hold unescaped`},
		{"rpp.rmx[0].version", "", "", "", ErrMissingField,
			`f.yaml:37:7: rpp.rmx[0].version: required field missing: must not be empty`},
		{"rpp.rmx[0].sip.iceEnviroment", "ms", "", "", ErrUnknownField,
			`f.yaml:39:7: rpp.rmx[0].sip.iceEnviroment: unknown field "iceEnviroment" (did you mean iceEnvironment?)`},
		{"rpp.rmx[7].name", "x", "", "", ErrUnknownField,
			`f.yaml:33:3: rpp.rmx[7]: unknown field: rpp.rmx has 2 items`},
		{"rpp.rmx.name", "x", "", "", ErrUnknownField,
			`f.yaml:33:3: rpp.rmx.name: unknown field: rpp.rmx is a list; give an index, as in rpp.rmx[0]`},
		{"rpp.rmx[0].name.first", "x", "", "", ErrUnknownField,
			`f.yaml:34:7: rpp.rmx[0].name.first: unknown field: rpp.rmx[0].name holds a value, not fields`},
		{"rpp.rmx[0", "x", "", "", ErrUnknownField,
			`f.yaml: rpp.rmx[0: unknown field: malformed field path "rpp.rmx[0": at offset 7, an unclosed [`},
		{"rpp.workflows", "[]", "", "", ErrMissingField, "f.yaml:32:3: rpp.workflows: required field missing: must not be empty"},
		{"lync.sipDomains", "[a.com, ", "", "", ErrSyntax, `f.yaml:8:3: lync.sipDomains: not valid YAML or JSON: '[' opened here is never closed (the parser gave up at 2:1)`},
	} {
		t.Run(tc.field+"="+tc.value, func(t *testing.T) {
			d := load(t, "single-site.yaml")
			before := load(t, "single-site.yaml")
			err := d.Set(tc.field, tc.value)
			var fe *FieldError
			if !errors.Is(err, tc.is) || !errors.As(err, &fe) {
				t.Fatalf("Set = %v, want a FieldError wrapping %v", err, tc.is)
			}
			if got := strings.ReplaceAll(err.Error(), "single-site.yaml", "f.yaml"); got != tc.want {
				t.Errorf("error\n got: %s\nwant: %s", got, tc.want)
			}
			if diff := cmp.Diff(before, d, deploymentOpts); diff != "" {
				t.Errorf("deployment changed (-before +after):\n%s", diff)
			}
			if tc.old == "" {
				return
			}
			// Decoding the same value from the file says the same, of the
			// same field, on the same line.
			_, perr := Parse("f.yaml", bytes.Replace(src, []byte(tc.old), []byte(tc.new), 1))
			var pe *FieldError
			if !errors.As(perr, &pe) || pe.Field != fe.Field || pe.Err.Error() != fe.Err.Error() || pe.Pos.Line != fe.Pos.Line {
				t.Errorf("Set: %v\ndecoding says: %v", fe, perr)
			}
		})
	}
}
