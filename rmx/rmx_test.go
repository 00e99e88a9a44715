package rmx

import (
	"errors"
	"strconv"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestParseVersion(t *testing.T) {
	for _, in := range []string{"8.5", "8.5.10", "8.7.1.3040"} {
		v, err := ParseVersion(in)
		if err != nil || v.String() != in {
			t.Errorf("ParseVersion(%q) = %v, %v", in, v, err)
		}
	}
	_, err := ParseVersion("8.five")
	if !errors.Is(err, ErrInvalidVersion) || !strings.Contains(err.Error(), `"8.five"`) {
		t.Errorf("ParseVersion(8.five) = %v; want ErrInvalidVersion quoting the input", err)
	}
	var v Version
	if err := v.UnmarshalText([]byte("garbage")); !errors.Is(err, ErrInvalidVersion) {
		t.Errorf("UnmarshalText(garbage) = %v", err)
	}
}

func TestCapabilities(t *testing.T) {
	for _, tc := range []struct {
		v    string
		want Features
	}{
		{"7.8", Features{ICEMethods: []ICEMethod{ICELegacy}}},
		{"8.3", Features{ICEMethods: []ICEMethod{ICELegacy}}},
		{"8.3.9.100", Features{ICEMethods: []ICEMethod{ICELegacy}}},
		{"8.4", Features{ICEMethods: []ICEMethod{ICENew, ICELegacy}, ContactOverrideFlag: true}},
		{"8.4.2", Features{ICEMethods: []ICEMethod{ICENew, ICELegacy}, ContactOverrideFlag: true}},
		{"8.5", Features{ICEMethods: []ICEMethod{ICENew}, ICEMandatory: true, ContactOverrideFlag: true}},
		{"8.5.3", Features{ICEMethods: []ICEMethod{ICENew}, ICEMandatory: true, ContactOverrideFlag: true}},
		{"8.5.4", Features{ICEMethods: []ICEMethod{ICENew}, ICEMandatory: true, ContactOverrideFlag: true, SkypeForBusiness: true}},
		{"8.5.10", Features{ICEMethods: []ICEMethod{ICENew}, ICEMandatory: true, ContactOverrideFlag: true, SkypeForBusiness: true}},
		{"8.7.1.3040", Features{ICEMethods: []ICEMethod{ICENew}, ICEMandatory: true, ContactOverrideFlag: true, SkypeForBusiness: true}},
	} {
		v := MustParseVersion(tc.v)
		tc.want.Version = v
		got := Capabilities(v)
		if diff := cmp.Diff(tc.want, got, cmp.Comparer(func(a, b Version) bool { return a.Compare(b) == 0 })); diff != "" {
			t.Errorf("Capabilities(%s) mismatch (-want +got):\n%s", tc.v, diff)
		}
		if got.DefaultICEMethod() != tc.want.ICEMethods[0] {
			t.Errorf("Capabilities(%s).DefaultICEMethod() = %s", tc.v, got.DefaultICEMethod())
		}
	}
}

func TestEnums(t *testing.T) {
	var e ICEEnvironment
	if err := e.UnmarshalText([]byte("MS")); err != nil || e != ICEMS {
		t.Errorf("ICEEnvironment(MS) = %q, %v", e, err)
	}
	if err := e.UnmarshalText([]byte("msft")); !errors.Is(err, ErrUnknownICEEnvironment) {
		t.Errorf("ICEEnvironment(msft) = %v", err)
	}
	var enc Encryption
	if err := enc.UnmarshalText([]byte("WhenAvailable")); err != nil || enc != EncryptWhenAvailable {
		t.Errorf("Encryption(WhenAvailable) = %q, %v", enc, err)
	}
	if err := enc.UnmarshalText([]byte("sometimes")); !errors.Is(err, ErrUnknownEncryption) {
		t.Errorf("Encryption(sometimes) = %v", err)
	}
	var m ICEMethod
	if err := m.UnmarshalText([]byte("newest")); !errors.Is(err, ErrUnknownICEMethod) {
		t.Errorf("ICEMethod(newest) = %v", err)
	}
}

func TestICEConfigured(t *testing.T) {
	for _, tc := range []struct {
		sip  SIP
		want bool
	}{
		{SIP{}, false},
		{SIP{ICEEnvironment: ICENone}, false},
		{SIP{ICEEnvironment: ICEMS}, true},
		{SIP{ServerUserName: "rpp"}, true},
	} {
		if got := tc.sip.ICEConfigured(); got != tc.want {
			t.Errorf("%+v.ICEConfigured() = %v", tc.sip, got)
		}
	}
	if v, ok := (Flags{FlagContactOverride: ""}).ContactOverride(); ok || v != "" {
		t.Error("an empty flag counts as set")
	}
}

func FuzzParseVersion(f *testing.F) {
	for _, s := range []string{"8.5", "8.5.10", "8.7.1.3040", "", "8", "8..5", "999999999.1", "1.2.3.4.5"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		v, err := ParseVersion(s)
		if err != nil {
			if !errors.Is(err, ErrInvalidVersion) {
				t.Fatalf("ParseVersion(%q): error %v does not wrap ErrInvalidVersion", s, err)
			}
			if s != "" && !strings.Contains(err.Error(), strconv.Quote(s)) {
				t.Fatalf("ParseVersion(%q): error %q does not quote the input", s, err)
			}
			return
		}
		w, err := ParseVersion(v.String())
		if err != nil || w.Compare(v) != 0 || !v.Within(v) {
			t.Fatalf("ParseVersion(%q) = %v does not round-trip: %v %v", s, v, w, err)
		}
		_ = Capabilities(v) // must not panic for any release
	})
}
