package version

import (
	"errors"
	"strings"
	"testing"
)

func TestParse(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want string
	}{
		{"8.5", "8.5"},
		{"8.5.10", "8.5.10"},
		{"8.7.1.3040", "8.7.1.3040"},
		{"08.05", "8.5"},
	} {
		v, err := Parse("RMX", tc.in)
		if err != nil {
			t.Fatalf("Parse(%q): %v", tc.in, err)
		}
		if got := v.String(); got != tc.want {
			t.Errorf("Parse(%q).String() = %q, want %q", tc.in, got, tc.want)
		}
	}
}

func TestParseRejects(t *testing.T) {
	for _, in := range []string{"", "8", "8.", ".5", "8..5", "v8.5", "8.5.1.2.3", "8.x", "8.5-beta", " 8.5", "8.-1", "8.1234567890"} {
		_, err := Parse("RMX", in)
		if !errors.Is(err, ErrInvalid) {
			t.Errorf("Parse(%q) = %v, want ErrInvalid", in, err)
			continue
		}
		if !strings.Contains(err.Error(), "RMX") {
			t.Errorf("Parse(%q) error %q does not name the product", in, err)
		}
		if in != "" && !strings.Contains(err.Error(), `"`+in+`"`) {
			t.Errorf("Parse(%q) error %q does not quote the input", in, err)
		}
	}
}

func TestCompareAndWithin(t *testing.T) {
	p := func(s string) Number {
		v, err := Parse("RMX", s)
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	for _, tc := range []struct {
		a, b string
		want int
	}{
		{"8.5", "8.5.0", 0},
		{"8.4", "8.5", -1},
		{"8.10", "8.9", 1},
		{"8.5.4", "8.5.10", -1},
		{"8.7.1.3040", "8.7.1", 1},
	} {
		if got := p(tc.a).Compare(p(tc.b)); got != tc.want {
			t.Errorf("%s.Compare(%s) = %d, want %d", tc.a, tc.b, got, tc.want)
		}
	}
	if !p("8.7.1.3040").Within(p("8.7.1")) || p("8.7.2").Within(p("8.7.1")) || p("8.7").Within(p("8.7.1")) {
		t.Error("Within is wrong")
	}
	if p("8.7").Within(Number{}) {
		t.Error("nothing is within the zero release")
	}
}
