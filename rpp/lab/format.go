package lab

import (
	"fmt"
	"io"
	"strings"

	"github.com/rppkit/rppkit/internal/mermaid"
	"github.com/rppkit/rppkit/internal/textfmt"
	"github.com/rppkit/rppkit/rpp"
)

// WriteText writes the result for a person: each system's status, each
// failure with its phase, symptom and the rules that explain it, the test
// calls, and the SIP ladder.
func (r *Result) WriteText(w io.Writer) error {
	p := &textfmt.Printer{W: w}
	groups := []struct{ title, kind string }{
		{"Lync Front End pools", KindFrontEnd}, {"Lync Edge pools", KindEdge},
		{"RMX", KindRMX}, {"DMA", KindDMA},
	}
	for _, g := range groups {
		var rows []System
		for _, s := range r.Systems {
			if s.Kind == g.kind {
				rows = append(rows, s)
			}
		}
		if len(rows) == 0 {
			continue
		}
		p.Printf("%s\n", g.title)
		for _, s := range rows {
			p.Printf("  %-28s %s\n", textfmt.Sanitize(s.Name), textfmt.Sanitize(s.State))
			if s.Detail != "" {
				p.Wrapped(textfmt.Sanitize(s.Detail), systemIndent, systemIndent+"  ")
			}
			if s.Failure != nil {
				writeFailure(p, s.Failure, systemIndent)
			}
		}
		p.Printf("\n")
	}
	if len(r.Calls) > 0 {
		p.Printf("Test calls\n")
		for _, c := range r.Calls {
			p.Wrapped(textfmt.Sanitize(callLine(c)), "  ", "      ")
			if c.Failure != nil {
				writeFailure(p, c.Failure, "      ")
			}
		}
		p.Printf("\n")
	}
	for _, d := range r.Disagreements {
		p.Printf("disagreement: %s\n", textfmt.Sanitize(d))
	}
	p.Printf("SIP ladder\n")
	for _, s := range r.Ladder {
		arrow := "──▶"
		if s.Refused {
			arrow = "──✕"
		}
		line := fmt.Sprintf("  %s  %s %s %s  %s", s.Time.Format("15:04:05.000"), s.From, arrow, s.To, s.Message)
		if s.Diagnostics != "" {
			line += "  [" + s.Diagnostics + "]"
		}
		p.Printf("%s\n", textfmt.Sanitize(line))
	}
	up, failed := 0, 0
	for _, s := range r.Systems {
		if s.OK() {
			up++
		} else {
			failed++
		}
	}
	p.Printf("\n%d of %d systems up", up, up+failed)
	if n := len(r.Calls); n > 0 {
		ok := 0
		for _, c := range r.Calls {
			if c.OK() {
				ok++
			}
		}
		p.Printf("; %d of %d test calls connected", ok, n)
	}
	p.Printf(".\n")
	return p.Err()
}

// systemIndent puts text under a system's state column.
const systemIndent = "                               "

func writeFailure(p *textfmt.Printer, f *Failure, indent string) {
	what := fmt.Sprintf("failed at %s: %s", f.Phase, f.Symptom)
	if f.Where != "" {
		what += " (" + f.Where + ")"
	}
	p.Wrapped(textfmt.Sanitize(what), indent, indent+"  ")
	if f.Detail != "" {
		p.Wrapped("the other side said: "+textfmt.Sanitize(f.Detail), indent, indent+"  ")
	}
	if len(f.Rules) > 0 {
		p.Wrapped(fmt.Sprintf("rpp check explains it: %s (see rpp explain %s)", strings.Join(f.Rules, ", "), f.Rules[0]), indent, indent+"  ")
	} else {
		p.Wrapped("rpp check reports no rule that explains it", indent, indent+"  ")
	}
}

// WriteMermaid writes the SIP ladder as a Mermaid sequence diagram: a
// participant per system, a solid arrow per request, a dashed one per
// response, a cross per refused connection, and ms-diagnostics as notes.
func (r *Result) WriteMermaid(w io.Writer) error {
	p := &textfmt.Printer{W: w}
	p.Printf("sequenceDiagram\n")
	ids := map[string]string{}
	id := func(name string) string {
		if v, ok := ids[name]; ok {
			return v
		}
		v := fmt.Sprintf("p%d", len(ids)+1)
		ids[name] = v
		p.Printf("    participant %s as %s\n", v, mermaid.Text(name))
		return v
	}
	// Participants first, in order of appearance, so Mermaid draws them in
	// the order the story unfolds.
	for _, s := range r.Ladder {
		id(s.From)
		id(s.To)
	}
	for _, s := range r.Ladder {
		from, to := id(s.From), id(s.To)
		arrow := "->>"
		switch {
		case s.Refused:
			arrow = "-x"
		case s.Status != 0:
			arrow = "-->>"
		}
		p.Printf("    %s%s%s: %s\n", from, arrow, to, mermaid.Text(s.Message))
		if s.Diagnostics != "" {
			p.Printf("    Note over %s,%s: %s\n", from, to, mermaid.Text(s.Diagnostics))
		}
	}
	return p.Err()
}

// callLine says what a test call did, in a line.
func callLine(c Call) string {
	var what string
	switch c.Workflow {
	case rpp.Traditional:
		what = fmt.Sprintf("traditional: a Lync user calls %s (static route %s)", c.Number, c.Route)
	default:
		what = fmt.Sprintf("RealConnect: an endpoint dials %s at %s", c.Number, c.DMA)
	}
	switch {
	case c.NotPlaced != "":
		return what + ": not placed: " + c.NotPlaced
	case !c.OK():
		return what + ": failed"
	case c.Workflow == rpp.Traditional:
		host := c.RMX
		if host == "" {
			host = c.DMA
		}
		return what + ": answered 200 by " + host
	default:
		return fmt.Sprintf("%s: connected; %s cascaded into the meeting, %d bytes sent and %d received over %s/%s candidates",
			what, c.RMX, c.BytesSent, c.BytesReceived, c.LocalCandidate, c.RemoteCandidate)
	}
}
