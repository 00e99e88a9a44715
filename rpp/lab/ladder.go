package lab

import (
	"strconv"
	"strings"
	"time"

	"github.com/rppkit/rppkit/lync/lynctest"
)

// Step is one line of the SIP ladder: a message from one system to another,
// or a connection one refused.
type Step struct {
	Time time.Time `json:"time"`
	// From and To are the systems by FQDN (or address, for a peer whose
	// certificate was refused).
	From string `json:"from"`
	To   string `json:"to"`
	// Message is the request line's method and URI, or the status line.
	Message string `json:"message"`
	// Status is the response's status code; 0 for a request.
	Status int `json:"status,omitempty"`
	// Diagnostics is the ms-diagnostics (or else ms-client-diagnostics)
	// header of a response, name and value, as Lync wrote it:
	// "ms-diagnostics: 7002;reason=…".
	Diagnostics string `json:"diagnostics,omitempty"`
	// Refused is set when the step is a connection refused before any SIP
	// (a TLS handshake that failed the trust check); Message says why.
	Refused bool `json:"refused,omitempty"`
}

// stepsOf turns what a Lync stand-in recorded into ladder steps, in order.
func stepsOf(msgs []lynctest.Message) []Step {
	out := make([]Step, 0, len(msgs))
	for _, m := range msgs {
		s := Step{Time: m.Time, From: m.Peer, To: m.Server, Message: m.StartLine}
		switch m.Direction {
		case lynctest.Out:
			s.From, s.To = m.Server, m.Peer
		case lynctest.Refused:
			s.Refused = true
			s.Message = "connection refused: " + m.StartLine
		}
		if !s.Refused {
			s.Status, s.Message = statusOf(m.StartLine)
			s.Diagnostics = diagnosticsOf(m.Text)
		}
		out = append(out, s)
	}
	return out
}

// statusOf reads a status line "SIP/2.0 404 Not Found" as 404 and "404 Not
// Found"; a request line is returned as it is, without its SIP version.
func statusOf(line string) (int, string) {
	if rest, ok := strings.CutPrefix(line, "SIP/2.0 "); ok {
		if code, err := strconv.Atoi(strings.SplitN(rest, " ", 2)[0]); err == nil {
			return code, rest
		}
		return 0, line
	}
	return 0, strings.TrimSuffix(line, " SIP/2.0")
}

// diagnosticsOf returns the value of the message's ms-diagnostics header, or
// of its ms-client-diagnostics header, if it has one. Only the header block
// is read.
func diagnosticsOf(text string) string {
	head, _, _ := strings.Cut(text, "\r\n\r\n")
	for _, name := range []string{"ms-diagnostics:", "ms-client-diagnostics:"} {
		for _, line := range strings.Split(head, "\r\n") {
			if len(line) > len(name) && strings.EqualFold(line[:len(name)], name) {
				return name + " " + strings.TrimSpace(line[len(name):])
			}
		}
	}
	return ""
}
