package main

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"

	"github.com/rppkit/rppkit"
	"github.com/rppkit/rppkit/internal/textdiff"
	"github.com/rppkit/rppkit/internal/textfmt"
	"github.com/rppkit/rppkit/rpp"
	"github.com/rppkit/rppkit/rpp/report"
)

// runFix applies the fixes of every finding that has one. For a file it
// rewrites the file in place (keeping comments and layout, see
// rpp.ApplyFixes), or with diff prints what it would change; standard input
// is fixed to standard output. Then it reports what is left, as check does,
// and exits as check would for the fixed files.
func runFix(inv *invocation, sources []source, diff bool, dec rpp.DecodeOptions, check rpp.Options, failOn rpp.Severity) int {
	var inputs []report.Input
	code := exitOK
	for _, s := range sources {
		if s.origin == report.FromExample {
			return usageError(inv, "check", "--fix needs a FILE (or - for standard input) to fix")
		}
		if err := inv.ctx.Err(); err != nil {
			fmt.Fprintln(inv.stderr, "rpp: interrupted")
			return exitInterrupted
		}
		in, err := fixOne(inv, s, diff, dec, check)
		if err != nil {
			fmt.Fprintf(inv.stderr, "rpp: %s\n", textfmt.Sanitize(err.Error()))
			code = exitInvalid
		}
		printProblems(inv.stderr, in)
		inputs = append(inputs, in)
	}
	if c := report.ExitCode(inputs, failOn); c > code {
		code = c
	}
	if diff || len(sources) == 1 && sources[0].origin == report.FromStdin {
		return code // stdout holds the diff, or the fixed deployment
	}
	out := bufio.NewWriter(inv.stdout)
	err := report.WriteText(out, inputs, report.Options{Tool: report.Tool{Version: rppkit.Version()},
		Color: report.ColorFor(inv.stdout, inv.env), HideProblems: true})
	if err == nil {
		err = out.Flush()
	}
	if err != nil {
		fmt.Fprintf(inv.stderr, "rpp: writing the report: %v\n", err)
		return exitInvalid
	}
	return code
}

// fixOne fixes one input and returns the check of the fixed text. The
// input is left as it was when anything goes wrong.
func fixOne(inv *invocation, s source, diff bool, dec rpp.DecodeOptions, check rpp.Options) (report.Input, error) {
	check.Config = s.config
	src, err := readSource(inv, s)
	if err != nil {
		return report.Input{Name: s.name, Origin: s.origin, Err: err}, nil
	}
	before := report.Check(inv.ctx, s.name, s.origin, parseBytes(dec, s.name, src), check)
	if before.Err != nil {
		return before, nil
	}
	fixed, err := rpp.ApplyFixes(src, before.Report.Findings)
	if err != nil {
		return before, fmt.Errorf("%w (no fix applied; the file is unchanged)", err)
	}
	after := report.Check(inv.ctx, s.name, s.origin, parseBytes(dec, s.name, fixed), check)
	switch {
	case diff:
		_, err = io.WriteString(inv.stdout, textdiff.Unified(s.name, s.name, src, fixed))
	case s.origin == report.FromStdin:
		_, err = inv.stdout.Write(fixed)
	case string(fixed) != string(src):
		err = writeFileAtomic(s.name, fixed, 0o644)
		if err == nil {
			fmt.Fprintf(inv.stderr, "rpp: fixed %s (%d of %d findings had a fix)\n", s.name, countFixable(before), len(before.Report.Findings))
		}
	}
	if err != nil {
		return before, err
	}
	return after, nil
}

func countFixable(in report.Input) int {
	n := 0
	for _, f := range in.Report.Findings {
		if len(f.Fixes) > 0 {
			n++
		}
	}
	return n
}

// readSource reads the bytes of a file or of standard input as the loader
// does (rpp.ReadFile, rpp.ReadAll), refusing what cannot be rewritten in
// place.
func readSource(inv *invocation, s source) ([]byte, error) {
	if s.origin == report.FromStdin {
		if inv.stdin == nil {
			return nil, nil
		}
		return rpp.ReadAll(inv.ctx, stdinName, inv.stdin)
	}
	st, err := os.Stat(s.name)
	if err != nil {
		return nil, err
	}
	if !st.Mode().IsRegular() {
		return nil, fmt.Errorf("%s: --fix rewrites regular files only, not a %s", s.name, st.Mode().Type())
	}
	return rpp.ReadFile(inv.ctx, s.name)
}

// parseBytes is a loader for report.Check over bytes already read.
func parseBytes(dec rpp.DecodeOptions, name string, data []byte) func(context.Context) (*rpp.Deployment, error) {
	return func(ctx context.Context) (*rpp.Deployment, error) { return dec.Parse(ctx, name, data) }
}

// writeFileAtomic replaces the file at path with data: written beside it,
// with the same permissions (or mode, when there is no file yet), then
// renamed over it, so that an interruption never leaves half a file.
func writeFileAtomic(path string, data []byte, mode fs.FileMode) error {
	st, err := os.Stat(path)
	switch {
	case err == nil:
		mode = st.Mode().Perm()
	case !errors.Is(err, fs.ErrNotExist):
		return err
	}
	tmp, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".rpp-*")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name()) // after a successful rename, there is nothing to remove
	if _, err := tmp.Write(data); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Chmod(mode); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), path)
}
