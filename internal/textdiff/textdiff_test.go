package textdiff

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"testing"
)

func TestUnified(t *testing.T) {
	lines := func(n int) []string {
		var s []string
		for i := 1; i <= n; i++ {
			s = append(s, "line "+string(rune('a'-1+i)))
		}
		return s
	}
	twelve := strings.Join(lines(12), "\n") + "\n"
	for _, tc := range []struct {
		name     string
		old, new string
		file     string
		want     string
	}{{
		name: "equal files give nothing",
		old:  "a: b\n", new: "a: b\n", file: "d.yaml",
		want: "",
	}, {
		name: "one changed line with three lines of context either side",
		old:  twelve,
		new:  strings.Replace(twelve, "line f\n", "line F\n", 1),
		file: "d.yaml",
		want: "--- a/d.yaml\n+++ b/d.yaml\n@@ -3,7 +3,7 @@\n line c\n line d\n line e\n-line f\n+line F\n line g\n line h\n line i\n",
	}, {
		name: "changes far apart make two hunks",
		old:  twelve,
		new:  strings.NewReplacer("line a\n", "line A\n", "line l\n", "line L\n").Replace(twelve),
		file: "d.yaml",
		want: "--- a/d.yaml\n+++ b/d.yaml\n@@ -1,4 +1,4 @@\n-line a\n+line A\n line b\n line c\n line d\n" +
			"@@ -9,4 +9,4 @@\n line i\n line j\n line k\n-line l\n+line L\n",
	}, {
		name: "an added line",
		old:  "flags:\n  A: x\nvmrs: []\n",
		new:  "flags:\n  A: x\n  B: y\nvmrs: []\n",
		file: "d.yaml",
		want: "--- a/d.yaml\n+++ b/d.yaml\n@@ -1,3 +1,4 @@\n flags:\n   A: x\n+  B: y\n vmrs: []\n",
	}, {
		name: "CRLF lines keep their carriage returns",
		old:  "a: 1\r\nb: 2\r\n",
		new:  "a: 1\r\nb: 3\r\n",
		file: "d.yaml",
		want: "--- a/d.yaml\n+++ b/d.yaml\n@@ -1,2 +1,2 @@\n a: 1\r\n-b: 2\r\n+b: 3\r\n",
	}, {
		name: "a last line without its line break is marked",
		old:  "a: 1\nb: 2",
		new:  "a: 1\nb: 3",
		file: "d.yaml",
		want: "--- a/d.yaml\n+++ b/d.yaml\n@@ -1,2 +1,2 @@\n a: 1\n-b: 2\n\\ No newline at end of file\n+b: 3\n\\ No newline at end of file\n",
	}, {
		name: "a file written from nothing",
		old:  "", new: "a: 1\n", file: "d.yaml",
		want: "--- a/d.yaml\n+++ b/d.yaml\n@@ -0,0 +1 @@\n+a: 1\n",
	}, {
		name: "an absolute name loses its leading slash after a/ and b/",
		old:  "a: 1\n", new: "a: 2\n", file: "/etc/rpp/d.yaml",
		want: "--- a/etc/rpp/d.yaml\n+++ b/etc/rpp/d.yaml\n@@ -1 +1 @@\n-a: 1\n+a: 2\n",
	}} {
		t.Run(tc.name, func(t *testing.T) {
			got := Unified(tc.file, tc.file, []byte(tc.old), []byte(tc.new))
			if got != tc.want {
				t.Errorf("Unified:\n%s\nwant:\n%s\n(got %q)", got, tc.want, got)
			}
		})
	}
}

// FuzzUnified checks that every diff applies: patching old with it gives
// new, line endings and a missing last line break included.
func FuzzUnified(f *testing.F) {
	for _, s := range [][2]string{
		{"a\nb\nc\n", "a\nB\nc\n"},
		{"a\r\nb\r\n", "a\r\nb\r\nc\r\n"},
		{"x", "y"},
		{"", "z\n"},
		{"1\n2\n3\n4\n5\n6\n7\n8\n9\n", "0\n1\n2\n3\n4\n5\n6\n7\n8\n9"},
	} {
		f.Add(s[0], s[1])
	}
	f.Fuzz(func(t *testing.T, old, new string) {
		d := Unified("f", "f", []byte(old), []byte(new))
		if (d == "") != (old == new) {
			t.Fatalf("diff of %q and %q is %q", old, new, d)
		}
		got, err := patch(old, d)
		if err != nil {
			t.Fatalf("%v\ndiff:\n%s", err, d)
		}
		if got != new {
			t.Fatalf("patched %q with\n%s\ngot %q, want %q", old, d, got, new)
		}
	})
}

var hunkHeader = regexp.MustCompile(`^@@ -(\d+)(?:,(\d+))? \+(\d+)(?:,(\d+))? @@\n$`)

// patch applies a unified diff as patch(1) does, strictly: every context
// and removed line must match old.
func patch(old, diff string) (string, error) {
	if diff == "" {
		return old, nil
	}
	oldLines, _ := splitLines(old)
	if old == "" {
		oldLines = nil
	}
	lines := strings.SplitAfter(diff, "\n")
	if len(lines) < 3 || lines[0] != "--- a/f\n" || lines[1] != "+++ b/f\n" {
		return "", fmt.Errorf("bad headers")
	}
	var out []string
	next := 0 // index into oldLines of the first line not yet copied
	for i := 2; i < len(lines) && lines[i] != ""; {
		m := hunkHeader.FindStringSubmatch(lines[i])
		if m == nil {
			return "", fmt.Errorf("line %d: want a hunk header, got %q", i+1, lines[i])
		}
		start, _ := strconv.Atoi(m[1])
		if m[2] == "0" {
			start++ // "-N,0" names the line after which to insert
		}
		for ; next < start-1; next++ {
			out = append(out, oldLines[next])
		}
		for i++; i < len(lines) && lines[i] != "" && lines[i][0] != '@'; i++ {
			l := lines[i]
			if i+1 < len(lines) && lines[i+1] == "\\ No newline at end of file\n" {
				l = strings.TrimSuffix(l, "\n")
				i++
			}
			switch l[0] {
			case ' ', '-':
				if next >= len(oldLines) || oldLines[next] != l[1:] {
					return "", fmt.Errorf("line %d: %q does not match the old text", i+1, l)
				}
				if l[0] == ' ' {
					out = append(out, l[1:])
				}
				next++
			case '+':
				out = append(out, l[1:])
			default:
				return "", fmt.Errorf("line %d: unexpected %q", i+1, l)
			}
		}
	}
	out = append(out, oldLines[next:]...)
	return strings.Join(out, ""), nil
}
