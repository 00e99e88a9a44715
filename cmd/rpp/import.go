package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"os"
	"strings"

	"github.com/rppkit/rppkit/internal/textfmt"
	"github.com/rppkit/rppkit/lync/shell"
	"github.com/rppkit/rppkit/rpp"
)

// importKinds lists the kinds of output rpp import reads, as its first
// argument names them.
func importKinds() []string { return []string{"lync"} }

type importOptions struct {
	into string
}

func (o *importOptions) flagSet() *flagSet {
	fs := newFlagSet("import")
	fs.String(&o.into, "into", "refresh the lync: part of deployment file `FILE` in place (created if missing), keeping its rpp: part and comments; without it, print the deployment on standard output")
	return fs
}

// runImport is `rpp import lync [--into FILE] SHELL-OUTPUT...`: it reads
// saved Lync Server Management Shell output (shell.Parse, shell.Read) and
// writes the topology it describes into a deployment file's lync: part
// (rpp.MergeLync). Exit 0 imported; 1 imported, but some record could not
// be read (an error diagnostic) — then --into is not written, so a partial
// read never replaces what the file said; 2 for usage errors and input
// that cannot be read (a shell output, or a --into file that is not a
// deployment file); 130 when interrupted.
func runImport(inv *invocation, args []string) int {
	if len(args) == 0 {
		fmt.Fprintf(inv.stderr, "rpp import: name the kind of output to read: %s\n", orList(importKinds()))
		printImportUsage(inv.stderr)
		return exitInvalid
	}
	switch kind := args[0]; {
	case kind == "-h" || kind == "-help" || kind == "--help" || kind == "help":
		printImportUsage(inv.stdout)
		return exitOK
	case kind == "lync":
	case strings.HasPrefix(kind, "-"):
		fmt.Fprintf(inv.stderr, "rpp import: name the kind of output first (rpp import lync %s …)\n", quoteArg(kind))
		printImportUsage(inv.stderr)
		return exitInvalid
	default:
		fmt.Fprintf(inv.stderr, "rpp import: unknown kind of output %s (known: %s)\n", quoteArg(kind), orList(importKinds()))
		printImportUsage(inv.stderr)
		return exitInvalid
	}
	var opts importOptions
	files, err := opts.flagSet().parse(args[1:])
	if errors.Is(err, flag.ErrHelp) {
		printImportUsage(inv.stdout)
		return exitOK
	}
	if err != nil {
		fmt.Fprintf(inv.stderr, "rpp import lync: %s\n", strings.TrimPrefix(err.Error(), errUsage.Error()+": "))
		printImportUsage(inv.stderr)
		return exitInvalid
	}
	if len(files) == 0 {
		return importUsageError(inv, "give the saved Management Shell output (a file, or - for standard input); rpp import --help shows how to collect it")
	}
	if opts.into == "-" {
		return importUsageError(inv, "--into takes a deployment file to rewrite; without --into the deployment goes to standard output")
	}
	if n := countStdin(files); n > 1 {
		return importUsageError(inv, "standard input (-) can be read once, not %d times", n)
	}

	outs := make([]*shell.Output, 0, len(files))
	for _, name := range files {
		out, err := readShellOutput(inv, name)
		if inv.ctx.Err() != nil {
			return interrupted(inv)
		}
		if err != nil {
			fmt.Fprintf(inv.stderr, "rpp: %s\n", textfmt.Sanitize(err.Error()))
			return exitInvalid
		}
		outs = append(outs, out)
	}
	im, err := shell.Read(inv.ctx, outs...)
	if err != nil || inv.ctx.Err() != nil {
		return interrupted(inv)
	}
	failed := printDiagnostics(inv.stderr, im.Diagnostics)
	if len(im.Parts) == 0 {
		fmt.Fprintf(inv.stderr, "rpp: no record of the output is one rpp import reads; nothing imported (rpp import --help shows what to collect)\n")
		return exitInvalid
	}

	name, doc := "<stdout>", []byte(nil)
	if opts.into != "" {
		name = opts.into
		doc, err = readInto(inv.ctx, opts.into)
		if inv.ctx.Err() != nil {
			return interrupted(inv)
		}
		if err != nil {
			fmt.Fprintf(inv.stderr, "rpp: %s\n", textfmt.Sanitize(err.Error()))
			return exitInvalid
		}
	}
	merged, mr, err := rpp.MergeLync(name, doc, im.Topology, im.Covers)
	if err != nil {
		for _, line := range strings.Split(err.Error(), "\n") {
			fmt.Fprintf(inv.stderr, "rpp: %s\n", textfmt.Sanitize(line))
		}
		if opts.into != "" {
			fmt.Fprintf(inv.stderr, "rpp: %s is unchanged\n", opts.into)
		}
		return exitInvalid
	}

	if opts.into == "" {
		if _, err := inv.stdout.Write(merged); err != nil {
			fmt.Fprintf(inv.stderr, "rpp: writing the deployment: %v\n", err)
			return exitInvalid
		}
		printIncomplete(inv.stderr, "the deployment printed", mr)
		if failed {
			return exitFindings
		}
		return exitOK
	}
	if failed {
		fmt.Fprintf(inv.stderr, "rpp: %s is unchanged: some records could not be read (errors above), and a partial import would drop what they describe\n", opts.into)
		return exitFindings
	}
	if mr.Changed() || mr.Created {
		if err := writeInto(opts.into, merged); err != nil {
			fmt.Fprintf(inv.stderr, "rpp: writing %s: %s\n", opts.into, textfmt.Sanitize(err.Error()))
			return exitInvalid
		}
	}
	what := mr.String()
	if mr.Created {
		what = "written with the imported lync: part and an rpp: skeleton to fill in"
	}
	fmt.Fprintf(inv.stdout, "%s: %s\n", textfmt.Sanitize(opts.into), what)
	printIncomplete(inv.stderr, opts.into, mr)
	return exitOK
}

func importUsageError(inv *invocation, format string, args ...any) int {
	fmt.Fprintf(inv.stderr, "rpp import lync: %s\n", fmt.Sprintf(format, args...))
	printImportUsage(inv.stderr)
	return exitInvalid
}

func countStdin(files []string) int {
	n := 0
	for _, f := range files {
		if f == "-" {
			n++
		}
	}
	return n
}

// printImportUsage prints the usage and the snippet that collects what the
// import reads.
func printImportUsage(w io.Writer) {
	c, _ := lookupCommand("import")
	printCommandUsage(w, c)
	fmt.Fprintf(w, `
Each SHELL-OUTPUT is saved Lync Server or Skype for Business Server
Management Shell output (Format-List or Format-Table, UTF-16 or UTF-8; "-"
is standard input). The records are recognised by their fields, so files
may be given in any order. Problems go to standard error as
"file:line: severity: message", with what to try on the line below.

Exit status: 0 imported; 1 some record could not be read (then --into FILE
is left unchanged); 2 unreadable input or a FILE that is not a deployment
file; 130 interrupted.

To collect what rpp import reads, run this in the Management Shell:

%s`, shell.CollectScript)
}

// readShellOutput reads and parses one SHELL-OUTPUT argument: "-" is
// standard input; a file is read by shell.ParseFile (Ctrl-C stops it even
// while it waits on a FIFO; a directory is refused).
func readShellOutput(inv *invocation, name string) (*shell.Output, error) {
	if name == "-" {
		stdin := inv.stdin
		if stdin == nil {
			stdin = strings.NewReader("")
		}
		return shell.Parse(inv.ctx, stdinName, stdin)
	}
	return shell.ParseFile(inv.ctx, name)
}

// readInto reads the --into file; one that does not exist yet reads as
// empty, and becomes a new deployment file.
func readInto(ctx context.Context, path string) ([]byte, error) {
	st, err := os.Stat(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	if !st.Mode().IsRegular() {
		return nil, fmt.Errorf("%s: --into rewrites a regular file, not a %s", path, st.Mode().Type())
	}
	return rpp.ReadFile(ctx, path)
}

// writeInto replaces (or creates, readable by all as a new file is) the
// --into file atomically.
func writeInto(path string, data []byte) error {
	return writeFileAtomic(path, data, 0o644)
}

// printDiagnostics prints the reader's diagnostics, one a line as
// "file:line: severity: message", the hint indented on the next line, and
// reports whether any is an error.
func printDiagnostics(w io.Writer, ds []shell.Diagnostic) (failed bool) {
	for _, d := range ds {
		where := d.File
		if d.Line > 0 {
			where = fmt.Sprintf("%s:%d", d.File, d.Line)
		}
		fmt.Fprintf(w, "%s: %s: %s\n", textfmt.Sanitize(where), d.Severity, textfmt.Sanitize(d.Message))
		if d.Hint != "" {
			fmt.Fprintf(w, "    %s\n", textfmt.Sanitize(d.Hint))
		}
		failed = failed || d.Severity == shell.SeverityError
	}
	return failed
}

// printIncomplete says, when the result is not yet a deployment rpp check
// can read, what is missing: the rpp: skeleton of a new file, or what the
// output did not cover.
func printIncomplete(w io.Writer, what string, mr *rpp.MergeReport) {
	if mr.Problems == nil {
		return
	}
	if mr.Created {
		fmt.Fprintf(w, "rpp: %s is not yet a deployment rpp check reads: fill in its rpp: part (the workflows, each RMX and DMA)\n", what)
	} else {
		fmt.Fprintf(w, "rpp: %s is not yet a deployment rpp check reads:\n", what)
	}
	for _, line := range strings.Split(mr.Problems.Error(), "\n") {
		fmt.Fprintf(w, "rpp: %s\n", textfmt.Sanitize(line))
	}
}
