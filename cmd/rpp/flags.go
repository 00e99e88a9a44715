package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"

	"github.com/rppkit/rppkit/internal/enum"
	"github.com/rppkit/rppkit/internal/suggest"
)

// flagSet is a command's flags, spoken in one style everywhere: --name in
// help, errors and synopses (a single dash is accepted too, as the flag
// package does). It wraps the standard library's parser and adds what users
// expect of a command line: flags after operands, the closest flag for a
// typo, and errors that name the flag as it is documented.
type flagSet struct {
	fs  *flag.FlagSet
	cmd string
	// badValue is the last error a flag's value gave, so that the error
	// the user sees is ours and names the flag as --name.
	badValue error
}

func newFlagSet(cmd string) *flagSet {
	fs := flag.NewFlagSet(cmd, flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	fs.Usage = func() {}
	return &flagSet{fs: fs, cmd: cmd}
}

// checked wraps a flag's value so that a refused value is remembered, with
// the flag's name.
type checked struct {
	flag.Value
	name string
	set  *flagSet
}

func (c checked) Set(s string) error {
	err := c.Value.Set(s)
	if err != nil {
		c.set.badValue = fmt.Errorf("invalid value for --%s: %w", c.name, err)
	}
	return err
}

func (c checked) IsBoolFlag() bool {
	b, ok := c.Value.(interface{ IsBoolFlag() bool })
	return ok && b.IsBoolFlag()
}

// Var defines a flag with value v; the name of its value in help is the
// first `quoted` word of usage, as with the flag package.
func (f *flagSet) Var(v flag.Value, name, usage string) { f.fs.Var(checked{v, name, f}, name, usage) }

// Bool defines a flag that is on when given.
func (f *flagSet) Bool(p *bool, name, usage string) { f.Var((*boolFlag)(p), name, usage) }

// String defines a flag with a text value.
func (f *flagSet) String(p *string, name, usage string) { f.Var((*stringFlag)(p), name, usage) }

type boolFlag bool

func (b *boolFlag) String() string { return strconv.FormatBool(bool(*b)) }
func (b *boolFlag) Set(s string) error {
	v, err := strconv.ParseBool(s)
	if err != nil {
		return fmt.Errorf("want true or false, got %q", s)
	}
	*b = boolFlag(v)
	return nil
}
func (b *boolFlag) IsBoolFlag() bool { return true }

type stringFlag string

func (s *stringFlag) String() string     { return string(*s) }
func (s *stringFlag) Set(v string) error { *s = stringFlag(v); return nil }

// errUsage is wrapped by the errors parse returns for a bad command line.
var errUsage = errors.New("usage")

// parse parses args allowing flags after operands too, as in
// `rpp check a.yaml --strict`: the flag package stops at the first operand,
// so parsing resumes after each one. "--" ends the flags; "-" is an operand.
// -h and --help give flag.ErrHelp.
func (f *flagSet) parse(args []string) ([]string, error) {
	if err := f.precheck(args); err != nil {
		return nil, err
	}
	var operands []string
	for {
		f.badValue = nil
		if err := f.fs.Parse(args); err != nil {
			if errors.Is(err, flag.ErrHelp) {
				return nil, err
			}
			if f.badValue != nil {
				return nil, fmt.Errorf("%w: %w", errUsage, f.badValue)
			}
			return nil, fmt.Errorf("%w: %v", errUsage, err) // not reached: precheck sees the rest
		}
		rest := f.fs.Args()
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

// precheck finds the mistakes the flag package reports in words of its own
// (an unknown flag, a flag without its value) and says them our way, with
// the closest flag for a typo.
func (f *flagSet) precheck(args []string) error {
	for i := 0; i < len(args); i++ {
		a := args[i]
		if a == "--" {
			return nil
		}
		name, hasValue, ok := flagName(a)
		if !ok || name == "h" || name == "help" {
			continue
		}
		fl := f.fs.Lookup(name)
		if fl == nil {
			return fmt.Errorf("%w: unknown flag %s%s", errUsage, quoteArg("--"+name), f.suggestFlag(name))
		}
		if isBool(fl) || hasValue {
			continue
		}
		if i+1 == len(args) {
			return fmt.Errorf("%w: --%s needs a value (%s)", errUsage, name, valueName(fl))
		}
		i++ // the value, which may begin with '-'
	}
	return nil
}

// flagName returns the name of a flag argument (-x, --x, --x=v).
func flagName(a string) (name string, hasValue, ok bool) {
	if len(a) < 2 || a[0] != '-' {
		return "", false, false
	}
	name = strings.TrimPrefix(a[1:], "-")
	name, _, hasValue = strings.Cut(name, "=")
	return name, hasValue, name != ""
}

func (f *flagSet) suggestFlag(name string) string {
	var names []string
	f.fs.VisitAll(func(fl *flag.Flag) { names = append(names, fl.Name) })
	if s := suggest.Closest(name, names); s != "" {
		return " (did you mean --" + s + "?)"
	}
	return " (rpp help " + f.cmd + " lists the flags)"
}

func isBool(fl *flag.Flag) bool {
	b, ok := fl.Value.(interface{ IsBoolFlag() bool })
	return ok && b.IsBoolFlag()
}

func valueName(fl *flag.Flag) string {
	name, _ := flag.UnquoteUsage(fl)
	if name == "" {
		name = "value"
	}
	return name
}

// printDefaults lists the flags as --name VALUE, each with its usage.
func (f *flagSet) printDefaults(w io.Writer) {
	f.fs.VisitAll(func(fl *flag.Flag) {
		name, usage := flag.UnquoteUsage(fl)
		head := "  --" + fl.Name
		if !isBool(fl) {
			if name == "" {
				name = "value"
			}
			head += " " + name
		}
		fmt.Fprintf(w, "%s\n      %s\n", head, usage)
	})
}

// formatFlag is a --format value that accepts only the formats its command
// can write, so a typo is a usage error rather than a silent default.
type formatFlag struct {
	value   string
	allowed []string
	set     bool // given on the command line, not the default
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
	f.value, f.set = s, true
	return nil
}

// orList joins words as "a, b or c".
func orList(words []string) string { return enum.Choices(words) }

// quoteArg shows an argument as typed, quoting it only when it holds
// something a terminal would hide or misread.
func quoteArg(s string) string {
	if strings.ContainsFunc(s, func(r rune) bool { return r <= ' ' || r == '"' || r > '~' }) {
		return strconv.Quote(s)
	}
	return s
}

// flagError reports a bad command line: for -h, the command's usage on
// stdout and success; otherwise the problem and the usage on stderr.
func flagError(inv *invocation, name string, err error) int {
	c, _ := lookupCommand(name)
	if errors.Is(err, flag.ErrHelp) {
		printCommandUsage(inv.stdout, c)
		return exitOK
	}
	fmt.Fprintf(inv.stderr, "rpp %s: %s\n", name, strings.TrimPrefix(err.Error(), errUsage.Error()+": "))
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

func (f *flagSet) hasFlags() bool {
	n := 0
	f.fs.VisitAll(func(*flag.Flag) { n++ })
	return n > 0
}
