package lync

import (
	"errors"
	"testing"
)

func TestParsePort(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want Port
	}{{"5061", 5061}, {"1", 1}, {"65535", 65535}} {
		if got, err := ParsePort(tc.in); err != nil || got != tc.want {
			t.Errorf("ParsePort(%q) = %v, %v; want %v", tc.in, got, err, tc.want)
		}
	}
	// One rule for a port however it is written: decimal digits, 1 to
	// 65535, no sign and no leading zero (05061 is 2609 to YAML 1.1).
	for _, in := range []string{"", "0", "65536", "99999", "+5061", "-1", "05061", "5061.0", "0x13c5", "5_061", " 5061", "5061 ", "http"} {
		if got, err := ParsePort(in); !errors.Is(err, ErrInvalidPort) {
			t.Errorf("ParsePort(%q) = %v, %v; want ErrInvalidPort", in, got, err)
		}
	}
	var p Port
	if err := p.UnmarshalText([]byte("+5061")); !errors.Is(err, ErrInvalidPort) {
		t.Errorf("UnmarshalText(+5061) = %v (port %d); want ErrInvalidPort", err, p)
	}
}

func TestParseTransportAndProduct(t *testing.T) {
	if tr, err := ParseTransport("TLS"); err != nil || tr != TLS {
		t.Errorf("ParseTransport(TLS) = %q, %v", tr, err)
	}
	if _, err := ParseTransport("udp"); !errors.Is(err, ErrUnknownTransport) {
		t.Errorf("ParseTransport(udp) = %v, want ErrUnknownTransport", err)
	}
	if p, err := ParseProduct("SfB2019"); err != nil || p != SfB2019 {
		t.Errorf("ParseProduct(SfB2019) = %q, %v", p, err)
	}
}
