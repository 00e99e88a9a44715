package rpp

import (
	"context"
	"errors"
	"io/fs"
	"strings"
	"testing"

	"github.com/rppkit/rppkit/examples"
)

// FuzzParse feeds the decoder arbitrary bytes: it must never panic, must
// explain every refusal with a position or a whole-file reason, and what it
// accepts must survive Check.
func FuzzParse(f *testing.F) {
	names, _ := fs.Glob(examples.FS, "*.yaml")
	for _, n := range names {
		b, _ := fs.ReadFile(examples.FS, n)
		f.Add(b)
	}
	for _, s := range []string{"", "{}", "[]", "lync:", "a: &a [*a]", "lync: {product: x}\nrpp: {}", "\x00", "{\"lync\": 1}", "- - -"} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		d, err := Parse("f.yaml", data)
		if err != nil {
			var de *DecodeError
			if !errors.As(err, &de) || len(de.Errs) == 0 {
				t.Fatalf("error %v (%T) is not a non-empty *DecodeError", err, err)
			}
			for _, fe := range de.Errs {
				if fe.Err == nil || fe.Pos.File != "f.yaml" || strings.Contains(fe.Error(), "\n") {
					t.Fatalf("bad FieldError %#v", fe)
				}
			}
			return
		}
		r := Check(context.Background(), d, Options{})
		for _, fd := range r.Findings {
			if fd.Rule == "" || fd.Object == "" || fd.Field == "" || fd.Message == "" {
				t.Fatalf("incomplete finding %+v", fd)
			}
		}
	})
}
