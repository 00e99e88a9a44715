package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"slices"

	"github.com/rppkit/rppkit/internal/enum"
)

// formatFlag is a --format value that accepts only the formats its command
// can write, so a typo is a usage error rather than a silent default.
type formatFlag struct {
	value   string
	allowed []string
}

func newFormatFlag(allowed ...string) formatFlag {
	return formatFlag{value: allowed[0], allowed: allowed}
}

func (f *formatFlag) String() string {
	if f == nil {
		return ""
	}
	return f.value
}

func (f *formatFlag) Set(s string) error {
	if !slices.Contains(f.allowed, s) {
		return fmt.Errorf("unknown format %q (want %s)", s, orList(f.allowed))
	}
	f.value = s
	return nil
}

// orList joins words as "a, b or c".
func orList(words []string) string { return enum.Choices(words) }

// newFlagSet returns a flag set that reports errors to its caller only:
// rpp prints them itself, with its own prefix and usage.
func newFlagSet(name string) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	fs.Usage = func() {}
	return fs
}

// parseFlags parses args allowing flags after operands too, as in
// `rpp check a.yaml --strict`: the flag package stops at the first operand,
// so parsing resumes after each one. "--" ends the flags; "-" is an operand.
func parseFlags(fs *flag.FlagSet, args []string) ([]string, error) {
	var operands []string
	for {
		if err := fs.Parse(args); err != nil {
			return nil, err
		}
		rest := fs.Args()
		if used := len(args) - len(rest); used > 0 && args[used-1] == "--" {
			return append(operands, rest...), nil
		}
		if len(rest) == 0 {
			return operands, nil
		}
		operands = append(operands, rest[0])
		args = rest[1:]
	}
}

// flagError reports a bad command line: for -h, the command's usage on
// stdout and success; otherwise the problem and the usage on stderr.
func flagError(inv *invocation, name string, err error) int {
	c, _ := lookupCommand(name)
	if errors.Is(err, flag.ErrHelp) {
		printCommandUsage(inv.stdout, c)
		return exitOK
	}
	fmt.Fprintf(inv.stderr, "rpp %s: %v\n", name, err)
	printCommandUsage(inv.stderr, c)
	return exitInvalid
}

// usageError reports a command line that parsed but makes no sense.
func usageError(inv *invocation, name, format string, args ...any) int {
	fmt.Fprintf(inv.stderr, "rpp %s: %s\n", name, fmt.Sprintf(format, args...))
	c, _ := lookupCommand(name)
	printCommandUsage(inv.stderr, c)
	return exitInvalid
}
