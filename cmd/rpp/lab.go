package main

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"

	"github.com/rppkit/rppkit"
	"github.com/rppkit/rppkit/rpp"
	"github.com/rppkit/rppkit/rpp/lab"
	"github.com/rppkit/rppkit/rpp/report"
)

type labOptions struct {
	format    formatFlag
	maxValues intFlag
}

func (o *labOptions) flagSet() *flagSet {
	fs := newFlagSet("lab")
	o.format = newFormatFlag("text", "json", "mermaid")
	fs.Var(&o.format, "format", "output `format`: "+orList(o.format.allowed)+" (mermaid draws the SIP ladder as a sequence diagram)")
	fs.Var(&o.maxValues, "max-values", fmt.Sprintf("read files of up to `N` values (default %d)", rpp.DefaultMaxNodes))
	return fs
}

// labReport is the JSON form of `rpp lab`: the input, as check reports it,
// and the lab's result. schemaVersion changes only when a key is renamed or
// removed.
type labReport struct {
	SchemaVersion int         `json:"schemaVersion"`
	Tool          string      `json:"tool"`
	Version       string      `json:"version"`
	Input         labInput    `json:"input"`
	OK            bool        `json:"ok"`
	Result        *lab.Result `json:"result"`
}

type labInput struct {
	Name   string        `json:"name"`
	Origin report.Origin `json:"origin"`
}

// runLab brings one deployment up on loopback (package rpp/lab) and
// reports it. Exit 0 when every system came up and every test call
// connected, 1 for a failure on the wire, 2 for input that is not a valid
// deployment (reported exactly as check reports it) or a lab that could not
// be built, 130 when interrupted.
func runLab(inv *invocation, args []string) int {
	var opts labOptions
	files, err := opts.flagSet().parse(args)
	if err != nil {
		return flagError(inv, "lab", err)
	}
	if len(files) > 1 {
		return usageError(inv, "lab", "one deployment at a time: got %d files", len(files))
	}
	src := inv.sources(files, rpp.DecodeOptions{MaxNodes: int(opts.maxValues)})[0]
	// Loaded as check loads it, and its problems printed as check prints
	// them; the lab runs the rules itself.
	d, err := src.load(inv.ctx)
	if inv.ctx.Err() != nil {
		fmt.Fprintln(inv.stderr, "rpp: interrupted")
		return exitInterrupted
	}
	if err != nil {
		printProblems(inv.stderr, report.Input{Name: src.name, Origin: src.origin, Err: err})
		return exitInvalid
	}
	res, err := lab.Run(inv.ctx, d, lab.Options{})
	switch {
	case inv.ctx.Err() != nil:
		fmt.Fprintln(inv.stderr, "rpp: interrupted")
		return exitInterrupted
	case err != nil:
		fmt.Fprintf(inv.stderr, "rpp: lab: %v\n", err)
		return exitInvalid
	}
	out := bufio.NewWriter(inv.stdout)
	switch opts.format.value {
	case "json":
		err = writeLabJSON(out, labReport{SchemaVersion: 1, Tool: "rpp", Version: rppkit.Version(),
			Input: labInput{src.name, src.origin}, OK: res.OK(), Result: res})
	case "mermaid":
		err = res.WriteMermaid(out)
	default:
		fmt.Fprintf(out, "Lab: %s%s\n\n", src.name, originNote(src.origin))
		err = res.WriteText(out)
	}
	if err == nil {
		err = out.Flush()
	}
	if err != nil {
		fmt.Fprintf(inv.stderr, "rpp: writing the %s report: %v\n", opts.format.value, err)
		return exitInvalid
	}
	if !res.OK() {
		return exitFindings
	}
	return exitOK
}

func originNote(o report.Origin) string {
	switch o {
	case report.FromExample:
		return " (the bundled example)"
	case report.FromStdin:
		return " (standard input)"
	}
	return ""
}

func writeLabJSON(w io.Writer, r labReport) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(r)
}
