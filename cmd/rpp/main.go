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
//	check [--format FORMAT] [--output FORMAT=FILE]... [--fail-on SEVERITY | --strict]
//	      [--enable RULE-ID,...] [--disable RULE-ID,...] [--fix [--diff]] [FILE...]
//	      Load each deployment file (YAML or JSON; "-" is standard input),
//	      run the rule catalogue over it and print the findings. Flags may
//	      come before or after the files. With no FILE, read standard input
//	      when it is not a terminal; at a terminal, check the bundled example
//	      deployment (two-site.yaml), and say so in the report.
//	      FORMAT is text, json, sarif, junit, github (GitHub Actions
//	      annotations) or checkstyle; each --output also writes the report in
//	      FORMAT to FILE (replaced whole, never half-written; - is standard
//	      output). --fail-on sets the least severity that exits 1 (error;
//	      --strict is --fail-on warning). --enable runs only the rules named,
//	      --disable leaves rules out; both repeat and take lists.
//	      --fix applies the findings' fixes to the files; --diff (with --fix)
//	      prints them as a unified diff instead of writing.
//
//	explain RULE-ID...
//	      Print each rule's severity, summary, source and full documentation:
//	      why the configuration breaks, what an admin sees and how to fix it.
//	      IDs are matched without regard to case.
//
//	explain --symptom TEXT
//	      Find the rules whose findings cause an RMX alarm or client error
//	      (TEXT, quoted), best first: the exact phrase, then all its words,
//	      then some, without regard to case or punctuation; each with its
//	      severity, summary and why it matched. Exit 1 when none matches,
//	      listing the closest symptom texts rules know.
//
//	rules [--format text|json]
//	      List the rule catalogue.
//
//	conformance [--format text|json|junit] [--run PREFIX] [--level must|should]
//	            [--lenient] [--list]
//	      Run the conformance kit (package conformance) against rppkit
//	      itself and report each case: text, a JSON report, or JUnit XML for
//	      CI. The cases are the language-neutral vectors (run against
//	      conformance.Reference) and the wire cases (device/…: rppkit's RMX
//	      stand-in against its Lync stand-in; lync/…: the reverse), over
//	      loopback sockets. --run selects cases by ID prefix, --list lists
//	      them instead. Exit status 0 when no case fails, 1 when one does.
//
//	plan [--format text|json|ps1|mermaid] [--diagram topology|realconnect]
//	     [--from CURRENT] [FILE]
//	      Print the steps that take the current configuration (the
//	      deployment file CURRENT; with no --from, a new integration) to the
//	      one FILE describes, in order, with what each depends on, whether it
//	      needs a topology publish or a reboot, and the outage windows. Only
//	      the difference is planned: a deployment planned from itself needs
//	      no step. text lists every step; ps1 writes the Lync steps as a
//	      Management Shell script that is safe to run twice and prints the
//	      Service GRUU in both forms; mermaid draws the desired topology, or
//	      with --diagram realconnect a RealConnect call through it. FILE is
//	      read as check reads it. Exit 0 with a plan, 1 when the deployment
//	      has errors no step can fix (each is printed), 2 for input that is
//	      not a valid deployment.
//
//	import lync [--into FILE] SHELL-OUTPUT...
//	      Read saved Lync Server / Skype for Business Server Management
//	      Shell output (Format-List or Format-Table, UTF-16 or UTF-8; "-"
//	      is standard input) and write the topology it describes as a
//	      deployment file's lync: part: with --into, refresh FILE in place
//	      (created if missing), keeping its rpp: part, its comments and
//	      the keys the output did not cover; else print a new deployment
//	      with an rpp: skeleton. Problems go to standard error as
//	      "file:line: severity: message". rpp import --help prints the
//	      snippet that collects the output. Exit 0 imported, 1 some record
//	      could not be read (FILE is then left unchanged), 2 unreadable
//	      input or a FILE that is not a deployment file.
//
//	lab [--format text|json|mermaid] [FILE]
//	      Bring the deployment up on loopback (package rpp/lab): a Lync
//	      Front End and Edge per pool, an RMX stand-in per RMX bringing ICE
//	      up, and with the RealConnect workflow a DMA stand-in per DMA that
//	      places a test call into a sample meeting, cascaded by an RMX into
//	      the AV MCU; with the traditional workflow, a Lync user's call
//	      through each static route to the DMA's first VMR. Print each system's status, each failure's phase, the
//	      symptom the admin would see and the rules rpp check reports that
//	      explain it, and the SIP ladder (mermaid: as a sequence diagram).
//	      FILE is read as check reads it; with none, standard input when it
//	      is not a terminal, else the bundled example. Exit 0 when every
//	      system came up and every test call connected, 1 for a failure on
//	      the wire, 2 for input that is not a valid deployment.
//
//	version
//	      Print the version of rppkit rpp was built from (also --version).
//
//	help [COMMAND]
//	      Print this usage, or a command's.
//
// The text format groups findings by file and then by system (Lync, RMX,
// DMA, the deployment as a whole) and fits in 80 columns. The json format
// prints one object (package rpp/report documents it in full):
//
//	{"schemaVersion":1,"version":…,"tool":"rpp",
//	 "inputs":[{"name":…,"origin":"file|stdin|example","status":"checked|invalid|incomplete",
//	            "problems":[{"file":…,"line":…,"column":…,"field":…,"message":…}],"summary":{…}}],
//	 "findings":[{"rule":…,"severity":"error|warning|info","object":…,
//	  "field":…,"file":…,"line":…,"column":…,"message":…,"fix":…,
//	  "fixes":[{"message":…,"edits":[{"field":…,"value":…}]}],"docUrl":…}],
//	 "summary":{"errors":N,"warnings":N,"info":N}}
//
// The sarif format prints a SARIF 2.1.0 log, for code-scanning tools; junit
// prints JUnit XML with a test case per rule and input; github prints GitHub
// Actions workflow commands (::error file=F,line=L,col=C,title=RULE-ID::…),
// one a line; checkstyle prints Checkstyle XML.
//
// Exit status of check: 0 when no finding is at the failing severity; 1 when
// some are (an error by default; with --fail-on warning or --strict, a
// warning too; with --fail-on info, any finding); 2 when an input cannot be read or
// is not a valid deployment (each problem is printed to standard error with
// its file:line:column and field; the other files are still checked, and
// every format lists the input as not checked), and for usage errors; 130
// when interrupted (Ctrl-C).
//
// Environment: NO_COLOR (any non-empty value) turns colour off; otherwise
// text output is coloured only when standard output is a terminal.
// RPP_FORCE_COLOR=1 forces colour even when it is not (NO_COLOR still wins).
package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"os/signal"
	"time"

	"golang.org/x/term"

	"github.com/rppkit/rppkit"
	"github.com/rppkit/rppkit/internal/suggest"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	streams := streams{stdin: os.Stdin, stdinTerminal: term.IsTerminal(int(os.Stdin.Fd())), stdout: os.Stdout, stderr: os.Stderr}
	done := make(chan int, 1)
	go func() { done <- run(ctx, os.Args[1:], streams, os.Getenv) }()
	var code int
	select {
	case code = <-done:
	case <-ctx.Done():
		// Interrupted. Loading and checking watch the context, so the work
		// normally ends at once; a read blocked in the kernel (a FIFO with
		// no writer, a terminal) may not, and Ctrl-C must still work.
		select {
		case code = <-done: // the command said so itself
		case <-time.After(time.Second):
			fmt.Fprintln(os.Stderr, "rpp: interrupted")
			code = exitInterrupted
		}
	}
	stop() // os.Exit skips deferred calls
	os.Exit(code)
}

// Exit statuses shared by the commands.
const (
	exitOK          = 0   // nothing at error level
	exitFindings    = 1   // error findings, or warnings with --strict
	exitInvalid     = 2   // unreadable or invalid input, or a usage error
	exitInterrupted = 130 // Ctrl-C, as shells report SIGINT
)

// command is one subcommand of rpp.
type command struct {
	name     string
	synopsis string // the command line, as usage shows it
	summary  string // what it does, in a line
	// flags returns the command's flags, unbound, for usage; nil if none.
	flags func() *flagSet
	run   func(inv *invocation, args []string) int
}

// streams are the standard streams of a run. stdinTerminal says whether
// standard input is a terminal, where check reads no deployment from it.
type streams struct {
	stdin         io.Reader
	stdinTerminal bool
	stdout        io.Writer
	stderr        io.Writer
}

// invocation is what one run of rpp works with: the streams and the
// environment, passed explicitly so that tests can run rpp in process.
type invocation struct {
	ctx context.Context
	streams
	env func(string) string
}

// commands lists rpp's commands in the order usage shows them. It is a
// function, not a package variable, so there is no global mutable state.
// Only commands that exist are listed.
func commands() []command {
	return []command{
		{"check", "rpp check [--format FORMAT] [--output FORMAT=FILE]... [--fail-on SEVERITY | --strict] [--enable RULE-ID,...] [--disable RULE-ID,...] [--config FILE] [--show-suppressed] [--no-suppress] [--fix [--diff]] [FILE...]",
			"check deployment files against the rule catalogue",
			func() *flagSet { return new(checkOptions).flagSet() }, runCheck},
		{"explain", "rpp explain RULE-ID... | rpp explain --symptom TEXT",
			"print rules' documentation: why, what an admin sees, the fix; or find the rules behind a symptom",
			func() *flagSet { return explainFlags(new(optionalString)) }, runExplain},
		{"rules", "rpp rules [--format text|json] | rpp rules --format markdown --out DIR",
			"list the rule catalogue, or write its documentation pages",
			func() *flagSet { return new(rulesOptions).flagSet() }, runRules},
		{"conformance", "rpp conformance [--format text|json|junit] [--run PREFIX] [--level must|should] [--lenient] [--list]",
			"run the conformance kit against rppkit itself, or list its cases",
			func() *flagSet { return new(conformanceOptions).flagSet() }, runConformance},
		{"plan", "rpp plan [--format text|json|ps1|mermaid] [--diagram topology|realconnect] [--from CURRENT] [FILE]",
			"print the ordered steps that configure Lync, the RMXs and the DMAs",
			func() *flagSet { return new(planOptions).flagSet() }, runPlan},
		{"import", "rpp import lync [--into FILE] SHELL-OUTPUT...", "read Lync Management Shell output into a deployment file's lync: part", func() *flagSet { return new(importOptions).flagSet() }, runImport},
		{"lab", "rpp lab [--format text|json|mermaid] [FILE]",
			"bring the deployment up on loopback and show what happens on the wire",
			func() *flagSet { return new(labOptions).flagSet() }, runLab},
		{"version", "rpp version",
			"print the version of rppkit rpp was built from (also rpp --version)",
			func() *flagSet { return newFlagSet("version") }, runVersion},
	}
}

// run is the whole of rpp: it parses args (without the program name), does
// the work and returns the exit status.
func run(ctx context.Context, args []string, s streams, env func(string) string) int {
	inv := &invocation{ctx: ctx, streams: s, env: env}
	if len(args) == 0 {
		printUsage(inv.stderr)
		return exitInvalid
	}
	name, rest := args[0], args[1:]
	switch name {
	case "help", "-h", "-help", "--help":
		return runHelp(inv, rest)
	case "--version", "-version":
		return runVersion(inv, rest)
	}
	c, ok := lookupCommand(name)
	if !ok {
		fmt.Fprintf(inv.stderr, "rpp: unknown command %s%s\n\n", quoteArg(name), didYouMean(name))
		printUsage(inv.stderr)
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
	names := []string{"help", "--version"}
	for _, c := range commands() {
		names = append(names, c.name)
	}
	if s := suggest.Closest(name, names); s != "" {
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
	fmt.Fprintf(inv.stderr, "rpp help: unknown command %s%s\n\n", quoteArg(args[0]), didYouMean(args[0]))
	printUsage(inv.stderr)
	return exitInvalid
}

func runVersion(inv *invocation, args []string) int {
	operands, err := newFlagSet("version").parse(args)
	if err != nil {
		return flagError(inv, "version", err)
	}
	if len(operands) > 0 {
		return usageError(inv, "version", "unexpected argument %s", quoteArg(operands[0]))
	}
	fmt.Fprintf(inv.stdout, "rpp %s\n", rppkit.Version())
	return exitOK
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
	fmt.Fprintln(w, "With no FILE, check reads standard input, or at a terminal the bundled example.")
}

// printCommandUsage prints one command's synopsis and flags.
func printCommandUsage(w io.Writer, c command) {
	fmt.Fprintf(w, "usage: %s\n\n%s.\n", c.synopsis, c.summary)
	if fs := c.flags(); fs.hasFlags() {
		fmt.Fprintf(w, "\nflags (they may come before or after the arguments):\n")
		fs.printDefaults(w)
	}
}
