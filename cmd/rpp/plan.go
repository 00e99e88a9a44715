package main

import (
	"bufio"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/rppkit/rppkit"
	"github.com/rppkit/rppkit/internal/textfmt"
	"github.com/rppkit/rppkit/rpp"
	"github.com/rppkit/rppkit/rpp/diagram"
	"github.com/rppkit/rppkit/rpp/report"
)

type planOptions struct {
	format    formatFlag
	from      string
	diagram   formatFlag
	maxValues intFlag
}

func (o *planOptions) flagSet() *flagSet {
	fs := newFlagSet("plan")
	o.format = newFormatFlag("text", "json", "ps1", "mermaid")
	fs.Var(&o.format, "format", "output `format`: "+orList(o.format.allowed)+" (ps1: the Lync steps as a Management Shell script; mermaid: the topology and a RealConnect call flow)")
	o.diagram = newFormatFlag("topology", "realconnect")
	fs.Var(&o.diagram, "diagram", "with --format mermaid, the `diagram`: "+orList(o.diagram.allowed)+" (the call flow of a RealConnect call)")
	fs.String(&o.from, "from", "plan from the current configuration in deployment file `CURRENT` (default: a new integration)")
	fs.Var(&o.maxValues, "max-values", fmt.Sprintf("read files of up to `N` values (default %d)", rpp.DefaultMaxNodes))
	return fs
}

// planReport is the JSON form of `rpp plan`. schemaVersion changes only
// when a key is renamed or removed.
type planReport struct {
	SchemaVersion int          `json:"schemaVersion"`
	Tool          string       `json:"tool"`
	Version       string       `json:"version"`
	Desired       labInput     `json:"desired"`
	Current       *labInput    `json:"current"`
	Plan          *rpp.Runbook `json:"plan"`
}

// runPlan prints the steps that take the current configuration (--from,
// else none: a new integration) to the deployment FILE describes. FILE is
// read as check reads it. Exit 0 with a plan (empty or not), 1 when the
// deployment has errors no step can fix (each printed as check prints
// findings), 2 for input that is not a valid deployment, 130 when
// interrupted.
func runPlan(inv *invocation, args []string) int {
	var opts planOptions
	files, err := opts.flagSet().parse(args)
	if err != nil {
		return flagError(inv, "plan", err)
	}
	if len(files) > 1 {
		return usageError(inv, "plan", "one desired deployment at a time: got %d files (the current one goes with --from)", len(files))
	}
	dec := rpp.DecodeOptions{MaxNodes: int(opts.maxValues)}
	src := inv.sources(files, dec)[0]
	desired, err := src.load(inv.ctx)
	if inv.ctx.Err() != nil {
		return interrupted(inv)
	}
	if err != nil {
		printProblems(inv.stderr, report.Input{Name: src.name, Origin: src.origin, Err: err})
		return exitInvalid
	}
	var current *rpp.Deployment
	var currentInput *labInput
	if opts.from != "" {
		cur := inv.sources([]string{opts.from}, dec)[0]
		if cur.origin == report.FromStdin && src.origin == report.FromStdin {
			return usageError(inv, "plan", "standard input cannot hold both deployments")
		}
		current, err = cur.load(inv.ctx)
		if inv.ctx.Err() != nil {
			return interrupted(inv)
		}
		if err != nil {
			printProblems(inv.stderr, report.Input{Name: cur.name, Origin: cur.origin, Err: err})
			return exitInvalid
		}
		currentInput = &labInput{cur.name, cur.origin}
	}
	rb, err := rpp.Plan(inv.ctx, desired, current)
	var unplannable *rpp.UnplannableError
	switch {
	case inv.ctx.Err() != nil:
		return interrupted(inv)
	case errors.As(err, &unplannable):
		fmt.Fprintf(inv.stderr, "rpp: plan: %s: %d error(s) that no step can fix; correct the deployment, then plan again:\n", src.name, len(unplannable.Findings))
		for _, f := range unplannable.Findings {
			where := f.Position().String()
			if where == "" {
				where = src.name
			}
			fmt.Fprintf(inv.stderr, "rpp: %s: %s %s: %s\n", where, f.Rule, f.Object, textfmt.Sanitize(f.Message))
			if f.Fix != "" {
				fmt.Fprintf(inv.stderr, "rpp:   fix: %s\n", textfmt.Sanitize(f.Fix))
			}
		}
		return exitFindings
	case err != nil:
		// The loaders validated both deployments; what is left is an input
		// Check could not judge.
		fmt.Fprintf(inv.stderr, "rpp: plan: %s: %v\n", src.name, err)
		return exitInvalid
	}
	out := bufio.NewWriter(inv.stdout)
	from := "a new integration (nothing configured yet)"
	if currentInput != nil {
		from = currentInput.Name
	}
	switch opts.format.value {
	case "json":
		enc := json.NewEncoder(out)
		enc.SetIndent("", "  ")
		err = enc.Encode(planReport{SchemaVersion: 1, Tool: "rpp", Version: rppkit.Version(),
			Desired: labInput{src.name, src.origin}, Current: currentInput, Plan: rb})
	case "ps1":
		err = rb.WritePowerShell(out, rpp.PowerShellOptions{Header: []string{
			"Desired: " + src.name + originNote(src.origin),
			"From: " + from,
		}})
	case "mermaid":
		if opts.diagram.value == "realconnect" {
			err = diagram.RealConnectFlow(out, desired)
		} else {
			err = diagram.Topology(out, desired)
		}
	default:
		fmt.Fprintf(out, "Plan: %s%s\nFrom: %s\n\n", src.name, originNote(src.origin), from)
		err = rb.WriteText(out)
	}
	if err == nil {
		err = out.Flush()
	}
	if errors.Is(err, diagram.ErrNoRealConnect) {
		fmt.Fprintf(inv.stderr, "rpp: plan: %s: no RealConnect call to draw: %v\n", src.name, err)
		return exitInvalid
	}
	if err != nil {
		fmt.Fprintf(inv.stderr, "rpp: writing the %s plan: %v\n", opts.format.value, err)
		return exitInvalid
	}
	return exitOK
}

func interrupted(inv *invocation) int {
	fmt.Fprintln(inv.stderr, "rpp: interrupted")
	return exitInterrupted
}
