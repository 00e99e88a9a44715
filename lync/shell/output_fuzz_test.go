package shell

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// FuzzParseOutput feeds the Format-List / Format-Table parser arbitrary
// bytes. It must never panic; it may refuse only the encoding, naming the
// file; every record and problem must name a line of the text; and every
// Format-List record it reads, printed again as Format-List, must read
// back as the same fields.
func FuzzParseOutput(f *testing.F) {
	paths, _ := filepath.Glob("testdata/*/*.txt")
	for _, p := range paths {
		if b, err := os.ReadFile(p); err == nil {
			f.Add(b)
		}
	}
	for _, s := range []string{"", "a : b", "a :", " x", "a\n-\nb", "PS C:\\> x\na : b", "**********\nx\n**********",
		"a : {x, y...}", "h\n--\n\xe4\xbc\x9a x", " 1 a\n-- -\n123 b", "\xff\xfea\x00 \x00:\x00 \x00b\x00", "a : b\n  c\n d"} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		out, err := ParseBytes("f", data)
		if err != nil {
			var pe *ParseError
			if !errors.As(err, &pe) || pe.File != "f" || !errors.Is(err, ErrEncoding) {
				t.Fatalf("error %v (%T) is not a *ParseError on f wrapping ErrEncoding", err, err)
			}
			return
		}
		text, _ := decode("f", data)
		lines := len(splitLines(text))
		for _, p := range out.Problems {
			if !errors.Is(p, ErrLayout) || p.File != "f" || p.Line < 1 || p.Line > lines || strings.ContainsAny(p.Error(), "\r\n") {
				t.Fatalf("bad problem %#v: %q", p, p.Error())
			}
		}
		var list []*Record
		for _, r := range out.Records {
			if r.File != "f" || r.Line < 1 || r.Line > lines || len(r.Fields) == 0 {
				t.Fatalf("bad record %+v", r)
			}
			for _, fd := range r.Fields {
				if fd.Line < r.Line || fd.Line > lines || strings.ContainsAny(fd.Value, "\r\n") {
					t.Fatalf("bad field %+v in %+v", fd, r)
				}
				if !r.Table && (fd.Name == "" || startsBlank(fd.Name)) {
					t.Fatalf("list record with field name %q", fd.Name)
				}
			}
			if !r.Table {
				list = append(list, r)
			}
		}
		again, err := ParseBytes("f", []byte(formatList(list)))
		if err != nil {
			t.Fatalf("printed records do not parse: %v", err)
		}
		if d := cmp.Diff(fieldsOf(list), fieldsOf(again.Records)); d != "" || len(again.Problems) > 0 {
			t.Fatalf("printed again, the records read differently (-first +again):\n%s\nproblems %v", d, again.Problems)
		}
	})
}

// formatList prints records as Format-List does, without wrapping.
func formatList(recs []*Record) string {
	var b strings.Builder
	for _, r := range recs {
		width := 0
		for _, f := range r.Fields {
			width = max(width, len([]rune(f.Name)))
		}
		b.WriteString("\n")
		for _, f := range r.Fields {
			b.WriteString(f.Name + strings.Repeat(" ", width-len([]rune(f.Name))) + " : " + f.Value + "\n")
		}
	}
	return b.String()
}

func fieldsOf(recs []*Record) [][][2]string {
	var all [][][2]string
	for _, r := range recs {
		var fs [][2]string
		for _, f := range r.Fields {
			fs = append(fs, [2]string{f.Name, f.Value})
		}
		all = append(all, fs)
	}
	return all
}
