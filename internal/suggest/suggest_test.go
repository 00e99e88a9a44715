package suggest

import "testing"

func TestClosest(t *testing.T) {
	fields := []string{"iceEnvironment", "serverUserName", "serverDomainName", "server", "iceMethod"}
	for _, tc := range []struct{ in, want string }{
		{"iceEnviroment", "iceEnvironment"},
		{"ServerUserName", "serverUserName"},
		{"serverUsername", "serverUserName"},
		{"severDomainName", "serverDomainName"},
		{"sever", "server"},
		{"password", ""},
		{"", ""},
	} {
		if got := Closest(tc.in, fields); got != tc.want {
			t.Errorf("Closest(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}
