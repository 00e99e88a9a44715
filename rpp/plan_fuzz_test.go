package rpp_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/rppkit/rppkit/examples"
	"github.com/rppkit/rppkit/rpp"
)

// FuzzPlan plans whatever deployment the bytes decode to, as a new
// integration and against itself. It must never panic; a refusal must be
// an *UnplannableError naming error findings; a plan must be well formed —
// steps numbered in order, each depending only on earlier steps, each value
// read back by an earlier read step, windows within the plan, every Lync
// creation or removal guarded in the script — and render in every format;
// and a deployment whose check finds no error must need nothing to reach
// itself.
func FuzzPlan(f *testing.F) {
	names, _ := fs.Glob(examples.FS, "*.yaml")
	for _, n := range names {
		b, _ := fs.ReadFile(examples.FS, n)
		f.Add(b)
	}
	migrations, _ := filepath.Glob(filepath.Join("testdata", "plan", "migrations", "*.yaml"))
	for _, m := range migrations {
		b, _ := os.ReadFile(m)
		f.Add(b)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		d, err := rpp.Parse("f.yaml", data)
		if err != nil {
			return
		}
		ctx := context.Background()
		rb, err := rpp.Plan(ctx, d, nil)
		if err != nil {
			var ue *rpp.UnplannableError
			if !errors.As(err, &ue) || len(ue.Findings) == 0 {
				t.Fatalf("Plan refused with %v (%T), not an *UnplannableError naming findings", err, err)
			}
			for _, f := range ue.Findings {
				if f.Severity != rpp.Error || f.Rule == "" {
					t.Fatalf("refused for %+v, not an error finding", f)
				}
			}
			return
		}
		checkRunbook(t, rb)
		self, err := rpp.Plan(ctx, d, d)
		if err != nil {
			t.Fatalf("planned as new but refused against itself: %v", err)
		}
		checkRunbook(t, self)
		if rep := rpp.Check(ctx, d, rpp.Options{}); rep.Summary.Errors == 0 && (!self.Empty() || len(self.Corrections) > 0) {
			var b bytes.Buffer
			self.WriteText(&b)
			t.Fatalf("a deployment without errors planned against itself is not empty:\n%s", b.String())
		}
	})
}

// checkRunbook asserts what every plan must be.
func checkRunbook(t *testing.T, rb *rpp.Runbook) {
	t.Helper()
	for i, s := range rb.Steps {
		if s.Number != i+1 {
			t.Fatalf("step %d numbered %d", i+1, s.Number)
		}
		for _, d := range s.DependsOn {
			if d < 1 || d >= s.Number {
				t.Fatalf("step %d depends on step %d", s.Number, d)
			}
		}
		for _, set := range s.Settings {
			if set.From != nil && (set.From.Step < 1 || set.From.Step >= s.Number || rb.Steps[set.From.Step-1].Action != rpp.ActionRead) {
				t.Fatalf("step %d pastes a value from step %d, which reads nothing before it", s.Number, set.From.Step)
			}
		}
		if s.System == "lync" && (s.Action == rpp.ActionCreate || s.Action == rpp.ActionRemove) && s.Done == "" {
			t.Fatalf("step %d (%s) has no guard", s.Number, s.Command)
		}
	}
	for _, w := range rb.Windows {
		if w.From < 1 || w.To < w.From || w.To > len(rb.Steps) {
			t.Fatalf("window %+v outside the plan's %d steps", w, len(rb.Steps))
		}
	}
	var text, ps1 bytes.Buffer
	if err := rb.WriteText(&text); err != nil {
		t.Fatal(err)
	}
	if err := rb.WritePowerShell(&ps1, rpp.PowerShellOptions{}); err != nil {
		t.Fatal(err)
	}
	if _, err := json.Marshal(rb); err != nil {
		t.Fatal(err)
	}
	for _, s := range rb.Steps {
		if s.Done != "" && !strings.Contains(ps1.String(), s.Command+"\n}") {
			t.Fatalf("the script does not guard step %d", s.Number)
		}
	}
}
