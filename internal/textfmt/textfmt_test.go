package textfmt

import (
	"slices"
	"strings"
	"testing"
)

func TestWrap(t *testing.T) {
	long := "sip:rpp.woodgrove.com@woodgrove.com;gruu;opaque=srvr:video:Lw0vG6hJs3QaK8zDn2cXbwAA"
	for _, tc := range []struct {
		text        string
		width       int
		first, rest string
		want        []string
	}{
		{"", 20, "  ", "    ", []string{""}},
		{"one two", 20, "", "", []string{"one two"}},
		{"aaa bbb ccc ddd", 8, "", "", []string{"aaa bbb", "ccc ddd"}},
		{"aaa bbb ccc", 10, "> ", "  ", []string{"> aaa bbb", "  ccc"}},
		// Exactly the width fits.
		{"aaaa bbbb", 9, "", "", []string{"aaaa bbbb"}},
		// Runs of spaces and newlines are one space.
		{"a \n\t b", 10, "", "", []string{"a b"}},
		// A word longer than a line is not broken, and has a line of its
		// own, even after a label.
		{"x " + long + " y", 40, "  ", "    ", []string{"  x", "    " + long, "    y"}},
		{long, 40, "  set to: ", "    ", []string{"  set to:", "    " + long}},
		{long, 40, "    ", "      ", []string{"    " + long}},
		// Colour escapes take no columns.
		{"\x1b[31merror\x1b[0m abc", 9, "", "", []string{"\x1b[31merror\x1b[0m abc"}},
		// Runes, not bytes: “quoted” text counts its quotes once.
		{"“ab” “cd”", 9, "", "", []string{"“ab” “cd”"}},
	} {
		got := Wrap(tc.text, tc.width, tc.first, tc.rest)
		if !slices.Equal(got, tc.want) {
			t.Errorf("Wrap(%q, %d, %q, %q) =\n%q\nwant\n%q", tc.text, tc.width, tc.first, tc.rest, got, tc.want)
		}
	}
}

func TestWrapNeverLosesWords(t *testing.T) {
	text := strings.Repeat("the quick brown fox jumps over the lazy dog ", 20)
	for width := 1; width < 60; width++ {
		lines := Wrap(text, width, "- ", "  ")
		var words []string
		for _, l := range lines {
			if VisibleWidth(l) > width && len(strings.Fields(l)) > 1 {
				t.Errorf("width %d: line %q too wide", width, l)
			}
			words = append(words, strings.Fields(l)...)
		}
		if strings.Join(words, " ") != "- "+strings.TrimSpace(text) {
			t.Fatalf("width %d: words changed:\n%q", width, strings.Join(words, " "))
		}
	}
}

func TestSanitize(t *testing.T) {
	for in, want := range map[string]string{
		"plain “text”":    "plain “text”",
		"a\nb\tc\r":       `a\nb\tc\r`,
		"\x1b[31mred":     `\x1b[31mred`,
		"nul\x00 del\x7f": `nul\x00 del\x7f`,
		"c1\u0085":        `c1\u0085`,
	} {
		if got := Sanitize(in); got != want {
			t.Errorf("Sanitize(%q) = %q, want %q", in, got, want)
		}
	}
}
