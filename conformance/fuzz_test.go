package conformance_test

import (
	"context"
	"errors"
	"io/fs"
	"testing"
	"testing/fstest"

	"github.com/rppkit/rppkit/conformance"
)

// FuzzLoadCases feeds the vector reader arbitrary files: it must refuse
// what is not a case with ErrBadCase, never panic, and what it accepts must
// run against the reference without panicking.
func FuzzLoadCases(f *testing.F) {
	_ = fs.WalkDir(conformance.Vectors(), ".", func(p string, e fs.DirEntry, err error) error {
		if err == nil && !e.IsDir() && len(p) < 60 {
			b, _ := fs.ReadFile(conformance.Vectors(), p)
			f.Add(p, b)
		}
		return nil
	})
	f.Add("gruu/x.json", []byte(`{"id":"gruu/x"}`))
	f.Fuzz(func(t *testing.T, name string, data []byte) {
		if !fs.ValidPath(name) || name == "." {
			return
		}
		cases, err := conformance.LoadCases(fstest.MapFS{name: {Data: data}})
		if err != nil {
			if !errors.Is(err, conformance.ErrBadCase) {
				t.Fatalf("LoadCases: %v is not ErrBadCase", err)
			}
			return
		}
		if len(cases) == 0 { // a file LoadCases does not read (not .json)
			return
		}
		res, err := conformance.Evaluate(context.Background(), conformance.Reference{}.Subject(), conformance.WithCases(cases))
		if err != nil || len(res.Cases) != len(cases) {
			t.Fatalf("Evaluate: %v, %d results for %d cases", err, len(res.Cases), len(cases))
		}
	})
}
