package rpp

import (
	"bufio"
	"fmt"
	"io"
	"strings"

	"github.com/rppkit/rppkit/lync/shell"
)

// WriteText writes the plan as numbered steps an admin follows: each with
// its system, what it does, the command or the settings (page, field,
// value and the value it replaces), what it depends on, and the outage
// window it falls in; then the windows, the corrections and the notes.
func (r *Runbook) WriteText(w io.Writer) error {
	b := bufio.NewWriter(w)
	if r.Empty() {
		fmt.Fprintln(b, "Nothing to do: the current configuration is the desired one.")
	}
	windows := make(map[string]*Window, len(r.Windows))
	for i := range r.Windows {
		windows[r.Windows[i].Name] = &r.Windows[i]
	}
	window := ""
	for _, s := range r.Steps {
		if s.Window != window && s.Window != "" && !strings.HasPrefix(s.Window, "restart ") {
			if win := windows[s.Window]; win != nil && win.From == s.Number {
				fmt.Fprintf(b, "--- outage window %s begins (to step %d): %s\n", win.Name, win.To, strings.Join(win.Systems, ", "))
			}
		}
		fmt.Fprintf(b, "%2d. [%s] %s\n", s.Number, s.System, s.Summary)
		if s.Command != "" {
			fmt.Fprintf(b, "      %s\n", s.Command)
		}
		for _, set := range s.Settings {
			fmt.Fprintf(b, "      %s: %s = %s", set.Page, set.Name, orNone(set.Value))
			if set.Old != "" {
				fmt.Fprintf(b, " (now %s)", set.Old)
			}
			b.WriteByte('\n')
		}
		var tags []string
		if len(s.DependsOn) > 0 {
			tags = append(tags, "after "+numbers(s.DependsOn))
		}
		if s.NeedsPublish {
			tags = append(tags, "takes effect when the topology is published")
		}
		if s.Reboots {
			tags = append(tags, "restarts the system")
		}
		if len(tags) > 0 {
			fmt.Fprintf(b, "      (%s)\n", strings.Join(tags, "; "))
		}
		if win := windows[s.Window]; win != nil && win.To == s.Number && !strings.HasPrefix(win.Name, "restart ") {
			fmt.Fprintf(b, "--- outage window %s ends\n", win.Name)
		}
		window = s.Window
	}
	if len(r.Windows) > 0 {
		fmt.Fprintln(b, "\nOutage windows:")
		for _, win := range r.Windows {
			fmt.Fprintf(b, "  %s: %s (%s): %s\n", win.Name, stepRange(win.From, win.To), strings.Join(win.Systems, ", "), win.Why)
		}
	}
	if len(r.Corrections) > 0 {
		fmt.Fprintln(b, "\nCorrections made to the desired deployment before planning:")
		for _, c := range r.Corrections {
			pos := Position{File: c.File, Line: c.Line}
			if pos.IsValid() {
				fmt.Fprintf(b, "  %s: ", pos)
			} else {
				b.WriteString("  ")
			}
			fmt.Fprintf(b, "%s: %s: %s\n", c.Rule, c.Object, c.Message)
		}
	}
	if len(r.Notes) > 0 {
		fmt.Fprintln(b, "\nNotes:")
		for _, n := range r.Notes {
			fmt.Fprintf(b, "  %s\n", n)
		}
	}
	return b.Flush()
}

func orNone(v string) string {
	if v == "" {
		return "(none)"
	}
	return v
}

func stepRange(from, to int) string {
	if from == to {
		return fmt.Sprintf("step %d", from)
	}
	return fmt.Sprintf("steps %d-%d", from, to)
}

func numbers(ns []int) string {
	s := make([]string, len(ns))
	for i, n := range ns {
		s[i] = fmt.Sprint(n)
	}
	prefix := "step "
	if len(ns) > 1 {
		prefix = "steps "
	}
	return prefix + strings.Join(s, ", ")
}

// PowerShellOptions tune WritePowerShell.
type PowerShellOptions struct {
	// Header lines go at the top of the script as comments (where the plan
	// came from, say).
	Header []string
}

// WritePowerShell writes the Lync steps as a Management Shell script. Each
// step that creates or removes something runs only when its Get-Cs… check
// says it is still to do, so the script is safe to run twice; Set-Cs… and
// Enable-CsTopology are the same when repeated. After reading back a
// Service GRUU it prints the two forms an admin pastes: without sip: for
// the RMX's SIP_CONTACT_OVERRIDE_STR, with sip: for the DMA. Where RMX or
// DMA steps must come before the next Lync step, the script lists them and
// waits for Enter. The script is ASCII apart from names taken from the
// deployment; write it with a UTF-8 byte-order mark when it is not (see
// package shell).
func (r *Runbook) WritePowerShell(w io.Writer, opts PowerShellOptions) error {
	b := bufio.NewWriter(w)
	b.WriteString("# Lync Server Management Shell script written by rpp plan.\n")
	for _, h := range opts.Header {
		fmt.Fprintf(b, "# %s\n", oneLine(h))
	}
	b.WriteString("# Safe to run twice: each New-Cs... and Remove-Cs... runs only when its Get-Cs... check says it is still to do.\n")
	b.WriteString("$ErrorActionPreference = 'Stop'\n")
	lync := 0
	for _, s := range r.Steps {
		if s.System == "lync" {
			lync++
		}
	}
	if lync == 0 {
		b.WriteString("\n# Nothing to do in Lync.\nWrite-Output 'Nothing to do in Lync.'\n")
	}
	var devices []Step
	flush := func(wait bool) {
		if len(devices) == 0 {
			return
		}
		fmt.Fprintf(b, "\n# %s are on the RMXs and DMAs (rpp plan --format text lists their settings):\n", capitalize(stepRange(devices[0].Number, devices[len(devices)-1].Number)))
		for _, d := range devices {
			fmt.Fprintf(b, "#   %d. [%s] %s\n", d.Number, d.System, oneLine(d.Summary))
		}
		msg := fmt.Sprintf("Now carry out %s on the RMXs and DMAs.", stepRange(devices[0].Number, devices[len(devices)-1].Number))
		if wait {
			fmt.Fprintf(b, "Read-Host %s | Out-Null\n", shell.Quote(msg+" Press Enter when they are done to go on"))
		} else {
			fmt.Fprintf(b, "Write-Output %s\n", shell.Quote(msg))
		}
		devices = nil
	}
	for _, s := range r.Steps {
		if s.System != "lync" {
			devices = append(devices, s)
			continue
		}
		flush(true)
		fmt.Fprintf(b, "\n# Step %d: %s\n", s.Number, oneLine(s.Summary))
		switch {
		case s.Action == ActionRead:
			v := fmt.Sprintf("$gruu%d", s.Number)
			fmt.Fprintf(b, "%s = (%s).ServiceGruu\n", v, s.Command)
			fmt.Fprintf(b, "if (-not %s) { throw %s }\n", v, shell.Quote(fmt.Sprintf("No Service GRUU for %s: publish the topology (Enable-CsTopology) and run this script again.", strings.TrimPrefix(s.Object, "lync/application/"))))
			fmt.Fprintf(b, "$bare%d = %s -replace '^(?i)sip:', ''\n", s.Number, v)
			fmt.Fprintf(b, "Write-Output \"RMX system flag SIP_CONTACT_OVERRIDE_STR (without sip:): $bare%d\"\n", s.Number)
			fmt.Fprintf(b, "Write-Output \"DMA Lync Integration, CsTrustedApplication ServiceGruu (with sip:): sip:$bare%d\"\n", s.Number)
		case s.Done != "":
			fmt.Fprintf(b, "if (%s) {\n    %s\n}\n", runWhen(s.Done), s.Command)
		default:
			fmt.Fprintf(b, "%s\n", s.Command)
		}
	}
	flush(false)
	return b.Flush()
}

// oneLine keeps a comment on its line.
func oneLine(s string) string { return strings.Join(strings.Fields(s), " ") }

func capitalize(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}

// runWhen is the condition under which a guarded step runs: Done is false.
func runWhen(done string) string {
	if inner, ok := strings.CutPrefix(done, "-not ("); ok && strings.HasSuffix(inner, ")") {
		return strings.TrimSuffix(inner, ")")
	}
	return "-not (" + done + ")"
}
