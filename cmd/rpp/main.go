// Rpp checks how a Polycom RealPresence Platform deployment (RMX, DMA) meets
// a Lync Server or Skype for Business Server topology, and explains what it
// finds.
//
// Usage:
//
//	rpp <command> [arguments]
//
// The commands are:
//
//	check [--format text|json|sarif] [--strict] [FILE...]
//	      Load each deployment file (YAML or JSON; "-" reads standard
//	      input), run the rule catalogue over it and print the findings.
//	      Flags may come before or after the files. With no FILE, check the
//	      bundled example deployment (two-site.yaml), so there is something
//	      real to look at at once.
//
//	explain RULE-ID
//	      Print a rule's severity, summary, source and full documentation:
//	      why the configuration breaks, what an admin sees and how to fix it.
//
//	rules [--format text|json]
//	      List the rule catalogue.
//
//	conformance [--format text|json|junit] [--run PREFIX] [--level must|should]
//	            [--lenient] [--list]
//	      Run the conformance kit (package conformance) against rppkit
//	      itself and report each case: text, a JSON report, or JUnit XML for
//	      CI. --run selects cases by ID prefix, --list lists them instead.
//	      Exit status 0 when no case fails, 1 when one does.
//
//	help [COMMAND]
//	      Print this usage, or a command's.
//
// The text format groups findings by file and then by system (Lync, RMX,
// DMA, the deployment as a whole) and fits in 80 columns. The json format
// prints one object:
//
//	{"findings":[{"rule":…,"severity":"error|warning|info","object":…,
//	  "field":…,"file":…,"line":…,"message":…,"fix":…}],
//	 "summary":{"errors":N,"warnings":N,"info":N}}
//
// The sarif format prints a SARIF 2.1.0 log, for code-scanning tools.
//
// Exit status of check: 0 when no finding is an error; 1 when some are (or,
// with --strict, when any is a warning); 2 when a file cannot be read or is
// not a valid deployment file (each problem is printed to standard error
// with its file:line:column and field; the other files are still checked),
// and for usage errors.
//
// Environment: NO_COLOR (any non-empty value) turns colour off; otherwise
// text output is coloured only when standard output is a terminal.
// RPP_FORCE_COLOR=1 forces colour even when it is not (NO_COLOR still wins).
package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"

	"github.com/rppkit/rppkit/internal/suggest"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	code := run(ctx, os.Args[1:], os.Stdin, os.Stdout, os.Stderr, os.Getenv)
	stop() // os.Exit skips deferred calls
	os.Exit(code)
}

// Exit statuses shared by the commands.
const (
	exitOK       = 0 // nothing at error level
	exitFindings = 1 // error findings, or warnings with --strict
	exitInvalid  = 2 // unreadable or invalid input, or a usage error
)

// command is one subcommand of rpp.
type command struct {
	name     string
	synopsis string // the command line, as usage shows it
	summary  string // what it does, in a line
	// flags returns the command's flags, unbound, for usage; nil if none.
	flags func() *flag.FlagSet
	run   func(inv *invocation, args []string) int
}

// invocation is what one run of rpp works with: the streams and the
// environment, passed explicitly so that tests can run rpp in process.
type invocation struct {
	ctx    context.Context
	stdin  io.Reader
	stdout io.Writer
	stderr io.Writer
	env    func(string) string
}

// commands lists rpp's commands in the order usage shows them. It is a
// function, not a package variable, so there is no global mutable state.
func commands() []command {
	return []command{
		{"check", "rpp check [--format text|json|sarif] [--strict] [FILE...]",
			"check deployment files against the rule catalogue",
			func() *flag.FlagSet { return new(checkOptions).flagSet() }, runCheck},
		{"explain", "rpp explain RULE-ID",
			"print a rule's documentation: why, what an admin sees, the fix",
			nil, runExplain},
		{"rules", "rpp rules [--format text|json]",
			"list the rule catalogue",
			func() *flag.FlagSet { return new(rulesOptions).flagSet() }, runRules},
		{"plan", "rpp plan [--format text|json|ps1] [FILE]",
			"the ordered configuration steps (not implemented yet)",
			nil, notImplemented("plan")},
		{"conformance", "rpp conformance [--format text|json|junit] [--run PREFIX] [--level must|should] [--lenient] [--list]",
			"run the conformance kit against rppkit itself, or list its cases",
			func() *flag.FlagSet { return new(conformanceOptions).flagSet() }, runConformance},
		{"lab", "rpp lab [--format text|json|mermaid] [FILE]",
			"bring the deployment up on loopback (not implemented yet)",
			nil, notImplemented("lab")},
	}
}

// run is the whole of rpp: it parses args (without the program name), does
// the work and returns the exit status.
func run(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer, env func(string) string) int {
	inv := &invocation{ctx: ctx, stdin: stdin, stdout: stdout, stderr: stderr, env: env}
	if len(args) == 0 {
		printUsage(stderr)
		return exitInvalid
	}
	name, rest := args[0], args[1:]
	switch name {
	case "help", "-h", "-help", "--help":
		return runHelp(inv, rest)
	}
	c, ok := lookupCommand(name)
	if !ok {
		fmt.Fprintf(stderr, "rpp: unknown command %q%s\n\n", name, didYouMean(name))
		printUsage(stderr)
		return exitInvalid
	}
	return c.run(inv, rest)
}

// lookupCommand returns the command called name.
func lookupCommand(name string) (command, bool) {
	for _, c := range commands() {
		if c.name == name {
			return c, true
		}
	}
	return command{}, false
}

func didYouMean(name string) string {
	var names []string
	for _, c := range commands() {
		names = append(names, c.name)
	}
	if s := suggest.Closest(name, append(names, "help")); s != "" {
		return fmt.Sprintf(" (did you mean %s?)", s)
	}
	return ""
}

func runHelp(inv *invocation, args []string) int {
	if len(args) == 0 {
		printUsage(inv.stdout)
		return exitOK
	}
	if c, ok := lookupCommand(args[0]); ok {
		printCommandUsage(inv.stdout, c)
		return exitOK
	}
	fmt.Fprintf(inv.stderr, "rpp help: unknown command %q%s\n\n", args[0], didYouMean(args[0]))
	printUsage(inv.stderr)
	return exitInvalid
}

func printUsage(w io.Writer) {
	fmt.Fprintln(w, "rpp checks a RealPresence Platform deployment against its Lync or Skype for")
	fmt.Fprintln(w, "Business topology.")
	fmt.Fprintln(w)
	fmt.Fprintln(w, "usage:")
	for _, c := range commands() {
		fmt.Fprintf(w, "  %s\n      %s\n", c.synopsis, c.summary)
	}
	fmt.Fprintln(w, "  rpp help [COMMAND]\n      print this, or a command's usage")
	fmt.Fprintln(w)
	fmt.Fprintln(w, "With no FILE, check reads the bundled example deployment.")
}

// printCommandUsage prints one command's synopsis and flags.
func printCommandUsage(w io.Writer, c command) {
	fmt.Fprintf(w, "usage: %s\n\n%s.\n", c.synopsis, c.summary)
	if c.flags != nil {
		fs := c.flags()
		fmt.Fprintf(w, "\nflags (they may come before or after the arguments):\n")
		fs.SetOutput(w)
		fs.PrintDefaults()
	}
}

func notImplemented(name string) func(*invocation, []string) int {
	return func(inv *invocation, _ []string) int {
		fmt.Fprintf(inv.stderr, "rpp: command %s is not implemented yet\n", name)
		return exitInvalid
	}
}
