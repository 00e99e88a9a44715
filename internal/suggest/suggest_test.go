package suggest

import (
	"math/rand"
	"strings"
	"testing"
)

func TestClosest(t *testing.T) {
	fields := []string{"iceEnvironment", "serverUserName", "serverDomainName", "server", "iceMethod"}
	for _, tc := range []struct{ in, want string }{
		{"iceEnviroment", "iceEnvironment"},
		{"ServerUserName", "serverUserName"},
		{"serverUsername", "serverUserName"},
		{"severDomainName", "serverDomainName"},
		{"sever", "server"},
		// A transposition is one edit: "sevrer" is one from server, and
		// within the limit of a six-letter word only as such.
		{"sevrer", "server"},
		{"iecMethod", "iceMethod"},
		{"password", ""},
		{"", ""},
		// Far too long to be anyone's name: no suggestion, and no work.
		{strings.Repeat("server", 20), ""},
		{"server" + strings.Repeat("x", 70), ""},
	} {
		if got := Closest(tc.in, fields); got != tc.want {
			t.Errorf("Closest(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
	// Short words allow one edit, which a transposition must fit in.
	if got := Closest("rlues", []string{"rules", "explain"}); got != "rules" {
		t.Errorf(`Closest("rlues") = %q, want "rules"`, got)
	}
	if got := Closest("--fromat", []string{"--format", "--strict"}); got != "--format" {
		t.Errorf(`Closest("--fromat") = %q, want "--format"`, got)
	}
}

// osa is the textbook optimal string alignment distance, computed in full.
func osa(a, b []rune) int {
	d := make([][]int, len(a)+1)
	for i := range d {
		d[i] = make([]int, len(b)+1)
		d[i][0] = i
	}
	for j := range d[0] {
		d[0][j] = j
	}
	for i := 1; i <= len(a); i++ {
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			d[i][j] = min(d[i-1][j]+1, d[i][j-1]+1, d[i-1][j-1]+cost)
			if i > 1 && j > 1 && a[i-1] == b[j-2] && a[i-2] == b[j-1] {
				d[i][j] = min(d[i][j], d[i-2][j-2]+1)
			}
		}
	}
	return d[len(a)][len(b)]
}

// TestDistanceAgreesWithFullComputation checks the banded, early-exiting
// Distance against the full table on random words over a small alphabet
// (so that near misses and transpositions are common).
func TestDistanceAgreesWithFullComputation(t *testing.T) {
	r := rand.New(rand.NewSource(1))
	word := func() []rune {
		w := make([]rune, r.Intn(9))
		for i := range w {
			w[i] = rune("abcé"[r.Intn(3)])
		}
		if r.Intn(4) == 0 && len(w) > 0 {
			w[r.Intn(len(w))] = 'é'
		}
		return w
	}
	for n := 0; n < 20000; n++ {
		a, b := word(), word()
		k := r.Intn(5)
		want := min(osa(a, b), k+1)
		if got := Distance(a, b, k); got != want {
			t.Fatalf("Distance(%q, %q, %d) = %d, want %d", string(a), string(b), k, got, want)
		}
	}
}

// BenchmarkClosestHugeInput shows that a 50 MB misspelling costs nothing.
func BenchmarkClosestHugeInput(b *testing.B) {
	s := strings.Repeat("x", 50<<20)
	names := []string{"iceEnvironment", "serverUserName", "serverDomainName", "server", "iceMethod"}
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if Closest(s, names) != "" {
			b.Fatal("suggested something")
		}
	}
}
