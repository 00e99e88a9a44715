package rmx

import (
	"errors"
	"strconv"
	"testing"
)

func TestParseLineRate(t *testing.T) {
	for _, ok := range []struct {
		in   string
		want LineRate
	}{{"64", 64}, {"256", 256}, {"1920", 1920}, {"8192", 8192}, {"100000", 100000}} {
		if got, err := ParseLineRate(ok.in); err != nil || got != ok.want {
			t.Errorf("ParseLineRate(%q) = %d, %v", ok.in, got, err)
		}
	}
	for _, bad := range []string{"", "0", "0256", "-256", "+256", "256k", "256 ", "1e3", "100001", "9999999"} {
		if _, err := ParseLineRate(bad); !errors.Is(err, ErrInvalidLineRate) {
			t.Errorf("ParseLineRate(%q) = %v; want ErrInvalidLineRate", bad, err)
		}
	}
}

// FuzzParseLineRate: whatever it is given, ParseLineRate returns a rate
// from 1 to 100000 that prints back as its input, or ErrInvalidLineRate.
func FuzzParseLineRate(f *testing.F) {
	for _, s := range []string{"256", "1024", "128", "0", "256k", "00", "100001", "-1"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		r, err := ParseLineRate(s)
		if err != nil {
			if !errors.Is(err, ErrInvalidLineRate) {
				t.Fatalf("ParseLineRate(%q): %v does not wrap ErrInvalidLineRate", s, err)
			}
			return
		}
		if r < 1 || r > 100000 || strconv.Itoa(int(r)) != s {
			t.Fatalf("ParseLineRate(%q) = %d", s, r)
		}
	})
}

func TestFlagsLookupPrefersExactName(t *testing.T) {
	f := Flags{"SEND_SRTP_MKI": "YES", "send_srtp_mki": "NO"}
	if v, ok := f.Lookup(FlagSendSRTPMKI); v != "YES" || !ok {
		t.Errorf("Lookup = %q, %v; want the exactly named flag", v, ok)
	}
	if v, ok := (Flags{"Send_Srtp_Mki": ""}).Lookup(FlagSendSRTPMKI); v != "" || ok {
		t.Errorf("Lookup of an empty flag = %q, %v", v, ok)
	}
}
